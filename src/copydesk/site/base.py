"""What every generator module provides, and the plain-folder behaviour.

A `Generator` answers, for one site, the questions that differ between
Jekyll, Hugo, MkDocs, Docusaurus, Eleventy and a plain folder of Markdown:
where pages come from (`content_dirs`), where static files are served from
(`static_roots`), whether a file is published and whether it is a post,
which URLs serve it (`urls`), and how its headings get ids (`id_styles`).
`copydesk.site.project.SiteModel` builds the cross-file map from these
answers; no rule asks a generator directly.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from copydesk.discover import TEST_INPUT_DIRS
from copydesk.lazyre import lazy_compile

if TYPE_CHECKING:
    import datetime as dt

MARKDOWN_SUFFIXES: tuple[str, ...] = (".md", ".markdown", ".mdown", ".mkd", ".mdx")
DEFAULT_STATIC_DIRS: tuple[str, ...] = ("static", "assets", "public", "source")
# Files that document a repository rather than being posts of a site.
REPOSITORY_DOCS = frozenset(
    {
        "readme",
        "license",
        "licence",
        "changelog",
        "changes",
        "history",
        "contributing",
        "code_of_conduct",
        "code-of-conduct",
        "security",
        "support",
        "authors",
        "notice",
        "governance",
        "maintainers",
        "pull_request_template",
        "issue_template",
        "agents",
        "claude",
    }
)
_DATE_PREFIX = lazy_compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
POST_FOLDERS = frozenset(
    {"posts", "post", "_posts", "blog", "articles", "news", "_drafts", "drafts"}
)


# Folders of test inputs and vendored code (see `copydesk.discover`): never pages.
NOT_CONTENT_DIRS = TEST_INPUT_DIRS | {"node_modules", "vendor", "vendors", "third_party"}
_DATE_NEEDLES = tuple(
    b"\n" + key + end
    for key in (b"date", b"published_at", b"pubDate", b"published")
    for end in (b":", b" =", b"=")
)

PAGE_FOLDERS = frozenset({"pages", "_pages", "docs", "documentation", "_docs", "wiki"})


def read_head(path: Path, size: int) -> bytes | None:
    """The file's first `size` bytes; None when it cannot be read. The site
    model asks many files one question each (front matter? HTML? a date?), and
    the answer is in the first bytes: reading whole files would cost a hook run."""
    try:
        with open(path, "rb") as file:
            return file.read(size)
    except OSError:
        return None


def starts_with_html(path: Path) -> bool:
    """Whether the file's first non-blank character opens an HTML tag."""
    head = read_head(path, 256)
    return head is not None and head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def _opens_front_matter(head: bytes) -> bool:
    """Whether `head` starts with a `---` or `+++` fence (a BOM allowed)."""
    return head.removeprefix(b"\xef\xbb\xbf").startswith((b"---", b"+++"))


def has_front_matter(path: Path) -> bool:
    """Whether the file starts with a `---` or `+++` fence (a BOM allowed)."""
    head = read_head(path, 8)
    return head is not None and _opens_front_matter(head)


def is_dated(path: Path) -> bool:
    """Whether a file carries a date: a `YYYY-MM-DD-` name, or a date key in its
    front matter (read from the file's first bytes, not parsed)."""
    if date_prefix(path.stem):
        return True
    head = read_head(path, 4096)  # one read answers both: a fence, then a date key
    if head is None or not _opens_front_matter(head):
        return False
    from copydesk.read import front_matter_may_hold

    return front_matter_may_hold(head, _DATE_NEEDLES)


# Texts quoted verbatim from their authors (licences, codes of conduct): an
# owner does not edit their URLs.
VERBATIM_DOCS = frozenset(
    {"license", "licence", "copying", "code_of_conduct", "code-of-conduct", "ofl", "notice"}
)


def is_verbatim(path: Path) -> bool:
    """LICENSE.md, content/about/license.md, fonts/OFL.txt, CODE_OF_CONDUCT.md."""
    stem = path.stem.lower()
    return stem in VERBATIM_DOCS or stem.split("-")[0].split(".")[0] in VERBATIM_DOCS


