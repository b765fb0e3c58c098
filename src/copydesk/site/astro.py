"""Astro: `astro.config.*`; pages from `src/pages/`, posts in `src/content/`.

Read (literal strings only: the config is JavaScript): `site`, and whether
the config sets up Markdown plugins or integrations. `src/pages/x.md` is
served at `/x/`, as in a plain project with file-based routing. Pages made
by dynamic routes (`src/pages/[slug].astro`, which list a content
collection in code) and by integrations (a sitemap, feeds) have URLs
copydesk cannot know: a page link not found is then left alone (see
`Generator.knows_page_urls`); links to files are still checked. With
remark or rehype plugins in the config, heading ids are not modelled
either. Which files are posts follows the plain-folder rule.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from copydesk.site.base import Generator
from copydesk.site.configfile import first_existing

CONFIG_NAMES = ("astro.config.mjs", "astro.config.ts", "astro.config.js", "astro.config.mts")
_SITE = re.compile(r"""\bsite\s*:\s*['"](https?://[^'"]+)['"]""")
_MARKDOWN_CODE = re.compile(r"\b(remark|rehype)\w*|\bmarkdown\s*:")


@dataclass
class Astro(Generator):
    name: ClassVar[str] = "astro"

    @classmethod
    def load(cls, root: Path) -> Astro:
        config_file = first_existing(root, CONFIG_NAMES)
        text = config_file.read_text(encoding="utf-8", errors="replace") if config_file else ""
        site = _SITE.search(text)
        settings: dict[str, Any] = {
            "site": site.group(1) if site else "",
            "integrations": "integrations" in text,
            "dynamic routes": _dynamic_routes(root / "src" / "pages"),
            "Markdown plugins in code": bool(_MARKDOWN_CODE.search(text)),
        }
        return cls(root, config_file, settings, site_url=settings["site"], loose=False)

    def unread(self) -> list[str]:
        lines = []
        if not self.knows_page_urls():
            lines.append(
                "page URLs: dynamic routes or integrations make pages in code; "
                "CD101 checks only links to files"
            )
        if not self.knows_ids():
            lines.append("heading ids: remark/rehype plugins set up in code (no CD107)")
        return lines

    def knows_page_urls(self) -> bool:
        return not (self.settings["dynamic routes"] or self.settings["integrations"])

    def knows_ids(self) -> bool:
        return not self.settings["Markdown plugins in code"]

    def content_dirs(self) -> list[Path]:
        return [self.root / "src" / "pages", self.root / "src" / "content"]

    def static_roots(self) -> list[tuple[Path, str]]:
        return [(self.root / "public", "/"), *super().static_roots()]


def _dynamic_routes(pages: Path) -> list[str]:
    """Route files and folders named `[param]` below `src/pages/` (a few shown)."""
    found: list[str] = []
    for folder, dirs, files in os.walk(pages):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [
            os.path.relpath(os.path.join(folder, name), pages)
            for name in (*dirs, *files)
            if name.startswith("[")
        ]
        if len(found) >= 3:
            break
    return sorted(found)[:3]
