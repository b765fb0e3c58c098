"""Web rules (CD111-CD115, CD210): remote links and images, checked on the web.

They run only with `lint --online` (or `online = true` in the config): a
pre-commit hook must never wait for the network. Each rule says which URLs
it needs asked about (`probes`); the online stage asks each one once per run
for all files and rules (see copydesk.online), then `check_online` reads the
answers. "Unknown" (429, a bot wall, a timeout) is never "dead", and a dead
link is a warning until it has been dead in `dead-after-runs` runs in a row
(docs/links.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from copydesk.rules.base import Rule, Violation

if TYPE_CHECKING:
    from copydesk.findings import Applicability, Severity
    from copydesk.online import UrlUse, WebReport
    from copydesk.web.outcome import Outcome

# Content types that browsers render in <img> although they do not say "image".
_OPAQUE_TYPES = frozenset(("application/octet-stream", "binary/octet-stream"))
# Fragments a page's script handles, not an element id: `#!/route`, `#:~:text=`,
# GitHub's `#L10-L20` line anchors.
_SCRIPTED_FRAGMENT = re.compile(r"^(?:!|:~:|L\d+(?:-L\d+)?$|/)")


class WebRule(Rule):
    """A rule about remote URLs; by default it needs each page's status only."""

    online: ClassVar[bool] = True
    needs: ClassVar[tuple[str, ...] | None] = ()
    kinds: ClassVar[tuple[str, ...]] = ("link", "image")

    def probes(self, use: UrlUse) -> Iterator[tuple[str, bool]]:
        if use.kind in self.kinds:
            yield use.page, False

    def check_online(
        self, uses: list[tuple[Path, UrlUse]], web: WebReport
    ) -> Iterator[tuple[Path, Violation]]:
        for path, use in uses:
            outcome = web.get(use.page) if use.kind in self.kinds else None
            if outcome is not None:
                for violation in self.check_use(use, outcome, web):
                    yield path, violation

    def check_use(self, use: UrlUse, outcome: Outcome, web: WebReport) -> Iterator[Violation]:
        return iter(())

    def at_use(
        self,
        use: UrlUse,
        message: str,
        severity: Severity | None = None,
        new_url: str = "",
        fix: Applicability | None = None,
    ) -> Violation:
        """A violation at the link; with `new_url`, the suggested replacement of its
        URL, which `lint --fix` applies when `fix` says how (safe or unsafe)."""
        replacement = None
        if new_url and use.span is not None:
            from copydesk.findings import Replacement

            line, column, end = use.span
            replacement = Replacement(line, column, line, end, new_url)
        edits = None
        if replacement is not None and fix is not None:
            from copydesk.findings import Fix

            edits = Fix((replacement,), fix, replaces=use.url)
        return Violation(
            use.line,
            use.column,
            message,
            use.end_line,
            use.end_column,
            severity,
            replacement,
            edits,
        )


class DeadLink(WebRule):
    """Remote link or image is dead: 4xx, 5xx, or no server answers.

    What it does: asks the server (HEAD, then GET when HEAD is refused),
    following redirects; a 4xx, a redirect loop, a failed DNS lookup or
    connection is dead. A link is an error only once it has been dead in
    `dead-after-runs` consecutive runs (default 2; the count is kept in the
    link cache); until then a warning. A 5xx that persists through retries
    is reported too, always as a warning: server errors pass.
    Why is this bad? Readers click through to an error page, and search
    engines rank pages with dead links lower.
    Example: [the spec](https://example.org/specs/v1-draft.html) (answers 404)
    Use instead: [the spec](https://example.org/specs/v1.html)
    """

    code: ClassVar[str] = "CD111"
    name: ClassVar[str] = "dead-link"
    summary: ClassVar[str] = "remote link does not answer, or answers 4xx/5xx (--online)"
    severity: ClassVar[Severity] = "error"

    def check_use(self, use: UrlUse, outcome: Outcome, web: WebReport) -> Iterator[Violation]:
        if outcome.status != "dead":
            return
        what = "image" if use.kind == "image" else "link"
        message = f"{what} '{use.url}' is dead: {outcome.reason}"
        if outcome.url in web.warn_only:
            yield self.at_use(use, f"{message} (host is warn-only)", "warning")
        elif outcome.transient:
            yield self.at_use(
                use, f"{message} (a server error may pass: never an error)", "warning"
            )
        elif outcome.url not in web.failing:
            runs = web.dead_runs.get(outcome.url, 1)
            note = f"dead in {runs} run{'s' * (runs != 1)}; an error after {web.quarantine_runs}"
            yield self.at_use(use, f"{message} ({note})", "warning")
        else:
            yield self.at_use(use, message)


