"""copydesk: migrate blog posts into one validated Markdown schema, and lint them.

The public names are imported lazily so that `copydesk --help` stays fast.
"""

from __future__ import annotations

# Not `typing.TYPE_CHECKING`: importing typing costs `copydesk --help` more than the rest
# of its imports together. Type checkers read the block; Python never runs it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"
__all__ = ["Post", "__version__", "lint_paths", "migrate_file"]

_LAZY = {
    "Post": ("copydesk.model", "Post"),
    "migrate_file": ("copydesk.migrate", "migrate_file"),
    "lint_paths": ("copydesk.engine", "lint_paths"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(name)
    import importlib

    module, attr = _LAZY[name]
    return getattr(importlib.import_module(module), attr)
