"""Positioned parse: every node points at its exact line and column in the original file."""

from __future__ import annotations

import copy
import gc
import re
from pathlib import Path
from typing import Any

import pytest

from copydesk.errors import FrontMatterError, ReadError
from copydesk.parse import Node, ParsedFile, parse_document, parse_file, parse_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "parse"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def spans(parsed: ParsedFile, *types: str) -> list[str]:
    return [f"{n.type} {n.line}:{n.column}" for n in parsed.of_type(*types)]


def first(parsed: ParsedFile, kind: str) -> Node:
    return parsed.of_type(kind)[0]


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.md")), ids=lambda p: p.stem)
def test_fixture_positions(fixture: Path) -> None:
    parsed = parse_file(fixture)
    got = [
        f"{n.type} {n.line}:{n.column}-{n.end_line}:{n.end_column}"
        for n in parsed.walk()
        if n.type != "text"
    ]
    assert got == fixture.with_suffix(".expected").read_text().splitlines()


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.md")), ids=lambda p: p.stem)
def test_raw_is_the_source_at_the_position(fixture: Path) -> None:
    parsed = parse_file(fixture)
    for node in parsed.walk():
        first_line = node.attrs["raw"].split("\n")[0]
        assert parsed.line_text(node.line)[node.column - 1 :].startswith(first_line), node


def test_plain_paragraph_only() -> None:
    parsed = parse_text("hello\n")
    assert spans(parsed, "paragraph", "text") == ["paragraph 1:1", "text 1:1"]
    assert parsed.front_matter is None and parsed.keys == {}


def test_headings_paragraph_and_inline_spans() -> None:
    parsed = parse_text("## Title *em*\n\nA **b** `c` <span>d</span> ~~e~~\n")
    assert spans(parsed, "heading", "emphasis", "strong", "codespan", "inline_html") == [
        "heading 1:1",
        "emphasis 1:10",
        "strong 3:3",
        "codespan 3:9",
        "inline_html 3:13",
        "inline_html 3:20",
    ]
    assert first(parsed, "strikethrough").column == 28
    assert first(parsed, "codespan").attrs["code"] == "c"
    assert first(parsed, "heading").end_column == 14


def test_links_after_multi_line_front_matter() -> None:
    text = "---\ntitle: T\nexcerpt: >-\n  two\n  lines\n---\n\nsee [a](b.md) and ![i](c.png)\n"
    parsed = parse_text(text)
    link, image = first(parsed, "link"), first(parsed, "image")
    assert (link.line, link.column, link.end_column) == (8, 5, 14)
    assert link.attrs["url"] == "b.md" and link.attrs["text"] == "a"
    assert (image.line, image.column, image.attrs["raw"]) == (8, 19, "![i](c.png)")


def test_reference_links_and_definitions() -> None:
    text = '[full][Ref] [Ref][] [ref] [undefined]\n\n[REF]: http://x.org "T"\n[unused]: /u\n'
    parsed = parse_text(text)
    links = parsed.of_type("link")
    assert [(n.column, n.attrs["raw"], n.attrs["label"]) for n in links] == [
        (1, "[full][Ref]", "Ref"),
        (13, "[Ref][]", "Ref"),
        (21, "[ref]", "ref"),
    ]
    assert {n.attrs["url"] for n in links} == {"http://x.org"}
    ref = parsed.definitions["REF"]
    assert (ref.label, ref.url, ref.title, ref.line, ref.column, ref.used) == (
        "REF",
        "http://x.org",
        "T",
        3,
        1,
        True,
    )
    assert parsed.definitions["UNUSED"].used is False
    assert (parsed.definitions["UNUSED"].line, parsed.definitions["UNUSED"].column) == (4, 1)


def test_nested_block_quotes_shift_columns() -> None:
    parsed = parse_text("> a\n> > b [x](y)\n>  > > c ![i](j)\n")
    assert spans(parsed, "block_quote", "link", "image") == [
        "block_quote 1:1",
        "block_quote 2:3",
        "link 2:7",
        "block_quote 3:6",
        "image 3:10",
    ]


def test_list_items_and_lazy_continuation() -> None:
    parsed = parse_text("- one\n-\n  two [a](b)\n  - three\nlazy [c](d)\n")
    assert spans(parsed, "list_item") == ["list_item 1:1", "list_item 2:1", "list_item 4:3"]
    assert spans(parsed, "link") == ["link 3:7", "link 5:6"]


def test_table_cells() -> None:
    parsed = parse_text("intro\n\n| a | b \\| c |\n|---|---|\n|  [x](y) | z |\n")
    assert spans(parsed, "table", "table_row", "table_cell", "link") == [
        "table 3:1",
        "table_cell 3:3",
        "table_cell 3:7",
        "table_row 5:1",
        "table_cell 5:4",
        "link 5:4",
        "table_cell 5:13",
    ]


