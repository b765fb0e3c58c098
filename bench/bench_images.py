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
import time
from multiprocessing.connection import Connection
from pathlib import Path

LATENCY = 0.05
TARGET_RATIO = 1.5


def _serve_all(hosts: int, ports: Connection) -> None:
    """In a child process (so it does not share the downloader's GIL): one aiohttp server
    per host on one event loop. Each answer waits LATENCY on a timer, not in a thread:
    a thread-per-connection server needs CPU per request and, on a loaded machine,
    answered in 90 ms instead of 50 (that was measured, not the downloader)."""
    import asyncio

    from aiohttp import web

    busy = {"now": 0, "most": 0}  # requests being answered: checks the client's limits

    async def answer(request: web.Request) -> web.Response:
        busy["now"] += 1
        busy["most"] = max(busy["most"], busy["now"])
        await asyncio.sleep(LATENCY)
        busy["now"] -= 1
        body = request.path.encode("utf-8") * 50  # distinct bytes per image
        return web.Response(body=body, content_type="image/png")

    async def serve() -> None:
        app = web.Application()
        app.router.add_get("/{path:.*}", answer)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        found = []
        for n in range(hosts):
            site = web.TCPSite(runner, f"127.0.0.{n + 1}", 0)
            await site.start()
            server = site._server
            assert server is not None
            found.append(server.sockets[0].getsockname()[1])
        ports.send(found)
        loop = asyncio.get_running_loop()
        while await loop.run_in_executor(None, ports.recv) == "most":  # until "done"
            ports.send(busy["most"])
            busy["most"] = 0
        await runner.cleanup()

    asyncio.run(serve())


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
        run = download(urls, options, {})  # aiohttp's import (~0.3 s) is inside, as in migrate
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    parent.send("most")
    most = parent.recv()
    floor, floor_cpu = _floor(urls, options.concurrency, options.per_host)
    parent.send("most")
    floor_most = parent.recv()
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
        f"{ratio:>6.2f}  {verdict} (<= {TARGET_RATIO:g}x ideal; {failed} failed; "
        f"{wall / floor:.2f}x the floor; at most {most} at once)"
    )
    print(
        f"{'floor':<10} {args.images:>6} {args.hosts:>5} {floor:>7.2f} {floor_cpu:>6.2f} "
        f"{ideal:>7.2f} {floor / ideal:>6.2f}  (bare aiohttp GETs, same limits, nothing saved; "
        f"at most {floor_most} at once)"
    )
    return 0


def _floor(urls: list[str], concurrency: int, per_host: int) -> tuple[float, float]:
    """The same requests with a bare aiohttp client under the same limits: what this
    machine and server allow, so that the downloader's own cost can be told apart."""
    import asyncio
    from urllib.parse import urlsplit

    import aiohttp

    async def fetch_all() -> None:
        gates: dict[str, asyncio.Semaphore] = {}
        overall = asyncio.Semaphore(concurrency)
        connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def one(url: str) -> None:
                gate = gates.setdefault(urlsplit(url).netloc, asyncio.Semaphore(per_host))
                async with gate, overall, session.get(url + "?floor") as response:
                    await response.read()

            await asyncio.gather(*(one(url) for url in urls))

    start, cpu = time.perf_counter(), time.process_time()
    asyncio.run(fetch_all())
    return time.perf_counter() - start, time.process_time() - cpu


if __name__ == "__main__":
    sys.exit(main())
