"""Positioned parse: mistune 3's AST with a line and column on every node.

mistune gives tokens without positions, and lint must point at the exact spot
in the original file. Positions are recovered in two cheap steps instead of a
second parser:

* Blocks: a `BlockParser` subclass notes where each block token starts and
  ends in its parser state. Block quotes and list items are parsed from a
  rewritten copy of their lines (prefixes stripped), so every child state
  keeps, per line, the file row and the column its column 0 stands for. Only
  a prefix is ever removed, so aligning each child line on its right end with
  the parent line is exact for every character that is not leading space.
* Inlines: the tokens of one block are walked in order against that block's
  source text with a moving cursor; every character is accounted for, so each
  token's start and end fall out without searching the whole file.

Liquid and Hugo shortcodes are masked before mistune sees the text: each span
becomes a run of a private-use character of the same length (newlines kept),
which mistune reads as plain word characters. Nothing inside a template can
turn into a link, emphasis or HTML, while a link whose destination starts with
`{{ site.baseurl }}` is still a link; its `url` is restored from the original
(in a reference definition too). Block tags that hold code (`{% highlight %}`,
Hugo's `{{< highlight >}}`) are masked whole, content included, like code.

MkDocs admonitions, collapsible blocks and content tabs (`!!! note`, `??? tip`,
`=== "Tab"`, each followed by a body indented four spaces) are `admonition`
containers whose body is parsed as Markdown, not read as an indented code block.

Only what is read is built: `parse_document(document, want)` takes the node
types its caller reads; `want=None`, the default, builds every node. With a
`want`, `heading`, `link`, `image`, `liquid` and `shortcode` nodes are built
anyway, and a heading, link or image gets its whole inline subtree (their
text is read through their children). Any other type, block or inline, is
built only when named; an unbuilt node is transparent: the nodes inside it
hang from the nearest built ancestor (or the top level, `parent` None). When
no plain inline type (text, emphasis, strong, strikethrough) is wanted, a
block whose source holds no character that can start anything else is not
walked at all, and one where only code spans can start is scanned for them
without mistune, as is one whose only inline syntax is code spans and
plain inline links (`_simple_inline`). Positions, `prose`, `definitions` and `templating` do not
depend on `want`.

Bare URLs: the `url` plugin is on, so `https://…` in prose is a `link` node with
`attrs["bare"] = True` (and `<https://…>` has `attrs["autolink"] = True`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, MutableMapping
from functools import cache, cached_property, lru_cache
from itertools import accumulate, chain, pairwise
from pathlib import Path
from types import FunctionType
from typing import Any, TypeVar

import mistune
from mistune.block_parser import BlockParser, _is_plain_paragraph_start
from mistune.core import BlockState
from mistune.helpers import (
    MAX_LINK_LABEL_LENGTH,
    parse_link,
    parse_link_href,
    parse_link_label,
)
from mistune.inline_parser import InlineParser
from mistune.plugins import import_plugin
from mistune.plugins.footnotes import INLINE_FOOTNOTE, parse_footnote_item
from mistune.plugins.url import URL_LINK_PATTERN
from mistune.util import escape_url, unikey

from copydesk import fmcache
from copydesk.errors import CopydeskError, FrontMatterError
from copydesk.read import Document, document_from_bytes, read_document

FILL = "\ue000"
_PLUGINS = (
    "table",
    "mistune.plugins.table.table_in_quote",
    "mistune.plugins.table.table_in_list",
    "footnotes",
    "strikethrough",
    "url",
)
_STRIP = " \r\n\t\f"
_FILL_RUN = re.compile(FILL + "+")
_TEMPLATED_DEFINITION = r"(?m)^ {0,3}\[[^\]\n]*(?:\{\{|\{%)[^\]\n]*\]:"
_MASKED_URL = "%EE%80%80"  # FILL as mistune percent-escapes it in a resolved URL
# Block tags whose content is code or not Markdown at all: the whole block, content
# included, is one opaque span, as a fenced code block is (a `# comment` inside
# `{% highlight %}` is not a heading). Liquid: `raw`, `comment`, Jekyll's
# `highlight`, Octopress's `codeblock`; Hugo: the `highlight` shortcode and the
# `code`/`code-toggle` shortcodes themes and Hugo's own docs use for code.
_CODE_TAGS = r"raw|comment|highlight|codeblock"
_CODE_SHORTCODES = r"highlight|code-toggle|code"
_TEMPLATING = (
    r"(?s)"
    rf"(?P<raw>\{{%-?\s*(?P<tag>{_CODE_TAGS})\b[^%]*?%\}}.*?\{{%-?\s*end(?P=tag)\s*-?%\}})"
    # the opening ends at its own `>}}`, and a self-closing `{{< code-toggle … />}}` holds nothing
    rf"|(?P<code>\{{\{{([<%])\s*(?P<sc>{_CODE_SHORTCODES})\b(?:(?!\}}\}}).)*?(?<!/)[>%]\}}\}}"
    r".*?\{\{[<%]\s*/\s*(?P=sc)\s*[>%]\}\})"  # `{{< /x >}}` or `{{</ x >}}`
    r"|(?P<shortcode>\{\{<.*?>\}\}|\{\{%.*?%\}\})"
    r"|(?P<liquid>\{%.*?%\}|\{\{.*?\}\})"
)
_TEMPLATE_OPEN = r"\{[{%]"
# the rest of a `[label]:` line that is a plain url and nothing else, the next
# lines holding no title (see `_BlockParser.parse_ref_link`)
_PLAIN_DEFINITION = re.compile(
    r"[ \t]*([^\s<\\()\x00-\x1f\x7f][^\\()\x00-\x20\x7f]*)[ \t]*\n(?![ \t\n\r\f]*[\"'(])"
)
_INDENTS = (" ", "\t")
# the block rules whose regexes need white space, punctuation, a digit or (`nptable`)
# a `|` in the line before anything else, and that match no empty line but
# `blank_line`: with only these, `_PosBlockParser.parse` skips trying them there
_KNOWN_RULES = frozenset(
    {
        *("admonition", "fenced_code", "indent_code", "atx_heading", "setex_heading"),
        *("thematic_break", "block_quote", "list", "ref_footnote", "ref_link", "raw_html"),
        *("blank_line", "table", "nptable", "block_html"),
    }
)
# a line `str.strip` leaves empty: it ends a paragraph (see `_parse_plain_paragraph`)
_BLANK_LINE = re.compile(r"^[^\S\n]*(?:\n|\Z)", re.MULTILINE)
_LIST_MARKER = re.compile(r"[ \t]*(?:[*+-]|\d{1,9}[.)])")
_CONTAINERS = frozenset(
    {
        "block_quote",
        "admonition",
        "list",
        "list_item",
        "footnote_item",
        "table_head",
        "table_body",
        "table_row",
    }
)
_INLINE_PARENTS = frozenset({"paragraph", "block_text", "heading", "table_cell"})
_CHILD_PARENTS = frozenset({"block_quote", "admonition", "list"})
# Python-Markdown's admonitions and pymdownx's collapsible blocks and content tabs
# (MkDocs): a marker line, then a body indented by four spaces that is Markdown,
# not an indented code block. `=== "Tab"` needs its quote: a bare `===` line is a
# setext underline.
_ADMONITION = r"^ {0,3}(?:(?:!!!|\?\?\?\+?)[ \t]+[\w-]+|===\+?[ \t]+\")[^\n]*(?:\n|$)"
_ADMONITION_BODY = r"(?:[ \t]*\n)*(?:(?:    |\t)[^\n]*(?:\n|$)(?:[ \t]*\n)*)+"
_BODY_INDENT = r"(?m)^(?:    |\t)"
_OPAQUE_BLOCKS = frozenset({"block_code", "block_html"})
# built whatever `want` says: read by the builder itself and by every consumer
_ALWAYS_BUILT = frozenset({"heading", "link", "image", "liquid", "shortcode"})
_DELIMITED = {"emphasis": 1, "strong": 2, "strikethrough": 2}
# what a scanned link's text may hold for `_Inline.flat_link` (a line break spans lines)
_FLAT = frozenset({"text", "codespan"})
# inline types whose nodes need every block's inline tokens walked; the others
# can only start at one of the characters of _SPECIAL_INLINE
_PLAIN_INLINE = frozenset({"text", "emphasis", "strong", "strikethrough"})
_BACKTICKS = re.compile("`*")
_SPECIAL_INLINE = re.compile(r"[`<\[]")  # and "http" for bare URLs, found by str.find
# see `_simple_inline`: what it leaves to mistune outside code spans (with "[^",
# "http", and a "<" that opens no autolink), where its scan stops, the autolinks
# and destinations it reads, and the link text it leaves
_NOT_SIMPLE = re.compile(r"[~\\]")
_SIMPLE_STOP = re.compile(r"[`\[\]<]")
_INLINE_FOOTNOTE = re.compile(INLINE_FOOTNOTE)
_BARE_URL = re.compile(URL_LINK_PATTERN)
_BRACKET = frozenset("[]")
_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\x00-\x20]*>")  # mistune's
_SIMPLE_URL = re.compile(r"\(([^\s()<\\\x00-\x1f\x7f]*)\)")
# link text `_simple_run` makes one text token of (up to its `]`), and a url that
# `escape_url` leaves as it is (no entity, nothing `quote` would encode)
_PLAIN_LABEL = re.compile(r"[^`\[\]\n*_&<~\\]*\]")
_SAFE_URL = re.compile(r"[A-Za-z0-9_.~:/?#@!$()*+,;=%-]*")
# text that may not be one text token in mistune's hands once line breaks are split
# off: a `*`, a `_` that is not alone between two letters or digits (one inside a
# word, as in `snake_case`, neither opens nor closes emphasis), and a `&` that is
# not followed by white space (it may start an entity)
_NOT_EXACT_TEXT = re.compile(r"\*|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|&(?![ \t\n])")
_LINE_BREAK = re.compile(r"( *)\n\s*")
# Every character that can start an inline token but `!` (an image needs a `[`) and
# `h` (a bare URL needs "http"), and `&` (mistune does not join text runs across
# what may be an entity): text without them is one text token, a heading's usually.
_NOT_PLAIN = re.compile(r"[\\\]*<`_\[~\n&]")
# `(url)` with nothing mistune would have to unescape, nest or split off as a title
_SIMPLE_DESTINATION = re.compile(r"\([^\s()<\\\x00-\x1f\x7f]*\)")


def _plain_line(src: str, pos: int) -> bool:
    """Whether the line at `pos` starts a plain paragraph (a letter or the like,
    see mistune's `_is_plain_paragraph_start`) and holds no `|`."""
    if not _is_plain_paragraph_start(src, pos):
        return False
    end = src.find("\n", pos)
    return src.find("|", pos, len(src) if end < 0 else end) < 0


@cache
def _regex_flags(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled the first time it is used. For the regexes a run may
    never need (key positions, admonitions, templates, templated definitions):
    compiled in the module body, they cost every start-up, even `lint` of one
    post that has none of them."""
    return re.compile(pattern)


def normalize_label(label: str) -> str:
    """The key mistune files a reference label under: `[Foo  Bar]` -> `FOO BAR`."""
    return str(unikey(label))


T = TypeVar("T")


# Node, RefDefinition, ParsedFile and _Frame are plain classes, not dataclasses:
# making a dataclass costs ~0.3 ms at import, and every run that lints a file
# imports this module.


class Node:
    """One mistune token with its span in the original file (1-based, end exclusive)."""

    __slots__ = ("attrs", "children", "column", "end_column", "end_line", "line", "parent", "type")

    def __init__(
        self,
        type: str,
        line: int,
        column: int,
        end_line: int,
        end_column: int,
        attrs: dict[str, Any] | None = None,
        children: list[Node] | None = None,
        parent: Node | None = None,
    ) -> None:
        self.type = type
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.attrs: dict[str, Any] = {} if attrs is None else attrs
        self.children: list[Node] = [] if children is None else children
        self.parent = parent

    def __repr__(self) -> str:
        where = f"{self.line}, {self.column}, {self.end_line}, {self.end_column}"
        return f"Node({self.type!r}, {where}, attrs={self.attrs!r}, children={self.children!r})"


class RefDefinition:
    """A `[label]: url "title"` line; `used` is set when a link or image refers to it."""

    __slots__ = ("column", "label", "line", "title", "url", "used")

    def __init__(
        self, label: str, url: str, title: str | None, line: int, column: int, used: bool = False
    ) -> None:
        self.label = label
        self.url = url
        self.title = title
        self.line = line
        self.column = column
        self.used = used

    def _fields(self) -> tuple[Any, ...]:
        return (self.label, self.url, self.title, self.line, self.column, self.used)

    def __eq__(self, other: object) -> bool:
        if type(other) is not RefDefinition:
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable (`used`), as a dataclass's

    def __repr__(self) -> str:
        label, url, title, line, column, used = self._fields()
        return (
            f"RefDefinition(label={label!r}, url={url!r}, title={title!r}, "
            f"line={line!r}, column={column!r}, used={used!r})"
        )


class ParsedFile:
    """Everything a lint rule reads about one file."""

    def __init__(
        self,
        path: Path,
        document: Document,
        front_matter: dict[str, Any] | None,
        front_matter_error: CopydeskError | None,
        _keys: dict[str, tuple[int, int]] | None,
        blocks: list[Node],
        definitions: dict[str, RefDefinition],
        templating: list[tuple[int, int]],
        _index: dict[str, tuple[Node, ...]] | None = None,
        _merged: dict[tuple[str, ...], tuple[Node, ...]] | None = None,
        _lines: list[str] | None = None,
        _line_starts: list[int] | None = None,
        _opaque: list[tuple[int, int]] | None = None,
        _memo: dict[str, Any] | None = None,
    ) -> None:
        self.path = path
        self.document = document
        self.front_matter = front_matter
        self.front_matter_error = front_matter_error
        # None until `keys` is first read (most files never are)
        self._keys = _keys
        self.blocks = blocks
        self.definitions = definitions
        self.templating = templating
        self._index = _index
        # `of_type` of several types, by the types asked for.
        self._merged: dict[tuple[str, ...], tuple[Node, ...]] = {} if _merged is None else _merged
        self._lines = _lines
        self._line_starts = _line_starts
        # file offsets [start, end) of everything that is not prose; None: body not parsed
        self._opaque = _opaque
        self._memo: dict[str, Any] = {} if _memo is None else _memo

    def __repr__(self) -> str:
        return f"ParsedFile(path={self.path!r}, front_matter={self.front_matter!r})"

    def defines_by_template(self) -> bool:
        """Whether a template writes a definition's label (`[#{{ n }}]: …` inside a
        `{% for %}`): then any label may be defined once the site is built."""
        if any(FILL in label for label in self.definitions):
            return True
        # Inside a Liquid loop the definition follows a tag line that Markdown never
        # sees (Liquid runs first), so the parser read it as paragraph text.
        body = self.document.body
        return "]:" in body and _regex(_TEMPLATED_DEFINITION).search(body) is not None

    @property
    def keys(self) -> dict[str, tuple[int, int]]:
        """(line, column) of each front matter key (`front_matter_keys`), scanned
        the first time a rule asks: only a finding at a key reads them."""
        if self._keys is None:
            document = self.document
            self._keys = front_matter_keys(document.front_matter or "", document.front_matter_kind)
        return self._keys

    @property
    def body_parsed(self) -> bool:
        """False for a file read for its front matter alone (a context file of
        `lint --changed-since`, see `engine.parse_front_matter`): no nodes, no ids."""
        return self._opaque is not None

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """`build()` once per file: derived data several rules read (lowered text,
        where code is), kept with the file rather than in module globals."""
        try:
            value: T = self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
        return value

    def walk(self) -> Iterator[Node]:
        """Every node in document order, parents before their children."""
        stack = self.blocks[::-1]
        pop, extend = stack.pop, stack.extend
        while stack:
            node = pop()
            yield node
            if node.children:  # most nodes (text) have none
                extend(node.children[::-1])

    def of_type(self, *types: str) -> tuple[Node, ...]:
        """Nodes of the given types in document order, from an index built once.

        A tuple, shared by every caller: the engine asks once per targeted type
        and file, and a copy per call cost more than the lookup."""
        index = self._index
        if index is None:
            index = self._index = self._build_index()
        if len(types) == 1:
            return index.get(types[0], ())
        found = [index[name] for name in dict.fromkeys(types) if name in index]
        if len(found) <= 1:
            return found[0] if found else ()
        merged = self._merged.get(types)
        if merged is None:  # asked again for each match of a pack rule's fix
            wanted = set(types)
            merged = self._merged[types] = tuple(n for n in self.walk() if n.type in wanted)
        return merged

    def _build_index(self) -> dict[str, tuple[Node, ...]]:
        """Every node by type, each type's in document order (a walk, inlined)."""
        index: dict[str, list[Node]] = {}
        stack = self.blocks[::-1]
        pop, extend = stack.pop, stack.extend
        while stack:
            node = pop()
            bucket = index.get(node.type)
            if bucket is None:
                index[node.type] = [node]
            else:
                bucket.append(node)
            if node.children:
                extend(node.children[::-1])
        return {name: tuple(nodes) for name, nodes in index.items()}

    def release(self) -> None:
        """Unlink each node from its parent (and the same in any parse kept in
        `memo`), once nothing will read the tree again.

        Why: `parent` makes every tree a web of reference cycles, which only
        Python's cyclic garbage collector can free; it would keep finding and
        traversing the trees of files already linted. Without the cycles,
        each tree is freed the moment its file is done. The type index, when
        built (the engine always builds it), holds every node: a loop over
        its lists is cheaper than a walk.
        """
        nodes = self.walk() if self._index is None else chain.from_iterable(self._index.values())
        for node in nodes:
            node.parent = None
        for value in self._memo.values():
            if isinstance(value, ParsedFile):
                value.release()

    def line_text(self, line: int) -> str:
        """Text of a 1-based line of the file, without its newline ('' out of range)."""
        if self._lines is None:
            self._lines = self.document.text.split("\n")
        return self._lines[line - 1] if 0 < line <= len(self._lines) else ""

    @cached_property
    def prose(self) -> str:
        """The file's text with everything that is not prose blanked out.

        Same length as `document.text` and equal to it, except that front
        matter, fenced and indented code blocks, code spans, raw HTML (block
        and inline), link and image destinations with their titles (the
        `(url "title")` part; the link text stays), angle autolinks
        `<http://…>`, reference definitions and Liquid/shortcode spans are
        replaced by spaces, newlines kept. A rule that looks for a pattern in
        what readers read (bare URLs, "(here)", mojibake, boilerplate) runs one
        regex over this string and maps each match with `position`, instead of
        visiting every text node. Bare URLs in prose are kept: they are prose.
        """
        text = self.document.text
        spans = self._opaque
        if spans is None:  # front matter only (context files): no body was parsed
            body_offset = len(text) - len(self.document.body)
            spans = [(0, body_offset), *self.templating]
        return _blank(text, spans)

    def prose_between(self, start: int, end: int) -> str:
        """`prose[start:end]`, without blanking the whole text when no rule has
        asked for `prose` yet: for a rule that reads a few lines of it (an
        attribute list's `{#id}`, see `site.ids`)."""
        if "prose" in self.__dict__:  # already made: slice it
            return self.prose[start:end]
        spans = self._opaque
        if spans is None:
            spans = [(0, len(self.document.text) - len(self.document.body)), *self.templating]
        inside = [(max(a, start), min(b, end)) for a, b in spans if a < end and b > start]
        return _blank(self.document.text[start:end], [(a - start, b - start) for a, b in inside])

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset into `document.text` (or `prose`)."""
        if self._line_starts is None:
            self._line_starts = _line_starts(self.document.text.split("\n"))
        row = bisect_right(self._line_starts, offset) - 1
        return row + 1, offset - self._line_starts[row] + 1

    def offset(self, line: int, column: int) -> int:
        """Character offset into `document.text` of a 1-based (line, column)."""
        if self._line_starts is None:
            self._line_starts = _line_starts(self.document.text.split("\n"))
        line = min(max(line, 1), len(self._line_starts))
        return min(self._line_starts[line - 1] + column - 1, len(self.document.text))

    def in_templating(self, line: int, column: int) -> bool:
        """Whether the character at (line, column) lies inside a Liquid tag or shortcode."""
        if not self.templating:
            return False
        if self._line_starts is None:
            self._line_starts = _line_starts(self.document.text.split("\n"))
        if not 0 < line <= len(self._line_starts):
            return False
        offset = self._line_starts[line - 1] + column - 1
        index = bisect_right(self.templating, (offset, len(self.document.text) + 1)) - 1
        return index >= 0 and self.templating[index][0] <= offset < self.templating[index][1]


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with every character in the given spans, except newlines, made a space."""
    parts: list[str] = []
    done = 0
    for start, end in sorted(spans):
        start = max(start, done)
        if end <= start:
            continue
        parts.append(text[done:start])
        if text.find("\n", start, end) < 0:  # most spans: a code span, a destination
            parts.append(" " * (end - start))
        else:
            parts.append("\n".join(" " * len(piece) for piece in text[start:end].split("\n")))
        done = end
    parts.append(text[done:])
    return "".join(parts)


def parse_file(path: Path, want: frozenset[str] | None = None) -> ParsedFile:
    """Read and parse one file; only an unreadable file raises (`ReadError`).

    `want`: the node types the caller reads (None: all), as in `parse_document`.
    """
    return parse_document(read_document(path), want)


def parse_text(text: str, path: Path = Path("<text>")) -> ParsedFile:
    """Parse text as if it were a file's content (tests, editors)."""
    return parse_document(document_from_bytes(path, text.encode("utf-8")))


def parse_document(document: Document, want: frozenset[str] | None = None) -> ParsedFile:
    """Front matter, keys, templating spans and the positioned block tree.

    `want` (None: everything) names the inline node types a caller will read;
    see the module docstring for what is built regardless.
    """
    front_matter, error = _front_matter(document)
    builder = _Builder(document, want)
    return ParsedFile(
        path=document.path,
        document=document,
        front_matter=front_matter,
        front_matter_error=error,
        _keys=None,
        blocks=builder.blocks,
        definitions=builder.definitions,
        templating=builder.spans,
        _line_starts=builder.line_starts,
        _opaque=builder.opaque,
    )


def _front_matter(document: Document) -> tuple[dict[str, Any] | None, CopydeskError | None]:
    """Broken or unsafe front matter is reported, never fatal: the body is still linted."""
    if document.front_matter is None or document.front_matter_kind is None:
        return None, None
    kept = fmcache.known(str(document.path), document.front_matter_kind, document.front_matter)
    if kept is not None:  # as the lint cache kept it: the same text loaded before
        return kept, None
    from copydesk.yamlio import load_front_matter  # here: a warm run may need no YAML

    try:
        data = load_front_matter(document.path, document.front_matter, document.front_matter_kind)
    except FrontMatterError as error:
        return None, error
    return data, None


# --- front matter keys -------------------------------------------------------------------

# compiled on first use (`_regex`): most runs never ask where a key is
_YAML_KEY = (
    r"""( *)("[^"\n]*"|'[^'\n]*'|[^\s#'"\-?:,\[\]{}][^:\n]*?|-[^\s:][^:\n]*?)[ \t]*:(?:[ \t]|$)"""
)
_YAML_PARENT = r"[ \t]*(?:&\S+[ \t]*)?(?:#.*)?$"
_TOML_TABLE = r"[ \t]*\[\[?[ \t]*([^\]]+?)[ \t]*\]\]?"
_TOML_KEY = r"""([ \t]*)("[^"\n]*"|'[^'\n]*'|[A-Za-z0-9_.-]+)[ \t]*="""


def front_matter_keys(
    text: str, kind: str | None, first_line: int = 2
) -> dict[str, tuple[int, int]]:
    """(line, column) of every mapping key, nested keys dotted (`image.src`).

    A line scan, not a YAML parse: it works on front matter that does not load,
    so a broken file still gets positions for the keys that are readable.
    """
    if kind == "toml":
        return _toml_keys(text, first_line)
    if kind == "yaml":
        return _yaml_keys(text, first_line)
    return {}


def _yaml_keys(text: str, first_line: int) -> dict[str, tuple[int, int]]:
    keys: dict[str, tuple[int, int]] = {}
    parents: list[tuple[int, str, int | None]] = []  # (indent, dotted key, child indent)
    skip_deeper_than: int | None = None
    key_re, parent_re = _regex(_YAML_KEY), _regex(_YAML_PARENT)
    for number, line in enumerate(text.split("\n"), start=first_line):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped or stripped.startswith("#"):
            continue
        if skip_deeper_than is not None and indent > skip_deeper_than:
            continue
        skip_deeper_than = None
        match = key_re.match(line)
        if match is None:
            skip_deeper_than = indent  # a sequence item or a scalar: its block is not keys
            continue
        while parents and parents[-1][0] >= indent:
            parents.pop()
        if parents:
            parent_indent, prefix, child_indent = parents[-1]
            if child_indent is None:
                parents[-1] = (parent_indent, prefix, indent)
            elif child_indent != indent:
                skip_deeper_than = indent
                continue
        elif indent:
            continue
        name = match.group(2).strip("'\"")
        dotted = f"{parents[-1][1]}.{name}" if parents else name
        keys.setdefault(dotted, (number, indent + 1))
        if parent_re.match(line, match.end()):
            parents.append((indent, dotted, None))
        else:
            skip_deeper_than = indent
    return keys


def _toml_keys(text: str, first_line: int) -> dict[str, tuple[int, int]]:
    keys: dict[str, tuple[int, int]] = {}
    table = ""
    table_re, key_re = _regex(_TOML_TABLE), _regex(_TOML_KEY)
    for number, line in enumerate(text.split("\n"), start=first_line):
        header = table_re.match(line)
        if header and "=" not in line.split("]")[0]:
            table = header.group(1).replace(" ", "")
            column = line.index(header.group(1)) + 1
            keys.setdefault(table, (number, column))
            continue
        match = key_re.match(line)
        if match:
            name = match.group(2).strip("'\"")
            dotted = f"{table}.{name}" if table else name
            keys.setdefault(dotted, (number, len(match.group(1)) + 1))
    return keys


# --- templating ----------------------------------------------------------------------------


def find_templating(text: str, start: int = 0) -> list[tuple[int, int, str]]:
    """(start, end, "liquid" | "shortcode") of each template span in text[start:].

    A tag never spans a blank line: an unclosed `{{` stays text instead of
    swallowing the paragraphs after it. Blocks that hold code (`{% raw %}`,
    `{% highlight %}`, `{{< highlight >}}`, see _CODE_TAGS) may.
    """
    if "{{" not in text and "{%" not in text:
        return []
    spans: list[tuple[int, int, str]] = []
    pos = start
    opener, templating = _regex(_TEMPLATE_OPEN), _regex(_TEMPLATING)
    while True:
        # every template opens with `{{` or `{%`: jump there (a C scan) and try the
        # alternatives only at that spot, the way `search` would, minus its slow scan
        opening = opener.search(text, pos)
        if opening is None:
            return spans
        match = templating.match(text, opening.start())
        if match is None:
            pos = opening.start() + 1
            continue
        block = match.group("raw") or match.group("code")
        if not block and "\n\n" in match.group(0):
            pos = match.start() + 2
            continue
        kind = "shortcode" if match.group("shortcode") or match.group("code") else "liquid"
        spans.append((match.start(), match.end(), kind))
        pos = match.end()


def _mask(text: str, spans: list[tuple[int, int, str]], offset: int) -> str:
    """Replace each span by filler of the same length, keeping its newlines."""
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for start, end, _ in spans:
        start, end = start - offset, end - offset
        parts.append(text[pos:start])
        parts.append("\n".join(FILL * len(piece) for piece in text[start:end].split("\n")))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _unmask(derived: str, masked: str, original: str) -> str:
    """Put the original template text back into a string mistune derived from masked text.

    Most derived strings (a fenced block's code, its info string, a code
    span's code) are a slice of the masked text, with no filler before it
    and none running on past its end: then each run in it is the masked run
    at the same place, and the answer is the same slice of the original."""
    if FILL not in derived:
        return derived
    at = masked.find(derived)
    if at >= 0 and masked.find(FILL, 0, at) < 0:
        stop = at + len(derived)
        if masked[stop : stop + 1] != FILL:
            return original[at:stop]
    return _unmask_runs(derived, masked, original)


def _unmask_runs(derived: str, masked: str, original: str) -> str:
    """`_unmask`, run by run: each run of filler in `derived` is the original
    text of the next run of the same width in `masked`."""
    out: list[str] = []
    done = 0
    runs = _FILL_RUN.finditer(masked)
    for run in _FILL_RUN.finditer(derived):
        width = run.end() - run.start()
        for source in runs:  # the next masked run of the same width
            if source.end() - source.start() == width:
                break
        else:
            return original
        out.append(derived[done : run.start()])
        out.append(original[source.start() : source.end()])
        done = run.end()
    out.append(derived[done:])
    return "".join(out)


# --- block positions -----------------------------------------------------------------------


def _line_starts(lines: list[str]) -> list[int]:
    # map/accumulate keep the per-line work in C: this runs for every list item and quote
    return list(accumulate(map(_PLUS_ONE, map(len, lines[:-1])), initial=0))


_PLUS_ONE = (1).__add__


class _Frame:
    """A block being parsed in a state: where child states it spawns begin."""

    __slots__ = ("kids", "kind", "last_cursor", "markers", "start")

    def __init__(self, kind: str | None, start: int) -> None:
        self.kind = kind
        self.start = start
        self.kids: list[_PosState] = []
        self.markers: list[int] = []
        self.last_cursor = 0


def _shift(parent_line: str, line: str) -> int:
    """Columns a child line starts right of its parent line, aligned on the right:
    only a prefix was removed, though trailing space may have been trimmed."""
    body = line.rstrip()
    delta = len(parent_line.rstrip()) - len(body) if body else len(parent_line) - len(line)
    return max(delta, 0)


class _PosState(BlockState):
    """A block state that knows, per line of its source, the file row and column."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.frames: list[_Frame] = []
        self.lines: list[str] = []
        self.starts: list[int] = [0]
        self.rows: list[int] = [0]
        self.cols: list[int] = [0]

    def map_root(self, first_row: int, added_newline: bool) -> None:
        """`added_newline`: the source ends in a newline the file does not have."""
        self.lines = self.src.split("\n")
        self.starts = _line_starts(self.lines)
        self.rows = list(range(first_row, first_row + len(self.lines)))
        self.cols = [0] * len(self.lines)
        if added_newline and len(self.lines) > 1:
            # the empty line after it is not in the file: map it to the file's end
            self.rows[-1] = self.rows[-2]
            self.cols[-1] = len(self.lines[-2])

    def locate(self, offset: int) -> tuple[int, int]:
        """0-based (row, column) in the file of an offset in this state's source."""
        k = bisect_right(self.starts, offset) - 1
        return self.rows[k], self.cols[k] + offset - self.starts[k]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def child_state(self, src: str, lazy_line_starts: set[int] | None = None) -> BlockState:
        child = super().child_state(src, lazy_line_starts)
        assert isinstance(child, _PosState)
        child.map_from(self, self._first_line_of_child())
        self.env.setdefault("_states", []).append(child)
        if self.frames:
            self.frames[-1].kids.append(child)
        return child

    def _first_line_of_child(self) -> int:
        """Which of this state's lines the next child state's first line comes from."""
        frame = self.frames[-1] if self.frames else None
        if frame is None:
            return self.line_of(self.cursor)
        if frame.kind != "list":
            return self.line_of(frame.start)
        marker = frame.start if not frame.kids else frame.last_cursor - 1
        frame.last_cursor = self.cursor
        line = self.line_of(marker)
        marker = self.starts[line]
        frame.markers.append(marker)
        text = self.lines[line]
        match = _LIST_MARKER.match(text)
        empty_first = match is not None and not text[match.end() :].strip()
        return line + 1 if empty_first else line

    def map_from(self, parent: _PosState, first: int) -> None:
        """Align each line of this child source with its parent line, on the right."""
        lines = self.lines = self.src.split("\n")
        self.starts = _line_starts(lines)
        count, stop = len(lines), first + len(lines)
        rows, plines, pcols = (
            parent.rows[first:stop],
            parent.lines[first:stop],
            parent.cols[first:stop],
        )
        if len(rows) < count:  # lines past the parent's end: its last
            last = len(parent.lines) - 1
            missing = count - len(rows)
            rows += [parent.rows[last]] * missing
            plines += [parent.lines[last]] * missing
            pcols += [parent.cols[last]] * missing
        self.rows = rows
        # a comprehension, not a loop of appends: this runs for every line of every list item
        self.cols = [
            col + (len(above) - len(line) if above.endswith(line) else _shift(above, line))
            for col, above, line in zip(pcols, plines, lines, strict=True)
        ]

    def add_paragraph(self, text: str) -> None:
        last = self.last_token()
        if last and last["type"] == "paragraph":
            last["text"] += text
            if last["_e"] != self.cursor:
                last["_segs"].append((len(last["text"]) - len(text), self.cursor))
            last["_e"] = self.cursor + len(text)
        else:
            self.tokens.append(
                {
                    "type": "paragraph",
                    "text": text,
                    "_st": self,
                    "_s": self.cursor,
                    "_e": self.cursor + len(text),
                    "_segs": [(0, self.cursor)],
                }
            )

    def append_paragraph(self) -> int | None:
        end: int | None = super().append_paragraph()
        if end:
            self.tokens[-1]["_e"] = end
        return end


class _BlockParser(BlockParser):
    """mistune's block parser, whose rules regex is searched from line starts only.

    Every block rule is anchored (`^`, MULTILINE), so a match can only begin
    at a line start; but `re` tries the whole alternation (fourteen branches,
    each failing on its own `^`) at every character of a paragraph. The same
    alternation behind one leading `^` fails once per character instead: same
    matches and groups (the wrapper group captures nothing), for `match` as
    for `search`, in a fifth of the time. A rule that is not anchored keeps
    mistune's plain alternation.
    """

    def compile_sc(self, rules: list[str] | None = None) -> re.Pattern[str]:
        names = self.rules if rules is None else rules
        key = "|".join(names)
        scanners: dict[str, re.Pattern[str]] = self.__dict__.setdefault("_scanners", {})
        pattern = scanners.get(key)
        if pattern is None:
            specs = [self.specification[name] for name in names]
            regex = "|".join(f"(?P<{name}>{spec})" for name, spec in zip(names, specs, strict=True))
            if all(_anchored(spec, self.sc_flag) for spec in specs):
                regex = f"^(?:{regex})"
            pattern = scanners[key] = re.compile(regex, self.sc_flag)
        return pattern

    def register(
        self, name: str, pattern: str | None, func: Any, before: str | None = None
    ) -> None:
        self.__dict__.pop("_scanners", None)  # a rule's regex may have changed
        self.__dict__.pop("_list_breaks", None)
        super().register(name, pattern, func, before)

    def parse_ref_link(self, m: re.Match[str], state: BlockState) -> int | None:
        """`[label]: url` alone on its line, the url plain (no `<`, parentheses,
        escapes or control characters) and no title on the lines below, is read
        with one regex: what mistune's own parse (a character loop over the url,
        a blank-line index of the whole source, a title search) finds for it.
        Anything else is mistune's. Documentation sites define hundreds."""
        last = state.last_token()
        if last is None or last["type"] != "paragraph":  # else it continues the paragraph
            label = m.group("reflink_1")
            key = unikey(label)
            plain = _PLAIN_DEFINITION.match(state.src, m.end()) if key else None
            if plain is not None:
                refs = state.env["ref_links"]
                if key not in refs:
                    url = plain.group(1)
                    url = url if _SAFE_URL.fullmatch(url) else escape_url(url)
                    refs[key] = {"url": url, "label": label}
                return plain.end()
        end: int | None = super().parse_ref_link(m, state)
        return end


class _PosBlockParser(_BlockParser):
    """Marks each block token with its start and end offsets in its state."""

    state_cls = _PosState

    def parse_method(self, m: re.Match[str], state: BlockState) -> int | None:
        assert isinstance(state, _PosState)
        kind, start, count = m.lastgroup, m.start(), len(state.tokens)
        assert kind is not None
        if kind == "blank_line":  # left untagged: the builder skips blank lines
            return self._methods[kind](m, state)
        frame = None
        if kind in _CHILD_PARENTS:  # only these spawn child states that need a frame
            frame = _Frame(kind, start)
            state.frames.append(frame)
            try:
                end: int | None = self._methods[kind](m, state)
            finally:
                state.frames.pop()
        else:
            end = self._methods[kind](m, state)  # what BlockParser.parse_method does
        tokens = state.tokens
        if len(tokens) > count:
            stop = end or state.cursor
            for token in tokens[count:]:
                if "_s" not in token:
                    token["_st"], token["_s"], token["_e"] = state, start, stop
                    if frame is not None and token["type"] == "list":
                        _mark_list_items(token, frame, state)
        elif kind == "setex_heading" and end and tokens:
            tokens[-1]["_e"] = end
        elif kind == "ref_footnote" and end:
            state.env.setdefault("_footnotes", []).append((m, state))
        return end

    def parse_ref_link(self, m: re.Match[str], state: BlockState) -> int | None:
        last = state.last_token()
        continuing = last is not None and last["type"] == "paragraph"
        end: int | None = super().parse_ref_link(m, state)
        if end and not continuing:
            state.env.setdefault("_definitions", []).append((m, state, end))
        return end

    def parse_list(self, m: re.Match[str], state: BlockState) -> int:
        return _list_parser()(self, m, state)

    def parse(self, state: BlockState, rules: list[str] | None = None) -> None:
        """mistune's block loop, which tries every rule's regex at each block
        start, minus that try where no rule can match: an empty line (only
        `blank_line` matches there) and a line that starts with a letter and
        holds no `|` (only a paragraph: every rule needs white space,
        punctuation, a digit or a pipe first). Only for rule sets made of
        `_KNOWN_RULES`; any other set runs mistune's loop unchanged."""
        if rules is None:
            rules = self.rules
        sc = self.compile_sc(rules)
        indent = "indent_code" in rules
        known = _KNOWN_RULES.issuperset(rules) and "blank_line" in rules
        src = state.src
        while state.cursor < state.cursor_max:
            cursor = state.cursor
            if known:
                char = src[cursor]
                if char == "\n" and (cursor == 0 or src[cursor - 1] == "\n"):
                    blank = self._blank_lines().match(src, cursor)
                    assert blank is not None  # an empty line at a line start
                    state.cursor = self.parse_blank_line(blank, state)
                    continue
                if _plain_line(src, cursor) and self._parse_plain_paragraph(state, sc):
                    continue
            if indent:
                end_pos = self._parse_indent_code_fast(state)
                if end_pos is not None:
                    state.cursor = end_pos
                    continue
            m = sc.match(src, state.cursor)
            if not m and self._parse_plain_paragraph(state, sc):
                continue
            if not m:
                m = sc.search(src, state.cursor)
            if not m:
                break
            end_pos = m.start()
            if end_pos > state.cursor:
                state.add_paragraph(state.get_text(end_pos))
                state.cursor = end_pos
            end_pos2 = self.parse_method(m, state)
            if end_pos2:
                state.cursor = end_pos2
            else:
                end_pos3 = state.find_line_end()
                state.add_paragraph(state.get_text(end_pos3))
                state.cursor = end_pos3
        if state.cursor < state.cursor_max:
            state.add_paragraph(src[state.cursor :])
            state.cursor = state.cursor_max

    def _blank_lines(self) -> re.Pattern[str]:
        """The `blank_line` rule alone (its match is the one `sc` gives there)."""
        return _regex_flags(self.specification["blank_line"], self.sc_flag)

    def _parse_plain_paragraph(self, state: BlockState, sc: re.Pattern[str]) -> bool:
        """mistune's paragraph of plain lines, its end found by two regex
        searches instead of a loop over its lines. It ends at the first later
        line where a block rule matches (`sc`, anchored at line starts) or
        that holds only white space (`str.strip` empties it), or at the end."""
        src, cursor = state.src, state.cursor
        if not _is_plain_paragraph_start(src, cursor):
            return False
        first = src.find("\n", cursor)
        if first < 0 or first + 1 >= state.cursor_max:
            end = state.cursor_max
        else:
            hit = sc.search(src, first + 1)
            end = state.cursor_max if hit is None else hit.start()
            if end > first + 1 and src[end - 1] != "\n":  # a rule not anchored: mistune's loop
                return bool(super()._parse_plain_paragraph(state, sc))
            blank = _BLANK_LINE.search(src, first + 1, end)
            if blank is not None:
                end = blank.start()
        state.add_paragraph(src[cursor:end])
        state.cursor = end
        return True

    def _parse_indent_code_fast(self, state: BlockState) -> int | None:
        start = state.cursor
        if state.src[start : start + 1] not in _INDENTS:
            return None  # mistune's test needs a leading space or tab: skip its line copy
        count = len(state.tokens)
        end: int | None = super()._parse_indent_code_fast(state)
        if end is not None and len(state.tokens) > count:
            state.tokens[-1].update(_st=state, _s=start, _e=end)
        return end


@lru_cache(maxsize=64)
def _anchored(pattern: str, flags: int) -> bool:
    """Whether every match of `pattern` begins at a line start (`^` first in
    each alternative, maybe inside a group or a repeat of at least once);
    False when `re`'s private parser is missing or fails (`walk_pattern`)."""
    from copydesk.literals import walk_source

    return bool(walk_source(pattern, flags, _LineStart))


class _LineStart:
    """`_anchored`'s walk over `re._parser` items (op, argument)."""

    def __init__(self, constants: Any) -> None:
        self.c = constants

    def sequence(self, items: list[tuple[Any, Any]], fold: bool = False) -> bool:
        c = self.c
        if not items:
            return False
        op, arg = items[0]
        if op is c.AT:
            return arg in (c.AT_BEGINNING, c.AT_BEGINNING_LINE, c.AT_BEGINNING_STRING)
        if op is c.SUBPATTERN:
            return self.sequence(list(arg[-1]))
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            return bool(arg[0] >= 1 and self.sequence(list(arg[2])))
        if op is c.BRANCH:
            return all(self.sequence(list(branch)) for branch in arg[1])
        return False


def _parse_admonition(block: BlockParser, m: re.Match[str], state: BlockState) -> int | None:
    """`!!! note "Title"` (or `??? note`, `=== "Tab"`) and its indented body, as a
    container whose children are the body parsed as Markdown, four spaces off."""
    assert isinstance(state, _PosState)
    body = _regex(_ADMONITION_BODY).match(state.src, m.end())
    if body is None or not body.group(0).strip():
        state.append_token({"type": "admonition", "children": []})
        return m.end()
    lines = body.group(0).split("\n")
    while not lines[-1].strip():  # trailing blank lines belong to the parent
        lines.pop()
    text = "\n".join(lines) + "\n"
    state.frames[-1].start = m.end()  # the child's first line is the one after the marker
    child = state.child_state(_regex(_BODY_INDENT).sub("", text))
    block.parse(child, block.block_quote_rules)
    state.append_token({"type": "admonition", "children": child.tokens})
    return m.end() + len(text)


def _mark_list_items(token: dict[str, Any], frame: _Frame, state: _PosState) -> None:
    """List items start at their marker in the parent and end where their content ends."""
    for item, kid, marker in zip(token["children"], frame.kids, frame.markers, strict=False):
        item.update(_st=state, _s=marker)
        if kid.src.strip():
            item.update(_et=kid, _e=len(kid.src))
        else:
            item["_e"] = state.starts[state.line_of(marker)] + len(
                state.lines[state.line_of(marker)]
            )


class _InlineParser(InlineParser):
    """mistune's inline parser, minus a sort per text run.

    mistune 3.4 looks for the next character that may start an inline token
    with a regex it rebuilds the key of (`tuple(sorted(chars))`) on every call:
    once per text run, so a few hundred thousand times on a large tree. The
    characters only change when a rule is registered, so the regex is taken
    once, the first time text is scanned (all plugins registered by then).
    """

    def _find_fast_text_end(self, src: str, pos: int) -> int | None:
        trigger = self._trigger
        if trigger is None:
            return None
        m = trigger.search(src, pos)
        if m is None:
            return len(src)
        if m.group(0) == "\n":
            return self._find_linebreak_start(src, pos, m.start())
        return m.start()

    @cached_property
    def _trigger(self) -> re.Pattern[str] | None:
        chars = self._get_fast_trigger_chars()
        return None if chars is None else self._get_fast_trigger_re(chars)


@lru_cache(maxsize=1)
def _markdown() -> mistune.Markdown:
    plugins = [import_plugin(name) for name in _PLUGINS]
    block = _PosBlockParser()
    block.register("admonition", _ADMONITION, _parse_admonition, before="fenced_code")
    for rules in (block.block_quote_rules, block.list_rules):
        block.insert_rule(rules, "admonition", before="fenced_code")
    md = mistune.Markdown(renderer=None, block=block, inline=_InlineParser(), plugins=plugins)
    for name, function in _table_parsers().items():
        block.register(name, block.specification[name], function)
    return md


def _table_parsers() -> dict[str, Any]:
    """mistune's table rules (`table`, `nptable`), run with `_split_cells` in
    place of the character loop that splits each row (see `_rebound`)."""
    from mistune.plugins import table

    namespace = _rebound(table, {"_split_table_cells": _split_cells})
    return {"table": namespace["parse_table"], "nptable": namespace["parse_nptable"]}


@lru_cache(maxsize=1)
def _list_parser() -> Callable[[BlockParser, re.Match[str], BlockState], int]:
    """mistune's `parse_list`, run with the regex of the lines that end a list
    item compiled once per indent and parser (mistune joins and compiles it
    again for every item; see `_rebound`)."""
    from mistune import list_parser

    compile_breaks = list_parser._compile_list_break_sc

    def list_breaks(block: BlockParser, leading_width: int) -> re.Pattern[str]:
        cache: dict[int, re.Pattern[str]] = block.__dict__.setdefault("_list_breaks", {})
        pattern = cache.get(leading_width)
        if pattern is None:
            pattern = cache[leading_width] = compile_breaks(block, leading_width)
        return pattern

    namespace = _rebound(list_parser, {"_compile_list_break_sc": list_breaks})
    parse: Callable[[BlockParser, re.Match[str], BlockState], int] = namespace["parse_list"]
    return parse


def _rebound(module: Any, replacements: dict[str, Any]) -> dict[str, Any]:
    """A copy of a module's namespace whose functions are copies bound to it,
    with some helpers replaced: mistune's code, unchanged, running with a
    faster helper, while the module itself (and any other mistune user in the
    process, such as the bench's floor) is left as it is."""
    namespace = dict(vars(module))
    for name, value in vars(module).items():
        if isinstance(value, FunctionType) and value.__module__ == module.__name__:
            namespace[name] = FunctionType(
                value.__code__, namespace, name, value.__defaults__, value.__closure__
            )
    namespace.update(replacements)
    return namespace


def _split_cells(text: str) -> list[str]:
    """mistune's `_split_table_cells`: the text between unescaped pipes,
    stripped; found pipe to pipe (`str.find`), not character by character."""
    cells: list[str] = []
    start = 0
    pos = text.find("|")
    while pos >= 0:
        if not _escaped(text, pos):
            cells.append(text[start:pos].strip())
            start = pos + 1
        pos = text.find("|", pos + 1)
    cells.append(text[start:].strip())
    return cells


# --- tree building -------------------------------------------------------------------------


class _Builder:
    """Parses a document's body and turns mistune tokens into positioned `Node`s."""

    def __init__(self, document: Document, want: frozenset[str] | None = None) -> None:
        self.want = want
        self.built = None if want is None else want | _ALWAYS_BUILT
        # False: a block whose source holds no _SPECIAL_INLINE character has no wanted node
        self.walk_all = want is None or bool(want & _PLAIN_INLINE)
        self.text = document.text
        self.line_starts = _line_starts(self.text.split("\n"))
        body_offset = len(self.text) - len(document.body)
        found = find_templating(document.body)
        self.spans = [(s + body_offset, e + body_offset) for s, e, _ in found]
        self.kinds = {s + body_offset: kind for s, e, kind in found}
        self.emitted: set[int] = set()
        # no template (most posts): the text itself, not a copy of a possibly huge body
        masked_body = _mask(document.body, found, 0) if found else document.body
        self.masked_text = self.text[:body_offset] + masked_body if found else self.text
        self.definitions: dict[str, RefDefinition] = {}
        self.opaque: list[tuple[int, int]] = [(0, body_offset), *self.spans]
        self.blocks = self._parse(document, body_offset)

    def _parse(self, document: Document, body_offset: int) -> list[Node]:
        md = _markdown()
        src = self.masked_text[body_offset:] if self.spans else document.body
        state = _PosState()
        added_newline = not src.endswith("\n")  # mistune's block rules need one
        state.process(src + "\n" if added_newline else src)
        state.map_root(self._row_of(body_offset), added_newline)
        md.block.parse(state)
        self.md, self.env = md, state.env
        tokens = state.tokens
        self._collect_definitions(state)
        root = Node("root", 0, 0, 0, 0)  # holds the top level while it is built
        for token in tokens:
            self._block(token, root)
        self._footnotes(md, state, root)
        blocks = root.children
        for node in blocks:
            node.parent = None
        blocks.sort(key=lambda node: (node.line, node.column))
        self._place_unclaimed_templating(blocks)
        _release(state)
        return blocks

    def _inline_tokens(self, token: dict[str, Any]) -> list[dict[str, Any]]:
        """mistune's render step for one block (inline parsing of its text), done
        when the block is built and not kept: holding every block's inline tokens
        at once was most of the peak memory of a huge post. Blocks are built in
        document order, so footnote references are met in the same order.

        A block whose text cannot hold a wanted inline node is not inline-parsed
        at all: with `want`, most paragraphs are plain prose, and inline parsing
        is half of mistune's time."""
        if "text" not in token:
            return token.get("children") or []
        text = token.pop("text")
        wanted = self.walk_all or token["type"] == "heading"
        if wanted or _may_hold_special(text, 0, len(text)):
            src = text.strip(_STRIP)
            if wanted and _NOT_PLAIN.search(src) is None and "http" not in src:
                return [{"type": "text", "raw": src}]  # what mistune makes of it
            simple = _simple_inline(src, self.env, wanted)
            if simple is not None:
                return simple if wanted else _Scanned(src, simple)
            children: list[dict[str, Any]] = self.md.inline(src, self.env)
            return children
        return []

    def _render_unbuilt(self, token: dict[str, Any]) -> None:
        """Inline-parse a block that is not built, for what parsing records
        (footnote references, in order), as mistune's render would."""
        for child in token.get("children") or ():
            self._render_unbuilt(child)
        self._inline_tokens(token)

    # positions

    def _row_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset) - 1

    def _offset(self, row: int, col: int) -> int:
        return self.line_starts[row] + col

    def _node(
        self,
        kind: str,
        start: tuple[int, int],
        end: tuple[int, int],
        attrs: dict[str, Any],
        parent: Node | None,
    ) -> Node:
        starts = self.line_starts
        attrs["raw"] = self.text[starts[start[0]] + start[1] : starts[end[0]] + end[1]]
        return Node(kind, start[0] + 1, start[1] + 1, end[0] + 1, end[1] + 1, attrs, [], parent)

    def _node_offsets(self, node: Node) -> tuple[int, int]:
        starts = self.line_starts
        return (
            starts[node.line - 1] + node.column - 1,
            starts[node.end_line - 1] + node.end_column - 1,
        )

    def _block_span(self, token: dict[str, Any]) -> tuple[tuple[int, int], tuple[int, int]]:
        """Start and end of a block token, trimmed to its first and last visible character."""
        state: _PosState = token["_st"]
        end_state: _PosState = token.get("_et", state)
        start, end = token["_s"], token["_e"]
        src = state.src
        same = end_state is state
        while start < len(src) and src[start] in " \t\n" and (not same or start < end):
            start += 1
        end_src = end_state.src
        while end > 0 and end_src[end - 1] in " \t\n" and (not same or end > start):
            end -= 1
        return state.locate(start), end_state.locate(end)

    # blocks

    def builds(self, kind: str) -> bool:
        return self.built is None or kind in self.built

    def _block(self, token: dict[str, Any], parent: Node) -> Node | None:
        """Build a block into `parent`; an unwanted block's nodes go to `parent` itself."""
        kind = token["type"]
        if kind == "blank_line":  # most tokens of a file: no text, no children
            return None
        if "_st" not in token:
            self._render_unbuilt(token)
            return None
        node = parent
        if self.built is None or kind in self.built:
            start, end = self._block_span(token)
            node = self._node(kind, start, end, dict(token.get("attrs") or {}), parent)
            parent.children.append(node)
            if kind == "block_code":
                self._code_attrs(node, token)
            if kind in _OPAQUE_BLOCKS:
                self.opaque.append(self._node_offsets(node))
        elif kind in _OPAQUE_BLOCKS:
            start, end = self._block_span(token)
            self.opaque.append((self._offset(*start), self._offset(*end)))
        if kind == "table":
            self._table(node, token)
        elif kind in _CONTAINERS:
            for child in token["children"]:
                self._block(child, node)
        elif kind in _INLINE_PARENTS:
            self._inline_children(node, token)
        else:
            self._render_unbuilt(token)
        return None if node is parent else node

    def _code_attrs(self, node: Node, token: dict[str, Any]) -> None:
        raw = node.attrs["raw"]
        info = node.attrs.get("info")
        node.attrs["code"] = token["raw"]
        if FILL in token["raw"] or (info and FILL in info):
            begin = self._offset(node.line - 1, node.column - 1)
            masked = self.masked_text[begin : begin + len(raw)]
            node.attrs["code"] = _unmask(token["raw"], masked, raw)
            if info:
                node.attrs["info"] = _unmask(info, masked, raw)

    def _inline_children(self, node: Node, token: dict[str, Any]) -> None:
        state: _PosState = token["_st"]
        segs: list[tuple[int, int]] = token.get("_segs") or [(0, token["_s"])]
        end = token.get("_e", len(state.src))
        heading = token["type"] == "heading"
        children = self._inline_tokens(token)
        if not (heading or self.walk_all or children):
            return  # nothing wanted in this block's text
        if heading and token.get("style") == "atx":
            segs = [(0, _atx_text_start(state.src, token["_s"]))]
        _Inline(self, state, segs, end, heading).build(children, node)

    def _table(self, node: Node, token: dict[str, Any]) -> None:
        """One row per table line (the delimiter row skipped); cells split as mistune does."""
        state: _PosState = token["_st"]
        first = state.line_of(token["_s"])
        piped = state.lines[first].lstrip(" ").startswith("|")
        head_token, body_token = token["children"]
        self._row("table_head", state, first, head_token, node, piped)
        rows = body_token["children"]
        if rows:
            body = node
            if self.builds("table_body"):
                last = first + 1 + len(rows)
                body = self._node(
                    "table_body",
                    self._line_start(state, first + 2),
                    self._line_end(state, last),
                    {},
                    node,
                )
                node.children.append(body)
            for offset, row_token in enumerate(rows):
                self._row("table_row", state, first + 2 + offset, row_token, body, piped)

    def _line_start(self, state: _PosState, line: int) -> tuple[int, int]:
        return state.locate(state.starts[line] + _indent(state.lines[line]))

    def _line_end(self, state: _PosState, line: int) -> tuple[int, int]:
        return state.locate(state.starts[line] + len(state.lines[line].rstrip()))

    def _row(
        self,
        kind: str,
        state: _PosState,
        line: int,
        token: dict[str, Any],
        parent: Node,
        piped: bool,
    ) -> None:
        """A row and its cells, each built into `parent` only if wanted (else transparent)."""
        row = parent
        if self.builds(kind):
            start_at, end_at = self._line_start(state, line), self._line_end(state, line)
            row = self._node(kind, start_at, end_at, {}, parent)
            parent.children.append(row)
        text = state.lines[line]
        cells = self.builds("table_cell")
        if not (cells or self.walk_all or _may_hold_special(text, 0, len(text))):
            return  # no cell can hold a wanted node (their text is the line's)
        base = state.starts[line]
        spans = _cell_spans(text, piped)
        for cell_token, (start, end) in zip(token["children"], spans, strict=False):
            cell = row
            if cells:
                attrs = dict(cell_token.get("attrs") or {})
                begin, finish = state.locate(base + start), state.locate(base + end)
                cell = self._node("table_cell", begin, finish, attrs, row)
                row.children.append(cell)
            children = self._inline_tokens(cell_token)
            if self.walk_all or children:  # parsed: something wanted
                _Inline(self, state, [(0, base + start)], base + end).build(children, cell)

    # definitions and footnotes

    def _collect_definitions(self, state: _PosState) -> None:
        refs: dict[str, dict[str, Any]] = state.env.get("ref_links", {})
        definitions = state.env.get("_definitions", [])
        # no filler anywhere (no template masked, the usual case): mistune's url stands
        masked = bool(definitions) and FILL in self.masked_text
        for m, def_state, end in definitions:
            label = m.group("reflink_1")
            key = normalize_label(label)
            row, col = def_state.locate(m.start() + _indent(m.group(0)))
            self.opaque.append((self._offset(row, col), self._offset(*def_state.locate(end))))
            if key in self.definitions or key not in refs:
                continue
            url = refs[key]["url"]
            if masked and FILL in def_state.src[m.end() : end]:  # else nothing to restore
                url = self._definition_url(m, def_state, url)
            self.definitions[key] = RefDefinition(
                label, url, refs[key].get("title"), row + 1, col + 1
            )

    def _definition_url(self, m: re.Match[str], state: _PosState, url: str) -> str:
        href, href_pos = parse_link_href(state.src, m.end(), block=True)
        if href is None or href_pos is None:
            return url
        return self._restored_url(state, href_pos - len(href), href_pos, url)

    def _restored_url(self, state: _PosState, start: int, end: int, url: str) -> str:
        """The original destination text when a template was masked inside it."""
        if FILL not in state.src[start:end]:
            return url
        begin = self._offset(*state.locate(start))
        return self.text[begin : self._offset(*state.locate(end))].strip("<>")

    def _footnotes(self, md: mistune.Markdown, root: _PosState, top: Node) -> None:
        notes: list[str] = root.env.get("footnotes") or []
        seen: set[str] = set()
        for m, state in root.env.get("_footnotes", []):
            key = normalize_label(m.group("footnote_key"))
            if key in seen:
                continue
            seen.add(key)
            index = notes.index(key) + 1 if key in notes else None
            token = self._footnote_token(md, m, state, key, index or 0)
            node = self._block(token, top)
            if node is not None:
                node.attrs.update(key=m.group("footnote_key"), index=index)

    def _footnote_token(
        self, md: mistune.Markdown, m: re.Match[str], state: _PosState, key: str, index: int
    ) -> dict[str, Any]:
        text_start = m.start("footnote_text")
        first = text_start + len(m.group("footnote_text")) - len(m.group("footnote_text").lstrip())
        state.frames.append(_Frame("footnote", first))
        try:
            item = parse_footnote_item(md.block, key, index, state)
        finally:
            state.frames.pop()
        for child in item["children"]:
            if "_st" not in child:
                child.update(_st=state, _s=first, _e=m.end(), _segs=[(0, first)])
        # its text is inline-parsed as it is built, right after this, like any block's
        item.update(_st=state, _s=m.start(), _e=m.end())
        return item

    # templating nodes

    def templating_node(self, start: int, parent: Node | None) -> Node | None:
        """The liquid/shortcode node of the span containing file offset `start`, once."""
        index = bisect_right(self.spans, (start, len(self.text) + 1)) - 1
        if index < 0 or not self.spans[index][0] <= start < self.spans[index][1]:
            return None
        span_start, span_end = self.spans[index]
        if span_start in self.emitted:
            return None
        self.emitted.add(span_start)
        return self._templating(span_start, span_end, self._row_of(span_start), parent)

    def _templating(self, start: int, end: int, row: int, parent: Node | None) -> Node:
        """The node of the span [start, end), which begins on 0-based `row`."""
        starts = self.line_starts
        end_row = row if row + 1 == len(starts) or end < starts[row + 1] else self._row_of(end)
        begin = (row, start - starts[row])
        finish = (end_row, end - starts[end_row])
        return self._node(self.kinds[start], begin, finish, {}, parent)

    def _place_unclaimed_templating(self, blocks: list[Node]) -> None:
        """Spans not met in inline text (code, HTML, link targets) join the innermost node."""
        emitted = self.emitted
        for start, end in self.spans:
            if start in emitted:
                continue
            emitted.add(start)
            row = self._row_of(start)
            column = start - self.line_starts[row] + 1
            siblings, parent = _innermost(blocks, row + 1, column)
            node = self._templating(start, end, row, parent)
            where = bisect_right(siblings, (row + 1, column), key=_start)
            siblings.insert(where, node)


