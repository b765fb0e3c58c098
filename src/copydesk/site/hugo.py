"""Hugo: content/ → URLs, static/ (and the theme's) → files.

Read from `hugo.toml|yaml|json`, `config.*`, or `config/_default/` (every
file there merged: `languages.fr.toml` is the `fr` table of `languages`):
`contentDir`, `staticDir`, `theme`, `[permalinks]`, `[taxonomies]`,
`uglyURLs`, `baseURL`'s path, languages (each with its own `contentDir`, or
a `.fr.md` file-name suffix), `defaultContentLanguage(InSubdir)`, module
mounts of content and static folders, `params.mainSections`, and
`markup.goldmark.parser.autoHeadingIDType`.

A page's URL: its path below the content folder, sections as folders;
`index.md` (a leaf bundle) and `_index.md` (a section) serve their folder;
front matter `url` replaces the URL, `slug` the last part, and a section's
`[permalinks]` pattern (`:year`, `:month`, `:day`, `:slug`, `:title`,
`:filename`, `:section`, `:sections`) builds it; `aliases` redirect. Other
languages are served under `/<lang>/`. Taxonomy pages (`/tags/`,
`/tags/<term>/`) exist without a file. Posts are the regular pages (not
`_index.md`) of the main sections: `params.mainSections`, else sections
named post, posts, blog, news or articles.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from copydesk.site.base import (
    MARKDOWN_SUFFIXES,
    Generator,
    date_of,
    fill,
    relative_parts,
    strip_index,
    urlize,
)
from copydesk.site.configfile import first_existing, nested, read_mapping
from copydesk.site.ids import DEFINITION_TERMS
from copydesk.urls import split_url

CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
OLD_CONFIG_NAMES = ("config.toml", "config.yaml", "config.yml", "config.json")
POST_SECTIONS = ("post", "posts", "blog", "news", "articles")
# An `id` or `name` attribute in a template (`<h2 id="{{ . }}">`, `<a name=x>`).
_WRITES_ID = re.compile(r"""\s(?:id|name)=["'{]""")
_LANG_SUFFIX = re.compile(r"^(.+)\.([a-z]{2}(?:-[a-zA-Z]{2,4})?)$")


def config_files(root: Path) -> list[Path]:
    """The config files Hugo would read in `root`, in merge order."""
    found = first_existing(root, CONFIG_NAMES + OLD_CONFIG_NAMES)
    files = [found] if found else []
    default = root / "config" / "_default"
    if default.is_dir():
        files += sorted(
            p for p in default.iterdir() if p.suffix in (".toml", ".yaml", ".yml", ".json")
        )
    return files


