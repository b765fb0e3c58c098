"""Lint a checked-out public site and write a per-rule sample of findings to judge.

Precision is measured by hand: a person opens each sampled finding at its line
and decides, from what the site's generator would serve, whether it is true,
false or noise. This script does the mechanical part: it runs `copydesk lint`
with default settings (one job; the site is kept outside this repository),
counts findings per rule, and writes up to N findings per rule, drawn with a
fixed seed, each with its file:line, message and the lines around it.

    python bench/precision.py SITE_DIR [--per-rule 10] [--seed 16] [--out FILE]
                              [--context 2] [-- EXTRA LINT ARGS]

The sample file is Markdown: one section per rule, one numbered item per
finding with a `verdict:` line left blank for the judge (true / false / noise).
`--judged FILE` reads such a file back and prints precision per rule.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

_VERDICT = re.compile(r"^- verdict: *(true|false|noise)\b", re.IGNORECASE)
_RULE_HEADING = re.compile(r"^## (CD\d+)\b")
_COUNT_ROW = re.compile(r"^\| (CD\d+) \| (\d+) \|$")


def lint(site: Path, extra: list[str]) -> list[dict[str, Any]]:
    """Findings of `copydesk lint --format json --jobs 1 --no-cache .` run inside
    the site: the checkout is read-only material, so no lint cache is written
    into it (nor read from it: every run lints afresh)."""
    command = [
        *(sys.executable, "-m", "copydesk", "lint"),
        *("--format", "json", "--jobs", "1", "--no-cache"),
    ]
    result = subprocess.run(
        [*command, *extra, "."], cwd=site, capture_output=True, text=True, check=False
    )
    if result.returncode not in (0, 1):
        sys.exit(f"copydesk lint failed in {site} ({result.returncode}):\n{result.stderr}")
    findings: list[dict[str, Any]] = json.loads(result.stdout or "[]")
    return findings


def context_lines(site: Path, finding: dict[str, Any], around: int) -> str:
    """The finding's line and `around` lines either side, numbered, the line marked."""
    try:
        lines = (site / finding["path"]).read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError as error:
        return f"    (unreadable: {error})"
    line = int(finding["line"])
    first, last = max(1, line - around), min(len(lines), line + around)
    return "\n".join(
        f"    {'>' if n == line else ' '}{n:5} | {lines[n - 1][:200]}"
        for n in range(first, last + 1)
    )


def site_commit(site: Path) -> str:
    """The checkout's commit: from git, or from a COMMITS.txt ("owner+repo sha …") above it."""
    found = subprocess.run(
        ["git", "-C", str(site), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if found:
        return found
    for folder in site.parents:
        listing = folder / "COMMITS.txt"
        if listing.is_file():
            repo = site.relative_to(folder).parts[0]
            for line in listing.read_text(encoding="utf-8").split("\n"):
                if line.split()[:1] == [repo]:
                    return line.split()[1]
    return "unknown"


def sample(
    findings: list[dict[str, Any]], per_rule: int, seed: int
) -> dict[str, list[dict[str, Any]]]:
    """Up to `per_rule` findings of each code, drawn with one seeded generator."""
    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in findings:
        by_code[finding["code"]].append(finding)
    rng = random.Random(seed)
    picked = {}
    for code in sorted(by_code):
        group = by_code[code]
        chosen = rng.sample(group, min(per_rule, len(group)))
        picked[code] = sorted(chosen, key=lambda f: (f["path"], f["line"], f["column"]))
    return picked


def sample_report(site: Path, findings: list[dict[str, Any]], args: argparse.Namespace) -> str:
    counts = Counter(f["code"] for f in findings)
    commit = site_commit(site)
    out = [
        f"# Precision sample: {site.name}",
        "",
        f"commit: {commit}  findings: {len(findings)}  seed: {args.seed}",
        "",
        "| rule | findings |",
        "|---|---|",
        *(f"| {code} | {counts[code]} |" for code in sorted(counts)),
        "",
    ]
    for code, chosen in sample(findings, args.per_rule, args.seed).items():
        out += [f"## {code} ({len(chosen)} of {counts[code]})", ""]
        for n, finding in enumerate(chosen, 1):
            out += [
                f"{n}. `{finding['path']}:{finding['line']}:{finding['column']}` "
                f"{finding['message']}",
                "",
                context_lines(site, finding, args.context),
                "",
                "- verdict: ",
                "",
            ]
    return "\n".join(out)


def tally(judged: Path) -> str:
    """Precision per rule from a sample file whose verdict lines are filled in.

    The last row weighs each rule's sampled precision by its number of
    findings: the estimate of the share of all findings that are true.
    """
    verdicts: dict[str, Counter[str]] = defaultdict(Counter)
    found: dict[str, int] = {}
    code = ""
    for line in judged.read_text(encoding="utf-8").split("\n"):
        if count := _COUNT_ROW.match(line):
            found[count.group(1)] = int(count.group(2))
        elif heading := _RULE_HEADING.match(line):
            code = heading.group(1)
        elif verdict := _VERDICT.match(line):
            verdicts[code][verdict.group(1).lower()] += 1
    rows = [
        "| rule | findings | judged | true | false | noise | precision |",
        "|---|---|---|---|---|---|---|",
    ]
    total: Counter[str] = Counter()
    for code in sorted(verdicts):
        total.update(verdicts[code])
        rows.append(_row(code, found.get(code, 0), verdicts[code]))
    rows.append(_row("sampled", sum(found.values()), total))
    weighted = sum(
        found.get(code, 0) * counts["true"] / sum(counts.values())
        for code, counts in verdicts.items()
    )
    everything = sum(found.get(code, 0) for code in verdicts)
    estimate = f"{weighted / everything:.0%}" if everything else "-"
    rows.append(f"| all (weighted by findings) | {everything} | | | | | {estimate} |")
    return "\n".join(rows)


def _row(label: str, findings: int, counts: Counter[str]) -> str:
    judged = sum(counts.values())
    precision = f"{counts['true'] / judged:.0%}" if judged else "-"
    return (
        f"| {label} | {findings} | {judged} | {counts['true']} | {counts['false']} "
        f"| {counts['noise']} | {precision} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, nargs="?", help="the site's folder")
    parser.add_argument("--per-rule", type=int, default=10)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--context", type=int, default=2, help="lines either side")
    parser.add_argument("--out", type=Path, help="sample file (default: stdout)")
    parser.add_argument("--judged", type=Path, help="print precision from a judged sample")
    parser.add_argument("extra", nargs="*", help="after --: more `copydesk lint` arguments")
    args = parser.parse_args(argv)
    if args.judged:
        print(tally(args.judged))
        return 0
    if args.site is None:
        parser.error("SITE is required")
    site = args.site.resolve()
    findings = lint(site, args.extra)
    report = sample_report(site, findings, args)
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")
        counts = Counter(f["code"] for f in findings)
        print(f"{site.name}: {len(findings)} findings", dict(sorted(counts.items())))
    else:
        print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
