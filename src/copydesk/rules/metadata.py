"""Metadata rules (CD3xx): is the front matter there, valid, and consistent?

Lint runs on canonical posts and on raw, un-migrated ones (Jekyll, Medium,
plain text), so each rule decides what it can fairly ask of both:

- every post: front matter present and readable, a title, a date that parses
  (raw posts may use `published_at`/`pubDate`, or the file-name date), no date
  in the future, the file-name date agreeing with the front matter, no H1 that
  repeats the title, unique slugs, a description of sensible length;
- canonical posts only (a `source` mapping in the front matter): the full
  `Post` schema and the key allow-list, because raw posts are *expected* to
  carry keys that migration maps or moves to `extra`.

Pydantic is imported only by the schema rule, when it runs.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from copydesk.lazyre import lazy_compile
from copydesk.rules._fixes import remove_lines
from copydesk.rules._nodes import SITE_OPTIONS, is_post, project
from copydesk.rules.base import Context, Rule, Scope, Violation

if TYPE_CHECKING:
    import datetime as dt

    from copydesk.findings import Fix, Severity
    from copydesk.parse import Node

DATE_KEYS_RAW = ("date", "published_at", "pubDate")
UPDATED_KEYS_RAW = ("updated", "last_modified_at", "lastmod", "modified")
DESCRIPTION_KEYS_RAW = ("description", "excerpt", "summary", "subtitle")
CANONICAL_KEYS = (
    "title", "date", "updated", "slug", "description", "tags", "categories", "image",
    "authors", "canonical_url", "layout", "draft", "aliases", "source", "extra",
)  # fmt: skip

_FILE_DATE = lazy_compile(r"^(\d{4})-(\d{2})-(\d{2})-")
_ERROR_LINE = lazy_compile(r"\bon line (\d+)\b")
_TOML_LINE = lazy_compile(r"\(at line (\d+), column \d+\)")
_DAY = lazy_compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_STAMP = lazy_compile(
    r"(?P<day>\d{4}-\d{1,2}-\d{1,2})[Tt ]+(?P<h>\d{1,2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2})(?:[.,](?P<frac>\d+))?)?\s*(?P<zone>.*)"
)
_ZONE = lazy_compile(r"(?:(?:GMT|UTC)\s*)?(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?")
_UTC_NAMES = frozenset({"z", "utc", "gmt", "ut"})
_NOT_SLUG = lazy_compile(r"[^a-z0-9]+")
_SPACES = lazy_compile(r"\s+")


# --- shared reading of the front matter -------------------------------------------


def front_matter(ctx: Context) -> Mapping[str, Any] | None:
    """The parsed front matter; None when absent or unreadable (other rules report why)."""
    data = ctx.parsed.front_matter
    return data if isinstance(data, Mapping) else None


def has_front_matter_text(ctx: Context) -> bool:
    return ctx.parsed.document.front_matter is not None


def is_canonical(data: Mapping[str, Any]) -> bool:
    """A migrated post carries its provenance; the writer always adds `source`."""
    return isinstance(data.get("source"), Mapping)


def date_keys(data: Mapping[str, Any]) -> tuple[str, ...]:
    return ("date",) if is_canonical(data) else DATE_KEYS_RAW


def first_key(data: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    """The first of `keys` with a value (an empty `date:` counts as absent)."""
    return next((key for key in keys if data.get(key) not in (None, "")), None)


def _has_h1(ctx: Context) -> bool:
    return any(node.attrs.get("level") == 1 for node in ctx.parsed.of_type("heading"))


def title_problem(ctx: Context) -> str | None:
    """Why the post has no usable title, or None. Unreadable front matter: not our call."""
    if ctx.parsed.front_matter_error is not None:
        return None
    data = front_matter(ctx)
    if data is None:
        return "post has no title (the file has no front matter)"
    if "title" not in data:
        return "front matter has no 'title'"
    value = data["title"]
    if value is None or (isinstance(value, str) and not value.strip()):
        return "'title' is empty"
    return None


def parse_date(value: object) -> dt.date | None:
    """A front matter value as a date or datetime, or None when it is not one.

    Accepts what the migration accepts: YAML dates and timestamps, ISO 8601
    strings with `T` or a space and an optional offset (`Z`, `+0200`,
    `GMT-2`, `Europe/Berlin`), and RFC 2822 (`pubDate`). A naive datetime is
    still a date here; the schema rule decides whether canonical posts may
    carry one.
    """
    import datetime as dt  # here: a page without dates needs none

    if isinstance(value, dt.date):
        return value
    if isinstance(value, Mapping):
        # MkDocs Material's blog: `date: {created: 2023-01-31, updated: …}`
        return parse_date(value.get("created"))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if match := _DAY.fullmatch(text):
        return _day(match[0])
    if match := _STAMP.fullmatch(text):
        return _stamp(match)
    return _rfc2822(text)


def _day(text: str) -> dt.date | None:
    import datetime as dt  # here: a page without dates needs none

    year, month, day = (int(part) for part in text.split("-"))
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _stamp(match: re.Match[str]) -> dt.datetime | None:
    import datetime as dt  # here: a page without dates needs none

    day = _day(match["day"])
    valid, zone = _zone(match["zone"].strip())
    if day is None or not valid:
        return None
    micro = int((match["frac"] or "0")[:6].ljust(6, "0"))
    try:
        clock = dt.time(int(match["h"]), int(match["mi"]), int(match["s"] or 0), micro)
    except ValueError:
        return None
    return dt.datetime.combine(day, clock, tzinfo=zone)


def _zone(text: str) -> tuple[bool, dt.tzinfo | None]:
    """(is it a valid zone, the offset); no text is valid and means "no offset"."""
    import datetime as dt  # here: a page without dates needs none

    if not text:
        return True, None
    if text.lower() in _UTC_NAMES:
        return True, dt.UTC
    match = _ZONE.fullmatch(text)
    if not match:
        return _named_zone(text)
    if int(match["h"]) > 23:
        return False, None
    minutes = int(match["h"]) * 60 + int(match["m"] or 0)
    sign = -1 if match["sign"] == "-" else 1
    return True, dt.timezone(dt.timedelta(minutes=sign * minutes))


def _named_zone(text: str) -> tuple[bool, dt.tzinfo | None]:
    """An IANA name (`Europe/Berlin`), as migration accepts one."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return True, ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return False, None


