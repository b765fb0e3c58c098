"""Finding paths as CI systems want them: relative to the repository root.

The engine reports paths relative to the current folder (what a person typed);
code scanning and annotations resolve them against the checkout's root, so a
run from a sub-folder must still name `blog/post.md`, not `post.md`. A file
outside the root keeps a `../` path: still relative, still resolvable.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath


def repo_relative(path: str, root: Path, cwd: Path | None = None) -> str:
    """`path` (relative to `cwd`, or absolute) relative to `root`, POSIX style."""
    absolute = os.path.normpath((cwd or Path.cwd()) / path)
    relative = os.path.relpath(absolute, root)
    if relative.startswith(".."):  # maybe only a symlink apart (/tmp vs /private/tmp)
        resolved = os.path.relpath(Path(absolute).resolve(), root.resolve())
        relative = resolved if not resolved.startswith("..") else relative
    return PurePath(relative).as_posix()
