"""The site model: one site's published files, their URLs, ids and static files.

Link, image and metadata rules ask it; none reads a generator's config. API:

- `SiteModel.generator` — the detected `Generator` (`.name`: "jekyll", "hugo",
  "mkdocs", "docusaurus", "eleventy" or "plain"; `.config_file`, `.settings`).
- `.is_post(path)` — whether post metadata rules apply (Jekyll `_posts/`, a
  Hugo main section's pages, a Docusaurus or MkDocs blog); READMEs, docs
  pages, includes, partials and theme files are not posts.
- `.is_published(path)` — whether the generator makes a page of the file.
- `.variant(path)` — its language or docs version ("" for the default).
- `.url_of(path)` — the URL key that serves a file (see `url_key`), or None.
- `.resolve(url, source, pages=True)` — the file a local URL written in
  `source` lands on, or None; `.explain(url, source)` says why, step by step.
- `.ids(path)` — the `#fragment`s a page offers; `.id_styles` their rules.
- `.static_roots` — (folder, URL prefix) pairs static files are served from;
  `.looked_in()` names the folders, for "not found" messages.

The model is built per site root (`project_for`, cached per process) and its
expensive parts — the URL index (which needs other files' front matter) and
other files' parsed headings — are filled lazily, only when a rule asks.
A lint run's link rules ask inside `deferred()`: a link that only the full
index can answer raises `NeedsIndex`, and the rule checks it in its project
stage, when the index is built from each linted page's own parse (kept by
`keep_front_matter`), reading from disk only the pages not linted.
`Project` is the model's former name, kept for callers that use it.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote, urljoin

from copydesk.errors import ReadError
from copydesk.site.base import DEFAULT_STATIC_DIRS, MARKDOWN_SUFFIXES, Generator, post_values
from copydesk.site.detect import (
    GENERATORS,
    NAMES,
    PROJECT_MARKERS,
    REPOSITORY_TOP_MARKERS,
    find_site,
    is_site_root,
    load_generator,
    site_root,
)
from copydesk.site.ids import GENERATORS as ID_STYLES
from copydesk.site.ids import anchors_of
from copydesk.urls import split_url

if TYPE_CHECKING:
    from copydesk.parse import ParsedFile
    from copydesk.site.redirects import Redirect
    from copydesk.site.refs import RefIndex
    from copydesk.site.urlcache import KeptPages

# Folders a generator never serves from (build output, dependencies, tooling).
SKIPPED_DIRS = frozenset({"_site", "node_modules", "vendor", "__pycache__"})
# Hugo's generated `resources/` holds `_gen/`; a content section may be called resources too.
_BASEURL = re.compile(r"\{\{-?\s*(?:site\.url\s*-?\}\}\{\{-?\s*)?site\.baseurl\s*-?\}\}")
LABELS = {
    "jekyll": "Jekyll",
    "hugo": "Hugo",
    "mkdocs": "MkDocs",
    "docusaurus": "Docusaurus",
    "eleventy": "Eleventy",
    "zola": "Zola",
    "astro": "Astro",
    "plain": "plain folder",
}


# --- site root ----------------------------------------------------------------


def find_site_root(start: Path) -> Path:
    """Nearest folder at or above `start` holding a generator's config or
    `.git`; the starting folder itself when there is none."""
    folder = start if start.is_dir() else start.parent
    return find_site(os.path.abspath(folder))[0]


def strip_base_url(url: str) -> str:
    """`{{ site.baseurl }}/x.md` → `/x.md`: the base URL is where the site is
    mounted, not a folder in the repository."""
    return _BASEURL.sub("", url, count=1) if "{" in url else url


def is_local(url: str) -> bool:
    """A URL that points into this site (no scheme, no host, not mail)."""
    if url.startswith(("https:", "http:", "mailto:")):  # most links: skip urlsplit
        return False
    if ":" not in url:  # no scheme possible: only a `//host` start makes it remote
        return not url.startswith("//")
    parts = split_url(url)
    return not parts.scheme and not parts.netloc and not url.startswith("//")


def url_path(url: str) -> str:
    """The path part of a local URL, percent-decoded, without query or fragment."""
    if _NOT_PLAIN.search(url) is None and not url.startswith("//"):
        return url  # most URLs asked (every page's own): what the split would give
    return unquote(split_url(strip_base_url(url)).path)


# What makes `url_path` more than the URL itself: a scheme, query, fragment, escape,
# template or character `urlsplit` strips or drops; `//` starts a host.
_NOT_PLAIN = re.compile(r"[:?#%{\x00-\x20\x7f]")


def url_key(url: str) -> str:
    """Compare served URLs the way a static host does: `/a/b/`, `/a/b`,
    `/a/b.html` and `/a/b/index.html` are one page."""
    path = url_path(url)
    for suffix in ("/index.html", "/index.htm", ".html", ".htm"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    return "/" + path.strip("/")


# --- permalink patterns (plain sites; kept for callers) --------------------------


class PostFacts(NamedTuple):
    """What a permalink pattern needs from one post (a NamedTuple: making a
    dataclass costs every run that loads a site ~0.3 ms)."""

    path: Path
    front_matter: Mapping[str, Any]


def expand_permalink(pattern: str, facts: PostFacts, root: Path) -> str | None:
    """Fill a Jekyll/Hugo style permalink pattern (`/blog/:slug/`) for a post;
    None when the pattern needs a value the post does not have."""
    from copydesk.site.base import fill

    return fill(pattern, post_values(facts.path, facts.front_matter, root))


def _served(path: str) -> bool:
    """Whether a URL path can be a page URL. Generators serve a Markdown file
    under a page URL, never as `.md`: a link to `x.md` names a file, and when
    that file does not exist, no post's URL can stand in for it."""
    return not path.endswith(MARKDOWN_SUFFIXES)


def _read_front_matter(path: Path, only: tuple[str, ...] | None = None) -> Mapping[str, Any]:
    """Front matter of another file, or {} when it cannot be read: a broken
    neighbour is reported when it is linted itself, not here.

    With `only`, front matter that cannot hold one of those keys (none of them
    occurs in its text) is not parsed: {} says the same, without the YAML work.
    """
    from copydesk.errors import CopydeskError
    from copydesk.read import document_from_bytes, front_matter_may_hold

    try:
        raw = path.read_bytes()
        if only is not None and not front_matter_may_hold(raw, _needles(only)):
            return {}
        # Here, not above: a --jobs 2 run's main process has not imported YAML (~10 ms).
        from copydesk.yamlio import load_front_matter

        document = document_from_bytes(path, raw, digest=False)
        if document.front_matter is None or document.front_matter_kind is None:
            return {}
        data = load_front_matter(path, document.front_matter, document.front_matter_kind)
    except (OSError, CopydeskError):
        return {}
    return data if isinstance(data, Mapping) else {}


