"""`copydesk format` (formerly `fix`): rewrite posts into canonical form in place.

The same normalizers as `migrate`, but the output is the file itself, so the
guarantees are stricter: a file is rewritten only when its bytes change, and
a file that cannot be converted, or whose conversion would lose words that no
recorded change accounts for, is refused and left untouched. The path never
changes (a `.txt` post stays `.txt`); `source.path` is the file's path in its
repository and `source.sha256` the bytes before the fix, so a second run sees
a canonical post and changes nothing.

Exit codes: 0 nothing to change, 1 a file was rewritten (or would be, with
--check/--diff) or refused, 2 usage error (a missing path, an unknown
--timezone). Whatever goes wrong with one file (it cannot be read or
written, a bug) is one line naming it, a refusal, and the other files are
still fixed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from copydesk.compare import compare_in_place, report_line
from copydesk.errors import CopydeskError, UsageError
from copydesk.migrate import FileResult, Settings, Task, check_timezone, discover

if TYPE_CHECKING:
    from copydesk.discover import Found
    from copydesk.write import Writer


def fix_file(task: Task, settings: Settings, writer: Writer, *, write: bool, diff: bool) -> int:
    """Fix one discovered file: 0 when canonical already; 1 when rewritten (or it would be)
    or refused."""
    comparison = compare_in_place(task.source, settings)
    if diff and comparison.changed and not comparison.refusal:
        sys.stdout.write(comparison.diff())
    if write and comparison.changed and not comparison.refusal:
        assert comparison.expected is not None and task.found is not None
        _write_in_place(task.found, comparison.expected, writer)
    report_line(comparison, in_place=True, applied=write)
    return 1 if comparison.refusal or comparison.changed else 0


def _write_in_place(found: Found, data: bytes, writer: Writer) -> None:
    """Replace the file discovery found (a link inside the tree: its target), atomically,
    keeping its permission bits; never anything outside its tree."""
    writer.write(Path(found.real), data, root=found.root.real)


def fix_paths(paths: Sequence[Path], settings: Settings, *, write: bool, diff: bool) -> int:
    """Fix every post in `paths` (files or folders); the exit code of the worst file."""
    from copydesk.progress import Progress, wanted
    from copydesk.write import Writer, ending_cleanly

    failures: list[FileResult] = []
    notes: list[str] = []
    tasks = discover(paths, failures, notes, settings.configs)
    for note in notes:
        print(note, file=sys.stderr)
    ret = 0
    for failure in failures:
        print(failure.error, file=sys.stderr)
        ret = 1
    writer = Writer()
    # Not with --diff: its diffs go to the terminal the bar would draw on.
    bar = Progress(len(tasks), "post", enabled=wanted() and not diff)
    with ending_cleanly(), bar:
        for task in tasks:
            ret |= _fix_isolated(task, settings, writer, write=write, diff=diff)
            bar.advance()
    return ret


def _fix_isolated(
    task: Task, settings: Settings, writer: Writer, *, write: bool, diff: bool
) -> int:
    """`fix_file`, with anything it raises turned into one line and a refusal (1)."""
    path = task.source
    try:
        return fix_file(task, settings, writer, write=write, diff=diff)
    except CopydeskError as error:
        print(error, file=sys.stderr)
    except BrokenPipeError:  # the reader of --diff left (`| head`): stop quietly
        raise
    except OSError as error:
        print(f"{path}: refused: {error.strerror or error}", file=sys.stderr)
    except Exception as error:  # a bug must cost one file, not the run
        print(f"{path}: internal error: {type(error).__name__}: {error}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    """The `fix` command; see the module docstring for exit codes."""
    try:
        check_timezone(args.timezone)
        if "-" in args.paths or args.stdin_filename:
            return _fix_stdin(args, _settings(args))
        for path in args.paths:
            if not os.path.lexists(path):
                raise UsageError(path, "no such file or folder")
    except UsageError as error:
        print(f"copydesk: {error}", file=sys.stderr)
        return 2
    write = not (args.check or args.diff)
    paths = [Path(path) for path in args.paths]
    return fix_paths(paths, _settings(args), write=write, diff=args.diff)


def _settings(args: argparse.Namespace) -> Settings:
    from copydesk.config import ConfigFinder

    return Settings(
        format=args.format,
        captions=args.captions,
        timezone=args.timezone,
        author=args.author,
        max_file_size=args.max_file_size,
        configs=ConfigFinder(),
    )


def _fix_stdin(args: argparse.Namespace, settings: Settings) -> int:
    """`fix - --stdin-filename PATH`: the canonical form of the post on stdin, on stdout
    (as `ruff format -`), for editors; --check/--diff as for files. A refused post is
    written back unchanged, so an editor never loses the buffer, and exits 1."""
    from copydesk.compare import in_place_bytes
    from copydesk.migrate import convert, in_place_task
    from copydesk.write import unified_diff

    if "-" not in args.paths:
        raise UsageError("--stdin-filename", "needs '-' as the path (read from stdin)")
    if args.paths != ["-"]:
        raise UsageError("-", "reads one post from stdin: name no other path")
    data = sys.stdin.buffer.read()
    path = Path(args.stdin_filename or "-")
    task = replace(in_place_task(path), data=data)
    try:
        result = convert(task, settings)
    except CopydeskError as error:
        print(error, file=sys.stderr)
        result = None
    except Exception as error:  # a bug: the buffer still comes back unchanged
        print(f"{path}: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        result = None
    refused = result is None or bool(result.lossy_words) or result.text is None
    if result is not None and result.lossy_words:
        print(f"{path}: refused: lossy: {' '.join(result.lossy_words)}", file=sys.stderr)
    fixed = data if refused or result is None else in_place_bytes(str(result.text), data)
    if args.diff:
        old, new = data.decode("utf-8", "replace"), fixed.decode("utf-8")
        sys.stdout.write(unified_diff(old, new, str(path), str(path)))
    elif not args.check:
        sys.stdout.buffer.write(fixed)
    return 1 if refused or (fixed != data and (args.check or args.diff)) else 0
