"""Human output: `path:line:col: severity CODE message [name]`, one finding a line.

The location comes first so that editors and terminals make it clickable;
the severity follows it (as compilers write it) because it decides the exit
code; the rule name closes the line so that the message can be searched for
in docs/rules.md. Colour only when asked for by the terminal: see `use_colour`.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from copydesk.findings import Finding

LEVELS = ("error", "warning", "info")
_RESET = "\033[0m"
_STYLE = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m", "path": "\033[1m"}
_DIM = "\033[2m"


def use_colour(stream: TextIO) -> bool:
    """NO_COLOR (any value) turns colour off, FORCE_COLOR turns it on; else a terminal decides.

    See https://no-color.org and https://force-color.org.
    """
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def count(number: int, noun: str) -> str:
    """`1 file`, `2 files`: every summary counts through here."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def finding_lines(
    findings: Iterable[Finding], colour: bool = False, unsafe: bool = False
) -> Iterator[str]:
    """Sorted by path, then line, then column, whatever order they came in; `[*]`
    after the code marks what `--fix` (with `unsafe`: `--unsafe-fixes`) would fix."""
    for f in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code)):
        where = f"{f.path}:{f.line}:{f.column}:"
        name = f" [{f.name}]" if f.name else ""
        if colour:
            level = f"{_STYLE.get(f.severity, '')}{f.severity}{_RESET}"
            where = f"{_STYLE['path']}{where}{_RESET}"
            name = f"{_DIM}{name}{_RESET}"
        else:
            level = f.severity
        mark = " [*]" if f.fixable(unsafe) else ""
        yield f"{where} {level} {f.code}{mark} {f.message}{name}"


def summary(findings: list[Finding], files: int | None = None) -> str:
    """`Found 3 findings (2 errors, 1 warning) in 2 files.`; files are counted when known."""
    checked = "" if files is None else f" in {count(files, 'file')}"
    if not findings:
        return f"No findings{checked}."
    levels: Counter[str] = Counter(f.severity for f in findings)
    parts = [count(levels[level], level) for level in LEVELS if levels[level]]
    return f"Found {count(len(findings), 'finding')} ({', '.join(parts)}){checked}."


def fix_summary(findings: list[Finding], fixed: int | None) -> str:
    """After `--fix` (`fixed` is a count): `3 fixed, 2 remaining (1 fixable with
    --unsafe-fixes)`; without it, how many findings `--fix` would fix ("" for none)."""
    safe = sum(1 for f in findings if f.fixable())
    unsafe = sum(1 for f in findings if f.fixable(unsafe=True)) - safe
    hidden = f" ({unsafe} fixable with --unsafe-fixes)" if unsafe else ""
    if fixed is not None:
        return f"{fixed} fixed, {len(findings)} remaining{hidden}."
    if not safe:
        return ""
    return f"[*] {safe} fixable with --fix{hidden}."


def _counts(findings: Iterable[Finding]) -> list[tuple[str, str, str, int]]:
    """(code, name, severity, count), most frequent first, then by code."""
    counts = Counter((f.code, f.name, f.severity) for f in findings)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(code, name, severity, n) for (code, name, severity), n in ordered]


def statistics(findings: Iterable[Finding]) -> Iterator[str]:
    """Count per code, most frequent first, so the biggest cleanup shows at the top.

    Columns are as wide as their widest entry, so pack codes such as
    HOUSE1234 line up with CD101.
    """
    rows = _counts(findings)
    if not rows:
        return
    count_width = max(len(str(row[3])) for row in rows)
    code_width = max(len(row[0]) for row in rows)
    level_width = max(len(row[2]) for row in rows)
    for code, name, severity, n in rows:
        line = f"{n:>{count_width}}  {code:<{code_width}}  {severity:<{level_width}}  {name}"
        yield line.rstrip()


def statistics_object(findings: list[Finding]) -> dict[str, Any]:
    """`--statistics --format json`: the summary as data rather than one line per finding."""
    levels: Counter[str] = Counter(f.severity for f in findings)
    return {
        "total": len(findings),
        "by_severity": {level: levels[level] for level in LEVELS},
        "statistics": [
            {"code": code, "name": name, "severity": severity, "count": n}
            for code, name, severity, n in _counts(findings)
        ],
    }