class UnverifiedLink(WebRule):
    """Remote link could not be checked: the server would not say.

    What it does: reports links whose server answered 429 (too many
    requests), 401/403 (a login or a bot wall), or did not answer in time,
    even after retries. These are "unknown", never "dead": they do not fail
    the run. Hosts that always block checkers can be skipped in the config.
    Why is this bad? Nothing is known about the link; it may be dead.
    Example: [profile](https://social.example.net/someone) (answers 429)
    Use instead: check it by hand, or skip the host in the config:
    `[links.hosts."social.example.net"]` with `skip = true`
    """

    code: ClassVar[str] = "CD112"
    name: ClassVar[str] = "unverified-link"
    summary: ClassVar[str] = "remote link could not be checked: 429, bot wall, timeout (--online)"
    severity: ClassVar[Severity] = "warning"

    def check_use(self, use: UrlUse, outcome: Outcome, web: WebReport) -> Iterator[Violation]:
        if outcome.status == "unknown":
            yield self.at_use(use, f"could not check '{use.url}': {outcome.reason}")


class PermanentRedirect(WebRule):
    """Remote link moved permanently (301 or 308).

    What it does: follows redirects and reports links whose first hops are
    permanent, naming where they lead: that URL is the replacement. A
    temporary redirect (302, 303, 307) is not reported, and neither is an
    `http:` link that only moved to its `https:` twin (CD113 reports that).
    Why is this bad? Every reader pays for the extra round trip, and the old
    address may stop redirecting one day.
    Example: [guide](https://docs.example.org/old/guide)
    Use instead: [guide](https://docs.example.org/v2/guide)
    Fix: the URL becomes where it leads (unsafe: the page there may not be
    the one the author linked, only where the old address now sends readers).
    """

    code: ClassVar[str] = "CD114"
    name: ClassVar[str] = "permanent-redirect"
    summary: ClassVar[str] = "remote link moved permanently: use the new URL (--online)"
    severity: ClassVar[Severity] = "warning"
    fixable: ClassVar[bool | str] = "unsafe"

    def check_use(self, use: UrlUse, outcome: Outcome, web: WebReport) -> Iterator[Violation]:
        moved = moved_elsewhere(use, outcome)
        if moved is None:
            return
        fragment = use.url[len(use.page) :]
        target = moved if "#" in moved else moved + fragment
        message = f"'{use.url}' moved permanently to '{target}'"
        yield self.at_use(use, message, new_url=target, fix="unsafe")


class HttpsAvailable(WebRule):
    """An `http:` link whose `https:` twin answers the same.

    What it does: for each `http:` link, asks the same URL over `https:`;
    when both answer and end on the same page (or the `http:` one redirects
    permanently to its twin), the `https:` URL is the replacement. A twin
    that redirects elsewhere (a site sending every https request to its home
    page) is not reported. An `http:` link that moved
    permanently anywhere else is CD114's alone, with its new home.
    Why is this bad? Over `http:` the page can be read and altered on the
    way, browsers warn, and the reader pays for a redirect.
    Example: [docs](http://docs.example.org/guide)
    Use instead: [docs](https://docs.example.org/guide)
    Fix: `http:` becomes `https:` (safe: the server answered both).
    """

    code: ClassVar[str] = "CD113"
    name: ClassVar[str] = "https-available"
    summary: ClassVar[str] = "http: link also works over https: (--online)"
    severity: ClassVar[Severity] = "warning"
    fixable: ClassVar[bool | str] = "safe"
    kinds: ClassVar[tuple[str, ...]] = ("link", "image")

    def probes(self, use: UrlUse) -> Iterator[tuple[str, bool]]:
        twin = https_twin(use.page)
        if twin is not None:
            yield use.page, False
            yield twin, False

    def check_use(self, use: UrlUse, outcome: Outcome, web: WebReport) -> Iterator[Violation]:
        twin = https_twin(use.page)
        secure = web.get(twin) if twin is not None else None
        if secure is None or not https_answers_same(use, outcome, secure):
            return
        target = "https:" + use.url[len("http:") :]
        message = f"'{use.url}' also answers over https: use '{target}'"
        yield self.at_use(use, message, new_url=target, fix="safe")


