"""URLs as people write them: split without raising.

`urllib.parse.urlsplit` raises `ValueError` on a malformed host (an unclosed
`[` as in `https://[::1`, a full-width `＃` that NFKC turns into `#`). A post
may hold any text, and one odd link must not stop every rule that reads
URLs, so those are split by the generic pattern of RFC 3986, appendix B.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

_RFC3986 = re.compile(
    r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?", re.DOTALL
)


def split_url(url: str) -> SplitResult:
    """`urlsplit(url)`, or the same five parts for a URL it refuses."""
    try:
        return urlsplit(url)
    except ValueError:
        match = _RFC3986.match(url)
        assert match is not None  # every part is optional: the pattern matches any text
        scheme, netloc, path, query, fragment = match.groups(default="")
        return SplitResult(scheme.lower(), netloc, path, query, fragment)
