"""Dates from front matter: keep their meaning, never shift, never invent one.

A date stays a date. A timestamp keeps the offset it was written with
(`Z`, `+0200`, `-0000`, `GMT-2`). A timestamp written without an offset is
only accepted when the user told us its timezone (`--timezone`) or the
Jekyll site did (`timezone:` in `_config.yml`); otherwise we refuse, because
any guess moves the post by hours and possibly onto another day.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from copydesk.errors import NormalizeError

_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_STAMP = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})[Tt ]+(?P<h>\d{1,2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2})(?:[.,](?P<frac>\d+))?)?\s*(?P<zone>.*)"
)
_OFFSET = re.compile(r"(?:(?:GMT|UTC)\s*)?(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?")
_NO_ZONE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?$")
_UTC_NAMES = frozenset({"z", "utc", "gmt", "ut"})
FILE_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")


class UnparsedDate(ValueError):
    """The value does not look like any date format we know."""


def parse_value(value: object) -> dt.date | dt.datetime:
    """A YAML/TOML value or a string as a date or datetime (naive when no offset was given)."""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if not isinstance(value, str):
        raise UnparsedDate(repr(value))
    text = value.strip()
    if match := _DATE.fullmatch(text):
        return _date(match)
    if match := _STAMP.fullmatch(text):
        return _stamp(match, text)
    return _rfc2822(text)


def _date(match: re.Match[str]) -> dt.date:
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise UnparsedDate(match[0]) from None


def _stamp(match: re.Match[str], text: str) -> dt.datetime:
    micro = int((match["frac"] or "0")[:6].ljust(6, "0"))
    try:
        naive = dt.datetime(
            int(match["y"]),
            int(match["mo"]),
            int(match["d"]),
            int(match["h"]),
            int(match["mi"]),
            int(match["s"] or 0),
            micro,
        )
    except ValueError:
        raise UnparsedDate(text) from None
    zone = match["zone"].strip()
    if not zone:
        return naive
    return naive.replace(tzinfo=parse_offset(zone, text))


def parse_offset(zone: str, text: str) -> dt.tzinfo:
    """`Z`, `UTC`, `+0200`, `+02:00`, `-0000` (UTC), `GMT-2` (UTC-2), or an IANA name."""
    if zone.lower() in _UTC_NAMES:
        return dt.UTC
    if match := _OFFSET.fullmatch(zone):
        minutes = int(match["h"]) * 60 + int(match["m"] or 0)
        delta = dt.timedelta(minutes=-minutes if match["sign"] == "-" else minutes)
        return dt.timezone(delta) if delta else dt.UTC
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnparsedDate(text) from None


def _rfc2822(text: str) -> dt.datetime:
    """RSS `pubDate` style: `Tue, 13 Aug 2019 17:55:36 +0200`, also `GMT-2` and `-0000`."""
    stamp, _, zone = text.rpartition(" ")
    if stamp and (zone.lower() in _UTC_NAMES or _OFFSET.fullmatch(zone)):
        parsed = email.utils.parsedate_tz(stamp)
        if parsed is None:
            raise UnparsedDate(text)
        return dt.datetime(*parsed[:6]).replace(tzinfo=parse_offset(zone, text))
    parsed = email.utils.parsedate_tz(text)
    if parsed is None:
        raise UnparsedDate(text)
    naive = dt.datetime(*parsed[:6])
    if _NO_ZONE.search(text):
        return naive  # parsedate_tz says offset 0 when no zone is written at all
    offset = parsed[9]
    if offset is None:
        return naive  # no zone written: the caller decides (--timezone or refuse)
    return naive.replace(tzinfo=dt.timezone(dt.timedelta(seconds=offset)) if offset else dt.UTC)


@dataclass(frozen=True)
class Zone:
    """The timezone for naive datetimes, and where it came from (for the report)."""

    tz: dt.tzinfo
    name: str
    origin: str


def zone_for(path: Path, option: str | None) -> Zone | None:
    """`--timezone` first, else `timezone:` of the nearest Jekyll `_config.yml` above `path`."""
    if option:
        return Zone(_zone(path, option, "--timezone"), option, "--timezone")
    for folder in path.resolve().parents:
        config = folder / "_config.yml"
        try:
            info = config.stat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            name = _config_timezone(config, info.st_mtime_ns, info.st_size)
            if name:
                return Zone(_zone(path, name, str(config)), name, str(config))
    return None


def _zone(path: Path, name: str, origin: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise NormalizeError(path, f"unknown timezone '{name}' (from {origin})") from None


@functools.lru_cache(maxsize=64)
def _config_timezone(config: Path, mtime_ns: int, size: int) -> str | None:
    """The config's `timezone:`, read once per version of the file.

    Why a broken config is one line on stderr here, and no error: every post
    under it asks, and each would fail the same way (a value YAML accepts but
    Python cannot hold, `built: 2019-13-01`, was an internal error per post).
    Without its timezone a post's offset-less time is kept as written and
    listed for review, as when no config says one."""
    from copydesk.errors import FrontMatterError
    from copydesk.yamlio import load_front_matter

    try:
        text = config.read_text(encoding="utf-8")
        data = load_front_matter(config, text, "yaml", first_line=1, what="file")
    except OSError as error:
        reason = f"cannot read: {error.strerror or error}"
    except UnicodeDecodeError:
        reason = "not UTF-8 text"
    except FrontMatterError as error:
        reason = error.reason
    else:
        value = data.get("timezone")
        return value.strip() if isinstance(value, str) and value.strip() else None
    print(f"copydesk: {config}: {reason}; its timezone is not used", file=sys.stderr)
    return None


def file_name_date(path: Path) -> tuple[dt.date, str] | None:
    """The date and slug of a `YYYY-MM-DD-slug.ext` file name, if it is one."""
    match = FILE_DATE.match(path.stem)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3])), match[4]
    except ValueError:
        return None


def calendar_day(value: dt.date) -> dt.date:
    """The day as written: a datetime's own local date, not converted to UTC."""
    return value.date() if isinstance(value, dt.datetime) else value
