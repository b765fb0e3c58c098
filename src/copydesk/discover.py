"""Which files a command works on: one discovery for lint, migrate and fix.

A file named on the command line is taken whatever its extension (pre-commit
passes the files its `files:` pattern chose); a folder is searched for the
post formats below, skipping hidden folders and folders that hold generated
or third-party files. The config's `exclude` applies to both, as ruff's
`--force-exclude` does, because pre-commit names excluded files one by one.
What may be touched at all (regular files inside the tree, no link out of
it, no loop) is `copydesk.tree`'s rule. Each real file is taken once, however
many paths lead to it.
"""

from __future__ import annotations

import operator
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from copydesk.tree import Root, Skipped, admit, file_root, folder_link, folder_root

if TYPE_CHECKING:
    from copydesk.config import Config, ConfigFinder

# The formats copydesk reads as posts, for every command (the one place to add one).
# `.text` is Blosxom's and the original Markdown's extension; `.mdx` is Markdown with JSX.
POST_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".txt", ".text", ".mdx")
# Plain text (Blosxom's `.txt`, the original Markdown's `.text`): a post only where
# it is content for the site's generator (see `_text_is_content`).
TEXT_SUFFIXES = (".txt", ".text")
# Folders of generated or third-party files, never posts (hidden folders are skipped too).
SKIPPED_DIRS = frozenset(
    {"node_modules", "_site", "public", "static", "vendor", "site-packages", "__pycache__", "venv"}
)
# Folders of another tool's test inputs (prettier's tests/format/**/*.md, mkdocs's
# fixture sites): documents written to exercise code, not content. A walk skips them;
# a file in one named on the command line is still linted.
TEST_INPUT_DIRS = frozenset(
    {"tests", "__tests__", "fixtures", "__fixtures__", "testdata", "test-fixtures", "__snapshots__"}
)
# Document formats a user may expect copydesk to read: counted in a note when skipped,
# one line per extension, saying why.
OTHER_FORMATS = {
    ".rst": "reStructuredText is not supported",
    ".adoc": "AsciiDoc is not supported",
    ".asciidoc": "AsciiDoc is not supported",
    ".org": "Org mode is not supported",
    ".textile": "Textile is not supported",
    ".rmd": "R Markdown is not supported (render it to .md first)",
    ".qmd": "Quarto is not supported (render it to .md first)",
}


class Found(NamedTuple):
    """One file to work on (a named tuple: a walk makes one per file, and a
    frozen dataclass costs a warm lint of a thousand files ~2 ms to make them)."""

    path: Path  # as the user names it: the argument, or the argument folder / relative
    place: str  # inside the argument folder; a file argument: its name
    real: str  # the file itself (a link inside the tree is followed)
    root: Root  # the tree a writer may touch
    explicit: bool  # named on the command line
    # Its configuration, when the walk looked it up already (a plain file in a
    # folder walked with a finder: the folder's); None: not looked up.
    config: Config | None = None

    @property
    def relative(self) -> Path:
        """`place` as a path (made when asked: lint never asks, and a walk
        of a thousand files would spend milliseconds making them)."""
        return Path(self.place)


class Discovery:
    """The files found, and what was left out (for one note each)."""

    __slots__ = ("empty", "excluded", "files", "missing", "other_formats", "skipped", "unreadable")

    def __init__(self) -> None:
        self.files: list[Found] = []
        self.skipped: list[Skipped] = []
        self.missing: list[Path] = []  # arguments that do not exist
        # Files named on the command line that cannot be read (a loop, a broken link, a
        # FIFO): an error for the command, as any unreadable file the user names.
        self.unreadable: list[Skipped] = []
        self.empty: list[Path] = []  # folder arguments without a post
        self.excluded: list[Path] = []  # named, but the config excludes them
        self.other_formats: Counter[str] = Counter()

    def notes(self) -> list[str]:
        """Lines for stderr: each skipped path, then one line per other format."""
        lines = [str(skipped) for skipped in self.skipped]
        lines.extend(f"copydesk: {path}: excluded by the configuration" for path in self.excluded)
        for suffix, count in sorted(self.other_formats.items()):
            files = f"{count} {suffix} file{'s' * (count != 1)}"
            lines.append(f"copydesk: skipped {files}: {OTHER_FORMATS[suffix]}")
        return lines


def discover(paths: Sequence[Path], finder: ConfigFinder | None = None) -> Discovery:
    """Expand file and folder arguments into the files to work on, in argument order."""
    found = Discovery()
    seen: dict[str, int] = {}  # real path -> index in found.files
    roots: dict[Path, Root] = {}
    for path in paths:
        if path.is_dir():
            before = len(found.files)
            walked: list[Found] = []
            _walk(path, "", folder_root(path), found, finder, walked)
            _add_all(found, seen, walked)
            if len(found.files) == before:
                found.empty.append(path)
        elif os.path.lexists(path):
            root = roots.get(path.parent) or roots.setdefault(path.parent, file_root(path))
            _add_all(found, seen, _named(path, root, found, finder))
        else:
            found.missing.append(path)
    return found


