"""Jekyll and every other front-matter post (Hugo TOML, Hexo, Gatsby, WordPress imports).

They share the design's key table; the body gets the common clean-ups, loses
a first heading that only repeats the title, and keeps Liquid untouched.
"""

from __future__ import annotations

from typing import Any

from copydesk.errors import NormalizeError
from copydesk.model import Format, Post
from copydesk.normalize import Context
from copydesk.normalize.body import (
    Edit,
    clean_common,
    drop_title_heading,
    note_for_review,
    note_template_tags,
    take_heading_title,
)
from copydesk.normalize.dates import file_name_date
from copydesk.normalize.keys import map_front_matter
from copydesk.normalize.post import build_post
from copydesk.read import Document


def normalize(document: Document, front_matter: dict[str, Any], context: Context) -> Post:
    fields = map_front_matter(front_matter, document, context)
    edit = Edit.start(document.body, context, document.body_line)
    clean_common(edit)
    settle_title(document, fields, edit)
    note_template_tags(edit)
    note_for_review(edit)
    return finish(document, context, "jekyll", fields, edit)


def settle_title(document: Document, fields: dict[str, Any], edit: Edit) -> None:
    """Drop a first heading repeating the title; without a title, that heading becomes it."""
    if fields.get("title"):
        drop_title_heading(edit, fields["title"])
        return
    title = take_heading_title(edit) or title_from_file_name(document, edit)
    if title is None:
        raise NormalizeError(
            document.path, "no title in front matter, no '# heading' and no dated file name"
        )
    fields["title"] = title


def title_from_file_name(document: Document, edit: Edit) -> str | None:
    """Jekyll titles an untitled post after its dated file name; so do we, marked for review."""
    named = file_name_date(document.path)
    if named is None or not named[1]:
        return None
    title = " ".join(
        word.capitalize() for word in named[1].split("-") if word
    )  # Jekyll titleize_slug
    edit.record(
        "title-from-file-name",
        "no title in front matter or heading; title made from the file name, as Jekyll does",
        line=None,
        before=document.path.name,
        after=title,
        review=True,
    )
    return title


def finish(
    document: Document, context: Context, fmt: Format, fields: dict[str, Any], edit: Edit
) -> Post:
    return build_post(document, context, fmt, fields, edit.finish(), edit.captions)
