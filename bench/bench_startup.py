"""How much does copydesk cost before it does any work, compared with Python itself?

A pre-commit hook lints one or two files: there start-up is most of the run.
Times, each as its own child process, interleaved round by round:

- `python -c pass`: the interpreter alone, the baseline of every ratio;
- `copydesk --help` (target: under 0.1 s);
- `copydesk lint EMPTY`: an empty folder (copydesk's own start-up: config,
  rule registry, discovery; it exits 2, "no posts");
- `copydesk lint POST`: one demo post in this repository (its site, config and
  packs), the pre-commit case (target: under 0.3 s).

Each copydesk row is given as seconds and as a ratio to `python -c pass` of the
same round; the figures are medians over `--rounds` (range beside them), since
the machine is shared and one run can be off by half. `--src DIR` adds the same
rows for another copy of copydesk's sources (DIR/src, e.g. `git archive` of an
older commit, run with PYTHONPATH), so a change is measured against its
baseline in one run. Sources are byte-compiled first, as an install has them.
A report, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure

ROOT = Path(__file__).resolve().parent.parent
POST = "fixtures/demo/jekyll/2021-04-10-moving-the-blog.md"
BASELINE = "python -c pass"


def commands(empty: Path) -> list[tuple[str, list[str]]]:
    """copydesk rows as `python -m copydesk` arguments (one launcher for every source tree)."""
    return [
        ("copydesk --help", ["--help"]),
        ("copydesk lint EMPTY-FOLDER", ["lint", str(empty)]),
        (f"copydesk lint {POST}", ["lint", POST]),
    ]


def rounds_of(
    rows: list[tuple[str, list[str], dict[str, str] | None]], rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and CPU (user+sys) seconds per row and round; every round runs each
    row once, in order."""
    times: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    cpus: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    for _ in range(rounds):
        for name, command, env in rows:
            done = measure.run(command, cwd=ROOT, env=env)
            times[name].append(done.seconds)
            cpus[name].append(done.cpu_seconds)
    return times, cpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--src", type=Path, help="another copy of copydesk (DIR/src) to compare")
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "src", quiet=1)
    trees = [("", ROOT / "src")]
    if args.src is not None:
        compileall.compile_dir(args.src / "src", quiet=1)
        trees.append((f" [{args.src}]", args.src / "src"))
    with tempfile.TemporaryDirectory() as tmp:
        rows: list[tuple[str, list[str], dict[str, str] | None]] = [
            (BASELINE, [sys.executable, "-c", "pass"], None)
        ]
        for label, src in trees:
            env = {**os.environ, "PYTHONPATH": str(src)}
            for name, arguments in commands(Path(tmp)):
                rows.append((name + label, [sys.executable, "-m", "copydesk", *arguments], env))
        measure.run(rows[-1][1], cwd=ROOT, env=rows[-1][2])  # warm the file cache
        times, cpus = rounds_of(rows, args.rounds)
    report(times, cpus, args.rounds)
    return 0


def report(times: dict[str, list[float]], cpus: dict[str, list[float]], rounds: int) -> None:
    """Wall and its ratio to `python -c pass`, and CPU (user+sys): medians over the rounds."""
    base = times[BASELINE]
    print(f"start-up: median of {rounds} interleaved rounds (range), load {os.getloadavg()[0]:.2f}")
    print(f"{'command':<84} {'seconds':>8} {'x python':>9}  {'range':<9} {'CPU s':>6}")
    for name, walls in times.items():
        ratios = [wall / pass_wall for wall, pass_wall in zip(walls, base, strict=True)]
        print(
            f"{name:<84} {statistics.median(walls):>8.3f} {statistics.median(ratios):>9.1f}"
            f"  {min(ratios):.1f}-{max(ratios):<5.1f} {statistics.median(cpus[name]):>6.3f}"
        )
    for name, limit in (("copydesk --help", 0.1), (f"copydesk lint {POST}", 0.3)):
        wall = statistics.median(times[name])
        verdict = "PASS" if wall < limit else "FAIL"
        print(f"{verdict}: `{name}` under {limit} s wall ({wall:.3f} s)")


if __name__ == "__main__":
    sys.exit(main())