def _add_all(found: Discovery, seen: dict[str, int], files: Iterable[Found]) -> None:
    """Each real file once; a file reached both directly and through a link keeps
    its own path, so that messages and provenance name the file, not the link."""
    for file in files:
        index = seen.setdefault(file.real, len(found.files))
        if index == len(found.files):
            found.files.append(file)
        elif os.path.islink(found.files[index].path) and not os.path.islink(file.path):
            found.files[index] = file


def _named(
    path: Path, root: Root, found: Discovery, finder: ConfigFinder | None
) -> Iterator[Found]:
    real = admit(path, root)
    if isinstance(real, Skipped):
        (found.skipped if real.outside else found.unreadable).append(real)
    elif finder is not None and finder.for_file(path).is_excluded(path):
        found.excluded.append(path)
    else:
        yield Found(path, path.name, real, root, explicit=True)


def _walk(
    folder: Path,
    relative: str,
    root: Root,
    found: Discovery,
    finder: ConfigFinder | None,
    out: list[Found],
) -> None:
    """The files under `folder`, sorted, depth first, into `out`: one listing
    per folder (scandir gives types without a stat).

    No folder link is descended into, so a folder's real path is its root's real
    path joined with its relative one: no `realpath` per folder. `relative` is
    a string ("" for the argument itself): one Path per file found, not three;
    paths are joined by string work, not `os.path.join` (a warm lint of a
    thousand files walks them all), and a file is appended where it is found,
    not passed up through a generator per folder level.
    """
    try:
        entries = sorted(os.scandir(folder), key=_entry_name)
    except OSError as error:
        found.skipped.append(Skipped(folder, f"cannot list: {error.strerror or error}"))
        return
    base = os.path.join(root.real, "")  # the root's real path and a separator
    real = base + relative if relative else root.real
    config = finder.for_dir(Path(real)) if finder else None
    above = relative + os.sep if relative else ""  # the folder's place, as a prefix
    for entry in entries:
        name = entry.name
        if name[0] == ".":
            continue
        if entry.is_dir(follow_symlinks=False):
            if name not in SKIPPED_DIRS and name not in TEST_INPUT_DIRS:
                path = folder / name
                inner = above + name
                if not (config and config.is_excluded(path, base + inner)):
                    _walk(path, inner, root, found, finder, out)
        elif (lower := name.lower()).endswith(POST_SUFFIXES):
            if lower.endswith(TEXT_SUFFIXES) and not _text_is_content(real, name, config):
                continue
            file = _entry(entry, folder / name, above + name, base, root, found, config)
            if file is not None:
                out.append(file)
        elif entry.is_symlink() and os.path.isdir(entry.path):
            skipped = folder_link(folder / name, root)
            if skipped is not None:
                found.skipped.append(skipped)
        else:
            suffix = os.path.splitext(name)[1].lower()
            if suffix in OTHER_FORMATS:
                found.other_formats[suffix] += 1


_entry_name = operator.attrgetter("name")


def _text_is_content(folder: str, name: str, config: Config | None) -> bool:
    """A `.txt` or `.text` file a walk finds is taken only where the site model
    says its generator renders plain text (a plain folder; Jekyll when its
    `markdown_ext` names it): in a Hugo, MkDocs or Eleventy site a `.txt` is a
    file copied as it is, a licence or a word list. The folder's config may
    name the site's root and generator (`site-root`, `generator`). Named on
    the command line, it is read all the same. `copydesk site --explain FILE`
    says which."""
    from copydesk.site.detect import renders_text

    suffix = os.path.splitext(name)[1].lower()
    if config is None:
        return renders_text(folder, suffix)
    return renders_text(folder, suffix, config.settings, str(config.root))


def _entry(
    entry: os.DirEntry[str],
    path: Path,
    relative: str,
    base: str,
    root: Root,
    found: Discovery,
    config: Config | None,
) -> Found | None:
    """A file a walk found (`base`: the root's real path and a separator)."""
    own = None  # a link's config is the one beside its target (`ConfigFinder.for_file`)
    if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
        real = admit(path, root)
        if isinstance(real, Skipped):
            found.skipped.append(real)
            return None
        if config is not None and config.is_excluded(path):  # the link's own path
            return None
    else:  # a plain file in a folder reached without links: its path is real already
        real = base + relative
        own = config  # and its folder's config is the one `for_file` would find
        if config is not None and config.is_excluded(path, real):
            return None
    return Found(path, relative, real, root, explicit=False, config=own)
