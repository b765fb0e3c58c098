"""Which generator builds the site a file belongs to, and where its root is.

The root is the nearest folder at or above the file that holds a generator's
config (`docusaurus.config.*`, `mkdocs.yml`, Hugo's `hugo.*`, `config.*`
with `content/`, or `config/_default/`, Jekyll's `_config.yml`, Eleventy's
`eleventy.config.*`, Zola's `config.toml` with `base_url`, Astro's `astro.config.*`), else the
nearest `.git` folder (a plain site), else the file's own folder. A
Docusaurus site often keeps its config in
`website/` and its docs beside it (`path: "../docs"`): when no config is
found on the way up, `website/` and `docusaurus/website/` of each folder
passed are tried, and used if their docs folder holds the file.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: a warm lint cache run only finds roots
    from copydesk.site.base import Generator

JEKYLL_MARKERS = ("_config.yml", "_config.yaml", "_config.toml")
HUGO_MARKERS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
HUGO_OLD_MARKERS = ("config.toml", "config.yaml", "config.yml", "config.json")
MKDOCS_MARKERS = ("mkdocs.yml", "mkdocs.yaml")
DOCUSAURUS_MARKERS = (
    "docusaurus.config.js", "docusaurus.config.ts", "docusaurus.config.mjs",
    "docusaurus.config.cjs", "docusaurus.config.mts",
)  # fmt: skip
ELEVENTY_MARKERS = (
    "eleventy.config.js", "eleventy.config.mjs", "eleventy.config.cjs", "eleventy.config.ts",
    ".eleventy.js",
)  # fmt: skip
ASTRO_MARKERS = ("astro.config.mjs", "astro.config.ts", "astro.config.js", "astro.config.mts")
NAMES = ("jekyll", "hugo", "mkdocs", "docusaurus", "eleventy", "zola", "astro", "plain")
# The generators that may make a page of a plain-text file (`Generator.renders_text`:
# a plain folder, Jekyll when its `markdown_ext` names it); every other one copies it.
TEXT_RENDERERS = ("plain", "jekyll")
# Values of the `generator` option: a generator, "auto" (detect it), or a
# heading-id style alone ("github", "kramdown": the option's older meaning).
GENERATORS: tuple[str, ...] = ("auto", *NAMES, "github", "kramdown")
# Heading-id styles (copydesk.site.ids slugs each); "github" is also the rule of
# Docusaurus and of GitHub's own renderer; "docusaurus" is github-slugger with
# explicit `{#id}` honoured.
ID_STYLES: tuple[str, ...] = (
    "github", "kramdown", "hugo", "python-markdown", "docusaurus", "blackfriday", "slugify",
)  # fmt: skip
SIBLING_SITES = ("website", os.path.join("docusaurus", "website"))
# A project's root when no generator is found: a repository, a package.
PROJECT_MARKERS = (".git", "package.json", "pyproject.toml", "Cargo.toml", "go.mod", "setup.py")
# A repository's top, above which a README's relative links are GitHub's pages
# (CD101 lets them be; the lint cache's site key records them, as hidden names).
REPOSITORY_TOP_MARKERS = (".git", ".github")


def site_choices() -> dict[str, tuple[str, ...]]:
    """Values the shared site options accept (a generator, or an id style
    alone); the config checks them for every rule that takes them, before any
    file is read (here, not beside the rules: a warm lint imports no rule)."""
    return {"generator": tuple(dict.fromkeys((*GENERATORS, *ID_STYLES)))}


def _listing(folder: str) -> frozenset[str] | None:
    """The folder's names in lower case: one listing answers the 30 marker
    questions a folder is asked (a warm run asks them of every folder).
    None when it cannot be listed (a folder may be searchable, not readable)."""
    try:
        return frozenset(name.lower() for name in os.listdir(folder))
    except OSError:
        return None


def _has(folder: str, names: tuple[str, ...], listing: frozenset[str] | None) -> bool:
    """Whether one of `names` is a file in `folder` (the listing rules out the
    others; `isfile` confirms, as a case-insensitive file system would answer)."""
    return any(
        (listing is None or name.lower() in listing) and os.path.isfile(os.path.join(folder, name))
        for name in names
    )


def _has_dir(folder: str, name: str, listing: frozenset[str] | None, *inner: str) -> bool:
    present = listing is None or name.lower() in listing
    return present and os.path.isdir(os.path.join(folder, name, *inner))


# Every name the checks below look for: a folder holding none of them (most
# folders of a site, each asked by a warm run) is answered by one set operation.
_MARKERS = frozenset(
    name.lower()
    for name in (
        *DOCUSAURUS_MARKERS, *MKDOCS_MARKERS, *HUGO_MARKERS, "config", *HUGO_OLD_MARKERS,
        *JEKYLL_MARKERS, *ELEVENTY_MARKERS, *ASTRO_MARKERS,
    )
)  # fmt: skip


def may_be_site(names: Iterable[str]) -> bool:
    """Whether a folder holding these names may be a site of its own (a
    generator's config, or `.git`): `find_site` of a folder holding none,
    inside a site whose root holds a generator's config, is its parent's."""
    return any(name == ".git" or name.lower() in _MARKERS for name in names)


@functools.lru_cache(maxsize=4096)
def generator_at(folder: str) -> str | None:
    """The generator whose config is in `folder`, or None."""
    names = _listing(folder)
    if names is not None and names.isdisjoint(_MARKERS):
        return None
    if _has(folder, DOCUSAURUS_MARKERS, names):
        return "docusaurus"
    if _has(folder, MKDOCS_MARKERS, names):
        return "mkdocs"
    if _has(folder, HUGO_MARKERS, names) or _has_dir(folder, "config", names, "_default"):
        return "hugo"
    if _has(folder, HUGO_OLD_MARKERS, names) and _has_dir(folder, "content", names):
        return "zola" if is_zola_config(os.path.join(folder, "config.toml")) else "hugo"
    if _has(folder, JEKYLL_MARKERS, names):
        return "jekyll"
    if _has(folder, ELEVENTY_MARKERS, names):
        return "eleventy"
    if _has(folder, ASTRO_MARKERS, names):
        return "astro"
    return None


def is_zola_config(path: str) -> bool:
    """A `config.toml` that sets Zola's required `base_url` (Hugo's is `baseURL`).
    Here, not in copydesk.site.zola: telling which generator a folder has must
    not import the generator (a warm lint of a Zola site imports none)."""
    try:
        with open(path, "rb") as file:
            head = file.read(8192)
    except OSError:
        return False
    import re

    return re.search(rb"(?m)^base_url\s*=", head) is not None


def is_site_root(folder: str) -> bool:
    """A folder that is a site (or a repository) of its own."""
    return generator_at(folder) is not None or os.path.exists(os.path.join(folder, ".git"))


@functools.lru_cache(maxsize=1024)
def find_site(folder: str) -> tuple[Path, str]:
    """(root, generator name) for a file in `folder` (an absolute path)."""
    normal = os.path.isabs(folder) and folder == os.path.normpath(folder)
    real = _real(folder) if normal else os.path.realpath(folder)
    found = _generator_above(real)
    if found is not None:
        return Path(found[0]), found[1]
    start = Path(real)
    ancestors = (start, *start.parents)
    for candidate in ancestors:
        for sibling in SIBLING_SITES:
            site = candidate / sibling
            if generator_at(str(site)) == "docusaurus" and _holds(site, start):
                return site, "docusaurus"
        if os.path.exists(candidate / ".git"):
            break
    for candidate in ancestors:
        if any(os.path.exists(candidate / marker) for marker in PROJECT_MARKERS):
            return candidate, "plain"
    return start, "plain"


# A warm lint asks for the site of every folder holding a file; most of them share
# their ancestors. Both memos below answer a folder from its parent's answer.


@functools.lru_cache(maxsize=4096)
def _real(folder: str) -> str:
    """`os.path.realpath` of a normalized absolute path, from its parent's: one
    `lstat` per folder, not one per component of each folder asked."""
    parent, name = os.path.split(folder)
    if not name or os.path.islink(folder):
        return os.path.realpath(folder)
    return os.path.join(_real(parent), name)


@functools.lru_cache(maxsize=4096)
def _generator_above(folder: str) -> tuple[str, str] | None:
    """(folder, generator) of the nearest generator's config at or above `folder`
    (a real path), not looking above a `.git` folder; None when there is none."""
    name = generator_at(folder)
    if name:
        return folder, name
    parent = os.path.dirname(folder)
    if parent == folder or os.path.exists(os.path.join(folder, ".git")):
        return None
    return _generator_above(parent)


def forget_tree() -> None:
    """Forget every folder's generator and site (a config added or removed
    since): `lint_paths` asks before each run (engine._TREE_MEMOS)."""
    for memo in (generator_at, find_site, _real, _generator_above, _generator):
        memo.cache_clear()


def site_root(settings: Mapping[str, Any], config_root: Path, source: Path) -> Path:
    """`site-root` when configured (relative to the config's folder), else the
    nearest ancestor of the file that holds a generator's config or `.git`."""
    configured = configured_root(settings, config_root)
    if configured is not None:
        return configured
    return find_site(os.path.dirname(os.path.abspath(source)))[0]


def configured_root(settings: Mapping[str, Any], config_root: Path) -> Path | None:
    """The `site-root` option resolved against the config's folder; None when unset."""
    configured = settings.get("site-root")
    return (config_root / str(configured)).resolve() if configured else None


def _holds(site: Path, folder: Path) -> bool:
    from copydesk.site.base import relative_parts

    generator = load_generator(site, "docusaurus")
    marker = folder / "x.md"
    return any(relative_parts(marker, content) is not None for content in generator.content_dirs())


# Each generator's class by name: (module, class); any other name is a plain folder.
_CLASSES = {
    "jekyll": ("copydesk.site.jekyll", "Jekyll"),
    "hugo": ("copydesk.site.hugo", "Hugo"),
    "mkdocs": ("copydesk.site.mkdocs", "MkDocs"),
    "docusaurus": ("copydesk.site.docusaurus", "Docusaurus"),
    "eleventy": ("copydesk.site.eleventy", "Eleventy"),
    "astro": ("copydesk.site.astro", "Astro"),
    "zola": ("copydesk.site.zola", "Zola"),
}


def generator_class(name: str) -> type[Generator]:
    """The class of the generator `name` (a plain folder's for any other name)."""
    module, cls = _CLASSES.get(name, ("copydesk.site.base", "Generator"))
    import importlib

    found: type[Generator] = getattr(importlib.import_module(module), cls)
    return found


def load_generator(root: Path, name: str) -> Generator:
    """The generator `name` with its settings read from `root`."""
    return generator_class(name).load(root)


def renders_text(
    folder: str, suffix: str, settings: Mapping[str, Any] | None = None, config_root: str = ""
) -> bool:
    """Whether a plain-text file (`.txt`, `.text`) in `folder` (absolute) is
    content for its site: in a plain folder yes, in a generator's site only
    where the generator renders it (Jekyll's `markdown_ext`). The options
    `site-root` (relative to `config_root`, the config's folder) and
    `generator` in `settings` win over detection, as in the site model."""
    root = configured_root(settings, Path(config_root)) if settings and config_root else None
    if root is not None:
        name = generator_at(str(root)) or "plain"
    else:
        root, name = find_site(folder)
    generator = str(settings.get("generator") or "auto") if settings else "auto"
    if generator in NAMES:
        name = generator  # "github" or "kramdown" choose only a heading-id style
    if name not in TEXT_RENDERERS:  # copied as it is: its generator need not be loaded
        return False
    return name == "plain" or _generator(root, name).renders_text(suffix)


@functools.lru_cache(maxsize=64)
def _generator(root: Path, name: str) -> Generator:
    return load_generator(root, name)