def _may_hold(path: Path, keys: tuple[str, ...]) -> bool:
    """Whether the file's front matter may set one of `keys` (True when unreadable)."""
    from copydesk.read import front_matter_may_hold

    try:
        with open(path, "rb") as file:
            head = file.read(_HEAD)
            fence = head.lstrip(b"\xef\xbb\xbf")[:3]
            if len(head) == _HEAD and b"\n" + fence not in head[3:]:
                head += file.read()  # the header goes on past the first block
    except OSError:
        return True
    return front_matter_may_hold(head, _needles(keys))


# Enough for nearly every front matter; a longer file is read whole.
_HEAD = 4096


@functools.lru_cache(maxsize=8)
def _text_needles(keys: tuple[str, ...]) -> tuple[str, ...]:
    """`_needles` as text, for front matter already decoded."""
    return tuple(needle.decode() for needle in _needles(keys))


@functools.lru_cache(maxsize=8)
def _needles(keys: tuple[str, ...]) -> tuple[bytes, ...]:
    """A key at the start of a front matter line, YAML (`key:`) or TOML (`key =`)."""
    return tuple(b"\n" + key.encode() + end for key in keys for end in (b":", b" =", b"="))


class NeedsIndex(Exception):
    """A question only the site's full URL index answers, asked while the
    model is `deferred`: the link is checked in the project stage instead,
    when every linted file's URLs are known without reading them again."""


class _Deferral:
    """`SiteModel.deferred`'s context manager: a class, not a generator, as
    link rules enter it for every local link (a third of the cost)."""

    __slots__ = ("model",)

    def __init__(self, model: SiteModel) -> None:
        self.model = model

    def __enter__(self) -> None:
        self.model.deferring = True

    def __exit__(self, *exc: object) -> None:
        self.model.deferring = False


# --- the model --------------------------------------------------------------------


