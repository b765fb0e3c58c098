"""The lint cache: what linting each file gave, kept between runs, so that an
unchanged file costs a read and a hash instead of a parse and every rule.

One file of JSON lines, `lint.json`, in the cache folder (`cache-dir`, default
`.copydesk_cache/`, beside the link cache's `links.json`): a header (format,
version, tool), the stamps, the last project stage's outcome, then three
lines per file, so that a run that re-lints a few files writes the others'
lines as it read them. Per file (by its path relative to the cache's root) it
keeps what a worker sends back for it: the rules' hits, its suppression
comments and its remote URLs on the first line, the facts of cross-file rules
on the second (decoded only when the project stage runs), and on the third
its front matter's value (copydesk.fmcache: decoded only when the file is
linted again, whose front matter then loads without YAML if its text is the
same). Findings are not kept:
severities, per-file-ignores, suppressions and the project stage (CD107's
fragments into other files, CD311's collisions) are applied again on every
run, from the cached facts of unchanged files and the fresh ones of changed
files. So renaming a heading re-reports the links into it from files that
did not change, without parsing them.

The project stage's outcome (the hits it added, per file) is kept too, under
a key of every file's facts as kept (with its rule set's and site's keys) in
run order, and the bytes of the files that stage read besides the run's own
(each collecting rule says which: `Rule.project_reads`; a rule that cannot
say, such as a plugin's, makes the stage run every time). The facts are all
that stage reads of a file, so a run whose files are all in the cache under
that key, such as one after an edit that moved no heading, link or slug,
adds those hits and neither decodes the facts nor runs the stage.

An entry holds while its key holds. The key is a hash of:

- the file's bytes;
- the run's tool: copydesk's version and its modules (size and mtime, so an
  edited checkout counts as another version), Python's, mistune's and PyYAML's,
  and the releases of pydantic and ftfy (CD30x's messages, CD401's repairs);
- the file's rule set: each selected rule's code, options and where its
  code is (a built-in rule's module, whose version is the tool's; a shipped
  pack's bytes; a plugin's module file and every file of its top package,
  a version of its own, and the node types it reads), the size limit, and
  whether web rules want its URLs;
- the bytes of the other files a rule read for its findings (`Context.read`:
  the snippets a page includes, for CD108; the page a Hugo ref's #fragment
  names, for CD117), checked when the entry is read; and the clock: an entry
  whose findings change when a date comes (CD308's "in the future") holds
  until then (`Context.expires`);
- where the tree is (the real path of the cache's root): cross-file facts
  name files by their real paths, so a copy of a tree with its cache starts afresh;
- the file's site, for rule sets that read one: the name of every file under
  the site root and the folders it publishes outside it (Docusaurus's
  `../docs`) or that a link inside it leads to (dependency folders and the
  caches' own folders aside), where each link to a folder leads (one
  re-pointed keeps every name), the front matter of every page there and
  the bytes of the generator's config files. That is what the site model
  reads of other files (which exist, where they are served, which are
  posts), so adding, removing or renaming a
  file, or editing any front matter or the site's config, makes every entry
  of that site miss; editing a page's body leaves the others' entries valid.
  The host's redirect files count as config (`_redirects` in any folder, a
  `netlify.toml` up to three folders above the root): they make URLs work.
  So do the files that give the site's address (`CNAME` in any folder,
  Eleventy's global data files, the package.json above the root), MkDocs'
  `hooks:` files (named in its config: whether one rewrites pages) and its
  theme's `custom_dir` where the walk does not reach it (hidden, or outside
  the root: MkDocs serves its files at the site's root; its `vendor`
  folders too), the whole bytes
  of Hugo's shortcode templates (whether one writes heading ids) and the
  size of every image (CD204 reads it). Hidden folders are walked
  where a link may reach them (`SiteState._hidden`): the root's `.github`
  and `.well-known`, and below the root those inside a folder the site
  publishes, as are `vendor` folders; never `.git` (whether a folder has
  one is recorded: it makes that folder a site of its own).

The bytes' digests are not recomputed for a file whose size, mtime and ctime
are those the last run recorded (`stamps` in lint.json, see `SiteState`): a
warm run then stats the site's pages instead of reading and hashing them.

Files that the site does not contain (a link out of the site root) are not
looked at. A file whose lint reported an error, or whose facts are of a type
the codec does not know (a plugin's own class), is not cached. Runs of fewer
than `engine.CACHE_MIN_FILES` files neither read nor write the cache: reading it would
cost a one-file hook run more than it saves.

A cache that cannot be read, is not JSON, is of another format, holds a tag
or a class the codec did not write, or was written by another copydesk is
ignored and rebuilt; an entry that is not what `put` writes is a miss. Writes
are atomic and never go through a symbolic link (write.py's `Writer`).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from copydesk.cachedir import cache_root, plain, tool_key
from copydesk.cachedir import digest as _digest
from copydesk.cachedir import hasher as _hasher

if TYPE_CHECKING:
    from copydesk.engine import FileResult, LintError, Plan, RuleSet
    from copydesk.online import UrlUse
    from copydesk.registry import RuleInfo
    from copydesk.rules.base import Violation
    from copydesk.suppress import Suppressions

CACHE_FILE = "lint.json"
FORMAT = "copydesk-lint"
VERSION = 10
# A file modified this recently is read again by the next run, whatever its stat says.
SETTLE_SECONDS = 2
# Pages whose front matter the site model may read; the head of an HTML page is enough.
_PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mdx")
_HTML_SUFFIXES = (".html", ".htm")
_HEAD = 4096
# Generator config files at the site root (and in Hugo's config/ folder).
_CONFIG_SUFFIXES = (".toml", ".yaml", ".yml", ".json", ".js", ".mjs", ".cjs", ".ts")
_SKIPPED_DIRS = frozenset({"node_modules", "_site", "__pycache__", "site-packages"})
# Set aside as hidden folders are (`SiteState._hidden`): the root's holds a
# project's dependencies (Bundler, Composer), `static/vendor/` is served.
_VENDOR = "vendor"
# Images: their size is what CD204 (large-image) reads of them.
_IMAGE_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".pjpeg", ".pjp", ".gif", ".webp", ".avif",
    ".apng", ".jxl", ".heic", ".heif", ".svg", ".bmp", ".tif", ".tiff", ".ico",
})  # fmt: skip
# Hugo shortcode templates: read whole for whether they write heading ids (CD107).
_SHORTCODE_DIRS = (f"{os.sep}shortcodes", f"{os.sep}_shortcodes")
# Host redirect files (copydesk.site.redirects): `_redirects` in any folder (the
# root or a static one), and a netlify.toml up to this many folders above the root.
_REDIRECTS = "_redirects"
# Files read whole wherever they are: host redirects, and the `CNAME` that
# gives a site's address (copydesk.site.project.published_at).
_READ_WHOLE = frozenset({_REDIRECTS, "CNAME"})
# Hidden folders at the root that are walked: a README links into `.github`,
# hosts serve `/.well-known/`. Others there are tools' (`.vscode`, `.cache`).
_HIDDEN_AT_ROOT = frozenset({".github", ".well-known"})
# Eleventy's global data files that may give the site's address
# (copydesk.site.eleventy._address_in_data), in its data folder.
_ELEVENTY_DATA = frozenset(
    stem + suffix
    for stem in ("metadata", "site", "config", "meta")
    for suffix in (".js", ".mjs", ".cjs", ".json")
)
# A Python file named in MkDocs' config: a `hooks:` entry (copydesk.site.mkdocs).
_PYTHON_NAME = rb"""[^\s'"\[\],#]+\.py\b"""
_NETLIFY_LEVELS = 3
# An MkDocs theme's `custom_dir:` (block or flow style), whose files it serves.
_CUSTOM_DIR = rb"""custom_dir:[ \t]*['"]?([^\s'"#,}]+)"""


class Uncacheable(Exception):
    """A value the codec cannot write: the file's result is not cached."""


# --- the codec: JSON with tags for the few types results hold ------------------------

# Classes a cache entry may hold, by tag; nothing else is ever built from the cache.
_CLASSES = {
    "Violation": "copydesk.rules.base",
    "Fix": "copydesk.findings",
    "Replacement": "copydesk.findings",
    "Directive": "copydesk.suppress",
    "Span": "copydesk.suppress",
    "Suppressions": "copydesk.suppress",
    "UrlUse": "copydesk.online",
    "FragmentFacts": "copydesk.rules.links",
    "FragmentLink": "copydesk.rules.links",
    "LinkFacts": "copydesk.rules.links",
    "UnresolvedLink": "copydesk.rules.links",
}


def encode(value: Any) -> Any:
    """`value` as JSON data; tuples, sets, paths, mappings (as [key, value] pairs)
    and instances of the known classes are tagged: every JSON object inside an
    entry is a tag (see `_hook`). A known class (a dataclass, a NamedTuple or a
    plain class) is kept as the values of its `__match_args__`: the arguments
    its constructor takes, in order (Python's own list of them, for `match`)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [encode(item) for item in value]
    cls = type(value)
    if cls is not tuple and _CLASSES.get(cls.__name__) == cls.__module__:
        names = cls.__match_args__
        return {"c": cls.__name__, "v": [encode(getattr(value, name)) for name in names]}
    if isinstance(value, tuple):
        return {"t": [encode(item) for item in value]}
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise Uncacheable("a mapping with keys that are not strings")
        return {"d": [[key, encode(item)] for key, item in value.items()]}
    if isinstance(value, (set, frozenset)):
        from copydesk.site.ids import OpenIds

        tag = "o" if isinstance(value, OpenIds) else "f" if isinstance(value, frozenset) else "s"
        return {tag: sorted((encode(item) for item in value), key=repr)}
    if isinstance(value, Path):
        return {"p": str(value)}
    raise Uncacheable(f"a {cls.__qualname__}")


def _hook(data: dict[str, Any]) -> Any:
    """The inverse of `encode`, as `json.loads`' object_hook: the parser calls it
    for every object, innermost first, so a warm run decodes its thousands of
    facts without a second walk over them. A tag is built (a known class only:
    `_CLASSES`); any other object (the file's own tables, a payload) is kept.
    Raises (KeyError, TypeError, ...) on a tag it did not write."""
    if len(data) == 1:
        for tag in data:  # the one key (a loop: cheaper than unpacking `items()`)
            inner = data[tag]
            if tag == "t":
                return tuple(inner)
            if tag == "f":
                return frozenset(inner)
            if tag == "d":
                return dict(inner)
            if tag == "s":
                return set(inner)
            if tag == "p":
                return Path(inner)
            if tag == "o":
                from copydesk.site.ids import OpenIds

                return OpenIds(inner)
        return data
    if len(data) == 2 and "c" in data and "v" in data:
        return _class(data["c"])(*data["v"])
    return data


@functools.cache
def _class(name: str) -> Any:
    return getattr(importlib.import_module(_CLASSES[name]), name)


# --- keys --------------------------------------------------------------------------


def ruleset_key(ruleset: RuleSet) -> str:
    """What the rules of one configuration are and how they are set, from the
    registry's metadata: a warm run does not import the rule modules for it."""
    packages: dict[str, str] = {}  # a plugin's package stamped once for all its rules
    rules = [
        [info.code, *_rule_source(info, packages), plain(settings)]
        for info, settings in zip(ruleset.infos, ruleset.settings, strict=True)
    ]
    shape = [rules, ruleset.max_size, bool(ruleset.online_rules)]
    return _digest(json.dumps(shape, sort_keys=True, default=repr))


def _rule_source(info: RuleInfo, packages: dict[str, str]) -> list[Any]:
    """Where a rule's code is, and which version of it. A built-in rule (from
    the rule table) is its module and class: copydesk's modules are in the
    cache's `tool_key`. A shipped pack's rule is the pack's bytes. Any other
    rule (a plugin, a config's own pack) is loaded already: its class, the
    size and mtime of its module and of every file of its top package (the
    helpers and data it imports or reads; `packages` keeps them by name for
    the run), a pack rule's spec and the node types it reads (what the
    parser builds for it)."""
    if info.where is not None:
        kind, place, name = info.where
        return [kind, place, name, _file_digest(place) if kind == "pack" else ""]
    cls = info.cls
    module = sys.modules.get(cls.__module__)
    source = getattr(module, "__file__", None) or ""
    stamp = ""
    if source and os.path.isfile(source):
        stat_ = os.stat(source)
        stamp = f"{stat_.st_size}:{stat_.st_mtime_ns}"
    spec = repr(getattr(cls, "spec", ""))
    top = cls.__module__.partition(".")[0]
    if top not in packages:
        packages[top] = _package_stamp(sys.modules.get(top))
    package = packages[top]
    return [cls.__qualname__, source, stamp, package, spec, list(cls.targets), cls.needs]


def _package_stamp(package: Any) -> str:
    """The path, size and mtime of each file in a package's folders (not its
    `__pycache__`), or "" for a module outside any package (its own file is
    stamped) and copydesk's (its files are in `tool_key`)."""
    folders = getattr(package, "__path__", None)
    if not folders or getattr(package, "__name__", "") == "copydesk":
        return ""
    stamps = []
    for top in sorted(str(folder) for folder in folders):
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                path = os.path.join(folder, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                stamps.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return _digest(*stamps)


@functools.cache
def _file_digest(path: str) -> str:
    data = _read(path)
    return _digest(data) if data is not None else "unread"


class SiteState:
    """The digest of what the site model reads of a site's files, and the
    bytes' digests of the pages found on the way (each file is read once).

    A page whose size, mtime and ctime are those recorded by the last run
    (`known`: absolute path -> [size, mtime_ns, ctime_ns, digest of its bytes,
    digest of its front matter]) is not read again: its digests are the
    recorded ones, as git's index trusts a file's stat. A file modified in the
    last `SETTLE_SECONDS` is not recorded (a second edit within the same clock
    tick could keep its size and times). `stamps` is what this run saw, for
    the next one; keys stay content hashes, so a fresh checkout (new times)
    reads every file and still reuses entries restored from another run.
    The folders a site publishes are recorded there too (`_publishing`).
    """

    def __init__(
        self, known: Mapping[str, Any] | None = None, skip: frozenset[str] = frozenset()
    ) -> None:
        self.skip = skip  # folders not walked (real paths): the caches' own
        self.file_digests: dict[str, str] = {}  # absolute path -> digest of its bytes
        self.known = known or {}
        self.stamps: dict[str, list[Any]] = {}
        self._settled = time.time_ns() - SETTLE_SECONDS * 1_000_000_000
        self.sites: dict[str, str] = {}  # each site's key by its root's real path
        # Folders walked whose site is the root walked (a generator's root, with no
        # site of their own on the way down), by real path: `CachedRun._site`
        # answers their files from here rather than ask `find_site` per folder.
        self.within: dict[str, str] = {}
        self._real: dict[Path, str] = {}  # each root's realpath: asked once per folder linted

    def key(self, root: Path, settings: Mapping[str, Any] | None = None) -> str:
        """The site's key; `settings` (its rule set's site options) say, with
        its generator's config, which folders it publishes (see `_publishing`)."""
        name = self._real.get(root)
        if name is None:
            name = self._real[root] = os.path.realpath(root)
        if name not in self.sites:
            self.sites[name] = self._walk(name, settings or {})
        return self.sites[name]

    def _walk(self, root: str, settings: Mapping[str, Any]) -> str:
        """A warm run's one pass over the whole site: string work per file (a
        folder's path is the root's and the walk's names: no `relpath`, no `join`).
        Hidden folders and those the site publishes outside its root are
        walked after it (`_hidden`, `_outside`)."""
        hasher = hashlib.sha256()
        update = hasher.update
        from copydesk.site.detect import (
            ELEVENTY_MARKERS,
            MKDOCS_MARKERS,
            REPOSITORY_TOP_MARKERS,
            generator_at,
            may_be_site,
        )

        for marker in REPOSITORY_TOP_MARKERS:  # .git is never walked: CD101 asks
            update(b"1" if os.path.exists(os.path.join(root, marker)) else b"0")
        hidden: list[str] = []
        skip = self.skip
        inside = len(os.path.join(root, ""))
        config_dir = os.path.join(root, "config")
        eleventy = False
        mkdocs: list[str] = []
        within = self.within if generator_at(root) else None  # a plain root: find_site asks more
        entered: list[str] = []  # the folders the walk was to enter (see `_linked`)
        walked: set[str] = set()
        for folder, dirs, files in os.walk(root):
            walked.add(folder)
            if within is not None and (
                folder == root
                or (
                    within.get(os.path.dirname(folder)) == root
                    and not (may_be_site(files) or may_be_site(dirs))
                )
            ):
                within[folder] = root
            if folder == root:  # the first folder walked: which generator reads what
                eleventy = any(name in files for name in ELEVENTY_MARKERS)
                mkdocs = [name for name in MKDOCS_MARKERS if name in files]
            base = os.path.join(folder, "")
            relative = folder[inside:] if folder != root else "."
            configs = folder in (root, config_dir) or folder.startswith(config_dir + os.sep)
            kept = []
            for name in dirs:
                if name[0] == "." or name == _VENDOR:
                    if name == ".git":  # another repository's top: a site root of its own
                        update(base[inside:].encode() + b".git/\0")
                    elif folder != root or name in _HIDDEN_AT_ROOT:
                        hidden.append(base + name)
                elif name not in _SKIPPED_DIRS and not (skip and base + name in skip):
                    kept.append(name)
                    entered.append(base + name)
            dirs[:] = sorted(kept)
            self._files(update, base, relative, configs, files, eleventy)
        if len(walked) <= len(entered):  # one not entered: a link to a folder
            self._linked(update, root, [f for f in entered if f not in walked], eleventy)
        below = [folder for folder in hidden if os.path.dirname(folder) != root]
        published = self._publishing(hasher, root, below, settings)
        mkdocs_configs = [_read(os.path.join(root, config)) or b"" for config in mkdocs]
        customs = _custom_dirs(root, mkdocs_configs)  # served too: their vendor folders count
        if hidden:
            self._hidden(update, root, hidden, below, published + customs, eleventy)
        self._outside(update, root, published, eleventy)
        for data in mkdocs_configs:  # its `hooks:` files: whether one rewrites pages' Markdown
            for hook in sorted(set(re.findall(_PYTHON_NAME, data))):
                digests = self._digests(os.path.join(root, hook.decode(errors="replace")))
                update(hook + b"\0" + (digests[0].encode() if digests else b"\0unread"))
        for custom in customs:
            self._custom_dir(update, root, custom, eleventy)
        above = root
        for _ in range(_NETLIFY_LEVELS):
            above = os.path.dirname(above)
            netlify = _read(os.path.join(above, "netlify.toml"))
            update(b"\0" if netlify is None else netlify + b"\0")
        # published_at reads a package.json's homepage at the root or the folder above it
        update(_marked(_read(os.path.join(os.path.dirname(root), "package.json"))))
        return hasher.hexdigest()

    def _files(
        self,
        update: Callable[[bytes], None],
        base: str,
        relative: str,
        configs: bool,
        files: list[str],
        eleventy: bool,
    ) -> None:
        """Hash what the site model reads of one folder's files: `base` is the
        folder's path and a separator, `relative` its path below the root,
        `configs` whether a config file there is the generator's, `eleventy`
        whether the site's data files may give its address (Eleventy)."""
        shortcodes = _SHORTCODE_DIRS[0] in base or _SHORTCODE_DIRS[1] in base
        for name in sorted(files):
            suffix = os.path.splitext(name)[1].lower()
            if suffix in _PAGE_SUFFIXES:  # most files: their name and digest in one update
                digests = self._digests(base + name)
                update(f"{relative}/{name}\0{digests[1] if digests else _UNREAD}\0".encode())
                continue
            update(f"{relative}/{name}\0".encode())
            if suffix in _HTML_SUFFIXES and shortcodes:
                digests = self._digests(base + name)
                update(digests[0].encode() if digests else b"\0unread")
            elif suffix in _HTML_SUFFIXES:
                update(_front_matter(_marked(_read(base + name, _HEAD))))
            elif suffix in _IMAGE_SUFFIXES:
                update(_size(base + name))
            elif (configs and suffix in _CONFIG_SUFFIXES) or name in _READ_WHOLE:
                update(_marked(_read(base + name)))
            elif eleventy and name in _ELEVENTY_DATA:
                digests = self._digests(base + name)
                update(digests[0].encode() if digests else b"\0unread")
            update(b"\0")

    def _hidden(
        self,
        update: Callable[[bytes], None],
        root: str,
        hidden: list[str],
        below: list[str],
        published: list[str],
        eleventy: bool,
    ) -> None:
        """Hidden folders: the root's `.github` and `.well-known` (a README's
        links, hosts serve `/.well-known/`), and below the root those inside a
        folder the site publishes (`static/.well-known/`; not a tool's
        `.icons` or `.cache` elsewhere); `vendor` folders likewise (the
        root's is a project's dependencies); `below`: those below the root,
        `published`: the folders the site publishes (see `_publishing`) and
        MkDocs' `custom_dir` (`overrides/vendor/` is served)."""
        for top in hidden:
            if top in below and not any(top.startswith(p) for p in published):
                continue
            self._walk_folder(update, top, root, eleventy, hidden=True)

    def _linked(
        self, update: Callable[[bytes], None], root: str, links: list[str], eleventy: bool
    ) -> None:
        """Folders the walk did not enter: links to folders (`static/shared ->
        ../../shared`; a link resolves through them) and ones it could not
        read. Where each leads counts (`static/img -> a/` re-pointed to `b/`
        keeps every name the walk sees). One whose target is inside the root
        (walked already) or holds it is not walked; another is, below the
        link's name."""
        inside = os.path.join(root, "")
        start = len(inside)
        for link in links:
            target = os.path.join(os.path.realpath(link), "")
            update(f"{link[start:]}\0{target}\0".encode())  # re-pointed: another folder
            if target.startswith(inside) or inside.startswith(target) or not os.path.isdir(link):
                continue
            self._walk_folder(update, link, root, eleventy)

    def _walk_folder(
        self,
        update: Callable[[bytes], None],
        top: str,
        root: str,
        eleventy: bool,
        hidden: bool = False,
    ) -> None:
        """A folder outside the root's walk, walked as the root is (hidden and
        dependency folders aside; `hidden`: a hidden folder's own, which are
        walked, `.git` aside), its files named relative to the root."""
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(
                d for d in dirs
                if (d != ".git" if hidden else d[0] != "." and d != _VENDOR)
                and d not in _SKIPPED_DIRS
                and not (self.skip and os.path.join(folder, d) in self.skip)
            )  # fmt: skip
            relative = os.path.relpath(folder, root)
            self._files(update, os.path.join(folder, ""), relative, False, files, eleventy)

    def _custom_dir(
        self, update: Callable[[bytes], None], root: str, custom: str, eleventy: bool
    ) -> None:
        """An MkDocs theme's `custom_dir`, whose files the site serves at its
        root (copydesk.site.mkdocs), walked as the root is where the root's
        walk does not reach it: a hidden one (`.overrides`), one below a
        hidden or dependency folder, or one outside the root (not one holding it)."""
        folder = custom[:-1] or custom  # `_custom_dirs` ends each in a separator
        relative = os.path.relpath(folder, root)
        parts = relative.split(os.sep)
        if relative == "." or (
            parts[0] != ".."
            and not any(
                part[0] == "." or part == _VENDOR or part in _SKIPPED_DIRS for part in parts
            )
        ):
            return  # the root's walk has its names
        update(f"custom_dir\0{relative}\0".encode())
        holds_root = os.path.join(root, "").startswith(os.path.join(folder, ""))
        if os.path.isdir(folder) and not holds_root:
            self._walk_folder(update, folder, root, eleventy)

    def _outside(
        self, update: Callable[[bytes], None], root: str, published: list[str], eleventy: bool
    ) -> None:
        """The folders the site publishes outside its root, walked as the root
        is: a Docusaurus site in `website/` with its docs in `../docs` (their
        names and front matter are what links into them resolve against).
        One that holds the root is not: the root's walk is its part."""
        inside = os.path.join(root, "")
        outer = sorted(folder for folder in published if not folder.startswith(inside))
        tops = [f for f in outer if not any(f.startswith(o) for o in outer if o != f)]
        for top in tops:
            if not inside.startswith(top):
                self._walk_folder(update, top, root, eleventy)

    def _publishing(
        self, hasher: hashlib._Hash, root: str, below: list[str], settings: Mapping[str, Any]
    ) -> list[str]:
        """`_published`, as the last run recorded it while what it depends on
        holds: the site's config and file names (the walk's digest so far), its
        options and the hidden folders found (loading the generator costs a
        warm run 10 ms: PyYAML or tomllib, and the config's parse). A first
        run asks the generator of every site."""
        shape = json.dumps([plain(settings), below], sort_keys=True)
        holds = _digest(hasher.copy().hexdigest(), shape)
        name = f"published\0{root}"  # no path holds a NUL: no file's stamp
        known = self.known.get(name)
        if type(known) is list and len(known) == 2 and known[0] == holds:
            folders = known[1]
            if type(folders) is list and all(type(folder) is str for folder in folders):
                self.stamps[name] = known
                return folders
        folders = _published(root, settings)
        self.stamps[name] = [holds, folders]
        return folders

    def _digests(self, path: str) -> tuple[str, str] | None:
        """(digest of the file's bytes, digest of its front matter), from the
        last run's record while the file's stat holds; None when it cannot be
        read (a FIFO, a device or a socket is never opened: a FIFO would block)."""
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        known = self.known.get(path)
        if (
            type(known) is list
            and len(known) == 5
            and known[0] == info.st_size
            and known[1] == info.st_mtime_ns
            and known[2] == info.st_ctime_ns
            and type(known[3]) is str  # written by this class, decoded by JSON:
            and type(known[4]) is str  # exact types (a warm run asks of every page)
        ):
            self.stamps[path] = known
            digests: tuple[str, str] = (known[3], known[4])
        else:
            stamp = [info.st_size, info.st_mtime_ns, info.st_ctime_ns]
            try:
                with open(path, "rb") as file:  # after the stat: an edit meanwhile shows next run
                    data = file.read()
            except OSError:
                return None
            digests = (_digest(data), _digest(_front_matter(data)))
            if info.st_mtime_ns < self._settled:
                self.stamps[path] = [*stamp, *digests]
        self.file_digests[path] = digests[0]
        return digests

    def file_digest(self, name: str, data: bytes | None) -> str | None:
        """The digest of a file's bytes (`name`: its absolute path; `data` when
        given, as from stdin), or None when it cannot be read (the lint says why)."""
        if data is not None:
            return _digest(data)
        if name not in self.file_digests and self._digests(name) is None:
            return None  # linted, and refused with its reason
        return self.file_digests[name]


def _custom_dirs(root: str, configs: list[bytes]) -> list[str]:
    """The `custom_dir` folders MkDocs' config files name (found as their
    `hooks:` are: no YAML loaded), each ending in a separator."""
    if not configs:
        return []
    names = {name for data in configs for name in re.findall(_CUSTOM_DIR, data)}
    folders = (os.path.normpath(os.path.join(root, n.decode(errors="replace"))) for n in names)
    return sorted(os.path.join(folder, "") for folder in folders)


def _published(root: str, settings: Mapping[str, Any]) -> list[str]:
    """The folders the site at `root` publishes (its static roots and content
    folders, as the site model finds them), each ending in a separator."""
    from copydesk.site.detect import NAMES, generator_at, load_generator

    option = str(settings.get("generator") or "auto")
    name = option if option in NAMES else generator_at(root) or "plain"
    try:
        generator = load_generator(Path(root), name)
    except Exception:  # the lint says what is wrong: here everything below the root counts
        return [os.path.join(root, "")]
    extra = settings.get("static-dirs")
    if extra:
        added = (extra,) if isinstance(extra, str) else tuple(str(item) for item in extra)
        generator.static_dirs = tuple(dict.fromkeys((*generator.static_dirs, *added)))
    folders = [folder for folder, _ in generator.static_roots()] + generator.content_dirs()
    return [os.path.join(os.path.realpath(folder), "") for folder in folders]


def _read(path: str, size: int = -1) -> bytes | None:
    """A regular file's bytes (`size` at most), or None: a FIFO, a device or a
    socket is never opened (a FIFO would block), and a file may be unreadable."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as file:
            return file.read(size)
    except OSError:
        return None


def _size(path: str) -> bytes:
    try:
        return str(os.stat(path).st_size).encode()
    except OSError:
        return b"\0unread"


_UNREAD = "\0unread"  # what the site's digest takes of a file it could not read


def _marked(data: bytes | None) -> bytes:
    """What the site's digest takes of a file it could not read: that it could not."""
    return b"\0unread" if data is None else data


def _front_matter(data: bytes) -> bytes:
    """The front matter block at the start of a page (YAML, TOML or a JSON
    object's first lines), or b"" when it has none."""
    text = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    fence = text[:3]
    if fence in (b"---", b"+++"):
        end = text.find(b"\n" + fence, 3)
        return text[: end + 4] if end >= 0 else text[:_HEAD]
    if text[:1] == b"{":
        return text[:_HEAD]
    return b""


# --- the cache ---------------------------------------------------------------------


class LintCache:
    """Entries by path relative to `root`; `problem` says why a file found was ignored."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.root = root
        self._prefix = os.path.join(os.path.abspath(root), "")
        self.problem: str | None = None
        self.tool = tool_key()
        self.entries: dict[str, list[Any]] = {}  # [key, payload], decoded as read
        self.stamps: dict[str, Any] = {}  # see SiteState: what the last run saw of each file
        self.seen: set[str] = set()  # entries this run looked up: their files exist
        # [key, payload as JSON data, facts as JSON text, front matter line] put this run
        self.fresh: dict[str, list[Any]] = {}
        self.changed = False
        # Each entry's three lines as read (the entry, its facts, its front matter's
        # value: copydesk.fmcache): `save` keeps them, and the facts are decoded
        # only when the project stage needs them, the front matter when its file
        # is linted again.
        self._lines: dict[str, tuple[str, str, str]] = {}
        # The last project stage's outcome: [key, [[path, digest], ...], [[name, [hit, ...]], ...]].
        self.project: list[Any] | None = None
        self._project_line = "null"
        self._stamps_line: str | None = None  # the stamps as read (see `save`)
        self._load()

    def _header(self) -> str:
        return json.dumps(
            {"format": FORMAT, "version": VERSION, "tool": self.tool}, separators=(",", ":")
        )

    def _load(self) -> None:
        try:
            text = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as error:
            self.problem = error.strerror or str(error)
            return
        first, _, rest = text.partition(b"\n")
        if first != self._header().encode():  # judged before anything is decoded
            try:
                data = json.loads(first)
            except (ValueError, UnicodeDecodeError):
                self.problem = "not JSON"
                return
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                self.problem = "not a copydesk lint cache"
                return
            if data.get("version") != VERSION or data.get("tool") != self.tool:
                self.changed = True  # another copydesk: rebuilt quietly, as after an upgrade
                return
        try:
            stamps, project, *lines = rest.decode("utf-8").splitlines()
            if len(lines) % 3:
                raise ValueError("an entry without its facts or front matter")
            heads = lines[0::3]
            # One parse for every entry (one call per line would cost more).
            decoded = json.loads(f"[{','.join(heads)}]", object_hook=_hook)
            entries = {}
            rows = zip(heads, lines[1::3], lines[2::3], decoded, strict=True)
            for head, facts, front_matter, (name, key, payload) in rows:
                entries[name] = [key, payload]
                self._lines[name] = (head, facts, front_matter)
            known = json.loads(stamps)
            outcome = json.loads(project, object_hook=_hook)
        except Exception:  # a tag or a class it did not write: damaged, never trusted
            self.problem = "damaged"
            self._lines = {}
            return
        self.entries = entries
        self.stamps = known if isinstance(known, dict) else {}
        self._stamps_line = stamps if isinstance(known, dict) else None
        if _is_outcome(outcome):
            self.project = outcome
            self._project_line = project

    def relative(self, path: Path, absolute: str | None = None) -> str:
        """The entry's name: `path` relative to the root (`absolute`: its absolute
        path, when known; string work, not `relpath`, for a file under the root)."""
        absolute = absolute or os.path.abspath(path)
        if absolute.startswith(self._prefix):
            return absolute[len(self._prefix) :]
        return os.path.relpath(absolute, self.root)

    def get(self, name: str, key: str) -> dict[str, Any] | None:
        self.seen.add(name)
        entry = self.entries.get(name)
        if not isinstance(entry, list) or len(entry) != 2 or entry[0] != key:
            return None
        payload = entry[1]
        return payload if isinstance(payload, dict) else None

    def facts(self, names: Sequence[str]) -> list[dict[str, Any] | None]:
        """The cached facts of these entries, decoded now; None for one that is
        not what `put` writes (its file is linted again)."""
        lines = [self._lines[name][1] if name in self._lines else "" for name in names]
        try:
            decoded = json.loads(f"[{','.join(lines)}]", object_hook=_hook)
            if len(decoded) == len(names) and all(type(item) is dict for item in decoded):
                return decoded  # type: ignore[no-any-return]
        except Exception:  # one damaged line: each is decoded alone below
            pass
        return [_facts(line) for line in lines]

    def put(self, name: str, key: str, result: FileResult, holds: list[Any] | None = None) -> bool:
        """Keep a result (before the project stage adds its hits); not one with
        errors; `holds`: what else it depends on (see `CachedRun._hold`).
        Whether it was kept."""
        if result.errors:
            return False
        try:
            payload = {"hits": [_hit(code, violation) for code, violation in result.hits]}
            facts = json.dumps(encode(result.facts), separators=(",", ":"))
            suppressions = result.suppressions
            if suppressions.directives or suppressions.spans or suppressions.used:
                payload["suppressions"] = encode(suppressions)
            if result.urls:
                payload["urls"] = [_url(use) for use in result.urls]
            if holds:
                payload["holds"] = holds
        except Uncacheable:
            return False
        self.fresh[name] = [key, payload, facts, result.front_matter or "null"]
        self.changed = True
        return True

    def front_matter(self, name: str) -> str | None:
        """An entry's front matter line as read (see copydesk.fmcache); None: no entry."""
        lines = self._lines.get(name)
        return lines[2] if lines is not None else None

    def facts_text(self, name: str) -> str | None:
        """An entry's facts as JSON text (put this run, else as read); None: no entry."""
        fresh = self.fresh.get(name)
        if fresh is not None:
            return fresh[2]  # type: ignore[no-any-return]
        lines = self._lines.get(name)
        return lines[1] if lines is not None else None

    def keep_project(self, outcome: list[Any] | None) -> None:
        """The project stage's outcome for the next run (None: none holds)."""
        line = json.dumps(outcome, separators=(",", ":"))
        if line != self._project_line:
            self._project_line = line
            self.changed = True

    def save(self, stamps: dict[str, list[Any]]) -> str | None:
        """Write atomically when anything changed (the entries, or the `stamps`
        this run saw), dropping entries of files that are gone; the reason when
        it could not be written (the run goes on).

        Stamps this run saw as they were read are written as read: a run that
        learnt no new stamp (one that re-lints a file edited just now, which
        is not stamped) keeps the line, the edited file's old stamp included.
        That one no longer holds (its size or times changed), so the next run
        reads the file, as it would with no stamp."""
        gone = [
            rel
            for rel in self.entries
            if rel not in self.seen and not os.path.exists(os.path.join(self.root, rel))
        ]
        known = self.stamps
        learnt = any(known.get(name) != stamp for name, stamp in stamps.items())
        if not (self.changed or gone or learnt):
            return None
        line = self._stamps_line
        if learnt or line is None:
            line = json.dumps(stamps, separators=(",", ":"))
        from copydesk.write import write_cache

        lines = dict(self._lines)  # unchanged entries as read: not encoded again
        for rel in gone:
            del lines[rel]
        for name, (key, payload, facts, front_matter) in self.fresh.items():
            # [name, key, payload]: a list, so that no object but a tag is inside one
            head = json.dumps([name, key, payload], separators=(",", ":"))
            lines[name] = (head, facts, front_matter)
        text = [self._header(), line, self._project_line]
        text.extend(line for entry in lines.values() for line in entry)
        return write_cache(self.path, "\n".join(text) + "\n", "lint cache")


def _facts(line: str) -> dict[str, Any] | None:
    try:
        decoded = json.loads(line, object_hook=_hook)
    except Exception:  # a tag or a class it did not write: a miss, never trusted
        return None
    return decoded if type(decoded) is dict else None


def _is_outcome(data: Any) -> TypeGuard[list[Any]]:
    """A project outcome as `CachedRun.project` writes it."""
    return (
        isinstance(data, list)
        and len(data) == 3
        and isinstance(data[0], str)
        and isinstance(data[1], list)
        and all(
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], str)
            and (item[1] is None or isinstance(item[1], str))
            for item in data[1]
        )
        and isinstance(data[2], list)
        and all(
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], str)
            and isinstance(item[1], list)
            for item in data[2]
        )
    )


