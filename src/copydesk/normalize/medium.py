"""Medium exports (Markdown written by Medium importers).

Their bodies carry raw `<figcaption>` HTML after images, Medium's `data-href`
and `markup--` attributes, and `utm_*` tracking on links. Captions become
Markdown in the style `Options.captions` asks for; a "Photo by X on Y"
caption under the cover image also becomes the cover's credit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from copydesk.model import Post
from copydesk.normalize import Context
from copydesk.normalize.body import REMOVED, Edit, clean_common, note_for_review, note_template_tags
from copydesk.normalize.captions import (
    Caption,
    ImageRef,
    caption_of,
    caption_paragraph,
    figure_html,
    markdown_image,
    parse_caption,
)
from copydesk.normalize.jekyll import finish, settle_title
from copydesk.normalize.keys import map_front_matter
from copydesk.normalize.links import URL_RE, clean_url
from copydesk.read import Document

# A Markdown image (linked or not) alone on its line: what an earlier converter left
# before Medium's <figcaption>. Markdown, not HTML; the caption is found by the parsers.
_IMAGE_LINE = re.compile(
    r"[ \t]*(?P<open>\[)?!\[(?P<alt>[^\]\n]*)\]\((?P<src>[^)\s]+)"
    r"(?:[ \t]+\"[^\"\n]*\")?\)(?(open)\]\((?P<href>[^)\s]+)\))[ \t]*"
)


def normalize(document: Document, front_matter: dict[str, Any], context: Context) -> Post:
    fields = map_front_matter(front_matter, document, context)
    edit = Edit.start(document.body, context, document.body_line)
    convert_figcaptions(edit)
    strip_medium_attributes(edit)
    strip_tracking(edit)
    clean_common(edit)
    settle_title(document, fields, edit)
    note_template_tags(edit)
    note_for_review(edit)
    return finish(document, context, "medium", fields, edit)


def convert_figcaptions(edit: Edit) -> None:
    """A `<figcaption>` after an image captions it, any other becomes a caption paragraph.

    The Markdown parser finds the captions: an HTML block that is one `<figcaption>`
    (after an image line and blank lines, or not), or a `<figcaption>` ... `</figcaption>`
    pair of inline tags; selectolax reads each. A `<figcaption>` inside a larger block
    of HTML (a whole `<figure>`) is HTML and stays so.
    """
    text = edit.text
    if "<figcaption" not in text.lower():
        return
    starts = _line_starts(text)
    found: list[tuple[int, int, str]] = []  # (start, end, replacement), in order
    nodes = _html_nodes(text)
    for index, node in enumerate(nodes):
        raw = str(node.attrs.get("raw") or "")
        start = starts[node.line - 1] + node.column - 1
        if not text.startswith(raw, start) or (found and start < found[-1][1]):
            continue
        if node.type == "block_html":
            caption = _block_caption(raw)
            if caption is not None:
                end = start + len(raw.rstrip())
                while end < len(text) and text[end] in " \t":
                    end += 1
                found.append(_captioned(edit, text, start, end, caption))
        elif _tag_name(raw) == "figcaption":
            close = next(
                (
                    after
                    for after in nodes[index + 1 :]
                    if after.type == "inline_html"
                    and str(after.attrs.get("raw") or "").lower().startswith("</figcaption")
                ),
                None,
            )
            if close is None:
                continue
            end = starts[close.end_line - 1] + close.end_column - 1
            found.append(_lone(edit, text, start, end, parse_caption(text[start:end])))
    for start, end, new in reversed(found):
        text = text[:start] + new + text[end:]
    edit.text = text


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for row in text.split("\n"):
        starts.append(starts[-1] + len(row) + 1)
    return starts


def _tag_name(raw: str) -> str:
    """`figcaption` for `<figcaption class="x">`: the name a start tag opens with."""
    name = raw[1:].split(">", 1)[0].split("/", 1)[0].split(None, 1)
    return name[0].lower() if raw.startswith("<") and name else ""


def _block_caption(raw: str) -> Caption | None:
    """The caption of an HTML block that is one `<figcaption>` and nothing else."""
    from selectolax.lexbor import LexborHTMLParser

    if _tag_name(raw.lstrip()) != "figcaption":
        return None
    first = LexborHTMLParser(raw, is_fragment=True).root  # iter(): it and its siblings
    top = list(first.iter(include_text=True)) if first is not None else []
    elements = [node for node in top if not (node.tag or "-").startswith("-")]
    outside = "".join(node.text_content or "" for node in top if node.tag == "-text")
    if len(elements) != 1 or elements[0].tag != "figcaption" or outside.strip():
        return None
    return caption_of(elements[0])


def _captioned(
    edit: Edit, text: str, start: int, end: int, caption: Caption
) -> tuple[int, int, str]:
    """The image line before the caption (only blank lines between) with its caption."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[:line_start]
    gap_start = len(before.rstrip(" \t\n"))
    gap_start = text.find("\n", gap_start) if gap_start else -1
    image_start = text.rfind("\n", 0, gap_start) + 1 if gap_start >= 0 else -1
    match = _IMAGE_LINE.fullmatch(text, image_start, gap_start) if gap_start >= 0 else None
    if match is None or text[line_start:start].strip():
        return _lone(edit, text, start, end, caption)
    image = ImageRef(src=match["src"], alt=match["alt"], href=match["href"] or "")
    edit.captions[image.src] = caption
    mode = edit.context.options.captions
    if mode == "title" and caption.text:
        new_image, new_caption = markdown_image(image, caption.text), REMOVED
    elif mode == "figure" and caption.text:
        # Masked, so the <figcaption> written here is not taken for a Medium one.
        new_image, new_caption = edit.masked.token(figure_html(image, caption)), REMOVED
    else:
        new_image = match[0]
        new_caption = caption_paragraph(caption) if caption.text else REMOVED
    edit.record(
        "figcaption",
        f"Medium <figcaption> written as {mode}",
        line=edit.line_at(text, line_start),
        before=text[line_start:end],
        after=new_caption if new_caption != REMOVED else new_image,
        review=mode == "title" and caption.has_links,
    )
    return image_start, end, f"{new_image}{text[gap_start:line_start]}{new_caption}"


