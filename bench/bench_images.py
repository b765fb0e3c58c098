"""How close does `migrate --download-images` come to the ideal wall time?

Serves 500 distinct images from 5 hosts (127.0.0.1 to 127.0.0.5, each its own
server) that answer after 50 ms, and downloads them all with copydesk's
downloader. The ideal is the total latency divided by the concurrency the
downloader allows (per host, and in all); target: within 1.5x of it.
Nothing leaves this machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path

LATENCY = 0.05
TARGET_RATIO = 1.5


class _Slow(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        time.sleep(LATENCY)
        body = self.path.encode("utf-8") * 50  # distinct bytes per image
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve_all(hosts: int, ports: Connection) -> None:
    """In a child process (its threads must not share the downloader's GIL)."""
    servers = []
    for n in range(hosts):
        server = ThreadingHTTPServer((f"127.0.0.{n + 1}", 0), _Slow)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    ports.send([server.server_address[1] for server in servers])
    ports.recv()  # until the parent is done


def main() -> int:
    from copydesk.web.images import Options, download

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=5)
    args = parser.parse_args()
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=_serve_all, args=(args.hosts, child), daemon=True)
    process.start()
    ports = parent.recv()
    urls = [
        f"http://127.0.0.{n % args.hosts + 1}:{ports[n % args.hosts]}/img/{n}.png"
        for n in range(args.images)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        options = Options(folder=Path(tmp), url_prefix="/images")
        start, cpu = time.perf_counter(), time.process_time()
        run = download(urls, options, {})
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    parent.send("done")
    process.join(timeout=5)
    failed = sum(bool(item.error) for item in run.fetched.values())
    concurrency = min(options.concurrency, options.per_host * args.hosts)
    ideal = args.images * LATENCY / concurrency
    ratio = wall / ideal
    verdict = "PASS" if ratio <= TARGET_RATIO and not failed else "FAIL"
    head = f"{'job':<10} {'images':>6} {'hosts':>5} {'wall s':>7} {'cpu s':>6} {'ideal s':>7}"
    print(f"{head} {'ratio':>6}  target")
    print(
        f"{'download':<10} {args.images:>6} {args.hosts:>5} {wall:>7.2f} {cpu:>6.2f} {ideal:>7.2f} "
        f"{ratio:>6.2f}  {verdict} (<= {TARGET_RATIO:g}x ideal; {failed} failed)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
