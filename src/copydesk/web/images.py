"""Images brought home: `migrate --download-images DIR` fetches the old platform's images.

The only part of migrate that uses the network, and only when asked. Each
unique URL is fetched once (aiohttp: a C HTTP parser, little CPU a request),
concurrently with a per-host limit, with timeouts and retries with backoff
(timeouts, 429 and 5xx). Where the
platform encodes a size in the URL (Medium's `/max/800/`, WordPress's
`-1024x683.jpg`) the largest variant is asked for first and the URL as
written is the fallback. A file is saved under a stable, URL-safe name made
from the URL (no `*`, spaces or `%`), written atomically; identical bytes
under two URLs are stored once. A manifest (old URL -> local path, bytes,
sha256) lets a re-run skip every image already there and identical.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from copydesk.errors import CopydeskError

if TYPE_CHECKING:
    from copydesk.write import Writer

# Hosts whose images belong to the old platform (the blog's own `wp-content/uploads`
# is recognised by its path, on any host); --image-hosts adds more.
PLATFORM_HOSTS = frozenset({"cdn-images-1.medium.com", "miro.medium.com"})
_WP_UPLOADS = "/wp-content/uploads/"
_WP_SIZE = re.compile(r"-\d{2,5}x\d{2,5}(?=\.[A-Za-z0-9]+$)")
_MEDIUM_MAX = re.compile(r"/max/\d+/")
_MIRO_RESIZE = re.compile(r"/v2/resize:[a-z]+:\d+(?::\d+)?/")
_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_IMAGE_URL = re.compile(r"https?://[^\s)\"'<>\]]+")
RETRIED = frozenset({408, 429, 500, 502, 503, 504})
MAX_IMAGE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Options:
    folder: Path  # where files go (DIR)
    url_prefix: str  # how posts refer to DIR (`static/images` -> `/images`)
    hosts: frozenset[str] = PLATFORM_HOSTS
    per_host: int = 4
    concurrency: int = 16
    timeout: float = 15.0
    retries: int = 3
    backoff: float = 0.5


@dataclass
class Fetched:
    """One URL's outcome: a local path, or the reason it stays remote."""

    url: str
    path: str = ""  # URL path the posts use, e.g. /images/1-abc.jpeg
    file: str = ""  # file name inside DIR
    size: int = 0
    sha256: str = ""
    error: str = ""
    downloaded: bool = False
    duplicate: bool = False  # the same bytes as another URL's file, which it shares


@dataclass
class Run:
    """Outcomes by URL, and counts for the summary."""

    fetched: dict[str, Fetched] = field(default_factory=dict)
    requests: int = 0

    def summary(self) -> str:
        values = list(self.fetched.values())
        new = sum(item.downloaded for item in values)
        same = sum(item.duplicate for item in values)
        kept = sum(not (item.error or item.downloaded or item.duplicate) for item in values)
        failed = sum(bool(item.error) for item in values)
        return (
            f"images: {new} downloaded, {same} same as another URL, {kept} already there, "
            f"{failed} failed"
        )


def url_prefix(folder: Path) -> str:
    """The URL path a site serves DIR at, DIR being relative to the site's root (the
    current folder): Hugo's `static/` and `public/` are served at the root."""
    if folder.is_absolute() and folder.resolve().is_relative_to(Path.cwd().resolve()):
        folder = folder.resolve().relative_to(Path.cwd().resolve())
    parts = [part for part in PurePosixPath(folder.as_posix()).parts if part not in (".", "/")]
    for root in ("static", "public"):
        if root in parts:
            parts = parts[parts.index(root) + 1 :]
            break
    return "/" + "/".join(parts) if parts else ""


def is_platform_image(url: str, hosts: frozenset[str]) -> bool:
    split = urlsplit(url)
    if split.scheme not in ("http", "https"):
        return False
    return split.hostname in hosts or _WP_UPLOADS in split.path