class _Scanned(list[dict[str, Any]]):
    """`_simple_inline`'s tokens for a walk that reads no text (code spans and
    links, each with its place) and the text they were scanned from."""

    def __init__(self, src: str, tokens: list[dict[str, Any]]) -> None:
        super().__init__(tokens)
        self.src = src


def _simple_inline(
    src: str, env: MutableMapping[str, Any], exact: bool = False
) -> list[dict[str, Any]] | None:
    """mistune's tokens for a block whose only inline syntax is code spans and
    plain links and images; None for any other block (mistune parses it).
    `env`: the document's, for its definitions; a footnote reference is
    numbered in it as mistune numbers it, once the block is known simple.

    A link's text is mistune's own tokens: text runs (of no emphasis or
    entity) and line breaks. Elsewhere, unless `exact`, text is left out: the
    tokens are the code spans and links alone, for a walk that reads no text
    node. Every token holds where it lies in `src` (`_at`: start and end; a
    link's also the `]` that closes its text), so that walk places them
    without searching the text again (`_Inline.place_scanned`). With no
    escape, HTML, email autolink or strikethrough in the text, and no bare URL
    outside code spans and link destinations, mistune's scan reads each
    `<url>` outside link text as an autolink, each `[^key]` (when not `exact`)
    as a footnote reference, or text if no footnote has that key, and meets
    each run of backticks whole: it opens a code span that ends at the next
    run of exactly as many backticks (`DelimiterScanner.code_end`), or is
    literal text; and each `[` outside a code span opens `[text](url)`,
    `[text][label]`, `[text][]` or `[text]` (or an image, after a `!`), whose
    text is plain words and code spans and whose url needs no unescaping,
    nesting or title; a `[text]` no definition resolves stays text (else:
    None). Emphasis and line breaks cannot hold, split or make such a token,
    only wrap it (a wrapper no walk reads is transparent). On a documentation
    page or a blog most blocks that need inline parsing at all are these; this
    scan takes a fraction of mistune's time."""
    if "`" not in src and _NOT_SIMPLE.search(src) is not None:
        return None
    refs = env.get("ref_links") or {}
    run = _simple_run(src, 0, False, refs, exact, env.get("ref_footnotes"))
    if run is None:
        return None
    tokens = run[0]
    for token in tokens:
        if token["type"] == "footnote_ref":
            token["attrs"] = {"index": _footnote_index(env, token["raw"])}
    if exact:  # mistune joins neighbouring text (`[` and `]` that made no link)
        for index in range(len(tokens) - 1, 0, -1):
            if tokens[index]["type"] == tokens[index - 1]["type"] == "text":
                after = tokens.pop(index)
                before = tokens[index - 1]
                tokens[index - 1] = {
                    "type": "text",
                    "raw": before["raw"] + after["raw"],
                    "_at": (before["_at"][0], after["_at"][1]),
                }
    return tokens


