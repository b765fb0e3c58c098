"""Differential fuzzing of the parse's fast paths against the code they stand in for.

Each fast path must give exactly what the slower code gives, on any input:

* YAML: `_SafeLoader` builds plain strings, lists and mappings without
  PyYAML's `construct_object` per node; a reference loader that is PyYAML's
  own constructor plus copydesk's checks (duplicate keys, impossible values)
  must load every text to the same values, or fail with the same error. And
  front matter without an alias is not counted for alias bombs when it is
  too short to expand past the limit: the bound that skip relies on is tested.
* Blocks: tables and lists parsed with the rebound mistune functions
  (`_table_parsers`, `_list_parser`), paragraphs ended by a search
  (`_PosBlockParser._parse_plain_paragraph`) and the block loop that skips
  the rules at empty lines and plain lines (`_PosBlockParser.parse`) must
  give the same nodes as stock mistune's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st
from mistune.block_parser import BlockParser
from mistune.plugins.table import _split_table_cells

from copydesk import parse
from copydesk.parse import parse_document, parse_text
from copydesk.yamlio import _expanded_size, _SafeLoader
from test_parse import _dump

YAML_LINES = (
    *("a: 1", "b: text", "a: again", "tags: [x, y]", "list:", "  - one", "  - two: 2"),
    *("  - [n, m]", "base: &b {k: v}", "other:", "  <<: *b", "  k: w", "  <<: [*b]"),
    *("= : eq", "? complex", ": value", "[u]: unhashable", "{m: 1}: x", "date: 2024-01-02"),
    *("n: null", "t: !!str 12", "bin: !binary aGk=", "bad: !!python/name:os.system"),
    *("flow: {a, b}", "s: *b", "  nested: deep", "- item", "x: 2024-13-45", "y: &y [1, 2]"),
    *("z: *y", "q: 'quoted: yes'", "e: ", "f: [a, {b: c}, [d]]", "g: !!set {a, b}", ""),
    *("h: |", "  block text", "i: &s str", "j: *s", "? [k]", "  deep: {x: *y}", "k: yes"),
)
yaml_texts = st.lists(st.sampled_from(YAML_LINES), min_size=1, max_size=8).map("\n".join)


class _Reference(_SafeLoader):  # type: ignore[valid-type,misc]
    """PyYAML's constructor with copydesk's checks, node by node: what
    `_SafeLoader` gave before its fast paths."""

    construct_sequence = yaml.constructor.BaseConstructor.construct_sequence

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                if key.value in seen:
                    shown = " ".join(key.value.split())[:40]
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key '{shown}'", key.start_mark
                    )
                seen.add(key.value)
        return yaml.constructor.SafeConstructor.construct_mapping(self, node, deep)  # type: ignore[no-any-return]


def _load(text: str, loader: type[yaml.SafeLoader]) -> tuple[str, str]:
    try:
        data = yaml.load(text, Loader=loader)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        return "error", f"{type(error).__name__}: {error}"
    return "data", repr(data)


@given(text=yaml_texts)
def test_yaml_fast_paths_load_what_pyyamls_constructor_loads(text: str) -> None:
    assert _load(text, _SafeLoader) == _load(text, _Reference)


def test_the_reference_sees_a_broken_fast_path() -> None:
    """A fast path that took every scalar item as a string would be caught."""

    class Broken(_SafeLoader):  # type: ignore[valid-type,misc]
        def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> Any:
            return [item.value for item in node.value]

    text = "y: [1, 2]"
    assert _load(text, Broken) != _load(text, _Reference)


@given(text=yaml_texts)
def test_yaml_without_aliases_holds_at_most_two_values_a_character(text: str) -> None:
    text = text.replace("*", "")  # no alias
    kind, _ = _load(text, _SafeLoader)
    if kind == "data":
        data = yaml.load(text, Loader=_SafeLoader)
        assert _expanded_size(data, 10**9) <= 2 * len(text) + 1


CELLS = ("|", "\\", "\\|", "\\\\|", "a", " ", "\t", "`", "b c", "||")


@given(text=st.lists(st.sampled_from(CELLS), max_size=10).map("".join))
def test_cells_split_as_mistune_splits_them(text: str) -> None:
    assert parse._split_cells(text) == _split_table_cells(text)


BLOCK_LINES = (
    *("- a", "* b", "1. c", "2) d", "  - nested", "    code", "   - three", "\t- tab", "- "),
    *("+ plus", "1.", " 3. x", "10. ten", "| a | b |", "|---|:-:|", "| `x\\|y` | [l](u) |"),
    *("a | b", "--- | ---", "x | y", "|a|", "|-|", "| \\| |", "> quote", "> - q item", ""),
    *("text", "# h", "```", "***", "- [r]: /r", "  more text", "  ```", "<div>", "    - deep"),
    *("élan vital", "2024 was", "x|y", "   ", " \t", "Zed > quote", "word [r]: /r"),
    *("plain words", "more words", "\u00a0", " \u2003 ", "\x0b", "\r", "===", "a\x1cb", "> lazy"),
)
block_texts = st.lists(st.sampled_from(BLOCK_LINES), min_size=1, max_size=12).map("\n".join)


@contextmanager
def _stock_blocks() -> Iterator[None]:
    """The parse with mistune's own block loop and table, list and paragraph functions."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parse, "_table_parsers", dict)
        patch.setattr(parse._PosBlockParser, "parse", BlockParser.parse)
        patch.setattr(parse._PosBlockParser, "parse_list", BlockParser.parse_list)
        stock_paragraph = BlockParser._parse_plain_paragraph
        patch.setattr(parse._PosBlockParser, "_parse_plain_paragraph", stock_paragraph)
        parse._markdown.cache_clear()
        try:
            yield
        finally:
            parse._markdown.cache_clear()
    parse._markdown.cache_clear()


