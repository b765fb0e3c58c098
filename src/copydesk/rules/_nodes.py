"""Small helpers the link and image rules share: reading node attributes,
skipping templated nodes, and pointing inside a node's exact source.

A rule may point at a spot inside a node (a "(here)" in the middle of a
paragraph, an `<img>` inside an HTML block) only when the node's source text
can be found verbatim at the node's position; otherwise it reports the node
itself. That check keeps every column honest without the rule re-parsing
the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote

from copydesk.rules.base import Context, Violation

if TYPE_CHECKING:
    from copydesk.parse import Node, ParsedFile
    from copydesk.site import Project

_TEMPLATE = re.compile(r"\{\{|\{%|\{\{<|\{\{%")
_HTML_URL_ATTR = re.compile(r"""\b(?:href|src|data-href)\s*=\s*(["'])(.*?)\1""", re.IGNORECASE)

# The site model's settings (see copydesk.site): each overrides what is
# detected from the generator's own config.
SITE_OPTIONS: Mapping[str, Any] = {
    # Folder of the site, relative to the config file; "" finds it from the file.
    "site-root": "",
    # Extra folders served at the site root, besides the generator's own.
    "static-dirs": [],
    # Permalink pattern for posts (`/blog/:year/:slug/`); "" uses the generator's.
    "permalink": "",
    # "auto" (detect), jekyll, hugo, mkdocs, docusaurus, eleventy or plain; or
    # "github"/"kramdown" to choose only the heading-id rule.
    "generator": "auto",
}


def case_message(what: str, written: str, twin: Path, ctx: Context) -> str:
    """CD101's and CD205's message for a path whose letter case is wrong."""
    return site_case_message(what, written, twin, project(ctx))


def site_case_message(what: str, written: str, twin: Path, site: Project) -> str:
    """`case_message` for a link checked in the project stage, without a file's context."""
    on_disk = site.on_disk(twin)
    return (
        f"{what} '{written}' differs in letter case from '{on_disk}' on disk"
        " (it works where case is ignored, and is a 404 on a Linux host)"
    )


def url_of(node: Node) -> str:
    return str(node.attrs.get("url") or "")


def written_url(node: Node, ctx: Context) -> str:
    """A link's target for a message, as the author wrote it. The parser's
    `url` is percent-encoded (`<my file.md>` reads `my%20file.md`, `café.md`
    `caf%C3%A9.md`), which the author would not find in the file: where that
    spelling is not in the link's source (or its reference definition's
    line), the target is shown decoded. Image paths read the same way."""
    url = url_of(node)
    if "%" not in url:
        return url
    written = raw_of(node)
    label = node.attrs.get("label")
    if label is not None:
        from copydesk.parse import normalize_label

        definition = ctx.parsed.definitions.get(normalize_label(str(label)))
        if definition is not None:
            lines = ctx.parsed.document.text.splitlines()
            written += "\n".join(lines[definition.line - 1 : definition.line + 1])
    return url if url in written else unquote(url)


def text_of(node: Node) -> str:
    return str(node.attrs.get("text") or "")


def raw_of(node: Node) -> str:
    return str(node.attrs.get("raw") or "")


def templated(node: Node, ctx: Context) -> bool:
    """Inside Liquid/shortcodes, or a URL built by a template: not ours to judge.
    So is what a capture tag pair holds (`{% set x %}…{% endset %}`, `{% capture
    x %}…{% endcapture %}`): a template's variable, not the page's text (an
    Eleventy page keeps its code samples in them for an include to show)."""
    parsed = ctx.parsed
    if not parsed.templating:
        return False
    attrs = node.attrs
    found = attrs.get("templated")
    if found is None:  # most link rules ask about every link: once per node
        found = attrs["templated"] = _templated(node, parsed)
    return bool(found)


def _templated(node: Node, parsed: ParsedFile) -> bool:
    if parsed.in_templating(node.line, node.column):
        return True
    captures = parsed.memo("captures", lambda: _captures(parsed))
    if not captures:
        return False
    offset = parsed.offset(node.line, node.column)
    return any(start <= offset < end for start, end in captures)


_CAPTURE_TAG = re.compile(r"\{%-?\s*(end)?(set|capture)\b([^%]*)")


def _captures(parsed: ParsedFile) -> list[tuple[int, int]]:
    """Offsets [start, end) of each capture pair, tags included; `{% set x = 1 %}`
    assigns and encloses nothing."""
    text = parsed.document.text
    found: list[tuple[int, int]] = []
    open_at: dict[str, list[int]] = {"set": [], "capture": []}
    for start, end in parsed.templating:
        match = _CAPTURE_TAG.match(text, start, end)
        if match is None:
            continue
        ending, name = bool(match.group(1)), match.group(2)
        if not ending and not (name == "set" and "=" in match.group(3)):
            open_at[name].append(start)
        elif ending and open_at[name]:
            found.append((open_at[name].pop(), end))
    return found


def has_template(value: str) -> bool:
    return "{" in value and _TEMPLATE.search(value) is not None  # most URLs hold no brace


def inside(node: Node, *types: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in types:
            return True
        parent = parent.parent
    return False


def prose_text_nodes(ctx: Context, has: Callable[[str], bool]) -> Iterator[tuple[Node, str]]:
    """(node, source) of text nodes outside links, images and templating whose
    source passes `has`.

    Text rules run per file over this rather than per node through the
    engine: `has` is a substring test, so the few nodes that can match are
    found in one tight loop and the rest cost almost nothing.
    """
    for node in full_parse(ctx).of_type("text"):
        source = raw_of(node) or text_of(node)
        if has(source) and not templated(node, ctx) and not inside(node, "link", "image"):
            yield node, source


def full_parse(ctx: Context) -> ParsedFile:
    """The file with every node built.

    The engine asks the parser only for the node types the selected rules
    declare, and text nodes are not among them: text rules look at
    `prose` first and come here only for the rare file where it shows a
    candidate. Built once per file, as several rules may ask for it.
    """
    parsed = ctx.parsed
    if ctx.built is None:
        return parsed  # already built whole
    from copydesk.parse import parse_document

    return parsed.memo("full-parse", lambda: parse_document(parsed.document))


class CodeMap(NamedTuple):
    """Where code sits in the file: whole lines of code blocks, spans of inline code.
    (A NamedTuple: making a dataclass costs ~0.3 ms at every import.)"""

    lines: frozenset[int]
    spans: tuple[tuple[int, int, int, int], ...]

    def covers(self, line: int, column: int) -> bool:
        if line in self.lines:
            return True
        return any((l1, c1) <= (line, column) < (l2, c2) for l1, c1, l2, c2 in self.spans)


def code_map(parsed: ParsedFile) -> CodeMap:
    """Needs `block_code` and `codespan` nodes built (declare them in `needs`)."""
    return parsed.memo("code-map", lambda: _code_map(parsed))


def _code_map(parsed: ParsedFile) -> CodeMap:
    lines: set[int] = set()
    for node in parsed.of_type("block_code"):
        lines.update(range(node.line, node.end_line + 1))
    spans = tuple(
        (node.line, node.column, node.end_line, node.end_column)
        for node in parsed.of_type("codespan")
    )
    return CodeMap(frozenset(lines), spans)


def inside_span(nodes: Sequence[Node], line: int, column: int) -> bool:
    """Whether (line, column) lies within one of the nodes' source spans."""
    return any(
        (node.line, node.column) <= (line, column) < (node.end_line, node.end_column)
        for node in nodes
    )


def position_in(node: Node, ctx: Context, offset: int) -> tuple[int, int]:
    """File position of `offset` into the node's raw source.

    Exact only when the raw text sits verbatim at the node's position; then
    lines after the first start at column 1 (block HTML starts a line).
    Otherwise the node's own position, which is never wrong, only coarser.
    """
    raw = raw_of(node)
    lines = raw.split("\n")
    first = ctx.parsed.line_text(node.line)
    start = node.column - 1
    if not raw or first[start : start + len(lines[0])] != lines[0]:
        return node.line, node.column
    for number, text in enumerate(lines[1:], start=node.line + 1):
        if ctx.parsed.line_text(number)[: len(text)] != text:
            return node.line, node.column
    before = raw[:offset]
    line = node.line + before.count("\n")
    if line == node.line:
        return line, node.column + offset
    return line, offset - before.rfind("\n")


def violation_in(node: Node, ctx: Context, offset: int, message: str) -> Violation:
    line, column = position_in(node, ctx, offset)
    return Violation(line, column, message)


def html_urls(node: Node) -> Iterator[tuple[int, str]]:
    """(offset in raw, value) of each href/src/data-href in a raw HTML node."""
    for match in _HTML_URL_ATTR.finditer(raw_of(node)):
        yield match.start(2), match.group(2).replace("&amp;", "&")


def project(ctx: Context) -> Project:
    """The post's site, as link and image rules ask for it on every node.

    Looked up once per file for all rules with the same site settings (it
    depends on nothing else), and kept on the rule's context after that.
    """
    if ctx.site is None:
        project_for = sites().project_for
        settings = ctx.settings
        root = ctx.root if isinstance(ctx.root, Path) else Path(ctx.root)
        ctx.site = ctx.parsed.memo(
            _site_key(ctx), lambda: project_for(settings, root, ctx.path, ctx.project)
        )
    site: Project = ctx.site
    return site


def sites() -> ModuleType:
    """`copydesk.site.project`, imported on first use (a run whose rules ask
    no site question, a warm run, never imports it) and then kept: an import
    statement costs ~1.4 us a call, and link rules ask per link."""
    global _SITES
    if _SITES is None:
        import copydesk.site.project as module

        _SITES = module
    return _SITES


_SITES: ModuleType | None = None


def site_key(ctx: Context) -> tuple[Any, ...]:
    """What names this file's site model in a rule's facts (see `site_model`)."""
    site = project(ctx)
    if site.key:
        return site.key
    key = ("shared", id(site))  # a model a caller gave: known in this process only
    _SHARED.setdefault(key, site)
    return key


def site_model(key: tuple[Any, ...]) -> Project:
    """The site model `site_key` named, for a rule's project stage."""
    if key[0] == "shared":
        return _SHARED[key]
    from copydesk.site.project import model_for

    return model_for(key)


_SHARED: dict[tuple[Any, ...], Project] = {}


# (id of settings, of root, of the shared project) -> those three, kept alive so
# that no id is reused, and the memo key their values give.
_SITE_KEYS: dict[tuple[int, int, int], tuple[object, object, object, str]] = {}


def _site_key(ctx: Context) -> str:
    """The file's memo key for its site model: the site settings' values, as
    text. Every rule and file of a run shares its settings objects (they are
    not changed once loaded), so the text is built once per object, not per
    rule and file."""
    settings, root, shared = ctx.settings, ctx.root, ctx.project
    ident = (id(settings), id(root), id(shared))
    known = _SITE_KEYS.get(ident)
    if known is None or known[0] is not settings or known[1] is not root or known[2] is not shared:
        if len(_SITE_KEYS) >= 256:  # a long-lived process (tests, an editor)
            _SITE_KEYS.clear()
        key = "site:" + repr([root, *(settings.get(name) for name in SITE_OPTIONS), shared])
        known = _SITE_KEYS[ident] = (settings, root, shared, key)
    return known[3]


def is_post(ctx: Context) -> bool:
    """Whether post metadata rules apply to this file: the site model says
    which files are posts (Jekyll `_posts/`, a Hugo main section, a blog);
    READMEs, docs pages, includes and partials are not. Asked by several
    rules per file: answered once per file and site model."""
    site = project(ctx)
    answers: dict[int, bool] = ctx.parsed.memo("is-post", dict)
    post = answers.get(id(site))
    if post is None:
        post = answers[id(site)] = site.is_post(ctx.path)
    return post