def _absolute(cwd: str, path: Path) -> str:
    """`normpath(join(cwd, path))`: for a path without `..` or `//` (a walk's
    files, as pathlib keeps them), string work alone."""
    text = str(path)
    if os.sep == "/" and "/.." not in text and "//" not in text:
        if text[:1] == "/":
            return text
        if not text.startswith(".."):
            return f"{cwd}/{text}" if cwd != "/" else f"/{text}"
    return os.path.normpath(os.path.join(cwd, text))


def _hit(code: str, v: Violation) -> list[Any]:
    """A hit as a flat list (most files have many, and most have no fix)."""
    extra = [encode(v.replacement), encode(v.fix)] if v.replacement or v.fix else []
    return [code, v.line, v.column, v.message, v.end_line, v.end_column, v.severity, *extra]


def _url(use: UrlUse) -> list[Any]:
    return [use.url, use.kind, use.line, use.column, use.end_line, use.end_column, encode(use.span)]


def _hits(data: Any) -> list[tuple[str, Violation]]:
    """Hits as `_hit` writes them; raises (ValueError, TypeError) on anything else."""
    _, Violation, _ = _result_types()
    hits = []
    for code, line, column, message, end_line, end_column, severity, *extra in data:
        replacement, fix = extra if extra else (None, None)
        violation = Violation(
            line, column, message, end_line, end_column, severity, replacement, fix
        )
        hits.append((code, violation))
    return hits


