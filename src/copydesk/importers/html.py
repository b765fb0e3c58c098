"""HTML -> Markdown, shared by every importer: one small walker over an HTML5 parse tree.

The tree comes from selectolax's Lexbor parser (a WHATWG HTML5 parser in C), so
entities, unclosed tags and stray markup are settled the way a browser settles
them; no regular expression ever looks at HTML here. The walker turns a
container into a list of Markdown blocks: inline children gather into a
paragraph, block children add their own blocks. Blocks are never re-flowed
once made, so code keeps every space and newline.

Platforms subclass `Converter` and override `block_hook` / `inline_hook` for
their own markup (Medium's figures and embeds, WordPress's galleries); every
edit a human should see is recorded as a `Change`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from copydesk.errors import ImportFailed
from copydesk.model import Change
from copydesk.normalize.captions import (
    Caption,
    ImageRef,
    caption_of,
    caption_paragraph,
    figure_html,
    markdown_image,
)
from copydesk.normalize.links import URL_RE, clean_url

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode as Node

Captions = Literal["paragraph", "title", "figure"]

# Deeper than this is not a post but an attack or a broken generator; the walker
# recurses once per level, so the limit also keeps it far from Python's stack limit.
MAX_DEPTH = 256

_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "iframe",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "video",
        "audio",
        "html",
    ]
)
_DROPPED_TAGS = frozenset(
    ["script", "style", "noscript", "template", "head", "title", "meta", "link", "base"]
)
_EMPHASIS = {"em": "*", "i": "*", "strong": "**", "b": "**", "del": "~~", "s": "~~", "strike": "~~"}
_CODE_TAGS = frozenset({"code", "kbd", "samp", "tt"})
_SPACE = re.compile(r"[ \t\n\r\f]+")
_INLINE_SPECIAL = re.compile(r"([\\`*\[\]<])")
# An underscore between two letters or digits never delimits emphasis (`snake_case`);
# any other one may (`__init__`, `_x`), so it is escaped.
_LOOSE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|>|[-+*](?=\s)|=+\s*$|(\d+)([.)])(?=\s))")
_LANG_CLASS = re.compile(r"^(?:language|lang|brush|highlight)[-:]([\w+#.-]+)$")
_HARD_BREAK = "\\\n"
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


class Converter:
    """Walks one parsed HTML tree into Markdown; records what it could not keep as is."""

    def __init__(self, source: object, captions: Captions = "paragraph") -> None:
        self.source = source
        self.captions = captions
        self.changes: list[Change] = []
        # WordPress classic content is stored before wpautop: a blank line is a
        # paragraph break and a single newline a line break.
        self.autop = False
        self.in_link = 0  # inside a link's text, where a URL is not made a link again

    # ------------------------------------------------------------ entry points

    def convert(self, html: str) -> str:
        """The Markdown body of `html` (a fragment or a whole document)."""
        from selectolax.lexbor import LexborHTMLParser

        tree = LexborHTMLParser(html)
        root = tree.body
        if root is None:
            return ""
        return self.convert_node(root)

    def convert_node(self, root: Node) -> str:
        check_depth(root, self.source)
        body = "\n\n".join(self.blocks(root)).strip("\n")
        return body + "\n" if body else ""

    def text(self, text: str) -> str:
        """A run of text as Markdown. A bare URL in it (an embed's address, a pasted
        link) becomes an autolink `<url>`, tracking parameters removed (recorded):
        escaped like prose, `n_/` would turn into `n\\_/` and change the URL for
        renderers that link bare URLs. Inside a link's text it stays text."""
        if self.in_link or "://" not in text:
            return escape_text(text)
        parts, last = [], 0
        for match in URL_RE.finditer(text):
            url = match[0].rstrip(".,;:!?")  # a sentence's end is not the URL's
            if not url.endswith("://"):
                parts.append(escape_text(text[last : match.start()]))
                cleaned = clean_url(url)
                if cleaned != url:
                    self.changes.append(
                        Change(
                            kind="tracking",
                            before=url,
                            after=cleaned,
                            reason="tracking parameters removed from a link",
                        )
                    )
                parts.append(f"<{cleaned}>")
                last = match.start() + len(url)
        parts.append(escape_text(text[last:]))
        return "".join(parts)

    def record(self, kind: str, reason: str, *, before: str = "", after: str = "") -> None:
        """A change that needs a human (an embed, an unknown construct)."""
        self.changes.append(
            Change(kind=kind, before=before, after=after, reason=reason, review=True)
        )

    # ------------------------------------------------------------ hooks

    def block_hook(self, node: Node) -> list[str] | None:
        """A platform's own rendering of a block element, or None for the default."""
        return None

    def inline_hook(self, node: Node) -> str | None:
        """A platform's own rendering of an inline element, or None for the default."""
        return None

    def comment_hook(self, node: Node) -> list[str] | None:
        """Blocks for an HTML comment between blocks (`<!--more-->`); None drops it."""
        return None

    # ------------------------------------------------------------ blocks

    def blocks(self, node: Node) -> list[str]:
        """The children of `node` as Markdown blocks (paragraphs gathered from inline runs)."""
        out: list[str] = []
        run: list[str] = []
        for child in _children(node):
            tag = child.tag
            if tag == "-text" and self.autop and "\n" in (child.text_content or ""):
                pieces = _BLANK_LINE.split(child.text_content or "")
                for number, piece in enumerate(pieces):
                    if number:
                        out.extend(paragraph(run))
                        run = []
                    lines = piece.strip("\n").split("\n")
                    run.append(_HARD_BREAK.join(self.text(_SPACE.sub(" ", x)) for x in lines))
            elif tag == "-text":
                run.append(self.text(_SPACE.sub(" ", child.text_content or "")))
            elif tag == "-comment":
                hooked = self.comment_hook(child)
                if hooked:
                    out.extend(paragraph(run))
                    run = []
                    out.extend(hooked)
            elif tag in _BLOCK_TAGS or self._is_block(child):
                out.extend(paragraph(run))
                run = []
                out.extend(block for block in self.block(child) if block.strip())
            elif tag == "-doctype" or tag in _DROPPED_TAGS:
                continue
            else:
                run.append(self.inline(child))
        out.extend(paragraph(run))
        return out

    def _is_block(self, node: Node) -> bool:
        return False

    def block(self, node: Node) -> list[str]:
        hooked = self.block_hook(node)
        if hooked is not None:
            return hooked
        tag = node.tag or ""
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return self.heading(node, int(tag[1]))
        if tag == "hr":
            return ["---"]
        if tag == "pre":
            return [self.code_block(node)]
        if tag == "blockquote":
            return [quote("\n\n".join(self.blocks(node)))]
        if tag in ("ul", "ol", "menu"):
            return [self.list_block(node)]
        if tag == "li":
            return [indent_item("-", self.blocks(node))]
        if tag == "table":
            return self.table(node)
        if tag == "figure":
            return self.figure(node)
        if tag == "figcaption":
            caption = caption_of(node)
            return [caption_paragraph(caption)] if caption.text else []
        if tag in ("iframe", "video", "audio"):
            return self.embed(node)
        return self.blocks(node)

    def heading(self, node: Node, level: int) -> list[str]:
        text = self.inline_text(node)
        if not text:
            return []
        if text.endswith("#"):
            text = text[:-1] + "\\#"
        return ["#" * level + " " + text]

    def code_block(self, node: Node) -> str:
        code = pre_text(node).strip("\n")
        return fenced(code, code_language(node))

    def list_block(self, node: Node) -> str:
        ordered = node.tag == "ol"
        number = _int(node.attributes.get("start"), 1)
        items: list[list[str]] = []
        for child in _children(node):
            if child.tag == "li":
                items.append(self.blocks(child))
            elif child.tag in ("ul", "ol"):  # a list nested without its <li>
                if items:
                    items[-1].append(self.list_block(child))
                else:
                    items.append([self.list_block(child)])
            elif child.tag == "-text" and not (child.text_content or "").strip():
                continue
            else:
                items.append(
                    self.blocks(child)
                    if child.tag != "-text"
                    else paragraph([self.text(_SPACE.sub(" ", child.text_content or ""))])
                )
        loose = any(sum(not _is_list(block) for block in item) > 1 for item in items)
        rendered = []
        for item in items:
            marker = f"{number}." if ordered else "-"
            number += 1
            rendered.append(indent_item(marker, item))
        return ("\n\n" if loose else "\n").join(rendered)

    def table(self, node: Node) -> list[str]:
        rows: list[list[str]] = []
        for row in node.css("tr"):
            cells = [
                self.inline_text(cell, breaks=" ").replace("|", "\\|")
                for cell in _children(row)
                if cell.tag in ("td", "th")
            ]
            if cells:
                rows.append(cells)
        if not rows:
            return []
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return ["\n".join(lines)]

    def figure(self, node: Node) -> list[str]:
        """Images (one, or several side by side) and their caption, per `captions`.

        A figure of figures (WordPress's block gallery) is a container: each inner
        figure keeps its own caption, and the gallery's caption is a paragraph.
        """
        if len(node.css("figure")) > 1:  # css() includes the node itself
            return self.blocks(node)
        caption_node = node.css_first("figcaption")
        images = [image for image in node.css("img") if image_src(image)]
        if not images:
            return self.blocks(node)
        caption = caption_of(caption_node) if caption_node else None
        refs = [image_ref(image, linked=True) for image in images]
        return self.captioned(refs, caption)

    def captioned(self, refs: list[ImageRef], caption: Caption | None) -> list[str]:
        """Images with one caption, written as `captions` asks (paragraph, title or figure)."""
        if caption is None or not caption.text:
            return ["\n".join(markdown_image(ref, ref.title) for ref in refs)]
        if self.captions == "title":
            return ["\n".join(markdown_image(ref, caption.text) for ref in refs)]
        if self.captions == "figure":
            return ["\n".join(figure_html(ref, caption) for ref in refs)]
        return [
            "\n".join(markdown_image(ref, ref.title) for ref in refs),
            caption_paragraph(caption),
        ]

    def embed(self, node: Node) -> list[str]:
        """An iframe, video or audio: a link to the embedded thing, for a human to look at."""
        src = node.attributes.get("src") or ""
        if not src:
            source = node.css_first("source")
            src = (source.attributes.get("src") or "") if source else ""
        if not src:
            return self.blocks(node)
        if src.startswith("//"):
            src = "https:" + src
        title = _SPACE.sub(" ", node.attributes.get("title") or "").strip() or embed_name(src)
        link = f"[{escape_text(title)}]({link_target(clean_url(src))})"
        self.record(
            "embed", f"embedded {node.tag} written as a link", before=node.html or "", after=link
        )
        return [link]

    # ------------------------------------------------------------ inline

    def inline_text(self, node: Node, breaks: str = " ") -> str:
        """The inline Markdown of `node` on one line (headings, table cells)."""
        text = "".join(self.inline_children(node)).replace(_HARD_BREAK, breaks)
        return _SPACE.sub(" ", text).strip()

    def inline_children(self, node: Node) -> Iterator[str]:
        for child in _children(node):
            tag = child.tag
            if tag == "-text":
                yield self.text(_SPACE.sub(" ", child.text_content or ""))
            elif tag in ("-comment", "-doctype") or tag in _DROPPED_TAGS:
                continue
            elif tag in _BLOCK_TAGS:
                yield " " + "".join(self.inline_children(child)) + " "
            else:
                yield self.inline(child)

    def inline(self, node: Node) -> str:
        hooked = self.inline_hook(node)
        if hooked is not None:
            return hooked
        tag = node.tag or ""
        if tag == "br":
            return _HARD_BREAK
        if tag == "img":
            src = image_src(node)
            return markdown_image(image_ref(node), image_ref(node).title) if src else ""
        if tag == "a":
            return self.link(node)
        if tag in _EMPHASIS:
            return emphasis("".join(self.inline_children(node)), _EMPHASIS[tag])
        if tag in _CODE_TAGS:
            return code_span(node.text(deep=True) or "")
        if tag in ("iframe", "video", "audio"):
            return " ".join(self.embed(node))
        return "".join(self.inline_children(node))

    def link(self, node: Node) -> str:
        """`[text](href "title")`; a space at the edge of the text stays outside the brackets
        (`to<a> embed</a>` is `to [embed](…)`, not `to[embed](…)`)."""
        self.in_link += 1
        try:
            inner = "".join(self.inline_children(node))
        finally:
            self.in_link -= 1
        text = inner.strip()
        lead = " " if inner[:1] == " " else ""
        trail = " " if inner[-1:] == " " else ""
        href = (node.attributes.get("href") or "").strip()
        if not href or href.lower().startswith("javascript:"):
            return f"{lead}{text}{trail}"
        href = clean_url(href)
        if not text:
            return f"<{href}>" if re.match(r"^https?://\S+$", href) else lead + trail
        title = node.attributes.get("title")
        title_part = f' "{_quote_title(title)}"' if title and title != href else ""
        return f"{lead}[{text}]({link_target(href)}{title_part}){trail}"