def test_footnote_reference_and_item() -> None:
    parsed = parse_text("Text[^n].\n\n[^n]: Note with [a](b).\n\n[^unused]: never cited\n")
    assert spans(parsed, "footnote_ref", "footnote_item", "link") == [
        "footnote_ref 1:5",
        "footnote_item 3:1",
        "link 3:17",
        "footnote_item 5:1",
    ]
    items = parsed.of_type("footnote_item")
    assert [(n.attrs["key"], n.attrs["index"]) for n in items] == [("n", 1), ("unused", None)]


def test_of_type_of_several_types_keeps_document_order() -> None:
    """Several types interleave as a walk meets them, nested ones included (the
    image inside a link, after it); asking again gives the same nodes."""
    text = "# [T](t)\n\n![a](a.png) and [![b](b.png)](b) `x`\n\n- [c](c) ![d](d.png)\n"
    parsed = parse_text(text)
    walked = [n for n in parsed.walk() if n.type in ("image", "link")]
    assert list(parsed.of_type("link", "image")) == walked
    assert spans(parsed, "link", "image") == [
        "link 1:3",
        "image 3:1",
        "link 3:17",
        "image 3:18",
        "link 5:3",
        "image 5:10",
    ]
    assert parsed.of_type("image", "link") == parsed.of_type("link", "image", "link")
    assert parsed.of_type("link", "nothing") == parsed.of_type("link")
    assert parsed.of_type("nothing", "else") == ()


def test_code_block_showing_markdown_has_no_links() -> None:
    text = "```markdown\n[a](b) ![c](d) <b>\n```\n\n    [e](f)\n\n`[g](h)`\n"
    parsed = parse_text(text)
    assert parsed.of_type("link", "image", "inline_html") == ()
    assert spans(parsed, "block_code", "codespan") == [
        "block_code 1:1",
        "block_code 5:5",
        "codespan 7:1",
    ]
    assert first(parsed, "block_code").attrs["code"] == "[a](b) ![c](d) <b>\n"


def test_liquid_and_shortcodes_are_opaque() -> None:
    text = (
        "{% raw %}\n[a](b)\n{% endraw %}\n\n"
        "x {{ '[c](d)' }} {{< ref \"[e](f)\" >}} {{% note %}} <b>\n\n"
        "[g]({{ site.baseurl }}/g.md)\n"
    )
    parsed = parse_text(text)
    assert [n.attrs["url"] for n in parsed.of_type("link")] == ["{{ site.baseurl }}/g.md"]
    assert spans(parsed, "liquid", "shortcode") == [
        "liquid 1:1",
        "liquid 5:3",
        "shortcode 5:18",
        "shortcode 5:39",
        "liquid 7:5",
    ]
    assert first(parsed, "shortcode").attrs["raw"] == '{{< ref "[e](f)" >}}'
    assert first(parsed, "link").column == 1
    assert parsed.in_templating(5, 3) and parsed.in_templating(2, 1)
    assert not parsed.in_templating(5, 1)
    assert len(parsed.templating) == 5


def test_liquid_in_code_keeps_original_code_text() -> None:
    parsed = parse_text("```\n{{ page.title }}\n```\n")
    assert first(parsed, "block_code").attrs["code"] == "{{ page.title }}\n"
    assert spans(parsed, "liquid") == ["liquid 2:1"]


def test_bare_and_angle_autolinks_are_marked() -> None:
    parsed = parse_text("see https://a.org/x. and <https://b.org>\n")
    bare, angle = parsed.of_type("link")
    assert (bare.column, bare.attrs["url"], bare.attrs.get("bare")) == (5, "https://a.org/x", True)
    assert (angle.column, angle.attrs["raw"], angle.attrs.get("autolink")) == (
        26,
        "<https://b.org>",
        True,
    )


def test_escapes_keep_columns_exact() -> None:
    parsed = parse_text("a \\*b\\* \\[c] [d](e)\n")
    assert spans(parsed, "link") == ["link 1:14"]


def test_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "crlf.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\n\r\n> q [a](b)\r\n\r\n![i](j)\r\n")
    parsed = parse_file(path)
    assert parsed.keys == {"title": (2, 1)}
    assert spans(parsed, "link", "image") == ["link 5:5", "image 7:1"]
    assert parsed.line_text(5) == "> q [a](b)"


def test_no_final_newline() -> None:
    parsed = parse_text("# T\n\nend [a](b)")
    link = first(parsed, "link")
    assert (link.line, link.column, link.end_line, link.end_column) == (3, 5, 3, 11)


@pytest.mark.parametrize(
    "text",
    ["# T\n\n#", "# T\n\n[r]: x", "> #", "- [r]: x", "> - #", "---\ntitle: T\n---\n#"],
)
def test_last_block_without_final_newline_stays_inside_the_file(text: str) -> None:
    parsed = parse_text(text)
    last_line = text.count("\n") + 1
    for node in parsed.walk():
        assert 1 <= node.line <= node.end_line <= last_line, node
        assert node.end_column <= len(parsed.line_text(node.end_line)) + 1, node


