"""Docusaurus: docs, blog and pages plugins, with their documented defaults.

The config is JavaScript (`docusaurus.config.js|ts|mjs|cjs`), which copydesk
does not run: only literal strings are read (`baseUrl`, and inside the
`docs: {...}` and `blog: {...}` preset options, `path` and
`routeBasePath`); anything computed in code takes the documented default,
and copydesk's own config can say otherwise. Defaults: docs from `docs/`
at `/docs/`, blog from `blog/` at `/blog/`, pages from `src/pages/` at `/`,
static files from `static/` at `/`; `versioned_docs/version-X/` at
`/docs/X/` (the newest version in `versions.json` also at `/docs/`, the
current docs then at `/docs/next/`); translations under
`i18n/<locale>/docusaurus-plugin-content-{docs,blog}/` at `/<locale>/...`.

A doc's URL: its path with number prefixes (`01-intro`) dropped; `index`,
`README` or a file named like its folder serve the folder; front matter
`id` replaces the file name and `slug` the URL (absolute, or relative to
the folder). A blog post's: `/blog/YYYY/MM/DD/<name>` from a dated file or
folder name, or `/blog/<slug>`. Files and folders starting with `_` are
partials: not pages, not posts. Posts are the blog's files.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from copydesk.site.base import MARKDOWN_SUFFIXES, Generator, date_prefix, relative_parts
from copydesk.site.configfile import first_existing, js_block, js_string

CONFIG_NAMES = (
    "docusaurus.config.js", "docusaurus.config.ts", "docusaurus.config.mjs",
    "docusaurus.config.cjs", "docusaurus.config.mts",
)  # fmt: skip
_NUMBER_PREFIX = re.compile(r"^\d+[-_.]\s*")
_DATED_PATH = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})[-/](.+)$")


@dataclass
class Docusaurus(Generator):
    name: ClassVar[str] = "docusaurus"
    page_suffixes: ClassVar[tuple[str, ...]] = (*MARKDOWN_SUFFIXES, ".js", ".jsx", ".ts", ".tsx")
    templating: ClassVar[str | None] = ""
    url_keys: ClassVar[tuple[str, ...]] = ("slug", "id", "date")

    @classmethod
    def load(cls, root: Path) -> Docusaurus:
        config_file = first_existing(root, CONFIG_NAMES)
        text = config_file.read_text(encoding="utf-8", errors="replace") if config_file else ""
        docs = js_block(text, "docs")
        blog = js_block(text, "blog")
        versions_file = root / "versions.json"
        try:
            versions = [str(v) for v in json.loads(versions_file.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            versions = []
        i18n = root / "i18n"
        settings: dict[str, Any] = {
            "baseUrl": js_string(text, "baseUrl") or "/",
            "docs path": None if docs == "" else js_string(docs or "", "path") or "docs",
            "docs route": (js_string(docs or "", "routeBasePath") or "docs").strip("/"),
            "blog path": None if blog == "" else js_string(blog or "", "path") or "blog",
            "blog route": (js_string(blog or "", "routeBasePath") or "blog").strip("/"),
            "versions": versions,
            "locales": sorted(p.name for p in i18n.iterdir() if p.is_dir())
            if i18n.is_dir()
            else [],
        }
        return cls(
            root, config_file, settings, id_styles=("docusaurus",),
            base_path=settings["baseUrl"].rstrip("/"),
            static_dirs=("static",),
            site_url=js_string(text, "url") or "",
            titles_from_h1=True,
        )  # fmt: skip

    # --- folders: (folder, kind, URL prefix) -------------------------------------

    def _sources(self) -> list[tuple[Path, str, str]]:
        s = self.settings
        docs_route = "/" + s["docs route"] if s["docs route"] else ""
        blog_route = "/" + s["blog route"] if s["blog route"] else ""
        found: list[tuple[Path, str, str]] = []
        if s["docs path"] is not None:
            current = (self.root / s["docs path"]).resolve()
            if s["versions"]:
                found.append((current, "docs", docs_route + "/next"))
            found.append((current, "docs", docs_route))
            for index, version in enumerate(s["versions"]):
                folder = self.root / "versioned_docs" / f"version-{version}"
                if index == 0:
                    found.append((folder, "docs", docs_route))
                found.append((folder, "docs", f"{docs_route}/{version}"))
        if s["blog path"] is not None:
            found.append(((self.root / s["blog path"]).resolve(), "blog", blog_route))
        found.append((self.root / "src" / "pages", "pages", ""))
        for locale in s["locales"]:
            base = self.root / "i18n" / locale
            found.append((base / "docusaurus-plugin-content-docs" / "current", "docs",
                          f"/{locale}{docs_route}"))  # fmt: skip
            found.append(
                (base / "docusaurus-plugin-content-blog", "blog", f"/{locale}{blog_route}")
            )
            found.append((base / "docusaurus-plugin-content-pages", "pages", f"/{locale}"))
        return found

    def content_dirs(self) -> list[Path]:
        return list(dict.fromkeys(folder for folder, _, _ in self._sources()))

    def static_roots(self) -> list[tuple[Path, str]]:
        return [(self.root / name, "/") for name in self.static_dirs]

    def _places(self, path: Path) -> list[tuple[tuple[str, ...], str, str]]:
        found = []
        for folder, kind, prefix in self._sources():
            parts = relative_parts(path, folder)
            if parts is not None:
                found.append((parts, kind, prefix))
        return found

    def is_published(self, path: Path) -> bool:
        """Docs and blog posts are Markdown; `src/pages/` also routes components."""
        places = self._places(path)
        if not places or any(p.startswith("_") for p in places[0][0]):
            return False
        return places[0][1] == "pages" or path.suffix in MARKDOWN_SUFFIXES

    def links_bare_urls(self) -> bool:
        return True  # MDX with remark-gfm: autolink literals

    def is_post(self, path: Path) -> bool:
        places = self._places(path)
        return bool(places) and places[0][1] == "blog" and self.is_published(path)

    def language_prefix(self, path: Path) -> str:
        places = self._places(path)
        if not places:
            return ""
        first = places[0][2].strip("/").split("/")[0]
        return "/" + first if first in self.settings["locales"] else ""

    def variant(self, path: Path) -> str:
        places = self._places(path)
        return places[0][2] if places else ""

    # --- URLs ------------------------------------------------------------------

    def urls(self, path: Path, front_matter: Mapping[str, Any]) -> list[str]:
        urls: list[str] = []
        for parts, kind, prefix in self._places(path):
            if kind == "blog":
                urls.append(prefix + _blog_url(parts, front_matter))
            elif kind == "docs":
                urls.append(prefix + _doc_url(parts, front_matter))
            else:
                urls.append(prefix + _page_url(parts))
        return urls or [self.path_url(path)]

    def virtual(self, url_key: str) -> bool:
        """Blog tag, author, archive and pagination pages; docs tag pages."""
        s = self.settings
        parts = url_key.strip("/").split("/")
        if parts and parts[0] in s["locales"]:
            parts = parts[1:]
        if len(parts) >= 2 and parts[0] == s["blog route"]:
            return parts[1] in ("tags", "authors", "archive", "page")
        return len(parts) >= 2 and parts[0] == s["docs route"] and parts[1] == "tags"


def _clean(name: str) -> str:
    return _NUMBER_PREFIX.sub("", name)


def _doc_url(parts: tuple[str, ...], front_matter: Mapping[str, Any]) -> str:
    folders = [_clean(part) for part in parts[:-1]]
    stem = os.path.splitext(parts[-1])[0]
    slug = front_matter.get("slug")
    if isinstance(slug, str) and slug.strip():
        slug = slug.strip()
        return slug if slug.startswith("/") else "/" + "/".join([*folders, slug])
    name = str(front_matter.get("id") or _clean(stem))
    is_index = stem.lower() in ("index", "readme") or (folders and name == folders[-1])
    if is_index and "id" not in front_matter:
        return "/" + "/".join(folders) + ("/" if folders else "")
    return "/" + "/".join([*folders, name])


def _blog_url(parts: tuple[str, ...], front_matter: Mapping[str, Any]) -> str:
    slug = front_matter.get("slug")
    if isinstance(slug, str) and slug.strip():
        return "/" + slug.strip().lstrip("/")
    stem = os.path.splitext(parts[-1])[0]
    items = [*parts[:-1]] if stem.lower() == "index" else [*parts[:-1], stem]
    joined = "/".join(items)
    match = _DATED_PATH.match(joined)
    if match:
        return f"/{match[1]}/{match[2]}/{match[3]}/{match[4]}"
    prefix = date_prefix(items[-1]) if items else None
    if prefix:
        return "/" + "/".join([*items[:-1], *prefix])
    return "/" + joined


def _page_url(parts: tuple[str, ...]) -> str:
    stem = os.path.splitext(parts[-1])[0]
    items = [*parts[:-1]] if stem == "index" else [*parts[:-1], stem]
    return "/" + "/".join(items)
