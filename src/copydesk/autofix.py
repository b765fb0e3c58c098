"""`lint --fix`: apply the fixes rules attach to findings, losing nothing by construction.

A pass takes every file's fixable findings, applies the edits that do not
overlap (in the order the findings come), and re-lints the changed files
from memory; passes repeat until nothing changes, at most `MAX_PASSES`
times, and a file whose text comes back to an earlier state is a fix loop:
reported, not spun. Nothing is written until the passes are over, then each
changed file once, atomically, through `Writer`.

Each fix is checked before it is applied, and refused with a one-line reason
(its finding stays) when an edit lies inside code, a Liquid tag or a
shortcode, or when the text it leaves loses a word that the fix does not
declare it removes (`Fix.removes`, the same word accounting as migrate's
loss check). What a fix removes is recorded, so no text goes unseen.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copydesk.engine import LintResult
    from copydesk.findings import Finding, Fix
    from copydesk.parse import ParsedFile
    from copydesk.read import Document

MAX_PASSES = 10
# Node types the masks are made of (templating spans come with every parse).
_MASKED = frozenset(("block_code", "codespan"))
# Re-lint changed files, linting `overlay`'s bytes instead of the disk's.
Relint = Callable[[Sequence[Path], Mapping[Path, bytes]], "LintResult"]


@dataclass
class Outcome:
    """What the passes did: texts before and after per changed file, and what to tell."""

    fixed: int = 0
    before: dict[Path, bytes] = field(default_factory=dict)
    after: dict[Path, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # refusals, removals, loops
    removal: str = "removed"  # how a removal note reads ("would remove" for --diff)
    sources: dict[Path, bytes] = field(default_factory=dict)  # bytes not read from disk

    def changed(self) -> list[Path]:
        return [path for path, data in self.after.items() if data != self.before[path]]


def fix_findings(
    result: LintResult,
    relint: Relint,
    unsafe: bool,
    dry: bool = False,
    sources: Mapping[Path, bytes] | None = None,
) -> tuple[LintResult, Outcome]:
    """Fix what can be fixed; the findings that remain (as a new result) and the outcome.
    `dry` (`--diff`): the notes say what would be removed. `sources`: the bytes
    of files that do not come from disk (a post read from stdin)."""
    outcome = Outcome(removal="would remove" if dry else "removed")
    outcome.sources = dict(sources or {})
    refused: set[tuple[str, str, str]] = set()
    seen: dict[Path, set[bytes]] = {}
    settled: set[Path] = set()
    for _ in range(MAX_PASSES):
        changed = _one_pass(result, unsafe, outcome, refused, seen, settled)
        if not changed:
            return _without_refused(result, refused), outcome
        result = _merge(result, relint(changed, outcome.after), changed)
    for path in sorted({result.paths[f.path] for f in result.findings if _wanted(f, unsafe)}):
        if path not in settled:
            outcome.notes.append(f"{path}: fixes did not settle after {MAX_PASSES} passes; stopped")
    return _without_refused(result, refused), outcome


def _without_refused(result: LintResult, refused: set[tuple[str, str, str]]) -> LintResult:
    """Findings whose fix was refused stay, no longer marked fixable."""
    if not refused:
        return result
    findings = [
        f._replace(fix=None) if (f.path, f.code, f.message) in refused else f
        for f in result.findings
    ]
    return result._replace(findings=findings)


def _wanted(finding: Finding, unsafe: bool) -> bool:
    return finding.fixable(unsafe)


def _one_pass(
    result: LintResult,
    unsafe: bool,
    outcome: Outcome,
    refused: set[tuple[str, str, str]],
    seen: dict[Path, set[bytes]],
    settled: set[Path],
) -> list[Path]:
    by_file: dict[str, list[Finding]] = {}
    for finding in result.findings:
        key = (finding.path, finding.code, finding.message)
        if _wanted(finding, unsafe) and key not in refused and finding.path in result.paths:
            by_file.setdefault(finding.path, []).append(finding)
    changed: list[Path] = []
    for shown, findings in by_file.items():
        path = result.paths[shown]
        if path in settled:
            continue
        data = outcome.after.get(path, outcome.sources.get(path))
        if data is None:
            data = _read(path, shown, outcome)
            if data is None:
                settled.add(path)
                continue
        new, applied = fix_bytes(
            path, data, findings, shown, outcome.notes, refused, outcome.removal
        )
        if not applied:
            continue
        history = seen.setdefault(path, {data})
        if new in history:
            outcome.notes.append(f"{shown}: fixes undo each other (a fix loop); stopped")
            settled.add(path)
            continue
        history.add(new)
        outcome.before.setdefault(path, data)
        outcome.after[path] = new
        outcome.fixed += applied
        changed.append(path)
    return changed


def _read(path: Path, shown: str, outcome: Outcome) -> bytes | None:
    from copydesk.errors import CopydeskError
    from copydesk.read import read_bytes

    try:
        return read_bytes(path)
    except CopydeskError as error:
        outcome.notes.append(f"{shown}: not fixed: {error.reason}")
        return None


def _merge(old: LintResult, new: LintResult, changed: list[Path]) -> LintResult:
    """`old` with the findings of the re-linted files replaced by `new`'s."""
    redone = {shown for shown, path in old.paths.items() if path in changed}
    findings = [f for f in old.findings if f.path not in redone] + new.findings
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.code))
    errors = [e for e in old.errors if e.path not in redone] + new.errors
    return old._replace(findings=findings, errors=errors)