def _simple_run(
    src: str,
    pos: int,
    label: bool,
    refs: dict[str, dict[str, Any]],
    exact: bool,
    notes: dict[str, str] | None = None,
) -> tuple[list[dict[str, Any]], int] | None:
    """Tokens of src[pos:] up to its end, or (`label`) up to the `]` that ends
    a link's text, and where they end; None for what `_simple_inline` leaves.
    `notes`: the document's footnotes (`[^key]: text`), by key."""
    tokens: list[dict[str, Any]] = []
    done = pos
    url_at = -1 if label else src.find("http", pos)  # link text: `_add_text` refuses one
    while True:
        if 0 <= url_at < pos:
            url_at = src.find("http", pos)
        found = _SIMPLE_STOP.search(src, pos)
        start = len(src) if found is None else found.start()
        if 0 <= url_at < start:  # mistune's url plugin links a bare URL here
            bare = _BARE_URL.match(src, url_at)
            if bare is None:  # "http" that starts no URL is text
                url_at = src.find("http", url_at + 4)
                continue
            start, stop = url_at, bare.end()
            if not _BRACKET.isdisjoint(bare.group(0)):  # mistune may cut it at a `]`
                return None
            if not _add_text(tokens, src, done, start, exact, label):
                return None
            tokens.append(_autolink(bare.group(0), start, stop, bare=True))
            done = pos = stop
            continue
        if found is None:
            break
        char = src[start]
        if char == "`":
            size = _BACKTICKS.match(src, start).end() - start  # type: ignore[union-attr]
            end = _code_end(src, "`" * size, start + size)
            if end is None:  # literal backticks
                pos = start + size
                continue
            code = src[start + size : end].replace("\n", " ")
            if code.strip(" ") and code.startswith(" ") and code.endswith(" "):
                code = code[1:-1]
            stop = end + size
            token: dict[str, Any] = {"type": "codespan", "raw": code, "_at": (start, stop)}
        elif char == "]":
            if not label or not _add_text(tokens, src, done, start, exact, label):
                return None
            return tokens, start
        elif char == "<":
            auto = None if label else _AUTOLINK.match(src, start)
            if auto is None:  # HTML, an email, or text: mistune's
                return None
            stop = auto.end()
            token = _autolink(src[start + 1 : stop - 1], start, stop)
        elif src.startswith("[^", start):  # mistune tries a footnote before a link
            note = _INLINE_FOOTNOTE.match(src, start)
            if note is None or label or exact or (start > done and src[start - 1] == "!"):
                return None
            key = unikey(note.group("footnote_key"))
            if not notes or key not in notes:  # text, as the walk reads none
                pos = note.end()
                continue
            stop = note.end()
            token = {"type": "footnote_ref", "raw": key, "_at": (start, stop)}
        else:
            link = None if label else _simple_link(src, start, done, refs)
            if link is None:
                return None
            made, start, stop, inside = link
            if made is None:  # `[text]` that is no link: its code spans stay
                if not _add_text(tokens, src, done, start + 1, exact, label):
                    return None
                tokens.extend(inside if exact else _codespans(inside))
                done, pos = stop, stop + 1  # the `]` is text
                continue
            token = made
        if not _add_text(tokens, src, done, start, exact, label):
            return None
        tokens.append(token)
        done = pos = stop
    if label or not _add_text(tokens, src, done, len(src), exact, label):
        return None
    return tokens, len(src)


