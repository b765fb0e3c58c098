"""The site's URL index kept between runs, so that one file linted in a hook
does not read every other page's front matter to check one link.

A link to a served URL (`/2021/05/10/Rust-1.52.1/`) is found through the URL
index, which needs the front matter of every page whose front matter may move
its URL; on a Zola blog where every post sets `path =`, that is all 755 of
them, read and parsed for one link (0.12 s of a 0.35 s run). `urls.json` in
the cache folder (beside the lint cache's `lint.json`) keeps, per site root,
the URLs each page was found to be served at, with the page's size, mtime and
ctime: a page whose stat still says the same is not read again, and any other
is (added pages are read, deleted ones dropped). The whole site's entry holds
only under the same key: copydesk's modules and version (`tool_key`), the
generator with its settings, and its config file's bytes.

A page modified in the last `SETTLE_SECONDS` is not kept: a second edit in
the same clock tick of a coarse file system could leave its size and times as
they were (git's index treats "racily clean" files so). A file that cannot
be read, is not JSON, or is of another format is ignored and rewritten; an
entry of the wrong shape is a miss: never trusted.

It keeps each site's page list too (`kept_pages`): which Markdown files under
the content folders the generator publishes, and the URL key each of them
gets from its path alone (the site model's `path_index`, which answers most
links). Both depend on nothing but the names of the site's files, their front
matter and the generator's config, which is what the lint cache's key of the
site covers (copydesk.lintcache's `SiteState`): they are kept under that key
(told for the run by `known_site`) with `site_key`, so that a run that
re-lints one page neither lists and judges the whole site again nor asks the
generator for the URL of each of its pages to resolve that page's links. A
site whose content folders are not all inside its root is never kept (the
lint cache's key sees only the root). Under the same key it keeps the site's
generator as its `load` made it from the config (`kept_generator`): such a
run reads no config file, so it imports neither tomllib nor PyYAML.

Only `lint` with its cache on (not `--no-cache`) uses it: the engine names the
cache folder of each site root for the run (`kept`). What a run learns (each
site's URLs, its page list) is gathered and written once, when the run ends:
one read of the file as it is then (another run may have kept other sites in
it), one atomic write, never through a link (`write.write_cache`), and so one
note when it cannot be written.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

if TYPE_CHECKING:
    from copydesk.engine import Plan
    from copydesk.site.base import Generator

FILE = "urls.json"
FORMAT = "copydesk-urls"
VERSION = 3
SETTLE_SECONDS = 2

# Where the run under way keeps URL indexes: a function giving the cache
# folder of each site root, called when an index is first built (see `kept`).
_RUN: list[Callable[[], Mapping[Path, Path]]] = []
# Why an index could not be written, for the run's notes.
_PROBLEMS: list[str] = []
# The lint cache's key of each site of the run under way, by its root's real path.
_SITE_KEYS: dict[str, str] = {}
# What this run keeps, written when it ends: urls.json -> site root -> the
# site's entries to replace ("key" with "pages", "posts", "paths").
_PENDING: dict[Path, dict[str, dict[str, Any]]] = {}
# urls.json as this run first read it (the site's generator, then its page list).
_READS: dict[Path, dict[str, Any] | None] = {}


@contextlib.contextmanager
def kept(folders: Callable[[], Mapping[Path, Path]]) -> Iterator[list[str]]:
    """Keep the URL index of each site root in the cache folder `folders()`
    names for it while the block runs (asked only if an index is built: a
    run whose files all come from the lint cache builds none); yields the
    list that receives the reasons a write failed."""
    _RUN.append(functools.cache(folders))
    start = len(_PROBLEMS)
    problems: list[str] = []
    try:
        yield problems
        for path, sites in _PENDING.items():
            note(_save(path, sites))
    finally:
        problems.extend(_PROBLEMS[start:])
        del _PROBLEMS[start:]
        _RUN.pop()
        _SITE_KEYS.clear()
        _PENDING.clear()
        _READS.clear()


def known_site(root: str, key: str) -> None:
    """The lint cache's key of the site at `root` (a real path) for the run
    under way (see `kept_pages`)."""
    if _RUN:
        _SITE_KEYS[root] = key


class KeptPages:
    """A site's page list and path index as urls.json keeps them under this
    run's key of the site (`names`, `index`: None when not kept under it);
    `keep_posts` and `keep_index` keep those made afresh, written when the
    run ends. Names are relative to `prefix` (the root and a separator)."""

    def __init__(
        self,
        file: Path,
        root: str,
        key: str,
        names: list[str] | None,
        index: dict[str, str] | None,
    ) -> None:
        self.file = file
        self.root = root
        self.key = key
        self.prefix = os.path.join(root, "")
        self.names = names
        self.index = index  # URL key -> name

    def keep_posts(self, posts: list[Path]) -> None:
        names = self._names(posts)
        if names is not None:
            _keep(self.file, self.root, {"posts": [self.key, names]})

    def keep_index(self, index: Mapping[str, Path]) -> None:
        """The path index (URL key -> page), when every page is under the root."""
        names = self._names(list(index.values()))
        if names is not None:
            _keep(self.file, self.root, {"paths": [self.key, dict(zip(index, names, strict=True))]})

    def _names(self, paths: list[Path]) -> list[str] | None:
        prefix = self.prefix
        names = [str(path)[len(prefix) :] for path in paths if str(path).startswith(prefix)]
        return names if len(names) == len(paths) else None


def kept_pages(root: Path, generator: Generator) -> KeptPages | None:
    """The site's page list and path index as kept in urls.json for this run
    (see `KeptPages`); None when the run keeps none (see `_posts_place`)."""
    found = _posts_place(root, generator)
    if found is None:
        return None
    path, key = found
    site = _kept_site(path, root)
    kept = site.get("posts")
    names = None
    if _is_kept(kept, key, list) and all(type(name) is str for name in kept[1]):
        names = kept[1]
    kept = site.get("paths")
    index = None
    if _is_kept(kept, key, dict) and all(type(name) is str for name in kept[1].values()):
        index = kept[1]
    return KeptPages(path, str(root), key, names, index)


def _is_kept(entry: Any, key: str, kind: type) -> TypeGuard[list[Any]]:
    """An entry `KeptPages` wrote under `key`, its value of type `kind`."""
    return (
        isinstance(entry, list) and len(entry) == 2 and entry[0] == key and type(entry[1]) is kind
    )


def _posts_place(root: Path, generator: Generator) -> tuple[Path, str] | None:
    """(urls.json, key) of the site's page list for this run; None when the
    run keeps none: no cache, a site the lint cache did not key, or content
    folders outside the root."""
    found = _site_place(root)
    if found is None or not _inside(root, generator):
        return None
    from copydesk.cachedir import digest

    folder, lint_key = found
    return folder / FILE, digest("posts", site_key(generator), lint_key)


def kept_generator(root: Path, name: str) -> Generator | None:
    """The generator `name` of the site at `root` as the last run loaded it,
    while what it read holds: the site's config files, its files' names and
    front matter (the lint cache's key of the site covers what a generator's
    `load` reads: its config, the templates and folders it looks for) and
    copydesk. None when not kept (`keep_generator` keeps it) or when the run
    keeps none: then loading it parses the config (tomllib or PyYAML)."""
    found = _generator_place(root, name)
    if found is None:
        return None
    path, key = found
    kept = _kept_site(path, root).get("generator")
    if not (isinstance(kept, list) and len(kept) == 2 and kept[0] == key):
        return None
    from copydesk.lintcache import _hook
    from copydesk.site.detect import generator_class

    try:
        fields = json.loads(kept[1], object_hook=_hook)
        generator = generator_class(name)(**fields)
    except Exception:  # not what `keep_generator` writes: loaded, never trusted
        return None
    return generator if _inside(root, generator) else None


def keep_generator(root: Path, name: str, generator: Generator) -> None:
    """Keep a generator as `load` made it (before the site model adds its
    options), for the next run's `kept_generator`."""
    found = _generator_place(root, name)
    if found is None or not _inside(root, generator):
        return
    import dataclasses  # loaded already: a generator is a dataclass

    from copydesk.lintcache import Uncacheable, encode

    try:
        fields = encode({f.name: getattr(generator, f.name) for f in dataclasses.fields(generator)})
    except Uncacheable:
        return
    path, key = found
    _keep(path, str(root), {"generator": [key, json.dumps(fields, separators=(",", ":"))]})


