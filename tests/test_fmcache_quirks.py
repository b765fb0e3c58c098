"""The lint cache's front matter values (copydesk.fmcache) against loading the
text again, on the quirks of YAML 1.1 and TOML: words read as booleans,
octal and sexagesimal numbers, dates against datetimes with and without
offsets, keys that are not strings, aliases, merges, tags, and values no JSON
number or nesting holds. A value either comes back exactly (types, offsets,
key order) or is not kept; it never changes, and keeping it never fails a run
that loading it does not."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk import fmcache
from copydesk.engine import lint_paths
from copydesk.errors import FrontMatterError
from copydesk.yamlio import dump_front_matter, load_front_matter

QUIRKS = Path(__file__).parent / "data" / "front_matter_values" / "quirks.txt"
PAGE = "/site/content/page.md"
# Placeholders in quirks.txt for texts too long to keep there.
EXPANSIONS = {"%BIGHEX%": "f" * 4000, "%DEEP%": "[" * 900 + "]" * 900}


def typed(value: Any) -> Any:
    """`value` with every item's type and repr (a datetime's offset, zone
    name and fold too): 1 and True, a date and a datetime differ."""
    if type(value) is dict:
        return ("dict", [(typed(key), typed(item)) for key, item in value.items()])
    if type(value) in (list, tuple):
        return (type(value).__name__, [typed(item) for item in value])
    if isinstance(value, dt.datetime):
        return ("datetime", repr(value), value.utcoffset(), value.tzname(), value.fold)
    return (type(value).__name__, repr(value))


def kept(kind: str, text: str, value: dict[str, Any]) -> dict[str, Any] | None:
    """What a warm run gets for this text: the line as lint.json stores it
    (a JSON string), offered and read back; None when no line is kept."""
    line = fmcache.line(kind, text, value)
    if line is None:
        return None
    stored = json.loads(json.dumps(line))
    fmcache.offer({PAGE: stored}, keep=False)
    try:
        found = fmcache.known(PAGE, kind, text)
    finally:
        fmcache.withdraw()
    assert found is not None, "a kept line must be read back"
    return found


def quirk_cases() -> list[Any]:
    cases = []
    for chunk in QUIRKS.read_text(encoding="utf-8").split("=== ")[1:]:
        header, text = chunk.split("\n", 1)
        kind, keep, name = header.split(" ", 2)
        for placeholder, expansion in EXPANSIONS.items():
            text = text.replace(placeholder, expansion)
        cases.append(pytest.param(kind, keep == "kept", text, id=f"{kind} {name}"))
    return cases


@pytest.mark.parametrize(("kind", "keep", "text"), quirk_cases())
def test_a_quirk_comes_back_as_loading_gives_it_or_is_not_kept(
    kind: str, keep: bool, text: str
) -> None:
    loaded = load_front_matter(Path(PAGE), text, kind)
    value = kept(kind, text, loaded)
    assert (value is not None) == keep
    if value is not None:
        assert typed(value) == typed(loaded)


def test_an_int_too_long_for_str_is_loaded_not_kept() -> None:
    """YAML and TOML read a hex int of any length; JSON cannot write one past
    Python's 4,300 digits: keeping it failed the file in every cached run."""
    text = "big: 0x" + "f" * 4000 + "\n"
    assert load_front_matter(Path(PAGE), text, "yaml")["big"] > 10**4300
    assert kept("yaml", text, load_front_matter(Path(PAGE), text, "yaml")) is None


# --- property: any value copydesk dumps, and any one-line scalar, loads to what is kept --

_offsets = st.one_of(
    st.none(),
    st.just(dt.UTC),
    st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m))),
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.dates(),
    st.builds(
        lambda moment, zone: moment.replace(tzinfo=zone),
        st.datetimes(min_value=dt.datetime(1000, 1, 1)),
        _offsets,
    ),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def check_text(kind: str, text: str) -> None:
    try:
        loaded = load_front_matter(Path(PAGE), text, kind)
    except FrontMatterError:
        return  # an error is reported, never kept
    value = kept(kind, text, loaded)
    if value is not None:
        assert typed(value) == typed(loaded)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(min_size=1), _values, max_size=5))
def test_dumped_front_matter_comes_back_as_loaded(data: dict[str, Any]) -> None:
    check_text("yaml", dump_front_matter(data))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_any_one_line_scalar_comes_back_as_loaded(scalar: str) -> None:
    check_text("yaml", "value: " + scalar.replace("\n", " ") + "\n")
    check_text("toml", "value = " + scalar.replace("\n", " ") + "\n")


def test_a_cached_run_lints_front_matter_it_cannot_keep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: each of these files was an internal error in every run with
    the lint cache (exit 2), and linted fine with `--no-cache`."""
    monkeypatch.chdir(tmp_path)
    for number in range(30):  # enough files for the lint cache to be used
        (tmp_path / f"p{number}.md").write_text(f"---\ntitle: P{number}\n---\nText.\n")
    (tmp_path / "big.md").write_text("---\nbig: 0x" + EXPANSIONS["%BIGHEX%"] + "\n---\nText.\n")
    (tmp_path / "deep.md").write_text("---\ndeep: " + EXPANSIONS["%DEEP%"] + "\n---\nText.\n")
    for _ in range(2):  # cold with the cache on, then warm
        result = lint_paths(["."], select=["CD101"], jobs=1, cache=True)
        assert [str(error) for error in result.errors] == []
        assert not result.internal_error
