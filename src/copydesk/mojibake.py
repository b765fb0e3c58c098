"""Mojibake: UTF-8 that was once decoded as cp1252 or Latin-1 (`â€™`, `Ã©`).

One definition shared by lint (CD401 finds it) and migrate (repairs it).
The repair itself is ftfy's (a solved problem: its heuristics know when a
sequence really is mojibake); it is imported only for text that matches,
so clean posts never pay for it.
"""

from __future__ import annotations

import functools
import re


def _continuation_bytes() -> str:
    """UTF-8 continuation bytes (0x80-0xBF) as a cp1252 (else Latin-1) reader shows them."""
    chars = []
    for byte in range(0x80, 0xC0):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return re.escape("".join(chars))


@functools.cache
def mojibake_pattern() -> re.Pattern[str]:
    """A lead byte shown as Â/Ã (U+0080-07FF), â/ï (U+2000-2FFF, U+F000-FFFF:
    quotes, dashes, BOM) or ð (emoji), followed by its continuation bytes.
    Compiled the first time a text holds a lead (see `LEADS`): a lint of clean
    posts never does (~0.7 ms of start-up, with the table of bytes)."""
    cont = _continuation_bytes()
    return re.compile(rf"(?:[ÂÃ][{cont}]|[âï][{cont}]{{2}}|ð[{cont}]{{3}})+")


LEADS = "ÂÃâïð"  # every `mojibake_pattern` match starts with one of these


def has_mojibake(text: str) -> bool:
    return any(lead in text for lead in LEADS) and mojibake_pattern().search(text) is not None


def repair(text: str) -> str:
    """The text with mojibake undone, or the same string when there is none."""
    if not has_mojibake(text):
        return text
    import ftfy

    return str(ftfy.fix_encoding(text))
