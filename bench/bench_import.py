"""How long does `copydesk migrate` take on a platform's own export?

Builds, deterministically (bench/exports.py), a WXR file of N post items and a
Medium export of N posts, then times in the same run, each in-process:

- parse: the input read by the parser alone (the WXR with defusedxml, every
  Medium post with selectolax's HTML5 parser): what any importer must pay;
- import: `copydesk migrate EXPORT --out OUT` (convert, validate, loss-check,
  atomic write).

Both wall-clock and CPU seconds are printed, with the ratio of import to parse
(CPU). Target: each import of 1,000 posts under 5 s on one core. The verdict is
taken on CPU seconds, since the wall clock of a shared machine depends on its
neighbours (and on the disk: each post is written atomically, with an fsync).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import exports

TARGET_SECONDS = 5.0


def parse_wxr(path: Path) -> None:
    import defusedxml.ElementTree as SafeTree

    SafeTree.parse(str(path))


def parse_medium(folder: Path) -> None:
    from selectolax.lexbor import LexborHTMLParser

    for post in sorted((folder / "posts").glob("*.html")):
        LexborHTMLParser(post.read_text(encoding="utf-8"))


def migrate(source: Path, out: Path) -> None:
    from copydesk.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(["migrate", str(source), "--out", str(out), "--timezone", "UTC"])


def timed(function: Callable[..., None], *args: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="best of N (default 3)")
    args = parser.parse_args()
    print(f"{'job':<14} {'posts':>6} {'wall s':>7} {'cpu s':>7} {'ratio':>6}  target")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases = [
            ("wxr", exports.wxr(work / "blog.xml", args.posts), parse_wxr),
            ("medium", exports.medium_export(work / "medium", args.posts), parse_medium),
        ]
        for name, source, parse in cases:
            migrate(source, work / f"warm-{name}")  # imports and byte-compiles once
            parse_s = min((timed(parse, source) for _ in range(args.rounds)), key=lambda t: t[1])
            # a fresh folder each round: every post is written, as in a first migration
            runs = [timed(migrate, source, work / f"out-{name}-{n}") for n in range(args.rounds)]
            import_s = min(runs, key=lambda t: t[1])
            written = sum(1 for _ in (work / f"out-{name}-0").rglob("*.md"))
            verdict = "PASS" if import_s[1] < TARGET_SECONDS else "FAIL"
            print(f"{name + ' parse':<14} {args.posts:>6} {parse_s[0]:>7.2f} {parse_s[1]:>7.2f}")
            print(
                f"{name + ' import':<14} {written:>6} {import_s[0]:>7.2f} {import_s[1]:>7.2f} "
                f"{import_s[1] / parse_s[1]:>6.1f}  {verdict} (< {TARGET_SECONDS:g} s cpu)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
