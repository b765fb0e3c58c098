"""Human output: `path:line:col: CODE message`, one finding a line, editor-clickable."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copydesk.findings import Finding


def finding_lines(findings: Iterable[Finding]) -> Iterator[str]:
    """Sorted by path, then line, then column, whatever order they came in."""
    for f in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code)):
        yield f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}"


def summary(findings: list[Finding]) -> str:
    if not findings:
        return "No findings."
    levels = Counter(f.severity for f in findings)
    parts = [
        f"{levels[level]} {level}{'s' if levels[level] != 1 else ''}"
        for level in ("error", "warning", "info")
        if levels[level]
    ]
    noun = "finding" if len(findings) == 1 else "findings"
    return f"Found {len(findings)} {noun} ({', '.join(parts)})."


def statistics(findings: Iterable[Finding]) -> Iterator[str]:
    """Count per code, most frequent first, so the biggest cleanup shows at the top."""
    counts = Counter((f.code, f.name) for f in findings)
    for (code, name), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        yield f"{count:6d}  {code}  {name}"
