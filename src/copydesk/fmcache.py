"""Front matter values kept by the lint cache, so that re-linting a page whose
front matter did not change does not load YAML (or TOML) again.

A warm run that re-lints one edited page would otherwise import PyYAML (and
tomllib with it) for that one page's few lines of front matter: ~9 ms of a
~0.13 s run on hugoDocs, more than parsing the page. The lint cache keeps,
per file, the value its front matter loaded to (`line`), under a digest of
the front matter's kind and text; the next run offers each re-linted file's
line (`offered`) and the parse takes the value from it when the text is the
same (`known`), and loads it otherwise.

The value is a pure function of that text and of PyYAML's (or Python's)
release, which the lint cache's tool key covers. Only values that come back
exactly as they were are kept: strings, integers, finite floats, booleans,
None, lists, mappings with string keys, dates, and datetimes without a
timezone or with a fixed offset. Anything else (a set, a tuple, bytes, a
TOML time, a mapping with other keys, NaN) keeps no line, and that file's
front matter is loaded every time. Front matter that did not load (its error
is reported) is never kept. A line that does not decode to what `line`
writes is ignored.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import json

# json and hashlib are imported where used: every parse imports this module,
# and a run without the lint cache (`--no-cache`) never asks it anything.

# Lines offered for the files being linted now, by the text of their path.
_OFFERED: dict[str, str] = {}
# Whether the files linted now keep their front matter's line (see `keeping`).
_KEEPING: list[bool] = [False]


class _Unkept(Exception):
    """A value that would not come back exactly as it is."""


def keeping() -> bool:
    """Whether the run under way keeps each linted file's front matter (a run
    with the lint cache on): only then is its line worth making."""
    return _KEEPING[0]


def offer(lines: Mapping[str, str], keep: bool) -> None:
    """The lines kept for the files about to be linted (by their path's text),
    and whether to make theirs; until `withdraw`. Forked workers inherit them."""
    _OFFERED.clear()
    _OFFERED.update(lines)
    _KEEPING[0] = keep


def withdraw() -> None:
    _OFFERED.clear()
    _KEEPING[0] = False


def known(path: str, kind: str, text: str) -> dict[str, Any] | None:
    """The value of this front matter as kept for `path`, when it was kept for
    the same kind and text; else None (load it)."""
    line = _OFFERED.get(path)
    if line is None:
        return None
    import json

    try:
        digest, value = json.loads(line, object_hook=_hook)
    except Exception:  # not what `line` writes: loaded, never trusted
        return None
    if digest != _digest(kind, text) or type(value) is not dict:
        return None
    return value


def line(kind: str, text: str, value: Mapping[str, Any]) -> str | None:
    """What the lint cache keeps of a file's front matter (JSON: the digest of
    its kind and text, and its value); None when the value would not come back
    exactly as it is."""
    try:
        return _encoder().encode([_digest(kind, text), _plain(dict(value))])
    except (_Unkept, ValueError, RecursionError):
        # ValueError: an int too long for `str` (YAML and TOML read `0x` and `0b`
        # ints of any length); RecursionError: lists nested deeper than the
        # stack. Both load, so a cached run must not fail where a cold one works.
        return None


@functools.cache
def _encoder() -> json.JSONEncoder:
    """One encoder for the run: `json.dumps` with options builds one per call
    (a fill run keeps a line for every file)."""
    import json

    return json.JSONEncoder(separators=(",", ":"))


def _digest(kind: str, text: str) -> str:
    import hashlib

    return hashlib.sha256(f"{kind}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


def _plain(value: Any) -> Any:
    """`value` as JSON data in which every object is a tag (see `_hook`)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise _Unkept
        return value
    if kind is list:
        return [_plain(item) for item in value]
    if kind is dict:
        if not all(type(key) is str for key in value):
            raise _Unkept
        return {"d": [[key, _plain(item)] for key, item in value.items()]}
    import datetime as dt

    if kind is dt.date:
        return {"date": value.isoformat()}
    if kind is dt.datetime and value.fold == 0:
        zone = value.tzinfo
        if zone is None or type(zone) is dt.timezone:
            return {"datetime": value.isoformat()}
    raise _Unkept


def _hook(data: dict[str, Any]) -> Any:
    """The inverse of `_plain`, as `json.loads`' object_hook; raises on a tag it did not write."""
    (tag, inner), *rest = data.items()
    if rest:
        raise ValueError("not a tag")
    if tag == "d":
        if not all(type(key) is str for key, _ in inner):
            raise ValueError("a key that is not a string")
        return {key: item for key, item in inner}
    import datetime as dt

    if tag == "date":
        return dt.date.fromisoformat(inner)
    if tag == "datetime":
        return dt.datetime.fromisoformat(inner)
    raise ValueError(f"unknown tag {tag!r}")