def largest(url: str) -> str:
    """The largest variant the platform serves for `url` (the same URL when it encodes none)."""
    split = urlsplit(url)
    host = split.hostname or ""
    if host == "cdn-images-1.medium.com":
        return _MEDIUM_MAX.sub("/max/4800/", url, count=1)
    if host == "miro.medium.com":
        return _MIRO_RESIZE.sub("/v2/", url, count=1)
    if _WP_UPLOADS in split.path:
        path = _WP_SIZE.sub("", split.path)
        return split._replace(path=path).geturl()
    return url


def local_name(url: str) -> str:
    """A stable, URL-safe file name for `url`: its own name, tidied, plus a short hash."""
    split = urlsplit(url)
    name = unquote(PurePosixPath(split.path).name).lower()
    stem, dot, suffix = name.rpartition(".")
    if not dot or not re.fullmatch(r"[a-z0-9]{1,5}", suffix):
        stem, suffix = name, ""
    stem = _UNSAFE.sub("-", stem).strip("-.")[:60] or "image"
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]
    return f"{stem}-{digest}" + (f".{suffix}" if suffix else "")


def image_urls(text: str, hosts: frozenset[str]) -> list[str]:
    """The platform's image URLs in a post's text, in order, each once."""
    found = (match[0] for match in _IMAGE_URL.finditer(text))
    return list(dict.fromkeys(url for url in found if is_platform_image(url, hosts)))


# ---------------------------------------------------------------- manifest


def load_manifest(path: Path) -> dict[str, Fetched]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = data.get("images", []) if isinstance(data, dict) else []
    known = {}
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("url"), str):
            known[entry["url"]] = Fetched(
                url=entry["url"],
                path=str(entry.get("path", "")),
                file=str(entry.get("file", "")),
                size=int(entry.get("bytes", 0)),
                sha256=str(entry.get("sha256", "")),
            )
    return known


def write_manifest(path: Path, run: Run) -> None:
    from copydesk.write import write_atomic

    entries = [
        {
            "url": item.url,
            "path": item.path,
            "file": item.file,
            "bytes": item.size,
            "sha256": item.sha256,
        }
        if not item.error
        else {"url": item.url, "error": item.error}
        for item in sorted(run.fetched.values(), key=lambda item: item.url)
    ]
    write_atomic(path, json.dumps({"images": entries}, indent=2) + "\n")


# ---------------------------------------------------------------- fetching


def download(urls: Iterable[str], options: Options, manifest: dict[str, Fetched]) -> Run:
    """Fetch every URL not already present and identical; never raises for one URL."""
    run = Run()
    wanted = list(dict.fromkeys(urls))
    missing = []
    for url in wanted:
        known = manifest.get(url)
        if known is not None and known.file and _present(options.folder / known.file, known):
            run.fetched[url] = known
        else:
            missing.append(url)
    if missing:
        asyncio.run(_fetch_all(missing, options, run))
        _share_duplicates(run, missing, options.folder)
    return run


def _share_duplicates(run: Run, fetched: list[str], folder: Path) -> None:
    """Identical bytes under several URLs: all use the file of the first URL in sort order
    (so the name does not depend on which download finished first); the others' files,
    just written by this run, are removed."""
    groups: dict[str, list[Fetched]] = {}
    for url in sorted(fetched):
        item = run.fetched[url]
        if not item.error:
            groups.setdefault(item.sha256, []).append(item)
    for items in groups.values():
        first = items[0]
        for item in items[1:]:
            if item.file != first.file:
                if item.downloaded:
                    (folder / item.file).unlink(missing_ok=True)
                item.path, item.file = first.path, first.file
            item.downloaded, item.duplicate = False, True


def _present(path: Path, known: Fetched) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return len(data) == known.size and hashlib.sha256(data).hexdigest() == known.sha256


