"""Asking web servers about links, politely (images are fetched by web/images.py).

Each unique URL is asked once per run. HEAD first, since most answers need
no body; GET when HEAD is refused or fails (405, 501, and servers that lie
to HEAD answer 404 or 403 there while the page works), and GET at once when
the page's ids are wanted for `#fragment` links. Redirects are followed here,
not by aiohttp, so that a permanent hop (301/308) is told from a temporary one
(302/303/307) and a loop is seen. A timeout, a 429 or a 5xx is retried with
exponential backoff that gives way to the server's `Retry-After`. At most
`concurrency` requests are in flight, `per-host` of them to one host, and a
host's `rate` spaces its requests.
"""

from __future__ import annotations

import asyncio
import email.utils
import socket
import ssl
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from aiohttp.resolver import DefaultResolver

from copydesk import __version__
from copydesk.web.outcome import Outcome, Status
from copydesk.web.settings import LinkSettings, header_value

if TYPE_CHECKING:
    from aiohttp.abc import ResolveResult

    from copydesk.web.settings import HostSettings

USER_AGENT = f"copydesk/{__version__} (link checker; +https://github.com/copydesk/copydesk)"
ACCEPT = "text/html,application/xhtml+xml,image/*;q=0.9,*/*;q=0.8"
REDIRECTS = frozenset((301, 302, 303, 307, 308))
PERMANENT = frozenset((301, 308))
# A page read for its ids stops here: ids past the first few MB are rare, memory is not.
MAX_BODY = 4 * 1024 * 1024
# Statuses that say "not for you", not "gone": logins, bot walls, LinkedIn's 999.
UNKNOWN_CODES = frozenset((401, 403, 429, 999))
# This many distinct host names failing to resolve, and not one resolving, is
# no network at all: the remaining URLs are not asked (without the network the
# rust blog's 1,129 lookups took 100 s, each failing in turn).
NO_NETWORK_AFTER = 8
NOT_ASKED = "not asked: no network"


@dataclass(frozen=True)
class Probe:
    """One URL (no fragment) and whether its page must be read for ids."""

    url: str
    body: bool = False


@dataclass
class _Answer:
    """One HTTP exchange, reduced to what classification reads."""

    code: int
    content_type: str | None = None
    location: str | None = None
    retry_after: float | None = None
    text: str | None = None


@dataclass
class _Failure:
    """No HTTP answer: why, and whether it means unknown (timeout) or dead."""

    status: Status
    reason: str


@dataclass
class Stats:
    """Requests actually sent, for the summary and the tests; URLs done so far;
    why the network looked absent ("" when it did not)."""

    requests: int = 0
    done: int = 0
    no_network: str = ""


class _NotLookedUp(socket.gaierror):
    """A lookup not made: the network looked absent by then."""


class _WatchedResolver(AbstractResolver):
    """aiohttp's resolver, counting the host names that fail to resolve and
    noting whether any resolved: how a run tells "no network" early. Until a
    name resolves, lookups wait rather than start past NO_NETWORK_AFTER
    (failed and running ones together; the resolver has about that many
    threads anyway), so that no more lookups are made, or waited for, when
    none will ever resolve."""

    def __init__(self, give_up: bool = True) -> None:
        self._resolver = DefaultResolver()
        self._give_up = give_up
        self._changed = asyncio.Condition()
        self._running = 0
        self.failed: dict[str, str] = {}  # host name -> why its lookup failed
        self.resolved = False

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if self.resolved or not self._give_up:
            return await self._resolver.resolve(host, port, family)
        async with self._changed:
            await self._changed.wait_for(self._may_start)
            if not self.resolved and self._running == 0 and self.no_network:
                raise _NotLookedUp(socket.EAI_AGAIN, NOT_ASKED)
            self._running += 1
        try:
            found = await self._resolver.resolve(host, port, family)
        except OSError as error:
            self.failed.setdefault(host.lower(), f"{host}: {error.strerror or error}")
            raise
        else:
            self.resolved = True
        finally:
            async with self._changed:
                self._running -= 1
                self._changed.notify_all()
        return found

    def _may_start(self) -> bool:
        """A lookup may start (or learn that none will): a name resolved, the
        first few are not all spent yet, or all of those failed."""
        spent = self._running + len(self.failed)
        return self.resolved or spent < NO_NETWORK_AFTER or self._running == 0

    async def close(self) -> None:
        await self._resolver.close()

    @property
    def no_network(self) -> bool:
        return not self.resolved and len(self.failed) >= NO_NETWORK_AFTER