@given(text=block_texts)
def test_blocks_parse_as_with_stock_mistune(text: str) -> None:
    assume(text.encode().strip())  # else an empty file, refused before any parse
    ours = _dump(parse_document(parse_text(text).document))
    with _stock_blocks():
        stock = _dump(parse_document(parse_text(text).document))
    assert ours == stock


def test_the_block_comparison_sees_a_broken_split() -> None:
    text = "| a | b\\|c |\n|---|---|\n| x | y |\n"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parse, "_split_cells", lambda text: text.split("|"))
        parse._markdown.cache_clear()
        try:
            broken = _dump(parse_document(parse_text(text).document))
        finally:
            parse._markdown.cache_clear()
    with _stock_blocks():
        stock = _dump(parse_document(parse_text(text).document))
    assert broken != stock


def test_the_block_comparison_sees_a_paragraph_run_past_a_block() -> None:
    """A paragraph end that missed the block rules would be caught. (One that
    missed the blank-ish lines only `str.strip` empties, such as a line of
    no-break spaces, would not: mistune adds what follows such a line to the
    same paragraph anyway.)"""
    fast = parse._PosBlockParser._parse_plain_paragraph
    never = re.compile("(?!)")
    text = "words\n# heading\n"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            parse._PosBlockParser,
            "_parse_plain_paragraph",
            lambda self, state, sc: fast(self, state, never),
        )
        broken = _dump(parse_document(parse_text(text).document))
    with _stock_blocks():
        stock = _dump(parse_document(parse_text(text).document))
    assert broken != stock


TEMPLATED = ("a", " ", "\n", "`", "{{ x }}", "{{ long.name }}", "{% y %}", "{{< s >}}", "b\nc")


@given(
    pieces=st.lists(st.sampled_from(TEMPLATED), min_size=1, max_size=10),
    cut=st.tuples(st.integers(0, 80), st.integers(0, 80)),
    derive=st.sampled_from(["slice", "newlines as spaces", "stripped"]),
)
def test_unmasking_a_slice_gives_what_run_by_run_unmasking_gives(
    pieces: list[str], cut: tuple[int, int], derive: str
) -> None:
    original = "".join(pieces)
    masked = parse._mask(original, parse.find_templating(original), 0)
    derived = masked[min(cut) : max(cut)]
    if derive == "newlines as spaces":  # as mistune makes a code span's code
        derived = derived.replace("\n", " ")
    elif derive == "stripped":
        derived = derived.strip()
    expected = parse._unmask_runs(derived, masked, original)
    assert parse._unmask(derived, masked, original) == expected


def test_the_block_comparison_sees_a_plain_line_that_was_a_table() -> None:
    """A block loop that skipped the rules on a plain line holding a `|` would
    miss a table whose lines start with a letter."""
    text = "a | b\n--- | ---\nc | d\n"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parse, "_plain_line", parse._is_plain_paragraph_start)
        broken = _dump(parse_document(parse_text(text).document))
    with _stock_blocks():
        stock = _dump(parse_document(parse_text(text).document))
    assert broken != stock
