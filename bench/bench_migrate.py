"""How long does `copydesk migrate` take per 1,000 posts?

Builds a deterministic corpus of N synthetic posts (copies of the bundled demo
fixtures and the seeds, each with a distinct slug), then
times, in the same run:

- floor: read every file, parse it with python-frontmatter, write it to another
  folder (the I/O and YAML work any migration must do);
- migrate: `copydesk migrate CORPUS --out OUT` in-process.

Figures are printed as seconds per 1,000 posts and as a ratio to the floor.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "fixtures" / "demo", ROOT.parent / "shared" / "seeds"]


def build_corpus(folder: Path, count: int) -> list[Path]:
    templates = sorted(
        path
        for source in SOURCES
        if source.is_dir()
        for path in source.rglob("*")
        if path.is_file()
    )
    paths = []
    for number in range(count):
        template = templates[number % len(templates)]
        text = template.read_text(encoding="utf-8")
        # A distinct slug per copy, so the run's slug de-duplication stays out of the figures.
        if text.startswith("---\n"):
            text = f"---\nslug: copy-{number}\n{text[4:]}"
        elif text.startswith("+++\n"):
            text = f'+++\nslug = "copy-{number}"\n{text[4:]}'
        else:
            text = f"Copy {number} of a plain post\n\n{text}"
        path = folder / f"{number // 100:03d}" / f"{number:05d}-{template.stem}{template.suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def floor(paths: list[Path], out: Path) -> None:
    import frontmatter

    for path in paths:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
        target = out / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(frontmatter.dumps(post), encoding="utf-8")


def migrate(corpus: Path, out: Path) -> int:
    from copydesk.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(["migrate", str(corpus), "--out", str(out), "--timezone", "UTC"])


def timed(function, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        paths = build_corpus(work / "corpus", args.posts)
        floor_s = timed(floor, paths, work / "floor")
        migrate_s = timed(migrate, work / "corpus", work / "out")
        written = sum(1 for _ in (work / "out").rglob("*.md"))
        shutil.rmtree(work / "out")
    per_k = 1000 / args.posts
    print(f"{'job':<10} {'posts':>6} {'seconds':>8} {'s/1000':>7} {'ratio':>6}")
    print(f"{'floor':<10} {args.posts:>6} {floor_s:>8.2f} {floor_s * per_k:>7.2f} {1:>6.2f}")
    print(
        f"{'migrate':<10} {written:>6} {migrate_s:>8.2f} {migrate_s * per_k:>7.2f} "
        f"{migrate_s / floor_s:>6.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
