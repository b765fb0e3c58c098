"""Module-level regexes compiled on first use.

Every lint imports the rule and site modules it needs, and Python compiles each of
their module-level patterns at import: ~0.1 ms each, most of them never used by a
given run (a Hugo site never asks for Jekyll's `{% link %}` tag, one changed file
rarely has raw `<img>` HTML). Start-up is most of a pre-commit run and of a warm
cached one, so those modules declare patterns with `lazy_compile`, which compiles
the pattern the first time one of its methods is asked for.
"""

from __future__ import annotations

import re
from typing import Any, cast

# What callers may ask of a lazy pattern: re.Pattern's methods and attributes.
_ATTRIBUTES = (
    "match",
    "fullmatch",
    "search",
    "sub",
    "subn",
    "split",
    "findall",
    "finditer",
    "scanner",
    "pattern",
    "flags",
    "groups",
    "groupindex",
)


class _LazyPattern:
    """Compiles on the first attribute asked for, then keeps the compiled pattern's
    bound methods as its own attributes, so a later `_X.match` is one instance-dict
    lookup (no `__getattr__` call, no extra frame)."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name not in _ATTRIBUTES:
            raise AttributeError(name)
        compiled = re.compile(self._source, self._flags)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self._source!r}, {self._flags!r})"


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, done when the pattern is first used. It answers
    every method and attribute of `re.Pattern`, but it is not one: do not pass it to
    the `re` module's functions (`re.sub(_X, ...)`) or to isinstance; call its
    methods (`_X.sub(...)`)."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