def _generator_place(root: Path, name: str) -> tuple[Path, str] | None:
    """(urls.json, key) of the site's generator for this run; None when the
    run keeps none (no cache, a site the lint cache did not key)."""
    found = _site_place(root)
    if found is None:
        return None
    from copydesk.cachedir import digest, tool_key

    folder, lint_key = found
    return folder / FILE, digest("generator", name, tool_key(), lint_key)


def _site_place(root: Path) -> tuple[Path, str] | None:
    """(the cache folder, the lint cache's key of the site) for this run;
    None when the run keeps nothing of the site (no cache, a site the lint
    cache did not key)."""
    folder = _RUN[-1]().get(root) if _RUN else None
    lint_key = _SITE_KEYS.get(os.path.realpath(root)) if folder is not None else None
    return None if folder is None or lint_key is None else (folder, lint_key)


def _kept_site(path: Path, root: Path) -> dict[str, Any]:
    """What urls.json at `path` keeps of the site at `root` ({} if nothing)."""
    data = _read_once(path)
    site = data["sites"].get(str(root)) if data else None
    return site if isinstance(site, dict) else {}


def _inside(root: Path, generator: Generator) -> bool:
    """Whether the generator's content folders are inside the root (the lint
    cache's key of the site sees nothing outside it)."""
    inside = os.path.join(os.path.realpath(root), "")
    dirs = [os.path.realpath(content) for content in generator.content_dirs()]
    return all(os.path.join(folder, "").startswith(inside) for folder in dirs)