# ---------------------------------------------------------------- helpers


def check_depth(root: Node, source: object) -> None:
    """Refuse a tree nested deeper than MAX_DEPTH, with one line rather than a traceback."""
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ImportFailed(source, f"HTML nested deeper than {MAX_DEPTH} elements; refused")
        child = node.child
        while child is not None:
            if child.tag and not child.tag.startswith("-"):
                stack.append((child, depth + 1))
            child = child.next


def _children(node: Node) -> Iterator[Node]:
    child = node.child
    while child is not None:
        yield child
        child = child.next


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _is_list(block: str) -> bool:
    return bool(re.match(r"^(?:[-+*]|\d+[.)])(?: |$)", block))


def _quote_title(title: str) -> str:
    return _SPACE.sub(" ", title).strip().replace("\\", "\\\\").replace('"', '\\"')


def escape_text(text: str) -> str:
    """Text that Markdown must read back as the same text (no accidental emphasis or links)."""
    text = text.replace("\xa0", " ")
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _LOOSE_UNDERSCORE.sub(r"\\_", text)
    return _ENTITY_LIKE.sub(r"\\&", text)


def paragraph(run: list[str]) -> list[str]:
    """An inline run as at most one paragraph: spaces collapsed, lines trimmed and made safe."""
    text = "".join(run)
    if not text.strip():
        return []
    lines = [_SPACE.sub(" ", line).strip() for line in text.split(_HARD_BREAK)]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    lines = [_safe_line_start(line) for line in lines if line]
    return [_HARD_BREAK.join(lines)] if lines else []


