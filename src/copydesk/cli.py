"""Command line: argument parsing and exit codes only.

Exit codes: 0 all good, 1 findings / failed or lossy files, 2 usage or internal error.
Command modules are imported only when their command runs, so `--help` is fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from copydesk import __version__

# Not `typing.TYPE_CHECKING`: `copydesk --help` imports no typing (see copydesk/__init__.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FORMATS = ("jekyll", "medium", "plain", "canonical")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; `command`: only that command is built. A run
    parses one command, and building the ~100 options and the parsers of all
    of them costs a warm lint or a hook run ~5 ms (argparse asks gettext for
    each parser's headings). Without one, every command is: the top-level
    help lists them all."""
    parser = argparse.ArgumentParser(
        prog="copydesk",
        description="Migrate blog posts into one validated Markdown schema, and lint them.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"copydesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (summary, fill) in COMMANDS.items():
        if command in (None, name):
            sub = commands.add_parser(name, help=summary, formatter_class=_Formatter)
            fill(sub)
            sub.set_defaults(parser=sub)  # its own usage for its unknown flags (see main)
    return parser


class _Formatter(argparse.HelpFormatter):
    """argparse's own, given the width `shutil.get_terminal_size` would give
    (COLUMNS, else the terminal's, else 80) without importing shutil: argparse
    makes a formatter for each option it adds, and shutil (with zlib, bz2 and
    lzma) cost every run, a one-file pre-commit lint's included, ~2 ms."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
        **more: Any,  # what a later argparse may pass (its own keywords)
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2  # as argparse does
        super().__init__(prog, indent_increment, max_help_position, width, **more)


def _terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`, with its fallback of 80."""
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    stdout = sys.__stdout__
    try:
        return (stdout and os.get_terminal_size(stdout.fileno()).columns) or 80
    except (ValueError, OSError):  # closed or detached, or not a terminal
        return 80


def _command(argv: Sequence[str]) -> str | None:
    """The command `argv` runs when it comes first, or None (then every one is
    built: a top-level option first, `--help` or `--version`, or no command
    that exists, is answered by the top-level parser, which names them all)."""
    return argv[0] if argv and argv[0] in COMMANDS else None


def _add_migrate(migrate: argparse.ArgumentParser) -> None:
    migrate.description = (
        "Convert posts (files or folders) into canonical Markdown under --out. "
        "Sources are never modified. With --check, write nothing and exit 1 when a post is "
        "not in canonical form (compared in place, or with --out when given)."
    )
    migrate.add_argument("sources", nargs="+", metavar="SRC", help="post files or folders")
    migrate.add_argument("--out", metavar="DIR", help="output folder (required unless --check)")
    migrate.add_argument("--dry-run", action="store_true", help="show a diff, write nothing")
    migrate.add_argument("--force", action="store_true", help="overwrite existing output files")
    migrate.add_argument("--report", metavar="FILE.json", help="write the JSON report here")
    migrate.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 naming every post that is not canonical",
    )
    migrate.add_argument(
        "--diff", action="store_true", help="like --check, and show a unified diff per post"
    )
    _add_normalize_options(migrate, importers=True)
    _add_import_options(migrate)
    migrate.set_defaults(run=_run_migrate)


def _add_import_options(parser: argparse.ArgumentParser) -> None:
    """Options of the platform importers (Medium export, WordPress WXR)."""
    parser.add_argument(
        "--include-responses",
        action="store_true",
        help="Medium export: keep responses (short replies), skipped by default",
    )
    parser.add_argument(
        "--include",
        action="append",
        choices=("pages",),
        help="WordPress: also import pages",
    )
    parser.add_argument(
        "--download-images",
        metavar="DIR",
        help="fetch the old platform's images into DIR (where the site serves static files, "
        "e.g. static/images) and point posts at them; the only option that uses the network",
    )
    parser.add_argument(
        "--image-hosts",
        action="append",
        metavar="HOSTS",
        help="with --download-images: more comma-separated hosts whose images to fetch",
    )
    parser.add_argument(
        "--post-types",
        action="append",
        metavar="TYPES",
        help="WordPress: comma-separated custom post types to import as posts",
    )