@dataclass
class Checker:
    """One run's client state: the connection pool, the limits, the pacing."""

    settings: LinkSettings
    environ: Mapping[str, str]
    stats: Stats = field(default_factory=Stats)
    _client: aiohttp.ClientSession | None = None
    _slots: asyncio.Semaphore | None = None
    _host_slots: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    _next_start: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    _pace_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _clock: Callable[[], float] = time.time
    _tls: ssl.SSLContext | None = None
    _proxies: Mapping[str, Any] = field(default_factory=dict)
    _proxy_by_host: dict[tuple[str, str], Any] = field(default_factory=dict)
    # Host names (with scheme and port) whose lookup failed in this run, and how:
    # every other URL on them fails the same way without a request. Without the
    # network, each lookup costs ~0.2 s in one of aiohttp's few resolver threads:
    # the rust blog's 8,068 URLs on 511 hosts took 279 s to be found unreachable.
    _unresolved: dict[tuple[str, str], _Failure] = field(default_factory=dict)
    _resolver: _WatchedResolver | None = None
    _answered: bool = False  # some server answered: the network works, whatever the resolver says
    give_up: bool = True  # stop asking when the network looks absent (NO_NETWORK_AFTER)
    # Called once per URL as its outcome is known (a progress bar's advance).
    on_done: Callable[[], None] | None = None

    async def run(self, probes: Iterable[Probe]) -> dict[str, Outcome]:
        settings = self.settings
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=settings.connect_timeout, sock_read=settings.timeout
        )
        # Per-host limits are ours (per host and port, with pacing); the pool only caps the total.
        self._resolver = _WatchedResolver(self.give_up)
        connector = aiohttp.TCPConnector(
            limit=settings.concurrency, limit_per_host=0, resolver=self._resolver
        )
        self._proxies = _env_proxies()
        self._slots = asyncio.Semaphore(settings.concurrency)
        headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
        async with aiohttp.ClientSession(
            connector=connector,
            timeout=timeout,
            headers=headers,
            # Not trust_env: it reads ~/.netrc and the proxy variables in a thread for
            # every request (two thread hops each); _proxy reads them once per run.
            # Sites with big cookies send header lines past the 8 KB default.
            max_line_size=65536,
            max_field_size=65536,
        ) as client:
            self._client = client
            unique = {probe.url: probe for probe in probes}
            outcomes = await asyncio.gather(*(self._counted(probe) for probe in unique.values()))
            if self._no_network():
                failed = self._resolver.failed
                self.stats.no_network = failed[min(failed)]  # the same example every run
            else:  # a name resolved after all, later than the first failures: ask the rest
                not_asked = [unique[o.url] for o in outcomes if o.reason == NOT_ASKED]
                outcomes += await asyncio.gather(*(self.check(probe) for probe in not_asked))
        await self._resolver.close()  # the connector closes only a resolver it made
        return {outcome.url: outcome for outcome in outcomes}

    def _no_network(self) -> bool:
        resolver = self._resolver
        return self.give_up and resolver is not None and resolver.no_network and not self._answered

    async def _counted(self, probe: Probe) -> Outcome:
        outcome = await self.check(probe)
        self.stats.done += 1
        if self.on_done is not None:
            self.on_done()
        return outcome

    async def check(self, probe: Probe) -> Outcome:
        host = (urlsplit(probe.url).hostname or "").lower()
        if not host:
            return self._outcome(probe.url, "dead", reason="no host in URL")
        first = "GET" if probe.body else "HEAD"
        hops, answer = await self._follow(first, probe.url, probe.body)
        if first == "HEAD" and isinstance(answer, _Answer) and self._retry_with_get(answer):
            hops, answer = await self._follow("GET", probe.url, False)
        return self._classify(probe, hops, answer)

    def _retry_with_get(self, answer: _Answer) -> bool:
        """HEAD said no (405/501, or a lie: some servers 404 or 403 HEAD and serve GET),
        except "too many requests": asking again at once would be rude."""
        if answer.code == 429:
            return False
        return answer.code >= 400 or answer.content_type is None

    # --- one chain of redirects -----------------------------------------------

    async def _follow(
        self, method: str, url: str, body: bool
    ) -> tuple[list[tuple[int, str]], _Answer | _Failure]:
        """Requests from `url` along its redirects: the hops (status, target) and the end."""
        hops: list[tuple[int, str]] = []
        seen = {url}
        current = url
        while True:
            answer = await self._request(method, current, body)
            if not isinstance(answer, _Answer) or answer.code not in REDIRECTS:
                return hops, answer
            if not answer.location:
                return hops, answer
            target = urljoin(current, answer.location.strip())
            hops.append((answer.code, target))
            if target in seen:
                return hops, _Failure("dead", f"redirect loop back to '{target}'")
            if len(hops) > self.settings.max_redirects:
                return hops, _Failure("dead", f"more than {self.settings.max_redirects} redirects")
            seen.add(target)
            current = target
            if answer.code == 303:
                method = "GET"

    # --- one request, with retries --------------------------------------------

    async def _request(self, method: str, url: str, body: bool) -> _Answer | _Failure:
        settings = self.settings
        attempt = 0
        while True:
            answer = await self._send_limited(method, url, body)
            if attempt >= settings.retries or not _transient(answer):
                return answer
            delay = settings.retry_delay * 2**attempt
            if isinstance(answer, _Answer) and answer.retry_after is not None:
                if answer.retry_after > settings.max_retry_after:
                    return answer  # the server asks for longer than we wait: unknown
                delay = answer.retry_after
            await asyncio.sleep(delay)
            attempt += 1

    async def _send_limited(self, method: str, url: str, body: bool) -> _Answer | _Failure:
        parts = urlsplit(url)
        key = (parts.netloc or "").lower()
        name = (parts.scheme.lower(), key)
        slot = self._host_slots.get(key)
        if slot is None:
            slot = self._host_slots[key] = asyncio.Semaphore(self.settings.per_host)
        host = self.settings.host(parts.hostname or "")
        assert self._slots is not None
        async with slot, self._slots:
            known = self._unresolved.get(name)
            if known is not None:  # decided while this request waited for its slot
                return known
            if self._no_network():
                return _Failure("skipped", NOT_ASKED)
            if host is not None and host.rate > 0:
                await self._pace(key, host.rate)
            return await self._send(method, url, body, host, name)

    async def _pace(self, key: str, rate: float) -> None:
        """Space the starts of requests to one host by 1/rate seconds."""
        lock = self._pace_locks.setdefault(key, asyncio.Lock())
        async with lock:
            loop = asyncio.get_running_loop()
            now = loop.time()
            wait = self._next_start[key] - now
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_start[key] = max(now, self._next_start[key]) + 1 / rate

    async def _send(
        self,
        method: str,
        url: str,
        body: bool,
        host: HostSettings | None,
        name: tuple[str, str] = ("", ""),
    ) -> _Answer | _Failure:
        assert self._client is not None
        headers = self._extra_headers(host)
        proxy, proxy_auth = self._proxy(url)
        self.stats.requests += 1
        try:
            async with self._client.request(
                method,
                url,
                headers=headers,
                allow_redirects=False,
                ssl=self._tls_for(url),
                proxy=proxy,
                proxy_auth=proxy_auth,
            ) as response:
                self._answered = True
                return await self._read(response, body and method == "GET")
        except (TimeoutError, aiohttp.ServerTimeoutError):
            return _Failure("unknown", f"timeout after {self.settings.timeout:g} s")
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.os_error, _NotLookedUp):
                return _Failure("skipped", NOT_ASKED)
            failure = _Failure("dead", f"cannot connect: {_connect_reason(error)}")
            if isinstance(error.os_error, socket.gaierror) and not self._proxy(url)[0]:
                self._unresolved[name] = failure  # the name does not resolve: it will not
            return failure
        except (aiohttp.InvalidURL, ValueError) as error:
            return _Failure("dead", f"invalid URL: {_reason(error)}")
        except aiohttp.ClientError as error:
            return _Failure("unknown", f"{type(error).__name__}: {_reason(error)}")

    async def _read(self, response: aiohttp.ClientResponse, body: bool) -> _Answer:
        content_type = response.headers.get("Content-Type")
        answer = _Answer(
            code=response.status,
            content_type=content_type.split(";")[0].strip().lower() if content_type else None,
            location=response.headers.get("Location"),
            retry_after=_retry_after(response.headers.get("Retry-After"), self._clock()),
        )
        if body and response.status < 300 and _is_html(answer.content_type):
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.content.iter_chunked(65536):
                chunks.append(chunk)
                size += len(chunk)
                if size >= MAX_BODY:
                    break
            data = b"".join(chunks)
            encoding = response.charset or "utf-8"
            try:
                answer.text = data.decode(encoding, errors="replace")
            except LookupError:  # a charset Python does not know
                answer.text = data.decode("utf-8", errors="replace")
        return answer

    def _tls_for(self, url: str) -> ssl.SSLContext | bool:
        """The TLS context, made at the first https URL: loading the trusted
        certificates costs ~50 ms that a run of http links need not pay."""
        if url[:6].lower() != "https:":
            return True  # unused for plain http
        if self._tls is None:
            self._tls = tls_context(self.environ)
        return self._tls

    def _proxy(self, url: str) -> tuple[Any, Any]:
        """HTTP(S)_PROXY / NO_PROXY as curl and pip read them (and a proxy's
        credentials from ~/.netrc), looked up once per scheme and host."""
        if not self._proxies:
            return None, None
        parts = urlsplit(url)
        key = (parts.scheme.lower(), (parts.hostname or "").lower())
        if key not in self._proxy_by_host:
            from urllib.request import proxy_bypass

            info = self._proxies.get(key[0])
            self._proxy_by_host[key] = None if info is None or proxy_bypass(key[1]) else info
        info = self._proxy_by_host[key]
        return (info.proxy, info.proxy_auth) if info is not None else (None, None)

    def _extra_headers(self, host: HostSettings | None) -> dict[str, str]:
        if host is None or not host.headers:
            return {}
        headers: dict[str, str] = {}
        for name, template in host.headers:
            value = header_value(template, self.environ)
            if value is not None:
                headers[name] = value
        return headers

    # --- what it all means ----------------------------------------------------

    def _classify(
        self, probe: Probe, hops: list[tuple[int, str]], end: _Answer | _Failure
    ) -> Outcome:
        moved_to = _moved_to(hops)
        final_url = hops[-1][1] if hops else None
        if isinstance(end, _Failure):
            return self._outcome(probe.url, end.status, reason=end.reason, final_url=final_url)
        host = self.settings.host(urlsplit(final_url or probe.url).hostname or "")
        accepted = host.accept if host is not None else frozenset()
        code = end.code
        status: Status
        if 200 <= code < 300 or code in accepted:
            status, reason = ("redirected" if moved_to else "ok"), f"{code}"
        elif code in UNKNOWN_CODES:
            status, reason = "unknown", _unknown_reason(end)
        elif code >= 400:
            status, reason = "dead", _status_text(code)
        else:  # a 3xx without Location, 304, ...: not an answer we can judge
            status, reason = "unknown", f"unexpected {_status_text(code)}"
        anchors = None
        if probe.body and end.text is not None:
            from copydesk.web.anchors import html_ids

            anchors = html_ids(end.text)
        return self._outcome(
            probe.url,
            status,
            code=code,
            reason=reason,
            final_url=final_url,
            moved_to=moved_to,
            content_type=end.content_type,
            anchors=anchors,
        )

    def _outcome(self, url: str, status: Status, **fields: object) -> Outcome:
        return Outcome(url, status, checked=self._clock(), **fields)  # type: ignore[arg-type]


