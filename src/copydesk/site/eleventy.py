"""Eleventy: files under the input folder become pages at their path.

Read from `eleventy.config.*` / `.eleventy.js` (JavaScript, so only literal
strings are read): `dir.input` (default `.`), `dir.includes` (`_includes`),
`dir.data` (`_data`), `pathPrefix`. `x.md` is served at `/x/` and
`index.md` at its folder, and so is a file named like its folder
(`authors/authors.njk` is `/authors/`); front matter `permalink` wins.
Posts are the files under a `posts/` or `blog/` folder.

What the config does in code is not read: when it adds plugins,
collections, templates or a Markdown library of its own, pages may be
served at URLs no file gives (feeds, pagination, permalinks computed in
`*.11tydata.js`) and heading ids come from that library's slug function,
so the model says it does not know them (see `Generator.knows_page_urls`).
Eleventy dates every page (the file name's date, else the file's own) and
gives it no title of its own: layouts decide which data is the title. The
site's address is read from a global data file that names it (`_data/`
`metadata`, `site` or `config` with a literal `url` or `origin`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from copydesk.site.base import MARKDOWN_SUFFIXES, Generator, date_prefix, relative_parts
from copydesk.site.configfile import first_existing, js_block, js_string

CONFIG_NAMES = (
    "eleventy.config.js", "eleventy.config.mjs", "eleventy.config.cjs", "eleventy.config.ts",
    ".eleventy.js",
)  # fmt: skip
POST_FOLDERS = ("posts", "blog", "post")
# Config calls that add pages or change how Markdown renders, in code copydesk cannot run.
_CODE_PAGES = re.compile(r"\.(addPlugin|addCollection|addTemplate|addGlobalData|addExtension)\s*\(")
_CODE_IDS = re.compile(r"\.(setLibrary|amendLibrary)\s*\(|markdown-it-anchor|markdownPlugin")
_INPUT_PATHS = "InputPathToUrl"  # the plugin that serves links to input files as their URLs


@dataclass
class Eleventy(Generator):
    name: ClassVar[str] = "eleventy"
    page_suffixes: ClassVar[tuple[str, ...]] = (
        *MARKDOWN_SUFFIXES,
        ".html",
        ".njk",
        ".liquid",
        ".11ty.js",
        ".webc",
    )
    templating: ClassVar[str | None] = "liquid"  # markdownTemplateEngine's default
    url_keys: ClassVar[tuple[str, ...]] = ("permalink",)

    @classmethod
    def load(cls, root: Path) -> Eleventy:
        config_file = first_existing(root, CONFIG_NAMES)
        text = config_file.read_text(encoding="utf-8", errors="replace") if config_file else ""
        folders = js_block(text, "dir") or ""
        settings: dict[str, Any] = {
            "input": js_string(folders, "input") or ".",
            "includes": js_string(folders, "includes") or "_includes",
            "data": js_string(folders, "data") or "_data",
            "pathPrefix": js_string(text, "pathPrefix") or "/",
            "pages added in code": bool(_CODE_PAGES.search(text)),
            "Markdown library set in code": bool(_CODE_IDS.search(text)),
            "links to input files": _INPUT_PATHS in text,
        }
        data_dir = root / settings["input"] / settings["data"]
        return cls(
            root, config_file, settings, id_styles=("github", "slugify"),
            base_path=settings["pathPrefix"].rstrip("/"), static_dirs=(),
            site_url=_address_in_data(data_dir),
        )  # fmt: skip

    def content_dirs(self) -> list[Path]:
        return [(self.root / self.settings["input"]).resolve()]

    def static_roots(self) -> list[tuple[Path, str]]:
        return [(self.content_dirs()[0], "/"), (self.root, "/")]

    def is_published(self, path: Path) -> bool:
        parts = relative_parts(path, self.content_dirs()[0])
        hidden = (self.settings["includes"], self.settings["data"], "_site", "node_modules")
        return parts is not None and not any(part in hidden for part in parts[:-1])

    def describe(self) -> list[tuple[str, str]]:
        return [*super().describe(), ("site address (global data)", self.site_url or "none")]

    def unread(self) -> list[str]:
        lines = ["titles: layouts decide which data is a page's title (no CD303)"]
        if self.settings.get("pages added in code"):
            lines.append(
                "page URLs: plugins, collections or templates added in code; "
                "CD101 checks only links to files"
            )
        if self.settings.get("Markdown library set in code"):
            lines.append("heading ids: the Markdown library is set up in code (no CD107)")
        return lines

    def knows_page_urls(self) -> bool:
        return not self.settings.get("pages added in code")

    def knows_ids(self) -> bool:
        return not self.settings.get("Markdown library set in code")

    def supplies(self, key: str) -> bool:
        return key in ("date", "title")

    def link_roots(self) -> list[Path]:
        return self.content_dirs() if self.settings.get("links to input files") else []

    def links_bare_urls(self) -> bool:
        return False  # markdown-it as Eleventy sets it up: linkify off

    def path_url(self, path: Path) -> str:
        """`/blog/x/` for `blog/2022-04-22-x.md`: Eleventy's `fileSlug` drops a date prefix."""
        url = super().path_url(path).replace(".11ty", "")  # `x.11ty.js` is the page x
        head, _, last = url.rstrip("/").rpartition("/")
        if head and last == head.rpartition("/")[2]:
            return head + "/"  # `authors/authors.njk`: the folder's index page
        prefix = date_prefix(last)
        return f"{head}/{prefix[3]}" if prefix else url

    def is_post(self, path: Path) -> bool:
        parts = relative_parts(path, self.content_dirs()[0]) or ()
        return self.is_published(path) and any(part in POST_FOLDERS for part in parts[:-1])


# Global data files where Eleventy sites (and the eleventy-base-blog starter's
# `metadata.js`) keep the site's own address, and the keys they use for it.
_SITE_DATA = ("metadata", "site", "config", "meta")
_ADDRESS = re.compile(
    r"""\b(?:url|origin|baseUrl|siteUrl)["']?\s*[:=]\s*["'](https?://[^"'\s]+)["']"""
)


def _address_in_data(data_dir: Path) -> str:
    """The site's address from a global data file (`_data/metadata.js` `url:`,
    `_data/config.js` `origin:`), literal strings only; "" when none says."""
    for stem in _SITE_DATA:
        for suffix in (".js", ".mjs", ".cjs", ".json"):
            try:
                text = (data_dir / (stem + suffix)).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            match = _ADDRESS.search(text)
            if match:
                return match.group(1)
    return ""
