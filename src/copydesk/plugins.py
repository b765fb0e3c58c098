"""Entry points and distribution versions without importing `importlib.metadata`.

Rules and importers (built-in and third-party) register through the
`copydesk.rules` and `copydesk.importers` entry-point groups. Importing
`importlib.metadata` costs every lint ~30 ms (it pulls in email, zipfile,
csv, inspect...), about a fifth of a one-file lint, while the lookup itself is
a listing of each `sys.path` folder and one small INI file per distribution.
This module does that lookup directly, with the same rules as
`importlib.metadata.entry_points`: `*.dist-info` and `*.egg-info` folders in
`sys.path` order, the first distribution of a (normalised) name wins. A
`sys.path` entry that is a file (a zip or egg) is the one case this scan does
not read: then it hands the whole lookup to `importlib.metadata`.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Iterator
from typing import Any, NamedTuple

_DIST_SUFFIXES = (".dist-info", ".egg-info")
_SEPARATORS = re.compile(r"[-_.]+")


class EntryPoint(NamedTuple):
    """One `name = module[:attr]` line of a distribution's entry_points.txt."""

    name: str
    value: str
    group: str

    def load(self) -> Any:
        """The module, or the object `module:attr.path` names (as importlib does)."""
        import importlib

        reference = self.value.split("[", 1)[0]  # drop any `[extras]`
        module_name, _, attrs = reference.partition(":")
        loaded: Any = importlib.import_module(module_name.strip())
        for attr in filter(None, attrs.strip().split(".")):
            loaded = getattr(loaded, attr)
        return loaded


def entry_points(group: str) -> list[EntryPoint]:
    """Every entry point of `group` over the installed distributions."""
    folders = _dist_folders()
    if folders is None:
        from importlib.metadata import entry_points as metadata_entry_points

        return [
            EntryPoint(point.name, point.value, group)
            for point in metadata_entry_points(group=group)
        ]
    found: list[EntryPoint] = []
    for folder in folders:
        try:
            with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8") as handle:
                text = handle.read()
        except OSError:
            continue
        found.extend(point for point in _parse(text) if point.group == group)
    return found


def version(distribution: str) -> str | None:
    """The installed version of `distribution`, None when it is not installed."""
    folders = _dist_folders()
    if folders is None:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as metadata_version

        try:
            return metadata_version(distribution)
        except PackageNotFoundError:
            return None
    wanted = _normalised(distribution)
    for folder in folders:
        if _normalised(_dist_name(os.path.basename(folder))) == wanted:
            return _metadata_version(folder)
    return None


def distribution_stamp(distribution: str) -> str:
    """Which release of `distribution` is installed, from its metadata
    folder's name (`pydantic-2.14.4.dist-info`: no file read); "none"."""
    folders = _dist_folders()
    if folders is None:
        return version(distribution) or "none"
    wanted = _normalised(distribution)
    for folder in folders:
        name = os.path.basename(folder)
        if _normalised(_dist_name(name)) == wanted:
            return name
    return "none"


def _dist_folders() -> list[str] | None:
    """The distributions' metadata folders, first of each name; None: a zip on the path.
    Listed once per `sys.path`: a lint asks four times (its rules, three versions)."""
    return _scan(tuple(sys.path))


@functools.lru_cache(maxsize=8)
def _scan(entries: tuple[str, ...]) -> list[str] | None:
    seen: set[str] = set()
    folders = []
    for entry in entries:
        where = entry or "."
        if os.path.isfile(where):
            return None
        try:
            names = sorted(os.listdir(where))
        except OSError:
            continue
        for name in names:
            if not name.endswith(_DIST_SUFFIXES):
                continue
            key = _normalised(_dist_name(name))
            path = os.path.join(where, name)
            if key not in seen and os.path.isdir(path):
                seen.add(key)
                folders.append(path)
    return folders


def _dist_name(folder_name: str) -> str:
    """`Name-1.0.dist-info` -> `Name` (the version never holds a dash in these names)."""
    return folder_name.rsplit(".", 1)[0].split("-", 1)[0]


def _normalised(name: str) -> str:
    return _SEPARATORS.sub("_", name).lower()


def _metadata_version(folder: str) -> str | None:
    for file_name in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, file_name), encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("Version:"):
                        return line.partition(":")[2].strip()
                    if not line.strip():
                        break  # the headers end at the first blank line
        except OSError:
            continue
    return None


def _parse(text: str) -> Iterator[EntryPoint]:
    """entry_points.txt: INI sections named by group, `name = value` lines."""
    group = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1].strip()
        elif group and "=" in line:
            name, _, value = line.partition("=")
            yield EntryPoint(name.strip(), value.strip(), group)
