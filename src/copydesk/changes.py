"""What a pull request changed, from git: which files, which lines, what moved.

`lint --changed-since REF` lints the Markdown files that differ from the merge
base of REF and HEAD (`git merge-base REF HEAD`), the way a pull request's diff
is computed. The working tree counts (staged, unstaged and untracked files),
so the same command works before a commit and in CI. Files that link to a file
the diff deleted or renamed are linted too: they did not change, but their
links broke.

`--changed-lines` keeps only findings on added or modified lines (from
`git diff -U0` hunks), except findings whose cause is not on their line: rules
with scope "file" (front matter) or "project" (slug collisions, missing link
targets), findings inside the front matter block, and, in files linted only
because they link to a moved file, project findings alone.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from copydesk.errors import CopydeskError

if TYPE_CHECKING:
    from copydesk.findings import Finding

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_OCTAL = re.compile(rb"\\([0-7]{3}|.)")
_C_ESCAPES = {b"n": b"\n", b"t": b"\t", b'"': b'"', b"\\": b"\\", b"a": b"\a", b"b": b"\b"}


class GitError(CopydeskError):
    """git is missing, the folder is not a repository, or the ref is unknown."""


@dataclass
class ChangeSet:
    """Changed files (absolute) with their added or modified lines (None: every
    line, an untracked file), and files removed by the diff (absolute, old path)."""

    root: Path
    base: str
    changed: dict[Path, frozenset[int] | None] = field(default_factory=dict)
    removed: list[Path] = field(default_factory=list)


def git(args: Sequence[str], cwd: Path) -> str:
    command = ["git", "-c", "core.quotepath=off", *args]
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as error:
        raise GitError(cwd, f"cannot run git: {error.strerror or error}") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise GitError(cwd, f"git {args[0]}: {reason}")
    return done.stdout


def repo_root(cwd: Path | None = None) -> Path | None:
    """The git toplevel of `cwd`, or None outside a repository (or without git)."""
    try:
        return Path(git(["rev-parse", "--show-toplevel"], cwd or Path.cwd()).strip())
    except GitError:
        return None


def changed_since(ref: str, cwd: Path | None = None) -> ChangeSet:
    """Files and lines changed between merge-base(REF, HEAD) and the working tree."""
    here = cwd or Path.cwd()
    root = repo_root(here)
    if root is None:
        raise GitError(here, "--changed-since needs a git repository")
    try:
        base = git(["merge-base", ref, "HEAD"], root).strip()
    except GitError:
        raise GitError(
            root,
            f"--changed-since: no merge base with '{ref}' (unknown ref, "
            "or a shallow clone: fetch with fetch-depth: 0)",
        ) from None
    changes = ChangeSet(root, base)
    current, removed = _name_status(git([*_NAME_STATUS, base], root))
    changes.removed = [root / path for path in removed]
    # A pure rename or an empty new file has no hunk: changed, with no changed line.
    hunks = dict(_hunk_lines(git([*_DIFF, base], root)))
    for path in current:
        changes.changed[root / path] = hunks.get(path, frozenset())
    for path in git(["ls-files", "--others", "--exclude-standard", "-z"], root).split("\0"):
        if path:
            changes.changed[root / path] = None
    return changes


_NAME_STATUS = ["diff", "--name-status", "-z", "-M", "--no-ext-diff"]
_DIFF = [
    "diff", "-U0", "-M", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/",
]  # fmt: skip


def _name_status(name_status: str) -> tuple[list[str], list[str]]:
    """(paths as they are now, old paths of deleted and renamed-away files)
    from `git diff --name-status -z`: "R087\0old\0new\0", "M\0path\0", ..."""
    fields = name_status.split("\0")
    current: list[str] = []
    removed: list[str] = []
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index][0]
        if status in "RC":
            if status == "R":
                removed.append(fields[index + 1])
            current.append(fields[index + 2])
            index += 3
        else:
            (removed if status == "D" else current).append(fields[index + 1])
            index += 2
    return current, removed


def _hunk_lines(diff: str) -> Iterator[tuple[str, frozenset[int]]]:
    """(new path, added or modified line numbers) per file of a `-U0` diff;
    a deleted file (`+++ /dev/null`) is left out."""
    path: str | None = None
    lines: set[int] = set()
    for line in diff.split("\n"):
        if line.startswith("diff --git "):
            if path is not None:
                yield path, frozenset(lines)
            path, lines = None, set()
        elif line.startswith("+++ "):
            target = _unquote(line[4:].rstrip("\t"))
            path = target[2:] if target.startswith("b/") else None
        elif path is not None and (match := _HUNK.match(line)):
            start, count = int(match.group(1)), int(match.group(2) or "1")
            lines.update(range(start, start + count))
    if path is not None:
        yield path, frozenset(lines)


def _unquote(text: str) -> str:
    """git's C-style quoting of unusual paths ("a\\303\\251.md")."""
    if not (text.startswith('"') and text.endswith('"')):
        return text
    raw = text[1:-1].encode("utf-8")

    def one(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        return bytes([int(code, 8)]) if len(code) == 3 else _C_ESCAPES.get(code, code)

    return _OCTAL.sub(one, raw).decode("utf-8", errors="replace")


# --- files that link to a removed file ----------------------------------------


def link_tokens(removed: Path) -> set[str]:
    """Words a link to `removed` would contain: its file name, its stem without
    a date prefix (the slug Jekyll serves it under), a bundle's folder name."""
    tokens = {removed.name}
    stem = _DATE_PREFIX.sub("", removed.stem)
    if stem in ("index", "_index") and removed.parent.name:
        stem = removed.parent.name
    if len(stem) >= 3:
        tokens.add(stem)
    return tokens


def referrers(removed: Iterable[Path], candidates: Iterable[Path]) -> list[Path]:
    """Candidates whose text mentions a removed file: a cheap text prefilter;
    the link rules then decide whether a link really points there."""
    tokens = {token for path in removed for token in link_tokens(path)}
    if not tokens:
        return []
    pattern = re.compile("|".join(re.escape(token) for token in sorted(tokens, key=len)[::-1]))
    found = []
    for path in candidates:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if pattern.search(text):
            found.append(path)
    return found


# --- --changed-lines ----------------------------------------------------------


Scope = Callable[[str], str]


def on_changed_lines(
    findings: Iterable[Finding],
    changes: ChangeSet,
    scope_of: Scope,
) -> list[Finding]:
    """The findings `--changed-lines` keeps (see the module docstring)."""
    changed = {path.resolve(): lines for path, lines in changes.changed.items()}
    body_lines = _BodyLines()
    return [
        finding
        for finding in findings
        if _keep(finding, scope_of(finding.code), changed, body_lines)
    ]


def _keep(
    finding: Finding,
    scope: str,
    changed: dict[Path, frozenset[int] | None],
    body_lines: _BodyLines,
) -> bool:
    if scope == "project":
        return True
    path = Path(finding.path).resolve()
    if path not in changed:
        return False  # linted only because it links to a moved file
    if scope == "file" or finding.line < body_lines.of(path):
        return True
    return _touches(finding, changed[path])


def _touches(finding: Finding, lines: frozenset[int] | None) -> bool:
    if lines is None:
        return True
    last = finding.end_line if finding.end_line and finding.end_line >= finding.line else None
    return any(line in lines for line in range(finding.line, (last or finding.line) + 1))


class _BodyLines:
    """First body line per file (front matter ends before it), read once."""

    def __init__(self) -> None:
        self._cache: dict[Path, int] = {}

    def of(self, path: Path) -> int:
        if path not in self._cache:
            from copydesk.read import read_document

            try:
                self._cache[path] = read_document(path).body_line
            except CopydeskError:
                self._cache[path] = 1
        return self._cache[path]
