"""Content rules (CD4xx): what a reader sees in the body.

Mojibake and heading structure are judged outside code and templating. Liquid
and Hugo shortcode balance is judged on the whole body, code included,
because both generators expand templating inside code blocks too — that is
why `{% raw %}` and `{{</* */>}}` exist. Platform boilerplate and house style
are declarative packs (rules/boilerplate.yml, rules/house-style.yml).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from copydesk.findings import Fix, Replacement
from copydesk.lazyre import lazy_compile
from copydesk.mojibake import has_mojibake, mojibake_pattern
from copydesk.rules._nodes import SITE_OPTIONS, code_map, project
from copydesk.rules.base import Context, Rule, Violation

if TYPE_CHECKING:
    from copydesk.findings import Severity
    from copydesk.parse import Node, ParsedFile


# --- positions outside code ------------------------------------------------------


def body_position(ctx: Context, offset: int) -> tuple[int, int]:
    """File (line, column) of an offset into the body."""
    document = ctx.parsed.document
    return ctx.parsed.position(len(document.text) - len(document.body) + offset)


# --- rules ------------------------------------------------------------------------


class Mojibake(Rule):
    """Text shows UTF-8 read as cp1252/Latin-1: `â€™`, `Ã©`, `Â `.

    What it does: finds the byte patterns UTF-8 leaves when it was decoded as
    Windows-1252 or Latin-1 somewhere along the way, in front matter and body,
    outside code and templating, and names the character it most likely was.
    Why is this bad? Readers see garbage where quotes, dashes and accents
    should be; it usually means one export step used the wrong encoding.
    `copydesk migrate` repairs it.
    Example:
        It doesnâ€™t work in CafÃ© mode.
    Use instead:
        It doesn’t work in Café mode.
    Fix: each run of mojibake is replaced by the characters its bytes spell in
    UTF-8, when they do (what was there is recorded).
    """

    code: ClassVar[str] = "CD401"
    fixable: ClassVar[bool | str] = "safe"
    # Where code is, to skip it: read only in a file with mojibake (`may_find`).
    needs: ClassVar[tuple[str, ...] | None] = ()
    needs_if_found: ClassVar[tuple[str, ...]] = ("block_code", "codespan")
    name: ClassVar[str] = "mojibake"
    summary: ClassVar[str] = "text looks double-encoded (mojibake)"
    severity: ClassVar[Severity] = "warning"

    def may_find(self, text: str) -> bool:
        return _has_mojibake(text)

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        text = ctx.parsed.document.text
        if not _has_mojibake(text):
            return
        code = code_map(ctx.parsed)
        lines = text.split("\n")
        pattern = mojibake_pattern()
        for number, text in enumerate(lines, start=1):
            for match in pattern.finditer(text):
                column = match.start() + 1
                if code.covers(number, column) or ctx.parsed.in_templating(number, column):
                    continue
                found = match.group(0)
                repaired = undo_mojibake(found)
                fix = None
                if repaired is not None:
                    edit = Replacement(number, column, number, match.end() + 1, repaired)
                    fix = Fix((edit,), replaces=_with_word(text, match.start(), match.end()))
                yield Violation(number, column, _mojibake_message(found, repaired), fix=fix)


# The last text `_has_mojibake` was asked about, and its answer.
_LAST_ASKED: list[tuple[str, bool]] = [("", False)]


def _has_mojibake(text: str) -> bool:
    """`has_mojibake`, once per file: the engine asks CD401's `may_find` before
    the parse and again after, and its check asks last."""
    last, found = _LAST_ASKED[0]
    if last is not text:
        found = has_mojibake(text)
        _LAST_ASKED[0] = (text, found)
    return found


_WORD_BEFORE = lazy_compile(r"\w*\Z")
_WORD_AFTER = lazy_compile(r"\w*")


def _with_word(line: str, start: int, end: int) -> str:
    """The mojibake with the rest of the words it sits in (`CafÃ©` for `Ã©`): the
    words the repair replaces, as the loss check counts them."""
    before = _WORD_BEFORE.search(line, 0, start)
    after = _WORD_AFTER.match(line, end)
    first = before.start() if before else start
    last = after.end() if after else end
    return line[first:last]


def undo_mojibake(found: str) -> str | None:
    """The characters whose UTF-8 bytes a cp1252 (else Latin-1) reader showed as
    `found`; None when those bytes are not UTF-8."""
    try:
        data = b"".join(_byte(char) for char in found)
        return data.decode("utf-8")
    except UnicodeError:
        return None


def _byte(char: str) -> bytes:
    try:
        return char.encode("cp1252")
    except UnicodeEncodeError:
        return char.encode("latin-1")


def _mojibake_message(found: str, repaired: str | None) -> str:
    if repaired is None:
        return f"mojibake '{found}' (text decoded with the wrong encoding)"
    return f"mojibake '{found}' (probably '{repaired}')"


def headings(parsed: ParsedFile) -> list[Node]:
    return sorted(parsed.of_type("heading"), key=lambda node: (node.line, node.column))


def level(node: Node) -> int:
    return int(node.attrs.get("level") or 0)


class HeadingLevelJump(Rule):
    """A heading skips a level (`##` followed by `####`).

    What it does: reports a heading more than one level deeper than the
    heading before it.
    Why is this bad? Screen readers and tables of contents use the levels as
    an outline; a skipped level is a hole in it, and often a styling hack.
    Example:
        ## Setup
        #### Install
    Use instead:
        ## Setup
        ### Install
    """

    code: ClassVar[str] = "CD402"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "heading-level-jump"
    summary: ClassVar[str] = "heading skips a level"
    severity: ClassVar[Severity] = "warning"
    # Style, not an error: opt-in (issue 16, docs/precision.md).
    default: ClassVar[bool] = False

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        previous = 0
        for node in headings(ctx.parsed):
            current = level(node)
            if previous and current > previous + 1:
                yield self.at(node, f"heading jumps from h{previous} to h{current}")
            previous = current


class MultipleH1(Rule):
    """The body has more than one level-1 heading.

    What it does: reports every H1 after the first one in the body.
    Why is this bad? A page has one H1, its title; themes render the front
    matter title as that H1, so body sections should start at `##`.
    Example:
        # Part one
        # Part two
    Use instead:
        ## Part one
        ## Part two
    """

    code: ClassVar[str] = "CD403"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "multiple-h1"
    summary: ClassVar[str] = "more than one H1 in the body"
    severity: ClassVar[Severity] = "warning"
    # Style, not an error: opt-in (issue 16, docs/precision.md).
    default: ClassVar[bool] = False

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        first: Node | None = None
        for node in headings(ctx.parsed):
            if level(node) != 1:
                continue
            if first is None:
                first = node
            else:
                yield self.at(node, f"another H1 (the first is on line {first.line})")


_LIQUID_TAG = lazy_compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.DOTALL)
LIQUID_BLOCKS = (
    "if",
    "unless",
    "case",
    "for",
    "tablerow",
    "capture",
    "comment",
    "raw",
    "highlight",
)
_OPAQUE = ("raw", "comment")  # their content is not parsed as Liquid
# Nunjucks/Jinja tags that are a block only without `=` (Eleventy sites use Nunjucks too)
_ASSIGNING = ("set",)


class Tag(NamedTuple):
    """An opening or closing template tag at a body offset. (A NamedTuple, not a
    dataclass: making a dataclass costs ~0.3 ms at every import.)"""

    name: str
    closing: bool
    offset: int
    text: str


def liquid_tags(body: str) -> Iterator[Tag]:
    """Liquid tags in order; the content of `raw` and `comment` is skipped, as Liquid does."""
    position = 0
    while match := _LIQUID_TAG.search(body, position):
        name = match.group(1)
        closing = name.startswith("end")
        position = match.end()
        if name in _ASSIGNING and "=" in match.group(2):
            continue  # `{% set x = 1 %}` assigns; only `{% set x %}…{% endset %}` is a block
        yield Tag(name[3:] if closing else name, closing, match.start(), f"{{% {name} %}}")
        if name in _OPAQUE:
            end = re.compile(rf"\{{%-?\s*end{name}\s*-?%\}}").search(body, position)
            if end is None:
                return
            yield Tag(name, True, end.start(), f"{{% end{name} %}}")
            position = end.end()


def unbalanced(tags: list[Tag], blocks: set[str], closer: str) -> Iterator[tuple[Tag, str]]:
    """(tag, message) for every block tag without its partner, innermost first."""
    stack: list[Tag] = []
    for tag in tags:
        if tag.name not in blocks:
            continue
        if not tag.closing:
            stack.append(tag)
            continue
        names = [open_tag.name for open_tag in stack]
        if tag.name not in names:
            yield tag, f"'{tag.text}' has no opening '{tag.text.replace(closer, '', 1)}'"
            continue
        while stack[-1].name != tag.name:
            yield _unclosed(stack.pop(), closer)
        stack.pop()
    while stack:
        yield _unclosed(stack.pop(), closer)


def _unclosed(tag: Tag, closer: str) -> tuple[Tag, str]:
    return tag, f"'{tag.text}' is never closed"


class UnbalancedLiquid(Rule):
    """A Liquid block tag is not closed, or a closing tag has no opening.

    What it does: pairs `{% if %}`/`{% endif %}`, `for`, `unless`, `case`,
    `capture`, `comment`, `raw`, `highlight` and any tag whose `end…` form
    appears in the post (plus the `liquid-block-tags` option), code included —
    Jekyll expands Liquid inside code blocks too. Tags inside `{% raw %}`
    and `{% comment %}` do not count, as in Liquid. Sites whose generator
    runs no Liquid (Hugo, MkDocs, Docusaurus) are not checked.
    Why is this bad? Jekyll stops the build with "Liquid syntax error", or
    swallows the rest of the post into the open block.
    Example:
        {% if page.comments %}
        Comments are open.
    Use instead:
        {% if page.comments %}
        Comments are open.
        {% endif %}
    """

    code: ClassVar[str] = "CD404"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "unbalanced-liquid"
    summary: ClassVar[str] = "Liquid block tag without its partner"
    severity: ClassVar[Severity] = "error"
    options: ClassVar[Mapping[str, Any]] = {**SITE_OPTIONS, "liquid-block-tags": []}

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        if "{%" not in ctx.parsed.document.body or project(ctx).generator.templating == "":
            return  # Hugo, MkDocs and Docusaurus never run Liquid: `{% %}` there is text
        tags = list(liquid_tags(ctx.parsed.document.body))
        blocks = {*LIQUID_BLOCKS, *ctx.settings["liquid-block-tags"]}
        blocks |= {tag.name for tag in tags if tag.closing}
        for tag, message in unbalanced(tags, blocks, "end"):
            yield Violation(*body_position(ctx, tag.offset), message)


_SHORTCODE = lazy_compile(r"\{\{<(.*?)>\}\}|\{\{%(.*?)%\}\}", re.DOTALL)


def shortcode_tags(body: str) -> Iterator[Tag]:
    """Hugo shortcodes in order, with self-closing ones and `{{</* */>}}` left out."""
    for match in _SHORTCODE.finditer(body):
        inner = (match.group(1) if match.group(1) is not None else match.group(2)).strip()
        delimiter = "<" if match.group(1) is not None else "%"
        if inner.startswith("/*") or inner.endswith("/") or not inner.strip("/"):
            continue  # an escaped (commented) shortcode, or self-closing
        closing = inner.startswith("/")
        name = inner.lstrip("/").split()[0]
        text = f"{{{{{delimiter} {'/' if closing else ''}{name} {_mirror(delimiter)}}}}}"
        yield Tag(name, closing, match.start(), text)


def _mirror(delimiter: str) -> str:
    return ">" if delimiter == "<" else "%"


class UnbalancedShortcode(Rule):
    """A paired Hugo shortcode is not closed, or a closing one has no opening.

    What it does: pairs `{{< name >}}` with `{{< /name >}}` (and the `{{% %}}`
    forms) for every shortcode name that appears in a closing form somewhere
    in the post, plus the names in the `paired-shortcodes` option. Self-closing
    `{{< name />}}` and escaped `{{</* name */>}}` do not count; shortcodes
    that never close (`{{< ref >}}`) are not checked.
    Why is this bad? Hugo fails the build ("unclosed shortcode") or renders
    the rest of the post as the shortcode's inner content.
    Example:
        {{< notice warning >}}
        Back up first.
    Use instead:
        {{< notice warning >}}
        Back up first.
        {{< /notice >}}
    """

    code: ClassVar[str] = "CD405"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "unbalanced-shortcode"
    summary: ClassVar[str] = "paired Hugo shortcode without its partner"
    severity: ClassVar[Severity] = "error"
    options: ClassVar[Mapping[str, Any]] = {"paired-shortcodes": []}

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        if "{{" not in ctx.parsed.document.body:
            return  # every shortcode starts so (most posts outside Hugo hold none)
        tags = list(shortcode_tags(ctx.parsed.document.body))
        paired = {*ctx.settings["paired-shortcodes"], *(tag.name for tag in tags if tag.closing)}
        for tag, message in unbalanced(tags, paired, "/"):
            yield Violation(*body_position(ctx, tag.offset), message)