def _read_once(path: Path) -> dict[str, Any] | None:
    """`_read`, once per run (the generator and the page list are both in it)."""
    if path not in _READS:
        _READS[path] = _read(path)
    return _READS[path]


def _read(path: Path) -> dict[str, Any] | None:
    """urls.json's data, or None when it is missing, unreadable or not ours."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    if data.get("version") != VERSION or not isinstance(data.get("sites"), dict):
        return None
    return data


def _keep(path: Path, root: str, entries: dict[str, Any]) -> None:
    """Keep a site's entries for the write at the end of the run."""
    _PENDING.setdefault(path, {}).setdefault(root, {}).update(entries)


def _save(path: Path, sites: Mapping[str, Mapping[str, Any]]) -> str | None:
    """Write what this run keeps into urls.json, beside what the file holds
    now (other sites'; a site's entries this run did not replace); the reason
    when it could not be written."""
    from copydesk.write import write_cache

    data = _read(path) or {"format": FORMAT, "version": VERSION, "sites": {}}
    for root, entries in sites.items():
        site = data["sites"].get(root)
        data["sites"][root] = {**(site if isinstance(site, dict) else {}), **entries}
    return write_cache(path, json.dumps(data, separators=(",", ":")), "URL index")


def store_for(root: Path, generator: Generator) -> UrlStore | None:
    """The store of the site at `root` when this run keeps one, else None."""
    folder = _RUN[-1]().get(root) if _RUN else None
    return UrlStore(folder / FILE, root, site_key(generator)) if folder is not None else None


