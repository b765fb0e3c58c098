"""Titles for posts without front matter: a title line, or an inferred one for review.

A first line is the title when it is short (at most 100 characters) and
either ends without sentence punctuation, or is followed by a blank line and
holds a single sentence ("Pillar 2: Congratulations, you’re head of career
sales." stands alone, so it is a title). A first line that runs straight
into more text and ends like a sentence is the start of the body instead.
"""

from __future__ import annotations

import re

from copydesk.errors import NormalizeError
from copydesk.normalize.body import REMOVED, Edit
from copydesk.normalize.keys import clean_title
from copydesk.normalize.paragraphs import is_separator
from copydesk.normalize.protect import BLOCK, INLINE
from copydesk.read import Document

MAX_TITLE_LINE = 100
MAX_INFERRED = 60
_CLOSERS = "\"'”’)]»"
_SENTENCE_END = ".!?…"
_NEVER_TITLE_END = ":;,"
_CLOSER_CLASS = "[" + re.escape(_CLOSERS) + "]"
_INNER_SENTENCE = re.compile(rf"[{_SENTENCE_END}]{_CLOSER_CLASS}*\s+\S")
_NOT_TEXT = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|>|\||<|!\[|\[!\[)")
_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_FIRST_SENTENCE = re.compile(rf"^(.+?[{_SENTENCE_END}]{_CLOSER_CLASS}*)(?=\s|$)")
_WORD = re.compile(r"\w")
_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|[*_`]+|^[#>\s]+")


def take_title_line(edit: Edit) -> str | None:
    """The first line as the title (removed from the body, recorded), when it is one."""
    lines = edit.text.split("\n")
    first = _first_text_line(lines)
    if first is None:
        return None
    line = lines[first].strip()
    heading = _ATX.match(line)
    if heading:
        title = clean_title(edit.masked.unmask(heading["text"]))
    elif _is_title_line(line, _blank_after(lines, first)):
        title = clean_title(edit.masked.unmask(line))
    else:
        return None
    if not title:
        return None
    edit.remove_lines(
        first,
        1,
        "title-from-first-line",
        "the first line is the title; removed from the body",
        after=title,
    )
    return title


def _first_text_line(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines) if line.strip() and line != REMOVED), None)


def _blank_after(lines: list[str], index: int) -> bool:
    return index + 1 >= len(lines) or not lines[index + 1].strip() or lines[index + 1] == REMOVED


def _is_title_line(line: str, blank_after: bool) -> bool:
    if len(line) > MAX_TITLE_LINE or BLOCK in line or INLINE in line:
        return False
    if _NOT_TEXT.match(line) or is_separator(line):
        return False
    last = line.rstrip(_CLOSERS)[-1:]
    if last in _NEVER_TITLE_END:
        return False
    if last and last in _SENTENCE_END:
        return blank_after and not _INNER_SENTENCE.search(line)
    return True


def infer_title(document: Document, edit: Edit) -> str:
    """First sentence of the first paragraph, cut at a word near 60 characters; for review."""
    lines = edit.text.split("\n")
    first = next((i for i, line in enumerate(lines) if _WORD.search(_plain_words(line))), None)
    text = _plain_words(edit.masked.unmask(lines[first])) if first is not None else ""
    if not text:
        raise NormalizeError(document.path, "no title line and no text to infer a title from")
    sentence = _FIRST_SENTENCE.match(text)
    title = _shorten(sentence[1] if sentence else text)
    edit.record(
        "title-inferred",
        "no title line; title inferred from the first sentence, body unchanged",
        line=edit.line_base + (first or 0),
        after=title,
        review=True,
    )
    return title


def _plain_words(line: str) -> str:
    return clean_title(_MARKUP.sub(lambda match: match[1] or "", line))


def _shorten(text: str) -> str:
    if len(text) <= MAX_INFERRED:
        return text
    cut = text[: MAX_INFERRED + 1].rsplit(" ", 1)[0] if " " in text[:MAX_INFERRED] else text
    return cut[:MAX_INFERRED].rstrip(" ,;:—–-") + "…"
