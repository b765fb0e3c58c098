"""Cross-file facts about the site a post belongs to.

Link and image rules must answer "will this URL work once the site is built?",
which depends on how the generator serves files: where the site root is, which
folders are copied as static files, which URL a post gets from its `slug` or
`permalink`, and which ids its headings receive. This module answers those
questions from the files on disk, with no global state: a `Project` is built
per site root and the expensive parts (the URL→post index, parsed headings of
other files) are computed lazily, only when a rule asks.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

if TYPE_CHECKING:
    from copydesk.parse import Node, ParsedFile

GENERATORS: tuple[str, ...] = ("github", "kramdown", "hugo")
ROOT_MARKERS: tuple[str, ...] = ("_config.yml", "_config.toml", "config.toml", "hugo.toml", ".git")
DEFAULT_STATIC_DIRS: tuple[str, ...] = ("static", "assets", "public", "source")
MARKDOWN_SUFFIXES: tuple[str, ...] = (".md", ".markdown", ".mdown", ".mkd")
# Folders a generator never serves from (build output, dependencies, tooling).
SKIPPED_DIRS = frozenset({"_site", "node_modules", "vendor", "resources", "__pycache__"})
_BASEURL = re.compile(r"\{\{-?\s*(?:site\.url\s*-?\}\}\{\{-?\s*)?site\.baseurl\s*-?\}\}")
_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_EXPLICIT_ID = re.compile(r"\s*\{:?\s*#([\w:.-]+)[^}]*\}\s*$")
_HTML_ID = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


# --- heading ids --------------------------------------------------------------


def _github_char_kept(char: str) -> bool:
    # github-slugger removes every code point that is not a letter, mark,
    # number or connector punctuation ("_"), except "-" and the space.
    if char in "- ":
        return True
    category = unicodedata.category(char)
    return category[0] in "LMN" or category == "Pc"


def github_slug(text: str) -> str:
    """github-slugger: lowercase, drop punctuation, one '-' per space."""
    kept = "".join(char for char in text.lower() if _github_char_kept(char))
    return kept.replace(" ", "-")


def kramdown_slug(text: str) -> str:
    """kramdown `basic_generate_id`, then its 'section' fallback.

    Leading non-ASCII-letters go, then everything but [a-zA-Z0-9 -]
    (underscores and accented letters included), spaces become '-', lowercase.
    """
    generated = re.sub(r"^[^a-zA-Z]+", "", text)
    generated = re.sub(r"[^a-zA-Z0-9 -]", "", generated)
    generated = generated.replace(" ", "-").lower()
    return generated or "section"


def hugo_slug(text: str) -> str:
    """Hugo goldmark autoHeadingIDType "github": trim, '-' or ' ' → '-',
    keep '_', Unicode letters and decimal digits (lowercased), drop the rest."""
    out: list[str] = []
    for char in text.strip():
        if char in "- ":
            out.append("-")
        elif char == "_" or char.isalpha() or unicodedata.category(char) == "Nd":
            out.append(char.lower())
    return "".join(out) or "heading"


_SLUGGERS = {"github": github_slug, "kramdown": kramdown_slug, "hugo": hugo_slug}


def _dedupe(slug: str, generator: str, seen: dict[str, int], used: set[str]) -> str:
    """Each generator's rule for a repeated id: '-1', '-2', ... appended."""
    if generator == "kramdown":
        # kramdown counts per base id and does not check the suffixed result.
        if slug in seen:
            seen[slug] += 1
            return f"{slug}-{seen[slug]}"
        seen[slug] = 0
        return slug
    if generator == "github":
        result = slug
        while result in used:
            seen[slug] = seen.get(slug, 0) + 1
            result = f"{slug}-{seen[slug]}"
        return result
    result, suffix = slug, 1
    while result in used:  # hugo: the first free '-N', starting at 1
        result, suffix = f"{slug}-{suffix}", suffix + 1
    return result


def split_explicit_id(text: str, generator: str) -> tuple[str, str | None]:
    """`Title {#id}` → ("Title", "id") where the generator honours it.

    kramdown and Hugo (goldmark attributes) read a trailing `{#id}`; GitHub
    does not, so there the braces are part of the text.
    """
    if generator == "github":
        return text, None
    match = _EXPLICIT_ID.search(text)
    if not match:
        return text, None
    return text[: match.start()], match.group(1)


