"""Image captions: raw caption HTML in, Markdown / plain text / clean HTML out.

Medium's `<figcaption>` and WordPress's `[caption]` both carry a caption made
of inline HTML. It is parsed once into three renderings, and `Options.captions`
chooses how the caption is written next to its image: a `*caption*` paragraph
after the image (default), the image title, or a clean `<figure>`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from copydesk.normalize.links import clean_url

_SPACE = re.compile(r"\s+")
_CREDIT = re.compile(
    r"^(?:photo(?:graph)?|image|picture|illustration|header image|cover image)\s+"
    r"(?:by|from|courtesy of|via)\s+\S",
    re.IGNORECASE,
)
_EMPHASIS = {"em": "*", "i": "*", "strong": "**", "b": "**"}


@dataclass(frozen=True)
class Caption:
    markdown: str
    text: str
    html: str
    links: int = 0

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


class _CaptionParser(HTMLParser):
    """Inline HTML to Markdown, text and attribute-free HTML; unknown tags keep their text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.markdown: list[str] = []
        self.text: list[str] = []
        self.html: list[str] = []
        self._links: list[tuple[str, int]] = []
        self.links = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = clean_url(dict(attrs).get("href") or "")
            self._links.append((href, len(self.markdown)))
            self.html.append(f'<a href="{html.escape(href)}">' if href else "")
        elif tag in _EMPHASIS:
            self.markdown.append(_EMPHASIS[tag])
            self.html.append(f"<{tag}>")
        elif tag == "br":
            self.handle_data(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(self.markdown[start:]).strip()
            if href and label:
                self.markdown[start:] = [f"[{label}]({href})"]
                self.links += 1
            self.html.append("</a>" if href else "")
        elif tag in _EMPHASIS:
            self.markdown.append(_EMPHASIS[tag])
            self.html.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.markdown.append(data.replace("<", "&lt;"))
        self.text.append(data)
        self.html.append(html.escape(data, quote=False))


def parse_caption(inner_html: str) -> Caption:
    parser = _CaptionParser()
    parser.feed(inner_html)
    parser.close()

    def tidy(parts: list[str]) -> str:
        return _SPACE.sub(" ", "".join(parts)).strip()

    return Caption(tidy(parser.markdown), tidy(parser.text), tidy(parser.html), parser.links)


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
    return f"*{caption.markdown}*"