# --- one file -------------------------------------------------------------------


def fix_bytes(
    path: Path,
    data: bytes,
    findings: Iterable[Finding],
    shown: str,
    notes: list[str],
    refused: set[tuple[str, str, str]],
    removal: str = "removed",
) -> tuple[bytes, int]:
    """The file's bytes with the findings' fixes applied, and how many were applied.

    A refused fix adds a note and its key to `refused`; a fix overlapping one
    already taken waits for the next pass.
    """
    from copydesk.errors import CopydeskError
    from copydesk.parse import parse_document
    from copydesk.read import document_from_bytes

    findings = list(findings)
    try:
        document = document_from_bytes(path, data)
        if _encode(document, document.text) != data:
            notes.append(
                f"{shown}: not fixed: mixed line endings (run `copydesk format` on it first)"
            )
            refused.update((f.path, f.code, f.message) for f in findings)
            return data, 0
    except CopydeskError as error:
        notes.append(f"{shown}: not fixed: {error.reason}")
        refused.update((f.path, f.code, f.message) for f in findings)
        return data, 0
    parsed = parse_document(document, _MASKED)  # only what the masks read: faster
    masks = _masks(parsed)
    starts = _line_starts(document.text)
    taken: list[tuple[int, int, str]] = []
    applied = 0
    for finding in findings:
        assert finding.fix is not None
        edits = _offsets(finding.fix, starts, len(document.text))
        reason = _refusal(document.text, edits, finding.fix, masks)
        if reason:
            notes.append(
                f"{shown}:{finding.line}:{finding.column}: {finding.code} not fixed: {reason}"
            )
            refused.add((finding.path, finding.code, finding.message))
            continue
        if any(_overlap(edit, other) for edit in edits for other in taken):
            continue  # the next pass, after re-linting, may still apply it
        taken.extend(edits)
        applied += 1
        if finding.fix.removes:
            notes.append(
                f"{shown}:{finding.line}:{finding.column}: {finding.code} {removal} "
                f"{_shorten(finding.fix.removes)!r}"
            )
    if not applied:
        return data, 0
    return _encode(document, _apply(document.text, taken)), applied


def _offsets(fix: Fix, starts: list[int], size: int) -> list[tuple[int, int, str]]:
    edits = []
    for edit in fix.edits:
        start = _offset(starts, edit.line, edit.column, size)
        end = _offset(starts, edit.end_line, edit.end_column, size)
        edits.append((start, max(start, end), edit.text))
    return sorted(edits)


def _offset(starts: list[int], line: int, column: int, size: int) -> int:
    if line > len(starts):
        return size
    return min(size, starts[max(line, 1) - 1] + max(column, 1) - 1)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def _masks(parsed: ParsedFile) -> list[tuple[int, int, str]]:
    """Offsets [start, end) of what a fix must never touch: code and templating,
    and what a paired template tag encloses."""
    starts = _line_starts(parsed.document.text)
    size = len(parsed.document.text)
    spans = [(start, end, "Liquid or a shortcode") for start, end in parsed.templating]
    spans += _enclosed(parsed.document.text, parsed.templating)
    for node in parsed.of_type("block_code", "codespan"):
        start = _offset(starts, node.line, node.column, size)
        end = _offset(starts, node.end_line, node.end_column, size)
        spans.append((start, end, "code"))
    return sorted(spans)


_OPENING = re.compile(r"\{%-?\s*(\w+)([^%]*)|\{\{<\s*(/?)\s*([\w/.-]+)([^>]*?)(/?)\s*>\}\}")