class MissingRemoteFragment(WebRule):
    """Remote link's `#fragment` names no element of the page (opt-in).

    What it does: reads the HTML of pages linked with a fragment and looks
    for an element with that id (or an `<a name>`). Opt-in (select CD115):
    pages that build their ids with JavaScript would be reported wrongly.
    Fragments that scripts handle (`#!/…`, `#:~:text=…`, `#L10`) are skipped.
    Why is this bad? The page loads at the top instead of the section the
    reader was promised.
    Example: [install](https://docs.example.org/guide#instalation)
    Use instead: [install](https://docs.example.org/guide#installation)
    """

    code: ClassVar[str] = "CD115"
    name: ClassVar[str] = "missing-remote-fragment"
    summary: ClassVar[str] = "remote link's #fragment is not on the page (--online, opt-in)"
    severity: ClassVar[Severity] = "warning"
    default: ClassVar[bool] = False
    kinds: ClassVar[tuple[str, ...]] = ("link",)

    def probes(self, use: UrlUse) -> Iterator[tuple[str, bool]]:
        if use.kind == "link" and self._fragment(use):
            yield use.page, True

    def check_use(self, use: UrlUse, outcome: Outcome, web: WebReport) -> Iterator[Violation]:
        fragment = self._fragment(use)
        anchors = outcome.anchors
        if not fragment or not outcome.answered or anchors is None:
            return
        # GitHub prefixes ids in rendered Markdown and maps the bare fragment by script.
        if fragment in anchors or f"user-content-{fragment}" in anchors:
            return
        yield self.at_use(use, f"'#{fragment}' is not an id on '{use.page}'")

    @staticmethod
    def _fragment(use: UrlUse) -> str:
        fragment = use.fragment
        return "" if _SCRIPTED_FRAGMENT.match(fragment) else fragment


class RemoteImageNotImage(WebRule):
    """Remote image is not served as an image.

    What it does: checks that an image URL answers with an `image/*`
    content type (`application/octet-stream` is let through: browsers sniff
    it). A page served instead of a picture is the usual sign that the image
    moved and the host now shows an HTML page or a login.
    Why is this bad? Readers see a broken-image icon.
    Example: ![chart](https://cdn.example.org/chart) (answers text/html)
    Use instead: ![chart](https://cdn.example.org/chart.png)
    """

    code: ClassVar[str] = "CD210"
    name: ClassVar[str] = "remote-image-not-image"
    summary: ClassVar[str] = "remote image is not served as an image (--online)"
    severity: ClassVar[Severity] = "warning"
    kinds: ClassVar[tuple[str, ...]] = ("image",)

    def check_use(self, use: UrlUse, outcome: Outcome, web: WebReport) -> Iterator[Violation]:
        kind = outcome.content_type
        if not outcome.answered or not kind or kind.startswith("image/") or kind in _OPAQUE_TYPES:
            return
        yield self.at_use(use, f"image '{use.url}' is served as '{kind}', not an image")


def https_answers_same(use: UrlUse, outcome: Outcome, secure: Outcome) -> bool:
    """CD113's judgement (and CD106's safe fix's, from the cache): the `http:`
    link and its `https:` twin (`secure`) both answer and end on the same page,
    and the link did not move permanently elsewhere (that is CD114's)."""
    twin = https_twin(use.page)
    if twin is None or not secure.answered or not outcome.answered:
        return False
    if moved_elsewhere(use, outcome) is not None:
        return False  # CD114 names where it went: https there too, and one finding per link
    # A twin that leads elsewhere (often the home page) is not the same page.
    ends = _secure(outcome.final_url or use.page)
    return _same_page(ends, _secure(secure.final_url or twin))


def moved_elsewhere(use: UrlUse, outcome: Outcome) -> str | None:
    """Where a link moved permanently (CD114's finding), unless only to its
    own `https:` twin (CD113's): one link, one finding, with the right URL."""
    moved = outcome.moved_to
    if outcome.status != "redirected" or moved is None:
        return None
    twin = https_twin(use.page)
    if twin is not None and _same_page(moved, twin):
        return None
    return moved


def _same_page(first: str, second: str) -> bool:
    """The same address, as a browser sees it: case of scheme and host, the
    default port and an empty path ("https://a.org" is "https://a.org/") aside."""
    from urllib.parse import urlsplit

    def key(url: str) -> tuple[str, str, int | None, str, str]:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        try:
            port = parts.port
        except ValueError:
            return (url, "", None, "", "")
        if port == {"http": 80, "https": 443}.get(scheme):
            port = None
        return (scheme, (parts.hostname or "").lower(), port, parts.path or "/", parts.query)

    return key(first) == key(second)


def _secure(url: str) -> str:
    return https_twin(url) or url


def https_twin(url: str) -> str | None:
    """`http://host/path` -> `https://host/path`; None for any other scheme."""
    if url[:7].lower() != "http://":
        return None
    return "https://" + url[7:]
