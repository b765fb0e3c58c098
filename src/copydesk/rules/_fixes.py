"""Helpers for rules that attach a `Fix`: edits located in the file's own text.

A fix edits what the file says, as written: a helper finds the text to
replace inside the node's source span and returns None when it is not
there verbatim (escaped, entity-encoded, split by a template), since a fix
that guesses is worse than none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from copydesk.findings import Fix, Replacement

if TYPE_CHECKING:
    from copydesk.findings import Applicability
    from copydesk.parse import Node, ParsedFile
    from copydesk.rules.base import Context


def source_of(node: Node, ctx: Context) -> tuple[int, str]:
    """The node's start offset in the file's text, and its text as written."""
    parsed = ctx.parsed
    start = parsed.offset(node.line, node.column)
    end = parsed.offset(node.end_line, node.end_column)
    return start, parsed.document.text[start:end]


def edit_at(parsed: ParsedFile, start: int, end: int, text: str) -> Replacement:
    """An edit of the file's text between two offsets."""
    line, column = parsed.position(start)
    end_line, end_column = parsed.position(end)
    return Replacement(line, column, end_line, end_column, text)


def replace_in(
    node: Node,
    ctx: Context,
    old: str,
    new: str,
    applicability: Applicability = "safe",
    removes: str = "",
    replaces: str = "",
) -> Fix | None:
    """Replace the last `old` in the node's source (a link's destination comes
    after its text) with `new`; None when `old` is not written there as is."""
    start, source = source_of(node, ctx)
    index = source.rfind(old) if old else -1
    if index < 0:
        return None
    at = start + index
    edit = edit_at(ctx.parsed, at, at + len(old), new)
    return Fix((edit,), applicability, removes, replaces=replaces)


def remove_lines(parsed: ParsedFile, first: int, last: int) -> Fix:
    """Remove whole lines `first`..`last` (1-based), and one blank line after them
    when a blank line (or the start of the body) is before them, so that no
    double gap is left. Lines that end the file take the blank lines before
    them along, so the file still ends as it did (one newline, or none) rather
    than with a blank line. The removed text is what the fix declares it removes."""
    text = parsed.document.text
    start = parsed.offset(first, 1)
    end = text.find("\n", parsed.offset(last, 1))
    end = len(text) if end < 0 else end + 1
    blank_before = first == 1 or not parsed.line_text(first - 1).strip()
    if blank_before and not parsed.line_text(last + 1).strip() and last + 1 <= text.count("\n"):
        end = text.find("\n", end) + 1 or len(text)
    if blank_before and first > 1 and not text[end:].strip():
        start = _after_last_words(text, start)
    removed = text[start:end]
    return Fix((edit_at(parsed, start, end, ""),), "safe", removes=removed)


def _after_last_words(text: str, start: int) -> int:
    """Where the blank lines before `start` begin: just after the newline that
    ends the last line with words (kept, as the file's last newline)."""
    words = text[:start].rstrip()
    if not words:
        return start  # only blank lines before: the body's start stays as it is
    newline = text.find("\n", len(words))
    return newline + 1 if text.endswith("\n") else newline