def _footnote_index(env: MutableMapping[str, Any], key: str) -> int:
    """The number of the footnote `key`, noted in `env` when first referred to:
    mistune's `parse_inline_footnote`, which the scan stands in for."""
    notes = env.get("footnotes")
    if not notes:
        notes = []
    indexes = env.get("footnote_indexes")
    if not indexes:
        indexes = {note_key: index for index, note_key in enumerate(notes)}
        env["footnote_indexes"] = indexes
    if key not in indexes:
        notes.append(key)
        indexes[key] = len(notes) - 1
        env["footnotes"] = notes
    return int(indexes[key]) + 1


def _autolink(url: str, start: int, stop: int, bare: bool = False) -> dict[str, Any]:
    """mistune's token for `<url>` (or, `bare`, a URL in text) at [start, stop)."""
    inner = (start, stop) if bare else (start + 1, stop - 1)
    return {
        "type": "link",
        "children": [{"type": "text", "raw": url, "_at": inner}],
        "attrs": {"url": url if _SAFE_URL.fullmatch(url) else escape_url(url)},
        "_autolink": url if bare else f"<{url}>",
        "_at": (start, stop, stop - 1),
    }


def _simple_link(
    src: str, bracket: int, done: int, refs: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any] | None, int, int, list[dict[str, Any]]] | None:
    """The link (or image, after a `!`) whose text opens at `bracket`: its token,
    start and end; for a `[text]` that stays text, None, the bracket, the `]`
    and the tokens between; None for what `_simple_inline` leaves to mistune."""
    image = bracket > done and src[bracket - 1] == "!"
    plain = _PLAIN_LABEL.match(src, bracket + 1)
    if plain is not None and src.find("http", bracket + 1, plain.end()) < 0:
        # words alone (most links): the one text token `_simple_run` would make
        close = plain.end() - 1
        text = src[bracket + 1 : close]
        children = [{"type": "text", "raw": text, "_at": (bracket + 1, close)}] if text else []
    else:
        inner = _simple_run(src, bracket + 1, True, refs, True)
        if inner is None:
            return None
        children, close = inner
    after = close + 1
    following = src[after : after + 1]
    extra: dict[str, Any] = {}
    if following == "(":
        destination = _SIMPLE_URL.match(src, after)
        if destination is None:
            return None
        url = destination.group(1)  # no backslash (`_SIMPLE_URL`): nothing to unescape
        attrs: dict[str, Any] = {"url": url if _SAFE_URL.fullmatch(url) else escape_url(url)}
        end = destination.end()
    elif following == "]":
        return None
    else:
        end = after
        name: str | None = None
        if following == "[":  # `[text][label]`, or `[text][]` named by its text
            name, label_end = parse_link_label(src, after + 1)
            if name is None or label_end is None:
                return None
            end = label_end
        if not name:
            if close - bracket - 1 > MAX_LINK_LABEL_LENGTH:
                return None if following == "[" else (None, bracket, close, children)
            name = src[bracket + 1 : close]
        ref = refs.get(unikey(name)) if refs else None
        if ref is None:  # no link: the brackets are text
            return None if following == "[" else (None, bracket, close, children)
        attrs = {"url": ref["url"], "title": ref.get("title")}
        extra = {"ref": unikey(name), "label": name}
    start = bracket - image
    token = {
        "type": "image" if image else "link",
        "children": children,
        "attrs": attrs,
        **extra,
        "_at": (start, end, close),
    }
    return token, start, end, []