def test_definition_on_the_last_line_without_final_newline() -> None:
    parsed = parse_file(FIXTURES / "refdef_at_eof_no_final_newline.md")
    definition = parsed.definitions["R"]
    assert (definition.url, definition.line, definition.column) == ("x", 5, 1)
    assert first(parsed, "link").attrs["url"] == "x"


def test_front_matter_keys_nested_and_lists() -> None:
    text = (
        "---\ntitle: T\nimage:\n  src: a.png\n  alt: >-\n    folded: not a key\n"
        "tags:\n- a\n- b: c\nheader:\n  teaser:\n    x: 1\n---\nbody\n"
    )
    parsed = parse_text(text)
    assert parsed.keys == {
        "title": (2, 1),
        "image": (3, 1),
        "image.src": (4, 3),
        "image.alt": (5, 3),
        "tags": (7, 1),
        "header": (10, 1),
        "header.teaser": (11, 3),
        "header.teaser.x": (12, 5),
    }


def test_toml_front_matter_keys() -> None:
    parsed = parse_text('+++\ntitle = "T"\n[image]\nsrc = "a.png"\n+++\nbody\n')
    assert parsed.keys == {"title": (2, 1), "image": (3, 2), "image.src": (4, 1)}
    assert parsed.front_matter == {"title": "T", "image": {"src": "a.png"}}


def test_broken_front_matter_still_parses_body() -> None:
    parsed = parse_text("---\ntitle: [unclosed\n---\n\n[a](b)\n")
    assert isinstance(parsed.front_matter_error, FrontMatterError)
    assert parsed.front_matter is None
    assert spans(parsed, "link") == ["link 5:1"]


def test_unreadable_file_raises_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError):
        parse_file(tmp_path / "missing.md")


def test_walk_is_pre_order_with_parents() -> None:
    parsed = parse_text("> - [a](b)\n")
    assert [n.type for n in parsed.walk()] == [
        "block_quote",
        "list",
        "list_item",
        "block_text",
        "link",
        "text",
    ]
    link = first(parsed, "link")
    assert link.parent is not None and link.parent.type == "block_text"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not present")
def test_seeds_smoke() -> None:
    parsed = {p.name[:3]: parse_file(p) for p in sorted(SEEDS.glob("*.txt"))}
    assert len(parsed) == 5
    seed0 = parsed["000"]
    image = first(seed0, "image")
    assert (image.line, image.column) == (11, 1)
    assert image.attrs["url"].startswith("/images/Switching-from-a-Sales-Role")
    html = first(seed0, "block_html")
    assert (html.line, html.column) == (13, 1) and html.attrs["raw"].startswith("<figcaption")
    assert seed0.keys["thumb_img_path"] == (4, 1)
    seed1 = parsed["001"]
    assert spans(seed1, "heading", "image", "footnote_ref", "footnote_item") == [
        "heading 8:1",
        "image 11:1",
        "footnote_ref 19:62",
        "image 21:1",
        "footnote_item 29:1",
    ]
    for name, result in parsed.items():
        for node in result.walk():
            first_line = node.attrs["raw"].split("\n")[0]
            assert result.line_text(node.line)[node.column - 1 :].startswith(first_line), name


def test_prose_blanks_everything_readers_do_not_read() -> None:
    text = (
        "---\ntitle: T\n---\n"
        'A `c` <b>d</b> [e](f.md "g") ![h](i.png) <https://j.org> https://k.org {{ l }}\n'
        '\n[m]: /n "o"\n\n```\np\n```\n\n    q\n\n<div>\nr\n</div>\n\n> [s](t) u\n'
    )
    parsed = parse_text(text)
    prose = parsed.prose
    assert len(prose) == len(text) and prose.count("\n") == text.count("\n")
    assert [line.rstrip() for line in prose.split("\n")] == [
        "",
        "",
        "",
        "A" + " " * 8 + "d" + " " * 5 + "[e]" + " " * 11 + "![h]" + " " * 24 + "https://k.org",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "> [s]    u",
        "",
    ]
    assert parsed.position(prose.index("https://k")) == (4, 58)


def test_position_maps_offsets_to_lines_and_columns() -> None:
    text = "---\nt: 1\n---\nab\ncd"
    parsed = parse_text(text)
    assert [parsed.position(i) for i in (0, 3, 4, 13, 14, 16, 17)] == [
        (1, 1),
        (1, 4),
        (2, 1),
        (4, 1),
        (4, 2),
        (5, 1),
        (5, 2),
    ]
    match = parsed.prose.index("cd")
    assert parsed.position(match) == (5, 1)


