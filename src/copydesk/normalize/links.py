"""Tracking parameters out of URLs: those of `copydesk.tracking` and Medium's `source=`.

Only the parameters are removed; the rest of the URL keeps its exact spelling
(order, encoding, `&` or `&amp;` separators), so an untracked URL is untouched.
"""

from __future__ import annotations

import re

from copydesk.normalize.protect import PRIVATE
from copydesk.tracking import matcher, medium_source

URL_RE = re.compile(rf"https?://[^\s<>\"'()\[\]{PRIVATE}]+")


def _is_tracking(name: str, host: str) -> bool:
    return matcher()(name) or medium_source(name, host)


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
