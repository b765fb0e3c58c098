"""How fast is `copydesk lint`, against the floor and against other linters?

Generates the deterministic corpus (bench/corpus.py: 2,000 posts, 1-20 KB),
or with `--tree DIR` takes an existing folder as it is (a real site: nothing
in it is written; the files are those `copydesk lint` discovers there), then
times, in one run and each as its own child process:

- floor: read + python-frontmatter + mistune parse, one process (bench/floor.py);
- the same floor split over 2 forked processes: what this machine gives
  perfectly parallel work, the yardstick for copydesk's `--jobs` speedup;
- `copydesk lint --jobs 1`, `copydesk lint` (default: all cores; its output must
  equal --jobs 1 byte for byte), `--jobs 2` when there are more than 2 cores, and
  `--jobs 1 --select CD105` (one cheap rule: what parsing alone costs copydesk);
- `pymarkdown scan` (pymarkdownlnt; installed into this venv with pip if missing),
  on an evenly spread subset (`--pymarkdown-files`), files/s extrapolated;
- markdownlint-cli2 through npx, when npx exists (installed into bench/.npm by
  an untimed warm-up run, then its own binary is timed);
- `copydesk lint ONE_SMALL_FILE` and `copydesk --help`, median wall of 5.

Memory: see bench/measure.py (exact per-process peak from wait4, sampled Pss
of the whole process tree). The result is a report, not a test: it always
exits 0 and says PASS or FAIL next to each target.
"""

from __future__ import annotations

import argparse
import dataclasses
import filecmp
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import measure
from floor import PLUGINS

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the venv's bin, not resolved through its symlink
NPM_CACHE = ROOT / "bench" / ".npm"
CORES = os.cpu_count() or 1
_PYMARKDOWN_FINDING = re.compile(r":\d+:\d+: MD\d{3}")
_SERVED_URL = re.compile(r"\]\(/(?:notes|hugo)/")
_ROOT_LINK = re.compile(r"\]\(/[\w-]")  # a real tree's served-URL link: `](/docs/x/)`
_MARKDOWNLINT_COUNT = re.compile(r"Linting: (\d+) file")


@dataclass(frozen=True)
class Row:
    """One timed tool: `files` it ran on, and the files/s it reached there."""

    tool: str
    files: int
    result: measure.Measurement
    note: str = ""
    output: Path | None = None

    @property
    def rate(self) -> float:
        return self.files / self.result.seconds


@dataclass
class Bench:
    """Where the corpus and the outputs live for one run."""

    corpus: Path
    files: list[Path]
    out: Path
    # A real tree (`--tree`): the floor reads the files copydesk discovers, listed here.
    listing: Path | None = None

    def rel(self, path: Path) -> str:
        """Relative to the repository (where the tools run) when inside it, else absolute."""
        text = os.path.relpath(path, ROOT)
        return str(path) if text.startswith("..") else text

    def lint(self, tool: str, extra: Sequence[str], folder: Path | None = None) -> Row:
        """`copydesk lint` on the corpus (cold: `--no-cache`), or on `folder` as given."""
        target = self.rel(folder) if folder is not None else self.rel(self.corpus)
        cold = ["--no-cache"] if folder is None else []
        command = [str(BIN / "copydesk"), "lint", target, "-q", *cold, *extra]
        name = re.sub(r"\W+", "_", tool)
        result = measure.run(
            command, cwd=ROOT, stdout=self.out / f"{name}.out", stderr=self.out / f"{name}.err"
        )
        output = self.out / f"{name}.out"
        return Row(tool, len(self.files), result, f"exit {result.returncode}", output)


# --- the tools ----------------------------------------------------------------------------


def floor_row(bench: Bench, processes: int = 1) -> Row:
    command = [sys.executable, str(ROOT / "bench" / "floor.py")]
    tool = "floor (read+frontmatter+mistune)"
    if processes > 1:
        command += ["--processes", str(processes)]
        tool = f"floor in {processes} processes"
    if bench.listing is not None:
        command += ["--list", str(bench.listing)]
    else:
        command.append(bench.rel(bench.corpus))
    result = measure.run(command, cwd=ROOT, stdout=bench.out / "floor.out")
    note = (bench.out / "floor.out").read_text().strip().removeprefix("floor: ")
    return Row(tool, len(bench.files), result, note)


def copydesk_rows(bench: Bench) -> list[Row]:
    rows = [bench.lint("copydesk lint --jobs 1", ["--jobs", "1"])]
    rows.append(bench.lint(f"copydesk lint (default, {CORES} cores)", []))
    if CORES > 2:
        rows.append(bench.lint("copydesk lint --jobs 2", ["--jobs", "2"]))
    rows.append(
        bench.lint("copydesk lint -j1 --select CD105", ["--jobs", "1", "--select", "CD105"])
    )
    return rows


