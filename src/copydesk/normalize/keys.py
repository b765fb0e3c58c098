"""The design's key table: input front matter keys -> canonical fields.

For each canonical field the first input key present (in table order) wins;
every key the table does not consume — including a second, competing key
for the same field — goes to `extra` verbatim, so nothing is ever dropped.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from copydesk.mojibake import repair as repair_mojibake
from copydesk.normalize import Context
from copydesk.normalize.dates import (
    UnparsedDate,
    calendar_day,
    file_name_date,
    parse_value,
    zone_for,
)
from copydesk.normalize.slug import is_slug, slugify
from copydesk.read import Document
from copydesk.yamlio import format_datetime

DATE_KEYS = ("date", "published_at", "pubDate")
UPDATED_KEYS = ("last_modified_at", "lastmod", "modified", "updated")
DESCRIPTION_KEYS = ("excerpt", "description", "summary", "subtitle")
ALIAS_KEYS = ("aliases", "permalink", "redirect_from", "url", "wordpress_url")
CANONICAL_URL_KEYS = ("canonical_url", "canonical_link", "canonical")
IMAGE_KEYS = ("image", "cover", "feature_image", "featured_image", "thumb_img_path")
HEADER_IMAGE_KEYS = ("image", "teaser")
IMAGE_SRC_KEYS = ("src", "path", "url", "image", "feature")
AUTHOR_NAME_KEYS = ("name", "display_name")
AUTHOR_URL_KEYS = ("url", "link", "website", "uri")
_URL = re.compile(r"^https?://\S+$")
FLOATING = "floating-datetime"  # the kind of change for a datetime kept without an offset
_TITLE_SPACE = re.compile(r"[ \t\r\n]+")
_NOT_RELATIVE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|/|\.\.?/|#)")
_BODY_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")  # Markdown; `<img>`s are parsed


@dataclass
class Mapper:
    """One front matter mapping in progress: which keys are used, what was derived."""

    data: Mapping[str, Any]
    document: Document
    context: Context
    used: set[str] = field(default_factory=set)
    fields: dict[str, Any] = field(default_factory=dict)

    def first(self, keys: Iterable[str]) -> tuple[str, Any] | None:
        for key in keys:
            if key in self.data and key not in self.used:
                return key, self.data[key]
        return None

    def take(self, key: str, target: str) -> None:
        self.used.add(key)
        if key != target:
            self.context.record(
                "key", f"front matter '{key}' written as '{target}'", before=key, after=target
            )

    def record(self, kind: str, reason: str, **kwargs: Any) -> None:
        self.context.record(kind, reason, **kwargs)


def map_front_matter(
    data: Mapping[str, Any], document: Document, context: Context
) -> dict[str, Any]:
    """Canonical fields (title, date, …, extra) from parsed front matter; no body, no source."""
    mapper = Mapper(data=data, document=document, context=context)
    for step in _STEPS:
        step(mapper)
    # mapper.data, not data: a partly used map (header) keeps only its unused sub-keys.
    extra = {key: value for key, value in mapper.data.items() if key not in mapper.used}
    if extra:
        mapper.record(
            "extra",
            "keys the schema does not know, kept verbatim under 'extra'",
            after=", ".join(extra),
        )
        mapper.fields["extra"] = extra
    return mapper.fields


def clean_title(value: object) -> str:
    """One trimmed line with HTML entities decoded and mojibake repaired."""
    return _TITLE_SPACE.sub(" ", repair_mojibake(html.unescape(str(value)))).strip()


def _title(mapper: Mapper) -> None:
    found = mapper.first(["title"])
    if found is None:
        return
    mapper.take("title", "title")
    title = clean_title(found[1]) if found[1] is not None else ""
    if title != found[1]:
        mapper.record(
            "title",
            "title trimmed to one line, HTML entities decoded, mojibake repaired",
            before=str(found[1] if found[1] is not None else ""),
            after=title,
        )
    if title:
        mapper.fields["title"] = title


def _dates(mapper: Mapper) -> None:
    for keys, target in ((DATE_KEYS, "date"), (UPDATED_KEYS, "updated")):
        found = mapper.first(keys)
        if found is None or found[1] is None:
            continue
        value = _date_value(mapper, found[0], found[1])
        if value is not None:
            mapper.take(found[0], target)
            mapper.fields[target] = value
    _file_name_date(mapper)


def _date_value(mapper: Mapper, key: str, raw: object) -> dt.date | None:
    try:
        value = parse_value(raw)
    except UnparsedDate:
        mapper.record(
            "date",
            f"'{key}' is not a date copydesk can read; kept under extra",
            before=str(raw),
            review=True,
        )
        return None
    if isinstance(value, dt.datetime) and value.utcoffset() is None:
        return _localize(mapper, key, raw, value)
    if isinstance(raw, str):
        shown = format_datetime(value) if isinstance(value, dt.datetime) else value.isoformat()
        mapper.record("date", f"'{key}' string read as a date", before=raw, after=shown)
    return value


def _localize(mapper: Mapper, key: str, raw: object, value: dt.datetime) -> dt.date:
    path = mapper.document.path
    zone = zone_for(path, mapper.context.options.timezone)
    if zone is None:
        return _floating(mapper, key, raw, value)
    aware = value.replace(tzinfo=zone.tz)
    mapper.record(
        "timezone",
        f"'{key}' has no offset; read in {zone.name} (from {zone.origin})",
        before=str(raw),
        after=format_datetime(aware),
    )
    return aware


def _floating(mapper: Mapper, key: str, raw: object, value: dt.datetime) -> dt.date:
    """No timezone anywhere: never invent one. Midnight is just the day; any
    other time is kept exactly as written and listed for review."""
    if value.time() == dt.time():
        mapper.record(
            "floating-date",
            f"'{key}' has no timezone; its midnight time is the date",
            before=str(raw),
            after=value.date().isoformat(),
        )
        return value.date()
    mapper.record(
        FLOATING,
        f"'{key}' has no timezone: kept as written, no offset added (--timezone adds one)",
        before=str(raw),
        after=format_datetime(value),
        review=True,
    )
    return value


def _file_name_date(mapper: Mapper) -> None:
    found = file_name_date(mapper.document.path)
    if found is None:
        return
    day, _ = found
    date = mapper.fields.get("date")
    name = mapper.document.path.name
    if date is None:
        mapper.fields["date"] = day
        mapper.record(
            "date-from-filename",
            "no date in front matter; taken from the file name",
            before=name,
            after=day.isoformat(),
        )
    elif calendar_day(date) != day:
        mapper.record(
            "date-mismatch",
            "file name date differs from front matter date; front matter kept",
            before=name,
            after=calendar_day(date).isoformat(),
            review=True,
        )


def _slug(mapper: Mapper) -> None:
    found = mapper.first(["slug"])
    if found is not None and found[1] not in (None, ""):
        mapper.take("slug", "slug")
        given = str(found[1]).strip()
        slug = given if is_slug(given) else slugify(given)
        if slug != found[1]:
            mapper.record("slug", "slug made URL-safe", before=str(found[1]), after=slug)
        if slug:
            mapper.fields["slug"] = slug
            return
    named = file_name_date(mapper.document.path)
    if named and slugify(named[1]):
        mapper.fields["slug"] = slugify(named[1])
        mapper.record(
            "slug-from-filename",
            "slug taken from the file name",
            before=mapper.document.path.name,
            after=mapper.fields["slug"],
        )


def _description(mapper: Mapper) -> None:
    found = mapper.first(DESCRIPTION_KEYS)
    if found is None or not isinstance(found[1], str | int | float):
        return
    mapper.take(found[0], "description")
    text = str(found[1]).strip()
    if text:
        mapper.fields["description"] = text


def as_list(value: object) -> list[str]:
    """A list as is; a string split on commas, or on spaces when it has no comma."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(item) if item is not None else "" for item in value]
    text = str(value)
    return text.split(",") if "," in text else text.split()