def result_from(payload: Mapping[str, Any], path: Path, ruleset: int) -> FileResult | None:
    """A cached payload (decoded as the cache was read) as the worker's result
    for `path`, without its facts (see `CachedRun.project`); None when it is
    not what `put` writes."""
    FileResult, _, Suppressions = _result_types()
    try:
        hits = payload["hits"]
        hits = [] if hits == [] else _hits(hits)  # most files have none
        urls = []
        if "urls" in payload:  # web rules selected: copydesk.online is loaded anyway
            from copydesk.online import UrlUse

            urls = [
                UrlUse(url, kind, line, column, end_line, end_column, span)
                for url, kind, line, column, end_line, end_column, span in payload["urls"]
            ]
        suppressions = payload.get("suppressions", None)
        if suppressions is None:
            suppressions = Suppressions()
        if type(suppressions) is not Suppressions:
            return None
        return FileResult(path, ruleset, hits=hits, suppressions=suppressions, urls=urls)
    except Exception:  # a damaged or foreign entry is a miss, never trusted
        return None


@functools.cache
def _result_types() -> tuple[type[FileResult], type[Violation], type[Suppressions]]:
    """The classes `result_from` builds, imported once: it runs for every cached file."""
    from copydesk.engine import FileResult
    from copydesk.rules.base import Violation
    from copydesk.suppress import Suppressions

    return FileResult, Violation, Suppressions


