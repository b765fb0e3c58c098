"""The content-preservation check: no word disappears unless a Change shows it.

Words are compared as multisets of case-folded `\\w+` runs, so moving text
(the "About the Author" block into `authors[0].bio`) or rebuilding
paragraphs costs nothing, while a dropped sentence is caught unless a
recorded change carries it verbatim in `before`.

Memory: a huge post (a pasted log) has millions of words. They are counted
a chunk of text at a time into one `Counter` of the input's words, from
which the output's are subtracted, so what is held is the distinct words,
never a list of every word or a second counter.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from copydesk.model import Change, Post

_WORD = re.compile(r"\w+")
_NOT_WORD = re.compile(r"\W")
CHUNK = 1 << 20  # characters per findall: its list of words stays small


def words(text: str) -> Counter[str]:
    counts = Counter[str]()
    _add_words(counts, text)
    return counts


def _add_words(counts: Counter[str], text: str) -> None:
    for chunk in _chunks(text):
        counts.update(_WORD.findall(chunk.casefold()))


def _subtract_words(counts: Counter[str], text: str) -> None:
    for chunk in _chunks(text):
        counts.subtract(_WORD.findall(chunk.casefold()))


def _chunks(text: str) -> Iterable[str]:
    """`text` in pieces of about CHUNK characters, cut only between words."""
    if len(text) <= CHUNK:
        yield text
        return
    start = 0
    while start < len(text):
        cut = _NOT_WORD.search(text, start + CHUNK)
        end = cut.start() if cut else len(text)
        yield text[start:end]
        start = end


def post_texts(post: Post) -> Iterable[str]:
    """Every piece of text the output keeps: body, title and front matter strings."""
    yield post.body
    yield from _strings(post.front_matter())


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def unaccounted_words(
    before: str | Iterable[str], post: Post, changes: Iterable[Change]
) -> list[str]:
    """Words of `before` (a text, or its pieces) missing from `post` that no
    change's `before` accounts for."""
    counts = Counter[str]()
    for text in [before] if isinstance(before, str) else before:
        _add_words(counts, text)
    for text in post_texts(post):
        _subtract_words(counts, text)
    missing = +counts  # the words with more uses in `before` than in the output
    del counts
    if not missing:
        return []
    for change in changes:
        _subtract_words(missing, change.before)
    return sorted((+missing).elements())