def _lists(mapper: Mapper) -> None:
    for keys, target in (
        (("tags", "keywords"), "tags"),
        (("categories", "category"), "categories"),
    ):
        items: list[str] = []
        for key in keys:
            if key in mapper.data:
                items += _list_value(mapper, key, target)
        if items:
            mapper.fields[target] = items


def _list_value(mapper: Mapper, key: str, target: str) -> list[str]:
    raw = mapper.data[key]
    if isinstance(raw, dict):
        return []  # a mapping is not a list of names: kept under extra
    mapper.take(key, target)
    items = as_list(raw)
    cleaned = list(dict.fromkeys(item.strip() for item in items if item.strip()))
    if not isinstance(raw, list | tuple) and raw is not None:
        mapper.record(
            f"{target}-list",
            f"'{key}' scalar turned into a list",
            before=str(raw),
            after=", ".join(cleaned),
        )
    elif cleaned != items:
        mapper.record(
            f"{target}-list",
            f"'{key}' items trimmed; empty and repeated items dropped",
            before=repr(raw),
            after=", ".join(cleaned),
        )
    return cleaned


def _image(mapper: Mapper) -> None:
    found = mapper.first(IMAGE_KEYS)
    header = mapper.data.get("header")
    if found is not None:
        image = _image_value(found[1])
        if image is None:
            return
        mapper.take(found[0], "image.src")
        if isinstance(found[1], dict) and len(found[1]) > len(image):
            mapper.used.discard(found[0])  # unmapped sub-keys stay under extra, verbatim
    elif isinstance(header, dict) and (
        key := next((k for k in HEADER_IMAGE_KEYS if header.get(k)), None)
    ):
        image = {"src": str(header[key])}
        mapper.take("header", f"image.src (from header.{key})")
        rest = {k: v for k, v in header.items() if k != key}
        if rest:
            mapper.used.discard("header")
            mapper.data = {**mapper.data, "header": rest}
    else:
        return
    image["src"] = _slash_like_body(mapper, image["src"])
    mapper.fields["image"] = image


