"""Where does `copydesk lint --jobs 1` spend its time beyond the floor?

cProfile of `lint_paths(corpus, jobs=1)` in this process, summarised three ways:
own time per module (which package is hot), own time per function, and
cumulative time of copydesk functions (which step is hot, children included).
Absolute times are inflated by cProfile's overhead; shares are what to read.

    .venv/bin/python bench/profile_lint.py [--rules] [CORPUS]   (or bench_lint.py --profile)

`--rules`: only the per-rule CPU costs (`rule_costs`), without the cProfile.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TOP = 25


def short(filename: str) -> str:
    """`.../site-packages/mistune/inline_parser.py` -> `mistune/inline_parser.py`."""
    for marker in ("site-packages/", "/src/", "/lib/python3"):
        if marker in filename:
            tail = filename.split(marker, 1)[1]
            return tail.split("/", 1)[1] if marker == "/lib/python3" else tail
    return filename


def profile(corpus: Path) -> pstats.Stats:
    from copydesk.engine import lint_paths

    profiler = cProfile.Profile()
    profiler.enable()
    lint_paths([corpus], jobs=1)
    profiler.disable()
    return pstats.Stats(profiler)


def report(corpus: Path) -> None:
    stats = profile(corpus)
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_, _, tt, _, _) in entries.values())
    print(f"\nprofile of lint_paths(jobs=1): {total:.2f} s own time under cProfile")
    by_module: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, tt, _, _) in entries.items():
        by_module[short(filename)] += tt
    print("\nown time by module:")
    for module, tt in sorted(by_module.items(), key=lambda kv: -kv[1])[:TOP]:
        print(f"  {100 * tt / total:5.1f}%  {tt:6.2f} s  {module}")
    print("\nown time by function:")
    ranked = sorted(entries.items(), key=lambda kv: -kv[1][2])[:TOP]
    for (filename, line, name), (_, calls, tt, _, _) in ranked:
        print(
            f"  {100 * tt / total:5.1f}%  {tt:6.2f} s  {calls:>9}  {short(filename)}:{line} {name}"
        )
    print("\ncumulative time, copydesk functions:")
    ours = [kv for kv in entries.items() if "copydesk/" in kv[0][0]]
    for (filename, line, name), (_, calls, _, ct, _) in sorted(ours, key=lambda kv: -kv[1][3])[
        :TOP
    ]:
        print(
            f"  {100 * ct / total:5.1f}%  {ct:6.2f} s  {calls:>9}  {short(filename)}:{line} {name}"
        )


def rule_costs(corpus: Path) -> None:
    """CPU seconds each rule adds over a run with no real rule, parse excluded.

    Every file is parsed once up front and the engine's `parse_for` is
    replaced by a lookup, so `lint_paths(select=[code], jobs=1)` then costs discovery, the
    node walk, the rule itself and reporting. The baseline selects CD491
    (suppressions only), which does no work on these files; a rule that
    targets nodes also pays for the node walk (about 0.3 s here) that any
    first such rule would. Median of three runs per rule, in CPU seconds of
    this process (steadier than wall time on a machine shared with others).
    """
    import pickle
    import time

    from copydesk import engine, parse
    from copydesk.engine import lint_paths
    from copydesk.registry import load_registry

    original = engine.parse_for  # the engine parses through it, building what rules need
    parsed: dict[Path, bytes] = {}

    def lookup(
        path: Path, want: frozenset[str] | None, max_size: int | None = None, data: Any = None
    ) -> parse.ParsedFile:
        # Every run gets the same full tree (every node type built), so that a rule
        # is not charged for the node types it asks the parse for (the engine's own
        # signature: a lookup that took fewer arguments made every file an internal
        # error, and every rule look free). Kept pickled: each run gets a fresh tree,
        # without what earlier runs memoized on it; the baseline unpickles too.
        if path not in parsed:
            parsed[path] = pickle.dumps(original(path, None, max_size, data))
        fresh: parse.ParsedFile = pickle.loads(parsed[path])
        return fresh

    engine.parse_for = lookup
    try:

        def seconds(code: str) -> float:
            start = time.process_time()
            lint_paths([corpus], select=[code], jobs=1, cache=False)
            return time.process_time() - start

        def median(code: str) -> float:
            return sorted(seconds(code) for _ in range(3))[1]

        import copydesk.model  # noqa: F401  (pydantic: imported by the first finding, once)

        seconds("CD491")  # warm the site caches
        base = median("CD491")
        rules = load_registry().rules
        costs = {code: median(code) - base for code in rules}
    finally:
        engine.parse_for = original
    files = len(parsed)
    print(f"\nper-rule CPU cost over {files} parsed files (baseline {base:.2f} s without rules):")
    for code, cost in sorted(costs.items(), key=lambda kv: -kv[1])[:TOP]:
        print(f"  {code}  {cost:6.2f} s")
    print(f"  all rules together: {sum(costs.values()):.2f} s")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--rules"]  # --rules: the per-rule costs only
    folder = Path(arguments[0]) if arguments else ROOT / "bench" / "corpus"
    if "--rules" not in sys.argv:
        report(folder)
    rule_costs(folder)
