"""Front matter in and out: safe loading and canonical, round-trippable dumping.

Loading never executes a tag: `!!python/...`, Ruby objects and other unknown
tags are refused by name; only the non-specific `!` and Ruby's base64
`!binary` are read as their plain value. Aliases are allowed but their
expansion is bounded, so an alias bomb is refused instead of eating memory.

Dumping writes what PyYAML reads back to the same values: dates stay dates,
aware datetimes keep their offset, Unicode stays Unicode, and strings that
would parse as something else are quoted.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import tomllib
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import yaml

from copydesk.errors import FrontMatterError

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
MAX_EXPANDED_NODES = 10_000
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
# keys PyYAML's `flatten_mapping` rewrites (merges, and `=` read as a string)
_FLATTENED = frozenset({_MERGE, "tag:yaml.org,2002:value"})


class _SafeLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader plus readers for the two harmless non-standard tags."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """A value YAML accepts but Python cannot hold (month 13, hour 25, an
        int of 5,000 digits) is broken front matter at that node, not a crash."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as error:
            value = str(node.value if isinstance(node, yaml.ScalarNode) else node.tag)
            if len(value) > 40:
                value = value[:39] + "…"
            raise yaml.constructor.ConstructorError(
                None, None, f"impossible value '{value}' ({error})", node.start_mark
            ) from None

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> list[Any]:
        """PyYAML's list, a plain string item taken straight from its node (as
        in `construct_mapping`): front matter's lists are mostly tags."""
        if not isinstance(node, yaml.SequenceNode):
            return super().construct_sequence(node, deep)
        construct = self.construct_object
        return [
            item.value
            if item.tag == _STR and type(item) is yaml.ScalarNode
            else construct(item, deep=deep)
            for item in node.value
        ]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A key written twice is broken front matter: YAML would keep the last
        value and silently drop the first (and its words) from the post.

        A mapping with no merge (`<<`) or `=` key, nearly every one, is built
        here in one loop, each plain string key or value taken straight from
        its node: what PyYAML's own `construct_mapping` (a flatten pass, then
        `construct_object` per key and value, which for a string returns the
        node's value) gives, for a fraction of the calls."""
        seen: set[str] = set()
        plain = True
        for key, _ in node.value:
            if key.tag in _FLATTENED:
                plain = False
            if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE:
                if key.value in seen:
                    shown = " ".join(key.value.split())[:40]
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key '{shown}'", key.start_mark
                    )
                seen.add(key.value)
        if not plain or not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep)  # type: ignore[no-any-return]
        mapping: dict[Any, Any] = {}
        construct = self.construct_object
        for key_node, value_node in node.value:
            if key_node.tag == _STR and type(key_node) is yaml.ScalarNode:
                key = key_node.value
            else:
                key = construct(key_node, deep=deep)
                if not isinstance(key, Hashable):
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "found unhashable key",
                        key_node.start_mark,
                    )
            if value_node.tag == _STR and type(value_node) is yaml.ScalarNode:
                mapping[key] = value_node.value
            else:
                mapping[key] = construct(value_node, deep=deep)
        return mapping