def site_key(generator: Generator) -> str:
    """What a page's URLs depend on besides its own file: copydesk, the
    generator's class and settings, and its config file's bytes."""
    import dataclasses  # loaded already: a generator is a dataclass

    from copydesk.cachedir import digest, plain, tool_key

    kind = type(generator)
    fields = {f.name: getattr(generator, f.name) for f in dataclasses.fields(generator)}
    config = b""
    if generator.config_file is not None:
        try:
            config = generator.config_file.read_bytes()
        except OSError:
            config = b"\0unread"
    shape = json.dumps(plain(fields), sort_keys=True)
    return digest(tool_key(), f"{kind.__module__}.{kind.__qualname__}", shape, config)


class UrlStore:
    """The stored URLs of one site's pages, checked against each page's stat."""

    def __init__(self, path: Path, root: Path, key: str) -> None:
        self.path = path
        self.root = str(root)
        self.prefix = self.root.rstrip(os.sep) + os.sep
        self.key = key
        self.old: dict[str, Any] = self._load()
        self.new: dict[str, list[Any]] = {}

    def _load(self) -> dict[str, Any]:
        data = _read(self.path)
        if data is None:
            return {}
        site = data["sites"].get(self.root)
        if not isinstance(site, dict) or site.get("key") != self.key:
            return {}
        pages = site.get("pages")
        return pages if isinstance(pages, dict) else {}

    def urls(self, path: Path, find: Callable[[], list[str]]) -> list[str]:
        """The URLs serving `path`: stored while its stat holds, else `find()`."""
        name = str(path)
        if name.startswith(self.prefix):
            name = name[len(self.prefix) :]  # relative to the root: a shorter file
        try:
            info = os.stat(path)
        except OSError:
            return find()  # the index reads it as unreadable: nothing to keep
        stamp = [info.st_size, info.st_mtime_ns, info.st_ctime_ns]
        entry = self.old.get(name)
        if _valid(entry) and entry[:3] == stamp:
            self.new[name] = entry
            return list(entry[3])
        found = find()  # after the stat: an edit meanwhile changes the stamp next time
        settled = time.time_ns() - SETTLE_SECONDS * 1_000_000_000
        if info.st_mtime_ns < settled:
            self.new[name] = [*stamp, found]
        return found

    def save(self) -> None:
        """Keep the site's pages for the run's write (`kept`), when they changed."""
        if self.new != self.old:
            _keep(self.path, self.root, {"key": self.key, "pages": self.new})


def _valid(entry: Any) -> TypeGuard[list[Any]]:
    return (
        isinstance(entry, list)
        and len(entry) == 4
        and isinstance(entry[3], list)
        and all(type(url) is str for url in entry[3])
    )


def note(problem: str | None) -> None:
    """Keep the reason an index was not written, for the run's notes."""
    if problem:
        _PROBLEMS.append(f"copydesk: {problem}")


def folders(
    plan: Plan,
    paths: Sequence[Path],
    cache_dir: str | None,
    walked: Mapping[str, str] | None = None,
) -> dict[Path, Path]:
    """The cache folder of each site root the run's files belong to (the lint
    cache's folder for their configuration), for rule sets that read a site.
    `walked`: the site root of each folder the lint cache's walk of a site saw
    (`SiteState.within`), which `site_root` would find again, a folder at a time."""
    from copydesk.cachedir import cache_folder
    from copydesk.site.detect import site_root

    found: dict[Path, Path] = {}
    seen: set[tuple[str, int]] = set()
    for path, index in plan.tasks:
        place = (os.path.dirname(path), index)  # the same folder, the same site: asked once
        if place in seen:
            continue
        seen.add(place)
        ruleset = plan.rulesets[index]
        settings = next((s for s in ruleset.settings if "generator" in s), None)
        if settings is None:
            continue
        config = ruleset.resolved.config
        known = None
        if walked and not settings.get("site-root"):  # else site_root says
            known = walked.get(os.path.abspath(place[0]))
        root = Path(known) if known is not None else site_root(settings, config.root, path)
        if root not in found:
            found[root] = cache_folder(config, paths, cache_dir)
    return found
