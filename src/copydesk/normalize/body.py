"""Body clean-ups shared by the normalizers, always on masked text (see protect.py).

Edits keep the line structure where they can: a removed line becomes a
REMOVED marker line that `finish` drops at the end, so the line numbers in
recorded changes point at the input file.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from copydesk.mojibake import repair as repair_mojibake
from copydesk.normalize import Context
from copydesk.normalize.captions import (
    Caption,
    ImageRef,
    caption_paragraph,
    figure_html,
    markdown_image,
    parse_caption,
)
from copydesk.normalize.protect import TOKEN_RE, Masked, mask

REMOVED = "\ue003"
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_TAG = re.compile(r"<[A-Za-z/!][^<>]*>")
# Decoding these would create Markdown or HTML syntax the author did not write.
_KEEP_ENCODED = frozenset("<>*_[]`\\#|~")
_ENTITY_AFTER_AMP = re.compile(r"(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_WP_CAPTION = re.compile(r"\[caption(?P<attrs>[^\]]*)\](?P<inner>.*?)\[/caption\]", re.DOTALL)
_ATTR = re.compile(r"([A-Za-z_:][\w:.-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
# What an earlier converter left inside a [caption]: a Markdown image, linked or not.
_MD_IMG = re.compile(
    r"(?P<open>\[)?!\[(?P<alt>[^\]\n]*)\]\((?P<src>[^)\s]+)(?:[ \t]+\"[^\"\n]*\")?\)"
    r"(?(open)\]\((?P<href>[^)\s]+)\))"
)
_ATX = re.compile(r"^ {0,3}#[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}=+[ \t]*$")


@dataclass
class Edit:
    """The masked body being edited, and how to record an edit at a position in it."""

    context: Context
    masked: Masked
    line_base: int
    captions: dict[str, Caption] = field(default_factory=dict)

    @classmethod
    def start(cls, body: str, context: Context, line_base: int) -> Edit:
        return cls(context=context, masked=mask(body), line_base=line_base)

    @property
    def text(self) -> str:
        return self.masked.text

    @text.setter
    def text(self, value: str) -> None:
        self.masked.text = value

    def line_at(self, text: str, position: int) -> int:
        return self.line_base + text.count("\n", 0, position)

    def record(
        self,
        kind: str,
        reason: str,
        *,
        line: int | None,
        before: str = "",
        after: str = "",
        review: bool = False,
    ) -> None:
        unmask = self.masked.unmask
        before_text, after_text = unmask(before).replace(REMOVED, ""), unmask(after)
        self.context.record(
            kind, reason, before=before_text, after=after_text, line=line, review=review
        )

    def map_lines(self, rewrite: Callable[[str], str], kind: str, reason: str) -> None:
        """Rewrite every line, recording each one that changes."""
        lines = self.text.split("\n")
        for index, line in enumerate(lines):
            new = rewrite(line)
            if new != line:
                self.record(kind, reason, line=self.line_base + index, before=line, after=new)
                lines[index] = new
        self.text = "\n".join(lines)

    def remove_lines(
        self, start: int, count: int, kind: str, reason: str, *, after: str = ""
    ) -> None:
        """Replace lines with REMOVED markers (dropped by `finish`), recording them."""
        lines = self.text.split("\n")
        before = "\n".join(lines[start : start + count])
        self.record(kind, reason, line=self.line_base + start, before=before, after=after)
        lines[start : start + count] = [REMOVED] * count
        self.text = "\n".join(lines)

    def finish(self) -> str:
        """Drop REMOVED lines (and the blank lines they leave doubled), then unmask."""
        kept: list[str] = []
        dropping = False
        for line in self.text.split("\n"):
            if line == REMOVED:
                dropping = not kept or not kept[-1].strip()
                continue
            if dropping and not line.strip():
                continue
            dropping = False
            kept.append(line)
        return self.masked.unmask("\n".join(kept)).strip("\n")


def decode_entities(edit: Edit) -> None:
    """`&nbsp;`, `&amp;`, `&#8217;` … become characters, except where that would add syntax."""
    edit.map_lines(_decode_line, "entity", "HTML entities decoded")


def _decode_line(line: str) -> str:
    tags = [match.span() for match in _TAG.finditer(line)]

    def decode(match: re.Match[str]) -> str:
        if any(start <= match.start() < end for start, end in tags):
            return match[0]  # attribute values stay HTML-encoded
        char = html.unescape(match[0])
        if char == match[0] or char in _KEEP_ENCODED:
            return match[0]
        if char == "&" and _ENTITY_AFTER_AMP.match(line, match.end()):
            return match[0]  # `&amp;lt;` must not turn into `&lt;`
        return char

    return _ENTITY.sub(decode, line)


def is_spacer(line: str) -> bool:
    """A line that shows nothing: `<p>&nbsp;</p>` (read by the HTML5 parser: one `<p>`
    holding only white space, no comment or element) or a lone `&nbsp;`."""
    from copydesk.importers.html import fragment_nodes

    stripped = line.strip(" \t")
    if stripped.lower() == "&nbsp;":
        return True
    if not (stripped[:2].lower() == "<p" and stripped[-4:].lower() == "</p>"):
        return False
    nodes = list(fragment_nodes(stripped))
    if len(nodes) != 1 or nodes[0].tag != "p":
        return False
    inside = list(nodes[0].iter(include_text=True))
    text = "".join(node.text_content or "" for node in inside)
    return all(node.tag == "-text" for node in inside) and not text.replace("\xa0", " ").strip()


def remove_spacers(edit: Edit) -> None:
    """WordPress `<p>&nbsp;</p>` spacer lines carry no text: remove them (recorded)."""
    lines = edit.text.split("\n")
    for index, line in enumerate(lines):
        if is_spacer(line):
            edit.record(
                "spacer",
                "empty WordPress spacer paragraph removed",
                line=edit.line_base + index,
                before=line,
            )
            lines[index] = REMOVED
    edit.text = "\n".join(lines)


def convert_wp_captions(edit: Edit) -> None:
    """`[caption …]<img …> text[/caption]` becomes a Markdown image plus its caption."""
    source = edit.text

    def replace(match: re.Match[str]) -> str:
        found = _caption_parts(match["attrs"], match["inner"])
        line = edit.line_at(source, match.start())
        if found is None:
            edit.record(
                "wp-caption",
                "[caption] shortcode without an image left as is; please check",
                line=line,
                before=match[0],
                after=match[0],
                review=True,
            )
            return match[0]
        image, caption = found
        new = render_captioned(edit, image, caption)
        edit.record(
            "wp-caption",
            f"WordPress [caption] shortcode written as {edit.context.options.captions}",
            line=line,
            before=match[0],
            after=new,
            review=_title_drops_links(edit, caption),
        )
        return new

    edit.text = _WP_CAPTION.sub(replace, source)


def _caption_parts(attrs: str, inner: str) -> tuple[ImageRef, Caption] | None:
    """The image (and the link around it) inside a `[caption]`, and the caption around it.

    The inner HTML is read with the HTML5 parser the importers use, not with patterns:
    the image is the first `<img>`, its link the `<a>` around it, and the caption
    whatever else the shortcode holds (or its `caption="…"` attribute).
    """
    from selectolax.lexbor import LexborHTMLParser

    root = LexborHTMLParser(inner).body
    image = root.css_first("img") if root is not None else None
    if root is None or image is None:
        return _markdown_caption_parts(attrs, inner)
    src = (image.attributes.get("src") or "").strip()
    if not src:
        return None
    parent = image.parent
    link = parent if parent is not None and parent.tag == "a" else None
    href = (link.attributes.get("href") or "").strip() if link is not None else ""
    ref = ImageRef(src=src, alt=image.attributes.get("alt") or "", href=href)
    (link if link is not None else image).decompose()
    caption_html = (root.inner_html or "").strip() or _attributes(attrs).get("caption", "")
    return ref, parse_caption(caption_html)


def _markdown_caption_parts(attrs: str, inner: str) -> tuple[ImageRef, Caption] | None:
    """`[caption][![alt](src)](href) text[/caption]` (or a bare `![alt](src)`): the link is kept."""
    found = _MD_IMG.search(inner)
    if found is None:
        return None
    image = ImageRef(src=found["src"], alt=found["alt"], href=found["href"] or "")
    caption_html = inner.replace(found[0], "", 1).strip() or _attributes(attrs).get("caption", "")
    return image, parse_caption(caption_html)


def _attributes(tag: str) -> dict[str, str]:
    return {
        m[1].lower(): html.unescape(m[2] if m[2] is not None else m[3]) for m in _ATTR.finditer(tag)
    }


def render_captioned(edit: Edit, image: ImageRef, caption: Caption) -> str:
    """The image and its caption in the chosen `Options.captions` style."""
    edit.captions[image.src] = caption
    mode = edit.context.options.captions
    if not caption.text:
        return markdown_image(image)
    if mode == "title":
        return markdown_image(image, caption.text)
    if mode == "figure":
        return figure_html(image, caption)
    return f"{markdown_image(image)}\n\n{caption_paragraph(caption)}"


def _title_drops_links(edit: Edit, caption: Caption) -> bool:
    """An image title is plain text: links in the caption survive only in the report."""
    return edit.context.options.captions == "title" and caption.has_links


def drop_title_heading(edit: Edit, title: str) -> None:
    """A first `# Title` (or setext `Title\\n===`) that repeats the title is removed (recorded)."""
    lines = edit.text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return
    atx = _ATX.match(lines[first])
    setext = first + 1 < len(lines) and _SETEXT.match(lines[first + 1])
    heading = atx["text"] if atx else lines[first] if setext else None
    if heading is None or not same_text(edit.masked.unmask(heading), title):
        return
    edit.remove_lines(
        first, 1 if atx else 2, "duplicate-title", "first heading repeats the title; removed"
    )


def same_text(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(html.unescape(text).split()).casefold()

    return norm(a) == norm(b)


def clean_common(edit: Edit) -> None:
    """WordPress leftovers, mojibake and HTML entities, for every input format."""
    remove_spacers(edit)
    convert_wp_captions(edit)
    edit.map_lines(repair_mojibake, "mojibake", "text decoded with the wrong encoding, repaired")
    decode_entities(edit)


def take_heading_title(edit: Edit) -> str | None:
    """A post without a title field whose body starts with `# Heading`: the heading is the title."""
    lines = edit.text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    atx = _ATX.match(lines[first]) if first is not None else None
    if first is None or atx is None:
        return None
    title = " ".join(html.unescape(edit.masked.unmask(atx["text"])).split())
    if not title:
        return None
    edit.remove_lines(
        first,
        1,
        "title-from-heading",
        "no title in front matter; the first heading is the title",
        after=title,
    )
    return title


def note_template_tags(edit: Edit) -> None:
    """Liquid tags and Hugo shortcodes stay as written; list them so a human knows."""
    for match in TOKEN_RE.finditer(edit.text):
        piece = edit.masked.pieces[int(match[1])].lstrip()
        if piece.startswith(("{{<", "{{%")):
            kind = "shortcode-kept"
        elif piece.startswith(("{%", "{{")):
            kind = "liquid-kept"
        else:
            continue
        edit.record(
            kind,
            "template tag kept as is (rendered only by its site generator)",
            line=edit.line_at(edit.text, match.start()),
            before=match[0],
            after=match[0],
        )


_LOST_LINK = re.compile(r"\((?:here|link|this link|click here|see here|source)\)", re.IGNORECASE)


# A Markdown link or image, a bare URL, or a word: the units a snippet never cuts.
_UNIT = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)|<?https?://[^\s)>]+>?|\S+")


def _snippet_start(line: str, end: int, width: int = 50) -> int:
    """Where a review snippet of about `width` characters before `end` starts:
    at the start of a word, and never inside a link or URL (it takes the
    whole link, so the reader sees what it was)."""
    cut = max(0, end - width)
    for unit in _UNIT.finditer(line, 0, end):
        if unit.end() > cut:
            return unit.start()
    return cut


def note_lost_links(edit: Edit) -> None:
    """`(here)` is a link an earlier export flattened: it cannot be repaired, only reported."""
    for index, line in enumerate(edit.text.split("\n")):
        for match in _LOST_LINK.finditer(line):
            context = edit.masked.unmask(line[_snippet_start(line, match.start()) : match.end()])
            context = context.strip()
            edit.record(
                "lost-link",
                f"link lost in an earlier export: '…{context}'; text kept",
                line=edit.line_base + index,
                before=match[0],
                after=match[0],
                review=True,
            )


_NO_ALT_MD = re.compile(r"!\[\s*\]\((?P<src>[^)\s]*)")


def note_missing_alt(edit: Edit) -> None:
    """An image without alt text needs a human to describe it; migration cannot invent one.

    Markdown images are matched as Markdown; an `<img>` is read by the HTML5 parser."""
    for index, line in enumerate(edit.text.split("\n")):
        images = [match[0] for match in _NO_ALT_MD.finditer(line)]
        if "<img" in line.lower():
            images += _html_images_without_alt(line)
        for found in images:
            image = edit.masked.unmask(found)
            edit.record(
                "missing-alt",
                f"image has no alt text: {image}",
                line=edit.line_base + index,
                before=image,
                after=image,
                review=True,
            )


def _html_images_without_alt(line: str) -> list[str]:
    """Each `<img>` on the line with no alt text, written back as its start tag."""
    from copydesk.importers.html import fragment_nodes, start_tag

    found = []
    for node in fragment_nodes(line):
        for image in node.css("img") if not (node.tag or "-").startswith("-") else []:
            if not (image.attributes.get("alt") or "").strip():
                attributes = list(image.attributes.items())
                found.append(start_tag("img", attributes, self_closing=False))
    return found


def note_for_review(edit: Edit) -> None:
    """What only a human can fix (lost links, missing alt text), noted for every format."""
    note_lost_links(edit)
    note_missing_alt(edit)
