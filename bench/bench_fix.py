"""What does `copydesk lint --fix` cost over `lint`, and how fast does it fix?

On the bench corpus (bench/corpus.py, 2,000 posts), or with `--tree DIR` on a
copy of an existing folder (a real site; the original is never written):

1. **With fixes**: a fresh copy, `lint --jobs 1 --fix` (and `--fix
   --unsafe-fixes` on another fresh copy), timed; files/s and the number of
   fixes from the summary line ("N fixed, M remaining").
2. **Idempotence**: a second `--fix` on the fixed copy must change no byte.
3. **Nothing to fix**: on that fixed copy, `lint --jobs 1` and `lint --jobs 1
   --fix` run back to back in each round; the ratio of their CPU times is
   taken within a round and the median over rounds is compared with the
   target, at most 1.05. CPU, not wall: on a machine shared with other work
   the wall time of one process swings by 2x between neighbouring runs, its
   CPU time by a few percent (both are printed).

A report, not a test: it always exits 0 and says PASS or FAIL.
"""

from __future__ import annotations

import argparse
import filecmp
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import measure
from bench_lint import compile_sources

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET = 1.05
_SUMMARY = re.compile(r"^(\d+) fixed, (\d+) remaining", re.MULTILINE)


def lint(folder: Path, out: Path, name: str, *extra: str) -> tuple[measure.Measurement, str]:
    """One `copydesk lint --jobs 1 --no-cache` run in its own process; its wall/CPU and
    stdout. Without the lint cache: a warm one would time its reads, not the linting."""
    command = [str(BIN / "copydesk"), "lint", str(folder), "--jobs", "1", "--no-cache", *extra]
    stdout, stderr = out / f"{name}.out", out / f"{name}.err"
    result = measure.run(command, cwd=folder, stdout=stdout, stderr=stderr)
    if result.returncode not in (0, 1):
        print(f"  {name}: exit {result.returncode}: {stderr.read_text()[:300]}")
    return result, stdout.read_text(encoding="utf-8", errors="replace")


def fixed_count(output: str) -> tuple[int, int]:
    match = _SUMMARY.search(output)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def same_tree(first: Path, second: Path) -> bool:
    """Byte-for-byte the same files (filecmp compares contents, not stat)."""
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    others = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    names = [n for n in names if ".copydesk_cache" not in n.parts]
    others = [n for n in others if ".copydesk_cache" not in n.parts]
    if names != others:
        return False
    _, mismatch, errors = filecmp.cmpfiles(first, second, [str(n) for n in names], shallow=False)
    return not mismatch and not errors


def with_fixes(source: Path, work: Path, out: Path, files: int, flags: list[str]) -> Path:
    """Time `--fix` (with `flags`) on a fresh copy; the fixed copy."""
    name = "fix" + "".join(flags).replace("-", "_")
    target = work / name
    shutil.copytree(source, target, symlinks=True)
    result, output = lint(target, out, name, "--fix", *flags)
    fixed, remaining = fixed_count(output)
    print(
        f"  lint --fix {' '.join(flags):<16} {result.seconds:6.2f} s "
        f"({result.cpu_seconds:5.2f} CPU)"
        f"  {files / result.cpu_seconds:5.0f} files/s of CPU  {fixed} fixed, {remaining} remaining"
    )
    return target


def nothing_to_fix(folder: Path, out: Path, rounds: int) -> list[float]:
    """`lint` then `lint --fix` on a tree --fix has already fixed, per round."""
    ratios = []
    for index in range(rounds):
        plain, _ = lint(folder, out, f"plain{index}")
        fixing, _ = lint(folder, out, f"fixing{index}", "--fix")
        ratios.append(fixing.cpu_seconds / plain.cpu_seconds)
        print(
            f"  round {index + 1}: lint {plain.seconds:5.2f} s ({plain.cpu_seconds:5.2f} CPU), "
            f"lint --fix {fixing.seconds:5.2f} s ({fixing.cpu_seconds:5.2f} CPU): "
            f"{ratios[-1]:.3f}x CPU"
        )
    return ratios


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000, help="corpus size (default 2000)")
    parser.add_argument("--rounds", type=int, default=5, help="nothing-to-fix rounds (default 5)")
    parser.add_argument("--tree", type=Path, metavar="DIR", help="a copy of this folder instead")
    args = parser.parse_args(argv)
    compile_sources()
    with tempfile.TemporaryDirectory(prefix="copydesk-bench-fix-") as temp:
        work = Path(temp)
        out = work / "out"
        out.mkdir()
        source = work / "corpus"
        if args.tree:
            shutil.copytree(args.tree, source, symlinks=True)
            files = sum(1 for p in source.rglob("*") if p.suffix in (".md", ".markdown"))
        else:
            files = len(corpus.build_corpus(source, args.files))
        print(f"bench_fix: {files} files ({args.tree or 'the bench corpus'}), --jobs 1")
        fixed = with_fixes(source, work, out, files, [])
        with_fixes(source, work, out, files, ["--unsafe-fixes"])
        again = work / "again"
        shutil.copytree(fixed, again, symlinks=True)
        lint(again, out, "again", "--fix")
        idempotent = same_tree(fixed, again)
        print(f"  a second --fix changes nothing: {'PASS' if idempotent else 'FAIL'}")
        ratios = nothing_to_fix(fixed, out, max(1, args.rounds))
    median = statistics.median(ratios)
    verdict = "PASS" if median <= TARGET else "FAIL"
    print(
        f"{verdict}  lint --fix with nothing to fix: {median:.3f}x lint's CPU "
        f"(median of {len(ratios)} rounds, {min(ratios):.3f}-{max(ratios):.3f}; "
        f"target <= {TARGET:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
