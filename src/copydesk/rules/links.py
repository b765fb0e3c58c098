"""Link rules (CD1xx): links that lead nowhere, leak tracking data, or were
lost in an earlier export.

Local targets are checked the way the site will serve them (see
`copydesk.site`), so `/blog/my-post/` is found through the post whose slug or
permalink gives that URL, not only through a file of that name.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple
from urllib.parse import parse_qsl, unquote

from copydesk.errors import ReadError
from copydesk.findings import Fix
from copydesk.lazyre import lazy_compile
from copydesk.rules._fixes import edit_at, remove_lines, replace_in, source_of
from copydesk.rules._nodes import (
    SITE_OPTIONS,
    has_template,
    html_urls,
    inside_span,
    project,
    prose_text_nodes,
    raw_of,
    site_case_message,
    site_key,
    site_model,
    sites,
    templated,
    text_of,
    url_of,
    violation_in,
    written_url,
)
from copydesk.rules.base import Context, Rule, Scope, Violation
from copydesk.tracking import TRACKING_PARAMETERS, matcher, medium_source
from copydesk.urls import split_url

if TYPE_CHECKING:
    # Type-only: importing the model at run time would pull pydantic into lint start-up.
    from copydesk.findings import Replacement, Severity
    from copydesk.parse import Node, RefDefinition
    from copydesk.site import Project

_BARE_URL = lazy_compile(r"(?<![\w(<\"'=/])(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}*_'\""
_REFERENCE = lazy_compile(r"(?<![\]\\])\[([^\[\]]+)\]\[([^\[\]]*)\]")


# Every `[text][label]` start, overlapping ones included: only the `[` is
# consumed. Leading with that literal lets the regex engine skip to each `[`
# instead of trying a lookahead at every character (10x faster on prose).
_REFERENCE_AT = lazy_compile(r"\[(?=([^\[\]]+)\]\[([^\[\]]*)\])")


def _undefined_label(match: re.Match[str], defined: set[str]) -> bool:
    """A label needs a character that is not white space (CommonMark): `[ ][]`
    is text, and in `prose` a blank label is a link the parser made."""
    label = match.group(2) or match.group(1)
    if not label.strip() or label.startswith("^"):
        return False
    return normalize_label(label) not in defined


def _undefined_in(text: str, defined: set[str]) -> bool:
    return any(_undefined_label(match, defined) for match in _REFERENCE_AT.finditer(text))


@functools.lru_cache(maxsize=32)
def lost_link_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """`(here)`, `( link )`, ... for the configured phrases; None when there are none."""
    joined = "|".join(re.escape(phrase) for phrase in phrases)
    # No line break inside: the text nodes it was first written for never hold one.
    space = r"[^\S\n]*"
    return re.compile(rf"\({space}(?:{joined}){space}\)", re.IGNORECASE) if joined else None


def _has_reference(source: str) -> bool:
    return "][" in source


def _has_url(text: str) -> bool:
    """Exact form of `_has_url_start`, for a whole file ("w." is common in prose)."""
    return "://" in text or (_has_url_start(text) and "www." in text.lower())


def _has_url_start(source: str) -> bool:
    # Every _BARE_URL match holds "://" or "www." in any case, hence "w." or "W.".
    return "://" in source or "w." in source or "W." in source


def _is_markdown(path: Path) -> bool:
    from copydesk.site.base import MARKDOWN_SUFFIXES

    return path.suffix.lower() in MARKDOWN_SUFFIXES


def _names_a_file(url: str) -> bool:
    """A relative link to a Markdown file: looked up next to the linking file only."""
    from copydesk.site.base import MARKDOWN_SUFFIXES
    from copydesk.site.project import url_path

    return not url.startswith("/") and url_path(url).endswith(MARKDOWN_SUFFIXES)


def _local_target(node: Node, ctx: Context) -> str | None:
    """The local URL of a link worth resolving, or None (remote, templated,
    empty, or only a fragment/query)."""
    attrs = node.attrs
    target: str | None = attrs.get("local_target", _UNSET)
    if target is _UNSET:  # several rules ask for every link
        target = attrs["local_target"] = _find_local_target(node, ctx)
    return target


_UNSET: Any = object()
_REMOTE = ("https:", "http:", "mailto:")


def _find_local_target(node: Node, ctx: Context) -> str | None:
    url = url_of(node)
    if url.startswith(_REMOTE):
        return None  # most links (what is_local says first, without the strip and base URL)
    site = sites()  # the module, kept: an import statement here cost ~1.4 us a link
    url = site.strip_base_url(url.strip())
    if not url or not site.is_local(url) or has_template(url):
        return None  # most links: remote, asked before the templating spans
    return None if templated(node, ctx) else url


class MissingLinkTarget(Rule):
    """Link points to a local file or page that does not exist.

    What it does: resolves relative and root-relative links the way the site
    serves them: the file itself, the same path under a static folder, a
    folder's index page, or the post whose slug or permalink gives the URL.
    A link to a `.md` file names that file: no site serves a page as `.md`.
    On a Hugo site with a link render hook, a bare word such as `(g)` is the
    hook's keyword, not a path, and is not checked; other targets are looked
    up as the hook's `GetPage` does (any case; a relative path from the
    content root too). A URL a host redirect file serves (`_redirects`,
    `netlify.toml`, `vercel.json`) works. Where the site adds pages in code
    copydesk cannot read (an Eleventy config with plugins), only links to
    files (`x.md`, images) are checked: `copydesk site` says so.
    In a repository read on GitHub (a plain folder, or a file the site does
    not publish), a link that climbs above the repository's top
    (`../../issues` from the README: GitHub's page for it) is not checked.
    A path to a file whose letter case differs from the file on disk
    (`Report.PDF` for `report.pdf`) is reported with the spelling on disk:
    it works on macOS and Windows and is a 404 on a Linux host. A page URL's
    case is left to the generator (Hugo serves pages in lower case).
    Why is this bad? Readers get a 404 after publishing.
    Example: [setup](docs/setpu.md), [report](files/Report.PDF) (the file is files/report.pdf)
    Use instead: [setup](docs/setup.md), [report](files/report.pdf)
    """

    code: ClassVar[str] = "CD101"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "project"
    name: ClassVar[str] = "missing-link-target"
    summary: ClassVar[str] = "local link target does not exist"
    severity: ClassVar[Severity] = "error"
    targets: ClassVar[tuple[str, ...]] = ("link",)
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        """A link that only the site's full URL index can resolve (a URL a
        page's front matter gives it) is kept (`_unresolved`) and checked in
        `check_project`, once every linted file's URLs are known from its own
        parse: no page's front matter is read again."""
        url = _local_target(node, ctx)
        if url is None or url.startswith(("#", "?")):
            return
        site = project(ctx)
        hooked = site.generator.rewrites_links()
        if hooked and _BARE_WORD.fullmatch(url):
            return  # `[term](g)`: a keyword for the site's link render hook
        if not url.startswith("/") and site.is_partial(ctx.path):
            return  # relative to the page that includes this file, which we do not know
        if not site.can_tell(url, ctx.path):
            return  # a page the site's code may add (`copydesk site` says what is unread)
        try:
            with site.deferred():
                problem = _target_problem(url, site, ctx.path, hooked)
        except sites().NeedsIndex:  # looked up only when something was raised
            span = (node.line, node.column, node.end_line, node.end_column)
            link = UnresolvedLink(
                url, os.path.abspath(ctx.path), written_url(node, ctx), span, hooked
            )
            _unresolved(ctx).append(link)
            return
        if problem is not None:
            yield self.at(node, _target_message(problem, url, written_url(node, ctx), site))

    def collect(self, ctx: Context) -> LinkFacts | None:
        """The links kept for want of the URL index, and the page's URL front
        matter: a worker process sends it back, so that the index built in the
        main process does not read the page from disk again."""
        links = _unresolved(ctx)
        page = project(ctx).keep_front_matter(ctx.parsed)
        if not links and page is None:
            return None
        return LinkFacts(tuple(links), site_key(ctx), page)

    def settle(self, facts: list[tuple[Path, Any]]) -> Iterator[tuple[Path, Any, list[Violation]]]:
        """The kept links, resolved once every linted page's URLs are known:
        their findings are the file's own (kept in the lint cache with it; what
        the site serves is part of its key), and no facts are left."""
        _keep_pages(facts)
        for path, fact in facts:
            if fact is not None:
                yield path, None, list(_resolve_kept(fact))

    def project_reads(self, facts: list[tuple[Path, Any]]) -> Iterable[str] | None:
        """The site alone (part of every file's cache key)."""
        return ()

    def check_project(self, facts: list[tuple[Path, Any]]) -> Iterator[tuple[Path, Violation]]:
        """Links still kept (a run that does not settle: `relint`)."""
        _keep_pages(facts)
        for path, fact in facts:
            if fact is not None:
                yield from ((path, violation) for violation in _resolve_kept(fact))


def _keep_pages(facts: list[tuple[Path, Any]]) -> None:
    """Give each site model the URL front matter its linted pages had (parsed
    in a worker, perhaps), before any kept link builds the URL index."""
    for _, fact in facts:
        if fact is not None and fact.page is not None:
            path, front_matter = fact.page
            site_model(fact.site).keep(path, front_matter)


def _resolve_kept(fact: LinkFacts) -> Iterator[Violation]:
    site = site_model(fact.site)  # its URL index is built now, on the first link
    for link in fact.links:
        problem = _target_problem(link.url, site, Path(link.source), link.hooked)
        if problem is not None:
            message = _target_message(problem, link.url, link.written, site)
            line, column, end_line, end_column = link.span
            yield Violation(line, column, message, end_line, end_column)


def _target_problem(
    url: str, site: Project, source: Path, hooked: bool
) -> tuple[Path | None] | None:
    """Why a local link does not land: (twin,) for a file whose letter case
    differs, (None,) for no file at all; None when it lands. Raises
    `NeedsIndex` where only the site's full URL index can tell."""
    found = site.resolve(url, source)
    if found is None and hooked and _found_by_hook(url, site, source):
        return None
    if twin := _case_twin(url, site, source, found is not None, hooked):
        return (twin,)
    return (None,) if found is None else None


def _target_message(problem: tuple[Path | None], url: str, written: str, site: Project) -> str:
    (twin,) = problem
    if twin is not None:
        return site_case_message("link target", written, twin, site)
    # A page URL says where it was looked for; a file name needs no more.
    where = "" if _names_a_file(url) else f" ({site.looked_in()})"
    return f"link target '{written}' does not exist{where}"


def _case_twin(url: str, site: Project, source: Path, found: bool, hooked: bool) -> Path | None:
    """The file on disk that `url` names only when letter case is ignored.
    A found target needs the look only on a disk that folds case (elsewhere
    it was found as spelled); a Hugo link render hook's `GetPage` ignores
    case in page paths, so a hooked Markdown link is no mismatch."""
    if (found and not site.folds_case) or (hooked and _is_markdown(Path(sites().url_path(url)))):
        return None
    return site.case_twin(url, source)


_BARE_WORD = lazy_compile(r"[\w-]+")


def _found_by_hook(url: str, site: Project, source: Path) -> bool:
    """A Hugo link render hook looks pages up with `GetPage`: case does not
    matter, and a relative path is also tried from the content root."""
    tries = {url.lower()}
    if not url.startswith(("/", ".")):
        tries |= {"/" + url, "/" + url.lower()}
    return any(site.resolve(candidate, source) is not None for candidate in tries)


class UnresolvedLink(NamedTuple):
    """A link CD101 checks in its project stage: only the full URL index
    resolves it. `source`: the linking file's absolute path (a warm run may
    be started from another folder)."""

    url: str
    source: str
    written: str  # the target as the message shows it
    span: tuple[int, int, int | None, int | None]
    hooked: bool  # the site has a link render hook


class LinkFacts(NamedTuple):
    """CD101's facts for a file: its links that need the site's full URL
    index, the `site_key` of its site, and, for a published page, its
    absolute path and URL front matter (see `SiteModel.keep_front_matter`)."""

    links: tuple[UnresolvedLink, ...]
    site: tuple[Any, ...]
    page: tuple[str, Mapping[str, Any]] | None = None


def _unresolved(ctx: Context) -> list[UnresolvedLink]:
    links: list[UnresolvedLink] = ctx.parsed.memo("cd101-links", list)
    return links


class EmptyLinkText(Rule):
    """Link has no text.

    What it does: finds links whose text is empty and that hold no image.
    Why is this bad? Nothing is shown to click, and screen readers announce a
    bare URL or nothing at all.
    Example: [](https://example.com/guide)
    Use instead: [the setup guide](https://example.com/guide)
    """

    code: ClassVar[str] = "CD102"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "empty-link-text"
    summary: ClassVar[str] = "link has no text"
    severity: ClassVar[Severity] = "error"
    targets: ClassVar[tuple[str, ...]] = ("link",)

    def check(self, node: Node, ctx: Context) -> tuple[Violation, ...]:
        # A tuple, not a generator: called for every link, and most have text.
        if text_of(node).strip() or templated(node, ctx):
            return ()
        if any(_shows_image(child) for child in node.children):
            return ()  # the image's alt text is the link's text
        return (self.at(node, f"link to '{url_of(node)}' has no text"),)


_HTML_IMG = lazy_compile(r"<img\b", re.IGNORECASE)


def _shows_image(node: Node) -> bool:
    return node.type == "image" or (
        node.type == "inline_html" and _HTML_IMG.match(raw_of(node)) is not None
    )


class EmptyLinkTarget(Rule):
    """Link has an empty or `#` target.

    What it does: finds links whose target is empty or a lone `#`.
    Why is this bad? The link goes nowhere; it is usually a placeholder or a
    URL lost when the post was exported.
    Example: [the report](#)
    Use instead: [the report](https://example.com/report.pdf)
    """

    code: ClassVar[str] = "CD103"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "empty-link-target"
    summary: ClassVar[str] = "link target is empty or '#'"
    severity: ClassVar[Severity] = "error"
    targets: ClassVar[tuple[str, ...]] = ("link",)

    def check(self, node: Node, ctx: Context) -> tuple[Violation, ...]:
        if url_of(node).strip() not in ("", "#") or templated(node, ctx):
            return ()
        return (self.at(node, f"link '{text_of(node)}' has an empty target"),)


class LostLink(Rule):
    """Link text survived an export but its URL did not.

    What it does: finds plain text such as "(here)" or "(link)" outside any
    link: what an export leaves where a link used to be.
    Why is this bad? The reader is told to click something that is not there.
    The URL cannot be recovered automatically; a person must restore it.
    Example: you can read about the flywheel concept (here).
    Use instead: you can read about [the flywheel concept](https://example.com/flywheel).
    """

    code: ClassVar[str] = "CD104"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "lost-link"
    summary: ClassVar[str] = "text like '(here)' is a link whose URL was lost"
    severity: ClassVar[Severity] = "error"
    options: ClassVar[Mapping[str, Any]] = {
        "phrases": ["here", "link", "this link", "click here", "link here"]
    }

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        phrases = tuple(str(phrase) for phrase in ctx.settings.get("phrases", []))
        pattern = lost_link_pattern(phrases)
        parsed = ctx.parsed
        # `prose` is the text with code, HTML, templating and link targets
        # blanked: a quick look at the raw text first spares building it.
        if pattern is None or not pattern.search(parsed.document.text):
            return
        links: tuple[Node, ...] | None = None
        for match in pattern.finditer(parsed.prose):
            line, column = parsed.position(match.start())
            if links is None:  # link text is prose too, but its "(here)" is no lost link
                links = parsed.of_type("link") + parsed.of_type("image")
            if not inside_span(links, line, column):
                yield Violation(line, column, f"lost link '{match.group(0)}': the URL is missing")


def tracking_parameters(url: str, names: tuple[str, ...], own: str = "") -> list[str]:
    """Names of tracking parameters in a URL's query, in order of appearance;
    `names` as in `copydesk.tracking` (`utm_*` is a prefix).

    Medium's `source=` counts only on Medium hosts: elsewhere it is a real
    parameter more often than not. `utm_*` tags the site's owner set on
    purpose are left alone: a `utm_*` value with the word badge, partner,
    affiliate or sponsor in it, or `utm_*` values that name the site itself
    (`own`: the first label of its host, e.g. "prettier"); click ids (gclid,
    fbclid) never are.
    """
    parts = split_url(url)
    host = (parts.hostname or "").lower()
    query = parse_qsl(parts.query, keep_blank_values=True)
    deliberate = _deliberate_tags(query, own)
    named = matcher(names)
    found: list[str] = []
    for key, _ in query:
        lowered = key.lower()
        if deliberate and lowered.startswith("utm_"):
            continue
        if (named(lowered) or medium_source(lowered, host)) and lowered not in found:
            found.append(lowered)
    return found


def may_track(url: str, names: tuple[str, ...]) -> bool:
    """False only when `tracking_parameters(url, names)` is surely empty: no
    name (nor Medium's `source`) occurs in the query. A substring test spares
    most URLs with a query `urlsplit` and `parse_qsl` (~30 us a URL). Exact
    where the URL is ASCII with nothing those two decode or drop (`%`
    escapes, `+`, tabs and line breaks); for anything else it says True."""
    if not url.isascii() or any(char in url for char in "%+\t\r\n"):
        return True
    query = url.partition("#")[0].partition("?")[2].lower()
    return any(needle in query for needle in _needles(names))


@functools.cache
def _needles(names: tuple[str, ...]) -> tuple[str, ...]:
    """What a tracking key must contain: a name, a prefix (`utm_*` -> `utm_`), `source`."""
    return (*(name.lower().removesuffix("*") for name in names), "source")


_WORD = lazy_compile(r"[a-z0-9]+")
# Not "referral": Medium adds utm_medium=referral to every Unsplash credit it exports.
_DELIBERATE_MEDIA = frozenset({"badge", "partner", "affiliate", "sponsor"})


def _deliberate_tags(query: list[tuple[str, str]], own: str) -> bool:
    values = {key.lower(): value.lower() for key, value in query}
    tags = " ".join(value for key, value in values.items() if key.startswith("utm_"))
    if any(word in _DELIBERATE_MEDIA for word in _WORD.findall(tags)):
        return True  # utm_medium=partner, utm_campaign=11ty-partner, utm_source=official-sponsor
    if len(own) < 4:
        return False
    named = " ".join(values.get(f"utm_{key}", "") for key in ("source", "medium", "campaign"))
    # "npm-prettier" names prettier.io; "jekyll-docs" names jekyllrb.com
    return any(len(word) >= 4 and (own in word or word in own) for word in _WORD.findall(named))


def _own_name(ctx: Context) -> str:
    """The host the site is published at without its top-level domain and
    generic labels ("prettier" for https://prettier.io, "benbalter" for
    https://ben.balter.com), "" when the site does not say."""
    return _host_name(project(ctx).generator.site_url)


@functools.lru_cache(maxsize=16)
def _host_name(site_url: str) -> str:
    """`_own_name` of a site URL: asked for every tracked link, the same few URLs."""
    host = (split_url(site_url).hostname or "").lower()
    labels = [label for label in host.split(".") if label not in ("www", "docs", "blog")]
    return "".join(labels[:-1]) if len(labels) > 1 else "".join(labels)


class TrackingParameters(Rule):
    """Link carries tracking parameters.

    What it does: finds utm_*, fbclid, gclid (and gbraid/wbraid, its iOS
    twins), mc_cid, mc_eid and Medium's `source=` in link and image URLs,
    including href/src in raw HTML: the names of the `parameters` option,
    where a name ending in `*` is a prefix (`utm_*`). `migrate` strips the
    same default list. `utm_*`
    tags the owner set on purpose are not reported: a `utm_*` value with the
    word badge, partner, affiliate or sponsor in it, or a `utm_source`,
    `utm_medium` or `utm_campaign` naming the site (its host's name, e.g.
    "jekyll-docs" on jekyllrb.com, "benbalter-resume" on ben.balter.com;
    without a generator's setting, the site model reads a `CNAME` file,
    Astro's `site:` or package.json's `homepage`).
    Why is this bad? They tell a third party where your readers came from,
    make URLs long, and were added by the old platform, not by you.
    Example: [Unsplash](https://unsplash.com?utm_source=medium&utm_medium=referral)
    Use instead: [Unsplash](https://unsplash.com)
    Fix: removes the tracking parameters from the URL as written.
    """

    code: ClassVar[str] = "CD105"
    fixable: ClassVar[bool | str] = "safe"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "tracking-parameters"
    summary: ClassVar[str] = "URL carries tracking parameters"
    severity: ClassVar[Severity] = "warning"
    targets: ClassVar[tuple[str, ...]] = ("link", "image", "inline_html", "block_html")
    options: ClassVar[Mapping[str, Any]] = {
        **SITE_OPTIONS,
        "parameters": list(TRACKING_PARAMETERS),
    }

    def check(self, node: Node, ctx: Context) -> Iterable[Violation]:
        # Called for every link, image and piece of HTML; a tuple, not a
        # generator, where there is no query (nearly always).
        if node.type in ("link", "image"):
            url = url_of(node)
            if "?" not in url or templated(node, ctx):
                return ()  # no query, no parameters
            names = self._names(ctx)
            if not may_track(url, names):
                return ()
            found = tracking_parameters(url, names, _own_name(ctx))
            if not found:
                return ()
            fix = _untracked(node, ctx, url, found)
            return (self.at(node, self._message(found, url), fix=fix),)
        if "?" not in raw_of(node) or templated(node, ctx):
            return ()  # no query in any of its URLs (most HTML: a tag, a comment)
        return self._in_html(node, ctx)

    def _in_html(self, node: Node, ctx: Context) -> Iterator[Violation]:
        """The tracked URLs in an HTML node's href and src attributes."""
        for offset, url in html_urls(node):
            if "?" not in url or not may_track(url, names := self._names(ctx)):
                continue
            found = tracking_parameters(url, names, _own_name(ctx))
            if found:
                violation = violation_in(node, ctx, offset, self._message(found, url))
                yield violation._replace(fix=_untracked(node, ctx, url, found))

    _named_for: Any = None  # the settings `_named` was made from
    _named: tuple[str, ...] = ()

    def _names(self, ctx: Context) -> tuple[str, ...]:
        """`parameters`, lowered once per settings (asked for every URL with a query)."""
        if ctx.settings is not self._named_for:
            self._named = tuple(str(name).lower() for name in ctx.settings.get("parameters", ()))
            self._named_for = ctx.settings
        return self._named

    @staticmethod
    def _message(found: list[str], url: str) -> str:
        return f"tracking parameter '{', '.join(found)}' in '{url}'"


def _untracked(node: Node, ctx: Context, url: str, found: list[str]) -> Fix | None:
    """The fix of CD105: `url` as written without the parameters named in `found`."""
    clean, removed = without_parameters(url, found)
    if not removed:
        return None
    return replace_in(node, ctx, url, clean, removes=removed)


def without_parameters(url: str, names: list[str]) -> tuple[str, str]:
    """`url` without the query parameters in `names` (case-insensitive), and what was
    taken out. The rest of the URL stays byte for byte: no re-encoding."""
    rest, hash_, fragment = url.partition("#")
    base, question, query = rest.partition("?")
    if not question:
        return url, ""
    kept: list[str] = []
    removed: list[str] = []
    for part in query.split("&"):
        key = part.partition("=")[0].lower()
        (removed if key in names else kept).append(part)
    new_query = "&".join(part for part in kept if part)
    return f"{base}{'?' if new_query else ''}{new_query}{hash_}{fragment}", "&".join(removed)


class InsecureLink(Rule):
    """Link uses http: instead of https:.

    What it does: finds links whose scheme is `http:`. The option
    `http-allowed` lists hosts that only speak http (a host also covers its
    subdomains); `["*"]` allows every host. A licence or code of conduct
    (LICENSE, CODE_OF_CONDUCT, a font's OFL.txt) is quoted verbatim and left
    alone.
    Why is this bad? The reader's browser warns or silently upgrades, and
    the page they reach can be altered on the way.
    Example: [docs](http://example.com/docs)
    Use instead: [docs](https://example.com/docs)
    Fix: `http:` becomes `https:`; unsafe because offline nobody
    knows that the host answers on https, safe where the link cache of an
    earlier `lint --online` run saw the https twin answer (docs/fixes.md).
    """

    code: ClassVar[str] = "CD106"
    fixable: ClassVar[bool | str] = "unsafe"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "insecure-link"
    summary: ClassVar[str] = "link uses http:"
    severity: ClassVar[Severity] = "warning"
    targets: ClassVar[tuple[str, ...]] = ("link",)
    options: ClassVar[Mapping[str, Any]] = {"http-allowed": ["localhost", "127.0.0.1"]}

    def check(self, node: Node, ctx: Context) -> tuple[Violation, ...]:
        url = url_of(node).strip()
        if url[:7].lower() != "http://" or templated(node, ctx):
            return ()
        if http_allowed(url, ctx.settings.get("http-allowed", False)):
            return ()
        if _verbatim(ctx.path):
            return ()  # a licence or code of conduct is quoted as its authors wrote it
        written = url[: len("http://")]
        fix = replace_in(
            node, ctx, url, "https://" + url[len(written) :], "unsafe", replaces="http"
        )
        return (self.at(node, f"link '{url}' uses http:", fix=fix),)


def _verbatim(path: Path) -> bool:
    from copydesk.site.base import is_verbatim

    return is_verbatim(path)


def http_allowed(url: str, allowed: Any) -> bool:
    """`allowed` is a list of host names, "*" for all; a bare bool also works."""
    if isinstance(allowed, bool):
        return allowed
    if isinstance(allowed, str):
        allowed = [allowed]
    host = (split_url(url).hostname or "").lower()
    for item in allowed or ():
        name = str(item).lower().lstrip(".")
        if name == "*" or host == name or host.endswith("." + name):
            return True
    return False


class MissingFragment(Rule):
    """Link points to a heading that does not exist.

    What it does: checks `#fragment` links, in this file or in a linked
    local Markdown file, against the heading ids the site generator will
    produce (the site's generator, detected or set with the option
    `generator`; "github" or "kramdown" choose a heading-id rule alone),
    explicit `{#id}` and `{: #id}` attributes where the generator reads
    them, footnote ids (`#fn:1`), and `id`/`name` attributes in raw HTML.
    Nothing is checked where the ids come from code copydesk cannot read or
    a slug rule it does not model (an Eleventy Markdown library set up in
    its config, Zola): `copydesk site` says so. In a plain folder, read on
    GitHub, a fragment matches in any letter case, as GitHub's page finds it.
    A full URL to one of the site's own pages (on the host of its `url`,
    `baseURL` or `site_url`, under its base path) is checked the same way.
    Why is this bad? The page loads but the reader lands at the top, not at
    the section; nothing tells anyone the link broke.
    Example: [install](#instalation)
    Use instead: [install](#installation)
    Fix: when exactly one existing id differs from the fragment only in slug
    style (case, `-` or `_`, punctuation), the fragment becomes that id
    (unsafe: it guesses which heading was meant).
    """

    code: ClassVar[str] = "CD107"
    # block_code: definition terms inside code blocks give no id (site.ids)
    needs: ClassVar[tuple[str, ...] | None] = (
        "inline_html",
        "block_html",
        "footnote_item",
        "block_code",
    )
    scope: ClassVar[Scope] = "project"
    name: ClassVar[str] = "missing-fragment"
    fixable: ClassVar[bool | str] = "unsafe"
    summary: ClassVar[str] = "link fragment names no heading"
    severity: ClassVar[Severity] = "error"
    targets: ClassVar[tuple[str, ...]] = ("link",)
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        """A fragment into this file is checked here; one into another file is
        kept (`_pending`) and checked in `check_project` against the ids that
        file's own parse collected, so no linked file is parsed again."""
        url = _local_target(node, ctx)
        own = url is None and _own_site_target(node, ctx)
        if own:
            url = own
        if url is None or "#" not in url:
            return
        fragment = unquote(url.split("#", 1)[1])
        if not fragment or fragment.startswith(_TEXT_DIRECTIVE):
            return  # `#:~:text=…` highlights text: a browser feature, not an id
        site = project(ctx)
        if not site.generator.knows_ids():
            return  # ids from a slug function copydesk does not know
        if not url.startswith("/") and site.is_partial(ctx.path):
            return  # the including page's fragments, or relative to it
        if not url.startswith("#"):
            try:
                with site.deferred():
                    target = site.resolve(url, ctx.path, localize=not own)
            except sites().NeedsIndex:  # resolved in check_project, from every file's URLs
                link = _fragment_link(node, ctx, url, fragment, "")
                link = link._replace(source=os.path.abspath(ctx.path), url=url, localize=not own)
                _pending(ctx).append(link)
                return
            real = _markdown_target(target, site)
            if real is None:
                return  # a missing file is CD101's finding; HTML is not ours
            if real != site.realpath(ctx.path):
                _pending(ctx).append(_fragment_link(node, ctx, url, fragment, real))
                return
        anchors = site.ids(ctx.path, ctx.parsed)
        if _missing(fragment, anchors, site.generator.fragments_any_case()):
            fix = _fragment_fix(node, ctx, url.split("#", 1)[1], fragment, anchors)
            yield self.at(node, f"heading '#{fragment}' does not exist", fix=fix)

    def collect(self, ctx: Context) -> FragmentFacts:
        own = project(ctx).ids(ctx.path, ctx.parsed) if ctx.parsed.body_parsed else None
        links = tuple(_pending(ctx))
        return FragmentFacts(
            project(ctx).realpath(ctx.path),
            own,
            links,
            project(ctx).id_styles,
            ctx.max_size,
            project(ctx).id_writers,
            site_key(ctx) if any(link.source for link in links) else (),
            tuple(pattern.pattern for pattern in getattr(own, "patterns", ())),  # TemplatedIds
        )

    def settle(self, facts: list[tuple[Path, Any]]) -> Iterator[tuple[Path, Any, list[Violation]]]:
        """Links whose target needed the site's URL index get it resolved now,
        before the lint cache keeps the facts (what the site serves is part of
        the file's cache key): a warm run finds their targets without it."""
        for path, fact in facts:
            if fact is not None and fact.site:
                links = (_resolved_link(link, fact) if link.source else link for link in fact.links)
                kept = tuple(link for link in links if link is not None)
                yield path, fact._replace(links=kept, site=()), []

    def project_reads(self, facts: list[tuple[Path, Any]]) -> Iterable[str] | None:
        """The files linked into that no linted file's facts describe (their
        ids are parsed from disk); None while a link waits for the URL index."""
        offered = {(fact.path, fact.styles) for _, fact in facts if fact.ids is not None}
        reads: set[str] = set()
        for _, fact in facts:
            for link in fact.links:
                if link.source:
                    return None
                if (link.target, fact.styles) not in offered:
                    reads.add(link.target)
        return reads

    def check_project(self, facts: list[tuple[Path, Any]]) -> Iterator[tuple[Path, Violation]]:
        offered = {
            (fact.path, fact.styles): _offered(fact) for _, fact in facts if fact.ids is not None
        }
        for path, fact in facts:
            for link in fact.links:
                if link.source:  # its target needed the site's full URL index
                    link = _resolved_link(link, fact)
                    if link is None:
                        continue
                anchors = offered.get((link.target, fact.styles))
                if anchors is None:  # not linted in this run (excluded, another config)
                    anchors = _ids_of_file(link.target, fact.styles, fact.max_size, fact.writers)
                if anchors is not None and _missing(link.fragment, anchors, link.any_case):
                    yield path, link.violation(anchors)


class FragmentLink(NamedTuple):
    """A `#fragment` link into another Markdown file, checked once every file's
    ids are known. `edit`: where the fragment is written (its text unset), for
    the fix."""

    target: str  # real path of the linked file
    fragment: str
    written: str  # the fragment as written (percent-encoded or not)
    message: str
    span: tuple[int, int, int | None, int | None]
    edit: Replacement | None
    any_case: bool = False  # the site finds an id in any letter case (GitHub)
    # A link whose target only the site's full URL index resolves (`target` is
    # ""): the linking file's absolute path, the URL and `localize`.
    source: str = ""
    url: str = ""
    localize: bool = True

    def violation(self, anchors: frozenset[str]) -> Violation:
        matches = _slug_matches(self.fragment, anchors)
        fix = None
        if self.edit is not None and len(matches) == 1:
            edit = self.edit._replace(text="#" + matches[0])
            fix = Fix((edit,), "unsafe", replaces=self.written)
        line, column, end_line, end_column = self.span
        return Violation(line, column, self.message, end_line, end_column, fix=fix)


class FragmentFacts(NamedTuple):
    """CD107's facts for one file: the ids it offers (None: its body was not
    parsed) and its fragment links into other files, with the id styles and
    size limit its site gives."""

    path: str
    ids: frozenset[str] | None
    links: tuple[FragmentLink, ...]
    styles: tuple[str, ...]
    max_size: int | None
    writers: frozenset[str] = frozenset()  # the site's shortcodes that write ids
    site: tuple[Any, ...] = ()  # the site's `site_key`, when a link's target is to resolve
    # `TemplatedIds.patterns` of `ids`, as text: facts pass through the lint
    # cache, which keeps a set of ids and not the subclass's patterns.
    patterns: tuple[str, ...] = ()


def _offered(fact: FragmentFacts) -> frozenset[str] | None:
    """The ids a file's facts say it offers, its templated headings' patterns included."""
    if not fact.patterns:
        return fact.ids
    from copydesk.site.ids import TemplatedIds

    ids = TemplatedIds(fact.ids or ())
    ids.patterns = tuple(re.compile(pattern) for pattern in fact.patterns)
    return ids


def _markdown_target(target: Path | None, site: Project) -> str | None:
    """The real path of a link's target when it is a Markdown file, else None."""
    if target is None or not target.is_file() or not _is_markdown(target):
        return None
    return site.realpath(target)


def _resolved_link(link: FragmentLink, fact: FragmentFacts) -> FragmentLink | None:
    """A link kept for want of the URL index, with its target now resolved (the
    link itself when that is the linking file); None when it lands on no
    Markdown file (CD101's finding, or HTML)."""
    site = site_model(fact.site)
    found = site.resolve(link.url, Path(link.source), localize=link.localize)
    real = _markdown_target(found, site)
    if real is None:
        return None
    if real != site.realpath(link.source):
        return link._replace(target=real, source="", url="")
    message = f"heading '#{link.fragment}' does not exist"  # a link into its own file
    return link._replace(target=fact.path, source="", url="", message=message)


def _pending(ctx: Context) -> list[FragmentLink]:
    links: list[FragmentLink] = ctx.parsed.memo("cd107-links", list)
    return links


_TEXT_DIRECTIVE = ":~:"


def _own_site_target(node: Node, ctx: Context) -> str | None:
    """The site path of a full URL to one of the site's own pages with a
    `#fragment` (`https://jekyllrb.com/docs/x/#y` on jekyllrb.com), whose
    fragment is checked like a relative link's; None for any other link."""
    url = url_of(node).strip()
    if "#" not in url or not url.lower().startswith(("https://", "http://")):
        return None
    if templated(node, ctx):
        return None
    return project(ctx).own_url_path(url)


def _fragment_link(node: Node, ctx: Context, url: str, fragment: str, target: str) -> FragmentLink:
    written = url.split("#", 1)[1]
    template = replace_in(node, ctx, "#" + written, "", "unsafe", replaces=written)
    return FragmentLink(
        target,
        fragment,
        written,
        f"heading '#{fragment}' does not exist in '{url.split('#', 1)[0]}'",
        (node.line, node.column, node.end_line, node.end_column),
        template.edits[0] if template is not None else None,
        project(ctx).generator.fragments_any_case(),
    )


def _missing(fragment: str, anchors: frozenset[str], any_case: bool) -> bool:
    """Whether no id answers the fragment (in any letter case, where the site
    looks it up so: GitHub's page script tries the fragment lower-cased)."""
    if fragment in anchors:
        return False
    return not (any_case and fragment.lower() in {anchor.lower() for anchor in anchors})


@functools.lru_cache(maxsize=256)
def _ids_in(
    path: str,
    styles: tuple[str, ...],
    max_size: int | None,
    stamp: tuple[int, int],
    writers: frozenset[str] = frozenset(),
) -> frozenset[str] | None:
    from copydesk.parse import parse_document
    from copydesk.read import read_document
    from copydesk.site.ids import anchors_of

    try:
        parsed = parse_document(read_document(Path(path), max_size, digest=False))
    except ReadError:  # over max-file-size, binary, not UTF-8: its ids are unknown
        return None
    ids = anchors_of(parsed, styles, writers)
    parsed.release()
    return ids


def _ids_of_file(
    path: str, styles: tuple[str, ...], max_size: int | None, writers: frozenset[str] = frozenset()
) -> frozenset[str] | None:
    """The ids of a file no linted file's facts describe, parsed here (once per version)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    found: frozenset[str] | None = _ids_in(path, styles, max_size, stamp, writers)
    return found


def _fragment_fix(
    node: Node, ctx: Context, written: str, fragment: str, anchors: frozenset[str]
) -> Fix | None:
    """CD107's fix: the one existing id that differs from the fragment only in slug
    style (case, `-`/`_`, punctuation: `#My-Heading` for `#my-heading`). Unsafe:
    which heading the author meant is a guess, if a good one."""
    matches = _slug_matches(fragment, anchors)
    if len(matches) != 1:
        return None
    return replace_in(node, ctx, "#" + written, "#" + matches[0], "unsafe", replaces=written)


def _slug_matches(fragment: str, anchors: frozenset[str]) -> list[str]:
    key = _slug_key(fragment)
    return [anchor for anchor in anchors if _slug_key(anchor) == key] if key else []


def _slug_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def normalize_label(label: str) -> str:
    """CommonMark label matching: case-insensitive, inner whitespace collapsed."""
    return " ".join(label.split()).casefold()


_SNIPPET_INCLUDE = lazy_compile(r"""^[ \t]*-{1,3}8<-{1,3}[ \t]+["']([^"'\n]+)["']""", re.MULTILINE)


def _labels_built_in(ctx: Context) -> set[str]:
    """Labels defined in the files the generator appends to every page or that
    the page includes (MkDocs `pymdownx.snippets`: `auto_append`, `--8<--`)."""
    site = project(ctx)
    files = list(site.generator.appended_files())
    if "8<-" in ctx.parsed.document.body:
        root = site.generator.root
        files += [root / m.group(1) for m in _SNIPPET_INCLUDE.finditer(ctx.parsed.document.body)]
    labels: set[str] = set()
    for path in files:
        ctx.read(path)
        labels |= _defined_labels(path)
    return labels


def _defined_labels(path: Path) -> frozenset[str]:
    try:
        stat = path.stat()
    except OSError:
        return frozenset()
    return _labels_of(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _labels_of(path: Path, mtime: int, size: int) -> frozenset[str]:
    from copydesk.errors import CopydeskError
    from copydesk.parse import parse_file

    try:
        parsed = parse_file(path, frozenset())
    except CopydeskError:
        return frozenset()
    return frozenset(normalize_label(label) for label in parsed.definitions)


def _serves_other_pages(ctx: Context) -> bool:
    """A file the site does not publish as a page but pulls into its pages (an
    include, a snippet appended at build time): its definitions are used there."""
    site = project(ctx)
    return site.generator.name != "plain" and not site.is_published(ctx.path)


class UndefinedReference(Rule):
    """Reference-style link uses a label that is never defined.

    What it does: finds `[text][label]` and `[label][]` left as plain text
    because no `[label]: url` definition exists in the file, in a file the
    generator appends to every page (MkDocs `pymdownx.snippets` `auto_append`)
    or one the page includes (`--8<-- "file.md"`), or in a Liquid loop.
    Not checked where the site's own code rewrites each page's Markdown
    (MkDocs `hooks:` with `on_page_markdown`): `copydesk site` says so.
    Why is this bad? The brackets are printed literally and the link is gone.
    Example: see [the guide][guide] (with no `[guide]: ...` line)
    Use instead: see [the guide][guide] and add `[guide]: https://example.com/guide`
    """

    code: ClassVar[str] = "CD108"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "undefined-reference"
    summary: ClassVar[str] = "reference label is not defined"
    severity: ClassVar[Severity] = "error"
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        if "][" not in ctx.parsed.document.text:
            return
        if project(ctx).generator.rewrites_markdown():
            return  # the site's hooks may define it (`copydesk site` says so)
        defined = {normalize_label(label) for label in ctx.parsed.definitions}
        defined |= _labels_built_in(ctx)
        # A text node's source is a slice of the file's text, so each of its
        # `[text][label]` is one of the text's: most files with references
        # define every label they use, and need no `prose` (a blanked copy),
        # nor the search for a definition a template writes.
        if not _undefined_in(ctx.parsed.document.text, defined):
            return
        if ctx.parsed.defines_by_template():
            return
        if not _undefined_in(ctx.parsed.prose, defined):
            return  # text nodes are prose: no candidate there, no finding in them
        for node, source in prose_text_nodes(ctx, _has_reference):
            yield from self._undefined(node, ctx, source, defined)

    @staticmethod
    def _undefined(node: Node, ctx: Context, source: str, defined: set[str]) -> Iterator[Violation]:
        for match in _REFERENCE.finditer(source):
            if not _undefined_label(match, defined):
                continue
            label = match.group(2) or match.group(1)
            yield violation_in(node, ctx, match.start(), f"reference '[{label}]' is not defined")


class UnusedReference(Rule):
    """Reference definition is never used.

    What it does: finds `[label]: url` lines that no link or image refers to.
    A file the site pulls into its pages without publishing it (an include, a
    snippet appended at build time) defines labels for them and is not checked.
    Why is this bad? Usually the link that needed it was deleted or its label
    mistyped, so the text lost a link without anyone noticing.
    Example: [guide]: https://example.com/guide (and no [..][guide] anywhere)
    Use instead: remove the definition, or link to it: [the guide][guide]
    Fix: removes a definition that is alone on its line (what it removed
    is recorded).
    """

    code: ClassVar[str] = "CD109"
    fixable: ClassVar[bool | str] = "safe"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "unused-reference"
    summary: ClassVar[str] = "reference definition is never used"
    severity: ClassVar[Severity] = "warning"
    # Style, not an error (57% / 20% precision on real sites): opt-in
    # (issue 16, docs/precision.md); --fix still repairs it when selected.
    default: ClassVar[bool] = False
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        if not ctx.parsed.definitions or _serves_other_pages(ctx):
            return
        for label, definition in ctx.parsed.definitions.items():
            if not definition.used:
                yield Violation(
                    definition.line,
                    definition.column,
                    f"reference '[{label}]' is defined but never used",
                    fix=_definition_removal(ctx, definition),
                )


# A definition alone on one line: `[label]: url` with an optional title.
_ONE_LINE_DEFINITION = lazy_compile(
    r" {0,3}\[[^\]\n]+\]:[ \t]*(?:<[^>\n]*>|\S+)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*"
)


def _definition_removal(ctx: Context, definition: RefDefinition) -> Fix | None:
    """CD109's fix: the definition's line, when nothing else is on it (a title on
    the next line, or a definition inside a list item or quote, is left alone)."""
    line = ctx.parsed.line_text(definition.line)
    if definition.column != 1 or not _ONE_LINE_DEFINITION.fullmatch(line):
        return None
    following = ctx.parsed.line_text(definition.line + 1).lstrip()
    if following[:1] in ('"', "'", "("):
        return None  # perhaps the title of this definition, on its own line
    return remove_lines(ctx.parsed, definition.line, definition.line)


_HTML_ANCHOR = lazy_compile(r"<(/?)a\b", re.IGNORECASE)


def _in_html_anchor(node: Node) -> bool:
    """`<a href="…">https://…</a>`: the URL is the text of an HTML link."""
    siblings = node.parent.children if node.parent is not None else []
    open_anchor = False
    for sibling in siblings:
        if sibling is node:
            return open_anchor
        if sibling.type == "inline_html" and (tag := _HTML_ANCHOR.match(raw_of(sibling))):
            open_anchor = not tag.group(1)
    return False


def _linked_by_renderer(ctx: Context) -> bool:
    """Whatever shows this file links bare URLs itself: its generator (Hugo's
    linkify, Docusaurus, MkDocs with magiclink), or GitHub, for a file of a
    site's repository that the site does not publish (README, docs/)."""
    site = project(ctx)
    generator = site.generator
    if generator.name != "plain" and not site.is_published(ctx.path):
        return True
    return bool(generator.links_bare_urls())


class BareUrl(Rule):
    """URL written as plain text.

    What it does: finds http(s):// and www. addresses in running text that
    are not links (CommonMark does not link them; GitHub does, and so do
    Hugo, Docusaurus and MkDocs with `pymdownx.magiclink`: their sites are
    not checked, nor a site's files that only GitHub shows, such as its
    README; Jekyll and Eleventy leave them as text).
    Why is this bad? On the built site the address is not clickable, and a
    long URL breaks the line.
    Example: read more at https://example.com/guide
    Use instead: read more in [the guide](https://example.com/guide) or <https://example.com/guide>
    Fix: an http(s) URL becomes an autolink `<…>`; a `www.` address
    has no scheme to link with, so it is left to the author.
    """

    code: ClassVar[str] = "CD110"
    fixable: ClassVar[bool | str] = "safe"
    # The blocks text sits in: a URL's siblings tell whether an HTML `<a>` holds it.
    needs: ClassVar[tuple[str, ...] | None] = ("inline_html", "paragraph", "block_text")
    name: ClassVar[str] = "bare-url"
    summary: ClassVar[str] = "URL in text is not a link"
    severity: ClassVar[Severity] = "warning"
    # Style, not an error (57% / 20% precision on real sites): opt-in
    # (issue 16, docs/precision.md); --fix still repairs it when selected.
    default: ClassVar[bool] = False
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        if _linked_by_renderer(ctx):
            return
        # The parser's url plugin turns a bare http(s) URL into a link marked
        # `bare`; `www.` addresses (and what the plugin misses) stay text.
        for node in ctx.parsed.of_type("link"):
            if node.attrs.get("bare") and not templated(node, ctx) and not _in_html_anchor(node):
                yield self.at(
                    node, f"bare URL '{raw_of(node)}'", fix=_autolink(node, ctx, raw_of(node))
                )
        if not _has_url_start(ctx.parsed.document.text) or not _has_url(ctx.parsed.prose):
            return  # text nodes are prose: without a URL start there, none in them
        for node, source in prose_text_nodes(ctx, _has_url_start):
            if _in_html_anchor(node):
                continue
            for match in _BARE_URL.finditer(source):
                url = match.group(0).rstrip(_TRAILING)
                violation = violation_in(node, ctx, match.start(), f"bare URL '{url}'")
                yield violation._replace(fix=_autolink_at(ctx, violation, url))


def _autolink(node: Node, ctx: Context, url: str) -> Fix | None:
    """CD110's fix for a URL the parser found: `<url>` around its span as written."""
    start, source = source_of(node, ctx)
    if source != url or not _LINKABLE.match(url):
        return None
    end = start + len(source)
    return Fix((edit_at(ctx.parsed, start, start, "<"), edit_at(ctx.parsed, end, end, ">")))


def _autolink_at(ctx: Context, violation: Violation, url: str) -> Fix | None:
    """CD110's fix for a URL found in a text node: only where the file has it verbatim."""
    start = ctx.parsed.offset(violation.line, violation.column)
    end = start + len(url)
    if ctx.parsed.document.text[start:end] != url or not _LINKABLE.match(url):
        return None
    return Fix((edit_at(ctx.parsed, start, start, "<"), edit_at(ctx.parsed, end, end, ">")))


# An autolink needs a scheme, and ends at a space or `<`/`>`.
_LINKABLE = lazy_compile(r"https?://[^\s<>]+\Z", re.IGNORECASE)


_POST_URL = lazy_compile(r"\{%-?\s*post_url\s+([^\s%]+)\s*-?%\}")
_LINK_TAG = lazy_compile(r"\{%-?\s*link\s+([^\s%]+)\s*-?%\}")


class MissingLiquidLinkTarget(Rule):
    """A Jekyll `{% post_url %}` or `{% link %}` tag names no file.

    What it does: on a Jekyll site, checks that `{% post_url 2016-03-23-slug %}`
    names a post in a `_posts` folder (a subfolder may be given) and that
    `{% link path/to/file.md %}` names a file of the site, code included, as
    Jekyll expands Liquid inside code blocks too; `{% raw %}` is skipped.
    Why is this bad? Jekyll stops the build with "Could not find post" or
    "Could not find document", so nothing is published at all.
    Example: see [the launch]({% post_url 2016-03-32-launch %})
    Use instead: see [the launch]({% post_url 2016-03-23-launch %})
    """

    code: ClassVar[str] = "CD116"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "project"
    name: ClassVar[str] = "missing-liquid-link-target"
    summary: ClassVar[str] = "{% post_url %} or {% link %} names no file"
    severity: ClassVar[Severity] = "error"
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        parsed = ctx.parsed
        text = parsed.document.text
        if not parsed.templating:
            return  # no tag at all
        generator = project(ctx).generator
        if generator.name != "jekyll":
            return  # asked before reading the text: most sites with tags are not Jekyll's
        if "post_url" not in text and "link" not in text:
            return
        for start, end in parsed.templating:
            if message := _missing_target(text[start:end], generator.root):
                yield Violation(*parsed.position(start), message)


def _missing_target(tag: str, root: Path) -> str | None:
    """Why a `{% post_url %}` or `{% link %}` tag names nothing, or None."""
    if found := _POST_URL.fullmatch(tag):
        name = found.group(1)
        return None if _find_post(root, name) else f"no post '{name}' in _posts"
    found = _LINK_TAG.fullmatch(tag)
    if found is None or "{{" in found.group(1) or (root / found.group(1)).is_file():
        return None
    return f"'{found.group(1)}' is not a file of the site"


def _find_post(root: Path, name: str) -> Path | None:
    """The post `{% post_url name %}` names, as Jekyll 4's `PostComparer`
    finds it: `name` (a leading `/` dropped) is a file stem in a `_posts`
    folder, after the folders inside `_posts` (`_posts/sub/x.md`) or the
    category folders above it (`sub/_posts/x.md`) that it gives; failing
    that, Jekyll's deprecated match takes any post with the same date and
    slug wherever it lies (it warns, and builds)."""
    folder, _, stem = name.lstrip("/").rpartition("/")
    places = [posts / folder for posts in _posts_folders(root)]
    if folder:
        places.append(root / folder / "_posts")
    import glob  # here: only a `{% post_url %}` tag needs it

    pattern = f"{glob.escape(stem)}.*"
    for place in places:
        for path in place.glob(pattern):
            if path.is_file():
                return path
    for posts in _posts_folders(root):
        for path in posts.rglob(pattern):
            if path.is_file():
                return path
    return None


def forget_tree() -> None:
    """Forget the sites' `_posts` folders (one added since): see engine._TREE_MEMOS."""
    _posts_folders.cache_clear()


@functools.lru_cache(maxsize=8)
def _posts_folders(root: Path) -> tuple[Path, ...]:
    """Every `_posts` folder of the site (Jekyll also reads `category/_posts`)."""
    return tuple(
        Path(folder) / "_posts"
        for folder, dirs, _ in os.walk(root)
        if "_posts" in dirs and "node_modules" not in folder and "/." not in folder
    )


# `{{< ref "x" >}}`, `{{% relref path="x" lang="fr" %}}`; not the `{{</* ref */>}}` comment form.
_HUGO_REF = lazy_compile(r"\{\{([<%])-?\s*(ref|relref)\s+([^{}]*?)\s*-?[>%]\}\}")
_REF_PATH = lazy_compile(r"""(?:^|\s)path\s*=\s*(?:"([^"]*)"|`([^`]*)`)""")
# A fragment written after the shortcode, inside the link destination.
_AFTER_REF = lazy_compile(r"#[^\s)\"'<>\]]+")
_FIRST_QUOTED = lazy_compile(r"""^\s*(?:"([^"]*)"|`([^`]*)`)""")


def hugo_ref_target(arguments: str) -> str | None:
    """The path a ref or relref shortcode's arguments name (positional or
    `path=`), None when it is not a literal (a variable, a template)."""
    match = _REF_PATH.search(arguments) or _FIRST_QUOTED.match(arguments)
    if match is None:
        return None
    value = match.group(1) if match.group(1) is not None else match.group(2)
    return None if has_template(value) else value


class MissingHugoRefTarget(Rule):
    """A Hugo `{{< ref >}}` or `{{< relref >}}` names no page, or no heading.

    What it does: on a Hugo site, looks the shortcode's path up the way Hugo
    does: relative to the page's folder, then from the content root, then
    as a page's base name (`ref "about"`), in lower case and without the
    file's extension, in every language; a section or taxonomy page counts.
    A `#fragment` (in the path, or written right after the shortcode) is
    checked against the target page's heading ids (or the page's own for
    `ref "#id"`). A ref in a file Hugo does not publish (an
    included partial) is checked only from the content root and by name.
    Why is this bad? Hugo stops the build with REF_NOT_FOUND; a missing
    heading builds, and the reader lands at the top of the page.
    Example: see [the guide]({{< ref "/docs/gude" >}})
    Use instead: see [the guide]({{< ref "/docs/guide" >}})
    """

    code: ClassVar[str] = "CD117"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "project"
    name: ClassVar[str] = "missing-hugo-ref-target"
    summary: ClassVar[str] = "{{< ref >}} or {{< relref >}} names no page or heading"
    severity: ClassVar[Severity] = "error"
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        parsed = ctx.parsed
        text = parsed.document.text
        if project(ctx).generator.name != "hugo" or "ref" not in text:
            return  # the site first: "ref" is in every href
        for match in _HUGO_REF.finditer(text):
            target = hugo_ref_target(match.group(3))
            if target is None:
                continue
            after = _AFTER_REF.match(text, match.end())
            if after and "#" not in target:  # `({{< relref "x" >}}#part)`
                target += after.group(0)
            problem = _ref_problem(target, ctx)
            if problem:
                message = f"{match.group(2)} target '{target}' {problem}"
                yield Violation(*parsed.position(match.start()), message)


def _ref_problem(target: str, ctx: Context) -> str | None:
    """Why a ref's target is broken (no page, or no such heading), or None."""
    site = project(ctx)
    path, _, fragment = target.partition("#")
    if path:
        page = site.find_ref(path, ctx.path)
        if page is None:
            return "names no page (looked relative to the page, from the content root, by name)"
    elif site.is_partial(ctx.path):
        return None  # the fragment is on whichever page includes this file
    else:
        page = ctx.path
    if not fragment or not page.is_file() or not _is_markdown(page):
        return None
    try:
        same = page.resolve() == ctx.path.resolve()
        if not same:
            ctx.read(page)  # its headings: the lint cache keeps this file's entry while they hold
        ids = site.ids(ctx.path, ctx.parsed) if same else site.ids(page, max_size=ctx.max_size)
    except ReadError:
        return None
    if unquote(fragment) in ids:
        return None
    return f"names no heading: '#{fragment}' does not exist on that page"
