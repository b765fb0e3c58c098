"""Jekyll: `_config.yml` decides URLs and what is published.

Read: `permalink` (global; styles `date`, `pretty`, `ordinal`, `weekdate`,
`none`, or a pattern), `collections` (`output: true` ones are published,
each with its own `permalink`; `posts` may set the posts' one), `baseurl`
(stripped from root-relative links), `exclude`, and `kramdown.input`.
Posts are the files in `_posts/` and `_drafts/` at any depth; the folders
above a `_posts` folder are categories (`en/news/_posts/x.md` has
categories `en`, `news`), as are front matter `categories`/`category`.
Folders starting with `_` (`_includes`, `_layouts`, `_sass`, `_data`) are
not published, except `_posts` and output collections.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from copydesk.site.base import (
    MARKDOWN_SUFFIXES,
    Generator,
    fill,
    has_front_matter,
    listed,
    post_values,
    relative_parts,
    starts_with_html,
)
from copydesk.site.configfile import first_existing, nested, read_mapping

# Jekyll's default `markdown_ext`.
MARKDOWN_EXT = ("markdown", "mkdown", "mkdn", "mkd", "md")
CONFIG_NAMES = ("_config.yml", "_config.yaml", "_config.toml")
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
COLLECTION_DEFAULT = "/:collection/:path:output_ext"
# Jekyll's own default `exclude` list.
DEFAULT_EXCLUDE = (
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor",
    ".sass-cache",
    ".jekyll-cache",
)


@dataclass
class Jekyll(Generator):
    name: ClassVar[str] = "jekyll"
    page_suffixes: ClassVar[tuple[str, ...]] = (*MARKDOWN_SUFFIXES, ".html")
    templating: ClassVar[str | None] = "liquid"
    url_keys: ClassVar[tuple[str, ...]] = (
        "permalink", "date", "categories", "category", "slug", "redirect_from",
    )  # fmt: skip
    # `markdown_ext`: the extensions Jekyll converts as Markdown.
    markdown_ext: tuple[str, ...] = MARKDOWN_EXT
    # Every rule asks about the same few thousand paths: each is matched once.
    _excluded_memo: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, root: Path, config_file: Path | None = None) -> Jekyll:
        config_file = config_file or first_existing(root, CONFIG_NAMES)
        data = read_mapping(config_file) if config_file else {}
        collections = data.get("collections")
        if isinstance(collections, list):  # the older list form: names only
            collections = {str(name): {} for name in collections}
        if not isinstance(collections, Mapping):
            collections = {}
        kramdown_input = str(nested(data, "kramdown", "input") or "GFM")
        settings: dict[str, Any] = {
            "permalink": str(data.get("permalink") or "date"),
            "baseurl": str(data.get("baseurl") or ""),
            "collections": {str(k): dict(v or {}) for k, v in collections.items()},
            "exclude": [str(item) for item in data.get("exclude") or []],
            "kramdown input": kramdown_input,
            "plugins": [str(p) for p in data.get("plugins") or data.get("gems") or []],
        }
        styles = ("kramdown",) if kramdown_input.lower() == "kramdown" else ("github", "kramdown")
        return cls(
            root,
            config_file,
            settings,
            id_styles=styles,
            base_path=settings["baseurl"].rstrip("/"),
            site_url=str(data.get("url") or ""),
            static_dirs=(),
            titles_from_h1="jekyll-titles-from-headings" in settings["plugins"],
            markdown_ext=_markdown_ext(data),
        )

    def renders_text(self, suffix: str) -> bool:
        """Only when `markdown_ext` names it: Jekyll copies any other `.txt`
        (or renders its Liquid, when it has front matter, as plain text)."""
        return suffix.lower().lstrip(".") in self.markdown_ext

    # --- what is published ----------------------------------------------------

    def _collection_of(self, path: Path) -> str | None:
        parts = relative_parts(path, self.root) or ()
        for part in parts[:-1]:
            if part in ("_posts", "_drafts"):
                return "posts"
            if part.startswith("_") and part[1:] in self.settings["collections"]:
                return part[1:]
        return None

    def _excluded(self, path: Path) -> bool:
        key = str(path)
        excluded = self._excluded_memo.get(key)
        if excluded is None:
            excluded = self._excluded_memo[key] = self._matches_exclude(path)
        return excluded

    def _matches_exclude(self, path: Path) -> bool:
        """Whether an `exclude` pattern (or Jekyll's own) matches the path
        relative to the root or one of its parts, as `fnmatch` does."""
        parts = relative_parts(path, self.root) or ()
        relative = "/".join(parts)
        matches = self._exclude_pattern.match
        normcase = os.path.normcase
        return bool(matches(normcase(relative))) or any(matches(normcase(p)) for p in parts)

    @functools.cached_property
    def _exclude_pattern(self) -> re.Pattern[str]:
        """Every exclude pattern as one regex (`fnmatch.translate` of each, the way
        `fnmatch` compiles them): one match per name instead of one per pattern."""
        patterns = [*DEFAULT_EXCLUDE, *self.settings["exclude"]]
        translated = [fnmatch.translate(os.path.normcase(p.strip("/"))) for p in patterns]
        return re.compile("|".join(f"(?:{pattern})" for pattern in translated))

    def is_published(self, path: Path) -> bool:
        """Jekyll renders only files with front matter; others are copied as they are."""
        parts = relative_parts(path, self.root)
        if parts is None or self._excluded(path) or not has_front_matter(path):
            return False
        collection = self._collection_of(path)
        if collection == "posts":
            return True
        if collection is not None:
            return bool(self.settings["collections"][collection].get("output"))
        return not any(part.startswith("_") for part in parts[:-1])

    def links_bare_urls(self) -> bool:
        return False  # kramdown (GFM input too) leaves a bare URL as text

    def is_post(self, path: Path) -> bool:
        """A file in `_posts/`. One without front matter is still a post that
        lacks it (CD301), unless it starts with HTML: Jekyll copies such a
        file as it is, the way blogs keep redirect stubs among their posts."""
        if self._collection_of(path) != "posts" or self._excluded(path):
            return False
        return has_front_matter(path) or not starts_with_html(path)

    def static_roots(self) -> list[tuple[Path, str]]:
        return [(self.root, "/")] + [(self.root / name, "/") for name in self.static_dirs]

    # --- URLs ---------------------------------------------------------------------

    def urls(self, path: Path, front_matter: Mapping[str, Any]) -> list[str]:
        explicit = front_matter.get("permalink")
        if isinstance(explicit, str) and explicit.strip():
            own: str | None = explicit.strip()
        else:
            own = self._pattern(path, front_matter)
        urls = [own] if own else []
        if front_matter.get("slug") and self._collection_of(path):
            # Jekyll 3+ lets `slug` stand in for `:title` too.
            titled = self._pattern(path, {**front_matter, "_title": front_matter["slug"]})
            urls += [titled] if titled else []
        if self._collection_of(path) is None:
            urls.append(self.path_url(path))  # a page: `about.md` → /about.html
        return urls + self.redirects(front_matter)

    def _pattern(self, path: Path, front_matter: Mapping[str, Any]) -> str | None:
        collection = self._collection_of(path)
        if collection is None:
            pattern = self.permalink or self.settings["permalink"]
            if pattern in STYLES or not pattern.startswith("/"):
                return None  # a page with a style: its path URL (added by `urls`)
            return fill(pattern, self._values(path, front_matter, None))
        own = self.settings["collections"].get(collection, {}).get("permalink")
        if collection == "posts":
            pattern = self.permalink or str(own or self.settings["permalink"])
        else:
            pattern = str(own or self.settings["permalink"])
            if pattern in STYLES:
                pattern = COLLECTION_DEFAULT
        pattern = STYLES.get(pattern, pattern)
        return fill(pattern, self._values(path, front_matter, collection))

    def _values(
        self, path: Path, front_matter: Mapping[str, Any], collection: str | None
    ) -> dict[str, str | None]:
        values = post_values(path, front_matter, self.root)
        if front_matter.get("_title"):
            values["title"] = str(front_matter["_title"])
        parts = relative_parts(path, self.root) or ()
        if collection == "posts":
            folders = [p for p in parts[: _posts_index(parts)]]
            own = listed(front_matter.get("categories", front_matter.get("category")))
            names = [*folders, *own]
            values["categories"] = "/".join(dict.fromkeys(n.lower() for n in names))
        elif collection:
            inner = parts[parts.index("_" + collection) + 1 :]
            values["path"] = "/".join((*inner[:-1], Path(inner[-1]).stem)) if inner else ""
            values["collection"] = collection
        return values


def _posts_index(parts: tuple[str, ...]) -> int:
    for index, part in enumerate(parts):
        if part in ("_posts", "_drafts"):
            return index
    return 0


def _markdown_ext(data: Mapping[str, Any]) -> tuple[str, ...]:
    """`markdown_ext: "md,txt"` from `_config.yml`; Jekyll's default list when
    the config does not set it."""
    value = data.get("markdown_ext")
    names = (part.strip().lower() for part in str(value or "").split(","))
    return tuple(name for name in names if name) or MARKDOWN_EXT