def cache_rows(bench: Bench, round_number: int) -> dict[str, Row]:
    """The lint cache on a copy of the files (the tree itself is never written):
    filled by a first run, then a run with nothing changed and a run after one
    file's body changed (a line appended to the middle file, taken back after)."""
    work, cache = bench.out / "work", bench.out / "cache"
    if not work.exists():
        shutil.copytree(bench.corpus, work, symlinks=True)
    shutil.rmtree(cache, ignore_errors=True)
    options = ["--jobs", "1", "--cache-dir", str(cache)]
    rows = {"fill": bench.lint("lint -j1, cache filled", options, work)}
    rows["warm"] = bench.lint("lint -j1, cache warm, no change", options, work)
    changed = work / bench.files[len(bench.files) // 2].relative_to(bench.corpus)
    original = changed.read_bytes()
    changed.write_bytes(original + f"\nOne more line, round {round_number}.\n".encode())
    try:
        rows["one"] = bench.lint("lint -j1, cache warm, 1 file changed", options, work)
    finally:
        changed.write_bytes(original)
    size = sum(path.stat().st_size for path in cache.rglob("*") if path.is_file())
    rows["fill"] = dataclasses.replace(rows["fill"], note=f"cache {size / 1024:.0f} KiB")
    return rows


def ensure_pymarkdown() -> Path | None:
    script = BIN / "pymarkdown"
    if not script.exists():
        print("pymarkdownlnt is not installed: installing it into this venv with pip ...")
        done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pymarkdownlnt"])
        if done.returncode != 0 or not script.exists():
            print("  pip could not install pymarkdownlnt; skipping pymarkdown")
            return None
    return script


def pymarkdown_row(bench: Bench, count: int) -> Row | None:
    script = ensure_pymarkdown()
    if script is None:
        return None
    subset = spread(bench.files, count)
    command = [str(script), "--continue-on-error", "scan", *map(bench.rel, subset)]
    out, err = bench.out / "pymarkdown.out", bench.out / "pymarkdown.err"
    result = measure.run(command, cwd=ROOT, stdout=out, stderr=err)
    lines = out.read_text(errors="replace").splitlines() + err.read_text().splitlines()
    failures = sum(1 for line in lines if line.strip() and not _PYMARKDOWN_FINDING.search(line))
    note = f"exit {result.returncode}; {failures} error lines"
    if len(subset) < len(bench.files):
        note = f"subset {len(subset)}/{len(bench.files)}, files/s extrapolated; " + note
    return Row("pymarkdown scan", len(subset), result, note)


def spread(files: list[Path], count: int) -> list[Path]:
    """`count` files evenly spread over the sorted list, so every folder is represented."""
    if count >= len(files):
        return files
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


def markdownlint_row(bench: Bench) -> Row | None:
    npx = shutil.which("npx")
    if npx is None:
        print("npx not found: skipping markdownlint-cli2")
        return None
    env = {**os.environ, "npm_config_cache": str(NPM_CACHE), "npm_config_update_notifier": "false"}
    warm = [npx, "--yes", "markdownlint-cli2", bench.rel(bench.files[0])]
    print("warming up markdownlint-cli2 (npx install into bench/.npm, not timed) ...")
    if subprocess.run(warm, cwd=ROOT, env=env, capture_output=True, timeout=600).returncode > 1:
        print("  npx could not run markdownlint-cli2; skipping it")
        return None
    installed = sorted(NPM_CACHE.glob("_npx/*/node_modules/.bin/markdownlint-cli2"))
    command = [str(installed[0])] if installed else [npx, "--yes", "markdownlint-cli2"]
    out, err = bench.out / "markdownlint.out", bench.out / "markdownlint.err"
    result = measure.run([*command, "**/*.md"], cwd=bench.corpus, stdout=out, stderr=err, env=env)
    text = out.read_text(errors="replace") + err.read_text(errors="replace")
    counted = _MARKDOWNLINT_COUNT.search(text)
    files = int(counted.group(1)) if counted else len(bench.files)
    how = "own binary" if installed else "via npx"
    return Row("markdownlint-cli2", files, result, f"exit {result.returncode}; {how}")


# --- start-up -----------------------------------------------------------------------------


def startup_times(bench: Bench) -> list[tuple[str, float]]:
    """The first line is the target: the smallest post whose served-URL link
    (`/notes/x/`; in a real tree any `](/x`) makes copydesk build its site
    index, the realistic worst case (the smallest post when none has one)."""

    def size(path: Path) -> tuple[int, Path]:
        return path.stat().st_size, path

    served = _SERVED_URL if bench.listing is None else _ROOT_LINK
    linking = [p for p in bench.files if served.search(p.read_text(errors="replace"))]
    indexed = min(linking or bench.files, key=size)
    small = min(bench.files, key=size)
    demo = ROOT / "fixtures" / "demo" / "jekyll" / "2021-04-10-moving-the-blog.md"
    # The site's URL index is kept between runs, as in a repository (the untimed
    # first run fills it), but here outside the tree, which stays untouched.
    lint = [str(BIN / "copydesk"), "lint", "--cache-dir", str(bench.out / "hook-cache")]
    commands = [
        (
            f"lint 1 post with a served-URL link ({indexed.stat().st_size} B)",
            [*lint, str(indexed)],
        ),
        (f"lint the smallest post ({small.stat().st_size} B)", [*lint, str(small)]),
        (f"lint {bench.rel(demo)}", [*lint, bench.rel(demo)]),
        ("copydesk --help", [str(BIN / "copydesk"), "--help"]),
        ("python -c pass (interpreter alone)", [sys.executable, "-c", "pass"]),
    ]
    return [(name, measure.median_wall(command, cwd=ROOT)) for name, command in commands]


# --- report -------------------------------------------------------------------------------


def print_table(rows: list[Row], floor: Row) -> None:
    head = f"{'tool':<36} {'files':>5} {'seconds':>8} {'cpu s':>7} {'files/s':>8} {'x floor':>7}"
    print(f"{head} {'maxRSS':>7} {'treePss':>7}  note")
    for row in rows:
        pss = row.result.tree_pss_mib
        pss_text = f"{pss:7.1f}" if pss is not None else f"{'-':>7}"
        print(
            f"{row.tool:<36} {row.files:>5} {row.result.seconds:>8.2f} "
            f"{row.result.cpu_seconds:>7.2f} {row.rate:>8.1f} "
            f"{floor.rate / row.rate:>7.2f} {row.result.max_rss_mib:>7.1f} {pss_text}  {row.note}"
        )
    print(
        "seconds: wall, best of the rounds for the floor and copydesk (--rounds); "
        "cpu s: user+system of the whole process tree (wait4)."
    )
    print("x floor: wall time per file relative to the floor (1.00 = as fast as parsing alone).")
    print("maxRSS: peak of the largest single process, MiB (exact, wait4).")
    print("treePss: peak summed Pss of the process and its workers, MiB (sampled every 20 ms).")


def check(label: str, ok: bool, value: str) -> tuple[str, bool]:
    print(f"  [{'PASS' if ok else 'FAIL'}] {label}: {value}")
    return label, ok


def print_checks(
    bench: Bench,
    rows: dict[str, Row],
    rounds: list[dict[str, Row]],
    startup: list[tuple[str, float]],
) -> list[tuple[str, bool]]:
    one, every = rows["jobs1"], rows["default"]
    floor_ratio = paired(rounds, "jobs1", "floor")
    results = [
        check(
            "lint --jobs 1 within 1.5x of the floor",
            floor_ratio.median <= 1.5,
            f"{floor_ratio} wall, {paired(rounds, 'jobs1', 'floor', cpu=True)} cpu",
        ),
    ]
    assert one.output is not None and every.output is not None
    same = filecmp.cmp(one.output, every.output, shallow=False)
    if not same:
        show_difference(one.output, every.output)
    results.append(
        check(
            f"output of --jobs {CORES} identical to --jobs 1",
            same,
            "identical" if same else "DIFFERS",
        )
    )
    two = "jobs2" if CORES > 2 else "default" if CORES == 2 else None
    if two is not None:
        speedup = paired(rounds, "jobs1", two)
        ceiling = paired(rounds, "floor", "floor2")
        results.append(
            check(
                "2 cores at least 1.7x faster than 1",
                speedup.median >= 1.7,
                f"{speedup}; the floor itself gains {ceiling} from 2 processes here, so "
                f"copydesk reaches {speedup.median / ceiling.median:.0%} of what the machine gives",
            )
        )
        share = Paired([s / c for s, c in zip(speedup.values, ceiling.values, strict=True)])
        results.append(
            check(
                "2 cores reach at least 90% of the floor's own 2-process speedup",
                share.median >= 0.9,
                f"{share.median:.0%} (median of per-round shares, "
                f"{min(share.values):.0%}-{max(share.values):.0%})",
            )
        )
    else:
        print(f"  [SKIP] 2 cores at least 1.7x faster than 1: this machine has {CORES} core")
    if "pymarkdown" in rows:
        ratio = one.rate / rows["pymarkdown"].rate
        results.append(
            check("lint --jobs 1 at least 10x faster than pymarkdown", ratio >= 10, f"{ratio:.1f}x")
        )
    warm, changed = paired(rounds, "warm", "jobs1"), paired(rounds, "one", "jobs1")
    warm_cpu, changed_cpu = (
        paired(rounds, "warm", "jobs1", cpu=True),
        paired(rounds, "one", "jobs1", cpu=True),
    )
    results.append(
        check(
            "warm cache, nothing changed, at most 10% of cold --jobs 1",
            warm.median <= 0.1,
            f"{warm} wall, {warm_cpu} cpu",
        )
    )
    results.append(
        check(
            "warm cache, one file changed, at most 15% of cold --jobs 1",
            changed.median <= 0.15,
            f"{changed} wall, {changed_cpu} cpu",
        )
    )
    markdown = sum(path.stat().st_size for path in bench.files)
    cache_size = rows["fill"].note.removeprefix("cache ").removesuffix(" KiB")
    share = float(cache_size) * 1024 / markdown
    results.append(
        check(
            "cache on disk under 2x the Markdown",
            share < 2,
            f"{share:.2f}x of {markdown / 1024:.0f} KiB",
        )
    )
    peak = max(one.result.max_rss_mib, every.result.tree_pss_mib or every.result.max_rss_mib)
    results.append(
        check(
            "peak memory under 100 MiB (jobs 1 maxRSS, default-jobs tree Pss)",
            peak < 100,
            f"{one.result.max_rss_mib:.1f} / {every.result.tree_pss_mib or 0:.1f} MiB",
        )
    )
    small_name, small_wall = startup[0]
    results.append(
        check(f"`{small_name}` under 0.3 s wall", small_wall < 0.3, f"{small_wall:.3f} s")
    )
    return results


def show_difference(first: Path, second: Path) -> None:
    import difflib

    lines = difflib.unified_diff(
        first.read_text().splitlines(), second.read_text().splitlines(), "jobs 1", "jobs N", n=0
    )
    print("\n".join(f"    {line}" for line in list(lines)[:12]))


# --- main ---------------------------------------------------------------------------------


def compile_sources() -> None:
    """Byte-compile copydesk as a wheel install does. The venv's install is
    editable, and with PYTHONDONTWRITEBYTECODE set (as on this machine)
    Python would compile every copydesk module again at each start, about
    65 ms that a user's installed copy never pays."""
    import compileall

    compileall.compile_dir(ROOT / "src", quiet=1)


def check_floor_config() -> None:
    from copydesk import parse

    if tuple(parse._PLUGINS) != PLUGINS:
        print(f"WARNING: floor plugins {PLUGINS} differ from copydesk.parse {parse._PLUGINS}")


def collect(bench: Bench, args: argparse.Namespace) -> tuple[dict[str, Row], list[dict[str, Row]]]:
    rounds = run_rounds(bench, args.rounds)
    rows = fastest(rounds)
    if not args.no_pymarkdown and (row := pymarkdown_row(bench, args.pymarkdown_files)):
        rows["pymarkdown"] = row
    if not args.no_markdownlint and (row := markdownlint_row(bench)):
        rows["markdownlint"] = row
    return rows, rounds


def run_rounds(bench: Bench, rounds: int) -> list[dict[str, Row]]:
    """The floor and copydesk, run back to back, `rounds` times.

    A shared machine speeds up and slows down over seconds to minutes (here
    the floor alone has taken anywhere from 3.2 to 5.0 s). Runs that are
    compared sit next to each other in a round: floor, --jobs 1, all cores,
    floor in 2 processes; each ratio is then taken within a round and the
    median over rounds reported (see `Paired`).
    """
    found = []
    for _ in range(max(1, rounds)):
        this = {"floor": floor_row(bench)}
        lint_rows = copydesk_rows(bench)
        this["jobs1"], this["default"] = lint_rows[0], lint_rows[1]
        if CORES > 2:
            this["jobs2"] = lint_rows[2]
        if CORES >= 2:
            this["floor2"] = floor_row(bench, processes=2)
        this["select"] = lint_rows[-1]
        this.update(cache_rows(bench, len(found)))
        found.append(this)
    return found


def fastest(rounds: list[dict[str, Row]]) -> dict[str, Row]:
    """Each tool's fastest run: the table's figures."""
    return {
        key: min((r[key] for r in rounds), key=lambda row: row.result.seconds) for key in rounds[0]
    }


@dataclass(frozen=True)
class Paired:
    """How much slower `slow` ran than `fast`, taken within each round."""

    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def __str__(self) -> str:
        if len(self.values) == 1:
            return f"{self.values[0]:.2f}x"
        low, high = min(self.values), max(self.values)
        return f"{self.median:.2f}x (median of {len(self.values)} rounds, {low:.2f}-{high:.2f})"


def paired(rounds: list[dict[str, Row]], slow: str, fast: str, cpu: bool = False) -> Paired:
    def seconds(row: Row) -> float:
        return row.result.cpu_seconds if cpu else row.result.seconds

    return Paired([seconds(r[slow]) / seconds(r[fast]) for r in rounds])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000, help="corpus size (default 2000)")
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument(
        "--corpus",
        type=Path,
        metavar="DIR",
        help="build the corpus here and keep it; DIR must be new or empty (default: a "
        "temporary folder, removed after; inside the repository it would join the "
        "repository's own site for link checks)",
    )
    parser.add_argument(
        "--tree",
        type=Path,
        metavar="DIR",
        help="time an existing folder (a real site) instead of the generated corpus; "
        "nothing in it is written",
    )
    parser.add_argument(
        "--pymarkdown-files",
        type=int,
        default=400,
        metavar="N",
        help="run pymarkdown on N evenly spread files and extrapolate files/s (default 400)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        metavar="N",
        help="run the floor and copydesk N times in turn; the table shows each one's best, "
        "the targets the median of ratios taken within a round (default 5)",
    )
    parser.add_argument("--no-pymarkdown", action="store_true")
    parser.add_argument("--no-markdownlint", action="store_true")
    parser.add_argument("--profile", action="store_true", help="also cProfile lint --jobs 1")
    return parser.parse_args(argv)


