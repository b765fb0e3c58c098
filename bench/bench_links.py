"""How fast is `copydesk lint --online`, against the ideal for its limits?

Starts 20 local web servers (one child process, 127.0.0.1, one port each: 20
hosts), each answering every request after a delay (default 50 ms), and a
folder of posts linking 1,000 unique URLs spread over them. Then times, each
as its own child process:

- a cold run (`--online`, empty cache): the ideal is total latency divided by
  the requests in flight, min(concurrency, hosts x per-host); target 1.5x;
- a second, cached run of the same tree: target under 10% of the cold run.

Peak memory (max RSS of the lint process): target under 150 MiB. A report,
not a test: it always exits 0 and says PASS or FAIL next to each target.

Each round is a cold run then a cached run; the ratios are the medians over
`--rounds` (the range is printed), since one run on a shared machine can be
off by half. `--src DIR` times another copy of copydesk's sources (DIR/src,
e.g. `git archive` of an older commit) with the same servers and posts, so a
change can be measured against its baseline in one run: the trees take turns
within each round, and the cached run's CPU time (user+sys, steadier than wall
time on a loaded machine) is compared with this tree's of the same round.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
SERVERS = """
import sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
delay = float(sys.argv[1]); hosts = int(sys.argv[2])
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_HEAD(self):
        time.sleep(delay)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "0")
        self.end_headers()
    do_GET = do_HEAD
class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops connections: 1 s SYN retries
ports = []
for _ in range(hosts):
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ports.append(server.server_address[1])
print(" ".join(map(str, ports)), flush=True)
sys.stdin.read()
"""


def write_posts(folder: Path, ports: list[int], urls: int, per_post: int) -> None:
    for post in range(urls // per_post):
        lines = ["---", f"title: Post {post}", "date: 2024-01-01", "---", ""]
        for index in range(per_post):
            number = post * per_post + index
            port = ports[number % len(ports)]
            lines.append(f"- [page {number}](http://127.0.0.1:{port}/page/{number})")
        (folder / f"post-{post:04d}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds per answer")
    parser.add_argument("--per-host", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3, help="cold + cached runs, medians")
    parser.add_argument(
        "--src", type=Path, action="append", default=[], help="also time the copy in DIR/src"
    )
    args = parser.parse_args()
    compile_sources([ROOT, *args.src])
    servers = subprocess.Popen(
        [sys.executable, "-c", SERVERS, str(args.delay), str(args.hosts)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert servers.stdout is not None
    ports = [int(port) for port in servers.stdout.readline().split()]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_posts(folder, ports, args.urls, per_post=20)
            (folder / ".copydesk.toml").write_text(
                textwrap.dedent(f"""\
                    [links]
                    per-host = {args.per_host}
                    concurrency = {args.concurrency}
                    """),
                encoding="utf-8",
            )
            trees = [ROOT, *args.src]
            runs: dict[Path, Runs] = {root: Runs() for root in trees}
            for _ in range(args.rounds):  # interleaved: each round runs every tree
                for root in trees:
                    one_round(folder, root, runs[root])
            for root in trees:
                report(folder, args, root, runs[root], runs[ROOT])
    finally:
        servers.kill()
        servers.wait()
    return 0


def compile_sources(roots: list[Path]) -> None:
    """Byte-compile copydesk as a wheel install does (see bench_lint.py): with
    PYTHONDONTWRITEBYTECODE set, every start would compile it again."""
    import compileall

    for root in roots:
        compileall.compile_dir(root / "src", quiet=1)


@dataclass
class Runs:
    """One tree's measurements, a value per round."""

    colds: list[float] = field(default_factory=list)
    warms: list[float] = field(default_factory=list)
    warm_cpus: list[float] = field(default_factory=list)
    webs: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    summaries: tuple[str, str] = ("", "")


def one_round(folder: Path, root: Path, runs: Runs) -> None:
    """A cold run (empty cache), then a cached one, of the sources under ROOT."""
    # CD113 would also ask each http: URL's https twin: that is a second request
    # per URL to a server that cannot answer it, not what this row measures.
    command = [str(BIN / "copydesk"), "lint", "--online", "--jobs", "1"]
    command += ["--select", "CD111,CD112,CD114,CD210", "."]
    env = dict(os.environ)
    if root != ROOT:
        env["PYTHONPATH"] = str(root / "src")
    shutil.rmtree(folder / ".copydesk_cache", ignore_errors=True)
    cold = measure.run(command, cwd=folder, stderr=folder / "cold.err", env=env)
    warm = measure.run(command, cwd=folder, stderr=folder / "warm.err", env=env)
    runs.colds.append(cold.seconds)
    runs.warms.append(warm.seconds)
    runs.warm_cpus.append(warm.cpu_seconds)
    runs.peaks.append(max(cold.max_rss_mib, warm.max_rss_mib))
    summary = _summary(folder / "cold.err")
    found = re.search(r"requests in ([\d.]+) s", summary)
    runs.webs.append(float(found.group(1)) if found else float("nan"))
    runs.summaries = (summary, _summary(folder / "warm.err"))


def report(folder: Path, args: argparse.Namespace, root: Path, runs: Runs, this: Runs) -> None:
    """`this`: this tree's runs, for the cached run's CPU ratio per round."""
    in_flight = min(args.concurrency, args.hosts * args.per_host)
    ideal = args.urls * args.delay / in_flight
    colds, warms, webs = runs.colds, runs.warms, runs.webs
    shares = [warm / cold for warm, cold in zip(warms, colds, strict=True)]
    ratio = statistics.median(colds) / ideal
    web = statistics.median(webs) / ideal
    share = statistics.median(shares)
    peak = max(runs.peaks)
    print(
        f"links ({'this tree' if root == ROOT else root}): {args.urls} URLs, {args.hosts} hosts, "
        f"{args.delay * 1000:g} ms each, {in_flight} in flight (concurrency "
        f"{args.concurrency}, per-host {args.per_host}), median of {args.rounds} rounds, "
        f"load {os.getloadavg()[0]:.2f}"
    )
    print(
        f"  web stage   {statistics.median(webs):6.2f} s  ideal {ideal:.2f} s  ratio {web:.2f}x "
        f"[{min(webs) / ideal:.2f}-{max(webs) / ideal:.2f}]  {'PASS' if web <= 1.5 else 'FAIL'} "
        "(<= 1.5x)"
    )
    print(
        f"  cold run    {statistics.median(colds):6.2f} s  (whole command, start-up and parsing "
        f"included)  ratio {ratio:.2f}x to the ideal"
    )
    print(
        f"  cached run  {statistics.median(warms):6.2f} s  {share:.1%} of cold "
        f"[{min(shares):.1%}-{max(shares):.1%}]  {'PASS' if share < 0.10 else 'FAIL'} (< 10%)"
    )
    cpu = [mine / base for mine, base in zip(runs.warm_cpus, this.warm_cpus, strict=True)]
    print(
        f"  cached CPU  {statistics.median(runs.warm_cpus):6.3f} s user+sys  "
        f"{statistics.median(cpu):.2f}x this tree's, same round [{min(cpu):.2f}-{max(cpu):.2f}]"
    )
    print(f"  peak memory {peak:6.1f} MiB  {'PASS' if peak < 150 else 'FAIL'} (< 150 MiB)")
    for name, summary in zip(("cold", "warm"), runs.summaries, strict=True):
        print(f"  {name}: {summary or '(no summary)'}")


def _summary(path: Path) -> str:
    lines = [line for line in path.read_text().splitlines() if "links:" in line]
    return lines[-1] if lines else ""


if __name__ == "__main__":
    sys.exit(main())