def _merged(files: list[Path]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path in files:
        table = read_mapping(path)
        stem = path.stem
        if path.parent.name == "_default" and stem not in ("hugo", "config"):
            key, _, sub = stem.partition(".")  # languages.fr.toml → languages.fr
            table = {key: {sub: table}} if sub else {key: table}
        _merge(data, table)
    return data


def _merge(into: dict[str, Any], table: Mapping[str, Any]) -> None:
    for key, value in table.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = dict(value) if isinstance(value, Mapping) else value


def _link_hook(root: Path, themes: list[str], kind: str = "link") -> str:
    """The site's (or a theme's) link or image render hook, relative to `root`, or ""."""
    for layouts in [root / "layouts", *(root / "themes" / theme / "layouts" for theme in themes)]:
        for folder in ("_markup", "_default/_markup"):
            hook = layouts / folder / f"render-{kind}.html"
            if hook.is_file():
                return os.path.relpath(hook, root)
    return ""


@dataclass
class Hugo(Generator):
    name: ClassVar[str] = "hugo"
    page_suffixes: ClassVar[tuple[str, ...]] = (
        *MARKDOWN_SUFFIXES,
        ".html",
        ".htm",
        ".adoc",
        ".org",
        ".rst",
        ".pdc",
    )
    templating: ClassVar[str | None] = ""  # shortcodes, never Liquid
    url_keys: ClassVar[tuple[str, ...]] = ("url", "slug", "aliases")

    def front_matter_keys(self) -> tuple[str, ...]:
        # Dates and titles matter only to permalink patterns; most sites have none.
        if self.settings["permalinks"] or self.permalink:
            return (*self.url_keys, "date", "title")
        return self.url_keys

    @classmethod
    def load(cls, root: Path) -> Hugo:
        files = config_files(root)
        data = _merged(files)
        lower = {str(k).lower(): v for k, v in data.items()}
        default_lang = str(lower.get("defaultcontentlanguage") or "en")
        content = str(lower.get("contentdir") or "content")
        languages = _languages(lower, content, default_lang)
        mounts = nested(lower, "module", "mounts") or []
        for mount in mounts if isinstance(mounts, list) else []:
            if isinstance(mount, Mapping) and str(mount.get("target", "")) == "content":
                langs = nested(mount, "sites", "matrix", "languages") or [mount.get("lang")]
                lang = str(langs[0]) if langs and langs[0] else default_lang
                if languages.get(lang, content) == content:  # a mount replaces the default
                    languages[lang] = str(mount.get("source"))
        static = lower.get("staticdir") or "static"
        static_dirs = [static] if isinstance(static, str) else [str(s) for s in static]
        for mount in mounts if isinstance(mounts, list) else []:
            if isinstance(mount, Mapping) and str(mount.get("target", "")) == "static":
                static_dirs.append(str(mount.get("source")))
        theme = lower.get("theme")
        themes = [theme] if isinstance(theme, str) else [str(t) for t in theme or []]
        taxonomies = lower.get("taxonomies")
        main = nested(lower, "params", "mainSections") or nested(lower, "params", "mainsections")
        id_type = str(
            nested(lower, "markup", "goldmark", "parser", "autoHeadingIDType") or "github"
        )
        settings: dict[str, Any] = {
            "config files": [os.path.relpath(p, root) for p in files],
            "content folders": languages,
            "default language": default_lang,
            "default language in subfolder": bool(lower.get("defaultcontentlanguageinsubdir")),
            "static folders": static_dirs,
            "themes": themes,
            "permalinks": {
                str(k): str(v)
                for k, v in (lower.get("permalinks") or {}).items()
                if isinstance(v, str)
            },
            "ugly URLs": lower.get("uglyurls") or False,
            "taxonomies": sorted({str(v) for v in taxonomies.values()})
            if isinstance(taxonomies, Mapping)
            else ["categories", "tags"],
            "main sections": [str(s) for s in main]
            if isinstance(main, list)
            else list(POST_SECTIONS),
            "autoHeadingIDType": id_type,
            # goldmark's linkify is on unless the config turns it off
            "linkify": nested(lower, "markup", "goldmark", "extensions", "linkify") is not False,
            # Hugo lowercases the URLs it derives from paths unless told not to
            "keep case": bool(lower.get("disablepathtolower")),
            "link render hook": _link_hook(root, themes),
        }
        base = split_url(str(lower.get("baseurl") or "")).path.rstrip("/")
        styles: tuple[str, ...] = ("hugo", "blackfriday") if id_type == "blackfriday" else ("hugo",)
        parser = nested(lower, "markup", "goldmark", "parser") or {}
        if isinstance(parser, Mapping) and parser.get("autoDefinitionTermID"):
            styles = (*styles, DEFINITION_TERMS)
        return cls(
            root, files[0] if files else None, settings, id_styles=styles, base_path=base,
            static_dirs=tuple(static_dirs), site_url=str(lower.get("baseurl") or ""),
        )  # fmt: skip

    # --- folders --------------------------------------------------------------

    @functools.cached_property
    def _content_folders(self) -> list[tuple[Path, str]]:
        return self._content()

    @functools.cached_property
    def _deepest_first(self) -> list[tuple[Path, str]]:
        """`content/fr/` before the default `content/` that holds it."""
        return sorted(self._content_folders, key=lambda item: -len(item[0].parts))

    def _content(self) -> list[tuple[Path, str]]:
        """(content folder, language), the default language's first."""
        folders = self.settings["content folders"]
        default = self.settings["default language"]
        ordered = sorted(folders.items(), key=lambda item: item[0] != default)
        return [(self.root / folder, lang) for lang, folder in ordered]

    def links_bare_urls(self) -> bool:
        return bool(self.settings["linkify"])

    def rewrites_links(self) -> bool:
        return bool(self.settings["link render hook"])

    def finds_images_in_any_case(self) -> bool:
        # An image hook looks a page's images up with `Resources.Get`, which
        # ignores case; the embedded one is on for multilingual sites.
        multilingual = len(self.settings["content folders"]) > 1
        return multilingual or bool(_link_hook(self.root, self.settings["themes"], "image"))

    def content_dirs(self) -> list[Path]:
        return list(dict.fromkeys(folder for folder, _ in self._content()))

    def static_roots(self) -> list[tuple[Path, str]]:
        roots = [(self.root / name, "/") for name in self.static_dirs]
        for theme in self.settings["themes"]:
            roots.append((self.root / "themes" / theme / "static", "/"))
        roots.append((self.root / "assets", "/"))  # resources.Get and render hooks read it
        for folder, lang in self._content():
            roots.append((folder, self._lang_prefix(lang) + "/"))  # page resources
        return roots

    def _lang_prefix(self, lang: str) -> str:
        default = self.settings["default language"]
        in_subdir = self.settings["default language in subfolder"]
        return "" if lang == default and not in_subdir else "/" + lang

    @functools.cached_property
    def _id_writers(self) -> frozenset[str]:
        layouts = [self.root / "layouts"]
        layouts += [self.root / "themes" / theme / "layouts" for theme in self.settings["themes"]]
        found: set[str] = set()
        for folder in layouts:
            for sub in ("shortcodes", "_shortcodes"):
                for template in sorted((folder / sub).glob("**/*.html")):
                    try:
                        text = template.read_text(encoding="utf-8", errors="replace")
                    except OSError:
                        continue
                    if _WRITES_ID.search(text):
                        name = template.relative_to(folder / sub).with_suffix("").as_posix()
                        found.add(name.split(".")[0])  # `clients.en.html` is `clients`
        return frozenset(found)

    def id_writers(self) -> frozenset[str]:
        return self._id_writers

    def content_place(self, path: Path) -> tuple[tuple[str, ...], str] | None:
        """(parts below the content folder, language suffix removed; language)."""
        return self._place(path)

    def _place(self, path: Path) -> tuple[tuple[str, ...], str] | None:
        """(parts below the content folder, language) of a content file."""
        if path not in self._places:
            self._places[path] = self._find_place(path)
        return self._places[path]

    @functools.cached_property
    def _places(self) -> dict[Path, tuple[tuple[str, ...], str] | None]:
        return {}

    def _find_place(self, path: Path) -> tuple[tuple[str, ...], str] | None:
        for folder, lang in self._deepest_first:
            parts = relative_parts(path, folder)
            if parts is not None:
                stem = os.path.splitext(parts[-1])[0]
                match = _LANG_SUFFIX.match(stem)
                if match and match.group(2) in self.settings["content folders"]:
                    lang = match.group(2)
                    parts = (*parts[:-1], match.group(1) + os.path.splitext(parts[-1])[1])
                return parts, lang
        return None

    # --- what is published ---------------------------------------------------

    def is_published(self, path: Path) -> bool:
        place = self._place(path)
        return place is not None and not any(p.startswith("_") for p in place[0][:-1])

    def is_post(self, path: Path) -> bool:
        place = self._place(path)
        if place is None or not self.is_published(path):
            return False
        parts = place[0]
        if len(parts) < 2 or os.path.splitext(parts[-1])[0] == "_index":
            return False
        return parts[0] in self.settings["main sections"]

    def language_prefix(self, path: Path) -> str:
        place = self._place(path)
        return self._lang_prefix(place[1]) if place else ""

    def variant(self, path: Path) -> str:
        place = self._place(path)
        return place[1] if place else ""

    # --- URLs ------------------------------------------------------------------

    def urls(self, path: Path, front_matter: Mapping[str, Any]) -> list[str]:
        place = self._place(path)
        if place is None:
            return [self.path_url(path)]
        parts, lang = place
        prefix = self._lang_prefix(lang)
        url = front_matter.get("url")
        if isinstance(url, str) and url.strip():
            own = url.strip() if url.startswith("/") else "/" + url.strip()
            return [prefix + own, *self._aliases(front_matter, prefix)]
        names = [name for name in strip_index(parts) if name]
        regular = os.path.splitext(parts[-1])[0] != "_index"  # a page, not a section
        slug = front_matter.get("slug")
        pattern = self._permalink_for(parts)
        urls: list[str] = []
        if pattern and regular and len(parts) > 1:
            filled = fill(pattern, self._values(parts, front_matter))
            if filled:
                urls.append(prefix + filled)
        if isinstance(slug, str) and slug.strip() and regular and names:
            names = [*names[:-1], slug.strip()]
        own = "/" + "/".join(names) + ("/" if names else "")
        urls.append(prefix + (own if self.settings["keep case"] else own.lower()))
        return urls + self._aliases(front_matter, prefix)

    def _permalink_for(self, parts: tuple[str, ...]) -> str | None:
        permalinks: dict[str, str] = self.settings["permalinks"]
        if self.permalink:
            return self.permalink
        return permalinks.get(parts[0]) if len(parts) > 1 else None

    @staticmethod
    def _values(parts: tuple[str, ...], front_matter: Mapping[str, Any]) -> dict[str, str | None]:
        stem = os.path.splitext(parts[-1])[0]
        name = parts[-2] if stem in ("index", "_index") and len(parts) > 1 else stem
        title = str(front_matter.get("title") or name)
        slug = front_matter.get("slug")
        date = date_of(front_matter, "")
        return {
            "year": f"{date.year:04d}" if date else None,
            "month": f"{date.month:02d}" if date else None,
            "day": f"{date.day:02d}" if date else None,
            "title": urlize(title),
            "slug": urlize(str(slug)) if slug else urlize(title),
            "filename": name,
            "contentbasename": name,
            "slugorfilename": str(slug) if slug else name,
            "slugorcontentbasename": str(slug) if slug else name,
            "section": parts[0],
            "sections": "/".join(parts[:-1] if stem not in ("index", "_index") else parts[:-2]),
        }

    def _aliases(self, front_matter: Mapping[str, Any], prefix: str) -> list[str]:
        return [a if a.startswith("/") else prefix + "/" + a for a in self.redirects(front_matter)]

    def virtual(self, url_key: str) -> bool:
        """Taxonomy list and term pages, in every language."""
        parts = url_key.strip("/").split("/")
        if parts and parts[0] in self.settings["content folders"]:
            parts = parts[1:]
        return bool(parts) and parts[0] in self.settings["taxonomies"] and len(parts) <= 2


def _languages(lower: Mapping[str, Any], content: str, default_lang: str) -> dict[str, str]:
    """Language → content folder (several languages may share one)."""
    languages = lower.get("languages")
    found: dict[str, str] = {}
    if isinstance(languages, Mapping):
        for lang, table in languages.items():
            folder = table.get("contentDir") if isinstance(table, Mapping) else None
            found[str(lang)] = str(folder or content)
    found.setdefault(default_lang, content)
    return found
