"""The lint floor: the work any Markdown linter in Python must do, and nothing else.

For every Markdown file under the given folders (found as `copydesk lint`
finds them: sorted walk, hidden and dependency folders skipped): read it,
split and load its front matter with python-frontmatter, and parse the body
with mistune configured exactly as `copydesk.parse` configures it (AST
renderer, same plugins). One process, no rules, no positions. `copydesk lint
--jobs 1` is judged by how far above this it lands.

python-frontmatter reads TOML only through the third-party `toml` package, so
`+++` headers go through a small handler on the standard library's tomllib:
copydesk parses TOML too, and a floor that skipped it would flatter nobody.

Usage: python bench/floor.py [--processes N] [--list FILE] FOLDER... ; prints
one line: files parsed and failed. With `--processes N` the files are split
over N forked processes: the machine's own ceiling for a `--jobs N` speedup.
With `--list FILE` the files are the paths in FILE, one a line (what copydesk
itself discovers in a real tree, which may skip files a plain walk finds).
A file that is not UTF-8 is read with replacement characters, as a linter
that went on would.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import frontmatter
import mistune
from frontmatter.default_handlers import BaseHandler
from mistune.plugins import import_plugin

# Must equal copydesk.parse._PLUGINS; bench_lint.py checks this before timing.
PLUGINS = (
    "table",
    "mistune.plugins.table.table_in_quote",
    "mistune.plugins.table.table_in_list",
    "footnotes",
    "strikethrough",
    "url",
)
SKIPPED_DIRS = frozenset(
    {"node_modules", "_site", "public", "vendor", "site-packages", "__pycache__", "venv"}
)


class TomllibHandler(BaseHandler):
    """`+++` front matter read with the standard library (python-frontmatter needs `toml`)."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


def markdown_files(top: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith((".md", ".markdown")) and not name.startswith("."):
                yield Path(folder) / name


def all_files(folders: list[Path]) -> list[Path]:
    return [path for top in folders for path in markdown_files(top)]


def parse_files(paths: list[Path]) -> tuple[int, int]:
    markdown = mistune.Markdown(renderer=None, plugins=[import_plugin(p) for p in PLUGINS])
    toml = TomllibHandler()
    parsed = failed = 0
    for path in paths:
        text = path.read_bytes().decode("utf-8", errors="replace")
        try:
            post = frontmatter.loads(text, handler=toml if text.startswith("+++") else None)
            body = post.content
        except Exception:  # broken front matter: a linter still parses the body
            failed += 1
            body = text
        markdown(body)
        parsed += 1
    return parsed, failed


def parse_in_processes(paths: list[Path], processes: int) -> tuple[int, int]:
    """The same work split over `processes` forked processes (every Nth file
    each): perfectly parallel parsing, which shows how much faster this
    machine's cores make work that shares nothing. Shared vCPUs, busy
    neighbours and memory bandwidth keep it under `processes`x; a linter's
    --jobs speedup is best read against it."""
    import multiprocessing

    shards = [paths[i::processes] for i in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        counts = pool.map(parse_files, shards, chunksize=1)
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


def main(argv: list[str]) -> int:
    processes = 1
    listed: list[Path] | None = None
    while argv[:1] in (["--processes"], ["--list"]):
        if argv[0] == "--processes":
            processes = int(argv[1])
        else:
            listed = [Path(line) for line in Path(argv[1]).read_text().splitlines() if line]
        argv = argv[2:]
    paths = listed if listed is not None else all_files([Path(a) for a in argv] or [Path(".")])
    if processes > 1:
        parsed, failed = parse_in_processes(paths, processes)
    else:
        parsed, failed = parse_files(paths)
    print(f"floor: {parsed} files parsed, {failed} with unreadable front matter")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