def _add_text(
    tokens: list[dict[str, Any]],
    src: str,
    start: int,
    end: int,
    exact: bool = False,
    label: bool = False,
) -> bool:
    """Add src[start:end] as mistune's text and line break tokens (`exact`; else
    nothing, see `_simple_inline`); False if it holds strikethrough or an
    escape (`_NOT_SIMPLE`), or, in a link's text (`label`), "http" (mistune
    leaves a URL there as text), or, when `exact`, emphasis or an entity. Code
    spans and link destinations are never scanned: there, `<`, `~`, `\\` and
    "http" are code or url."""
    if end <= start:
        return True
    if _NOT_SIMPLE.search(src, start, end) is not None or (
        label and src.find("http", start, end) >= 0
    ):
        return False
    if not exact:
        return True
    text = src[start:end]
    if _NOT_EXACT_TEXT.search(text) is not None:
        return False
    done = 0
    for brk in _LINE_BREAK.finditer(text):  # spaces before the newline are the break's
        if brk.start() > done:
            at = (start + done, start + brk.start())
            tokens.append({"type": "text", "raw": text[done : brk.start()], "_at": at})
        kind = "linebreak" if len(brk.group(1)) >= 2 else "softbreak"
        tokens.append({"type": kind, "_at": (start + brk.start(), start + brk.end())})
        done = brk.end()
    if done < len(text):
        tokens.append({"type": "text", "raw": text[done:], "_at": (start + done, end)})
    return True


