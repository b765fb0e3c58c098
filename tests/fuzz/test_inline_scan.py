"""Differential fuzzing of the inline scan (`copydesk.parse._simple_inline`).

The scan stands in for mistune's inline parser on the blocks it can read: for
any text it accepts, its tokens must be mistune's (and number footnotes in the
env as mistune does), and the nodes placed from it must be the ones the walk
over mistune's own tokens builds. Texts are drawn from fragments of exactly the
syntax the scan reads or must refuse: code spans, links, references,
autolinks, bare URLs, footnote references, HTML, escapes, emphasis.
"""

from __future__ import annotations

import copy
from typing import Any

import mistune
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from mistune.plugins import import_plugin

from copydesk import parse
from copydesk.parse import parse_document, parse_text
from test_parse import _check_places, _dump, _read_tokens, _unplaced

FRAGMENTS = (
    *("a", "b c", " ", "\n", "  \n", ".", ",", ":", "'", '"', "é", "h", "!", "(", ")"),
    *("`", "``", "`c`", "`k\nl`", "[", "]", "[a](b)", "[r]", "[r][]", "[x `y`](z)"),
    *("![i](j.png)", "[l\nm](n)", "<", ">", "<https://a.b>", "<a@b.c>", "<b>", "</b>"),
    *("https://x.y/z", "http://q.r/s_t", "http", "[^n]", "[^x]", "~", "~~", "\\", "*", "_"),
    *(
        "&",
        "{{ t }}",
        "{{< s >}}",
        "snake_case",
        "x__y",
        "a & b",
        "&amp;",
        "[l_m](n)",
        "[o & p]",
        "[_e_](f)",
        "_g_",
        "[h_](i)",
    ),
)
DEFINITIONS = "[r]: /r\n[^n]: a note [q](w) `e`\n"

texts = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12).map("".join)


@pytest.fixture(scope="module")
def mistunes() -> tuple[mistune.Markdown, dict[str, Any]]:
    """Stock mistune, and the env its block parse leaves for DEFINITIONS."""
    stock = mistune.Markdown(renderer=None, plugins=[import_plugin(n) for n in parse._PLUGINS])
    _, state = stock.parse(DEFINITIONS)
    return parse._markdown(), dict(state.env)


@given(text=texts)
def test_the_scan_gives_mistunes_tokens(
    mistunes: tuple[mistune.Markdown, dict[str, Any]], text: str
) -> None:
    md, env = mistunes
    source = text.strip(" \r\n\t\f")
    if not source or "\n\n" in source:
        return
    ours_env = copy.deepcopy(env)
    ours = parse._simple_inline(source, ours_env)
    event("scanned" if ours is not None else "left to mistune")
    if ours is None:
        return
    theirs_env = copy.deepcopy(env)
    theirs = md.inline(source, theirs_env)
    assert _read_tokens(ours) == _read_tokens(theirs)
    assert ours_env.get("footnotes") == theirs_env.get("footnotes")
    _check_places(ours, source)
    exact = parse._simple_inline(source, copy.deepcopy(env), exact=True)
    if exact is not None:
        assert _unplaced(exact) == md.inline(source, copy.deepcopy(env))
        _check_places(exact, source)


def _block(kind: int, text: str) -> str:
    line = text.replace("\n", " ")
    return [
        text,
        f"- {text}\n- {line}",
        f"| {line} | x |\n|---|---|\n| `y` | {line} |",
        "> " + text.replace("\n", "\n> "),
        f"# {line}",
    ][kind]


documents = st.lists(st.builds(_block, st.integers(0, 4), texts), min_size=1, max_size=4).map(
    lambda blocks: "\n\n".join(blocks) + "\n\n" + DEFINITIONS
)


@given(text=documents)
def test_placed_nodes_are_the_walks(text: str) -> None:
    want = frozenset(
        {"paragraph", "block_text", "list_item", "codespan", "link", "image", "footnote_ref"}
    )
    placed = _dump(parse_document(parse_text(text).document, want))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parse, "_simple_inline", lambda *args, **kwargs: None)
        walked = _dump(parse_document(parse_text(text).document, want))
    assert placed == walked


@pytest.mark.parametrize(
    ("text", "scanned"),
    [
        ("[snake_case](u) and a_b", True),  # a `_` inside a word opens nothing
        ("[Installing & Using Themes][r]", True),  # nor does a `&` before a space
        ("[a_b_c](u)", True),
        ("[a _b_ c](u)", False),  # emphasis: mistune's
        ("[_e_](f)", False),
        ("[__init__](x)", False),
        ("[a_](x)", False),
        ("[x__y](z)", False),
        ("[a &amp; b](u)", False),  # maybe an entity: mistune's
        ("[a&b](u)", False),
    ],
)
def test_link_text_with_underscores_and_ampersands(
    mistunes: tuple[mistune.Markdown, dict[str, Any]], text: str, scanned: bool
) -> None:
    md, env = mistunes
    exact = parse._simple_inline(text, copy.deepcopy(env), exact=True)
    assert (exact is not None) == scanned
    if exact is not None:
        assert _unplaced(exact) == md.inline(text, copy.deepcopy(env))
        _check_places(exact, text)
