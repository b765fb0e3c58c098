"""Lint speed: start-up on one file, and a big corpus with --jobs 1 and 2.

The reference point is what any Markdown linter must at least do: read the
file, split front matter (python-frontmatter) and parse (mistune). Run it on
a quiet machine: other processes competing for the cores distort the speedup.

    .venv/bin/python bench/bench_lint.py [--files 2000]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dog",
    "blog",
    "post",
    "migrate",
    "lint",
    "copy",
    "desk",
]
COPYDESK = [sys.executable, "-m", "copydesk"]


def sentence(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count)).capitalize() + "."


def write_corpus(folder: Path, files: int) -> None:
    rng = random.Random(1)
    for i in range(files):
        parts = [f"---\ntitle: Post {i}\ndate: 2020-01-{i % 28 + 1:02d}\n---\n", f"# Intro {i}\n"]
        for section in range(4):
            parts += [
                f"## Section {section}\n",
                f"{sentence(rng, 40)} See [guide](p{(i + 1) % files:04d}.md).\n",
                f"![chart](/images/c{section}.png)\n",
                "- item one\n- item `code` two\n",
                "```python\nprint('hello')\n```\n",
            ]
        (folder / f"p{i:04d}.md").write_text("\n".join(parts), encoding="utf-8")


def baseline(folder: Path) -> float:
    import frontmatter
    import mistune

    start = time.perf_counter()
    markdown = mistune.create_markdown(renderer=None)
    for path in sorted(folder.glob("*.md")):
        markdown(frontmatter.loads(path.read_text(encoding="utf-8")).content)
    return time.perf_counter() - start


def wall(args: list[str], cwd: Path, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, cwd=cwd, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "one.md").write_text("---\ntitle: One\n---\nHello [x](https://e.com).\n")
        startup = wall([*COPYDESK, "lint", "-q", "one.md"], folder, repeat=5)
        print(f"start-up, one small file: {startup:.3f} s (best of 5)")
        (folder / "one.md").unlink()
        write_corpus(folder, args.files)
        print(f"read + frontmatter + mistune, {args.files} files: {baseline(folder):.2f} s")
        for select in ("ALL", "CD49"):
            one = wall([*COPYDESK, "lint", "-q", "--select", select, "--jobs", "1", "."], folder)
            two = wall([*COPYDESK, "lint", "-q", "--select", select, "--jobs", "2", "."], folder)
            print(f"--select {select}: jobs 1 {one:.2f} s, jobs 2 {two:.2f} s, x{one / two:.2f}")


if __name__ == "__main__":
    main()