def test_want_builds_only_the_named_types() -> None:
    text = (
        "# A *b*\n\nx *y [l](u) `c`* z <i>h</i>\n\n"
        "> - plain *words* and `d`\n\n| a | `e` |\n|---|---|\n| f | g |\n"
    )
    every = parse_text(text)
    some = parse_document(every.document, want=frozenset({"codespan", "paragraph"}))
    assert [n.type for n in some.walk()] == [
        "heading",
        "text",
        "emphasis",
        "text",
        "paragraph",
        "link",
        "text",
        "codespan",
        "codespan",
        "codespan",
    ]
    link = first(some, "link")
    assert link.parent is not None and link.parent.type == "paragraph"
    assert link.attrs["text"] == "l"
    assert spans(some, "link", "codespan") == spans(every, "link", "codespan")
    assert first(some, "heading").children[1].parent is first(some, "heading")
    assert some.prose == every.prose


def test_want_without_blocks_puts_inline_nodes_at_the_top() -> None:
    every = parse_text("> [a](b) `c`\n\n[d](e)\n")
    links = parse_document(every.document, want=frozenset({"link"}))
    assert [(n.type, n.parent) for n in links.blocks] == [("link", None), ("link", None)]
    assert spans(links, "link") == spans(every, "link") == ["link 1:3", "link 3:1"]
    assert links.prose == every.prose


def _cycles_left_by(release: bool) -> int:
    """Objects only the cyclic collector could free after a parse is dropped."""
    gc.collect()
    gc.disable()
    try:
        parsed = parse_text("# Title\n\n- item with [a link](x.md)\n\n> quote\n")
        assert any(node.parent is not None for node in parsed.walk())
        if release:
            parsed.release()
        del parsed
    finally:
        gc.enable()
    return gc.collect()


def test_release_lets_refcounting_free_the_tree() -> None:
    assert _cycles_left_by(release=False) > 0
    assert _cycles_left_by(release=True) == 0


def test_a_code_shortcode_closed_with_a_space_after_the_slash_ends_there() -> None:
    # Hugo's docs close `{{< code-toggle >}}` as `{{</ code-toggle >}}`: the
    # headings after it are headings, not part of the code.
    text = (
        "{{< code-toggle >}}\ntitle: x\n{{</ code-toggle >}}\n\n### After the code\n\n"
        "{{< code-toggle >}}\ny: 1\n{{< /code-toggle >}}\n"
    )
    parsed = parse_text(text)
    assert [node.line for node in parsed.of_type("heading")] == [5]


def test_inline_parser_gives_mistunes_tokens() -> None:
    """copydesk's inline parser takes mistune's trigger regex once instead of once per
    text run: on every fixture, the whole token tree must equal stock mistune's."""
    import mistune
    from mistune.plugins import import_plugin

    from copydesk.parse import _PLUGINS, _InlineParser

    plugins = [import_plugin(name) for name in _PLUGINS]
    stock = mistune.Markdown(renderer=None, plugins=plugins)
    ours = mistune.Markdown(renderer=None, inline=_InlineParser(), plugins=plugins)
    paths = sorted(FIXTURES.parent.rglob("*.md"))
    differ = []
    for path in paths:
        text = path.read_bytes().decode("utf-8", errors="replace")
        if ours(text) != stock(text):
            differ.append(path.name)
    assert len(paths) > 100
    assert differ == []


def test_block_parser_gives_mistunes_tokens() -> None:
    """copydesk's block parser searches its rules regex from line starts only:
    on every fixture, the whole token tree must equal stock mistune's."""
    import mistune
    from mistune.plugins import import_plugin

    from copydesk.parse import _PLUGINS, _BlockParser

    plugins = [import_plugin(name) for name in _PLUGINS]
    stock = mistune.Markdown(renderer=None, plugins=plugins)
    block = _BlockParser()
    ours = mistune.Markdown(renderer=None, block=block, plugins=plugins)
    assert block.compile_sc().pattern.startswith("^(?:")  # the fast search is the one tried
    paths = sorted(FIXTURES.parent.rglob("*.md"))
    texts = [path.read_bytes().decode("utf-8", errors="replace") for path in paths]
    texts += ["para\n> quote\n- item\n\n    code\n\n[a]: /b\n| x | y |\n|---|---|\n| 1 | 2 |\n"]
    texts += [_DEFINITIONS, _DEFINITIONS.replace("\n", "\n\n"), "- " + _DEFINITIONS]
    differ = [text[:40] for text in texts if ours(text) != stock(text)]
    assert len(texts) > 100
    assert differ == []


# definitions mistune reads in every way: plain, titled (on the line or below),
# angled, with parentheses, escapes, entities, controls; duplicates; none at all
_DEFINITIONS = (
    "[a]: /plain\n[b]:/nospace\n[c]: <angle> \n[d]: /with(paren)\n[e]: /url 'title'\n"
    "[f]: /url\n\"title below\"\n[g]: /url\n  'indented title'\n[h]: /url\n(paren title)\n"
    "[i]: /url junk\n[j]:\n/next-line\n[k]: /é|x^{y}&amp;z\n[l]: /url\x0b\n[M]: /upper\n"
    "[m]: /dup\n[n]: /back\\\\slash\n[ ]: /blank-label\n[o]: /url\t \n\n[p]: /last\n\n"
    "(not a title)\npara\n[q]: /in-paragraph\n\n> [r]: /in-quote\n\n[s]: /url \u00a0\n[t]: /end\n"
    "[u]: /a)b\n[v]: /a(b\n[w]: /a(b)c)d\n"
)