def _enclosed(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """What `{% x %}…{% endx %}` and `{{< x >}}…{{< /x >}}` enclose. Their content is
    not always Markdown: Nunjucks' `{% set %}` and Eleventy's `{% renderTemplate %}`
    capture code, a Hugo `{{< x >}}` gets its inner text raw. Which tag renders its
    content as prose is the site's business, so no fix edits any of it (a missed
    fix costs less than a code sample with `<https://…>` in it). `{{% x %}}`, whose
    content Hugo renders as Markdown, is not a pair here."""
    found: list[tuple[int, int, str]] = []
    stack: list[tuple[str, int]] = []
    for start, end in spans:
        match = _OPENING.match(text, start, end)
        if match is None:
            continue
        if match.group(1):  # Liquid/Nunjucks
            name, rest = match.group(1).lower(), match.group(2)
            closing = name[3:] if name.startswith("end") else ""
            if not closing and not (name == "set" and "=" in rest):
                stack.append((name, start))
        else:  # a Hugo shortcode
            name, closing = match.group(4).lower(), ""
            if match.group(3):
                closing, name = name, "/" + name
            elif not match.group(6):
                stack.append((name, start))
        if closing:
            for index in range(len(stack) - 1, -1, -1):
                if stack[index][0] == closing:
                    found.append((stack[index][1], end, "what a template tag pair encloses"))
                    del stack[index:]
                    break
    return found


def _refusal(
    text: str, edits: list[tuple[int, int, str]], fix: Fix, masks: list[tuple[int, int, str]]
) -> str:
    """Why this fix must not be applied; "" when it may."""
    if not edits:
        return "the fix has no edits"
    for start, end, _ in edits:
        for mask_start, mask_end, kind in masks:
            inside = start < mask_end and mask_start < end if end > start else False
            if inside or mask_start < start < mask_end:
                return f"the edit lies inside {kind}"
    lost = _lost_words(text, edits, f"{fix.removes} {fix.replaces}")
    if lost:
        return f"it would lose {', '.join(repr(word) for word in lost[:5])}"
    return ""


def _lost_words(text: str, edits: list[tuple[int, int, str]], accounted: str) -> list[str]:
    """Words of the lines the edits touch that the edited lines no longer hold and
    `accounted` does not hold (words never span lines, so the rest is equal)."""
    from copydesk.preserve import words

    first = text.rfind("\n", 0, edits[0][0]) + 1
    last = text.find("\n", edits[-1][1])
    last = len(text) if last < 0 else last
    before = text[first:last]
    after = _apply(before, [(s - first, e - first, new) for s, e, new in edits])
    missing = words(before) - words(after) - words(accounted)
    return sorted(missing.elements())


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    """Edits overlap when their spans share a character, or both insert at one point."""
    if a[0] == a[1] or b[0] == b[1]:
        return a[0] == b[0] or (b[0] < a[0] < b[1]) or (a[0] < b[0] < a[1])
    return a[0] < b[1] and b[0] < a[1]


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    parts = []
    done = 0
    for start, end, new in sorted(edits):
        parts.append(text[done:start])
        parts.append(new)
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _encode(document: Document, text: str) -> bytes:
    """Back to the file's own line endings and byte order mark."""
    if document.newline not in ("\n", "mixed"):
        text = text.replace("\n", document.newline)
    return (b"\xef\xbb\xbf" if document.bom else b"") + text.encode("utf-8")


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- writing ----------------------------------------------------------------------


def write_fixed(outcome: Outcome, roots: Sequence[Path], shown: Mapping[Path, str]) -> list[str]:
    """Write each changed file once, atomically, only inside the trees the run was given;
    one line per file that could not be written."""
    from copydesk.errors import CopydeskError
    from copydesk.write import Writer, ending_cleanly

    problems = []
    writer = Writer()
    trees = [_tree(root) for root in roots]
    with ending_cleanly():
        for path in outcome.changed():
            real = os.path.realpath(path)
            tree = next(
                (t for t in trees if real == t or real.startswith(t.rstrip(os.sep) + os.sep)), None
            )
            name = shown.get(path, str(path))
            if tree is None:
                problems.append(f"{name}: not fixed: a link to outside the tree")
                continue
            try:
                writer.write(Path(real), outcome.after[path], root=tree)
            except CopydeskError as error:
                problems.append(f"{name}: not fixed: {error.reason}")
            except OSError as error:
                problems.append(f"{name}: not fixed: {error.strerror or error}")
    return problems


def _tree(root: Path) -> str:
    """The real folder a given path stands for: a named file's own folder (the file
    may be a link, and its target is not part of the tree for that)."""
    if os.path.isdir(root):
        return os.path.realpath(root)
    return os.path.realpath(root.parent)


def diff(outcome: Outcome, shown: Mapping[Path, str]) -> str:
    """What `--fix` would change, as one unified diff."""
    from copydesk.write import unified_diff

    parts = []
    for path in outcome.changed():
        name = shown.get(path, str(path))
        before = outcome.before[path].decode("utf-8-sig")
        after = outcome.after[path].decode("utf-8-sig")
        parts.append(unified_diff(before, after, f"a/{name}", f"b/{name}"))
    return "".join(parts)