def is_repository_doc(path: Path) -> bool:
    """README, LICENSE, CHANGELOG-2.x, ...: a repository's own documents."""
    stem = path.stem.lower()
    return stem in REPOSITORY_DOCS or stem.split("-")[0].split(".")[0] in REPOSITORY_DOCS


def relative_parts(path: Path, folder: Path) -> tuple[str, ...] | None:
    """`path`'s parts below `folder`, or None when it is not inside it.
    String work, not `relpath`: this runs for every file of a site."""
    text, base = str(path), str(folder).rstrip(os.sep) + os.sep
    if not text.startswith(base):
        return None
    return tuple(text[len(base) :].split(os.sep))


def date_prefix(name: str) -> tuple[str, str, str, str] | None:
    """`2019-03-04-title` → ("2019", "03", "04", "title")."""
    match = _DATE_PREFIX.match(name)
    return (match[1], match[2], match[3], match[4]) if match else None


def date_of(front_matter: Mapping[str, Any], name: str) -> dt.date | None:
    """A post's date: front matter `date` (it wins, as in Jekyll and Hugo),
    else the file name's `YYYY-MM-DD-` prefix."""
    import datetime as dt  # here: a site whose pages have no dates needs none

    value = front_matter.get("date")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:10]))
        except ValueError:
            pass
    prefix = date_prefix(name)
    if prefix:
        try:
            return dt.date(int(prefix[0]), int(prefix[1]), int(prefix[2]))
        except ValueError:
            return None
    return None


def listed(value: Any) -> list[str]:
    """A front matter value that may be one string, a space-separated string or a list."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item is not None]
    return []


def urlize(text: str) -> str:
    """Hugo's `urlize` (and most generators' title slug): lowercase, spaces
    to '-', only letters, digits, '-', '_' and '.' kept."""
    out = []
    for char in text.strip().lower():
        if char.isspace() or char == "-":
            out.append("-")
        elif char.isalnum() or char in "_.":
            out.append(char)
    return re.sub(r"-{2,}", "-", "".join(out)).strip("-")


def fill(pattern: str, values: Mapping[str, str | None]) -> str | None:
    """Replace `:name` placeholders; None when one has no value. Longer
    names first, so `:year` is not read as `:y` + "ear"."""
    regex = _placeholders(tuple(values))
    missing: list[str] = []

    def one(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if value is None:
            missing.append(match.group(1))
            return ""
        return value

    url = regex.sub(one, pattern)
    return None if missing else _SLASHES.sub("/", url)


_SLASHES = lazy_compile(r"/{2,}")


@functools.lru_cache(maxsize=64)
def _placeholders(names: tuple[str, ...]) -> re.Pattern[str]:
    """`fill`'s regex for these names, built once: a site fills its pattern
    for every post with the same names (`post_values`' and a few more)."""
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r":(" + "|".join(map(re.escape, ordered)) + r")\b" if ordered else r"(?!)")