def _add_normalize_options(parser: argparse.ArgumentParser, importers: bool = False) -> None:
    """What `migrate` and `fix` share: how posts are read and normalized."""
    if importers:  # importer names come from entry points: checked when the command runs
        parser.add_argument(
            "--from",
            dest="format",
            metavar="NAME",
            help=f"skip detection: a post format ({', '.join(FORMATS)}) or an importer "
            "(medium-export, wxr, or one a plugin adds)",
        )
    else:
        parser.add_argument("--from", dest="format", choices=FORMATS, help="skip format detection")
    parser.add_argument(
        "--captions",
        choices=("paragraph", "title", "figure"),
        default="paragraph",
        help="how image captions are written (default: paragraph after the image)",
    )
    parser.add_argument(
        "--timezone",
        metavar="TZ",
        help="timezone for input datetimes that carry none (e.g. Europe/Berlin); "
        "without it a midnight time is the date and any other time is kept as written",
    )
    parser.add_argument(
        "--author",
        metavar="NAME",
        help="author name for an 'About the Author' block that names nobody",
    )
    _add_max_file_size(parser)


def _add_max_file_size(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-file-size",
        type=_size,
        metavar="SIZE",
        help="skip (and name) files larger than this, e.g. '50 MB'; 0: no limit "
        "(default: config key max-file-size, else 10 MB)",
    )


def _size(text: str) -> int:
    from copydesk.config import parse_size

    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _run_migrate(args: argparse.Namespace) -> int:
    from copydesk.migrate import run

    return run(args)


def _add_format(fmt: argparse.ArgumentParser) -> None:
    fmt.description = (
        "Rewrite posts (files or folders) into canonical form in place, with the "
        "normalizers of `migrate`. A post that would lose words or not validate is refused "
        "and left untouched. Exit 0: nothing changed; 1: a post was rewritten (or would be, "
        "with --check/--diff) or refused; 2: usage error."
    )
    _format_arguments(fmt)
    fmt.set_defaults(run=_run_fix)


def _add_fix(old: argparse.ArgumentParser) -> None:
    """`fix`: the old name of `format`, kept so that existing hooks and scripts
    still work, with a one-line hint (`lint --fix` is what fixes findings now)."""
    old.description = "Old name of `format`."
    _format_arguments(old)
    old.set_defaults(run=_run_fix_alias)


def _format_arguments(fix: argparse.ArgumentParser) -> None:
    fix.add_argument(
        "paths",
        nargs="+",
        metavar="FILE",
        help="post files or folders; '-': read one post from stdin, write it to stdout",
    )
    fix.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="with '-': the path the post on stdin has (its repository path in `source`)",
    )
    fix.add_argument("--check", action="store_true", help="write nothing, name what would change")
    fix.add_argument("--diff", action="store_true", help="write nothing, show a unified diff")
    _add_normalize_options(fix)


def _run_fix_alias(args: argparse.Namespace) -> int:
    print(
        "copydesk: `copydesk fix` is now `copydesk format` (`lint --fix` fixes findings)",
        file=sys.stderr,
    )
    return _run_fix(args)


def _run_fix(args: argparse.Namespace) -> int:
    from copydesk.fix import run

    return run(args)


def _add_lint(lint: argparse.ArgumentParser) -> None:
    lint.description = (
        "Lint Markdown files and folders. Exit 0: no error-level findings; "
        "1: findings at error level; 2: usage or internal error, or a file could not be read."
    )
    lint.add_argument(
        "paths", nargs="*", default=["."], metavar="PATH", help="default: .; '-': read stdin"
    )
    lint.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="with '-': the path the post on stdin has (config, links, positions)",
    )
    lint.add_argument(
        "--format",
        "--output-format",  # ruff's name for it
        dest="format",
        choices=("text", "json", "sarif", "github", "junit"),
        default="text",
        help="text (default), json, sarif (code scanning), github (annotations), junit",
    )
    lint.add_argument("--output", "-o", metavar="FILE", help="write the report here, not stdout")
    codes = "comma-separated codes, names or prefixes (CD1, ALL)"
    lint.add_argument("--select", action="append", metavar="CODES", help=f"only these: {codes}")
    lint.add_argument("--ignore", action="append", metavar="CODES", help="skip these")
    lint.add_argument("--extend-select", action="append", metavar="CODES", help="add these")
    lint.add_argument("--statistics", action="store_true", help="count findings per code")
    lint.add_argument("--quiet", "-q", action="store_true", help="no summary line")
    lint.add_argument("--jobs", "-j", type=_positive, metavar="N", help="default: all cores")
    lint.add_argument("--config", metavar="FILE", help="use this config for every file")
    _add_max_file_size(lint)
    lint.add_argument(
        "--changed-since",
        metavar="REF",
        help="lint only files changed since the merge base with REF (and files "
        "linking to files it deleted or renamed); working tree included",
    )
    lint.add_argument(
        "--changed-lines",
        action="store_true",
        help="with --changed-since: only findings on added or modified lines "
        "(front matter and cross-file findings always)",
    )
    lint.add_argument(
        "--baseline", metavar="FILE", help="fail only on findings not in FILE (config: baseline)"
    )
    lint.add_argument(
        "--write-baseline", metavar="FILE", help="record today's findings in FILE and exit 0"
    )
    lint.add_argument(
        "--online",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="check remote links on the web (config: online = true); --no-online: never",
    )
    lint.add_argument(
        "--online-scope",
        choices=("all", "internal"),
        help="with --online: all remote links, or only those to the site's own domain",
    )
    lint.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the caches (lint results, URL index and, with "
        "--online, links; config: cache-dir)",
    )
    lint.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="keep every cache in DIR (default: config key cache-dir, .copydesk_cache)",
    )
    lint.add_argument(
        "--fix", action="store_true", help="apply the safe fixes of fixable findings [*]"
    )
    lint.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff: apply unsafe fixes too (they change what readers see)",
    )
    lint.add_argument(
        "--diff",
        action="store_true",
        help="write nothing: show the fixes as a unified diff (exit 1 when any would apply)",
    )
    lint.set_defaults(run=_run_lint)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _run_lint(args: argparse.Namespace) -> int:
    from copydesk.lint import run

    return run(args)


