"""Slugs: `[a-z0-9-]+`, with accents transliterated so "Café Noël" gives "cafe-noel"."""

from __future__ import annotations

import re
import unicodedata

from copydesk.model import SLUG_RE

# Letters NFKD does not decompose into ASCII plus a combining mark.
_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "þ": "th",
        "Þ": "th",
        "ð": "d",
        "&": " and ",
    }
)
_APOSTROPHES = re.compile(r"(?<=\w)['’](?=\w)")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by `-`; empty when nothing Latin is left."""
    text = _APOSTROPHES.sub("", text.translate(_LETTERS))
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


def is_slug(text: str) -> bool:
    return bool(SLUG_RE.match(text))