def _env_proxies() -> Mapping[str, Any]:
    """The proxies the environment names, by scheme (aiohttp reads them as
    `trust_env` would); empty, the usual case, when none is set."""
    from urllib.request import getproxies

    if not getproxies():
        return {}
    from aiohttp.helpers import proxies_from_env

    return proxies_from_env()


def tls_context(environ: Mapping[str, str]) -> ssl.SSLContext:
    """The system's trusted certificates, or SSL_CERT_FILE / SSL_CERT_DIR when set,
    read now (aiohttp's shared context is made once, when it is imported). Without
    either variable certifi's bundle is trusted too: some Python builds (macOS
    installers) find no system store, and every https link would look dead."""
    context = ssl.create_default_context()
    if not environ.get("SSL_CERT_FILE") and not environ.get("SSL_CERT_DIR"):
        try:
            import certifi
        except ImportError:
            return context
        context.load_verify_locations(certifi.where())
    return context


def _transient(answer: _Answer | _Failure) -> bool:
    """Worth asking again: a timeout or dropped connection, 429, or a server error."""
    if isinstance(answer, _Failure):
        return answer.status == "unknown"
    return answer.code == 429 or answer.code >= 500


def _moved_to(hops: list[tuple[int, str]]) -> str | None:
    """Where the leading permanent hops lead: the link's new home. A temporary
    hop ends the run (what follows it may change back)."""
    moved = None
    for code, target in hops:
        if code not in PERMANENT:
            break
        moved = target
    return moved


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a Retry-After header: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def _unknown_reason(answer: _Answer) -> str:
    text = _status_text(answer.code)
    if answer.code == 429 and answer.retry_after is not None:
        return f"{text} (Retry-After {answer.retry_after:g} s)"
    if answer.code in (403, 999):
        return f"{text} (the site may block link checkers)"
    return text