def _safe_line_start(line: str) -> str:
    """A paragraph line that would read as a heading, quote or list item gets a backslash."""
    match = _LINE_START.match(line)
    if not match:
        return line
    if match[3]:  # "1. " -> "1\. "
        return line[: match.start(4)] + "\\" + line[match.start(4) :]
    return line[: match.start(2)] + "\\" + line[match.start(2) :]


def emphasis(inner: str, marker: str) -> str:
    """`*text*` with surrounding spaces moved outside the markers (`* a *` is not emphasis)."""
    stripped = inner.strip()
    if not stripped or stripped == _HARD_BREAK.strip():
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{marker}{stripped}{marker}{trail}"


def code_span(text: str) -> str:
    text = _SPACE.sub(" ", text.replace("\xa0", " "))
    if not text.strip():
        return text
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def fenced(code: str, language: str = "") -> str:
    longest = max((len(run) for run in re.findall(r"^[ \t]*(`{3,}|~{3,})", code, re.M)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code}\n{fence}"


def pre_text(node: Node) -> str:
    """The exact text of a `<pre>`: `<br>` is a newline, highlight spans keep only their text."""
    parts: list[str] = []
    for child in _children(node):
        if child.tag == "-text":
            parts.append((child.text_content or "").replace("\xa0", " "))
        elif child.tag == "br":
            parts.append("\n")
        elif child.tag not in ("-comment",):
            parts.append(pre_text(child))
    return "".join(parts)


def code_language(node: Node) -> str:
    """The language a `<pre>` (or its `<code>`) declares, in any of the common spellings."""
    code = node.css_first("code")
    for element in (node, code):
        if element is None:
            continue
        attributes = element.attributes
        for name in ("data-code-block-lang", "data-lang", "data-language", "lang", "language"):
            value = attributes.get(name)
            if value and re.match(r"^[\w+#.-]+$", value):
                return value.lower()
        for cls in (attributes.get("class") or "").split():
            match = _LANG_CLASS.match(cls)
            if match:
                return match[1].lower()
    return ""


def image_src(node: Node) -> str:
    attributes = node.attributes
    return (attributes.get("src") or attributes.get("data-src") or "").strip()


def image_ref(node: Node, linked: bool = False) -> ImageRef:
    """An `<img>` as an image reference; with `linked`, the link around it too (a figure's
    `<a href><img></a>`; inline, the enclosing link is written by the link itself)."""
    attributes = node.attributes
    alt = (
        _SPACE.sub(" ", attributes.get("alt") or "").strip().replace("[", "\\[").replace("]", "\\]")
    )
    title = _SPACE.sub(" ", attributes.get("title") or "").strip()
    href = ""
    parent = node.parent
    if linked and parent is not None and parent.tag == "a":
        href = clean_url((parent.attributes.get("href") or "").strip())
    return ImageRef(
        src=link_target(image_src(node)), alt=alt, title=title, href=href and link_target(href)
    )


def link_target(url: str) -> str:
    """A URL usable as a Markdown destination: spaces and parentheses force `<…>`."""
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def embed_name(src: str) -> str:
    host = re.sub(r"^https?://", "", src).split("/", 1)[0]
    host = host.removeprefix("www.")
    return f"Embedded content from {host}" if host else "Embedded content"


def quote(text: str) -> str:
    if not text.strip():
        return ""
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def indent_item(marker: str, blocks: list[str]) -> str:
    """One list item: the first block after the marker, the rest indented under it."""
    if not blocks:
        return marker
    pad = " " * (len(marker) + 1)
    parts = [blocks[0]]
    for block in blocks[1:]:
        # An ordered list may interrupt a paragraph only when it starts at 1.
        tight = _is_list(block) and not re.match(r"^(?:[02-9]|1\d)\d*[.)]", block)
        parts.append(("\n" if tight else "\n\n") + block)
    text = "".join(parts)
    lines = text.split("\n")
    return "\n".join([f"{marker} {lines[0]}"] + [pad + line if line else "" for line in lines[1:]])


def html_text(html: str, source: object = "<html>", *, for_loss_check: bool = False) -> str:
    """The visible text of an HTML fragment (see `visible_text`)."""
    from selectolax.lexbor import LexborHTMLParser

    root = LexborHTMLParser(html).body
    if root is None:
        return ""
    return visible_text(root, source, for_loss_check=for_loss_check)


def visible_text(root: Node, source: object = "<html>", *, for_loss_check: bool = False) -> str:
    """Text as a reader sees it: block elements and `<br>` separate words, inline ones do not
    (a drop cap `<span>I</span>t` is one word).

    `for_loss_check` also separates words at the edges of the inline elements that
    Markdown writes with delimiters (`f<em>elis</em>` is `f*elis*`, a link is
    `[text](url)`): the loss check counts the output's words in its Markdown, where
    those delimiters split a word, so the input's words must be split the same way.
    """
    check_depth(root, source)
    parts: list[str] = []
    _visible(root, parts, _DELIMITED_TAGS if for_loss_check else frozenset())
    return "".join(parts)


_DELIMITED_TAGS = frozenset(["a", *_EMPHASIS, *_CODE_TAGS])


def _visible(node: Node, parts: list[str], split: frozenset[str]) -> None:
    for child in _children(node):
        tag = child.tag or ""
        if tag == "-text":
            parts.append(child.text_content or "")
        elif tag.startswith("-") or tag in _DROPPED_TAGS:
            continue
        elif tag in _BLOCK_TAGS or tag in ("br", "img", "td", "th") or tag in split:
            parts.append(" ")
            _visible(child, parts, split)
            parts.append(" ")
        else:
            _visible(child, parts, split)


def to_markdown(html: str, source: object = "<html>", captions: Captions = "paragraph") -> str:
    """HTML -> Markdown with the generic rules (no platform hooks)."""
    return Converter(source, captions).convert(html)


def fragment_nodes(html: str) -> Iterator[Node]:
    """The top-level nodes (elements, text, comments) of an HTML fragment, parsed in a
    `<div>` as the standard says (a lone start tag is an element)."""
    from selectolax.lexbor import LexborHTMLParser

    first = LexborHTMLParser(html, is_fragment=True).root  # the first top-level node
    if first is not None:
        yield from first.iter(include_text=True)  # it and its siblings


def fragment_elements(html: str) -> Iterator[Node]:
    """The top-level elements of an HTML fragment (text and comments skipped)."""
    yield from (node for node in fragment_nodes(html) if not (node.tag or "-").startswith("-"))


def start_tag(tag: str, attributes: list[tuple[str, str | None]], self_closing: bool) -> str:
    """A start tag written from parsed attributes (values quoted and escaped, in order)."""
    import html

    parts = [tag] + [
        name if value is None else f'{name}="{html.escape(value)}"' for name, value in attributes
    ]
    return "<" + " ".join(parts) + (" />" if self_closing else ">")
