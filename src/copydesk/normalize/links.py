"""Tracking parameters out of URLs: utm_*, fbclid, gclid, Mailchimp ids, Medium `source=`.

Only the parameters are removed; the rest of the URL keeps its exact spelling
(order, encoding, `&` or `&amp;` separators), so an untracked URL is untouched.
"""

from __future__ import annotations

import re

from copydesk.normalize.protect import PRIVATE

_TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "gbraid",
        "wbraid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
    }
)
URL_RE = re.compile(rf"https?://[^\s<>\"'()\[\]{PRIVATE}]+")


def _is_tracking(name: str, host: str) -> bool:
    name = name.lower()
    if name.startswith("utm_") or name in _TRACKING:
        return True
    # Medium appends `source=...` to every link it exports (e.g. source=post_page---...).
    return name == "source" and (host == "medium.com" or host.endswith(".medium.com"))


def clean_url(url: str) -> str:
    """`url` without tracking parameters; the same string when there are none."""
    base, hash_mark, fragment = url.partition("#")
    path, question, query = base.partition("?")
    if not question:
        return url
    host = re.sub(r"^https?://", "", path).split("/", 1)[0].split(":", 1)[0].lower()
    separator = "&amp;" if "&amp;" in query else "&"
    params = [part for part in query.split(separator) if part]
    kept = [part for part in params if not _is_tracking(part.split("=", 1)[0], host)]
    if len(kept) == len(params):
        return url
    cleaned = path + ("?" + separator.join(kept) if kept else "")
    return cleaned + hash_mark + fragment
