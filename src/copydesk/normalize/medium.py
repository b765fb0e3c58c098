"""Medium exports (Markdown written by Medium importers).

Their bodies carry raw `<figcaption>` HTML after images, Medium's `data-href`
and `markup--` attributes, and `utm_*` tracking on links. Captions become
Markdown in the style `Options.captions` asks for; a "Photo by X on Y"
caption under the cover image also becomes the cover's credit.
"""

from __future__ import annotations

import re
from typing import Any

from copydesk.model import Post
from copydesk.normalize import Context
from copydesk.normalize.body import REMOVED, Edit, clean_common, note_for_review, note_template_tags
from copydesk.normalize.captions import (
    ImageRef,
    caption_paragraph,
    figure_html,
    markdown_image,
    parse_caption,
)
from copydesk.normalize.jekyll import finish, settle_title
from copydesk.normalize.keys import map_front_matter
from copydesk.normalize.links import URL_RE, clean_url
from copydesk.read import Document

_IMAGE_THEN_CAPTION = re.compile(
    r"^(?P<image>[ \t]*(?P<open>\[)?!\[(?P<alt>[^\]\n]*)\]\((?P<src>[^)\s]+)"
    r"(?:[ \t]+\"[^\"\n]*\")?\)(?(open)\]\((?P<href>[^)\s]+)\))[ \t]*)"
    r"(?P<gap>\n(?:[ \t]*\n)*)"
    r"(?P<caption>[ \t]*<figcaption\b[^>]*>(?P<inner>.*?)</figcaption>[ \t]*)$",
    re.MULTILINE | re.DOTALL,
)
_LONE_CAPTION = re.compile(r"<figcaption\b[^>]*>(?P<inner>.*?)</figcaption>", re.DOTALL)
_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_MEDIUM_ATTR = re.compile(
    r"\s+data-[\w-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?"
    r"|\s+class=(?:\"[^\"]*(?:markup|graf|section)--[^\"]*\"|'[^']*(?:markup|graf|section)--[^']*')"
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
    """Image + `<figcaption>` pairs first, then any caption left without an image."""
    source = edit.text
    edit.text = _IMAGE_THEN_CAPTION.sub(lambda match: _with_image(edit, source, match), source)
    source = edit.text
    edit.text = _LONE_CAPTION.sub(lambda match: _lone(edit, source, match), source)


def _with_image(edit: Edit, source: str, match: re.Match[str]) -> str:
    image = ImageRef(src=match["src"], alt=match["alt"], href=match["href"] or "")
    caption = parse_caption(match["inner"])
    edit.captions[image.src] = caption
    mode = edit.context.options.captions
    line = edit.line_at(source, match.start("caption"))
    if mode == "title" and caption.text:
        new_image, new_caption = markdown_image(image, caption.text), REMOVED
    elif mode == "figure" and caption.text:
        # Masked, so the <figcaption> written here is not taken for a Medium one.
        new_image, new_caption = edit.masked.token(figure_html(image, caption)), REMOVED
    else:
        new_image, new_caption = (
            match["image"],
            caption_paragraph(caption) if caption.text else REMOVED,
        )
    edit.record(
        "figcaption",
        f"Medium <figcaption> written as {mode}",
        line=line,
        before=match["caption"],
        after=new_caption if new_caption != REMOVED else new_image,
        review=mode == "title" and caption.has_links,
    )
    return f"{new_image}{match['gap']}{new_caption}"


def _lone(edit: Edit, source: str, match: re.Match[str]) -> str:
    caption = parse_caption(match["inner"])
    new = caption_paragraph(caption) if caption.text else ""
    edit.record(
        "figcaption",
        "<figcaption> without an image before it written as a paragraph",
        line=edit.line_at(source, match.start()),
        before=match[0],
        after=new,
    )
    return new


def strip_medium_attributes(edit: Edit) -> None:
    """`data-href`, `data-*` and Medium `markup--` classes carry nothing a reader sees."""
    edit.map_lines(
        lambda line: _TAG.sub(lambda tag: _MEDIUM_ATTR.sub("", tag[0]), line),
        "medium-attributes",
        "Medium data-* attributes and classes removed",
    )


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
