"""Image captions: raw caption HTML in, Markdown / plain text / clean HTML out.

Medium's `<figcaption>` and WordPress's `[caption]` both carry a caption made
of inline HTML. It is read with the HTML5 parser the importers use
(selectolax's Lexbor: entities, unclosed and stray tags settled as a browser
settles them) into three renderings, and `Options.captions` chooses how the
caption is written next to its image: an italic paragraph after the image
(default), the image title, or a clean `<figure>`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from copydesk.normalize.links import clean_url

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode as Node

_SPACE = re.compile(r"\s+")
_CREDIT = re.compile(
    r"^(?:photo(?:graph)?|image|picture|illustration|header image|cover image)\s+"
    r"(?:by|from|courtesy of|via)\s+\S",
    re.IGNORECASE,
)
_EMPHASIS = {"em": "*", "i": "*", "strong": "**", "b": "**"}
_DROPPED = frozenset({"script", "style", "template", "noscript"})  # no text a reader sees


@dataclass(frozen=True)
class Caption:
    markdown: str
    text: str
    html: str
    links: int = 0
    italic_markdown: str = ""  # the Markdown to write inside italics (its own italics left out)

    @property
    def is_credit(self) -> bool:
        """ "Photo by X on Y" and friends: a credit line rather than a description."""
        return bool(_CREDIT.match(self.text))

    @property
    def has_links(self) -> bool:
        return self.links > 0


@dataclass(frozen=True)
class ImageRef:
    src: str
    alt: str = ""
    title: str = ""
    href: str = ""


def parse_caption(inner_html: str) -> Caption:
    """The caption of a piece of inline HTML (a `<figcaption>`'s or `[caption]`'s inside)."""
    from selectolax.lexbor import LexborHTMLParser

    root = LexborHTMLParser(inner_html).body
    return caption_of(root) if root is not None else Caption("", "", "")


def caption_of(node: Node) -> Caption:
    """The caption an element of an already parsed tree holds (an importer's `<figcaption>`)."""
    walker, italic = _CaptionWalker(), _CaptionWalker(in_italics=True)
    walker.walk(node)
    italic.walk(node)

    def tidy(parts: list[str]) -> str:
        return _SPACE.sub(" ", "".join(parts)).strip()

    return Caption(
        tidy(walker.markdown),
        tidy(walker.text),
        tidy(walker.html),
        walker.links,
        tidy(italic.markdown),
    )


class _CaptionWalker:
    """Inline HTML to Markdown, text and attribute-free HTML; unknown tags keep their text."""

    def __init__(self, *, in_italics: bool = False) -> None:
        self.emphasis = {"strong": "**", "b": "**"} if in_italics else _EMPHASIS
        self.markdown: list[str] = []
        self.text: list[str] = []
        self.html: list[str] = []
        self.links = 0

    def walk(self, node: Node) -> None:
        child = node.child
        while child is not None:
            self.element(child)
            child = child.next

    def element(self, node: Node) -> None:
        tag = node.tag or ""
        if tag == "-text":
            self.data(node.text_content or "")
        elif tag.startswith("-") or tag in _DROPPED:
            return
        elif tag == "br":
            self.data(" ")
        elif tag == "a":
            self.link(node)
        elif tag in _EMPHASIS:
            marker = self.emphasis.get(tag, "")
            self.markdown.append(marker)
            self.html.append(f"<{tag}>")
            self.walk(node)
            self.markdown.append(marker)
            self.html.append(f"</{tag}>")
        else:
            self.walk(node)

    def link(self, node: Node) -> None:
        href = clean_url(node.attributes.get("href") or "")
        start = len(self.markdown)
        self.html.append(f'<a href="{html.escape(href)}">' if href else "")
        self.walk(node)
        label = "".join(self.markdown[start:]).strip()
        if href and label:
            self.markdown[start:] = [f"[{label}]({href})"]
            self.links += 1
        self.html.append("</a>" if href else "")

    def data(self, data: str) -> None:
        self.markdown.append(data.replace("<", "&lt;"))
        self.text.append(data)
        self.html.append(html.escape(data, quote=False))


def markdown_image(image: ImageRef, title: str = "") -> str:
    title_part = ' "' + title.replace("\\", "\\\\").replace('"', '\\"') + '"' if title else ""
    text = f"![{image.alt}]({image.src}{title_part})"
    return f"[{text}]({image.href})" if image.href else text


def figure_html(image: ImageRef, caption: Caption) -> str:
    alt = html.escape(image.alt)
    img = f'<img src="{html.escape(image.src)}" alt="{alt}">'
    if image.href:
        img = f'<a href="{html.escape(image.href)}">{img}</a>'
    return f"<figure>{img}<figcaption>{caption.html}</figcaption></figure>"


def caption_paragraph(caption: Caption) -> str:
    """The caption in italics, written without its own italics: inside an italic paragraph
    they show as nothing more (a browser shows `<em>` in `<em>` as italics), and as
    markers they nest badly (`<em>Photo</em>` would be `**Photo**`, bold)."""
    return f"*{caption.italic_markdown}*"