def _rfc2822(text: str) -> dt.datetime | None:
    import email.utils  # ~8 ms at start-up, for the rare RFC 2822 date

    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def path_date(path: Path) -> dt.date | None:
    """The date in a post's file name, or for a bundle's `index.md` in its
    folder's name (`2021-06-01-launch/index.md`: Docusaurus, Hugo)."""
    found = file_name_date(path)
    if found is None and path.stem in ("index", "_index"):
        found = file_name_date(Path(path.parent.name + ".md"))
    return found


def file_name_date(path: Path) -> dt.date | None:
    match = _FILE_DATE.match(path.name)
    return _day(f"{match[1]}-{match[2]}-{match[3]}") if match else None


def post_date(ctx: Context) -> tuple[str, dt.date] | None:
    """(key, parsed value) of the post's date, when it has one that parses."""
    data = front_matter(ctx)
    if data is None:
        return None
    key = first_key(data, date_keys(data))
    value = parse_date(data[key]) if key else None
    return (key, value) if key and value else None


def is_draft(data: Mapping[str, Any]) -> bool:
    status = data.get("status")
    return (
        data.get("draft") is True
        or data.get("published") is False
        or (isinstance(status, str) and status.lower() == "draft")
    )


def slugify(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def squash(text: str) -> str:
    """Text as a reader compares it: entities decoded, spacing and case ignored."""
    return _SPACES.sub(" ", html.unescape(text)).strip().casefold()


# --- rules ----------------------------------------------------------------------


class MissingFrontMatter(Rule):
    """The file has no front matter block.

    What it does: reports a post that does not start with a `---` (YAML) or
    `+++` (TOML) front matter block, or whose opening fence is never closed.
    Why is this bad? Without front matter the site generator has no title,
    date or slug for the post; an unclosed fence turns the whole post into
    one broken block. Run `copydesk migrate` to add canonical front matter.
    Example:
        My first post
        Today I started a blog.
    Use instead:
        ---
        title: My first post
        date: 2016-03-23
        ---
        Today I started a blog.
    """

    code: ClassVar[str] = "CD301"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "file"
    name: ClassVar[str] = "missing-front-matter"
    summary: ClassVar[str] = "post has no front matter"
    severity: ClassVar[Severity] = "error"
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        if not is_post(ctx):
            return
        if has_front_matter_text(ctx):
            return
        first = ctx.parsed.line_text(1).rstrip()
        if first in ("---", "+++"):
            yield Violation(1, 1, f"front matter is never closed (no second '{first}')")
        else:
            yield Violation(1, 1, "post has no front matter")


class InvalidFrontMatter(Rule):
    """The front matter cannot be read: broken YAML/TOML, an unsafe tag, or not a mapping.

    What it does: reports the reason the front matter was refused, at the line
    the YAML or TOML parser names (else the first line). A front matter
    template the site does not publish (Hugo's `archetypes/`) is not checked.
    Why is this bad? The generator either fails the build or silently drops
    the post's metadata; an unsafe tag such as `!!python/object` is never
    executed by copydesk, and should not be in a post at all.
    Example:
        ---
        title: Letting go: a story
        tags: [sales
        ---
    Use instead:
        ---
        title: "Letting go: a story"
        tags: [sales]
        ---
    """

    code: ClassVar[str] = "CD302"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "file"
    name: ClassVar[str] = "invalid-front-matter"
    summary: ClassVar[str] = "front matter is broken, unsafe or not a mapping"
    severity: ClassVar[Severity] = "error"
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        error = ctx.parsed.front_matter_error
        if error is None or _front_matter_template(ctx):
            return
        reason = getattr(error, "reason", str(error))
        yield Violation(error_line(reason), 1, reason)


def _front_matter_template(ctx: Context) -> bool:
    """A template of front matter (Hugo's `archetypes/`: `title: {{ .Name }}`),
    which the site does not publish: its placeholders are not broken YAML."""
    text = ctx.parsed.document.front_matter or ""
    if "{{" not in text:
        return False
    site = project(ctx)
    return site.generator.name != "plain" and not site.is_published(ctx.path)


def error_line(reason: str) -> int:
    """The file line an error names: YAML's are file lines already; tomllib counts
    from the first line inside the `+++` fence, which is line 2 of the file."""
    if match := _ERROR_LINE.search(reason):
        return int(match[1])
    if match := _TOML_LINE.search(reason):
        return int(match[1]) + 1
    return 1


class MissingTitle(Rule):
    """The post has no title, or an empty one.

    What it does: reports a post whose front matter has no non-empty
    `title` (a post with no front matter at all is CD301's finding). Not on
    a generator that gives pages no title of their own (Eleventy: its
    layouts decide which data is the title).
    Why is this bad? The title is the one required field of the canonical
    schema: feeds, listings and the page's `<title>` all need it.
    Example:
        ---
        title: ""
        date: 2016-03-23
        ---
    Use instead:
        ---
        title: Letting go
        date: 2016-03-23
        ---
    """

    code: ClassVar[str] = "CD303"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "file"
    name: ClassVar[str] = "missing-title"
    summary: ClassVar[str] = "post has no title"
    severity: ClassVar[Severity] = "error"
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        if not is_post(ctx) or front_matter(ctx) is None:
            return  # no front matter at all is CD301's one finding, not three
        if project(ctx).generator.supplies("title"):
            return  # the generator or the site's layouts give the title
        problem = title_problem(ctx)
        if problem and project(ctx).generator.titles_from_h1 and _has_h1(ctx):
            return  # the generator titles the page from its first H1
        if problem:
            yield self.at_key(ctx, "title", problem)


class MissingDate(Rule):
    """The post has no date anywhere.

    What it does: reports a post with no `date` in its front matter (raw posts
    may also use `published_at` or `pubDate`) and no `YYYY-MM-DD-` date in
    its file name (a post with no front matter at all is CD301's finding).
    Not on a generator that dates every page itself (Eleventy: the file's
    date). Which files are posts is the site model's call (`copydesk site
    --explain FILE` says why).
    Why is this bad? Without a date the post sorts at random in listings and
    feeds. It is a warning because migration never invents a date: a post
    with no date anywhere is migrated without one and left for a human.
    Example:
        ---
        title: Letting go
        ---
    Use instead:
        ---
        title: Letting go
        date: 2016-03-23
        ---
    """

    code: ClassVar[str] = "CD304"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "file"
    name: ClassVar[str] = "missing-date"
    summary: ClassVar[str] = "post has no date"
    severity: ClassVar[Severity] = "warning"
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        if not is_post(ctx) or project(ctx).generator.supplies("date"):
            return
        if ctx.parsed.front_matter_error is not None or path_date(ctx.path):
            return
        data = front_matter(ctx)
        if data is None:
            return  # no front matter at all is CD301's one finding, not three
        if first_key(data, date_keys(data)) is None:
            yield self.at_key(ctx, "date", "front matter has no 'date'")


class InvalidDate(Rule):
    """A date in the front matter does not parse.

    What it does: checks `date` and `updated` (and, in raw posts, their
    aliases `published_at`, `pubDate`, `last_modified_at`, `lastmod`,
    `modified`) are dates or timestamps: `2016-03-23`,
    `2019-08-13T17:55:36.539Z`, `2016-03-23 10:00:00 +0200` or RFC 2822.
    Why is this bad? Generators either fail the build or drop the post; a
    migration cannot carry a date it cannot read.
    Example:
        date: March the 23rd
    Use instead:
        date: 2016-03-23
    """

    code: ClassVar[str] = "CD305"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "file"
    name: ClassVar[str] = "invalid-date"
    summary: ClassVar[str] = "front matter date does not parse"
    severity: ClassVar[Severity] = "error"

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        data = front_matter(ctx)
        if data is None:
            return
        keys = ("date", "updated") if is_canonical(data) else DATE_KEYS_RAW + UPDATED_KEYS_RAW
        for key in keys:
            given = data.get(key)
            if given is None:
                continue  # most keys of most pages: no generator made for them
            for label, value in _date_values(key, given):
                if value not in (None, "") and parse_date(value) is None:
                    yield self.at_key(ctx, key, f"'{label}' value {value!r} is not a date")


def _date_values(key: str, value: object) -> Iterator[tuple[str, object]]:
    """(label, value) of each date a key holds: one, or MkDocs Material's
    `created` and `updated` (and any other entry) under `date:`."""
    if isinstance(value, Mapping) and "created" in value:
        for name, entry in value.items():
            yield f"{key}.{name}", entry
    else:
        yield key, value


class SchemaViolation(Rule):
    """A canonical post does not validate against the `Post` schema.

    What it does: validates the front matter of canonical posts (those with a
    `source` block, i.e. written by `copydesk migrate`) with the same model
    the migration uses, and reports each error at its own key: wrong types,
    a slug that is not `[a-z0-9-]+`, a multi-line title (a time without an
    offset is CD313's). Missing titles, unreadable dates and unknown top-level
    keys have their own rules (CD303, CD305, CD307). Raw posts are not held
    to the schema: migrating them is what makes them fit.
    Why is this bad? A post that does not validate cannot be migrated again
    or written back; it usually means a hand edit broke the file.
    Example:
        tags: sales
        slug: Letting Go
    Use instead:
        tags: [sales]
        slug: letting-go
    """

    code: ClassVar[str] = "CD306"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "file"
    name: ClassVar[str] = "schema-violation"
    summary: ClassVar[str] = "canonical front matter does not fit the schema"
    severity: ClassVar[Severity] = "error"

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        data = front_matter(ctx)
        if data is None or not is_canonical(data):
            return
        from pydantic import ValidationError

        from copydesk.model import Post

        try:
            Post.model_validate(dict(data))
        except ValidationError as error:
            yield from self._report(ctx, data, error.errors())

    def _report(
        self, ctx: Context, data: Mapping[str, Any], errors: list[Any]
    ) -> Iterator[Violation]:
        seen: set[str] = set()
        for item in errors:
            loc = data_path(item["loc"], data)
            if self._covered_elsewhere(ctx, data, loc, item["type"]):
                continue
            key = key_of(loc, ctx.parsed.keys)
            if key in seen:
                continue
            seen.add(key)
            message = str(item["msg"]).removeprefix("Value error, ")
            yield self.at_key(ctx, key, f"'{'.'.join(loc) or 'front matter'}': {message}")

    @staticmethod
    def _covered_elsewhere(
        ctx: Context, data: Mapping[str, Any], loc: tuple[str, ...], kind: str
    ) -> bool:
        if not loc:
            return False
        if len(loc) == 1 and kind == "extra_forbidden":
            return True  # CD307, which honours the allow-list
        if loc[0] == "title":
            return title_problem(ctx) is not None
        if loc[0] in ("date", "updated"):
            value = data.get(loc[0])
            return isinstance(value, str) and parse_date(value) is None
        return False


def data_path(loc: tuple[int | str, ...], data: Any) -> tuple[str, ...]:
    """The part of a pydantic error location that exists in the data.

    Drops what pydantic adds after it: union members (`date.datetime`) and
    the name of a missing field (`image.src` when `image` has no `src`).
    """
    path: list[str] = []
    for part in loc:
        in_mapping = isinstance(data, Mapping) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and part < len(data)
        if not (in_mapping or in_list):
            break
        data = data[part]
        path.append(str(part))
    return tuple(path) if path else tuple(str(part) for part in loc[:1])


def key_of(loc: tuple[str, ...], keys: Mapping[str, Any]) -> str:
    """The deepest front matter key that holds the error (`tags.2` -> `tags`)."""
    for size in range(len(loc), 0, -1):
        key = ".".join(loc[:size])
        if key in keys:
            return key
    return loc[0] if loc else ""


class UnknownKey(Rule):
    """A top-level front matter key is not part of the canonical schema.

    What it does: reports keys of canonical posts that are not in the
    `allowed-keys` option (default: the canonical keys and `copydesk`, which
    holds suppressions). Set `check-raw-posts = true` to hold raw posts to
    the same list.
    Why is this bad? The schema forbids unknown keys so that a typo
    (`catgories`) is an error, not silence; keys the schema does not know
    belong under `extra`, where migration keeps them verbatim.
    Example:
        catgories: [sales]
        template: post
    Use instead:
        categories: [sales]
        extra:
          template: post
    """

    code: ClassVar[str] = "CD307"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "file"
    name: ClassVar[str] = "unknown-key"
    summary: ClassVar[str] = "front matter key is not in the schema"
    severity: ClassVar[Severity] = "error"
    options: ClassVar[Mapping[str, Any]] = {
        "allowed-keys": [*CANONICAL_KEYS, "copydesk"],
        "check-raw-posts": False,
    }

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        data = front_matter(ctx)
        if data is None or not (is_canonical(data) or ctx.settings["check-raw-posts"]):
            return
        allowed = set(ctx.settings["allowed-keys"])
        for key in data:
            if key not in allowed:
                yield self.at_key(ctx, key, f"unknown front matter key '{key}'")


class FutureDate(Rule):
    """The post's date is in the future.

    What it does: compares the post's date with today (timestamps with now),
    allowing `future-days` days of slack; drafts are skipped unless
    `future-skip-drafts = false`.
    Why is this bad? Jekyll and Hugo silently leave future posts out of the
    build, so a typo in the year makes a post vanish.
    Example:
        date: 2061-03-23
    Use instead:
        date: 2016-03-23
    """

    code: ClassVar[str] = "CD308"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "file"
    name: ClassVar[str] = "future-date"
    summary: ClassVar[str] = "post date is in the future"
    severity: ClassVar[Severity] = "warning"
    options: ClassVar[Mapping[str, Any]] = {
        **SITE_OPTIONS,
        "future-days": 0,
        "future-skip-drafts": True,
    }

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        if not is_post(ctx):
            return
        found = post_date(ctx)
        data = front_matter(ctx)
        if found is None or data is None:
            return
        if ctx.settings["future-skip-drafts"] and is_draft(data):
            return
        import datetime as dt  # here: a page without dates needs none

        key, value = found
        slack = dt.timedelta(days=int(ctx.settings["future-days"]))
        if is_future(value, slack):
            moment = _comes(value, slack)
            if moment is not None:
                ctx.expires(moment)  # no longer in the future then: the lint cache asks again
            yield self.at_key(ctx, key, f"date {value.isoformat()} is in the future")


def _comes(value: dt.date, slack: dt.timedelta) -> float | None:
    """The moment (seconds since the epoch) `is_future` turns false: the local
    midnight starting the day `slack` before a date, `slack` before a time;
    None out of the clock's range."""
    import datetime as dt  # here: a page without dates needs none

    try:
        if isinstance(value, dt.datetime):
            return (value - slack).timestamp()
        return dt.datetime.combine(value - slack, dt.time()).timestamp()
    except (OverflowError, ValueError, OSError):
        return None


def is_future(value: dt.date, slack: dt.timedelta) -> bool:
    import datetime as dt  # here: a page without dates needs none

    if isinstance(value, dt.datetime):
        now = dt.datetime.now(value.tzinfo) if value.tzinfo else dt.datetime.now()
        return value > now + slack
    return value > dt.date.today() + slack


class FileNameDateMismatch(Rule):
    """The date in the file name differs from the front matter date.

    What it does: compares a `YYYY-MM-DD-` file-name prefix with the day of
    the front matter date (as written, in its own offset; a date with a time
    of day may be one day off, as time zones make it). Opt-in: the front
    matter date wins in Jekyll, so the site is right either way.
    Why is this bad? Readers of the repository, and tools that sort posts by
    file name, see another date than the site shows.
    Example:
        _posts/2016-03-24-letting-go.md with date: 2016-03-23
    Use instead:
        _posts/2016-03-23-letting-go.md with date: 2016-03-23
    """

    code: ClassVar[str] = "CD309"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "file"
    name: ClassVar[str] = "file-name-date-mismatch"
    summary: ClassVar[str] = "file-name date differs from front matter date"
    severity: ClassVar[Severity] = "warning"
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS
    # Mostly noise on real sites (docs/precision.md): opt-in.
    default: ClassVar[bool] = False

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        if not is_post(ctx):
            return
        named = file_name_date(ctx.path)
        found = post_date(ctx)
        if named is None or found is None:
            return
        import datetime as dt  # here: a page without dates needs none

        key, value = found
        day = value.date() if isinstance(value, dt.datetime) else value
        # A time of day in another zone than the one the file was named in moves the day by one.
        slack = 1 if isinstance(value, dt.datetime) else 0
        if abs((day - named).days) > slack:
            yield self.at_key(
                ctx, key, f"'{key}' is {day.isoformat()} but the file name says {named}"
            )


class TitleHeading(Rule):
    """The body starts over with an H1 that repeats the title.

    What it does: reports a level-1 heading, the body's first heading,
    whose text equals the front matter title (ignoring case, spacing and
    HTML entities), except where
    the generator shows a body H1 as the page title instead of adding one
    (MkDocs, Docusaurus, jekyll-titles-from-headings).
    Why is this bad? Themes already render the title as the page's H1: the
    reader sees it twice and the page has two H1s. Migration drops it.
    Example:
        ---
        title: Letting go
        ---
        # Letting go
    Use instead:
        ---
        title: Letting go
        ---
        The toughest thing…
    Fix: removes the heading's line (an ATX `# Title` alone on its
    line); what it removed is recorded.
    """

    code: ClassVar[str] = "CD310"
    fixable: ClassVar[bool | str] = "safe"
    # The fix reads a heading's parent: one in a list item keeps its line. (A quote's,
    # a footnote's or an admonition's heading line is not a bare `#` line anyway.)
    needs: ClassVar[tuple[str, ...] | None] = ("list_item",)
    scope: ClassVar[Scope] = "file"
    name: ClassVar[str] = "title-repeated-as-heading"
    summary: ClassVar[str] = "H1 in the body repeats the title"
    severity: ClassVar[Severity] = "warning"
    targets: ClassVar[tuple[str, ...]] = ("heading",)
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        if node.attrs.get("level") != 1:
            return
        if project(ctx).generator.titles_from_h1:
            return  # MkDocs, Docusaurus: a body H1 is the page title, shown once
        if ctx.parsed.of_type("heading")[0] is not node:
            return  # a section further down that shares the title's words
        title = (front_matter(ctx) or {}).get("title")
        if isinstance(title, str) and squash(plain_text(node)) == squash(title):
            fix = _heading_removal(node, ctx)
            yield self.at(node, f"heading repeats the title '{title.strip()}'", fix=fix)


def _heading_removal(node: Node, ctx: Context) -> Fix | None:
    """CD310's fix: the line of an ATX heading that nothing else shares (not
    inside a list or quote, not a setext heading, whose underline is a second line)."""
    line = ctx.parsed.line_text(node.line)
    if node.parent is not None or not re.match(r" {0,3}#[ \t]", line):
        return None
    return remove_lines(ctx.parsed, node.line, node.line)


def plain_text(node: Node) -> str:
    """A heading's words without markup: the `text` of its leaf descendants."""
    if not node.children:
        return str(node.attrs.get("text") or "")
    return "".join(plain_text(child) for child in node.children)


class DuplicateSlug(Rule):
    """Two posts in the run share a slug.

    What it does: collects each post's slug (front matter `slug`, else derived
    from the file name without its date prefix, for files with front matter)
    and reports every post whose slug another linted post also uses. On a
    site with a generator (Jekyll, Hugo, ...) two posts collide when the site
    model gives them one URL: the same slug under another date, section,
    language or docs version is another page.
    Why is this bad? Both posts claim one URL: the generator keeps one and
    the other disappears, or the build fails.
    Example:
        2016-03-23-letting-go.md and 2019-01-02-letting-go.md
    Use instead:
        2016-03-23-letting-go.md and 2019-01-02-letting-go-again.md
    """

    code: ClassVar[str] = "CD311"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "project"
    name: ClassVar[str] = "duplicate-slug"
    summary: ClassVar[str] = "another post has the same slug"
    severity: ClassVar[Severity] = "error"

    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def collect(self, ctx: Context) -> tuple[str, str, int, int] | None:
        """(what two posts must share to collide, the slug, line, column).

        A site with a generator collides on served URLs: the same slug under
        two dates, sections, languages or doc versions is two pages. A plain
        folder collides on slugs, within one language or version.
        """
        if not is_post(ctx):
            return None
        site = project(ctx)
        data = front_matter(ctx) or {}
        value = data.get("slug")
        if isinstance(value, str) and value.strip():
            line, column = ctx.parsed.keys.get("slug", (1, 1))
            slug = slugify(value)
        elif has_front_matter_text(ctx):
            line, column = 1, 1
            slug = slugify(_FILE_DATE.sub("", file_stem(ctx.path)))
        else:
            return None  # a raw text file is not published under a slug
        if not slug:
            return None
        if site.generator.name != "plain":
            url = site.own_url(ctx.path, data)
            return (f"url {url}", slug, line, column) if url else None
        return (f"slug {site.variant(ctx.path)} {slug}", slug, line, column)

    def project_reads(self, facts: list[tuple[Path, Any]]) -> Iterable[str] | None:
        """Nothing: the facts alone."""
        return ()

    def check_project(self, facts: list[tuple[Path, Any]]) -> Iterator[tuple[Path, Violation]]:
        by_key: dict[str, list[tuple[Path, int, int]]] = {}
        for path, fact in facts:
            if fact:
                key, _, line, column = fact
                by_key.setdefault(key, []).append((path, line, column))
        for key, posts in by_key.items():
            if len(posts) < 2:
                continue
            # by path: a run of some files (`--changed-since`, a warm cache)
            # gets the facts in another order than a run of all, not another message
            posts.sort()
            kind, _, value = key.partition(" ")
            what = (
                f"URL '{value}' is also served for"
                if kind == "url"
                else (f"slug '{value.split(' ', 1)[1]}' is also used by")
            )
            for path, line, column in posts:
                others = ", ".join(
                    os.path.relpath(other, path.parent) for other, _, _ in posts if other != path
                )
                yield path, Violation(line, column, f"{what} {others}")


def file_stem(path: Path) -> str:
    """The name a post's URL comes from; Hugo bundles (`post/index.md`) use the folder."""
    stem = path.stem
    return path.parent.name if stem in ("index", "_index") and path.parent.name else stem


class LongDescription(Rule):
    """The description is longer than search results and cards show.

    What it does: reports a `description` (in raw posts also `excerpt`,
    `summary` or `subtitle`) longer than `max-description-length` characters (default 160).
    Why is this bad? Search engines and social cards cut it mid-sentence.
    Example:
        description: (three paragraphs of the post pasted in)
    Use instead:
        description: Why sales engineers struggle to let go of the demo.
    """

    code: ClassVar[str] = "CD312"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "file"
    name: ClassVar[str] = "description-too-long"
    summary: ClassVar[str] = "description is too long"
    severity: ClassVar[Severity] = "warning"
    # Style, not an error: opt-in (issue 16, docs/precision.md).
    default: ClassVar[bool] = False
    options: ClassVar[Mapping[str, Any]] = {**SITE_OPTIONS, "max-description-length": 160}

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        if not is_post(ctx):
            return
        data = front_matter(ctx)
        if data is None:
            return
        keys = ("description",) if is_canonical(data) else DESCRIPTION_KEYS_RAW
        key = first_key(data, keys)
        value = data.get(key) if key else None
        limit = int(ctx.settings["max-description-length"])
        if key and isinstance(value, str) and len(value.strip()) > limit:
            yield self.at_key(
                ctx, key, f"'{key}' has {len(value.strip())} characters (more than {limit})"
            )


class FloatingDatetime(Rule):
    """A canonical post's date is a time of day with no timezone.

    What it does: reports `date` or `updated` in a canonical post (one with a
    `source` block) written as a time with no offset, such as
    `2019-02-27T10:30:00`. Migration keeps such a time exactly as written
    rather than invent an offset; this rule keeps it in sight until a human
    (or `copydesk migrate --timezone TZ`) settles it. Raw posts are left
    alone: their generator applies its own timezone setting.
    Why is this bad? Each build machine reads the time in its own timezone,
    so the post's date, its URL and its place in feeds can move by a day.
    Example:
        date: 2019-02-27T10:30:00
    Use instead:
        date: 2019-02-27T10:30:00+01:00
    """

    code: ClassVar[str] = "CD313"
    needs: ClassVar[tuple[str, ...] | None] = ()
    scope: ClassVar[Scope] = "file"
    name: ClassVar[str] = "floating-datetime"
    summary: ClassVar[str] = "date has a time but no timezone"
    severity: ClassVar[Severity] = "warning"

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        data = front_matter(ctx)
        if data is None or not is_canonical(data):
            return
        import datetime as dt  # here: a page without dates needs none

        for key in ("date", "updated"):
            value = parse_date(data.get(key))
            if isinstance(value, dt.datetime) and value.utcoffset() is None:
                shown = value.isoformat(timespec="seconds")
                yield self.at_key(ctx, key, f"'{key}' {shown} has no timezone offset")
