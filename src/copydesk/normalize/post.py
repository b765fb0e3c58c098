"""The last step every normalizer shares: derived fields, provenance, validation."""

from __future__ import annotations

from typing import Any

from copydesk.errors import NormalizeError
from copydesk.model import Format, Post
from copydesk.normalize import Context, to_post
from copydesk.normalize.captions import Caption
from copydesk.normalize.slug import slugify
from copydesk.read import Document


def build_post(
    document: Document,
    context: Context,
    fmt: Format,
    fields: dict[str, Any],
    body: str,
    captions: dict[str, Caption],
) -> Post:
    """Fill in slug, cover credit and provenance; record a missing date; validate."""
    title = fields.get("title")
    if not title:
        raise NormalizeError(document.path, "no title found; add a 'title:' line")
    if not fields.get("slug"):
        _slug_from_title(context, fields, title)
    if fields.get("date") is None:
        context.record("no-date", "no date found; the post is written without one", review=True)
    _cover_credit(context, fields, captions)
    source = {"format": fmt, "path": context.source_path, "sha256": document.sha256}
    return to_post(document.path, {**fields, "body": body, "source": source})


def _slug_from_title(context: Context, fields: dict[str, Any], title: str) -> None:
    slug = slugify(title)
    if slug:
        fields["slug"] = slug
        context.record("slug-from-title", "slug derived from the title", before=title, after=slug)
    else:
        context.record(
            "no-slug", "the title has no Latin letters or digits to make a slug", review=True
        )


def _cover_credit(context: Context, fields: dict[str, Any], captions: dict[str, Caption]) -> None:
    """ "Photo by X on Y" under the cover image in the body is the cover's credit."""
    image = fields.get("image")
    if not image or image.get("credit"):
        return
    caption = captions.get(image["src"])
    if caption is None or not caption.is_credit:
        return
    fields["image"] = {**image, "credit": caption.markdown}
    context.record(
        "image-credit",
        "caption of the cover image in the body used as the cover's credit",
        after=caption.markdown,
    )
