"""`copydesk lint`: from parsed arguments to findings on stdout and an exit code.

The order of the steps is the point of this module: choose files (all, or
only those a pull request changed), lint, keep only findings on changed lines
when asked, hide what the baseline already knows, then render in the chosen
format. The CLI module only declares the arguments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from copydesk.errors import CopydeskError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import TextIO

    from copydesk.autofix import Outcome
    from copydesk.changes import ChangeSet
    from copydesk.engine import LintResult
    from copydesk.findings import Finding
    from copydesk.progress import Progress
    from copydesk.registry import Registry
    from copydesk.web.known import KnownHttps
    from copydesk.web.options import OnlineOptions

FORMATS = ("text", "json", "sarif", "github", "junit")


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except CopydeskError as error:
        print(f"copydesk: {error}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from copydesk.config import selectors
    from copydesk.engine import lint_paths
    from copydesk.registry import load_registry

    _check_combinations(args)
    registry = load_registry()
    changes = _changes(args)
    stdin = _stdin(args)
    result = lint_paths(
        [args.stdin_filename or "-"] if stdin is not None else args.paths,
        select=selectors(args.select),
        ignore=selectors(args.ignore) or (),
        extend_select=selectors(args.extend_select) or (),
        config_file=args.config,
        jobs=args.jobs,
        registry=registry,
        only=_changed_files(args, changes) if changes else None,
        max_file_size=args.max_file_size,
        online=_online(args, changes),
        stdin=stdin,
        progress=_progress(args),
        reusable=bool(args.fix or args.diff),
        cache=not args.no_cache,
        cache_dir=args.cache_dir,
    )
    for note in result.notes:
        print(note, file=sys.stderr)
    known = _known_https(args)
    result = _trust_link_cache(result, known)
    outcome = None
    if args.fix or args.diff:
        result, outcome = _fix(args, result, known)
    for problem in result.errors:
        print(problem, file=sys.stderr)
    _report_links(args, result, registry)
    # Named files that yield nothing were each explained above (excluded, unreadable).
    folders = any(Path(path).is_dir() for path in args.paths)
    if folders and not result.files and not result.errors and changes is None:
        from copydesk.discover import POST_SUFFIXES

        # Say so rather than report a silent "clean".
        print(
            f"copydesk: no posts ({', '.join(f'*{s}' for s in POST_SUFFIXES)}) under "
            f"{' '.join(map(str, args.paths))}; name other files explicitly",
            file=sys.stderr,
        )
    findings = result.findings
    if changes and args.changed_lines:
        findings = _on_changed_lines(findings, changes, result)
    if args.write_baseline:
        return _write_baseline(Path(args.write_baseline), findings, result)
    findings = _apply_baseline(args, findings, result)
    if args.diff:
        return _show_diff(args, findings, result, outcome)
    report = None
    if stdin is not None and outcome is not None:
        _write_stdout(outcome, stdin)
        report = sys.stderr
    _emit(args, _render(args, findings, result, outcome), report)
    if result.failed:
        return 2
    return 1 if any(f.severity == "error" for f in findings) else 0


def _write_stdout(outcome: Outcome, stdin: bytes) -> None:
    """`lint --fix -`: the post, fixed, on stdout (as ruff does); the report goes to stderr."""
    data = next(iter(outcome.after.values()), stdin)
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _progress(args: argparse.Namespace) -> Callable[[int], Progress] | None:
    """A bar on a terminal for runs over a second; nothing with --quiet or in a pipe."""
    from copydesk.progress import Progress, wanted

    if not wanted(args.quiet):
        return None
    return lambda total: Progress(total, "file", enabled=True)


def _stdin(args: argparse.Namespace) -> bytes | None:
    """`lint -`: one post from standard input (an editor's buffer), else None."""
    if "-" not in args.paths:
        if args.stdin_filename:
            raise UsageError("--stdin-filename", "needs '-' as the path (read from stdin)")
        return None
    if len(args.paths) > 1:
        raise UsageError("-", "reads one post from stdin: name no other path")
    if args.changed_since or args.write_baseline:
        raise UsageError(
            "-", "a post from stdin has no history: drop --changed-since/--write-baseline"
        )
    return sys.stdin.buffer.read()


def _fix(
    args: argparse.Namespace, result: LintResult, known: KnownHttps
) -> tuple[LintResult, Outcome]:
    """`--fix`/`--diff`: fix in memory over re-lint passes, then write (not with --diff)."""
    from copydesk.autofix import fix_findings, write_fixed
    from copydesk.engine import relint

    first = result

    def again(paths: Sequence[Path], overlay: Mapping[Path, bytes]) -> LintResult:
        return _trust_link_cache(relint(first, paths, overlay), known)

    assert first.session is not None
    sources = first.session.plan.stdin  # a post from stdin is not read from disk
    result, outcome = fix_findings(result, again, args.unsafe_fixes, args.diff, sources)
    for note in outcome.notes:
        print(note, file=sys.stderr)
    if not args.diff and not sources:
        shown = {path: name for name, path in result.paths.items()}
        for problem in write_fixed(outcome, [Path(p) for p in args.paths], shown):
            print(problem, file=sys.stderr)
    return result, outcome


def _known_https(args: argparse.Namespace) -> KnownHttps:
    from copydesk.config import ConfigFinder
    from copydesk.web.known import KnownHttps

    finder = ConfigFinder(Path(args.config) if args.config else None)
    return KnownHttps(finder, getattr(args, "cache_dir", None))


def _trust_link_cache(result: LintResult, known: KnownHttps) -> LintResult:
    """CD106's fix is safe where an earlier `--online` run saw the https twin answer."""
    if not any(f.code == "CD106" and f.fix is not None for f in result.findings):
        return result
    from copydesk.web.known import trust_known_https

    return trust_known_https(result, known.answers)


def _show_diff(
    args: argparse.Namespace, findings: list[Finding], result: LintResult, outcome: Outcome | None
) -> int:
    """`--diff`: the diff on stdout, a count on stderr; 1 when a fix would apply (as ruff)."""
    from copydesk.autofix import diff

    assert outcome is not None
    shown = {path: name for name, path in result.paths.items()}
    text = diff(outcome, shown)
    if text:
        sys.stdout.write(text)
    if not args.quiet:
        print(f"copydesk: would fix {_fixes(outcome.fixed)}", file=sys.stderr)
    if result.failed:
        return 2
    return 1 if text else 0


def _fixes(count: int) -> str:
    return f"{count} finding{'s' * (count != 1)}"


def _check_combinations(args: argparse.Namespace) -> None:
    if (args.fix or args.diff) and args.write_baseline:
        raise UsageError("--fix", "fixes files: drop --write-baseline")
    if args.unsafe_fixes and not (args.fix or args.diff):
        raise UsageError("--unsafe-fixes", "needs --fix or --diff")
    if args.changed_lines and not args.changed_since:
        raise UsageError("--changed-lines", "needs --changed-since REF")
    if args.write_baseline and args.changed_since:
        # A baseline of part of the repository would call the rest new.
        raise UsageError("--write-baseline", "records every finding: drop --changed-since")


def _report_links(args: argparse.Namespace, result: LintResult, registry: Registry) -> None:
    """The web stage's notes and summary; offline, a hint when web rules were
    named on the command line (they would otherwise say nothing at all)."""
    if result.links is not None:
        for note in result.links.notes:
            print(f"copydesk: {note}", file=sys.stderr)
        if not args.quiet:
            print(f"copydesk: {result.links.line()}", file=sys.stderr)
        return
    from copydesk.config import selectors

    named = (*(selectors(args.select) or ()), *(selectors(args.extend_select) or ()))
    infos = [registry.lookup(selector) for selector in named]
    web = sorted({info.code for info in infos if info is not None and info.online})
    if web and args.online is not False:
        print(f"copydesk: {', '.join(web)} check the web: add --online", file=sys.stderr)


def _online(args: argparse.Namespace, changes: ChangeSet | None) -> OnlineOptions:
    """The web checks' choices; with --changed-lines only URLs on changed lines are asked."""
    from copydesk.progress import wanted
    from copydesk.web.options import OnlineOptions

    lines = changes.changed if changes is not None and args.changed_lines else None
    return OnlineOptions(
        enabled=args.online,
        cache=not args.no_cache,
        scope=args.online_scope,
        lines=lines,
        progress=wanted(args.quiet),
        cache_dir=args.cache_dir,
    )


# --- what a pull request changed ----------------------------------------------


def _changes(args: argparse.Namespace) -> ChangeSet | None:
    if not args.changed_since:
        return None
    from copydesk.changes import changed_since

    return changed_since(args.changed_since)


def _changed_files(args: argparse.Namespace, changes: ChangeSet) -> set[Path]:
    """Changed files, plus files under PATHS that mention a deleted or renamed one."""
    from copydesk.changes import referrers
    from copydesk.config import ConfigFinder
    from copydesk.engine import discover

    files = set(changes.changed)
    if changes.removed:
        finder = ConfigFinder(Path(args.config) if args.config else None)
        candidates = discover([Path(p) for p in args.paths], finder)
        files.update(referrers(changes.removed, candidates))
    return files


def _on_changed_lines(
    findings: list[Finding], changes: ChangeSet, result: LintResult
) -> list[Finding]:
    from copydesk.changes import on_changed_lines

    def scope_of(code: str) -> str:
        info = result.rules.get(code)
        return info.scope if info is not None else "line"

    return on_changed_lines(findings, changes, scope_of)


# --- baseline -----------------------------------------------------------------


def _write_baseline(path: Path, findings: list[Finding], result: LintResult) -> int:
    from copydesk import baseline

    count = baseline.write(path, findings)
    print(f"copydesk: wrote {count} finding{'s' * (count != 1)} to {path}", file=sys.stderr)
    return 2 if result.failed else 0


def _baselines(args: argparse.Namespace, result: LintResult) -> dict[Path, list[str] | None]:
    """Each baseline that applies, with the linted files it covers (None: every
    finding). `--baseline FILE` covers the whole run; else each file is held
    against its own configuration's `baseline`, as every other setting is its
    own configuration's: a run over two blogs uses each blog's baseline, and
    the folder copydesk runs in does not matter."""
    if args.baseline:
        return {Path(args.baseline): None}
    covered: dict[Path, list[str] | None] = {}
    for file in result.files:
        config = result.configs.get(file)
        if config is not None and config.baseline is not None:
            files = covered.setdefault(config.baseline, [])
            assert files is not None
            files.append(file)
    return covered


def _apply_baseline(
    args: argparse.Namespace, findings: list[Finding], result: LintResult
) -> list[Finding]:
    groups = _baselines(args, result)
    if not groups:
        return findings
    from copydesk import baseline

    known: set[int] = set()  # id() of the findings a baseline records
    fixed = 0
    for path, files in groups.items():
        if not path.is_file():
            raise baseline.BaselineError(
                path, "baseline not found (create it with --write-baseline)"
            )
        wanted = None if files is None else set(files)
        mine = findings if wanted is None else [f for f in findings if f.path in wanted]
        comparison = baseline.compare(mine, path, result.files if files is None else files)
        new = {id(finding) for finding in comparison.new}
        known.update(id(finding) for finding in mine if id(finding) not in new)
        fixed += len(comparison.fixed)
    if fixed:
        noun = "finding is" if fixed == 1 else "findings are"
        print(
            f"copydesk: {fixed} baseline {noun} fixed; run --write-baseline to shrink it",
            file=sys.stderr,
        )
    return [finding for finding in findings if id(finding) not in known]


# --- output -------------------------------------------------------------------


def _render(
    args: argparse.Namespace,
    findings: list[Finding],
    result: LintResult,
    outcome: Outcome | None = None,
) -> str:
    fmt = args.format
    if fmt == "json" and args.statistics:
        import json

        from copydesk.report.text import statistics_object

        return json.dumps(statistics_object(findings), indent=2, ensure_ascii=False)
    if fmt == "json":
        from copydesk.report.json import render

        return render(findings)
    if fmt == "sarif":
        from copydesk.report import sarif

        return sarif.render(findings, result.rules, _root())
    if fmt == "junit":
        from copydesk.report import junit

        return junit.render(findings, result.files, result.errors)
    lines = _github(findings) if fmt == "github" else _text(args, findings)
    if not args.quiet:
        from copydesk.report.text import fix_summary, summary

        lines.append(summary(findings, _checked(result)))
        fixes = fix_summary(findings, None if outcome is None else outcome.fixed)
        if fixes and fmt == "text":
            lines.append(fixes)
    return "\n".join(lines)


def _checked(result: LintResult) -> int:
    """Files linted without an error: an unreadable file was not checked."""
    return len(set(result.files) - {error.path for error in result.errors})


def _text(args: argparse.Namespace, findings: list[Finding]) -> list[str]:
    from copydesk.report.text import finding_lines, statistics, use_colour

    if args.statistics:
        return list(statistics(findings))
    colour = not args.output and use_colour(sys.stdout)
    return list(finding_lines(findings, colour, unsafe=args.unsafe_fixes))


def _github(findings: list[Finding]) -> list[str]:
    from copydesk.report.github import render_lines

    return list(render_lines(findings, _root()))


def _root() -> Path:
    """Where CI resolves paths: the git toplevel, else the current folder."""
    from copydesk.changes import repo_root

    return repo_root() or Path.cwd()


def _emit(args: argparse.Namespace, text: str, stream: TextIO | None = None) -> None:
    """The report to `--output`, else `stream` (stdout by default)."""
    if not text:
        return
    if args.output:
        # Atomic, and never through a link: a report file is written like any other output.
        from copydesk.write import WriteRefused, write_atomic

        try:
            write_atomic(Path(args.output), text + "\n")
        except WriteRefused as error:
            raise UsageError(args.output, error.reason) from None
        except OSError as error:
            raise UsageError(args.output, f"cannot write: {error.strerror or error}") from None
    elif args.format in _UTF8_FORMATS:
        _print_utf8(text, stream or sys.stdout)
    else:
        print(text, file=stream or sys.stdout)


# Formats for programs: JSON (SARIF is JSON) and XML files are UTF-8 whatever the
# terminal's encoding (RFC 8259), and a message in another script must not crash them.
_UTF8_FORMATS = ("json", "sarif", "junit")


def _print_utf8(text: str, stream: TextIO) -> None:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    buffer = getattr(stream, "buffer", None)
    if encoding == "utf8" or buffer is None:
        print(text, file=stream)
        return
    stream.flush()
    buffer.write((text + "\n").encode("utf-8", "surrogateescape"))
    buffer.flush()
