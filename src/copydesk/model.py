"""The canonical data model: the meeting point of migrate and lint.

`Post` is what every normalizer produces and what the writer serialises; its
field order is the order of keys in canonical front matter. `Change` records
one edit a normalizer made, so a migration never loses a word it cannot show.
This module imports nothing of copydesk (lint findings live in findings.py,
away from pydantic, so that lint starts fast).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Format = Literal["jekyll", "medium", "plain", "canonical"]
FORMATS: tuple[str, ...] = ("jekyll", "medium", "plain", "canonical")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class _Strict(BaseModel):
    """A typo in a key is an error, not silence (extra="forbid")."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _one_line(value: str | None) -> str | None:
    if value is not None and ("\n" in value or "\r" in value):
        raise ValueError("must be a single line")
    return value


class Image(_Strict):
    src: str = Field(min_length=1)
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None


class Author(_Strict):
    name: str = Field(min_length=1)
    url: str | None = None
    bio: str | None = None


class Source(_Strict):
    """Provenance of the migrated file: which input, in which format, which bytes."""

    # A normalizer's format, or an importer's name (medium-export, wxr, or a plugin's).
    format: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Post(_Strict):
    """A post in canonical form: front matter fields in schema order, then the body."""

    title: str = Field(min_length=1)
    date: dt.datetime | dt.date | None = None
    updated: dt.datetime | dt.date | None = None
    slug: str | None = Field(default=None, pattern=SLUG_RE.pattern)
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    image: Image | None = None
    authors: list[Author] = Field(default_factory=list)
    canonical_url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    layout: str | None = None
    draft: bool = False
    aliases: list[str] = Field(default_factory=list)
    source: Source | None = None
    extra: dict[str, Any] = Field(default_factory=dict)
    body: str = Field(default="", exclude=True)

    @field_validator("title")
    @classmethod
    def _title_is_one_trimmed_line(cls, value: str) -> str:
        _one_line(value)
        if value != value.strip():
            raise ValueError("must not start or end with whitespace")
        return value

    @field_validator("tags", "categories", "aliases")
    @classmethod
    def _no_empty_items(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("list items must not be empty")
        return value

    def front_matter(self) -> dict[str, Any]:
        """Front matter keys in schema order, empty values omitted."""
        data = self.model_dump(mode="python", exclude={"body"}, exclude_none=True)
        return {key: value for key, value in data.items() if value not in ([], {}, False, "")}


class Change(_Strict):
    """One edit a normalizer made; `before` keeps removed text verbatim."""

    kind: str
    line: int | None = None
    before: str = ""
    after: str = ""
    reason: str
    review: bool = False


def first_error(error: ValidationError) -> tuple[str, str]:
    """The first validation error as (dotted key, message), for one-line reports."""
    item = error.errors()[0]
    key = ".".join(str(part) for part in item["loc"]) or "(post)"
    return key, item["msg"]
