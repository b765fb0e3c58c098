"""Peak memory of `copydesk lint` and `copydesk migrate` on one huge post.

    .venv/bin/python bench/bench_memory.py [--mb 50] [--kinds image,log,prose]

Real exports hold a few huge posts: a base64 image pasted inline, a pasted log
in a code fence, a very long article. Each kind is generated at `--mb` MB
(limit raised with `--max-file-size 0`; `links`, a post that is every seventh
word a link or an emphasis, is the worst case for the tree) and run as its own child process,
one job; a small post gives the fixed cost (interpreter, imports), which is
subtracted. The target (issue 14): peak memory for one file at most ~10x its
size. Always exits 0: it measures, it does not gate.
"""

from __future__ import annotations

import argparse
import base64
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import run

COPYDESK = [sys.executable, "-m", "copydesk"]
HEADER = "---\ntitle: A huge post\ndate: 2020-01-02\ntags: [big]\n---\n\n"


def make_post(kind: str, size: int) -> str:
    """A post of about `size` bytes whose bulk is one kind of content."""
    rng = random.Random(14)
    if kind == "image":
        data = base64.b64encode(rng.randbytes(size * 3 // 4)).decode("ascii")
        return f"{HEADER}A photo:\n\n![the photo](data:image/png;base64,{data})\n"
    if kind == "log":
        line = "2020-01-02T03:04:05Z INFO worker-{:04d} request /api/v1/items?id={} took {} ms\n"
        lines, total = [], 0
        while total < size:
            text = line.format(rng.randrange(10_000), rng.randrange(10**6), rng.randrange(999))
            lines.append(text)
            total += len(text)
        return f"{HEADER}The log:\n\n```text\n{''.join(lines)}```\n"
    if kind in ("prose", "links"):
        # prose: an article, a link and an emphasis per paragraph of 80 words;
        # links: every seventh word a link or an emphasis (a worst case for the tree)
        vocabulary = ["the", "a", "of", "to", "and", "in", "that", "it", "is", "was", "for"]
        vocabulary += ["copy", "desk", "story", "wire", "edition", "page", "column", "reader"]
        if kind == "links":
            dense = "the quick brown fox jumps over a lazy dog with [a link](other.md) and *style*"
            vocabulary = dense.split(" ")
        paragraphs, total = [], 0
        while total < size:
            words = [rng.choice(vocabulary) for _ in range(80)]
            if kind == "prose":
                words[rng.randrange(80)] = "[a source](https://example.com/source)"
                words[rng.randrange(80)] = "*really*"
            text = " ".join(words) + "\n\n"
            paragraphs.append(text)
            total += len(text)
        return f"{HEADER}{''.join(paragraphs)}"
    raise SystemExit(f"unknown kind {kind!r}")


def measure(folder: Path, post: Path) -> tuple[float, float]:
    """maxRSS MiB of lint --jobs 1 and of migrate, each a fresh child process."""
    posts = folder / "posts"
    lint = run([*COPYDESK, "lint", "--jobs", "1", "--max-file-size", "0", post.name], cwd=posts)
    migrate = run(
        [*COPYDESK, "migrate", "--max-file-size", "0", "--force", post.name, "--out", "../out"],
        cwd=posts,
    )
    for name, result in (("lint", lint), ("migrate", migrate)):
        if result.returncode > 1:
            raise SystemExit(f"{name} failed on {post.name} (exit {result.returncode})")
    return lint.max_rss_mib, migrate.max_rss_mib


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="post size in MB (default 50)")
    parser.add_argument("--kinds", default="image,log,prose", help="image, log, prose, links")
    args = parser.parse_args()
    size = int(args.mb * 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "posts").mkdir()
        small = folder / "posts" / "small.md"
        small.write_text(f"{HEADER}A small post.\n", encoding="utf-8")
        base_lint, base_migrate = measure(folder, small)
        print(
            f"fixed cost (a small post): lint {base_lint:.0f} MiB, migrate {base_migrate:.0f} MiB"
        )
        print(
            f"{'kind':<6} {'MB':>6} {'lint MiB':>9} {'x size':>7} {'migrate MiB':>12} {'x size':>7}"
        )
        for kind in args.kinds.split(","):
            post = folder / "posts" / f"{kind}.md"
            post.write_text(make_post(kind, size), encoding="utf-8")
            mib = post.stat().st_size / 2**20
            lint, migrate = measure(folder, post)
            lint_x, migrate_x = (lint - base_lint) / mib, (migrate - base_migrate) / mib
            print(
                f"{kind:<6} {post.stat().st_size / 1e6:>6.1f} {lint:>9.0f} {lint_x:>7.1f} "
                f"{migrate:>12.0f} {migrate_x:>7.1f}"
            )
            post.unlink()
    print("x size: (peak - fixed cost) / file size; target: at most ~10")
    return 0


if __name__ == "__main__":
    sys.exit(main())
