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
# A Markdown backslash escape is the character itself (`\_\_init\_\_` reads `__init__`);
# undone on both sides, so an escape an importer adds does not split a word.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_NOT_WORD = re.compile(r"\W")
CHUNK = 1 << 20  # characters per findall: its list of words stays small


def words(text: str) -> Counter[str]:
    counts = Counter[str]()
    _add_words(counts, text)
    return counts


def _add_words(counts: Counter[str], text: str) -> None:
    for chunk in _chunks(text):
        counts.update(_WORD.findall(_unescaped(chunk).casefold()))


def _subtract_words(counts: Counter[str], text: str) -> None:
    for chunk in _chunks(text):
        counts.subtract(_WORD.findall(_unescaped(chunk).casefold()))


def _unescaped(text: str) -> str:
    return _ESCAPE.sub(r"\1", text) if "\\" in text else text


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


def front_matter_comments(
    text: str, kind: str, data: Any, first_line: int = 2
) -> list[tuple[int, str]]:
    """(line, text) of each comment in YAML or TOML front matter that holds words.

    No YAML or TOML reader keeps comments, so the canonical front matter
    loses them; migrate records each as a change so that none goes unseen.
    YAML's own scanner says where the code of each line ends (a `#` inside a
    value, as in `title: C# tips` or `"Issue #42"`, is not a comment); TOML,
    which has no plain scalars, by the first `#` outside quotes. A candidate
    whose words are all among the values is kept, so not reported.
    """
    lines = text.split("\n")
    ends = _yaml_code_ends(text, len(lines)) if kind == "yaml" else None
    kept = words("\n".join(_strings(data)))
    found = []
    for number, line in enumerate(lines):
        # Without YAML token ends (TOML, or YAML the scanner refused), quotes decide.
        end = ends[number] if ends is not None else _quoted_code_end(line)
        comment = line[end:].strip()
        if comment.startswith("#") and words(comment) - kept:
            found.append((number + first_line, comment))
    return found


def _yaml_code_ends(text: str, count: int) -> list[int] | None:
    """Per line, the column where its YAML tokens end (past the line: all of it is code).

    The scanner is libyaml's when installed, as the loader's is: the pure-Python
    one refuses some text libyaml reads (a tab after `key:`). None if it fails.
    """
    import yaml

    ends = [0] * count
    try:
        for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            start, end = token.start_mark, token.end_mark
            for line in range(start.line, min(end.line, count)):  # a multi-line scalar
                ends[line] = 1 << 30
            if end.line < count:
                ends[end.line] = max(ends[end.line], end.column)
    except yaml.YAMLError:
        return None
    return ends


def _quoted_code_end(line: str) -> int:
    """The index of the first `#` outside quotes (the line's length if none)."""
    quote = ""
    escaped = False
    for index, char in enumerate(line):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            return index
    return len(line)