def _lone(edit: Edit, text: str, start: int, end: int, caption: Caption) -> tuple[int, int, str]:
    new = caption_paragraph(caption) if caption.text else ""
    edit.record(
        "figcaption",
        "<figcaption> without an image before it written as a paragraph",
        line=edit.line_at(text, start),
        before=text[start:end],
        after=new,
    )
    return start, end, new


def strip_medium_attributes(edit: Edit) -> None:
    """`data-href`, `data-*` and Medium's `markup--`/`graf--`/`section--` classes carry
    nothing a reader sees: removed from the HTML left in the body.

    No pattern looks at HTML here: the Markdown parser finds it (one inline tag, or
    a block of HTML) and the importers' HTML5 parser reads it. An inline start tag
    is written again with its other attributes, in their order; a block that holds
    such attributes is written back from its parse (what a browser reads), and a
    block or tag without them is left byte for byte.
    """
    text = edit.text
    if "<" not in text or ("data-" not in text and "--" not in text):
        return
    starts = _line_starts(text)
    edits: list[tuple[int, int, str, str, int]] = []
    for node in _html_nodes(text):
        raw = str(node.attrs.get("raw") or "")
        new = clean_tag(raw) if node.type == "inline_html" else clean_block(raw)
        if new is None:
            continue
        start = starts[node.line - 1] + node.column - 1
        if text.startswith(raw, start):
            edits.append((start, start + len(raw), raw, new, node.line))
    for _start, _end, raw, new, line in edits:
        edit.record(
            "medium-attributes",
            "Medium data-* attributes and classes removed",
            line=edit.line_base + line - 1,
            before=raw,
            after=new,
        )
    for start, end, _raw, new, _line in reversed(edits):
        text = text[:start] + new + text[end:]
    edit.text = text


def _html_nodes(text: str) -> list[Any]:
    """The inline tags and HTML blocks of a (masked) body, in order, with positions."""
    from copydesk.parse import parse_document
    from copydesk.read import Document

    document = Document(
        path=Path("<body>"),
        sha256="",
        text=text,
        newline="\n",
        bom=False,
        final_newline=text.endswith("\n"),
        front_matter=None,
        front_matter_kind=None,
        body=text,
        body_line=1,
    )
    parsed = parse_document(document, frozenset({"inline_html", "block_html"}))
    return [node for node in parsed.walk() if node.type in ("inline_html", "block_html")]


def _is_medium_attribute(name: str, value: str | None) -> bool:
    if name.startswith("data-"):
        return True
    return name == "class" and any(
        marker in value for marker in ("markup--", "graf--", "section--") if value
    )


def clean_tag(raw: str) -> str | None:
    """One start tag without Medium's attributes; None when it has none (or is no start tag)."""
    from copydesk.importers.html import fragment_elements, start_tag

    if not raw.startswith("<") or raw.startswith(("</", "<!", "<?")):
        return None
    element = next(fragment_elements(raw), None)
    if element is None or not raw[1:].lower().startswith(element.tag or "\0"):
        return None
    attributes = list(element.attributes.items())
    kept = [(name, value) for name, value in attributes if not _is_medium_attribute(name, value)]
    if len(kept) == len(attributes):
        return None
    return start_tag(element.tag or "", kept, self_closing=raw.rstrip()[:-1].rstrip().endswith("/"))


def clean_block(raw: str) -> str | None:
    """A block of HTML without Medium's attributes; None when it holds none."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(raw, is_fragment=True)
    first = tree.root  # the first top-level node; iter() gives it and its siblings
    if first is None:
        return None
    changed = False
    elements = (
        element
        for top in first.iter(include_text=True)
        for element in top.traverse(include_text=False)
    )
    for element in elements:
        for name, value in list(element.attributes.items()):
            if _is_medium_attribute(name, value):
                del element.attrs[name]
                changed = True
    if not changed:
        return None
    trail = raw[len(raw.rstrip("\n")) :]
    return (tree.html or "").rstrip("\n") + trail


def strip_tracking(edit: Edit) -> None:
    """utm_*, fbclid, gclid, Mailchimp and Medium `source=` parameters removed from links."""
    source = edit.text

    def clean(match: re.Match[str]) -> str:
        url = clean_url(match[0])
        if url != match[0]:
            edit.record(
                "tracking",
                "tracking parameters removed from a link",
                line=edit.line_at(source, match.start()),
                before=match[0],
                after=url,
            )
        return url

    edit.text = URL_RE.sub(clean, source)