def _image_value(value: object) -> dict[str, str] | None:
    if isinstance(value, str) and value.strip():
        return {"src": value.strip()}
    if not isinstance(value, dict):
        return None
    src = next((str(value[k]).strip() for k in IMAGE_SRC_KEYS if value.get(k)), "")
    if not src:
        return None
    image = {"src": src}
    for key in ("alt", "caption", "credit"):
        if isinstance(value.get(key), str) and value[key].strip():
            image[key] = value[key].strip()
    return image


def _slash_like_body(mapper: Mapper, src: str) -> str:
    """`images/a.jpg` becomes `/images/a.jpg` when the body shows it as `/images/a.jpg`."""
    if _NOT_RELATIVE.match(src):
        return src
    body_paths = set(_BODY_IMAGE.findall(mapper.document.body)) | _html_image_paths(
        mapper.document.body
    )
    if "/" + src not in body_paths:
        return src
    mapper.record(
        "image-path",
        "cover image path given the leading slash the body uses for it",
        before=src,
        after="/" + src,
    )
    return "/" + src


def _html_image_paths(body: str) -> set[str]:
    """The `src` of every `<img>` in the body, read by the HTML5 parser."""
    if "<img" not in body.lower():
        return set()
    from selectolax.lexbor import LexborHTMLParser

    images = LexborHTMLParser(body, is_fragment=True).css("img")
    return {src for image in images if (src := image.attributes.get("src"))}


def _authors(mapper: Mapper) -> None:
    authors: list[dict[str, str]] = []
    for key in ("author", "authors"):
        if key not in mapper.data:
            continue
        raw = mapper.data[key]
        items = raw if isinstance(raw, list) else [raw]
        found = [author for item in items if (author := _author(item)) is not None]
        if not found:
            continue
        mapper.take(key, "authors")
        if any(isinstance(item, dict) and set(item) - _AUTHOR_KEYS for item in items):
            mapper.used.discard(key)  # other sub-keys (email, …) stay under extra, verbatim
        authors += found
    if authors:
        mapper.fields["authors"] = authors


_AUTHOR_KEYS = frozenset({*AUTHOR_NAME_KEYS, *AUTHOR_URL_KEYS, "bio"})


def _author(item: object) -> dict[str, str] | None:
    if isinstance(item, str):
        return {"name": item.strip()} if item.strip() else None
    if not isinstance(item, dict):
        return None
    name = next((str(item[k]).strip() for k in AUTHOR_NAME_KEYS if item.get(k)), "")
    if not name:
        return None
    author = {"name": name}
    url = next((str(item[k]).strip() for k in AUTHOR_URL_KEYS if item.get(k)), "")
    if url:
        author["url"] = url
    if isinstance(item.get("bio"), str) and item["bio"].strip():
        author["bio"] = item["bio"].strip()
    return author


def _canonical_url(mapper: Mapper) -> None:
    found = mapper.first(CANONICAL_URL_KEYS)
    if found is None:
        return
    if isinstance(found[1], str) and _URL.match(found[1].strip()):
        mapper.take(found[0], "canonical_url")
        mapper.fields["canonical_url"] = found[1].strip()
    else:
        mapper.record(
            "canonical-url",
            f"'{found[0]}' is not an http(s) URL; kept under extra",
            before=str(found[1]),
            review=True,
        )


def _layout(mapper: Mapper) -> None:
    if isinstance(mapper.data.get("layout"), str) and mapper.data["layout"].strip():
        mapper.take("layout", "layout")
        mapper.fields["layout"] = mapper.data["layout"].strip()


def _draft(mapper: Mapper) -> None:
    draft = False
    for key, meaning in (("draft", _bool), ("published", _unpublished), ("status", _status)):
        if key not in mapper.data or (value := meaning(mapper.data[key])) is None:
            continue
        mapper.take(key, "draft")
        shown = f"{key}: {mapper.data[key]}"
        if value and key != "draft":
            mapper.record(
                "draft", f"'{shown}' means draft: true", before=shown, after="draft: true"
            )
        draft = draft or value
    if draft:
        mapper.fields["draft"] = True


def _unpublished(value: object) -> bool | None:
    published = _bool(value)
    return None if published is None else not published


def _status(value: object) -> bool | None:
    """WordPress `status: draft`; any other status (publish, private, …) stays under extra."""
    return True if str(value).strip().lower() == "draft" else None


def _bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return {"true": True, "yes": True, "false": False, "no": False}.get(text)


def _aliases(mapper: Mapper) -> None:
    aliases: list[str] = []
    for key in ALIAS_KEYS:
        raw = mapper.data.get(key)
        if isinstance(raw, str | list) and not isinstance(raw, dict):
            items = [str(item).strip() for item in (raw if isinstance(raw, list) else [raw])]
            mapper.take(key, "aliases")
            aliases += [item for item in items if item]
    if aliases:
        mapper.fields["aliases"] = list(dict.fromkeys(aliases))


_STEPS: tuple[Callable[[Mapper], None], ...] = (
    _title,
    _dates,
    _slug,
    _description,
    _lists,
    _image,
    _authors,
    _canonical_url,
    _layout,
    _draft,
    _aliases,
)
