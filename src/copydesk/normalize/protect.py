"""Mask code, Liquid and shortcodes so that body rewrites can never touch them.

Every protected region is swapped for private-use tokens before a normalizer
edits the body and swapped back afterwards. A region spanning several lines
gets one *block* token per line, so line numbers and line structure survive
and block logic (paragraph rebuilding) can keep those lines together; a
region inside one line gets a single *inline* token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BLOCK = "\ue000"
INLINE = "\ue001"
END = "\ue002"
TOKEN_RE = re.compile(f"[{BLOCK}{INLINE}](\\d+){END}")
PRIVATE = f"{BLOCK}{INLINE}{END}\ue003"

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_PATTERNS = (
    # Order matters: later patterns see earlier regions as opaque tokens.
    re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.DOTALL),
    re.compile(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.DOTALL),
    re.compile(r"\{\{<.*?>\}\}|\{\{%.*?%\}\}", re.DOTALL),
    re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL),
    re.compile(r"(?<!`)(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.DOTALL),
)


@dataclass
class Masked:
    """Text with protected regions replaced by tokens, and the way back."""

    text: str
    pieces: list[str] = field(default_factory=list)

    def unmask(self, text: str) -> str:
        # Regions can nest (a Liquid tag inside a raw block), so repeat until none is left.
        while TOKEN_RE.search(text):
            text = TOKEN_RE.sub(lambda match: self.pieces[int(match[1])], text)
        return text

    def token(self, region: str) -> str:
        if "\n" not in region:
            return self._one(region, INLINE)
        return "\n".join(self._one(piece, BLOCK) for piece in region.split("\n"))

    def _one(self, piece: str, kind: str) -> str:
        self.pieces.append(piece)
        return f"{kind}{len(self.pieces) - 1}{END}"


def mask(text: str) -> Masked:
    """Protect fenced and indented code, `{% raw %}`, Liquid, shortcodes and code spans."""
    masked = Masked(text="")
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        end = _code_block_end(lines, index)
        if end > index:
            out.append(masked.token("\n".join(lines[index:end])))
            index = end
        else:
            out.append(lines[index])
            index += 1
    masked.text = "\n".join(out)
    for pattern in _PATTERNS:
        masked.text = pattern.sub(lambda match: masked.token(match[0]), masked.text)
    return masked


def _code_block_end(lines: list[str], start: int) -> int:
    """Index after the code block starting at `start`, or `start` when none starts there."""
    opener = _FENCE_OPEN.match(lines[start])
    if opener and not (opener[1][0] == "`" and "`" in opener[2]):
        fence = opener[1]
        closer = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        for index in range(start + 1, len(lines)):
            if closer.match(lines[index]):
                return index + 1
        return len(lines)
    if _INDENTED.match(lines[start]) and lines[start].strip() and _may_start_indented(lines, start):
        end = start + 1
        while end < len(lines) and (_INDENTED.match(lines[end]) or not lines[end].strip()):
            end += 1
        while not lines[end - 1].strip():
            end -= 1
        return end
    return start


def _may_start_indented(lines: list[str], start: int) -> bool:
    """Indented code cannot interrupt a paragraph or continue a list item."""
    if start == 0:
        return True
    if lines[start - 1].strip():
        return False
    for line in reversed(lines[:start]):
        if line.strip():
            return not (_LIST_ITEM.match(line) or _INDENTED.match(line))
    return True


def is_block_token_line(line: str) -> bool:
    """Does this masked line hold (part of) a multi-line protected region?"""
    return BLOCK in line
