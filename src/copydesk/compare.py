"""A file against its canonical rendering: the shared core of `fix` and `migrate --check`.

Both commands answer one question per file: "what bytes should be here, and
are they here already?" `fix` then writes the answer; `migrate --check`
only reports it. A file is *refused* (never rewritten, and reported) when it
cannot be converted or when the preservation check finds words that would
disappear without a recorded change.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from copydesk.errors import CopydeskError
from copydesk.migrate import FileResult, Settings, Task, convert, dedupe_slug, in_place_task
from copydesk.report.text import count


@dataclass(frozen=True)
class Comparison:
    """One file's current bytes (None: missing) and its canonical bytes (None: refused)."""

    result: FileResult
    target: Path
    current: bytes | None
    expected: bytes | None

    @property
    def refusal(self) -> str | None:
        """Why this file may not be rewritten, as one line naming the file; None if it may."""
        if self.result.error:
            return self.result.error
        if self.result.lossy_words:
            words = " ".join(self.result.lossy_words)
            return f"{self.result.source}: refused: words would be lost: {words}"
        comment = next((c for c in self.result.changes if c.kind == "front-matter-comment"), None)
        if comment is not None:
            # The author's own note, not platform debris: in place it would simply be
            # gone (migrate to another folder keeps it in the report instead).
            return (
                f"{self.result.source}: refused: front matter comment on line {comment.line} "
                f"would be lost ({comment.before!r}); canonical front matter keeps no "
                "comments: move it into the body or delete it"
            )
        return None

    @property
    def changed(self) -> bool:
        return self.expected is not None and self.current != self.expected

    def diff(self) -> str:
        """A unified diff from the current bytes to the canonical ones."""
        if self.expected is None:
            return ""
        from copydesk.write import unified_diff

        before = (self.current or b"").decode("utf-8", "replace")
        after = self.expected.decode("utf-8")
        return unified_diff(before, after, str(self.target), f"{self.target} (canonical)")


def in_place_bytes(text: str, current: bytes) -> bytes:
    """The canonical rendering as bytes for this file, keeping CRLF if it uses CRLF throughout.

    Canonical text is LF; a file checked out with CRLF (git's autocrlf on
    Windows) keeps its endings, as pre-commit's fixers do, so the hook does
    not fight git over every line.
    """
    crlf = current.count(b"\r\n")
    if crlf and crlf == current.count(b"\n"):
        return text.replace("\n", "\r\n").encode("utf-8")
    return text.encode("utf-8")


def compare_in_place(path: Path, settings: Settings) -> Comparison:
    """Compare one file with its canonical form at the same path."""
    result = _convert(in_place_task(path), settings)
    current: bytes | None = None
    if result.text is not None:  # a refused file (too large, unreadable) is not read again
        try:
            current = path.read_bytes()
        except OSError:
            current = None
    expected = None
    if result.text is not None and current is not None:
        expected = in_place_bytes(result.text, current)
    result.output = path
    return Comparison(result, path, current, None if _refused(result) else expected)


def compare_outputs(tasks: Sequence[Task], settings: Settings) -> list[Comparison]:
    """Compare what `migrate --out` would write with what is there (slugs deduped, as migrate)."""
    assert settings.out is not None
    slugs: dict[str, Path] = {}
    comparisons = []
    for task in tasks:
        result = _convert(task, settings)
        dedupe_slug(result, slugs)
        target = settings.out / task.output_relative
        result.output = target
        try:
            current = target.read_bytes() if target.is_file() else None
        except OSError as error:  # one unreadable output is one line, not the end of the run
            reason = f"{target}: cannot read: {error.strerror or error}"
            result, current = FileResult(source=task.source, output=target, error=reason), None
        expected = None if result.text is None else result.text.encode("utf-8")
        comparisons.append(Comparison(result, target, current, expected))
    return comparisons


def _convert(task: Task, settings: Settings) -> FileResult:
    try:
        return convert(task, settings)
    except CopydeskError as error:
        return FileResult(source=task.source, error=str(error))
    except BrokenPipeError:  # the reader of the diff left: stop quietly
        raise
    except Exception as error:  # a bug must not stop the other files
        return FileResult(
            source=task.source,
            error=f"{task.source}: internal error: {type(error).__name__}: {error}",
        )


def _refused(result: FileResult) -> bool:
    return bool(result.error or result.lossy_words)


def run_check(
    tasks: Sequence[Task], failures: Sequence[FileResult], settings: Settings, *, diff: bool
) -> int:
    """`migrate --check`: name every post that is not canonical (--diff: show how); write nothing.

    Without --out each file is compared with its canonical form in place;
    with --out, with what `migrate --out` would write there.
    """
    if settings.out is None:
        comparisons = [compare_in_place(task.source, settings) for task in tasks]
    else:
        comparisons = compare_outputs(tasks, settings)
    for failure in failures:
        print(failure.error, file=sys.stderr)
    for comparison in comparisons:
        report_line(comparison, in_place=settings.out is None, applied=False)
        if diff and comparison.changed:
            sys.stdout.write(comparison.diff())
    print(check_summary(comparisons))
    bad = [c for c in comparisons if c.refusal or c.changed]
    return 1 if failures or bad else 0


def report_line(comparison: Comparison, *, in_place: bool, applied: bool) -> None:
    """One line for a refused or changed file; nothing for a canonical one."""
    if comparison.refusal:
        print(comparison.refusal, file=sys.stderr)
        return
    if not comparison.changed:
        return
    target, fmt = comparison.target, comparison.result.format
    if applied:
        print(f"{target}: rewritten in canonical form (was {fmt})")
    elif not in_place:
        state = "missing" if comparison.current is None else "differs"
        print(f"{target}: {state}; `copydesk migrate` would write it")
    else:
        print(f"{target}: not in canonical form (detected {fmt}); run `copydesk format {target}`")


def check_summary(comparisons: Sequence[Comparison]) -> str:
    refused = sum(bool(c.refusal) for c in comparisons)
    changed = sum(c.changed and not c.refusal for c in comparisons)
    same = len(comparisons) - refused - changed
    files = count(len(comparisons), "file")
    return f"{files}: {same} canonical, {changed} would change, {refused} refused"
