"""Where copydesk's caches live, and which copydesk wrote them.

The lint cache (`lint.json`) and the site's URL index (`urls.json`) share a
folder: `cache-dir` (default `.copydesk_cache/`) relative to the config's
folder, or without a config to the repository holding the linted files. Each
is valid only for the copydesk that wrote it (`tool_key`). This module is
small and imports nothing heavy: a one-file hook run uses it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copydesk.config import Config


# The link cache's file in the folder (copydesk.web.cache); named here, so that
# asking whether there is one imports no more than this module.
LINK_CACHE_FILE = "links.json"
# Libraries whose release changes what rules report (see `tool_key`).
_RULE_LIBRARIES = ("pydantic", "pydantic-core", "ftfy")


def digest(*parts: str | bytes) -> str:
    """SHA-256 of the parts, each ended by a NUL (so ("ab", "c") != ("a", "bc"))."""
    return hasher(*parts).hexdigest()


def hasher(*parts: str | bytes, start: hashlib._Hash | None = None) -> hashlib._Hash:
    """A SHA-256 hasher fed the parts as `digest` feeds them, after a copy of
    `start` (a hasher of leading parts, kept to key many files by them)."""
    hashed = start.copy() if start is not None else hashlib.sha256()
    for part in parts:
        hashed.update(part.encode() if isinstance(part, str) else part)
        hashed.update(b"\0")
    return hashed


def plain(value: Any) -> Any:
    """Settings as JSON data whose text does not depend on set order."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((plain(item) for item in value), key=repr)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def tool_key() -> str:
    """copydesk's version and modules (size and mtime: an edited checkout is
    another version), and the versions of what parses for it (from their
    metadata: importing them would cost a warm run ~35 ms)."""
    import copydesk
    from copydesk.plugins import distribution_stamp, version

    package = os.path.dirname(copydesk.__file__)
    start = len(os.path.join(package, ""))  # a file's path relative to the package: a slice
    stamps = []
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".yml", ".yaml", ".toml")):
                path = os.path.join(folder, name)
                info = os.stat(path)
                stamps.append(f"{path[start:]}:{info.st_size}:{info.st_mtime_ns}")
    versions = [copydesk.__version__, sys.version]
    for name in ("mistune", "PyYAML", "python-frontmatter"):
        versions.append(f"{name} {version(name) or 'none'}")
    # Rules' messages and fixes come from these too (CD30x's from pydantic's
    # errors, CD401's mojibake repair from ftfy): their releases, by folder name.
    versions.extend(distribution_stamp(name) for name in _RULE_LIBRARIES)
    return digest(*versions, *stamps)


def cache_root(config: Config, paths: Sequence[Path]) -> Path:
    """What `cache-dir` is relative to for files under `config`: the config's
    folder, else the repository of the linted `paths`."""
    return config.root if config.path is not None else _repository(paths)


def cache_folder(config: Config, paths: Sequence[Path], cache_dir: str | None) -> Path:
    """The cache folder for files under `config`; `cache_dir` (`--cache-dir`)
    wins over the config's `cache-dir`."""
    return cache_root(config, paths) / (cache_dir or config.cache_dir)


def forget_tree() -> None:
    """Forget which folders are in a repository (a `.git` made since): see
    engine._TREE_MEMOS."""
    _git_root.cache_clear()


@functools.cache
def _git_root(folder: str) -> str | None:
    for candidate in (folder, *map(str, Path(folder).parents)):
        if os.path.exists(os.path.join(candidate, ".git")):
            return candidate
    return None


def _repository(paths: Sequence[Path]) -> Path:
    """Where the cache lives without a config: the repository holding the
    linted files (the folder holding `.git`: git's own answer, without running
    git), else their common folder. The lint cache and the link cache share it."""
    common = os.path.commonpath([os.path.abspath(path) for path in paths] or [os.getcwd()])
    start = common if os.path.isdir(common) else os.path.dirname(common)
    return Path(_git_root(start) or start)
