"""Zola: `config.toml` with `base_url`, pages under `content/`.

Read: `base_url`, the `content/` and `static/` folders. A page is served at
its section's path plus its slugified file name, a `YYYY-MM-DD-` (or `_`)
date prefix removed (`content/blog/2024-01-02-hi.md` is `/blog/hi/`); a
page bundle `x/index.md` at `/x/`; front matter `path` (from the root) and
`slug` win, `aliases` add URLs. `@/blog/hi.md` is an internal link: a file
path below `content/`. Sections (`_index.md`) are pages, not posts.

Not modelled: Zola's heading-id slug (it transliterates Unicode and may
render emoji first), so fragments are not checked (see `Generator.knows_ids`).
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from copydesk.site.base import Generator, relative_parts
from copydesk.urls import split_url

_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][\d:]+)?[-_](.+)$")


def zola_slug(text: str) -> str:
    """Zola's `slugify.paths = "on"`: ASCII, lowercase, other characters to `-`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def forget_tree() -> None:
    """Forget the sections' `sort_by` (an `_index.md` edited since): see
    engine._TREE_MEMOS."""
    _sorted_by.cache_clear()


@functools.lru_cache(maxsize=256)
def _sorted_by(folder: Path, content: Path) -> str:
    """The `sort_by` of the section holding `folder` (its nearest `_index.md`)."""
    while True:
        index = folder / "_index.md"
        if index.is_file():
            try:
                text = index.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                return ""
            match = re.search(
                r"(?m)^sort_by\s*=\s*[\"']([a-z_]+)[\"']",
                text.split("+++")[1] if text.startswith("+++") else "",
            )
            return match.group(1) if match else ""
        if folder == content or content not in folder.parents:
            return ""
        folder = folder.parent


@dataclass
class Zola(Generator):
    name: ClassVar[str] = "zola"
    templating: ClassVar[str | None] = ""  # Tera shortcodes `{{ x() }}`, never Liquid
    url_keys: ClassVar[tuple[str, ...]] = ("path", "slug", "aliases")

    @classmethod
    def load(cls, root: Path) -> Zola:
        config = root / "config.toml"
        try:
            data: dict[str, Any] = tomllib.loads(config.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            data = {}
        site_url = str(data.get("base_url") or "")
        settings: dict[str, Any] = {"base_url": site_url}
        return cls(
            root, config, settings, id_styles=("github",),
            base_path=split_url(site_url).path.rstrip("/"), site_url=site_url,
            static_dirs=("static",),
        )  # fmt: skip

    def unread(self) -> list[str]:
        return ["heading ids: Zola's slug rule is not modelled (no CD107)"]

    def knows_ids(self) -> bool:
        return False

    def links_bare_urls(self) -> bool:
        return False  # pulldown-cmark as Zola sets it up: no autolink literals

    def content_dirs(self) -> list[Path]:
        return [self.root / "content"]

    def static_roots(self) -> list[tuple[Path, str]]:
        return [(self.root / "static", "/"), (self.root / "content", "/")]

    def is_post(self, path: Path) -> bool:
        """A page of a section sorted by date (`sort_by = "date"` in its
        `_index.md`): Zola's blog; other pages have no date to need."""
        if not self.is_published(path) or path.name == "_index.md":
            return False
        folder = path.parent.parent if path.name == "index.md" else path.parent
        return _sorted_by(folder, self.root / "content") == "date"

    def content_link(self, url: str) -> str | None:
        """`@/blog/hi.md#x` → the file path below `content/` it names."""
        if not url.startswith("@/"):
            return None
        return str(self.root / "content" / url[2:].split("#", 1)[0].split("?", 1)[0])

    def urls(self, path: Path, front_matter: Mapping[str, Any]) -> list[str]:
        urls: list[str] = []
        explicit = front_matter.get("path")
        if isinstance(explicit, str) and explicit.strip():
            urls.append("/" + explicit.strip().strip("/") + "/")
        urls.append(self._path_url(path, front_matter))
        aliases = front_matter.get("aliases")
        for alias in aliases if isinstance(aliases, list) else []:
            urls.append("/" + str(alias).lstrip("/"))
        return urls

    def _path_url(self, path: Path, front_matter: Mapping[str, Any]) -> str:
        parts = list(relative_parts(path, self.root / "content") or (path.name,))
        stem = parts.pop().rsplit(".", 1)[0]
        if stem in ("_index", "index"):
            return "/" + "".join(f"{zola_slug(part)}/" for part in parts)
        slug = front_matter.get("slug")
        if isinstance(slug, str) and slug.strip():
            name = slug.strip()
        else:
            dated = _DATED.match(stem)
            name = zola_slug(dated.group(1) if dated else stem)
        return "/" + "".join(f"{zola_slug(part)}/" for part in parts) + f"{name}/"