def tree_files(tree: Path) -> list[Path]:
    """The files `copydesk lint TREE` lints (its own discovery: excludes, ignores)."""
    from copydesk.config import ConfigFinder
    from copydesk.engine import discover

    return sorted(discover([tree], ConfigFinder(None)))


def prepare(args: argparse.Namespace, tmp: Path) -> Bench | None:
    """The folder to time and its files: an existing tree, or a corpus built now."""
    (tmp / "out").mkdir()
    if args.tree is not None:
        if not args.tree.is_dir():
            print(f"bench_lint.py: {args.tree}: not a folder", file=sys.stderr)
            return None
        folder = args.tree.resolve()
        files = tree_files(folder)
        listing = tmp / "files.txt"
        listing.write_text("".join(f"{path}\n" for path in files))
        size = sum(p.stat().st_size for p in files) / 1024
        print(f"tree: {len(files)} Markdown files copydesk lints, {size:.0f} KiB, in {folder}")
        return Bench(folder, files, tmp / "out", listing)
    folder = args.corpus or tmp / "corpus"
    try:
        files = corpus.build_corpus(folder, args.files, args.seed)
    except FileExistsError as error:
        print(f"bench_lint.py: {error}", file=sys.stderr)
        return None
    size = sum(p.stat().st_size for p in files) / 1024
    print(f"corpus: {len(files)} posts, {size:.0f} KiB, seed {args.seed}, in {folder}")
    return Bench(folder, sorted(files), tmp / "out")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.tree is not None and args.corpus is not None:
        print("bench_lint.py: --tree and --corpus exclude each other", file=sys.stderr)
        return 2
    check_floor_config()
    compile_sources()
    with tempfile.TemporaryDirectory(prefix="copydesk-bench-") as tmp:
        bench = prepare(args, Path(tmp))
        if bench is None:
            return 2
        folder = bench.corpus
        load = os.getloadavg()[0]
        busy = "  (busy: other processes distort --jobs speedups)" if load > 0.5 else ""
        print(f"machine: {CORES} cores, load {load:.2f}, Python {sys.version.split()[0]}{busy}")
        rows, rounds = collect(bench, args)
        startup = startup_times(bench)
        print()
        print_table(list(rows.values()), rows["floor"])
        print()
        for name, seconds in startup:
            print(f"{name:<60} {seconds:6.3f} s wall (median of 5)")
        print("\ntargets:")
        results = print_checks(bench, rows, rounds, startup)
        missed = [label for label, ok in results if not ok]
        print(f"\n{len(results) - len(missed)} of {len(results)} targets met.")
        if args.profile:
            import profile_lint

            profile_lint.report(folder)
            profile_lint.rule_costs(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