def _add_rules(rules: argparse.ArgumentParser) -> None:
    rules.description = (
        "Without arguments: every rule (code, name, severity, summary), "
        "including the rule packs the configuration of the current folder names. "
        "With a code or name: that rule's documentation."
    )
    rules.add_argument("rule", nargs="?", metavar="CODE", help="a code (CD101) or name")
    rules.add_argument("--json", action="store_true", help="the same as JSON, for tools")
    rules.add_argument("--config", metavar="FILE", help="take rule packs from this config")
    rules.add_argument(
        "--markdown", action="store_true", help="print docs/rules.md (see `make docs`)"
    )
    rules.set_defaults(run=_run_rules)


def _run_rules(args: argparse.Namespace) -> int:
    from copydesk.ruledocs import run

    return run(args)


def _add_site(site: argparse.ArgumentParser) -> None:
    site.description = (
        "Print the generator detected for the site holding PATH, the settings "
        "read from its config, its content and static folders and counts of pages, posts "
        "and URLs. With --explain: how one URL resolves, or what one file is."
    )
    site.add_argument("path", nargs="?", default=".", metavar="PATH", help="default: .")
    site.add_argument(
        "--explain", metavar="URL-or-FILE", help="trace a link's resolution, or describe a file"
    )
    site.add_argument(
        "--from", dest="source", metavar="FILE", help="with --explain URL: the linking file"
    )
    site.add_argument(
        "--generator",
        choices=("jekyll", "hugo", "mkdocs", "docusaurus", "eleventy", "zola", "astro", "plain"),
        help="skip detection",
    )
    site.set_defaults(run=_run_site)


def _run_site(args: argparse.Namespace) -> int:
    from copydesk.site.report import run

    return run(args)


# Each command: its summary (the top-level help) and what builds its options.
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "migrate": ("convert posts into canonical Markdown in another folder", _add_migrate),
    "format": ("rewrite posts into canonical form in place", _add_format),
    "fix": ("old name of `format` (deprecated)", _add_fix),
    "lint": ("check posts for broken links, images, metadata and house style", _add_lint),
    "rules": ("list the lint rules, or explain one", _add_rules),
    "site": ("show what copydesk knows about the site: generator, URLs, posts", _add_site),
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _freeze_at_exit()
    parser = build_parser(_command(argv))
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # The command's own usage, not the top-level one: that is where the flag was wrong.
        getattr(args, "parser", parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _drop_stdout()
        return 1


def _freeze_at_exit() -> None:
    """When the interpreter exits, it collects garbage over every object still
    alive, three full passes (a warm lint of hugoDocs: ~3.5 ms of its ~65 ms of
    CPU). Frozen first (`gc.freeze` in an exit handler), those objects are left
    to reference counting as the modules are torn down; a cycle among them is
    not collected, which costs nothing once the process has ended. (Registered
    once however often `main` runs in a process.)"""
    import atexit
    import gc

    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def _drop_stdout() -> None:
    """The reader of our output left (`copydesk ... | head`): say nothing more.

    Pointing stdout at /dev/null keeps Python's exit-time flush from printing
    a second BrokenPipeError (see the `signal` module docs on SIGPIPE).
    """
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