@dataclass
class SiteModel:
    """One site: its generator, published files, URLs, ids and static files.

    Built with only a root (and the older options: static folders, a
    permalink pattern, a heading-id style), it is a plain folder; `load_site`
    gives it the detected generator.
    """

    root: Path
    static_dirs: tuple[str, ...] = DEFAULT_STATIC_DIRS
    permalink: str = ""
    heading_ids: str = ""  # a heading-id style that overrides the generator's
    site: Generator | None = None
    _posts: list[Path] | None = field(default=None, repr=False)
    _published_memo: dict[Path, bool] = field(default_factory=dict, repr=False)
    _post_memo: dict[Path, bool] = field(default_factory=dict, repr=False)
    _path_index: Mapping[str, Path] | None = field(default=None, repr=False)
    _url_index: dict[str, Path] | None = field(default=None, repr=False)
    _own_urls: dict[Path, str] = field(default_factory=dict, repr=False)
    _anchors: dict[tuple[Path, int, int], frozenset[str]] = field(default_factory=dict, repr=False)
    _unreadable: dict[tuple[Path, int, int], ReadError] = field(default_factory=dict, repr=False)
    # (path, folder it is relative to, pages) -> the existing file: posts link to the
    # same targets again and again, and each miss costs several stat calls.
    _found: dict[tuple[str, str, bool], Path | None] = field(default_factory=dict, repr=False)
    # Whether each folder a candidate file was looked for in is one (see `_first_file`).
    _folders: dict[str, bool] = field(default_factory=dict, repr=False)
    # (url as written, folder it is relative to or "", pages) -> resolve()'s file answer.
    _resolved: dict[tuple[str, str, bool], Path | None] = field(default_factory=dict, repr=False)
    # folder -> its entries by lower-cased name, for `case_twin`.
    _listings: dict[str, dict[str, list[str]]] = field(default_factory=dict, repr=False)
    # path as a rule gives it -> its absolute path (asked by several rules per file).
    _absolutes: dict[tuple[str, Path], Path] = field(default_factory=dict, repr=False)
    # The last path `_absolute` was asked for, the working folder it was relative
    # to ("" for an absolute path) and its answer.
    _last_absolute: tuple[object, str, Path] = field(default=(None, "", Path()), repr=False)
    # (working folder, path) -> os.path.realpath: an lstat per component, asked per
    # fragment link into another file and per linted file.
    _reals: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    # absolute folder -> os.path.realpath of it (see `_real`).
    _real_folders: dict[str, str] = field(default_factory=dict, repr=False)
    # absolute path -> its language's URL prefix, asked per root-relative link.
    _prefixes: dict[Path, str] = field(default_factory=dict, repr=False)
    # absolute path -> whether it is a partial, asked per relative link (CD101, CD107).
    _partials: dict[Path, bool] = field(default_factory=dict, repr=False)
    # Set while `deferred`: `NeedsIndex` instead of building the URL index.
    deferring: bool = field(default=False, repr=False)
    # Each post's URLs from its path alone (see `path_index`), reused by the full index.
    _bare_urls: dict[Path, list[str]] = field(default_factory=dict, repr=False)
    # A page's own URL key from its own front matter (`url_of` before the index exists).
    _own_alone: dict[Path, str | None] = field(default_factory=dict, repr=False)
    # Linted pages' front matter, as far as it moves URLs (`keep_front_matter`), by
    # the text of the page's absolute path (as facts give it: no `Path` made for each).
    _front_matters: dict[str, Mapping[str, Any]] = field(default_factory=dict, repr=False)
    # How `model_for` finds this model again ((); a model not from `project_for`).
    key: tuple[Any, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if self.site is None:
            self.site = Generator(self.root, static_dirs=self.static_dirs, permalink=self.permalink)

    @functools.cached_property
    def generator(self) -> Generator:
        """`site`, set in `__post_init__` (kept: link rules ask several times a link)."""
        assert self.site is not None
        return self.site

    @property
    def id_styles(self) -> tuple[str, ...]:
        return (self.heading_ids,) if self.heading_ids else self.generator.id_styles

    @functools.cached_property
    def id_writers(self) -> frozenset[str]:
        """The site's shortcodes that write ids (see `Generator.id_writers`)."""
        return self.generator.id_writers()

    @functools.cached_property
    def static_roots(self) -> list[tuple[Path, str]]:
        return self.generator.static_roots()

    # --- files ------------------------------------------------------------------------

    def _absolute(self, path: Path) -> Path:
        """Each rule asks about the file it lints (published? a post? a
        partial?): the path is made absolute once per file, not per question
        (relative to the working folder of the moment: a process may move).
        The rules of one file ask with the same `Path` object, one question
        after another: that one is answered without hashing it again."""
        last = self._last_absolute
        if last[0] is path and (not last[1] or last[1] == os.getcwd()):
            return last[2]
        folder = "" if os.path.isabs(path) else os.getcwd()
        key = (folder, path)
        absolute = self._absolutes.get(key)
        if absolute is None:
            absolute = Path(os.path.abspath(path))
            if not str(absolute).startswith(str(self.root)):
                absolute = absolute.resolve()
            self._absolutes[key] = absolute
        self._last_absolute = (path, folder, absolute)
        return absolute

    def realpath(self, path: Path | str) -> str:
        """`os.path.realpath`, once per path and working folder for this model."""
        key = ("" if os.path.isabs(path) else os.getcwd(), str(path))
        real = self._reals.get(key)
        if real is None:
            real = self._reals[key] = self._real(str(path))
        return real

    def _real(self, path: str) -> str:
        """`os.path.realpath` from the real path of the file's folder (once per
        folder): one lstat per file instead of one per component. A path with
        `..` (which realpath takes after a link, not before) or that is a link
        itself goes the whole way."""
        absolute = os.path.abspath(path)
        if ".." in path or os.path.islink(absolute):
            return os.path.realpath(path)
        folder, name = os.path.split(absolute)
        real_folder = self._real_folders.get(folder)
        if real_folder is None:
            real_folder = self._real_folders[folder] = os.path.realpath(folder)
        return os.path.join(real_folder, name)

    def is_published(self, path: Path) -> bool:
        return self._published(self._absolute(path))

    def _published(self, absolute: Path) -> bool:
        """Asked by several rules per file, and a generator may read the file's
        first bytes to answer: once per file and model (like its indexes)."""
        published = self._published_memo.get(absolute)
        if published is None:
            published = self._published_memo[absolute] = self.generator.is_published(absolute)
        return published

    def is_post(self, path: Path) -> bool:
        absolute = self._absolute(path)
        post = self._post_memo.get(absolute)
        if post is None:
            post = self._post_memo[absolute] = self.generator.is_post(absolute)
        return post

    def variant(self, path: Path) -> str:
        return self.generator.variant(self._absolute(path))

    def is_partial(self, path: Path) -> bool:
        """A file other pages pull in (`_includes/`, Hugo's `_common/`, a
        Docusaurus `_partial.mdx`, MkDocs snippets in `includes/`): its relative
        links and `#fragments` belong to whichever page includes it."""
        absolute = self._absolute(path)
        partial = self._partials.get(absolute)
        if partial is None:
            partial = self._partials[absolute] = self._is_partial(absolute)
        return partial

    def _is_partial(self, absolute: Path) -> bool:
        if self._published(absolute):
            return False
        parts = Path(os.path.relpath(absolute, self.root)).parts
        if parts and parts[0] == "..":
            parts = absolute.parts[-3:]
        return any(part.startswith("_") or part in _PARTIAL_FOLDERS for part in parts)

    def markdown_files(self) -> Iterator[Path]:
        """Markdown files in the content folders; none when one is a filesystem
        root or the home folder, where a walk would read the whole disk.

        Hidden and never-served folders (`.venv`, `node_modules`, ...) are
        pruned before the walk enters them, and so is a folder that is a
        site of its own (it holds a site config or `.git`): its posts are
        served under another root.
        """
        tops = _outermost(self.generator.content_dirs())
        suffixes = self.generator.page_suffixes
        for top in tops:
            if top in (Path(top.anchor), Path.home()):
                continue
            yield from _walk_markdown(top, suffixes)

    @functools.cached_property
    def _post_names(self) -> frozenset[str]:
        """`posts` as a set of their paths' text, for "is this file a published
        page" (`str(path) in`): made from the names the lint cache kept, a run
        that re-lints one page makes no `Path` for the others."""
        kept = self._kept
        if self._posts is None and kept is not None and kept.names is not None:
            prefix = kept.prefix
            return frozenset([prefix + name for name in kept.names])
        return frozenset([str(post) for post in self.posts()])

    @functools.cached_property
    def _kept(self) -> KeptPages | None:
        """The page list and path index the lint cache keeps for this run (see
        copydesk.site.urlcache); None when it keeps none."""
        from copydesk.site.urlcache import kept_pages

        return kept_pages(self.root, self.generator)

    def posts(self) -> list[Path]:
        """Published Markdown files, listed once, sorted as Paths sort (kept
        between runs of the lint cache: copydesk.site.urlcache)."""
        if self._posts is None:
            kept = self._kept
            if kept is not None and kept.names is not None:
                self._posts = [Path(kept.prefix + name) for name in kept.names]
            else:
                self._posts = self._list_posts()
                if kept is not None:
                    kept.keep_posts(self._posts)
        return self._posts

    def _list_posts(self) -> list[Path]:
        published = (p for p in self.markdown_files() if self._published(p))
        return sorted(published, key=lambda p: str(p).split(os.sep))

    # --- URLs ---------------------------------------------------------------------------

    def page(self, key: str) -> Path | None:
        """The file served at a URL key (see `url_key`), or None.

        A URL that a file gets from its path alone (and its file name's date
        and folders) is answered from the folder listing; only the others
        (`permalink`, `url`, `slug`, `aliases` in front matter, patterns that
        need a title) make the index read other files' front matter. So a
        link that resolves costs no YAML, and one file linted in a hook
        stays fast. Hugo serves paths in lowercase: a key is also tried so.
        """
        keys = self.generator.own_url_keys()
        for candidate in dict.fromkeys((key, key.lower())):
            if self._url_index is not None:
                break  # the full index knows better
            found = self.path_index.get(candidate)
            # The path gives the URL unless the file's front matter moves it.
            if found is not None and not _may_hold(found, keys):
                return found
        if self._url_index is None and self.deferring:
            raise NeedsIndex(key)
        for candidate in dict.fromkeys((key, key.lower())):
            found = self.url_index.get(candidate)
            if found is not None:
                return found
        return None

    @property
    def path_index(self) -> Mapping[str, Path]:
        """URL key → file, from paths alone (no file read): right for every
        file whose front matter does not move its URL, which `page` checks
        for the one file a link lands on. Kept by the lint cache with the
        page list (one page re-linted asks no page's URL)."""
        if self._path_index is None:
            kept = self._kept
            if kept is not None and kept.names is not None and kept.index is not None:
                self._path_index = _NamedIndex(kept.prefix, kept.index)
                return self._path_index
            index: dict[str, Path] = {}
            bare = self._bare_urls
            for path in self.posts():
                urls = bare[path] = self.generator.urls(path, {})  # no front matter: no redirects
                for url in urls:
                    index.setdefault(url_key(url), path)
            self._path_index = index
            if kept is not None:
                kept.keep_index(index)
        return self._path_index

    @property
    def url_index(self) -> dict[str, Path]:
        """Served URL key → file, built on first use from front matter."""
        if self._url_index is None:
            self._build_index()
            assert self._url_index is not None
        return self._url_index

    def _build_index(self) -> None:
        from copydesk.site.urlcache import store_for

        store = store_for(self.root, self.generator)  # kept between runs (lint's cache)
        kept = self._front_matters
        index: dict[str, Path] = {}
        own: dict[Path, str] = {}
        for path in self.posts():
            given = kept.get(str(path)) if kept else None
            if given is None:
                found = functools.partial(self._served_at, path)
            else:  # the file's own parse gave it: not read again
                found = functools.partial(self._urls, path, given)
            urls = store.urls(path, found) if store is not None else found()
            for number, url in enumerate(urls):
                key = url_key(url)
                index.setdefault(key, path)
                if number == 0:
                    own[path] = key
        self._own_urls = own
        self._url_index = index
        self._front_matters = {}
        if store is not None:
            store.save()

    def _served_at(self, path: Path) -> list[str]:
        """The URLs serving a page, from its front matter (read only when it
        may hold a key that moves the URL)."""
        generator = self.generator
        return self._urls(path, _read_front_matter(path, generator.front_matter_keys()))

    def _urls(self, path: Path, front_matter: Mapping[str, Any]) -> list[str]:
        """`generator.urls`; without front matter, what `path_index` found."""
        bare = None if front_matter else self._bare_urls.get(path)
        return list(bare) if bare is not None else self.generator.urls(path, front_matter)

    def deferred(self) -> _Deferral:
        """While the block runs, a question only the full URL index answers
        raises `NeedsIndex` instead of building the index (a link rule then
        checks that link in its project stage)."""
        return _Deferral(self)

    def keep_front_matter(self, parsed: ParsedFile) -> tuple[str, Mapping[str, Any]] | None:
        """Keep what a linted page's front matter says of its URLs, from its
        own parse, until the URL index is built: the index then reads only the
        pages not linted. A rule's project stage that needs the index (see
        `NeedsIndex`) builds it after every file was kept. Returns what was
        kept (absolute path, front matter), for a worker to send back to the
        process that builds the index (`keep`): also once this model's own
        index is built (a worker's image rule may build it), as the main
        process's index is not, and would read the page from disk again
        (rust blog, --jobs 2: ~40 pages and the YAML import, serially)."""
        path = self._absolute(parsed.path)
        if str(path) not in self._post_names:
            return None
        front_matter = self._url_front_matter(parsed)
        self.keep(path, front_matter)
        return str(path), front_matter

    def keep(self, path: Path | str, front_matter: Mapping[str, Any]) -> None:
        """Keep a linted page's URL front matter (see `keep_front_matter`),
        given by the process that parsed it (`path`: absolute)."""
        if self._url_index is None:
            self._front_matters[str(path)] = front_matter
            _KEEPING[id(self)] = self

    @functools.cached_property
    def _url_needles(self) -> tuple[str, ...]:
        return _text_needles(self.generator.front_matter_keys())

    def _url_front_matter(self, parsed: ParsedFile) -> Mapping[str, Any]:
        """`_read_front_matter(path, front_matter_keys())` from the parse: {}
        unless a key that moves URLs may be in it (the same test on the same
        text: the bytes up to the closing fence)."""
        document = parsed.document
        if document.front_matter is None:
            return {}
        if document.newline == "\n":
            text = document.text
            end = text.find("\n") + 1 + len(document.front_matter)  # the closing fence
            if not any(text.find(needle, 0, end) >= 0 for needle in self._url_needles):
                return {}
        elif not _may_hold(parsed.path, self.generator.front_matter_keys()):
            return {}  # \r\n, \r: the bytes on disk decide
        data = parsed.front_matter
        return data if isinstance(data, Mapping) else {}

    def own_url(self, source: Path, front_matter: Mapping[str, Any]) -> str | None:
        """`url_of` for a file being linted, from its own front matter: one file in
        a hook then reads no other file's front matter (the full index does)."""
        if self._url_index is not None:
            return self.url_of(source)
        path = self._absolute(source)
        if str(path) not in self._post_names:
            return None
        url = next(iter(self.generator.urls(path, front_matter)), None)
        return url_key(url) if url is not None else None

    def url_of(self, source: Path) -> str | None:
        """The served URL key of a published file, or None."""
        absolute = self._absolute(source)
        if self._url_index is not None:
            return self._own_urls.get(absolute) or self._own_urls.get(source)
        # The index's answer without the index: the file's own front matter only.
        for path in (absolute, source):
            if str(path) in self._post_names:
                if path not in self._own_alone:
                    urls = self._served_at(path)
                    self._own_alone[path] = url_key(urls[0]) if urls else None
                if self._own_alone[path]:
                    return self._own_alone[path]
        return None

    def _strip_base(self, path: str) -> str:
        base = self.generator.base_path
        if base and (path == base or path.startswith(base + "/")):
            return path[len(base) :] or "/"
        return path

    # --- resolving links --------------------------------------------------------------

    @functools.cached_property
    def _home(self) -> tuple[str, int | None] | None:
        """The host (without `www.`) and port the site is published at, or None:
        asked for every full URL with a fragment, read once."""
        home = split_url(self.generator.site_url)
        host = (home.hostname or "").lower().removeprefix("www.")
        if not host or home.scheme not in ("http", "https"):
            return None
        return host, home.port

    def own_url_path(self, url: str) -> str | None:
        """`https://jekyllrb.com/docs/x/#y` → `/docs/x/#y` when the URL is on the
        host the site is published at (its `url`/`baseURL`/`site_url`, `www.`
        or not, http or https) and under its base path; else None."""
        home = self._home
        if home is None:
            return None
        host, port = home
        if host not in url.lower():
            return None  # most full URLs: another host (the check below would say so)
        parts = split_url(url)
        if parts.scheme.lower() not in ("http", "https") or parts.port != port:
            return None
        if (parts.hostname or "").lower().removeprefix("www.") != host:
            return None
        path = parts.path or "/"
        base = self.generator.base_path
        if base and path != base and not path.startswith(base + "/"):
            return None
        return path + ("#" + parts.fragment if parts.fragment else "")

    def resolve(
        self, url: str, source: Path, pages: bool = True, localize: bool = True
    ) -> Path | None:
        """The file that serves a local URL written in `source`, or None.

        Tried in order: the path relative to the file (or, for `/x`, under
        each static root), then for page links (`pages`) the URL index
        (`/blog/my-post/` → the post whose permalink gives it) and pages the
        generator makes without a file (`/tags/x/`). A relative URL not
        found as a file is also taken relative to the page's served URL.
        Assets (`pages=False`) written without a leading slash are also
        tried from the static roots, as themes prefix front matter image
        paths with the base URL. `localize=False`: a root-relative URL is the
        page at that path, not its twin in the source's language (a full URL
        to the site, `https://site/docs/x/`, goes where it says).
        """
        named = self.generator.content_link(url)
        if named is not None:  # Zola's `@/blog/x.md`: a file below content/
            return Path(named) if os.path.isfile(named) else None
        relative = not url.startswith("/")
        if not relative and pages and localize:
            localized = self._localized(url, source)
            if localized is not None:
                return localized
        folder = os.path.dirname(source) if relative else ""
        key = (url, folder, pages)
        if key in self._resolved:
            found = self._resolved[key]
        else:
            path = url_path(url)
            if not path:
                return source
            found = self._existing_for(path, folder, pages)
            if found is None and not relative:
                found = self._served_page(url_key(self._strip_base(path)), pages, path)
            if found is None and not relative:
                found = self._bundle_resource(path)
            self._resolved[key] = found
        if found is None and relative:
            path = url_path(url)
            if path and _served(path):
                found = self._relative_to_page(path, source, pages)
        plain = self.generator.name == "plain"  # a repository read on GitHub
        if found is None and (plain or not self.is_published(source)):
            found = self._in_repository(url_path(url), source)
        if found is None and not relative:
            rule = self.redirect_for(url_path(url))
            found = rule.file if rule is not None else None
        if found is None and self.generator.theme_files():
            found = self._theme_file(url_path(url), source, relative)
        return found

    def from_theme(self, url: str, source: Path) -> bool:
        """Whether a local URL is a file the site's theme ships (MkDocs's
        built-in `img/favicon.ico`, a `custom_dir`'s assets): served once the
        site is built, though no file of the repository is at that path."""
        if not self.generator.theme_files():
            return False
        return self._theme_file(url_path(url), source, not url.startswith("/")) is not None

    def _theme_file(self, path: str, source: Path, relative: bool) -> Path | None:
        """The root (as for a page made without a file) when the URL is a file
        the site's theme ships (MkDocs's built-in `img/favicon.ico`): it is
        there once the site is built, though not in the repository."""
        if not relative:
            served = self._strip_base(path)
        else:
            folder = os.path.dirname(self._absolute(source))
            target = os.path.normpath(os.path.join(folder, path))
            folders = [(str(folder), prefix) for folder, prefix in self.static_roots]
            inside = [(f, p) for f, p in folders if target.startswith(f.rstrip(os.sep) + os.sep)]
            if not inside:
                return None
            folder, prefix = inside[0]
            served = prefix + os.path.relpath(target, folder).replace(os.sep, "/")
        return self.root if served.lstrip("/") in self.generator.theme_files() else None

    def can_tell(self, url: str, source: Path) -> bool:
        """Whether a link that `resolve` does not find is known to be broken:
        always, unless the generator adds pages in code copydesk cannot read,
        the link is on one of its pages (a README's links are repository
        paths) and the URL may be such a page (not a Markdown file's name, not
        a static file such as an image)."""
        if self.generator.knows_page_urls() or not self.is_published(source):
            return True
        path = url_path(url)
        suffix = os.path.splitext(path.rstrip("/"))[1].lower()
        return not _served(path) or suffix in _STATIC_SUFFIXES

    @functools.cached_property
    def host_redirects(self) -> list[Redirect]:
        """The host's redirect and rewrite rules (`_redirects`, `netlify.toml`,
        `vercel.json`): read once, and only when a link is not found otherwise."""
        from copydesk.site.redirects import host_redirects

        return host_redirects(self.root, [folder for folder, _ in self.static_roots])

    def redirect_for(self, path: str) -> Redirect | None:
        """The host rule that serves a root-relative URL path, or None."""
        if not path.startswith("/"):
            return None
        return next((rule for rule in self.host_redirects if rule.matches(path)), None)

    def _in_repository(self, path: str, source: Path) -> Path | None:
        """A README or other repository file is read on GitHub, which takes
        `/x` from the repository root and shows a folder's listing. When the
        root is a repository's top (`.git`, `.github`), a path that climbs
        above it leaves the repository: on GitHub, `../../issues` from the
        root README is the repository's issues page. copydesk cannot tell
        what is there, so it is taken as found (the root)."""
        if not path:
            return None
        base = str(self.root) if path.startswith("/") else os.path.dirname(source)
        candidate = os.path.join(base, path.lstrip("/"))
        if os.path.exists(candidate):
            return Path(candidate)
        if not self._repository_top:
            return None
        inside = os.path.join(os.path.abspath(self.root), "")
        return None if os.path.abspath(candidate).startswith(inside) else self.root

    @functools.cached_property
    def _repository_top(self) -> bool:
        """Whether the root is the top of a repository (GitHub reads `.github` there)."""
        return any(os.path.exists(self.root / name) for name in REPOSITORY_TOP_MARKERS)

    def _localized(self, url: str, source: Path) -> Path | None:
        """A root-relative page link from a page in another language or locale
        first reaches that language's page (Hugo's and Docusaurus's own links
        do): `/docs/x/` from a French page is `/fr/docs/x/` when that exists."""
        absolute = self._absolute(source)
        prefix = self._prefixes.get(absolute)
        if prefix is None:
            prefix = self._prefixes[absolute] = self.generator.language_prefix(absolute)
        if not prefix:
            return None  # a page in the default language (most pages): no URL to parse
        path = url_path(url)
        if not path or path.startswith(prefix + "/") or not _served(path):
            return None
        return self.page(url_key(prefix + self._strip_base(path)))

    def _served_page(self, key: str, pages: bool, path: str) -> Path | None:
        if not pages or not _served(path):
            return None
        found = self.page(key)
        if found is None and self.generator.virtual(key):
            return self.root
        return found

    def _relative_to_page(self, path: str, source: Path, pages: bool) -> Path | None:
        """A relative URL is relative to the page's served URL, not its file."""
        own = self.url_of(source)
        if own is None:
            return None
        absolute = urljoin(own.rstrip("/") + "/", path)
        found = self._existing(self._from_static(absolute))
        if found is None:
            found = self._served_page(url_key(absolute), pages, absolute)
        return found if found is not None else self._bundle_resource(absolute)

    def _bundle_resource(self, path: str) -> Path | None:
        """A file beside a page bundle's `index.md` is served under the page's
        URL (Hugo, Zola): `/2024/05/07/post/chart.svg` is `post/chart.svg`
        when `/2024/05/07/post/` is the bundle `post/index.md`."""
        parent, _, name = path.rstrip("/").rpartition("/")
        if not name or not parent or name.endswith(MARKDOWN_SUFFIXES):
            return None
        if name.lower() not in self._bundle_files:
            return None  # beside no bundle's index: no need to ask which page is served
        page = self.page(url_key(self._strip_base(parent)))
        if page is None or page.stem not in _BUNDLES:
            return None
        candidate = page.parent / name
        return candidate if candidate.is_file() else None

    @functools.cached_property
    def _bundle_files(self) -> frozenset[str]:
        """Names (lower-cased) of the files in page bundles' folders, the only
        files `_bundle_resource` can find: a name not among them needs no page
        lookup (which may need the full URL index)."""
        names: set[str] = set()
        for folder in {str(post.parent) for post in self.posts() if post.stem in _BUNDLES}:
            try:
                names.update(name.lower() for name in os.listdir(folder))
            except OSError:
                continue
        return frozenset(names)

    def _existing(self, bases: Iterable[str]) -> Path | None:
        for base in bases:
            found = _first_file(base, self._folders)
            if found is not None:
                return Path(found)
        return None

    def _existing_for(self, path: str, folder: str, pages: bool) -> Path | None:
        absolute = path.startswith("/")
        key = (path, "" if absolute else folder, pages)
        if key not in self._found:
            if absolute:
                bases: Iterable[str] = self._from_static(self._strip_base(path))
                if self.generator.base_path and self._strip_base(path) != path:
                    bases = itertools.chain(bases, self._from_static(path))
            else:
                near = [os.path.join(folder, path)]
                near += [os.path.join(root, path) for root in self.generator.link_roots()]
                bases = itertools.chain(near, () if pages else self._from_static("/" + path))
            self._found[key] = self._existing(bases)
        return self._found[key]

    def _from_static(self, path: str) -> Iterator[str]:
        """Where a root-relative path may live: under each static root whose
        URL prefix it starts with (lazily: the first that exists ends it)."""
        for folder, prefix in self.static_roots:
            if path.startswith(prefix):
                yield os.path.join(folder, path[len(prefix) :])
            elif path.rstrip("/") == prefix.rstrip("/"):
                yield str(folder)

    # --- Hugo refs ---------------------------------------------------------------------------

    @functools.cached_property
    def _ref_index(self) -> RefIndex:
        from copydesk.site.refs import build_index

        return build_index(self)

    def find_ref(self, ref_path: str, source: Path) -> Path | None:
        """The page a Hugo `{{< ref "ref_path" >}}` in `source` names (the site
        root for a section or taxonomy page without a file), or None: see
        `copydesk.site.refs` for Hugo's lookup order."""
        from copydesk.site.refs import page_folders

        return self._ref_index.find(ref_path, page_folders(self, source))

    # --- letter case ------------------------------------------------------------------------

    @functools.cached_property
    def folds_case(self) -> bool:
        """Whether the disk this site is on ignores letter case (macOS, Windows):
        there a link whose case is wrong resolves, and only `case_twin` sees it."""
        swapped = self.root.with_name(self.root.name.swapcase())
        if swapped == self.root:
            return False
        try:
            return os.path.samefile(self.root, swapped)
        except OSError:
            return False

    def case_twin(self, url: str, source: Path, pages: bool = True) -> Path | None:
        """The file a local URL names when letter case is ignored, where its
        spelling on disk differs from the URL's: `/img/Logo.PNG` for
        `static/img/logo.png`. Such a link works on a disk that folds case
        and is a 404 on a case-sensitive host (Linux, GitHub Pages). Only a
        path that names a file (it has a suffix) is looked up: a page URL's
        case is the generator's business (Hugo lowercases them), not the disk's."""
        path = url_path(url)
        if not os.path.splitext(path.rstrip("/"))[1] or path.endswith("/"):
            return None
        for base in self._literal_bases(path, source, pages):
            real = self._real_spelling(os.path.normpath(base))
            if real is not None:
                return Path(real) if real != os.path.normpath(base) else None
        return None

    def _literal_bases(self, path: str, source: Path, pages: bool) -> Iterator[str]:
        """The files a path names as written, in `resolve`'s order (no page lookup)."""
        folder = os.path.dirname(self._absolute(source))
        if path.startswith("/"):
            yield from self._from_static(self._strip_base(path))
            if self.generator.base_path and self._strip_base(path) != path:
                yield from self._from_static(path)
        else:
            yield os.path.join(folder, path)
            if not pages:
                yield from self._from_static("/" + path)
        if self.generator.name == "plain" or not self.is_published(source):
            yield os.path.join(str(self.root) if path.startswith("/") else folder, path.lstrip("/"))

    def _real_spelling(self, absolute: str) -> str | None:
        """The path of the one file that `absolute` names when case is ignored,
        spelled as on disk; None when there is none, or several (`a.png` and
        `A.png` side by side), or it is outside the site."""
        relative = os.path.relpath(absolute, self.root)
        if relative.startswith(".."):
            return None
        current = str(self.root)
        for part in relative.split(os.sep):
            entries = self._listing(current)
            names = entries.get(part.lower(), [])
            if part in names:
                current = os.path.join(current, part)
            elif len(names) == 1:
                current = os.path.join(current, names[0])
            else:
                return None
        return current if os.path.isfile(current) else None

    def _listing(self, folder: str) -> dict[str, list[str]]:
        if folder not in self._listings:
            entries: dict[str, list[str]] = {}
            try:
                names = os.listdir(folder)
            except OSError:
                names = []
            for name in names:
                entries.setdefault(name.lower(), []).append(name)
            self._listings[folder] = entries
        return self._listings[folder]

    def on_disk(self, path: Path) -> str:
        """A path relative to the site root, as messages show it."""
        return os.path.relpath(path, self.root).replace(os.sep, "/")

    # --- ids ------------------------------------------------------------------------------

    def ids(
        self, path: Path, parsed: ParsedFile | None = None, max_size: int | None = None
    ) -> frozenset[str]:
        """Fragments a page offers (see `anchors_of`), parsed once per file
        version, or from `parsed`, the file a rule already has.

        `max_size`: the run's `max-file-size`; a linked file over it is not
        parsed (it would cost ~10x its size), it raises `FileTooLarge`, as a
        file that cannot be read raises its `ReadError`, once per version."""
        if parsed is not None:  # several links of one file ask: once per file
            given = parsed
            return given.memo(
                "site-ids", lambda: anchors_of(given, self.id_styles, self.id_writers)
            )
        from copydesk.parse import parse_document
        from copydesk.read import read_document

        stat = path.stat()
        cache_key = (path.resolve(), stat.st_mtime_ns, stat.st_size)
        if cache_key in self._unreadable:
            raise self._unreadable[cache_key]
        if cache_key not in self._anchors:
            try:
                parsed = parse_document(read_document(path, max_size, digest=False))
            except ReadError as error:
                self._unreadable[cache_key] = error
                raise
            self._anchors[cache_key] = anchors_of(parsed, self.id_styles, self.id_writers)
            parsed.release()
        return self._anchors[cache_key]

    anchors = ids  # the former name

    # --- telling the user ---------------------------------------------------------------

    def label(self) -> str:
        return LABELS.get(self.generator.name, self.generator.name)

    def looked_in(self) -> str:
        """`Hugo: looked in content/, static/` — for "not found" messages:
        the folders are stat-ed once per model, not once per message."""
        return self._looked_in

    @functools.cached_property
    def _looked_in(self) -> str:
        folders = [self._short(f) for f in self.generator.content_dirs() if f.is_dir()]
        folders += [self._short(folder) for folder, _ in self.static_roots if folder.is_dir()]
        unique = list(dict.fromkeys(folders))
        shown = unique[:4] + ([f"{len(unique) - 4} more"] if len(unique) > 4 else [])
        return f"{self.label()}: looked in {', '.join(shown)}"

    def _short(self, folder: Path) -> str:
        relative = os.path.relpath(folder, self.root)
        return "./" if relative == "." else relative.replace(os.sep, "/") + "/"

    def explain(self, url: str, source: Path) -> list[str]:
        """How `resolve` reads `url` written in `source`, one step a line."""
        from copydesk.site.explain import explain

        return explain(self, url, source)


Project = SiteModel


class _NamedIndex(Mapping[str, Path]):
    """A path index as the lint cache keeps it (URL key -> name under the
    root): a `Path` is made for the page a link lands on, not for every page."""

    def __init__(self, prefix: str, names: dict[str, str]) -> None:
        self._prefix = prefix
        self._names = names

    def __getitem__(self, key: str) -> Path:
        return Path(self._prefix + self._names[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _outermost(folders: list[Path]) -> list[Path]:
    """The folders that are not inside another of them."""
    unique = sorted(set(folders), key=lambda p: len(p.parts))
    kept: list[Path] = []
    for folder in unique:
        if not any(str(folder).startswith(str(outer).rstrip(os.sep) + os.sep) for outer in kept):
            kept.append(folder)
    return kept


def _walk_markdown(top: Path, suffixes: tuple[str, ...] = MARKDOWN_SUFFIXES) -> Iterator[Path]:
    folders = [str(top)]
    while folders:  # scandir: file types come with the listing, no stat per file
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if entry.is_dir(follow_symlinks=False):  # as os.walk: no symlink loops
                generated = name == "resources" and os.path.isdir(os.path.join(entry.path, "_gen"))
                served = name[0] != "." and name not in SKIPPED_DIRS and not generated
                if served and not is_site_root(entry.path):
                    folders.append(entry.path)
            elif name.endswith(suffixes) and _is_file(entry):
                yield Path(entry.path)


def _first_file(base: str, folders: dict[str, bool] | None = None) -> str | None:
    """The first file of: `base` itself, then what a generator serves for it
    (`x.html` from `x.md`, `x/` from `x.md` or `x/index.md`). One `stat` of
    `base` tells whether it is a file, and whether it is a folder that can
    hold the index pages (nothing is below a path that is not one: most
    links miss, and each candidate costs a `stat`). When `base` is not there,
    every other candidate is in its folder: a folder that is not there (kept
    in `folders`: most page links are first looked for under static folders
    that lack their path) ends the search. Plain strings: this runs for every
    link, and pathlib costs more than the stat calls."""
    base = base.rstrip("/") or "/"
    try:
        mode = os.stat(base).st_mode
    except (OSError, ValueError):
        mode = 0
    if S_ISREG(mode):
        return base
    if not mode and folders is not None:
        parent = os.path.dirname(base) or "."  # a relative `base` in the working folder
        there = folders.get(parent)
        if there is None:
            there = folders[parent] = os.path.isdir(parent)
        if not there:
            return None
    stem, suffix = os.path.splitext(base)
    if suffix in (".html", ".htm"):
        for markdown in MARKDOWN_SUFFIXES:
            if os.path.isfile(stem + markdown):
                return stem + markdown
    if not suffix or suffix not in _KNOWN_SUFFIXES:
        for markdown in MARKDOWN_SUFFIXES:
            if os.path.isfile(base + markdown):
                return base + markdown
        if S_ISDIR(mode):
            for index in _INDEX_PAGES:
                candidate = os.path.join(base, index)
                if os.path.isfile(candidate):
                    return candidate
    return None


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:  # a link to itself, a link loop: not a page
        return False


_BUNDLES = ("index", "_index")  # the stems of a page bundle's page
# What a folder URL serves, in the order `_first_file` tries them.
_INDEX_PAGES = ("index.md", "_index.md", "index.html", "README.md", "index.mdx")
_PARTIAL_FOLDERS = frozenset({"includes", "partials", "snippets"})
# Files a generator copies as they are: no code makes them at build time.
_STATIC_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico", ".pdf", ".zip", ".mp4"}
)
# Suffixes that name a file as it is served: no Markdown source stands behind them.
_KNOWN_SUFFIXES = frozenset(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".svg",
        ".webp",
        ".avif",
        ".ico",
        ".pdf",
        ".zip",
        ".css",
        ".js",
        ".json",
        ".xml",
        ".txt",
        ".mp4",
        ".webm",
        ".mp3",
        ".woff",
        ".woff2",
        ".ttf",
        ".html",
        ".htm",
        ".md",
        ".markdown",
        ".mdx",
        ".yml",
        ".yaml",
        ".toml",
        ".csv",
    ]
)


# --- one model per site and settings ---------------------------------------------------


def load_site(
    root: Path,
    generator: str = "auto",
    static_dirs: tuple[str, ...] | None = None,
    permalink: str = "",
) -> SiteModel:
    """The model of the site at `root`: `generator` "auto" detects it; a
    generator name forces one; "github" or "kramdown" only choose the
    heading-id style (the option's older meaning). Static folders and a
    permalink pattern from copydesk's config are added to what the
    generator's config says."""
    name = generator if generator in NAMES else generator_name_at(root) or "plain"
    from copydesk.site.urlcache import keep_generator, kept_generator

    site = kept_generator(root, name)  # as a run of the lint cache loaded it
    if site is None:
        site = load_generator(root, name)
        keep_generator(root, name, site)
    site.loose = not any((root / marker).exists() for marker in PROJECT_MARKERS)
    if static_dirs is not None:
        site.static_dirs = tuple(dict.fromkeys((*site.static_dirs, *static_dirs)))
    if permalink:
        site.permalink = permalink
    if not site.site_url:
        site.site_url = published_at(root, [folder for folder, _ in site.static_roots()])
    id_style = generator if generator in ("github", "kramdown") else ""
    return SiteModel(root, site.static_dirs, permalink, id_style, site)


def published_at(root: Path, static_folders: list[Path]) -> str:
    """Where a site is published when its generator's config does not say (or
    says it in code): a `CNAME` file (GitHub Pages) at the root or in a static
    folder, Astro's literal `site:`, else package.json's `homepage` (the
    site's or its repository's, when that is no code host's page)."""
    import json

    for folder in dict.fromkeys([root, *static_folders]):
        cname = _first_line(folder / "CNAME")
        if cname and "." in cname and "/" not in cname:
            return "https://" + cname
    for name in ("astro.config.mjs", "astro.config.ts", "astro.config.js"):
        match = re.search(r"""\bsite\s*:\s*['"](https?://[^'"]+)['"]""", _text(root / name))
        if match:
            return match.group(1)
    for folder in (root, root.parent):
        try:
            homepage = json.loads(_text(folder / "package.json") or "{}").get("homepage")
        except (ValueError, AttributeError):
            continue
        host = split_url(homepage).hostname if isinstance(homepage, str) else None
        if host and not host.endswith(("github.com", "gitlab.com", "npmjs.com", "bitbucket.org")):
            return str(homepage)
    return ""


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


def _first_line(path: Path) -> str:
    return _text(path).strip().split("\n", 1)[0].strip()


def generator_name_at(folder: Path) -> str | None:
    from copydesk.site.detect import generator_at

    return generator_at(str(folder))


@functools.lru_cache(maxsize=16)
def _cached_site(
    root: str, generator: str, static_dirs: tuple[str, ...] | None, permalink: str, stamp: int
) -> SiteModel:
    """The model of a site root (text: `model_for` asks with a model's key,
    per file's facts, and a string hashes faster than a `Path`)."""
    model = load_site(Path(root), generator, static_dirs, permalink)
    model.key = (root, generator, static_dirs, permalink, stamp)
    return model


def _tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value or ())


