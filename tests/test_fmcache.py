"""Front matter values kept by the lint cache (copydesk.fmcache): a kept value
comes back exactly as YAML or TOML loaded it (types included), only for the
same text, and a value that would not come back exactly is not kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from copydesk import fmcache
from copydesk.yamlio import load_front_matter

DATA = Path(__file__).parent / "data" / "front_matter_values"
PAGE = "/site/content/page.md"


def typed(value: Any) -> Any:
    """`value` with the type of every item beside it: equal values of other
    types (1 and True, a date and a datetime, a list and a tuple) differ."""
    if isinstance(value, dict):
        return ("dict", [(typed(key), typed(item)) for key, item in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [typed(item) for item in value])
    zone = value.utcoffset() if isinstance(value, dt.datetime) else None
    return (type(value).__name__, value, zone)


def kept_value(kind: str, text: str, value: dict[str, Any]) -> Any:
    line = fmcache.line(kind, text, value)
    assert line is not None
    fmcache.offer({PAGE: line}, keep=False)
    try:
        return fmcache.known(PAGE, kind, text)
    finally:
        fmcache.withdraw()


@pytest.mark.parametrize(("name", "kind"), [("kept.yaml", "yaml"), ("kept.toml", "toml")])
def test_a_kept_value_is_what_loading_the_text_gives(name: str, kind: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8")
    loaded = load_front_matter(Path(PAGE), text, kind)
    assert any(type(item) is dt.datetime and item.tzinfo for item in loaded.values())
    assert any(type(item) is dt.date for item in loaded.values())

    kept = kept_value(kind, text, loaded)

    assert typed(kept) == typed(loaded)
    assert list(kept) == list(loaded)  # the keys' order too


def unkept_cases() -> list[tuple[str, str]]:
    lines = (DATA / "unkept.txt").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("|", 1)) for line in lines]  # type: ignore[misc]


@pytest.mark.parametrize(("kind", "text"), unkept_cases())
def test_a_value_that_would_not_come_back_exactly_is_not_kept(kind: str, text: str) -> None:
    """Sets, tuples, bytes, mappings with keys that are not strings, NaN and
    infinities, TOML times: JSON would give back something else."""
    loaded = load_front_matter(Path(PAGE), text + "\n", kind)
    assert fmcache.line(kind, text + "\n", loaded) is None


def test_another_text_kind_or_path_or_a_damaged_line_is_loaded_again() -> None:
    text = "title: Hello\ndate: 2021-03-04\n"
    line = fmcache.line("yaml", text, load_front_matter(Path(PAGE), text, "yaml"))
    assert line is not None
    damaged = [
        line.replace('"Hello"', '"Bye"').replace('["title"', '{"x":1}'),
        line[:-5],
        line.replace('"date"', '"time"', 1).replace('{"date":', '{"time":'),
        line.replace('[["title","Hello"]', '[[7,"Hello"]'),
        '["a digest", "not a mapping"]',
    ]
    fmcache.offer({PAGE: line, "/other.md": damaged[0]}, keep=False)
    try:
        assert fmcache.known(PAGE, "yaml", text) == {"title": "Hello", "date": dt.date(2021, 3, 4)}
        assert fmcache.known(PAGE, "yaml", text + "draft: true\n") is None
        assert fmcache.known(PAGE, "toml", text) is None
        assert fmcache.known("/site/content/other.md", "yaml", text) is None
        for wrong in damaged:
            fmcache.offer({PAGE: wrong}, keep=False)
            assert fmcache.known(PAGE, "yaml", text) is None
    finally:
        fmcache.withdraw()
    assert fmcache.known(PAGE, "yaml", text) is None  # withdrawn