def test_definitions_are_mistunes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain `[label]: url` lines are read with one regex
    (`_BlockParser.parse_ref_link`): on every fixture and the definitions above,
    the document's definitions and its blocks must be the ones mistune's own
    `parse_ref_link` gives (and, where no admonition is involved, stock mistune's)."""
    import mistune
    from mistune.block_parser import BlockParser
    from mistune.plugins import import_plugin

    from copydesk.parse import _PLUGINS, _BlockParser, _markdown, _PosState

    def parse(text: str) -> tuple[dict[str, Any], list[str]]:
        state = _PosState()
        state.process(text)
        state.map_root(0, False)
        _markdown().block.parse(state)
        return state.env["ref_links"], [token["type"] for token in state.tokens]

    stock = mistune.Markdown(renderer=None, plugins=[import_plugin(name) for name in _PLUGINS])
    paths = sorted(FIXTURES.parent.rglob("*.md"))
    special = [_DEFINITIONS, _DEFINITIONS.replace("\n", "\n\n"), "- " + _DEFINITIONS]
    texts = [path.read_bytes().decode("utf-8", errors="replace") for path in paths] + special
    texts = [text if text.endswith("\n") else text + "\n" for text in texts]
    ours = [parse(text) for text in texts]
    for text in special:
        tokens, state = stock.parse(text)
        assert parse(text) == (state.env["ref_links"], [token["type"] for token in tokens])
    monkeypatch.setattr(_BlockParser, "parse_ref_link", BlockParser.parse_ref_link)
    assert [parse(text) for text in texts] == ours
    assert sum(len(refs) for refs, _ in ours) > 30


def test_only_anchored_rules_are_searched_from_line_starts() -> None:
    from copydesk.parse import _anchored, _BlockParser

    block = _BlockParser()
    assert block.compile_sc().pattern.startswith("^(?:")
    block.register("loose", r"x+", lambda parser, m, state: None)  # anywhere on a line
    assert not block.compile_sc().pattern.startswith("^(?:")
    assert _anchored(r"(?P<a>^x)|(?P<b>(^[ \t]*\n)+)", re.MULTILINE)
    # an alternative free to match mid-line, or a group that may match nothing
    assert not _anchored(r"(?P<a>^x)|(?P<b>y)", re.MULTILINE)
    assert not _anchored(r"(^x|y)", re.MULTILINE)
    assert not _anchored(r"(^x)*y", re.MULTILINE)


_READ = ("codespan", "link", "image", "footnote_ref")


def _read_tokens(tokens: list[dict[str, Any]]) -> list[object]:
    """The code spans and links of an inline token tree, in order, through the
    emphasis around them: what a walk that reads no text node sees."""
    found: list[object] = []
    for token in _unplaced(tokens):
        if token["type"] in _READ:
            found.append((token["type"], token["raw"] if token["type"] == "codespan" else token))
        else:
            found.extend(_read_tokens(token.get("children") or []))
    return found


def _unplaced(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The scan's tokens without the places it notes (`_at`, and `_autolink`, which
    mistune drops once parsed): mistune's own keys."""
    return [
        {
            key: _unplaced(value) if key == "children" else value
            for key, value in token.items()
            if key not in ("_at", "_autolink")
        }
        for token in tokens
    ]


def _check_places(tokens: list[dict[str, Any]], src: str) -> int:
    """Each place the scan notes is where its token lies in `src`; how many."""
    checked = 0
    for token in tokens:
        kind, at = token["type"], token["_at"]
        if kind == "text":
            assert src[at[0] : at[1]] == token["raw"], (src, token)
        elif kind == "codespan":
            piece = src[at[0] : at[1]]
            assert piece[0] == piece[-1] == "`", (src, token)
            assert " ".join(piece.strip("`").split("\n")).strip(" ") == token["raw"].strip(" ")
        elif kind == "footnote_ref":
            assert src[at[0] : at[0] + 2] == "[^" and src[at[1] - 1] == "]", (src, token)
        elif "_autolink" in token:
            assert src[at[0] : at[1]] == token["_autolink"], (src, token)
            checked += _check_places(token["children"], src)
        elif kind in ("softbreak", "linebreak"):
            assert "\n" in src[at[0] : at[1]] and not src[at[0] : at[1]].strip(), (src, token)
        else:
            start, end, close = at
            assert src[start] == ("!" if kind == "image" else "["), (src, token)
            assert src[close] == "]" and close < end, (src, token)
            checked += _check_places(token["children"], src)
        checked += 1
    return checked


def test_simple_inline_scan_finds_mistunes_code_spans_and_links() -> None:
    """Blocks whose only inline syntax is code spans and plain links are scanned
    without mistune: on every fixture paragraph (with its file's definitions)
    and on the tricky runs below, the code spans and links found must be
    mistune's, in order."""
    import mistune
    from mistune.plugins import import_plugin

    from copydesk.parse import _PLUGINS, _markdown, _simple_inline

    definitions = "[a]: /a\n[t]: /t 'T'\n[`c`]: /c\n\n"
    notes = "[^n]: a note\n[^m]: another\n\n"
    texts = [
        "a `b` c",
        "``a`b`` and `c`",
        "`a``b`",  # the closing run must be as long as the opening one
        "`unclosed and ``closed``",
        "``` x ``` and ` y ` and `  `",
        "*see `x`* and _`y`_ and **`z`**",
        "line one `code\nacross lines` end\nnext `line`",
        "```\n`one` ``two``",
        "`a` trailing`",
        "see [the docs](/docs/) and [this](a_b.md#c), *[em](x)*",
        "`code [not](a link)` and [a link](`b`) then `c`",
        "`a [b](c`d) e`",
        "[one](a)[two](b)(c) and [empty]() and [h](hh)",
        "[x](y) & [AT&T](z)",
        "see [`code`](/x/) and ![alt `c` d](i.png) and [a `]` b](c)!",
        "[`a](b) c`](d) and !![e](f)",
        "`x!`[a](b) and [one ``two`` `three`](four) and [a`b](c) `d`",
        "see [the post](https://blog.example/a_b?c=1&d=2#e) and `http://not.a/link`",
        "![h](http://x/y.png) [`https://in.code`](https://z/) htt[p](q)",
        # references: full, collapsed, shortcut, by code, an image; unresolved ones are text
        definitions + "see [a], [b][a], [A][], [T] and [`c`] and ![alt][t]",
        definitions + "[nope] stays text, `code` and [nope `x`] and [a]: here",
        "[a] and [b] with no definitions at all, `c`",
        definitions + "[a]\n[t]",
        definitions + "![](/images/x.png) and [](y) and [][a] and [] and ![]",
        "[a recent blog\npost](x) and [two  \nlines](y)\n `z`  \n![alt\n \u00a0text](i)",
        "Thanks! [x!](y) and One `Error` Trait, [nope] ![nope] [`c`]",
        "[one \nspace](z) and [none\nat all](z)",
        # urls `escape_url` changes (or not): unsafe characters, entities, escapes
        "[a](/é|x^{y}'z\"w) [b](/a&amp;b?c=1&d) [c](%20d) [d](a-b_c.d~e:f/g?h#i@j!$()*+,;=%)",
        "[plain words](x) and [ok!](v) and [e](/a|b) and [f](/a'b)",
        "[with & amp](y)",
        "[AT&amp;T](y)",
        "[under_score](z)",
        "[star*](w)",
        # what mistune reads as HTML, autolinks, strikethrough or escapes is code in a code span
        "`Box<V>` and `a~~b~~c` and `src\\main.rs` then [x `<y>`](z) and `<https://a.b>`",
        "`a\\` b and ``c\\`` and `~~` and `<` done",
        "Read `Vec<T>`\nand [`~/.ssh`](x) or `\\`.",
        # autolinks: the url as mistune escapes it, beside code and links
        "See <https://a.b/c?d=1&e=2> and <http://x.y/é%20z>, `<code>` [l](m) <ftp://f>",
        "*<https://em.x>* then <irc:x> and <a+b.c-d:x[y](z)> and `a <https://in.code` b>",
        # footnote references, numbered in order of first reference; unknown ones are text
        notes + "a[^n] and `c`[^m] and [^n] again, [^x] unknown, [a](b)[^m] `[^x]`",
        notes + "[^m](y) and *[^n]* and [^N]\n[^m]",
        notes + "[^n] [^m] [^n] [ok](o)",
        # bare URLs, as mistune's url plugin links them; "http" alone is text
        "See https://a.b/c?d=1&e=2, then http://x.y/é_z. And httpd, `https://in.code` [l](m)",
        "*https://em.x/y*, (https://p.q/r) and https://u.v/w_(x) `c` https://s.t/`u`v",
        'Ends with https://a.b/c. And https://d.e/f; https://g.h"i" https://j.k/l\' x',
        "A http://x.y/a*b*c and xhttps://z.w/q and HTTP://no.pe and https://x.y/a>b",
    ]
    for path in sorted(FIXTURES.parent.rglob("*.md")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        texts.extend(f"{text}\n\n\x00{paragraph}" for paragraph in text.split("\n\n"))
    md = _markdown()
    stock = mistune.Markdown(renderer=None, plugins=[import_plugin(name) for name in _PLUGINS])
    checked = links = references = exactly = places = notes = 0
    for text in texts:
        context, _, paragraph = text.rpartition("\n\n")
        _, state = stock.parse(context)  # for the definitions
        source = paragraph.strip(" \r\n\t\f\x00")
        env = copy.deepcopy(state.env)
        ours = _simple_inline(source, env)
        if ours is None:
            continue
        checked += 1
        links += sum(token["type"] in ("link", "image") for token in ours)
        references += sum("label" in token for token in ours)
        notes += sum(token["type"] == "footnote_ref" for token in ours)
        mistunes = copy.deepcopy(state.env)
        theirs = md.inline(source, mistunes)
        assert _read_tokens(ours) == _read_tokens(theirs), text
        # footnotes numbered as mistune numbers them
        assert env.get("footnotes") == mistunes.get("footnotes"), text
        assert all(token["type"] in _READ for token in ours), text
        places += _check_places(ours, source)
        exact = _simple_inline(source, copy.deepcopy(state.env), exact=True)
        if exact is not None:  # every token mistune's, text and line breaks included
            exactly += 1
            assert _unplaced(exact) == theirs, text
            places += _check_places(exact, source)
    assert checked > 50
    assert links > 25
    assert references >= 6
    assert exactly > 30
    assert places > 300
    assert notes >= 6


def test_text_with_other_inline_syntax_is_left_to_mistune() -> None:
    from copydesk.parse import _simple_inline

    assert _simple_inline("use `x` and [y](z) here", {}) is not None
    # brackets no definition resolves are text, around what they hold
    assert _simple_inline("`x` and [y `z`]", {}, exact=True) == [
        {"type": "codespan", "raw": "x", "_at": (0, 3)},
        {"type": "text", "raw": " and [y ", "_at": (3, 11)},
        {"type": "codespan", "raw": "z", "_at": (11, 14)},
        {"type": "text", "raw": "]", "_at": (14, 15)},
    ]
    # for a walk that reads no text, the text is left out
    assert _simple_inline("`x` and [y `z`]", {}) == [
        {"type": "codespan", "raw": "x", "_at": (0, 3)},
        {"type": "codespan", "raw": "z", "_at": (11, 14)},
    ]
    for text in (
        "[y][z]",
        "[*y*](z)",  # link text with more than text in it
        "[y](z 'title')",
        "[y](<z>)",
        "![*y*](z)",
        "[y][]",
        "[a &amp; b](c)",  # an entity: mistune does not join text across it
        "![^1]",
        "[a [^1]](b)",
        "[^1 2]",
        "a ] b",
        "`x` \\` y",
        "`x` <b>",
        "`x` ~~y~~",
        "`x` \\_y_",
        "[a <b>](c) `d`",
        "[a ~~b~~](c) `d`",
        "`a` [b\\]](c)",
        "`unclosed <b>",
        "<b>bold</b> `x`",
        "<me@example.com> `x`",
        "[a <https://b.c>](d) `e`",
        "`x` <https://a.b",
        "`x` <x:y>",
        "[see https://a.b](c)",
        "https://a.b/c]d `e`",
        "https://a.b/[c] `d`",
    ):
        assert _simple_inline(text, {}) is None, text


def test_code_spans_found_by_the_scan_have_mistunes_positions() -> None:
    text = (
        "Para with `one` and ``t`wo`` and ``unclosed\nsecond *`line`* end.\n\n"
        "| a | `b` |\n|---|---|\n| `c` | d |\n"
    )
    wanted = parse_document(parse_text(text).document, frozenset({"codespan"}))
    every = parse_text(text)
    spans = [
        (n.line, n.column, n.end_line, n.end_column, n.attrs["code"])
        for n in every.of_type("codespan")
    ]
    assert [
        (n.line, n.column, n.end_line, n.end_column, n.attrs["code"])
        for n in wanted.of_type("codespan")
    ] == spans
    assert spans == [
        (1, 11, 1, 16, "one"),
        (1, 21, 1, 29, "t`wo"),
        (2, 9, 2, 15, "line"),
        (4, 7, 4, 10, "b"),
        (6, 3, 6, 6, "c"),
    ]
    assert wanted.prose == every.prose


def test_links_found_by_the_scan_are_mistunes() -> None:
    text = (
        "See [the docs](/docs/a_b.md#x) and `code [no](link)`,\n*[em](e)* ![`i` x](j.png)\n\n"
        "| a | [b](c) |\n|---|---|\n| `c` | [d](%20e) |\n\n"
        "[ref] and [r][ref] and [none]\n\n[ref]: /r 'T'\n"
    )

    def links(parsed: ParsedFile) -> list[object]:
        return [
            (
                n.line,
                n.column,
                n.end_line,
                n.end_column,
                n.attrs,
                [(c.type, c.line, c.column, c.attrs) for c in n.children],
            )
            for n in parsed.of_type("link", "image")
        ]

    wanted = parse_document(parse_text(text).document, frozenset({"codespan", "paragraph"}))
    every = parse_text(text)
    assert links(wanted) == links(every)
    assert [(n.line, n.column, n.attrs["url"]) for n in wanted.of_type("link", "image")] == [
        (1, 5, "/docs/a_b.md#x"),
        (2, 2, "e"),
        (2, 11, "j.png"),
        (4, 7, "c"),
        (6, 9, "%20e"),
        (8, 1, "/r"),
        (8, 11, "/r"),
    ]
    assert [n.attrs.get("label") for n in wanted.of_type("link")][-2:] == ["ref", "ref"]
    assert wanted.definitions["REF"].used
    assert wanted.prose == every.prose


def test_plain_text_is_one_text_token_as_mistune_makes_it() -> None:
    """Text with nothing that can start an inline token (a heading's, usually)
    is not handed to mistune: on every fixture line where that holds, mistune
    would have made one text token of it."""
    from copydesk.parse import _NOT_PLAIN, _markdown

    inline = _markdown().inline
    # a character mistune starts a token at, and _NOT_PLAIN lets through, must
    # be one that cannot start anything alone
    assert {c for c in inline._get_fast_trigger_chars() if not _NOT_PLAIN.search(c)} <= {"!", "h"}
    lines = ["Hello, world!", "The hash # here", "", "a & b", "Why h?", "x  y"]
    for path in sorted(FIXTURES.parent.rglob("*.md")):
        lines.extend(path.read_bytes().decode("utf-8", errors="replace").split("\n"))
    checked = 0
    for line in lines:
        source = line.strip(" \r\n\t\f")
        if _NOT_PLAIN.search(source) is None and "http" not in source:
            checked += 1
            assert inline(source, {}) == [{"type": "text", "raw": source}], line
    assert checked > 500
    assert _NOT_PLAIN.search("AT&T") and _NOT_PLAIN.search("snake_case")


def _dump(parsed: ParsedFile) -> list[object]:
    """Every node, its parent and the file's definitions and prose: all a parse gives."""
    nodes: list[object] = [
        (node.type, node.line, node.column, node.end_line, node.end_column, node.attrs)
        + ((node.parent.type, node.parent.line, node.parent.column) if node.parent else ())
        for node in parsed.walk()
    ]
    used = sorted((key, d.url, d.used) for key, d in parsed.definitions.items())
    return [*nodes, used, parsed.prose]


def test_nodes_placed_from_the_scan_are_the_walks_over_mistunes_tokens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A block the scan reads (`_simple_inline`) gets its nodes from the places
    the scan noted, its text not walked again (`_Inline.place_scanned`): on
    every fixture and the tricky texts below, with text unwanted, every node
    must be the one the walk over mistune's own tokens builds."""
    from copydesk import parse

    texts = [
        "a `b` c [d](e) ``f`g`` ![h `i` j](k.png) [l\nm](n) [o  \np](q)\n",
        "  lead `x` and [y](z)\n\n| `a` | [b](c) |\n|---|---|\n| d [e](f) | `g` |\n",
        "<https://a.b/c&d> and `e` <mailto:x@y> {{< s >}}\n\n| <https://{{ u }}/x> | y |\n|-|-|\n",
        "[ref] and [r][ref] and [ref][] and [none `c`]\n\n[ref]: /r 'T'\n",
        "- item `a`\n  [b](c)\n\n> quote [d](e) `f`\n> more\n",
        "{{< x >}} `a {{ b }}` [c {{ d }}](e{{ f }}) [{{ g }}]({{ h }}/i)\n",
        "![alt\n \u00a0text](i) and [one \nspace](z) and `x``y` ``z``\n",
    ]
    for path in sorted(FIXTURES.parent.rglob("*.md")):
        texts.append(path.read_bytes().decode("utf-8", errors="replace"))
    texts.append("A[^n] `c`[^m] [^x] [^n]\n\n[^n]: a note, [l](m)[^m]\n[^m]: other `x`\n")
    want = frozenset(
        {"paragraph", "codespan", "link", "image", "inline_html", "list_item", "footnote_ref"}
    )
    placed: list[int] = []
    place_scanned = parse._Inline.place_scanned

    def counted(inline: Any, tokens: Any, parent: Node) -> None:
        placed.append(len(tokens))
        place_scanned(inline, tokens, parent)

    monkeypatch.setattr(parse._Inline, "place_scanned", counted)
    scanned = [parse_document(parse_text(text).document, want) for text in texts]
    assert len(placed) > 90 and sum(placed) > 120
    monkeypatch.setattr(parse, "_simple_inline", lambda *args: None)
    for text, ours in zip(texts, scanned, strict=True):
        walked = parse_document(parse_text(text).document, want)
        assert _dump(ours) == _dump(walked), text


def test_a_code_span_ends_at_a_run_of_as_many_backticks() -> None:
    """`` ``a```b`` ``: the longer run inside is code, not the span's end, whether
    mistune's tokens are walked (the emphasis, the heading) or the scan's placed."""
    text = "*x* ``a```b`` y\n\n# ``c```d`` e\n\nplain ``f```g`` z\n"
    for parsed in (
        parse_text(text),
        parse_document(parse_text(text).document, frozenset({"codespan"})),
    ):
        assert [
            (n.attrs["raw"], n.attrs["code"], n.column) for n in parsed.of_type("codespan")
        ] == [
            ("``a```b``", "a```b", 5),
            ("``c```d``", "c```d", 3),
            ("``f```g``", "f```g", 7),
        ]
