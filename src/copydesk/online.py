"""The online stage of a lint run (`lint --online`): remote links, checked once.

Workers collect every remote URL a file uses (`remote_uses`, with exact
positions); after the per-file and project stages, the main process takes
the union over all files, asks the link cache which answers still hold,
asks the web (`copydesk.web.client`) about the rest in one asynchronous
batch, saves the cache, and hands each web rule the uses and the answers.
So a URL used in 300 posts costs one request per run, or none when cached.

Offline runs import none of this module; the web half (aiohttp) is loaded
only when a URL must be asked.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from copydesk.config import Config
    from copydesk.parse import Node, ParsedFile
    from copydesk.rules.base import Rule, Violation
    from copydesk.web.cache import LinkCache, Quarantine
    from copydesk.web.options import OnlineOptions
    from copydesk.web.outcome import Outcome
    from copydesk.web.settings import LinkSettings

Kind = Literal["link", "image"]
_REMOTE = re.compile(r"^https?://[^/?#\s]", re.IGNORECASE)
_HTML_URL = re.compile(
    r"""<(a|img)\b[^>]*?\s(href|src)\s*=\s*(["'])(.*?)\3""", re.IGNORECASE | re.DOTALL
)


@dataclass(frozen=True, slots=True)
class UrlUse:
    """A remote URL as written in a file, where it is (the link or image node's span)."""

    url: str
    kind: Kind
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None
    # Where the URL itself is written (line, column, end column): for a
    # reference link, on its definition's line. None: not found verbatim.
    span: tuple[int, int, int] | None = None

    @property
    def page(self) -> str:
        """The URL the server is asked about: without its fragment."""
        return self.url.split("#", 1)[0]

    @property
    def fragment(self) -> str:
        return unquote(self.url.split("#", 1)[1]) if "#" in self.url else ""


@dataclass
class LinkSummary:
    """Counts per outcome for the run's unique URLs, and the requests sent."""

    counts: dict[str, int] = field(default_factory=dict)
    cached: int = 0
    requests: int = 0
    seconds: float = 0.0  # spent asking the web (0 when everything came from the cache)
    notes: list[str] = field(default_factory=list)

    def add(self, other: LinkSummary) -> None:
        """Count another stage's URLs in (a run whose files use two configs)."""
        for kind, count in other.counts.items():
            self.counts[kind] = self.counts.get(kind, 0) + count
        self.cached += other.cached
        self.requests += other.requests
        self.seconds += other.seconds
        self.notes.extend(other.notes)

    def line(self) -> str:
        order = ("ok", "redirected", "dead", "unknown", "skipped")
        parts = [f"{self.counts.get(kind, 0)} {kind}" for kind in order]
        total = sum(self.counts.values())
        asked = f" in {self.seconds:.1f} s" if self.requests else ""
        return (
            f"links: {total} checked: {', '.join(parts)}; {self.cached} cached, "
            f"{self.requests} request{'s' * (self.requests != 1)}{asked}"
        )


def is_remote(url: str) -> bool:
    return bool(_REMOTE.match(url))


def remote_uses(parsed: ParsedFile) -> list[UrlUse]:
    """Every http(s) URL of a link or image, in Markdown or raw HTML, outside
    code and templating, with the position of its link or image."""
    uses: list[UrlUse] = []
    for node in parsed.of_type("link") + parsed.of_type("image"):
        url = str(node.attrs.get("url") or "").strip()
        if not is_remote(url) or parsed.in_templating(node.line, node.column):
            continue
        kind: Kind = "image" if node.type == "image" else "link"
        span = _url_span(parsed, node, url)
        uses.append(UrlUse(url, kind, node.line, node.column, node.end_line, node.end_column, span))
    for node in parsed.of_type("inline_html") + parsed.of_type("block_html"):
        uses.extend(_html_uses(parsed, node))
    uses.sort(key=lambda use: (use.line, use.column))
    return uses


def _url_span(parsed: ParsedFile, node: Node, url: str) -> tuple[int, int, int] | None:
    """Where `url` is written: inside the link (`](url)`, `<url>`, a bare URL) or on
    its reference definition's line. None when it is not there verbatim (escapes)."""
    from copydesk.parse import normalize_label
    from copydesk.rules._nodes import position_in, raw_of
    from copydesk.rules.base import Context

    label = node.attrs.get("label")
    if label is not None:
        definition = parsed.definitions.get(normalize_label(str(label)))
        if definition is None:
            return None
        text = parsed.line_text(definition.line)
        start = text.find(url, definition.column - 1)
        if start < 0:
            return None
        return definition.line, start + 1, start + 1 + len(url)
    raw = raw_of(node)
    offset = raw.find(url, raw.rfind("](") + 1) if "](" in raw else raw.find(url)
    if offset < 0:
        return None
    line, column = position_in(node, Context(parsed, {}), offset)
    if parsed.line_text(line)[column - 1 : column - 1 + len(url)] != url:
        return None  # position_in fell back to the node's own position
    return line, column, column + len(url)


def _html_uses(parsed: ParsedFile, node: Node) -> Iterator[UrlUse]:
    """`<a href>` and `<img src>` in raw HTML, positioned at the URL itself."""
    from copydesk.rules._nodes import position_in, raw_of
    from copydesk.rules.base import Context

    raw = raw_of(node)
    if "http" not in raw or parsed.in_templating(node.line, node.column):
        return
    context = Context(parsed, {})
    for match in _HTML_URL.finditer(raw):
        url = match.group(4).replace("&amp;", "&").strip()
        tag, attribute = match.group(1).lower(), match.group(2).lower()
        if not is_remote(url) or (tag, attribute) not in (("a", "href"), ("img", "src")):
            continue
        line, column = position_in(node, context, match.start(4))
        kind: Kind = "image" if tag == "img" else "link"
        written = match.group(4)
        if parsed.line_text(line)[column - 1 : column - 1 + len(written)] != written:
            yield UrlUse(url, kind, line, column)  # the node's position: no exact span
            continue
        end = column + len(written)
        span = (line, column, end) if written == url else None
        yield UrlUse(url, kind, line, column, line, end, span)


# --- the stage ------------------------------------------------------------------


@dataclass(frozen=True)
class WebReport:
    """What web rules read: each asked URL's outcome (no fragment), which dead
    ones have been dead long enough to fail the run, and which are on hosts
    configured as warn-only."""

    outcomes: Mapping[str, Outcome]
    failing: frozenset[str] = frozenset()
    dead_runs: Mapping[str, int] = field(default_factory=dict)
    warn_only: frozenset[str] = frozenset()
    quarantine_runs: int = 2

    def get(self, url: str) -> Outcome | None:
        return self.outcomes.get(url)


class _Target(Protocol):
    """What the stage needs of a file's result (the engine's FileResult)."""

    path: Path
    urls: list[UrlUse]
    hits: list[tuple[str, Violation]]


Group = tuple[list["Rule"], Sequence[_Target]]


def run_online(
    groups: Sequence[Group], config: Config, options: OnlineOptions
) -> tuple[LinkSummary, list[str]]:
    """Check the groups' URLs and let each group's web rules report on them.

    A group is one rule set's web rules and its files' results, whose hits
    this extends. Returns the summary and the rules that crashed (one line each).
    """
    from copydesk.web.settings import LinkSettings

    settings = config.links or LinkSettings()
    summary = LinkSummary()
    chosen = [(rules, _chosen_uses(files, settings, options)) for rules, files in groups]
    probes: dict[str, bool] = {}
    for rules, uses in chosen:
        for rule in rules:
            for _, use in uses:
                for url, page in rule.probes(use):
                    probes[url] = probes.get(url, False) or page
    now = time.time()
    paths = [target.path for _, files in groups for target in files]
    cache = _open_cache(config, paths, settings, options, summary)
    quarantine = _quarantine(settings)
    used = {use.page for _, uses in chosen for _, use in uses}
    outcomes = _outcomes(probes, used, settings, cache, now, summary, options.progress)
    for url in used:
        outcome = outcomes.get(url)
        if outcome is not None:  # https twins asked for CD113 are not counted as links
            summary.counts[outcome.status] = summary.counts.get(outcome.status, 0) + 1
            summary.cached += outcome.cached
    problem = cache.save(now)
    if problem:
        summary.notes.append(problem)
    report = WebReport(
        outcomes,
        failing=frozenset(
            url
            for url, outcome in outcomes.items()
            if outcome.status == "dead" and quarantine.reached(cache.entries[url], now)
        ),
        dead_runs={url: entry.dead_runs for url, entry in cache.entries.items()},
        warn_only=frozenset(url for url in outcomes if _warn_only(url, settings))
        if any(host.warn_only for host in settings.hosts)
        else frozenset(),
        quarantine_runs=settings.dead_after_runs,
    )
    return summary, _report(chosen, groups, report)


def _report(
    chosen: list[tuple[list[Rule], list[tuple[_Target, UrlUse]]]],
    groups: Sequence[Group],
    report: WebReport,
) -> list[str]:
    crashes: list[str] = []
    for (rules, uses), (_, files) in zip(chosen, groups, strict=True):
        by_path = {target.path: target for target in files}
        pairs = [(target.path, use) for target, use in uses]
        for rule in rules:
            try:
                for path, violation in rule.check_online(pairs, report):
                    by_path[path].hits.append((rule.code, violation))
            except Exception as error:  # one broken rule must not hide the others' findings
                crashes.append(f"rule {rule.code} crashed: {type(error).__name__}: {error}")
    return crashes


def _chosen_uses(
    files: Sequence[_Target], settings: LinkSettings, options: OnlineOptions
) -> list[tuple[_Target, UrlUse]]:
    """The uses this run asks about: on changed lines only with `--changed-lines`,
    and only to the hosts of the file's own site with scope `internal`."""
    scope = options.scope or settings.scope
    hosts_by_folder: dict[Path, frozenset[str]] = {}
    chosen: list[tuple[_Target, UrlUse]] = []
    for target in files:
        own = None
        if scope == "internal":
            folder = target.path.parent
            own = hosts_by_folder.get(folder)
            if own is None:
                own = hosts_by_folder[folder] = site_hosts(folder, settings)
        lines: frozenset[int] | None = None
        if options.lines is not None:
            key = target.path.resolve()
            if key not in options.lines:
                continue
            lines = options.lines[key]
        for use in target.urls:
            if lines is not None and use.line not in lines:
                continue
            if own is not None and _host(use.url) not in own:
                continue
            chosen.append((target, use))
    return chosen


def _outcomes(
    probes: Mapping[str, bool],
    used: set[str],
    settings: LinkSettings,
    cache: LinkCache,
    now: float,
    summary: LinkSummary,
    progress: bool = False,
) -> dict[str, Outcome]:
    from copydesk.web.outcome import Outcome

    outcomes: dict[str, Outcome] = {}
    ask: list[tuple[str, bool]] = []
    for url, page in sorted(probes.items()):
        if settings.skipped(_host(url)):
            outcomes[url] = Outcome(url, "skipped", reason="host skipped by config", checked=now)
            continue
        fresh = cache.fresh(url, page, now, twin=url not in used)
        if fresh is not None:
            outcomes[url] = fresh
        else:
            ask.append((url, page))
    if ask:
        from copydesk.progress import Progress
        from copydesk.web.client import Probe, check_urls

        started = time.perf_counter()
        with Progress(len(ask), "link", enabled=progress) as bar:
            probes_ = [Probe(url, page) for url, page in ask]
            answers, stats = check_urls(probes_, settings, os.environ, bar.advance)
        summary.seconds = time.perf_counter() - started
        summary.requests = stats.requests
        known_good = [url for url, outcome in outcomes.items() if outcome.answered]
        verdict = stats.no_network
        outcomes.update(_offline_guard(answers, known_good, settings, summary, verdict, dict(ask)))
    for outcome in outcomes.values():
        if outcome.status != "skipped":
            cache.record(outcome)
    return outcomes


def _offline_guard(
    answers: dict[str, Outcome],
    known_good: list[str],
    settings: LinkSettings,
    summary: LinkSummary,
    no_network: str = "",
    pages: Mapping[str, bool] | None = None,
) -> dict[str, Outcome]:
    """When not one of several hosts could be reached, the network is down, not
        every link dead: those links are skipped, the run says why in one note (not a
        warning per link), and the quarantine is untouched. `no_network` (why) is
        the client's early verdict: the first few host names looked up all failed
        and none resolved, so the rest were not asked. `pages`: which asked URLs
    want their page read (for ids).

        The cache can leave only the dead links to ask (the rest answered lately):
        then one of those that answered is asked again, and if it still answers,
        the network is fine and the dead stay dead."""
    from dataclasses import replace

    from copydesk.web.client import Probe, check_urls

    hosts = {_host(url) for url in answers}
    unreachable = all(
        outcome.status == "dead" and outcome.code is None and "cannot connect" in outcome.reason
        for outcome in answers.values()
    )
    if not no_network and (len(hosts) < 2 or not unreachable):
        return answers
    if known_good:
        again, stats = check_urls([Probe(known_good[0])], settings, os.environ)
        summary.requests += stats.requests
        if any(outcome.status not in ("dead", "skipped") for outcome in again.values()):
            return _ask_the_rest(answers, settings, summary, pages or {})
    if no_network:
        from copydesk.web.client import NO_NETWORK_AFTER

        summary.notes.append(
            f"no network: none of the first {NO_NETWORK_AFTER} host names looked up "
            f"resolved ({no_network}); web checks skipped"
        )
    else:
        example = next(iter(answers.values())).reason
        summary.notes.append(
            f"no host could be reached ({len(hosts)} tried; {example}): is the network down? "
            "Their links were not checked"
        )
    # Skipped, not unknown: one warning per link would say nothing about any link.
    return {
        url: replace(outcome, status="skipped", reason=f"not checked: {outcome.reason}")
        for url, outcome in answers.items()
    }


def _ask_the_rest(
    answers: dict[str, Outcome],
    settings: LinkSettings,
    summary: LinkSummary,
    pages: Mapping[str, bool],
) -> dict[str, Outcome]:
    """The network works after all (a cached good link answered again): the
    URLs the client gave up on early are asked, and the dead stay dead."""
    from copydesk.web.client import NOT_ASKED, Probe, check_urls

    rest = [
        Probe(url, pages.get(url, False))
        for url, outcome in answers.items()
        if outcome.reason == NOT_ASKED
    ]
    if not rest:
        return answers
    again, stats = check_urls(rest, settings, os.environ, give_up=False)
    summary.requests += stats.requests
    return answers | again


def _open_cache(
    config: Config,
    paths: Sequence[Path],
    settings: LinkSettings,
    options: OnlineOptions,
    summary: LinkSummary,
) -> LinkCache:
    from copydesk.web.cache import CACHE_FILE, LinkCache

    if not options.cache:
        return LinkCache(None, settings.ok_days)
    from copydesk.cachedir import cache_folder

    folder = cache_folder(config, paths, options.cache_dir)
    cache = LinkCache(folder / CACHE_FILE, settings.ok_days)
    if cache.problem:
        summary.notes.append(f"{folder / CACHE_FILE}: link cache ignored: {cache.problem}")
    return cache


def _quarantine(settings: LinkSettings) -> Quarantine:
    from copydesk.web.cache import Quarantine

    return Quarantine(settings.dead_after_runs, settings.dead_after_days)


def _warn_only(url: str, settings: LinkSettings) -> bool:
    host = settings.host(_host(url))
    return host is not None and host.warn_only


def _host(url: str) -> str:
    """The URL's host name, lower case; without urlsplit for the plain
    `scheme://host[:port]/...` that nearly every link is (asked per URL)."""
    start = url.find("://")
    if start > 0:
        netloc = url[start + 3 :].split("/", 1)[0]
        if not any(char in netloc for char in "@[?#\\"):
            return netloc.split(":", 1)[0].lower()
    return (urlsplit(url).hostname or "").lower()


# --- the site's own hosts (scope "internal") ------------------------------------


def site_hosts(folder: Path, settings: LinkSettings) -> frozenset[str]:
    """Host names of the site holding `folder` (with and without `www.`), from
    `site-url` or the site model (the generator's `url`/`baseURL`, found at or
    above the folder); empty when none is known."""
    url = settings.site_url or _site_url(folder)
    host = _host(url) if url else ""
    if not host:
        return frozenset()
    bare = host.removeprefix("www.")
    return frozenset((bare, "www." + bare))


def _site_url(start: Path) -> str:
    from copydesk.site import find_site_root, load_site

    site = load_site(find_site_root(start)).site
    return site.site_url if site is not None else ""
