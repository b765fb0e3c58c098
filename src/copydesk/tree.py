"""The trees a command was given, and which files in them it may touch.

A command reads, and a writer rewrites, only regular files inside the roots
it was given (a folder argument; for a file argument, the repository that
holds it), reached without leaving them. A symlink to a file inside the root
is followed to that file. Everything else is never followed: a link to
elsewhere (`fix` would otherwise rewrite whatever it points at, a system
file when run as root) is named and skipped; a link to itself, a loop of
links, a link to nothing, and anything that is not a regular file (reading
a FIFO blocks forever; a device is not a post) are named and skipped when
found in a folder, and an unreadable file (an error) when named on the
command line. Folder links are never descended into: a target inside the
root is walked at its own path anyway, and `sub/loop -> ..` would otherwise
repeat the tree forever.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple


class Root(NamedTuple):
    """One tree a command may touch: `real` is its fully resolved path."""

    path: Path
    real: str
    label: str  # how a message names it: "the repository" or the folder

    def contains(self, real: str) -> bool:
        return real == self.real or real.startswith(self.real.rstrip(os.sep) + os.sep)


class Skipped(NamedTuple):
    """A path a command will not touch, and why (one line for the user)."""

    path: Path
    reason: str
    outside: bool = False  # a link out of the tree (else: a file that cannot be read)

    def __str__(self) -> str:
        return f"{self.path}: skipped: {self.reason}"


def folder_root(folder: Path) -> Root:
    """A folder argument is its own root (a link named on the command line is followed)."""
    return Root(folder, os.path.realpath(folder), str(folder))


def file_root(file: Path) -> Root:
    """The tree of a file named on its own: the git repository holding it, else the
    current folder when the file is inside it, else the file's folder.

    Found from the path as written, not resolved, so that a link cannot carry
    its own root along.
    """
    absolute = Path(os.path.abspath(file))
    for parent in absolute.parents:
        if (parent / ".git").exists():
            return Root(parent, os.path.realpath(parent), "the repository")
    cwd = Path.cwd()
    if cwd in absolute.parents:
        return Root(cwd, os.path.realpath(cwd), "the current folder")
    return folder_root(absolute.parent)


def admit(path: Path, root: Root) -> str | Skipped:
    """The real path of `path` when a command may touch it, else why not."""
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as error:
        return Skipped(path, _why(path, error))
    if not root.contains(real):
        return _outside(path, root, real)
    try:
        mode = os.stat(real).st_mode
    except OSError as error:
        return Skipped(path, _why(path, error))
    if not stat.S_ISREG(mode):
        return Skipped(path, _why(path))
    return real


def folder_link(path: Path, root: Root) -> Skipped | None:
    """Why a symlinked folder met while walking is not descended into; None when
    there is nothing to say (its files are inside the root, read at their own path)."""
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as error:
        return Skipped(path, _why(path, error))
    if not root.contains(real):
        return _outside(path, root, real)
    here = os.path.realpath(path.parent)
    if here == real or here.startswith(real.rstrip(os.sep) + os.sep):
        return Skipped(path, "symlink loop: it points to a folder that holds it, not followed")
    return None


def _outside(path: Path, root: Root, real: str) -> Skipped:
    reason = f"not following symlink outside {root.label} (it points to {real})"
    return Skipped(path, reason, outside=True)


def _why(path: Path, error: OSError | None = None) -> str:
    """`read.why_unreadable`, imported when a path is refused (a warm lint
    refuses none, and reading's module compiles patterns it would not use)."""
    from copydesk.read import why_unreadable

    return why_unreadable(path, error)