async def _fetch_all(urls: list[str], options: Options, run: Run) -> None:
    from concurrent.futures import ThreadPoolExecutor

    import aiohttp

    from copydesk.write import Writer

    # Files are written by a few threads sharing one Writer (which is thread-safe): an
    # atomic write waits for the disk (fsync) without stopping the downloads.
    disk = ThreadPoolExecutor(max_workers=4, thread_name_prefix="copydesk-images")
    writer = Writer()
    loop = asyncio.get_running_loop()

    async def save(url: str, data: bytes) -> Fetched:
        return await loop.run_in_executor(disk, _save, url, data, options, writer)

    timeout = aiohttp.ClientTimeout(total=options.timeout)
    connector = aiohttp.TCPConnector(limit=options.concurrency, limit_per_host=0)
    hosts: dict[str, asyncio.Semaphore] = {}
    # The connector's own `limit` is not a bound on requests in flight: with kept-alive
    # connections to several hosts, 20 went out at once where 16 were asked.
    overall = asyncio.Semaphore(options.concurrency)
    headers = {"User-Agent": "copydesk (migrate --download-images)"}
    async with aiohttp.ClientSession(
        timeout=timeout, connector=connector, headers=headers
    ) as session:

        async def one(url: str) -> None:
            host = urlsplit(url).hostname or ""
            gate = hosts.setdefault(host, asyncio.Semaphore(options.per_host))
            async with gate, overall:  # the host's turn first: no slot held waiting for it
                data, error = await _fetch(session, url, options, run)
            if data is None:  # saved outside the gate: the disk never holds up a host
                run.fetched[url] = Fetched(url=url, error=error)
                return
            try:
                run.fetched[url] = await save(url, data)
            except (OSError, CopydeskError) as refused:
                run.fetched[url] = Fetched(url=url, error=f"not saved: {refused}")

        try:
            await asyncio.gather(*(one(url) for url in urls))
        finally:
            disk.shutdown(wait=True)


async def _fetch(session: object, url: str, options: Options, run: Run) -> tuple[bytes | None, str]:
    """The bytes of the largest variant, else of the URL as written; else why not."""
    candidates = list(dict.fromkeys([largest(url), url]))
    error = ""
    for candidate in candidates:
        data, error = await _get(session, candidate, options, run)
        if data is not None:
            return data, ""
    return None, error


async def _get(session: object, url: str, options: Options, run: Run) -> tuple[bytes | None, str]:
    """The body of a 200 answer (redirects followed), retrying what may pass next time."""
    import aiohttp

    assert isinstance(session, aiohttp.ClientSession)
    reason = ""
    for attempt in range(options.retries + 1):
        if attempt:
            await asyncio.sleep(options.backoff * 2 ** (attempt - 1))
        run.requests += 1
        try:
            async with session.get(url) as response:
                status = response.status
                if status == 200:
                    return await _body(response)
        except (TimeoutError, aiohttp.ServerTimeoutError):
            reason = f"timeout after {options.timeout:g} s"
            continue
        except aiohttp.ClientError as error:
            reason = f"{type(error).__name__}: {error}"
            continue
        reason = f"HTTP {status}"
        if status not in RETRIED:
            break
    return None, reason


async def _body(response: object) -> tuple[bytes | None, str]:
    import aiohttp

    assert isinstance(response, aiohttp.ClientResponse)
    chunks, size = [], 0
    async for chunk in response.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > MAX_IMAGE_BYTES:
            return None, f"larger than {MAX_IMAGE_BYTES} bytes"
        chunks.append(chunk)
    return b"".join(chunks), ""


def _save(url: str, data: bytes, options: Options, writer: Writer) -> Fetched:
    """Write the image under its stable name (identical bytes already there: not rewritten)."""
    digest = hashlib.sha256(data).hexdigest()
    name = local_name(url)
    wrote = writer.write(options.folder / name, data, root=options.folder)
    return Fetched(url, f"{options.url_prefix}/{name}", name, len(data), digest, downloaded=wrote)