def _codespans(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [token for token in tokens if token["type"] == "codespan"]


def _code_end(src: str, marker: str, pos: int) -> int | None:
    """Start of the first run of exactly `marker`'s backticks at or after `pos`."""
    end = src.find(marker, pos)
    while end >= 0:
        stop = _BACKTICKS.match(src, end).end()  # type: ignore[union-attr]
        if stop - end == len(marker) and (end == 0 or src[end - 1] != "`"):
            return end
        end = src.find(marker, stop)
    return None


def _may_hold_special(src: str, start: int, end: int) -> bool:
    """Whether src[start:end] may hold an inline token other than text or emphasis."""
    # one charset search and one find: an alternation would make re scan slowly
    return bool(_SPECIAL_INLINE.search(src, start, end)) or src.find("http", start, end) >= 0


def _release(root: _PosState) -> None:
    """Break the state <-> token cycles so the token tree is freed by refcount, not the GC."""
    for state in [root, *root.env.pop("_states", [])]:
        state.tokens = []
        state.frames = []
    root.env.clear()


def _innermost(nodes: list[Node], line: int, column: int) -> tuple[list[Node], Node | None]:
    """The deepest node holding (line, column), and the sibling list it lies in.

    Siblings are in source order and do not overlap, so the one that may hold
    the point is the last to start at or before it: a binary search, not a scan
    (a post with thousands of list items and template tags took seconds)."""
    siblings, parent = nodes, None
    while True:
        index = bisect_right(siblings, (line, column), key=_start) - 1
        if index < 0:
            return siblings, parent
        inside = siblings[index]
        if not (line, column) < (inside.end_line, inside.end_column):
            return siblings, parent
        siblings, parent = inside.children, inside


def _start(node: Node) -> tuple[int, int]:
    return node.line, node.column


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _atx_text_start(src: str, start: int) -> int:
    pos = start
    while pos < len(src) and src[pos] in " \t":
        pos += 1
    while pos < len(src) and src[pos] == "#":
        pos += 1
    while pos < len(src) and src[pos] in " \t":
        pos += 1
    return pos


def _cell_spans(line: str, piped: bool) -> list[tuple[int, int]]:
    """(start, end) of each cell's stripped text in a table row line, as mistune splits it."""
    text_end = len(line.rstrip(" \t"))
    start = 0
    if piped:
        start = _indent(line) + 1 if line.lstrip(" \t").startswith("|") else 0
        text_end -= 1
    if start > text_end:
        return []
    spans: list[tuple[int, int]] = []
    cell = start
    pos = line.find("|", start, text_end)  # from pipe to pipe, not character by character
    while pos >= 0:
        if not _escaped(line, pos):
            spans.append(_cell_span(line, cell, pos))
            cell = pos + 1
        pos = line.find("|", pos + 1, text_end)
    spans.append(_cell_span(line, cell, text_end))
    return spans


def _cell_span(line: str, cell: int, stop: int) -> tuple[int, int]:
    """line[cell:stop] without its surrounding space; an empty cell is (cell, cell)."""
    piece = line[cell:stop]
    body = piece.strip()
    if not body:
        return cell, cell
    lead = len(piece) - len(piece.lstrip())
    return cell + lead, cell + lead + len(body)


def _escaped(text: str, pos: int) -> bool:
    count = 0
    pos -= 1
    while pos >= 0 and text[pos] == "\\":
        count += 1
        pos -= 1
    return count % 2 == 1


# --- inline positions ----------------------------------------------------------------------


class _Inline:
    """Walks one block's inline tokens over its source text with a moving cursor."""

    # one per block and table cell: slots make the many attribute reads cheaper
    __slots__ = (
        *("builder", "want", "all", "state", "starts", "rows", "cols", "line_starts"),
        *("file_text", "base", "single", "src", "bases", "offsets", "has_fill", "pos"),
    )

    def __init__(
        self,
        builder: _Builder,
        state: _PosState,
        segs: list[tuple[int, int]],
        end: int,
        whole: bool = False,
    ) -> None:
        self.builder = builder
        self.want = builder.built
        # building every node: nothing filtered, or inside a heading, link or image
        self.all = whole or self.want is None
        self.state = state
        self.starts, self.rows, self.cols = state.starts, state.rows, state.cols
        self.line_starts, self.file_text = builder.line_starts, builder.text
        src = state.src
        self.base = segs[0][1]
        self.single = len(segs) == 1
        if self.single:
            self.src = text = src[self.base : end]
        else:
            stops = [s + (t_next - t) for (t, s), (t_next, _) in pairwise(segs)]
            text = "".join(src[s:stop] for (_, s), stop in zip(segs, [*stops, end], strict=True))
            self.src = text
            self.bases = [t for t, _ in segs]
            self.offsets = [s for _, s in segs]
        self.has_fill = FILL in text
        self.pos = len(text) - len(text.lstrip(_STRIP))

    def offset(self, index: int) -> int:
        """Offset in the state's source of an index into this block's inline text."""
        if self.single:
            return self.base + index
        k = bisect_right(self.bases, index) - 1
        return self.offsets[k] + index - self.bases[k]

    def at(self, index: int) -> tuple[int, int]:
        return self.state.locate(self.offset(index))

    def end_at(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return self.at(start)
        row, col = self.at(end - 1)
        return row, col + 1

    def span(self, start: int, stop: int) -> tuple[int, int, int, int]:
        """0-based file (row, col, end row, end col) of inline text [start, stop): the hot path."""
        starts = self.starts
        first = self.base + start if self.single else self.offset(start)
        k = bisect_right(starts, first) - 1
        row = self.rows[k]
        col = self.cols[k] + first - starts[k]
        if stop <= start:
            return row, col, row, col
        last = self.base + stop - 1 if self.single else self.offset(stop - 1)
        if k + 1 < len(starts) and last >= starts[k + 1]:
            k = bisect_right(starts, last) - 1
        return row, col, self.rows[k], self.cols[k] + last - starts[k] + 1

    def emit(
        self, kind: str, start: int, stop: int, attrs: dict[str, Any], parent: Node | None
    ) -> Node:
        """A node for inline text [start, stop)."""
        row, col, end_row, end_col = self.span(start, stop)
        line_starts = self.line_starts
        attrs["raw"] = self.file_text[line_starts[row] + col : line_starts[end_row] + end_col]
        return Node(kind, row + 1, col + 1, end_row + 1, end_col + 1, attrs, [], parent)

    def build(self, tokens: list[dict[str, Any]], parent: Node) -> None:
        """Nodes of one block's inline tokens: placed where the scan found them
        (`_Scanned`), else found by walking the text (`run`)."""
        if isinstance(tokens, _Scanned):
            self.place_scanned(tokens, parent)
        else:
            self.run(tokens, parent)

    def place_scanned(self, tokens: _Scanned, parent: Node) -> None:
        """The code spans and links of `_simple_inline` (text unwanted), each
        built from the place the scan noted: the text between them is not
        walked again. Same nodes as `run` over mistune's tokens."""
        lead = self.pos  # the scan read the block's text without its leading space
        if not self.src.startswith(tokens.src, lead):  # never seen; mistune's, walked
            self.run(self.builder.md.inline(tokens.src, self.builder.env), parent)
            return
        for token in tokens:
            if token["type"] == "codespan":
                start, stop = token["_at"]
                node = self.code(token, start + lead, stop + lead, parent, self.all)
                if node is not None:
                    parent.children.append(node)
            elif token["type"] == "footnote_ref":
                start, stop = token["_at"]
                if "footnote_ref" in self.want:  # type: ignore[operator]
                    attrs = {**token["attrs"], "key": token["raw"]}
                    parent.children.append(
                        self.emit("footnote_ref", start + lead, stop + lead, attrs, parent)
                    )
            elif "_autolink" in token:
                start, stop, _ = token["_at"]
                parent.children.append(
                    self.placed_autolink(token, start + lead, stop + lead, parent)
                )
            else:
                parent.children.append(self.placed_link(token, lead, parent))

    def code(
        self, token: dict[str, Any], start: int, stop: int, parent: Node, built: bool
    ) -> Node | None:
        """A code span at [start, stop): not prose; a node if `built`."""
        row, col, end_row, end_col = self.span(start, stop)
        line_starts = self.line_starts
        first, last = line_starts[row] + col, line_starts[end_row] + end_col
        self.builder.opaque.append((first, last))
        self.pos = stop
        if not (built or "codespan" in self.want):  # type: ignore[operator]
            return None
        code = token["raw"]
        attrs = {"code": code, "raw": self.file_text[first:last]}
        node = Node("codespan", row + 1, col + 1, end_row + 1, end_col + 1, attrs, [], parent)
        if FILL in code:
            node.attrs["code"] = self.unmask(code, start, node)
        return node

    def placed_autolink(self, token: dict[str, Any], start: int, stop: int, parent: Node) -> Node:
        """`<url>` or a bare URL at [start, stop), as `autolink` builds it."""
        node = Node("link", 0, 0, 0, 0, token["attrs"], [], parent)
        if token["_autolink"].startswith("<"):
            node.attrs["autolink"] = True
            self.opaque(start, stop)
            inner = (start + 1, stop - 1)
        else:  # a bare URL is prose
            node.attrs["bare"] = True
            inner = (start, stop)
        child = self.emit("text", *inner, {}, node)
        child.attrs["text"] = child.attrs["raw"]
        node.children.append(child)
        self.restore_url(node, *inner)
        self.pos = stop
        self.placed(node, start)
        node.attrs["text"] = _plain_text(node)
        return node

    def placed_link(self, token: dict[str, Any], lead: int, parent: Node) -> Node:
        """A link or image of `_simple_inline` and its text's nodes, from their places."""
        start, stop, close = (at + lead for at in token["_at"])
        if not self.has_fill and all(child["type"] in _FLAT for child in token["children"]):
            flat = self.flat(start, stop)
            if flat is not None:  # most links
                return self.flat_link(token, lead, flat, parent)
        kind = token["type"]
        node = Node(kind, 0, 0, 0, 0, token["attrs"], [], parent)
        cursor = start + (2 if kind == "image" else 1)
        for child in token["children"]:
            child_kind = child["type"]
            if child_kind == "text":
                end = child["_at"][1] + lead
                self.pos = end
                if self.has_fill and self.src.find(FILL, cursor, end) >= 0:
                    self.split_templating(cursor, node)
                else:
                    attrs = {"text": child["raw"]}
                    node.children.append(self.emit("text", cursor, end, attrs, node))
                cursor = end
            elif child_kind == "codespan":
                code_start, code_stop = child["_at"]
                made = self.code(child, code_start + lead, code_stop + lead, node, True)
                node.children.append(made)  # type: ignore[arg-type]
                cursor = code_stop + lead
            else:  # a line break: as `line_break` steps over it
                self.pos = cursor
                self.line_break()
                cursor = self.pos
        after = close + 1
        if "label" not in token and self.src.startswith("(", after):
            self.opaque(after, stop)
            if self.has_fill and self.src.find(FILL, after, stop) >= 0:
                self.restore_destination(node, after + 1)
        self.pos = stop
        self.placed(node, start)
        node.attrs["text"] = _plain_text(node)
        if "label" in token:
            self.label(node, token["label"])
        return node

    def flat(self, start: int, stop: int) -> tuple[int, int] | None:
        """When inline text [start, stop) lies on one line of the block's
        source: that line's 0-based file row, and the column inline index 0
        stands for there (index i is at column + i)."""
        if not self.single:
            return None
        starts, base = self.starts, self.base
        k = bisect_right(starts, base + start) - 1
        if k + 1 < len(starts) and base + stop - 1 >= starts[k + 1]:
            return None
        return self.rows[k], self.cols[k] + base - starts[k]

    def flat_link(
        self, token: dict[str, Any], lead: int, flat: tuple[int, int], parent: Node
    ) -> Node:
        """`placed_link` for a link on one line with no template in it (`flat`):
        every place is an offset from one lookup, not a lookup of its own."""
        start, stop, close = (at + lead for at in token["_at"])
        row, column = flat
        line, origin = row + 1, self.line_starts[row] + column  # file offset of index 0
        text = self.file_text
        kind = token["type"]
        first = column + 1  # 1-based column of index 0
        node = Node(kind, line, first + start, line, first + stop, token["attrs"], [], parent)
        cursor = start + (2 if kind == "image" else 1)
        for child in token["children"]:
            if child["type"] == "text":
                end = child["_at"][1] + lead
                attrs = {"text": child["raw"], "raw": text[origin + cursor : origin + end]}
                made = Node("text", line, first + cursor, line, first + end, attrs, [], node)
                node.children.append(made)
                cursor = end
            else:  # a code span
                code_start, code_stop = child["_at"]
                code = self.code(child, code_start + lead, code_stop + lead, node, True)
                node.children.append(code)  # type: ignore[arg-type]
                cursor = code_stop + lead
        after = close + 1
        if "label" not in token and self.src.startswith("(", after) and stop > after:
            self.builder.opaque.append((origin + after, origin + stop))
        self.pos = stop
        node.attrs["raw"] = text[origin + start : origin + stop]
        node.attrs["text"] = _plain_text(node)
        if "label" in token:
            self.label(node, token["label"])
        return node

    def run(self, tokens: list[dict[str, Any]], parent: Node) -> None:
        if self.all or "text" in self.want:  # type: ignore[operator]
            for token in tokens:
                self.token(token, parent)
            return
        src = self.src
        for token in tokens:  # text unwanted: its tokens only move the cursor (most tokens)
            if token["type"] != "text":
                self.token(token, parent)
                continue
            raw, start = token["raw"], self.pos
            if src.startswith(raw, start):
                self.pos = start + len(raw)
            else:
                self.pos = _match_escaped(src, raw, start)

    def token(self, token: dict[str, Any], parent: Node) -> None:
        kind = token["type"]
        if kind == "text":
            self.text(token["raw"], parent)
            return
        if kind == "softbreak" or kind == "linebreak":  # never a node, and frequent
            self.line_break()
            return
        start = self.pos
        attrs = dict(token.get("attrs") or {})
        node: Node | None
        if kind in _DELIMITED:
            node = self.delimited(kind, token, attrs, parent)
        elif kind in ("link", "image"):
            node = self.link(kind, token, attrs, parent)
        else:
            node = self.simple(kind, token, attrs, parent)
        if node is not None:
            parent.children.append(node)
        elif self.pos == start:
            self.pos += 1

    def line_break(self) -> None:
        """Past a soft or hard line break: trailing spaces or backslash, the
        newline, and the next line's leading space."""
        src, pos = self.src, self.pos
        while pos < len(src) and src[pos] in " \\":
            pos += 1
        pos += 1
        while pos < len(src) and src[pos] in " \t":
            pos += 1
        self.pos = pos

    def wanted(self, kind: str) -> bool:
        return self.all or kind in self.want  # type: ignore[operator]

    def text(self, raw: str, parent: Node) -> None:
        src, start = self.src, self.pos
        if src.startswith(raw, start):
            self.pos = start + len(raw)
        else:
            self.pos = _match_escaped(src, raw, start)
        if not (self.all or "text" in self.want):  # type: ignore[operator]
            return  # masked templates in it are placed by _place_unclaimed_templating
        if self.has_fill and src.find(FILL, start, self.pos) >= 0:
            self.split_templating(start, parent)
            return
        parent.children.append(self.emit("text", start, self.pos, {"text": raw}, parent))

    def split_templating(self, start: int, parent: Node) -> None:
        """Text holding masked templates becomes text / liquid / shortcode nodes."""
        stop, piece = self.pos, start
        for run in _FILL_RUN.finditer(self.src, start, stop):
            if run.start() > piece:
                self.piece("text", piece, run.start(), parent)
            row, col = self.at(run.start())
            node = self.builder.templating_node(self.builder._offset(row, col), parent)
            if node is not None:
                parent.children.append(node)
            piece = run.end()
        if piece < stop:
            self.piece("text", piece, stop, parent)
        self.pos = stop

    def piece(self, kind: str, start: int, stop: int, parent: Node) -> None:
        node = self.emit(kind, start, stop, {}, parent)
        node.attrs["text"] = node.attrs["raw"]
        parent.children.append(node)

    def skip_to(self, chars: str) -> int:
        """Move to the next character in `chars` (the cursor should already be there)."""
        src, pos = self.src, self.pos
        while pos < len(src) and src[pos] not in chars:
            pos += 1
        self.pos = pos
        return pos

    def delimited(
        self, kind: str, token: dict[str, Any], attrs: dict[str, Any], parent: Node
    ) -> Node | None:
        width = _DELIMITED[kind]
        start = self.skip_to("*_~")
        self.pos += width
        if not self.wanted(kind):  # transparent: its wanted children join the parent
            self.run(token.get("children", []), parent)
            self.skip_to("*_~")
            self.pos = min(self.pos + width, len(self.src))
            return None
        node = Node(kind, 0, 0, 0, 0, attrs, [], parent)
        self.run(token.get("children", []), node)
        self.skip_to("*_~")
        self.pos = min(self.pos + width, len(self.src))
        return self.placed(node, start)

    def placed(self, node: Node, start: int) -> Node:
        """Give a node built before its end was known its full span [start, cursor)."""
        row, col, end_row, end_col = self.span(start, self.pos)
        line_starts = self.line_starts
        node.attrs["raw"] = self.file_text[line_starts[row] + col : line_starts[end_row] + end_col]
        node.line, node.column, node.end_line, node.end_column = (
            row + 1,
            col + 1,
            end_row + 1,
            end_col + 1,
        )
        return node

    def slice(self, start: int, stop: int) -> str:
        b = self.builder
        return b.text[b._offset(*self.at(start)) : b._offset(*self.end_at(start, stop))]

    def simple(
        self, kind: str, token: dict[str, Any], attrs: dict[str, Any], parent: Node
    ) -> Node | None:
        src = self.src
        start = self.pos
        if kind == "codespan":
            start = self.skip_to("`")
            run = _BACKTICKS.match(src, start).end() - start  # type: ignore[union-attr]
            close = _code_end(src, "`" * run, start + run)  # a run of as many, not more
            self.pos = close + run if close is not None else start + run
            attrs["code"] = token["raw"]
        elif kind == "inline_html":
            found = src.find(token["raw"], start)
            start = found if found >= 0 else start
            self.pos = start + len(token["raw"])
        elif kind == "footnote_ref":
            start = src.find("[^", start)
            if start < 0:
                return None
            self.pos = src.find("]", start) + 1
            attrs["key"] = token["raw"]
        else:
            self.run(token.get("children", []), parent)
            return None
        if kind != "footnote_ref":
            self.opaque(start, self.pos)
        if not self.wanted(kind):
            return None
        node = self.emit(kind, start, self.pos, attrs, parent)
        if kind == "codespan":
            node.attrs["code"] = self.unmask(token["raw"], start, node)
        return node

    def opaque(self, start: int, stop: int) -> None:
        """Note inline text [start, stop) as not prose (see `ParsedFile.prose`)."""
        if stop > start:
            row, col, end_row, end_col = self.span(start, stop)
            line_starts = self.line_starts
            self.builder.opaque.append((line_starts[row] + col, line_starts[end_row] + end_col))

    def unmask(self, derived: str, start: int, node: Node) -> str:
        if FILL not in derived:
            return derived
        begin = self.builder._offset(*self.at(start))
        masked = self.builder.masked_text[begin : begin + len(node.attrs["raw"])]
        return _unmask(derived, masked, node.attrs["raw"])

    def link(self, kind: str, token: dict[str, Any], attrs: dict[str, Any], parent: Node) -> Node:
        src = self.src
        start = self.skip_to("![<h" if kind == "link" else "!")
        node = Node(kind, 0, 0, 0, 0, attrs, [], parent)
        first = src[start] if start < len(src) else ""
        if first == "<" or (first == "h" and kind == "link"):
            self.autolink(token, node, first)
        else:
            self.pos = start + (2 if first == "!" else 1)
            every, self.all = self.all, True  # a link's text is read through its children
            self.run(token.get("children", []), node)
            self.all = every
            self.destination(token, node)
        self.placed(node, start)
        node.attrs["text"] = _plain_text(node)
        if "label" in token:
            self.label(node, token["label"])
        return node

    def label(self, node: Node, label: str) -> None:
        """A reference link's label; its definition is used."""
        node.attrs["label"] = label
        definition = self.builder.definitions.get(normalize_label(label))
        if definition is not None:
            definition.used = True
            if _MASKED_URL in str(node.attrs.get("url") or ""):
                # `[a]: {{ site.url }}/a/`: mistune resolved the masked text
                node.attrs["url"] = definition.url

    def autolink(self, token: dict[str, Any], node: Node, first: str) -> None:
        start = self.pos
        text = token["children"][0]["raw"] if token.get("children") else ""
        if first == "<":
            close = self.src.find(">", start)
            self.pos = close + 1 if close >= 0 else start + len(text) + 2
            node.attrs["autolink"] = True
            inner = (start + 1, self.pos - 1)
            self.opaque(start, self.pos)
        else:
            self.pos = start + len(text)
            node.attrs["bare"] = True
            inner = (start, self.pos)
        child = self.emit("text", inner[0], inner[1], {}, node)
        child.attrs["text"] = child.attrs["raw"]
        node.children.append(child)
        self.restore_url(node, *inner)

    def destination(self, token: dict[str, Any], node: Node) -> None:
        """Past the closing `]`: an inline `(url "title")`, a `[label]`, `[]`, or nothing."""
        src = self.src
        close = self.skip_to("]")
        after = close + 1
        self.pos = after
        if "label" not in token and src.startswith("(", after):
            simple = _SIMPLE_DESTINATION.match(src, after)
            next_pos = simple.end() if simple else parse_link(src, after + 1)[1]
            if next_pos is not None:
                self.pos = next_pos
                self.opaque(after, next_pos)
                if self.has_fill and src.find(FILL, after, next_pos) >= 0:
                    self.restore_destination(node, after + 1)
        elif "label" in token and src.startswith("[", after):
            _, next_pos = parse_link_label(src, after + 1)
            if next_pos is not None:
                self.pos = next_pos

    def restore_destination(self, node: Node, href_start: int) -> None:
        """`[x]({{ site.baseurl }}/x.md)`: the url as written, template included."""
        src = self.src
        while href_start < len(src) and src[href_start] in " \t\n":
            href_start += 1
        href, href_end = parse_link_href(src, href_start)
        if href is not None and href_end is not None:
            angle = src.startswith("<", href_start)
            self.restore_url(node, href_start + angle, href_end - angle)

    def restore_url(self, node: Node, start: int, stop: int) -> None:
        if FILL in self.src[start:stop]:
            node.attrs["url"] = self.slice(start, stop)


def _match_escaped(src: str, raw: str, pos: int) -> int:
    """End of `raw` in `src` from `pos`, where the source may hold backslash escapes."""
    for char in raw:
        if pos < len(src) and src[pos] == char:
            pos += 1
        elif pos + 1 < len(src) and src[pos] == "\\" and src[pos + 1] == char:
            pos += 2
        else:
            found = src.find(char, pos)
            if found < 0:
                return pos
            pos = found + 1
    return pos


def _plain_text(node: Node) -> str:
    children = node.children
    if len(children) == 1 and children[0].type == "text":  # the usual `[words](url)`
        return str(children[0].attrs["text"])
    parts: list[str] = []
    stack = list(reversed(node.children))
    while stack:
        child = stack.pop()
        if child.type in ("text", "codespan", "liquid", "shortcode"):
            parts.append(str(child.attrs.get("text", child.attrs.get("code", child.attrs["raw"]))))
        stack.extend(reversed(child.children))
    return "".join(parts)