def project_for(
    settings: Mapping[str, Any], config_root: Path, source: Path, shared: Any = None
) -> SiteModel:
    """The model for this file: the engine's shared one when it gives a
    `SiteModel`, otherwise one cached per site root and settings.

    The cache key includes the root's modification time so that a long-lived
    process (an editor) does not keep an index of files since renamed at the
    root; `lint_paths` forgets every model when it starts (`forget_tree`).
    """
    if isinstance(shared, SiteModel):
        return shared
    folder = os.path.dirname(os.path.abspath(source))
    known = _SITES_OF.get((id(settings), config_root, folder))
    if known is not None and known[0] is settings:  # the same settings object, still alive
        root, generator, static_dirs, permalink = known[1]
    else:
        root, generator, static_dirs, permalink = _site_arguments(settings, config_root, source)
        if len(_SITES_OF) >= 4096:  # a long-lived process (tests, an editor)
            _SITES_OF.clear()
        _SITES_OF[(id(settings), config_root, folder)] = (
            settings,
            (root, generator, static_dirs, permalink),
        )
    try:
        stamp = os.stat(root).st_mtime_ns
    except OSError:
        stamp = 0
    return _cached_site(root, generator, static_dirs, permalink, stamp)


def forget_tree() -> None:
    """Drop the models kept from earlier runs: the root's mtime, in their key,
    does not change when a file deep in the tree does (a page's slug edited),
    so a second `lint_paths` in one process would answer from a stale model
    where a fresh process reads the files again."""
    _cached_site.cache_clear()
    _SITES_OF.clear()


