"""Plain text posts (copied out of WordPress and the like): no front matter at all.

Everything the front matter would say has to be found in the text: a title
line (or an inferred title, marked for review), `key: value` metadata lines,
an "About the Author" block. Paragraphs separated by single newlines are
rebuilt so that no two paragraphs merge, separator lines become thematic
breaks, and trailing platform boilerplate is removed — every removed word
kept verbatim in the recorded changes.
"""

from __future__ import annotations

import re
from typing import Any

from copydesk.model import Post
from copydesk.normalize import Context
from copydesk.normalize.body import Edit, clean_common, note_for_review, note_template_tags
from copydesk.normalize.boilerplate import about_author, strip_boilerplate
from copydesk.normalize.keys import clean_title, map_front_matter
from copydesk.normalize.paragraphs import mark_separators, rebuild_paragraphs
from copydesk.normalize.post import build_post
from copydesk.normalize.titles import infer_title, take_title_line
from copydesk.read import Document

# Only keys from the design's key table count, so that "Note: …" stays text.
_META_KEYS = frozenset(
    {
        "title",
        "date",
        "published_at",
        "pubdate",
        "updated",
        "lastmod",
        "slug",
        "description",
        "excerpt",
        "summary",
        "subtitle",
        "tags",
        "keywords",
        "categories",
        "category",
        "author",
        "image",
        "cover",
        "layout",
        "draft",
        "published",
        "status",
        "permalink",
        "canonical_url",
    }
)
_META_LINE = re.compile(r"^(?P<key>[A-Za-z][\w-]*):[ \t]*(?P<value>.*?)[ \t]*$")


def normalize(document: Document, front_matter: dict[str, Any], context: Context) -> Post:
    data, body, line_base = metadata_lines(document, context)
    fields = map_front_matter(data, document, context)
    edit = Edit.start(body, context, line_base)
    clean_common(edit)
    strip_boilerplate(edit)
    author = about_author(edit)
    if not fields.get("title"):
        fields["title"] = take_title_line(edit) or infer_title(document, edit)
    mark_separators(edit)
    note_for_review(edit)
    note_template_tags(edit)
    rebuild_paragraphs(edit)
    if author is not None:
        fields["authors"] = [author, *fields.get("authors", [])]
    return build_post(document, context, "plain", fields, edit.finish(), edit.captions)


def metadata_lines(document: Document, context: Context) -> tuple[dict[str, Any], str, int]:
    """`title: X` / `date: 2020-01-01` lines then a blank line: front matter without `---`."""
    lines = document.body.split("\n")
    data: dict[str, Any] = {}
    count = 0
    for line in lines:
        match = _META_LINE.match(line)
        if not match or match["key"].lower() not in _META_KEYS:
            break
        data[match["key"]] = _unquote(match["value"])
        count += 1
    ends_block = count == len(lines) or not lines[count].strip()
    if not count or not ends_block or not {"title", "date"} & {k.lower() for k in data}:
        return {}, document.body, document.body_line
    context.record(
        "metadata-lines",
        "leading 'key: value' lines read as front matter",
        line=document.body_line,
        before="\n".join(lines[:count]),
    )
    if "title" in data:
        data["title"] = clean_title(data["title"])
    body = "\n".join(lines[count:])
    return data, body, document.body_line + count


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