def heading_ids(texts: Iterable[str], generator: str) -> list[str]:
    """The ids a generator gives headings with these plain texts, in order."""
    if generator not in _SLUGGERS:
        raise ValueError(f"unknown generator {generator!r}; expected one of {GENERATORS}")
    slugger = _SLUGGERS[generator]
    seen: dict[str, int] = {}
    used: set[str] = set()
    ids: list[str] = []
    for text in texts:
        plain, explicit = split_explicit_id(text, generator)
        anchor = explicit or _dedupe(slugger(plain), generator, seen, used)
        used.add(anchor)
        ids.append(anchor)
    return ids


def heading_text(node: Node, generator: str) -> str:
    """The heading text each generator slugs.

    kramdown slugs the raw source of the heading (`*x*` loses its stars to
    the slug rules anyway); GitHub and Hugo slug the rendered text, code
    spans included. Hugo (goldmark) also counts an image's alt text.
    """
    if generator == "kramdown":
        return "".join(str(child.attrs.get("raw", "")) for child in node.children)
    parts: list[str] = []
    for child in node.children:
        if child.type == "text":
            parts.append(str(child.attrs.get("text", "")))
        elif child.type == "codespan":
            parts.append(str(child.attrs.get("code", "")))
        elif child.type in ("liquid", "shortcode", "inline_html"):
            continue
        elif child.type != "image" or generator == "hugo":
            parts.append(heading_text(child, generator))
    return "".join(parts)


def anchors_of(parsed: ParsedFile, generator: str) -> frozenset[str]:
    """Every fragment that lands somewhere in this file: heading ids, plus
    `id=`/`name=` attributes written in raw HTML (a common manual anchor)."""
    texts = [heading_text(node, generator) for node in parsed.of_type("heading")]
    anchors = set(heading_ids(texts, generator))
    for node in parsed.of_type("inline_html", "block_html"):
        anchors.update(_HTML_ID.findall(str(node.attrs.get("raw", ""))))
    return frozenset(anchors)


# --- site root ----------------------------------------------------------------


def find_site_root(start: Path) -> Path:
    """Nearest folder at or above `start` holding a site config or `.git`;
    the starting folder itself when there is none."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    return folder


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
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("//")


def url_path(url: str) -> str:
    """The path part of a local URL, percent-decoded, without query or fragment."""
    return unquote(urlsplit(strip_base_url(url)).path)


# --- posts and their URLs -----------------------------------------------------


@dataclass(frozen=True)
class PostFacts:
    """What the URL index needs from one post's front matter."""

    path: Path
    front_matter: Mapping[str, Any]


def _date_parts(facts: PostFacts) -> tuple[str, str, str] | None:
    value = facts.front_matter.get("date")
    if isinstance(value, dt.date):
        return f"{value.year:04d}", f"{value.month:02d}", f"{value.day:02d}"
    match = _DATE_PREFIX.match(facts.path.stem)
    if match:
        return match.group(1), match.group(2), match.group(3)
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value[:4], value[5:7], value[8:10]
    return None


def _title_slug(path: Path) -> str:
    match = _DATE_PREFIX.match(path.stem)
    return match.group(4) if match else path.stem


def _categories(front_matter: Mapping[str, Any]) -> str:
    value = front_matter.get("categories", front_matter.get("category", ""))
    items = value.split() if isinstance(value, str) else [str(item) for item in value or []]
    return "/".join(item.lower().replace(" ", "-") for item in items)