# (id of the settings, config root, folder of a file) -> the settings (kept alive, so
# that the id is not reused) and `_site_arguments` for a file in that folder: every
# file of a run asks, and the files of a folder share the answer.
_SITES_OF: dict[tuple[int, Path, str], tuple[Any, tuple[str, str, Any, str]]] = {}


def _site_arguments(
    settings: Mapping[str, Any], config_root: Path, source: Path
) -> tuple[str, str, tuple[str, ...] | None, str]:
    """`_cached_site`'s arguments but the stamp, from a file's site settings."""
    root = str(site_root(settings, config_root, source))
    generator = str(settings.get("generator") or "auto")
    if generator not in GENERATORS and generator not in ID_STYLES:
        from copydesk.errors import UsageError

        raise UsageError(source, f"unknown generator {generator!r}; use one of {GENERATORS}")
    if generator in ID_STYLES and generator not in GENERATORS:
        generator = "auto"  # another heading-id style name ("hugo" is both)
    static = settings.get("static-dirs")
    static_dirs = _tuple(static) if static else None
    permalink = str(settings.get("permalink", "") or "")
    return root, generator, static_dirs, permalink


def model_for(key: tuple[Any, ...]) -> SiteModel:
    """The model a `SiteModel.key` names, for a rule's project stage (in the
    main process): the one its files were linted with when they were linted
    here, else one built the same way (a worker's is not at hand)."""
    root, generator, static_dirs, permalink, stamp = key
    return _cached_site(root, generator, static_dirs, permalink, stamp)


# Models holding linted pages' front matter for the run under way (`keep_front_matter`).
_KEEPING: dict[int, SiteModel] = {}


def end_run() -> None:
    """Forget the front matter kept for a run once its project stage is done:
    a model lives on in a long-lived process, and the pages may change before
    its next run."""
    for model in _KEEPING.values():
        model._front_matters = {}
    _KEEPING.clear()


def warm(settings: Mapping[str, Any], config_root: Path, source: Path) -> None:
    """Fill the model's indexes now (before worker processes fork): the page
    list and the index of URLs pages get from their paths. Not the full URL
    index: the link rules that need it check those links in their project
    stage (see `NeedsIndex`), so a run whose links all resolve from paths
    never reads a page's front matter for it."""
    model = project_for(settings, config_root, source)
    model.path_index  # noqa: B018
