"""Baselines: adopt copydesk on an existing blog without fixing everything first.

`lint --write-baseline FILE` records today's findings; `lint --baseline FILE`
then fails only on findings that are not in it. A finding is identified by
its code, its path and the text of its line with whitespace collapsed — not
by its line number, so an edit above an old finding does not bring it back.
Identical findings on identical lines are counted, and matched one to one:
adding a second copy of a known problem is a new finding. Entries no finding
matches any more are "fixed", so the baseline can be rewritten smaller.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copydesk.errors import CopydeskError

if TYPE_CHECKING:
    from copydesk.findings import Finding

FORMAT_VERSION = 1

Key = tuple[str, str, str]  # (code, path relative to the baseline's folder, line text)


class BaselineError(CopydeskError):
    """The baseline file cannot be read or is not a copydesk baseline."""


@dataclass(frozen=True)
class Comparison:
    """Findings not in the baseline, and baseline entries nothing matched."""

    new: list[Finding]
    known: int
    fixed: list[Key]


class LineTexts:
    """Text of a file's lines as the engine numbers them (same reader: BOM,
    CRLF and encoding repair), each file read once; '' when it cannot be read."""

    def __init__(self) -> None:
        self._files: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str:
        lines = self._files.get(path)
        if lines is None:
            from copydesk.read import read_document

            try:
                lines = read_document(Path(path)).lines
            except CopydeskError:
                lines = []
            self._files[path] = lines
        return lines[number - 1] if 0 < number <= len(lines) else ""


def normalize(text: str) -> str:
    return " ".join(text.split())


def relative_to_baseline(path: str, baseline: Path) -> str:
    """A finding's path (relative to the current folder) as stored in the baseline."""
    folder = baseline.resolve().parent
    return Path(os.path.relpath(Path(path).resolve(), folder)).as_posix()


def key_of(finding: Finding, baseline: Path, texts: LineTexts) -> Key:
    return (
        finding.code,
        relative_to_baseline(finding.path, baseline),
        normalize(texts.line(finding.path, finding.line)),
    )


def write(path: Path, findings: Iterable[Finding]) -> int:
    """Write the baseline (sorted, stable: it lives in git); return its size."""
    texts = LineTexts()
    entries = sorted(
        (
            {"code": code, "path": where, "line": text, "message": f.message}
            for f in findings
            for code, where, text in [key_of(f, path, texts)]
        ),
        key=lambda entry: (entry["path"], entry["code"], entry["line"], entry["message"]),
    )
    document = {"copydesk-baseline": FORMAT_VERSION, "findings": entries}
    try:
        from copydesk.write import write_atomic

        write_atomic(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    except CopydeskError as error:
        raise BaselineError(path, f"cannot write baseline: {error.reason}") from None
    except OSError as error:
        raise BaselineError(path, f"cannot write baseline: {error.strerror or error}") from None
    return len(entries)


def read(path: Path) -> Counter[Key]:
    """The baseline's entries, counted."""
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(path, f"cannot read baseline: {error.strerror or error}") from None
    except ValueError as error:
        raise BaselineError(path, f"baseline is not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("copydesk-baseline") != FORMAT_VERSION:
        raise BaselineError(path, "not a copydesk baseline (written by --write-baseline)")
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(path, "'findings' must be a list")
    counts: Counter[Key] = Counter()
    for entry in entries:
        try:
            counts[(str(entry["code"]), str(entry["path"]), normalize(str(entry["line"])))] += 1
        except (TypeError, KeyError):
            raise BaselineError(path, f"malformed entry {entry!r}") from None
    return counts


def compare(
    findings: Sequence[Finding], baseline: Path, linted: Iterable[str] | None = None
) -> Comparison:
    """Split findings into new and known. Fixed entries are counted only for
    the files that were linted (`linted`, display paths), so a run over part
    of the repository does not call the rest of the baseline fixed."""
    remaining = read(baseline)
    texts = LineTexts()
    new: list[Finding] = []
    known = 0
    for finding in findings:
        key = key_of(finding, baseline, texts)
        if remaining[key] > 0:
            remaining[key] -= 1
            known += 1
        else:
            new.append(finding)
    scope = None if linted is None else {relative_to_baseline(p, baseline) for p in linted}
    fixed = [
        key
        for key, count in sorted(remaining.items())
        for _ in range(count)
        if scope is None or key[1] in scope
    ]
    return Comparison(new, known, fixed)
