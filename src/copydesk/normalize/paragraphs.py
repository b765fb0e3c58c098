"""Block structure of plain text: thematic breaks and paragraph rebuilding.

Plain exports often put one paragraph per line with no blank line between,
which Markdown would merge into one paragraph. Every such line becomes its
own paragraph; consecutive list items, quote lines, table rows and protected
(code) lines stay together. A text that is hard-wrapped instead (short
lines that mostly end mid-sentence) keeps its line groups as they are.
"""

from __future__ import annotations

import itertools
import re

from copydesk.normalize.body import REMOVED, Edit
from copydesk.normalize.protect import BLOCK

_SEPARATOR = re.compile(r"^[ \t]*(?:(?:[-—–―‒_][ \t]*){2,}|(?:\*[ \t]*){3,})$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_CONTINUATION = re.compile(r"^(?: {2,}|\t)\S")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_SENTENCE_END = re.compile(r"[.!?…:;\"'”’)\]]$")
WRAP_WIDTH = 80


def is_separator(line: str) -> bool:
    return bool(_SEPARATOR.match(line))


def mark_separators(edit: Edit) -> None:
    """`—–`, `***`, `* * *`, `___` lines become the `---` thematic break (recorded)."""
    lines = edit.text.split("\n")
    for index, line in enumerate(lines):
        if is_separator(line) and line != "---":
            edit.record(
                "separator",
                "separator line written as a thematic break",
                line=edit.line_base + index,
                before=line,
                after="---",
            )
            lines[index] = "---"
    edit.text = "\n".join(lines)


def _kind(line: str) -> str:
    if BLOCK in line:
        return "code"
    if _LIST_ITEM.match(line) and not is_separator(line):
        return "list"
    if line.lstrip().startswith(">"):
        return "quote"
    if line.lstrip().startswith("|"):
        return "table"
    if _HEADING.match(line) or is_separator(line):
        return "single"
    return "prose"


def _joins(previous: str, kind: str, line: str, wrapped: bool) -> bool:
    """Does `line` continue the block whose last line has kind `previous`?"""
    if previous == "list":
        return kind == "list" or bool(_CONTINUATION.match(line))
    if previous in ("code", "quote", "table"):
        return kind == previous
    return previous == kind == "prose" and wrapped


def is_hard_wrapped(lines: list[str]) -> bool:
    """Short lines that mostly run on into the next line: a wrapped text, not one per line."""
    prose = [line for line in lines if line.strip() and _kind(line) == "prose"]
    runs = [
        line
        for line, following in itertools.pairwise(lines)
        if _kind(line) == "prose" and following.strip() and _kind(following) == "prose"
    ]
    if not runs or max(len(line) for line in prose) > WRAP_WIDTH:
        return False
    open_ended = sum(1 for line in runs if not _SENTENCE_END.search(line.rstrip()))
    return open_ended * 2 >= len(runs)


def rebuild_paragraphs(edit: Edit) -> None:
    """One blank line between blocks; lines that were paragraphs are no longer merged."""
    lines = [line for line in edit.text.split("\n") if line != REMOVED]
    wrapped = is_hard_wrapped(lines)
    blocks: list[list[str]] = []
    previous: str | None = None
    split_at: list[int] = []
    for index, line in enumerate(edit.text.split("\n")):
        if line == REMOVED or not line.strip():
            previous = None
            continue
        kind = _kind(line)
        if previous is None or not _joins(previous, kind, line, wrapped):
            if previous is not None:
                split_at.append(edit.line_base + index)
            blocks.append([line])
            previous = kind
            continue
        blocks[-1].append(line)
        # A continuation line joins its list item and keeps the block a list.
        previous = previous if previous == "list" else kind
    edit.text = "\n\n".join("\n".join(block) for block in blocks)
    if split_at:
        shown = ", ".join(str(line) for line in split_at)
        edit.record(
            "paragraphs",
            f"blank line inserted before line(s) {shown}: each was its own block",
            line=split_at[0],
        )
