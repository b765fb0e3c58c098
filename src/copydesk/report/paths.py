"""Finding paths as CI systems want them: relative to the repository root.

The engine reports paths relative to the current folder (what a person typed);
code scanning and annotations resolve them against the checkout's root, so a
run from a sub-folder must still name `blog/post.md`, not `post.md`.
"""

from __future__ import annotations

import os
from pathlib import Path


def repo_relative(path: str, root: Path, cwd: Path | None = None) -> str | None:
    """`path` (relative to `cwd`, or absolute) relative to `root`, POSIX style;
    None when the file lies outside the root."""
    absolute = Path(os.path.normpath((cwd or Path.cwd()) / path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        resolved = absolute.resolve()
        try:
            return resolved.relative_to(root.resolve()).as_posix()
        except ValueError:
            return None
