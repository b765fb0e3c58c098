"""The content-preservation check: no word disappears unless a Change shows it.

Words are compared as multisets of case-folded `\\w+` runs, so moving text
(the "About the Author" block into `authors[0].bio`) or rebuilding
paragraphs costs nothing, while a dropped sentence is caught unless a
recorded change carries it verbatim in `before`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from copydesk.model import Change, Post

_WORD = re.compile(r"\w+")


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.casefold()))


def post_text(post: Post) -> str:
    """Every piece of text the output keeps: body, title and front matter strings."""
    return "\n".join([post.body, *_strings(post.front_matter())])


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def unaccounted_words(before: str, post: Post, changes: Iterable[Change]) -> list[str]:
    """Words of `before` missing from `post` that no change's `before` accounts for."""
    missing = words(before) - words(post_text(post))
    if not missing:
        return []
    accounted = Counter[str]()
    for change in changes:
        accounted.update(words(change.before))
    return sorted((missing - accounted).elements())