def _ruby_binary(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    value = loader.construct_scalar(node)  # type: ignore[arg-type]
    try:
        return base64.b64decode(str(value)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise yaml.constructor.ConstructorError(
            None, None, "!binary value is not base64 UTF-8 text", node.start_mark
        ) from None


_SafeLoader.add_constructor("!binary", _ruby_binary)


def load_front_matter(
    path: Path, text: str, kind: str, first_line: int = 2, what: str = "front matter"
) -> dict[str, Any]:
    """Parse front matter text into a mapping, or raise `FrontMatterError`.

    `what` names the text in reasons: "front matter", or "file" for a whole
    YAML file such as a site's `_config.yml` (`first_line` 1)."""
    if kind == "toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise FrontMatterError(path, f"broken TOML {what}: {error}") from None
        except RecursionError:
            raise FrontMatterError(path, f"broken TOML {what}: nested too deeply") from None
    try:
        data = yaml.load(text, Loader=_SafeLoader)
    except yaml.constructor.ConstructorError as error:
        raise FrontMatterError(path, _tag_reason(error, first_line, what)) from None
    except yaml.YAMLError as error:
        raise FrontMatterError(path, _yaml_reason(error, text, first_line, what)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(path, f"{what} is a {type(data).__name__}, not a mapping")
    # without an alias (`*name`) every value is a node of its own, and no YAML
    # text makes more than two of them per character: most front matter is
    # too short to be worth the count
    if ("*" in text or 2 * len(text) >= MAX_EXPANDED_NODES) and _expanded_size(
        data, MAX_EXPANDED_NODES
    ) > MAX_EXPANDED_NODES:
        raise FrontMatterError(
            path, f"YAML aliases expand to more than {MAX_EXPANDED_NODES} values (alias bomb?)"
        )
    return {str(key): value for key, value in data.items()}


def _where(error: yaml.MarkedYAMLError, first_line: int) -> str:
    mark = error.problem_mark or error.context_mark
    return f" on line {mark.line + first_line}" if mark else ""


def _tag_reason(error: yaml.constructor.ConstructorError, first_line: int, what: str) -> str:
    problem = error.problem or "unknown problem"
    if "could not determine a constructor for the tag" in problem:
        tag = problem.split("tag", 1)[1].strip(" '").replace("tag:yaml.org,2002:", "!!")
        return f"unsafe YAML tag '{tag}' refused{_where(error, first_line)}"
    return f"broken YAML {what}: {problem}{_where(error, first_line)}"


def _yaml_reason(error: yaml.YAMLError, text: str, first_line: int, what: str) -> str:
    if isinstance(error, yaml.MarkedYAMLError):
        return f"broken YAML {what}: {error.problem}{_where(error, first_line)}"
    if isinstance(error, yaml.reader.ReaderError):
        # Its str() is two lines and counts characters, not lines: say which character, where.
        line = text.count("\n", 0, error.position) + first_line
        char = f"U+{error.character:04X}" if isinstance(error.character, int) else "a character"
        return f"broken YAML {what}: {char} is not allowed in YAML, on line {line}"
    return f"broken YAML {what}: " + " ".join(str(error).split())


def _expanded_size(value: Any, budget: int) -> int:
    """Count values as if every alias were expanded, stopping past `budget`.

    The exact types YAML loads are tried first: `isinstance` against the
    `Mapping` ABC is several times slower, and this runs on every file."""
    count = 0
    stack = [value]
    while stack and count <= budget:
        item = stack.pop()
        count += 1
        kind = type(item)
        if kind in _SCALARS:
            continue
        if kind is dict or (kind not in _SEQUENCES and isinstance(item, Mapping)):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif kind in _SEQUENCES or isinstance(item, list | tuple | set):
            stack.extend(item)
    return count


_SCALARS = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime, bytes})
_SEQUENCES = frozenset({list, tuple, set})


class _CanonicalDumper(_BaseDumper):  # type: ignore[valid-type,misc]
    """Block style, schema key order, Unicode kept, multi-line text as `|` blocks."""


class _ReadableDumper(yaml.SafeDumper):
    """The same in pure Python, whose emitter writes characters outside the Basic
    Multilingual Plane (emoji) as themselves; libyaml's escapes them (`\\U0001F40D`)."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and value == value.strip(" \t") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", format_datetime(value))


for _dumper in (_CanonicalDumper, _ReadableDumper):
    _dumper.add_representer(str, _represent_str)
    _dumper.add_representer(dt.datetime, _represent_datetime)


def format_datetime(value: dt.datetime) -> str:
    """ISO 8601 that YAML reads back unchanged: `2019-08-13T17:55:36.539Z`."""
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    offset = value.utcoffset()
    if offset is None:
        return text
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{text}{sign}{hours:02d}:{minutes:02d}"


def dump_front_matter(data: Mapping[str, Any]) -> str:
    """YAML text for the mapping, keys in the given order, ending in a newline.

    libyaml (fast) writes it, unless that escaped a character outside the
    Basic Multilingual Plane (`"I love \\U0001F40D Python"`): then the
    pure-Python emitter writes it as the character, and what is left escaped
    inside double quotes (beside a tab, say) is unescaped. A text is kept only
    if it reads back to the same values; libyaml's always does.
    """
    text = _dump(data, _CanonicalDumper)
    if "\\U" not in text:  # no escaped emoji (nearly every post): done
        return text
    values = yaml.load(text, Loader=_SafeLoader)
    readable = _dump(data, _ReadableDumper)
    for candidate in (_unescape_astral(readable), readable, _unescape_astral(text)):
        if yaml.load(candidate, Loader=_SafeLoader) == values:
            return candidate
    return text


# `\U0001F40D` not preceded by an odd number of backslashes (`\\U…` is a backslash and a U)
_ASTRAL_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\U([0-9A-Fa-f]{8})")


def _unescape_astral(text: str) -> str:
    """Double-quoted escapes of characters outside the BMP written as the characters
    (YAML allows them unescaped); a plain scalar it wrongly touches fails to read back."""
    return _ASTRAL_ESCAPE.sub(lambda m: m[1] + chr(int(m[2], 16)), text)


def _dump(data: Mapping[str, Any], dumper: type[yaml.SafeDumper]) -> str:
    return str(
        yaml.dump(
            dict(data),
            Dumper=dumper,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=False,
            width=1_000_000,
        )
    )
