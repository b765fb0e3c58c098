"""Command line: argument parsing and exit codes only.

Exit codes: 0 all good, 1 findings / failed or lossy files, 2 usage or internal error.
Command modules are imported only when their command runs, so `--help` is fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from copydesk import __version__

FORMATS = ("jekyll", "medium", "plain", "canonical")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="copydesk",
        description="Migrate blog posts into one validated Markdown schema, and lint them.",
    )
    parser.add_argument("--version", action="version", version=f"copydesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_migrate(commands)
    return parser


def _add_migrate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    migrate = commands.add_parser(
        "migrate",
        help="convert posts into canonical Markdown in another folder",
        description="Convert posts (files or folders) into canonical Markdown under --out. "
        "Sources are never modified.",
    )
    migrate.add_argument("sources", nargs="+", metavar="SRC", help="post files or folders")
    migrate.add_argument("--out", metavar="DIR", help="output folder (required unless --check)")
    migrate.add_argument("--dry-run", action="store_true", help="show a diff, write nothing")
    migrate.add_argument("--force", action="store_true", help="overwrite existing output files")
    migrate.add_argument("--report", metavar="FILE.json", help="write the JSON report here")
    migrate.add_argument("--from", dest="format", choices=FORMATS, help="skip format detection")
    migrate.add_argument(
        "--captions",
        choices=("paragraph", "title", "figure"),
        default="paragraph",
        help="how image captions are written (default: paragraph after the image)",
    )
    migrate.add_argument(
        "--timezone",
        metavar="TZ",
        help="timezone for input datetimes that carry none (e.g. Europe/Berlin); "
        "without it such posts are refused",
    )
    migrate.set_defaults(run=_run_migrate)


def _run_migrate(args: argparse.Namespace) -> int:
    from copydesk.migrate import run

    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
