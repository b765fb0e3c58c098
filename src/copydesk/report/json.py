"""Machine output: a JSON list of findings, in the same order as the text report.

The bytes are those of `json.dumps(..., indent=2, ensure_ascii=False)`, written
by hand: with `indent`, the json module falls back to its pure-Python encoder,
which (with `dataclasses.asdict`) made this reporter most of the time of
`lint --format json` after the lint itself on thousands of findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copydesk.findings import Finding

_INDENT = "  "


def render(findings: Iterable[Finding]) -> str:
    ordered = sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code))
    return _encode([f.as_dict() for f in ordered], "")


def _encode(value: Any, indent: str) -> str:
    """`value` as `json.dumps(value, indent=2, ensure_ascii=False)` writes it at
    nesting `indent` (strings, ints, None, bools, lists, tuples, dicts of str)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    inner = indent + _INDENT
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{encode_basestring(k)}: {_encode(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _encode(v, inner) for v in value) + "\n" + indent + "]"
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
