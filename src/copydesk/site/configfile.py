"""Reading a generator's own config file (YAML, TOML or JSON), leniently.

A site's config is not copydesk's to validate: an unreadable one, or a YAML
tag that names Python code (MkDocs' `!!python/name:...`), gives an empty or
partial mapping and the generator's defaults, never an error or execution.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml


@functools.cache
def _lenient_loader() -> type[yaml.SafeLoader]:
    """SafeLoader that reads any unknown tag (`!!python/name:x`, `!ENV`) as None.
    Made on first use: PyYAML costs ~25 ms to import, and a Hugo or Zola site
    (TOML) loaded by a warm lint cache run never reads YAML."""
    import yaml

    class LenientLoader(yaml.SafeLoader):
        pass

    def unknown(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
        return None

    LenientLoader.add_multi_constructor("", unknown)
    LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", unknown)
    return LenientLoader


def read_mapping(path: Path) -> dict[str, Any]:
    """The file's top-level mapping; {} when it is absent or unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    try:
        if path.suffix == ".toml":
            import tomllib  # here: a site whose generator the lint cache kept reads no TOML

            data: Any = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = _yaml(text)
    except ValueError:  # tomllib.TOMLDecodeError is one
        return {}
    return data if isinstance(data, dict) else {}


def _yaml(text: str) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=_lenient_loader())
    except yaml.YAMLError:
        return {}


def first_existing(folder: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def js_block(text: str, key: str) -> str | None:
    """The `{...}` after `key:` in JavaScript config text (braces balanced,
    strings not parsed), or None; `key: false` gives ""."""
    match = re.search(rf"\b{re.escape(key)}\s*:\s*(\{{|false\b)", text)
    if not match:
        return None
    if match.group(1) == "false":
        return ""
    depth, start = 0, match.start(1)
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return text[start : index + 1]
    return None


def js_string(text: str, key: str) -> str | None:
    """The literal string value of `key: "..."` in JavaScript text, or None
    (a value computed in code is not read: the documented default applies)."""
    match = re.search(rf"\b{re.escape(key)}\s*:\s*(['\"`])([^'\"`$]*)\1", text)
    return match.group(2) if match else None


def nested(data: Mapping[str, Any], *keys: str) -> Any:
    """data[k1][k2]... or None, without KeyErrors on the way."""
    value: Any = data
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value