def expand_permalink(pattern: str, facts: PostFacts, root: Path) -> str | None:
    """Fill a Jekyll/Hugo style permalink pattern (`/blog/:slug/`) for a post;
    None when the pattern needs a value the post does not have."""
    title = _title_slug(facts.path)
    slug = str(facts.front_matter.get("slug") or title)
    try:
        section = facts.path.relative_to(root).parts[0]
    except (ValueError, IndexError):
        section = ""
    values: dict[str, str | None] = {
        "slug": slug,
        "title": title,
        "filename": facts.path.stem,
        "categories": _categories(facts.front_matter),
        "section": section.lstrip("_") if section else "",
    }
    date = _date_parts(facts)
    values.update(dict(zip(("year", "month", "day"), date or (None, None, None), strict=True)))

    def fill(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if value is None:
            raise LookupError(match.group(1))
        return value

    try:
        url = re.sub(r":([a-z_]+)", fill, pattern)
    except LookupError:
        return None
    return re.sub(r"/{2,}", "/", url)


def url_key(url: str) -> str:
    """Compare served URLs the way a static host does: `/a/b/`, `/a/b`,
    `/a/b.html` and `/a/b/index.html` are one page."""
    path = url_path(url)
    for suffix in ("/index.html", "/index.htm", ".html", ".htm"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    return "/" + path.strip("/")


def _post_urls(facts: PostFacts, root: Path, pattern: str) -> Iterator[str]:
    front_matter = facts.front_matter
    for key in ("permalink", "url"):
        if isinstance(front_matter.get(key), str):
            yield front_matter[key]
    for key in ("aliases", "redirect_from"):
        value = front_matter.get(key)
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        yield from (str(item) for item in items)
    if pattern:
        expanded = expand_permalink(pattern, facts, root)
        if expanded:
            yield expanded
    yield _path_url(facts.path, root)


def _served(path: str) -> bool:
    """Whether a URL path can be a page URL. Generators serve a Markdown file
    under a page URL, never as `.md`: a link to `x.md` names a file, and when
    that file does not exist, no post's URL can stand in for it."""
    return not path.endswith(MARKDOWN_SUFFIXES)


def _path_url(path: Path, root: Path) -> str:
    """The URL a file is served at by its place in the site: `/docs/guide`."""
    relative = os.path.splitext(os.path.relpath(path, root))[0]
    return "/" + relative.replace(os.sep, "/")


# --- the project --------------------------------------------------------------


def _is_site_root(folder: str) -> bool:
    return any(os.path.exists(os.path.join(folder, marker)) for marker in ROOT_MARKERS)


# The keys that give a post URLs of its own when no permalink pattern is configured.
URL_KEYS = ("permalink", "url", "aliases", "redirect_from")


def _read_front_matter(path: Path, only: tuple[str, ...] | None = None) -> Mapping[str, Any]:
    """Front matter of another post, or {} when it cannot be read: a broken
    neighbour is reported when it is linted itself, not here.

    With `only`, front matter that cannot hold one of those keys (none of them
    occurs in its text) is not parsed: {} says the same, without the YAML work.
    """
    from copydesk.errors import CopydeskError
    from copydesk.read import document_from_bytes, front_matter_may_hold
    from copydesk.yamlio import load_front_matter

    try:
        raw = path.read_bytes()
        if only is not None and not front_matter_may_hold(raw, _needles(only)):
            return {}
        document = document_from_bytes(path, raw)
        if document.front_matter is None or document.front_matter_kind is None:
            return {}
        data = load_front_matter(path, document.front_matter, document.front_matter_kind)
    except (OSError, CopydeskError):
        return {}
    return data if isinstance(data, Mapping) else {}


@functools.lru_cache(maxsize=8)
def _needles(keys: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(key.encode() for key in keys)


@dataclass
class Project:
    """One site: its root, where static files live, how posts get URLs.

    The URL index and parsed anchors are caches filled on first use; a
    Project lives for one run (see `project_for`).
    """

    root: Path
    static_dirs: tuple[str, ...] = DEFAULT_STATIC_DIRS
    permalink: str = ""
    generator: str = "github"
    _posts: list[Path] | None = field(default=None, repr=False)
    _path_index: dict[str, Path] | None = field(default=None, repr=False)
    _url_index: dict[str, Path] | None = field(default=None, repr=False)
    _own_urls: dict[Path, str] = field(default_factory=dict, repr=False)
    _anchors: dict[tuple[Path, int, int], frozenset[str]] = field(default_factory=dict, repr=False)
    # (path, folder it is relative to, pages) -> the existing file: posts link to the
    # same targets again and again, and each miss costs several stat calls.
    _found: dict[tuple[str, str, bool], Path | None] = field(default_factory=dict, repr=False)
    # (url as written, folder it is relative to or "", pages) -> resolve()'s file answer.
    _resolved: dict[tuple[str, str, bool], Path | None] = field(default_factory=dict, repr=False)

    def markdown_files(self) -> Iterator[Path]:
        """Posts and pages of the site; none when the root is a filesystem
        root or the home folder, where a walk would read the whole disk.

        Hidden and never-served folders (`.venv`, `node_modules`, ...) are
        pruned before the walk enters them, and so is a folder that is a
        site of its own (it holds a site config or `.git`): its posts are
        served under another root.
        """
        if self.root in (Path(self.root.anchor), Path.home()):
            return
        folders = [str(self.root)]
        while folders:  # scandir: file types come with the listing, no stat per file
            try:
                entries = list(os.scandir(folders.pop()))
            except OSError:
                continue
            for entry in entries:
                name = entry.name
                if entry.is_dir(follow_symlinks=False):  # as os.walk: no symlink loops
                    served = name[0] != "." and name not in SKIPPED_DIRS
                    if served and not _is_site_root(entry.path):
                        folders.append(entry.path)
                elif name.endswith(MARKDOWN_SUFFIXES) and entry.is_file():
                    yield Path(entry.path)

    def posts(self) -> list[Path]:
        """`markdown_files`, listed once, sorted as Paths sort (by component)."""
        if self._posts is None:
            self._posts = sorted(self.markdown_files(), key=lambda p: str(p).split(os.sep))
        return self._posts

    def page(self, key: str) -> Path | None:
        """The post served at a URL key (see `url_key`), or None.

        Without a permalink pattern, a URL that a post's own file path gives
        is answered from the folder listing alone; only the others (a
        `permalink`, `aliases` or `redirect_from` in front matter) make the
        index read every post. Where a path URL and another post's front
        matter claim one URL (a conflict the generator warns about), the
        file at that path is the answer.
        """
        if not self.permalink:
            if self._path_index is None:
                self._path_index = {}
                for path in self.posts():
                    self._path_index.setdefault(url_key(_path_url(path, self.root)), path)
            found = self._path_index.get(key)
            if found is not None:
                return found
        return self.url_index.get(key)

    @property
    def url_index(self) -> dict[str, Path]:
        """Served URL key → post file, built on first use from front matter."""
        if self._url_index is None:
            index: dict[str, Path] = {}
            for path in self.posts():
                # Without a pattern, only the URL keys matter (see _post_urls).
                wanted = None if self.permalink else URL_KEYS
                facts = PostFacts(path, _read_front_matter(path, wanted))
                for url in _post_urls(facts, self.root, self.permalink):
                    index.setdefault(url_key(url), path)
            self._own_urls = {}
            for key, path in index.items():  # a post's first URL is its own
                self._own_urls.setdefault(path, key)
            self._url_index = index
        return self._url_index

    @staticmethod
    def _file_candidates(base: str) -> Iterator[str]:
        """`base` itself, then what a generator serves for it: `x.html` from
        `x.md`, `x/` from `x.md` or `x/index.md`. Plain strings: this runs for
        every link, and pathlib costs more than the stat calls."""
        base = base.rstrip("/") or "/"
        yield base
        stem, suffix = os.path.splitext(base)
        if suffix in (".html", ".htm"):
            yield from (stem + markdown for markdown in MARKDOWN_SUFFIXES)
        if not suffix:
            yield from (base + markdown for markdown in MARKDOWN_SUFFIXES)
            for index in ("index.md", "_index.md", "index.html", "README.md"):
                yield os.path.join(base, index)

    def _existing(self, bases: Iterable[str]) -> Path | None:
        for base in bases:
            for candidate in self._file_candidates(base):
                if os.path.isfile(candidate):
                    return Path(candidate)
        return None

    def resolve(self, url: str, source: Path, pages: bool = True) -> Path | None:
        """The file that serves a local URL written in `source`, or None.

        Tried in order: the path relative to the post (or to the site root for
        `/x`), the same path under each static folder, then, for page links
        (`pages`), the URL→post index (`/blog/my-post/` → the post whose slug
        or permalink gives it). Assets (`pages=False`) written without a
        leading slash are also tried from the site root, as themes prefix
        front matter image paths with the base URL.
        """
        relative = not url.startswith("/")
        folder = os.path.dirname(source) if relative else ""
        key = (url, folder, pages)
        if key not in self._resolved:  # posts link to the same places again and again
            path = url_path(url)
            if not path:
                return source
            found = self._existing_for(path, folder, pages)
            if found is None and pages and not relative and _served(path):
                found = self.page(url_key(path))
            self._resolved[key] = found
        found = self._resolved[key]
        if found is None and pages and relative and _served(path := url_path(url)):
            # A relative URL is relative to the page's served URL, which is the source's own.
            return self.page(self._served_key(path, source))
        return found

    def _existing_for(self, path: str, folder: str, pages: bool) -> Path | None:
        absolute = path.startswith("/")
        key = (path, "" if absolute else folder, pages)
        if key not in self._found:
            from_root = self._from_root(path.lstrip("/"))
            if absolute:
                bases: Iterable[str] = from_root
            else:
                bases = itertools.chain([os.path.join(folder, path)], () if pages else from_root)
            self._found[key] = self._existing(bases)
        return self._found[key]

    def _from_root(self, relative: str) -> Iterator[str]:
        """The path under the site root, then under each static folder (lazily:
        the first that exists ends the search)."""
        root = str(self.root)
        yield os.path.join(root, relative)
        for folder in self.static_dirs:
            yield os.path.join(root, folder, relative)

    def _served_key(self, path: str, source: Path) -> str:
        if path.startswith("/"):
            return url_key(path)
        # A relative URL is relative to the page's served URL, not its file.
        own = self.url_of(source)
        return url_key(urljoin(own.rstrip("/") + "/", path)) if own else url_key("/" + path)

    def url_of(self, source: Path) -> str | None:
        """The served URL key of a post (its first URL in the index), or None."""
        self.url_index  # noqa: B018  (builds the index and its reverse map)
        return self._own_urls.get(source)

    def anchors(self, path: Path) -> frozenset[str]:
        """Fragments another file offers, parsed once per file version."""
        from copydesk.parse import parse_file

        stat = path.stat()
        cache_key = (path.resolve(), stat.st_mtime_ns, stat.st_size)
        if cache_key not in self._anchors:
            parsed = parse_file(path)
            self._anchors[cache_key] = anchors_of(parsed, self.generator)
            parsed.release()
        return self._anchors[cache_key]


@functools.lru_cache(maxsize=16)
def _cached_project(
    root: Path, static_dirs: tuple[str, ...], permalink: str, generator: str, stamp: int
) -> Project:
    return Project(root, static_dirs, permalink, generator)


@functools.lru_cache(maxsize=1024)
def _detected_root(folder: str) -> Path:
    # Rules ask once per file; the answer only depends on the post's folder.
    return find_site_root(Path(folder))


def _tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value or ())


def site_root(settings: Mapping[str, Any], config_root: Path, source: Path) -> Path:
    """`site-root` when configured (relative to the config's folder), else the
    nearest ancestor of the post that looks like a site or a repository."""
    configured = settings.get("site-root")
    if configured:
        return (config_root / str(configured)).resolve()
    return _detected_root(os.path.dirname(os.path.abspath(source)))


def project_for(
    settings: Mapping[str, Any], config_root: Path, source: Path, shared: Any = None
) -> Project:
    """The Project for this post: the engine's shared one when it gives a
    `site.Project`, otherwise one cached per site root and settings.

    The cache key includes the root's modification time so that a long-lived
    process (tests, an editor) does not keep an index of files since renamed.
    """
    if isinstance(shared, Project):
        return shared
    root = site_root(settings, config_root, source)
    generator = str(settings.get("generator", "github"))
    if generator not in GENERATORS:
        from copydesk.errors import UsageError

        raise UsageError(source, f"unknown generator {generator!r}; use one of {GENERATORS}")
    static = _tuple(settings.get("static-dirs", DEFAULT_STATIC_DIRS))
    permalink = str(settings.get("permalink", "") or "")
    try:
        stamp = root.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _cached_project(root, static, permalink, generator, stamp)
