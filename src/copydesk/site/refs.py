"""Hugo's `ref` and `relref` lookup: which page `{{< ref "path" >}}` names.

Hugo stops the build ("REF_NOT_FOUND") when a ref names no page, so a
wrong one is worth finding before a push. Hugo looks a ref's path up as
a content path (lower case, without the file's extension or language
suffix; a bundle's `index.md` and a section's `_index.md` are their
folder), in this order:

1. relative to the page's own folder (a path without a leading `/`),
2. from the content root,
3. as the base name of a page (`ref "about"` finds `content/misc/about.md`).

Every language's content counts (a ref may name another language with
`lang=`), and so does every folder with content (Hugo makes a section page
for it) and a taxonomy's pages: a finding must be a page Hugo cannot find.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from copydesk.site.base import MARKDOWN_SUFFIXES

if TYPE_CHECKING:
    from copydesk.site.project import SiteModel

_INDEX_NAMES = ("index", "_index")
# Content file suffixes a ref may end with (Hugo's content formats): `v1.2` keeps its `.2`.
_SUFFIXES = frozenset((*MARKDOWN_SUFFIXES, ".html", ".htm", ".adoc", ".org", ".rst", ".pdc"))


@dataclass
class RefIndex:
    """Content paths of a Hugo site's pages and sections, and their base names."""

    pages: dict[str, Path] = field(default_factory=dict)
    sections: set[str] = field(default_factory=set)
    base_names: set[str] = field(default_factory=set)
    taxonomies: frozenset[str] = frozenset()

    def find(self, ref_path: str, folders: list[str]) -> Path | None:
        """The page `ref_path` names, the site root for a section or taxonomy
        page that has no file of its own, or None. `folders`: the content
        paths a relative ref starts from (none for an included partial)."""
        wanted = content_path(ref_path)
        if wanted in ("", "/"):
            return Path("/")  # the home page always exists
        for base in [] if wanted.startswith("/") else folders:
            found = self._at(posixpath.normpath(posixpath.join("/", base, wanted)))
            if found is not None:
                return found
        found = self._at(posixpath.normpath("/" + wanted.lstrip("/")))
        if found is not None:
            return found
        name = wanted.rstrip("/").rsplit("/", 1)[-1]
        return Path("/") if name in self.base_names else None

    def _at(self, path: str) -> Path | None:
        if path in self.pages:
            return self.pages[path]
        parts = path.strip("/").split("/")
        if path in self.sections or (parts[0] in self.taxonomies and len(parts) <= 2):
            return Path("/")
        return None


def content_path(ref_path: str) -> str:
    """`Docs/Guide.md`, `docs/guide/`, `docs/guide/index.md` → `docs/guide`:
    the key Hugo compares (lower case, no extension, no index file name)."""
    path = ref_path.strip().replace("\\", "/").replace(" ", "-").lower().rstrip("/")
    stem, suffix = posixpath.splitext(path)
    if suffix in _SUFFIXES:
        path = stem
    head, _, tail = path.rpartition("/")
    if tail in _INDEX_NAMES:
        path = head if head else "/"
    return path


def build_index(model: SiteModel) -> RefIndex:
    """Every Hugo content file of the model, by content path."""
    generator = model.generator
    index = RefIndex(taxonomies=frozenset(generator.settings.get("taxonomies", ())))
    for path in model.markdown_files():
        place = generator.content_place(path)
        if place is None:
            continue
        parts, _ = place
        key = content_path("/" + "/".join(parts))
        index.pages.setdefault(key, path)
        folders = key.strip("/").split("/")[:-1]
        for depth in range(1, len(folders) + 1):
            index.sections.add("/" + "/".join(folders[:depth]))
        name = key.rstrip("/").rsplit("/", 1)[-1]
        if name:
            index.base_names.add(name)
    return index


def page_folders(model: SiteModel, source: Path) -> list[str]:
    """The content paths a relative ref in `source` starts from: its folder
    (a bundle's own folder for its `index.md`), and for an index page also
    the folder above, as Hugo versions differ there. None for a file Hugo
    does not publish (an included partial: relative to whoever includes it)."""
    if not model.is_published(source):
        return []
    place = model.generator.content_place(Path(os.path.abspath(source)))
    if place is None:
        return []
    folder = "/" + "/".join(place[0][:-1]).lower()
    stem = posixpath.splitext(place[0][-1])[0]
    return [folder, posixpath.dirname(folder)] if stem in _INDEX_NAMES else [folder]