class CachedRun:
    """One run's use of the cache: which tasks it answers, which it must lint,
    and what to keep of those. `cache_dir` (from `--cache-dir`) wins over each
    configuration's `cache-dir`."""

    def __init__(self, plan: Plan, paths: Sequence[Path], cache_dir: str | None) -> None:
        self.caches: dict[Path, LintCache] = {}
        self._by_ruleset: list[LintCache] = []
        for ruleset in plan.rulesets:
            config = ruleset.resolved.config
            root = cache_root(config, paths)
            folder = root / (cache_dir or config.cache_dir)
            if folder not in self.caches:
                self.caches[folder] = LintCache(folder / CACHE_FILE, root)
            self._by_ruleset.append(self.caches[folder])
        # Each rule set's key, and where its tree is: facts name files by their real
        # paths, so a tree copied or moved with its cache must not use the old one's
        # (a cached link into a changed file would be checked against the old copy).
        self.rulesets = [
            _digest(ruleset_key(ruleset), os.path.realpath(cache.root))
            for ruleset, cache in zip(plan.rulesets, self._by_ruleset, strict=True)
        ]
        known: dict[str, Any] = {}
        for cache in self.caches.values():
            known.update(cache.stamps)
        # The caches' folders are not the site's: a run writing them changes no key.
        skip = frozenset(os.path.realpath(cache.path.parent) for cache in self.caches.values())
        self.state = SiteState(known, skip)
        self._keys: dict[int, str] = {}
        self._names: dict[int, str] = {}  # each task's entry name in its rule set's cache
        self._scopes: dict[int, tuple[int, str]] = {}  # each task's rule set and site key
        self._lazy: list[int] = []  # tasks answered from the cache: their facts are not read yet
        self._kept = True  # every task's result is in the cache: the project outcome may be
        self._execute: Callable[[Plan], list[FileResult]] | None = None
        self._sites: dict[tuple[str, int], str] = {}
        self._prefixes: dict[tuple[int, str], hashlib._Hash] = {}  # hashers, see `_key`

    def notes(self) -> list[str]:
        return [
            f"copydesk: {cache.path}: lint cache ignored ({cache.problem}); rebuilt"
            for cache in self.caches.values()
            if cache.problem
        ]

    def _site(self, plan: Plan, path: Path, index: int, absolute: str) -> str:
        """The key of the file's site (once per folder and rule set: the same for
        all its files); a folder the site's walk saw inside it is answered by it."""
        folder = absolute[: absolute.rfind(os.sep)]  # its folder, as dirname gives it
        site = self._sites.get((folder, index))
        if site is None:
            ruleset = plan.rulesets[index]
            settings = next((s for s in ruleset.settings if "generator" in s), None)
            walked = None
            if settings is not None and not settings.get("site-root"):  # else site_root says
                walked = self.state.within.get(folder)
            if walked is not None:
                site = self.state.sites[walked]
            elif settings is not None:
                from copydesk.site.detect import site_root

                root = site_root(settings, ruleset.resolved.config.root, path)
                site = self.state.key(root, settings)
            else:
                site = ""
            self._sites[folder, index] = site
        return site

    def tell_sites(self) -> None:
        """Give the URL index's cache each site's key (it keeps page lists under it)."""
        from copydesk.site.urlcache import known_site

        for root, key in self.state.sites.items():
            known_site(root, key)

    def _key(self, index: int, site: str, digest: str) -> str:
        """`_digest(rule set's key, site's key, file's digest)`, from a hasher of the
        first two kept per rule set and site (the same for most files of a run)."""
        prefix = self._prefixes.get((index, site))
        if prefix is None:
            prefix = self._prefixes[index, site] = _hasher(self.rulesets[index], site)
        hashed = prefix.copy()
        hashed.update(f"{digest}\0".encode())  # as `_hasher(digest, start=prefix)` feeds it
        return hashed.hexdigest()

    def run(
        self,
        plan: Plan,
        execute: Callable[[Plan], list[FileResult]],
        advance: Callable[[int], None],
    ) -> list[FileResult]:
        """Every task's result, in task order: cached where the key holds, else
        linted. A cached result's facts are read by `project`."""
        self._execute = execute
        found: dict[int, FileResult] = {}
        missing: list[int] = []
        cwd = os.getcwd()  # once: abspath would ask for it for every file, three times
        stdin = plan.stdin
        by_ruleset = self._by_ruleset
        digests = self.state.file_digests  # the site's walk has digested its pages
        for number, (path, index) in enumerate(plan.tasks):
            absolute = _absolute(cwd, path)
            site = self._site(plan, path, index, absolute)  # first: its walk digests the pages
            data = stdin.get(path) if stdin else None
            digest = digests.get(absolute) if data is None else None
            if digest is None:
                digest = self.state.file_digest(absolute, data)
            if digest is None:
                missing.append(number)
                continue
            key = self._key(index, site, digest)
            self._keys[number] = key
            self._scopes[number] = (index, site)
            name = self._names[number] = by_ruleset[index].relative(path, absolute)
            payload = by_ruleset[index].get(name, key)
            result = None
            # An entry holds while the files its findings depend on do (`Context.read`),
            # and until the moment they may change with the clock (`Context.expires`).
            if payload is not None and ("holds" not in payload or self._hold(payload["holds"])):
                result = result_from(payload, path, index)
            if result is None:
                missing.append(number)
            else:
                found[number] = result
                self._lazy.append(number)
        advance(len(found))
        self.tell_sites()
        self._lint(plan, missing, found)
        return [found[number] for number in range(len(plan.tasks))]

    def _lint(self, plan: Plan, numbers: list[int], found: dict[int, FileResult]) -> None:
        """Lint these tasks into `found`, and keep what may be kept."""
        if not numbers:
            return
        assert self._execute is not None
        from copydesk import fmcache

        # Each file's front matter as the cache kept it: loaded again only if it changed.
        offered: dict[str, str] = {}
        for number in numbers:
            name = self._names.get(number)
            line = self._by_ruleset[plan.tasks[number][1]].front_matter(name) if name else None
            if line is not None:
                offered[str(plan.tasks[number][0])] = line
        fmcache.offer(offered, keep=True)
        try:
            linted = self._execute(plan.part([plan.tasks[i] for i in numbers]))
        finally:
            fmcache.withdraw()
        for number, result in zip(numbers, linted, strict=True):
            found[number] = result
            path, index = plan.tasks[number]
            # Context files are read for facts only, and an overlay's bytes
            # (lint --fix in memory, stdin) may never be on disk: neither is kept.
            keep = path not in plan.context and path not in plan.stdin
            cache = self._by_ruleset[index]
            kept = keep and number in self._keys
            holds = None
            if result.reads or result.until is not None:
                reads = [[name, self.state.file_digest(name, None)] for name in result.reads]
                holds = [reads, result.until]
            if not (kept and cache.put(self._names[number], self._keys[number], result, holds)):
                self._kept = False

    def _hold(self, holds: Any) -> bool:
        """Whether an entry's [reads, until] hold: the files its findings depend
        on are as they were (each [absolute path, digest of its bytes or None:
        unreadable]), and its moment (seconds since the epoch, or None) is to come."""
        try:
            reads, until = holds
            if until is not None and not time.time() < until:
                return False
            return all(self.state.file_digest(name, None) == digest for name, digest in reads)
        except Exception:  # not what `_lint` writes: a miss, never trusted
            return False

    def project(
        self,
        plan: Plan,
        results: list[FileResult],
        check: Callable[[Plan, list[FileResult]], list[LintError]],
        facts: bool = False,
    ) -> list[LintError]:
        """The project stage (`check`) over `results`, or its kept outcome when
        every file's facts and every file it read hold; `facts`: every result
        gets its facts all the same (`relint` runs the stage again)."""
        key = self._project_key(plan)
        if key is not None and not facts and self._apply_outcome(key, plan, results):
            return []
        self._read_facts(plan, results)
        key = self._project_key(plan)  # a file whose facts were damaged was linted again
        before = [len(result.hits) for result in results]
        errors = check(plan, results)
        outcomes = self._outcomes(key, plan, results, before) if key and not errors else {}
        for cache in self.caches.values():
            cache.keep_project(outcomes.get(id(cache)))
        return errors

    def _project_key(self, plan: Plan) -> str | None:
        """Every task's entry name, rule set, site and facts as kept, in order
        (all the project stage reads of it); None when a result is not in the cache."""
        if not self._kept or len(self._keys) != len(plan.tasks):
            return None
        hasher = hashlib.sha256()
        for number, (index, site) in sorted(self._scopes.items()):
            name = self._names[number]
            facts = self._by_ruleset[index].facts_text(name)
            if facts is None:
                return None
            hasher.update(f"{name}\0{self.rulesets[index]}\0{site}\0{facts}\0".encode())
        return hasher.hexdigest()

    def _apply_outcome(self, key: str, plan: Plan, results: list[FileResult]) -> bool:
        """Add the kept project stage's hits, when it holds for this run (the
        same key in every cache, the files it read unchanged); whether it did."""
        outcomes = [cache.project for cache in self._by_ruleset]
        if not all(outcome is not None and outcome[0] == key for outcome in outcomes):
            return False
        for outcome in outcomes:
            assert outcome is not None
            for path, digest in outcome[1]:
                if self.state.file_digest(path, None) != digest:
                    return False
        try:
            added = [
                {name: _hits(hits) for name, hits in outcome[2]}  # type: ignore[index]
                for outcome in outcomes
            ]
        except Exception:  # not what `_outcome` writes: the stage runs
            return False
        for number, result in enumerate(results):
            hits = added[plan.tasks[number][1]].get(self._names[number])
            if hits:
                result.hits.extend(hits)
        return True

    def _read_facts(self, plan: Plan, results: list[FileResult]) -> None:
        """The facts of the results read from the cache; a file whose facts are
        damaged is linted again."""
        lazy, self._lazy = self._lazy, []
        damaged: list[int] = []
        for cache in self.caches.values():
            numbers = [i for i in lazy if self._by_ruleset[plan.tasks[i][1]] is cache]
            if not numbers:
                continue
            for number, facts in zip(
                numbers, cache.facts([self._names[i] for i in numbers]), strict=True
            ):
                if facts is None:
                    damaged.append(number)
                else:
                    results[number].facts = facts
        if damaged:
            found: dict[int, FileResult] = {}
            self._lint(plan, damaged, found)
            for number, result in found.items():
                results[number] = result

    def _outcomes(
        self, key: str, plan: Plan, results: list[FileResult], before: list[int]
    ) -> dict[int, list[Any]]:
        """What `_apply_outcome` reads, by cache (`id`): the key, the files the
        stage read with their digests, and the hits it added per file of that
        cache; none when a rule cannot say what it read, or a hit does not encode."""
        reads = _project_reads(plan, results)
        if reads is None:
            return {}
        inputs = [[path, self.state.file_digest(path, None)] for path in sorted(reads)]
        added: dict[int, list[Any]] = {id(cache): [] for cache in self.caches.values()}
        try:
            for number, (result, start) in enumerate(zip(results, before, strict=True)):
                if len(result.hits) > start:
                    hits = [_hit(code, v) for code, v in result.hits[start:]]
                    added[id(self._by_ruleset[result.ruleset])].append([self._names[number], hits])
        except Uncacheable:
            return {}
        return {cache: [key, inputs, hits] for cache, hits in added.items()}

    def save(self) -> list[str]:
        problems = (cache.save(self.state.stamps) for cache in self.caches.values())
        return [f"copydesk: {problem}" for problem in problems if problem]


def _project_reads(plan: Plan, results: list[FileResult]) -> set[str] | None:
    """The files the project stage's rules read besides the run's own; None
    when one cannot say."""
    reads: set[str] = set()
    for index, ruleset in enumerate(plan.rulesets):
        for i in ruleset.collectors:
            rule = ruleset.rule(i)
            code = rule.code
            facts = [
                (result.path, result.facts[code])
                for result in results
                if result.ruleset == index and code in result.facts
            ]
            found = rule.project_reads(facts)
            if found is None:
                return None
            reads.update(found)
    return reads
