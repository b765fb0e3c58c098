"""Which input format is this post? (jekyll | medium | plain | canonical)

"jekyll" stands for any post with YAML or TOML front matter that is not yet
canonical: Jekyll, Hugo, Hexo, Gatsby and WordPress imports share the key
table in the design, so they share a normalizer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from copydesk.model import Format
from copydesk.read import Document

_MEDIUM_KEYS = frozenset({"thumb_img_path", "medium_url"})
_MEDIUM_BODY = re.compile(
    r"<figcaption|data-href=|markup--|cdn-images-1\.medium\.com|miro\.medium\.com"
)
_SOURCE_KEYS = frozenset({"format", "path", "sha256"})


def detect_format(document: Document, front_matter: Mapping[str, Any] | None) -> Format:
    """Guess the format from the front matter keys first, then the body."""
    if document.front_matter is None:
        return "plain"
    data = front_matter or {}
    source = data.get("source")
    if isinstance(source, Mapping) and set(source) >= _SOURCE_KEYS:
        return "canonical"
    if _MEDIUM_KEYS & set(data) or _MEDIUM_BODY.search(_outside_code(document.body)):
        return "medium"
    return "jekyll"


def _outside_code(body: str) -> str:
    """The body with code masked: a post that *discusses* `<figcaption>` is not a Medium export."""
    if not _MEDIUM_BODY.search(body):
        return ""
    from copydesk.normalize.protect import mask

    return mask(body).text