def _status_text(code: int) -> str:
    from http import HTTPStatus

    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _is_html(content_type: str | None) -> bool:
    return content_type in ("text/html", "application/xhtml+xml")


def _connect_reason(error: aiohttp.ClientConnectorError) -> str:
    """`example.org:443: Name or service not known`, not aiohttp's text, which
    holds the repr of the TLS context (`ssl:<ssl.SSLContext object at 0x...>`)."""
    cause = error.os_error
    why = cause.strerror or str(cause) or type(cause).__name__
    if isinstance(error, aiohttp.ClientProxyConnectionError):
        return f"proxy {error.host}:{error.port}: {why}"
    return f"{error.host}:{error.port}: {why}"


def _reason(error: Exception) -> str:
    return str(error) or type(error).__name__


def check_urls(
    probes: Iterable[Probe],
    settings: LinkSettings,
    environ: Mapping[str, str],
    on_done: Callable[[], None] | None = None,
    give_up: bool = True,
) -> tuple[dict[str, Outcome], Stats]:
    """Check every probe on the web; blocks until all have an outcome. With
    `give_up`, the URLs left when the network looks absent are not asked
    (their outcome's reason is NOT_ASKED; `Stats.no_network` says why)."""
    checker = Checker(settings, environ, on_done=on_done, give_up=give_up)
    outcomes = asyncio.run(checker.run(probes))
    return outcomes, checker.stats