@dataclass
class Generator:
    """A plain folder of Markdown: every file is served at its path, static
    files from the root and the usual static folders, GitHub heading ids.

    Subclasses override what their generator does differently. `settings`
    holds what was read from the generator's config, for `copydesk site`.
    """

    root: Path
    config_file: Path | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    id_styles: tuple[str, ...] = ("github",)
    # The URL path the site is mounted at (Jekyll `baseurl`, Hugo `baseURL`'s path).
    base_path: str = ""
    # Where the site is published (Jekyll `url`, Hugo `baseURL`, MkDocs `site_url`,
    # Docusaurus `url`): links to its host are the site's own ("" when unknown).
    site_url: str = ""
    # A permalink pattern from copydesk's config; it wins over the generator's.
    permalink: str = ""
    static_dirs: tuple[str, ...] = DEFAULT_STATIC_DIRS
    # A folder that is no project (no `.git`, no package file): every file is a post.
    loose: bool = True

    name: ClassVar[str] = "plain"
    # The files the generator turns into pages: Markdown, and for some, HTML
    # (or templates) with front matter, which links reach by URL just the same.
    page_suffixes: ClassVar[tuple[str, ...]] = (*MARKDOWN_SUFFIXES, ".astro", ".html")
    # The template language the generator expands in Markdown before it renders
    # it: "liquid" (`{% if %}` blocks must balance), "" none with `{% %}` tags,
    # None unknown (a plain folder may hold posts of any generator).
    templating: ClassVar[str | None] = None
    # Whether a page without a `title` is titled by its first H1 (MkDocs,
    # Docusaurus, Jekyll with jekyll-titles-from-headings).
    titles_from_h1: bool = False
    # Front matter keys that can change a file's URL: only files whose front
    # matter mentions one are parsed when the URL index is built.
    url_keys: ClassVar[tuple[str, ...]] = ("permalink", "url", "aliases", "redirect_from", "slug")

    @classmethod
    def load(cls, root: Path) -> Generator:
        """The generator of the site at `root`, its settings read from its config
        (a plain folder has none)."""
        return cls(root)

    def unread(self) -> list[str]:
        """What decides this site's URLs, ids or metadata but lives where
        copydesk cannot read it (JavaScript config, plugins, templates), one
        line each, for `copydesk site`. Rules that depend on it do not guess."""
        return []

    def knows_page_urls(self) -> bool:
        """Whether every page URL comes from what copydesk reads (files,
        front matter, the generator's config file). False when plugins or
        code add pages (feeds, pagination, computed permalinks): then a
        page link not found may still work, and CD101 leaves it alone."""
        return True

    def knows_ids(self) -> bool:
        """Whether heading ids follow a rule copydesk models (False: a slug
        function configured in code, or a generator whose rule is not modelled)."""
        return True

    def supplies(self, key: str) -> bool:
        """Whether the generator (or the site's code) gives every page this
        front matter key when the file does not: then its absence is no finding."""
        return False

    def fragments_any_case(self) -> bool:
        """Whether a `#fragment` finds its id in any letter case. A plain folder
        is read on GitHub, whose page script also tries the fragment in lower
        case (`#Install` reaches `## Install`); generators' sites do not."""
        return self.name == "plain"

    def rewrites_markdown(self) -> bool:
        """Whether the site's own code rewrites each page's Markdown before it
        renders (MkDocs `hooks:` with `on_page_markdown`): then a reference
        label with no definition may get one there (CD108 does not guess)."""
        return False

    def content_link(self, url: str) -> str | None:
        """The file an internal link names by its source path (Zola's
        `@/blog/x.md`), or None for an ordinary URL."""
        return None

    def link_roots(self) -> list[Path]:
        """Folders, besides the linking file's own, that a relative link naming
        a file is looked up from (a plugin that maps input paths to URLs)."""
        return []

    def appended_files(self) -> list[Path]:
        """Files the generator appends to every page as it builds it (MkDocs
        `pymdownx.snippets` `auto_append`): their reference definitions serve
        every page."""
        return []

    def rewrites_links(self) -> bool:
        """Whether the site's own code rewrites link destinations as it renders
        them (a Hugo link render hook): then `[term](g)` may be a keyword the
        hook turns into a URL, not a file."""
        return False

    def finds_images_in_any_case(self) -> bool:
        """Whether the site's code looks up a page's relative images ignoring
        letter case (a Hugo image render hook's `Resources.Get`)."""
        return False

    def links_bare_urls(self) -> bool | None:
        """Whether the generator's Markdown makes a link of a bare `https://…`
        (GFM's autolink literals); None: unknown (a plain folder)."""
        return None

    def front_matter_keys(self) -> tuple[str, ...]:
        """The front matter keys this site's URLs depend on."""
        return self.url_keys

    def own_url_keys(self) -> tuple[str, ...]:
        """The keys that change a file's own URL (redirects only add URLs)."""
        return tuple(k for k in self.front_matter_keys() if k not in ("aliases", "redirect_from"))

    def content_dirs(self) -> list[Path]:
        """Folders whose Markdown the generator turns into pages. In a plain
        project, a `src/pages/` or `pages/` folder is file-based routing
        (Astro, Next.js, Nuxt): `src/pages/contact.astro` is `/contact/`."""
        routes = [self.root / "src" / "pages", self.root / "pages"]
        return [*(folder for folder in routes if folder.is_dir()), self.root]

    def static_roots(self) -> list[tuple[Path, str]]:
        """(folder, URL prefix) pairs: a file under the folder is served at
        the prefix plus its path below the folder."""
        return [(self.root, "/")] + [(self.root / name, "/") for name in self.static_dirs]

    def is_published(self, path: Path) -> bool:
        """Whether the generator makes a page of this Markdown file. In a plain
        folder, test inputs and vendored code are no pages."""
        parts = relative_parts(path, self.root) or ()
        if any(part in NOT_CONTENT_DIRS for part in parts[:-1]):
            return False
        return any(relative_parts(path, folder) is not None for folder in self.content_dirs())

    def renders_text(self, suffix: str) -> bool:
        """Whether the generator makes a page of a plain-text file (`suffix`
        `.txt` or `.text`). A plain folder may be a Blosxom-style blog of
        `.txt` posts; a generator renders only its Markdown extensions and
        copies a `.txt` as it is (a font's OFL.txt, robots.txt, a word list)."""
        return self.name == "plain"

    def post_reason(self, path: Path) -> str:
        """Why `is_post` says what it says, for `copydesk site --explain FILE`
        (a plain folder's heuristic; a generator's own rules say it in docs)."""
        if type(self).is_post is not Generator.is_post:
            return ""  # a generator with its own rule
        parts = [part.lower() for part in (relative_parts(path, self.root) or ())[:-1]]
        skipped = [part for part in parts if part in NOT_CONTENT_DIRS]
        if skipped:
            return f"in '{skipped[0]}/': test inputs or vendored files, not content"
        if is_repository_doc(path) or self._partial(path):
            return "a repository document, include or partial"
        if any(part in POST_FOLDERS for part in parts):
            return "in a folder of posts"
        if any(part in PAGE_FOLDERS for part in parts):
            return "in a folder of pages"
        if self.loose:
            return "a loose folder of posts (no project files)"
        if is_dated(path):
            return "dated (file name or front matter date)"
        return "in a project, undated and outside a posts folder: a page"

    def is_post(self, path: Path) -> bool:
        """Whether post metadata rules (title, date, slug) apply to this file.

        In a plain folder: any file in a folder of posts (`posts/`, `blog/`,
        ...) or in a loose folder that is no project (a folder of exported
        posts); elsewhere in a project only a dated file (a `date` in its
        front matter, or a `YYYY-MM-DD-` file name): front matter alone
        makes no post (a docs page, a tool's example input). Never a README
        or LICENSE, an include or partial, or a file in a folder of test
        inputs (`tests/`, `fixtures/`, ...) or vendored code.
        """
        if not self.is_published(path) or is_repository_doc(path) or self._partial(path):
            return False
        parts = [part.lower() for part in (relative_parts(path, self.root) or ())[:-1]]
        if any(part in POST_FOLDERS for part in parts):
            return True
        if any(part in PAGE_FOLDERS for part in parts):
            return False  # `src/content/pages/about.md`: a page, front matter or not
        return self.loose or is_dated(path)

    def id_writers(self) -> frozenset[str]:
        """Names of the site's shortcodes whose templates write `id=` attributes
        (a heading, an anchor): a page that calls one has ids its source does not
        show. Only Hugo answers."""
        return frozenset()

    def content_place(self, path: Path) -> tuple[tuple[str, ...], str] | None:
        """(parts below the content folder, language) of a content file; only
        Hugo answers (its `ref` lookups are by content path)."""
        return None

    def variant(self, path: Path) -> str:
        """Language or docs version of a file ("" for the default): the same
        slug in two variants is two pages, not a collision."""
        return ""

    def urls(self, path: Path, front_matter: Mapping[str, Any]) -> list[str]:
        """Every URL that serves this file, its own first (then redirects)."""
        found = [self._explicit(front_matter), self._pattern_url(path, front_matter)]
        urls = [url for url in found if url]
        urls.append(self.path_url(path))
        prefix = date_prefix(path.stem)
        if prefix:  # a dated post, where most blog engines serve it: /2019/03/04/title/
            urls.append("/{}/{}/{}/{}/".format(*prefix))
        return urls + self.redirects(front_matter)

    def language_prefix(self, path: Path) -> str:
        """The URL prefix of the file's language or locale ("/fr"), "" for
        the default one."""
        return ""

    def theme_files(self) -> frozenset[str]:
        """Paths below the site's root of files its theme ships and the build
        copies there (MkDocs's built-in themes): none for a plain folder."""
        return frozenset()

    def virtual(self, url_key: str) -> bool:
        """A URL the generator serves without a source file (taxonomy lists, ...)."""
        return False

    def describe(self) -> list[tuple[str, str]]:
        """(label, value) lines for `copydesk site`."""
        return [(key, str(value)) for key, value in self.settings.items()]

    # --- helpers for subclasses ---------------------------------------------

    def path_url(self, path: Path) -> str:
        """The URL a file gets from its place below the first content folder
        holding it: `/docs/guide`, `/docs/` for an index page."""
        for folder in self.content_dirs():
            parts = relative_parts(path, folder)
            if parts is not None:
                return "/" + "/".join(strip_index(parts))
        return "/" + "/".join(strip_index(Path(os.path.relpath(path, self.root)).parts))

    @staticmethod
    def redirects(front_matter: Mapping[str, Any]) -> list[str]:
        """`aliases` (Hugo) and `redirect_from` (jekyll-redirect-from)."""
        found: list[str] = []
        for key in ("aliases", "redirect_from"):
            value = front_matter.get(key)
            items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            found.extend(str(item) for item in items)
        return found

    @staticmethod
    def _explicit(front_matter: Mapping[str, Any]) -> str | None:
        for key in ("permalink", "url"):
            value = front_matter.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    def _pattern_url(self, path: Path, front_matter: Mapping[str, Any]) -> str | None:
        if not self.permalink:
            return None
        return fill(self.permalink, post_values(path, front_matter, self.root))

    @staticmethod
    def _partial(path: Path) -> bool:
        """Includes, layouts and partials: files other files pull in."""
        return any(part.startswith("_") and part != "_posts" for part in path.parent.parts[-3:])


def strip_index(parts: tuple[str, ...]) -> list[str]:
    """Path parts without the Markdown suffix; an index page is its folder."""
    items = list(parts)
    if not items:
        return items
    stem = os.path.splitext(items[-1])[0]
    if stem.lower() in ("index", "_index", "readme"):
        items.pop()
        return [*items, ""] if items else [""]
    items[-1] = stem
    return items


def post_values(path: Path, front_matter: Mapping[str, Any], root: Path) -> dict[str, str | None]:
    """The placeholders a Jekyll-style permalink pattern can name."""
    prefix = date_prefix(path.stem)
    title = prefix[3] if prefix else path.stem
    date = date_of(front_matter, path.stem)
    slug = str(front_matter.get("slug") or title)
    categories = listed(front_matter.get("categories", front_matter.get("category")))
    parts = relative_parts(path, root) or ()
    return {
        "slug": slug,
        "title": title,
        "name": path.stem,
        "filename": path.stem,
        "basename": path.stem,
        "categories": "/".join(item.lower().replace(" ", "-") for item in categories),
        "section": parts[0].lstrip("_") if len(parts) > 1 else "",
        "year": f"{date.year:04d}" if date else None,
        "month": f"{date.month:02d}" if date else None,
        "day": f"{date.day:02d}" if date else None,
        "i_month": str(date.month) if date else None,
        "i_day": str(date.day) if date else None,
        "short_year": f"{date.year % 100:02d}" if date else None,
        "y_day": f"{date.timetuple().tm_yday:03d}" if date else None,
        "output_ext": ".html",
    }
