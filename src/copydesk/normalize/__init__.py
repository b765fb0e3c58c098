"""Normalizers: one input `Document` -> one canonical `Post` plus every `Change` made.

Each format has its own module with a `normalize(document, front_matter, context)`
function. They share the key mapping of the design's table (`keys.py`) and the
masking of code, Liquid and shortcodes (`protect.py`), so that no normalizer
ever rewrites text inside code.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from copydesk.errors import InvalidPost
from copydesk.model import Change, Format, Post, first_error
from copydesk.read import Document

Captions = Literal["paragraph", "title", "figure"]


@dataclass(frozen=True)
class Options:
    """What the user chose on the command line."""

    captions: Captions = "paragraph"
    timezone: str | None = None
    # Name for an author found only as an "About the Author" bio (plain posts name nobody).
    author: str | None = None


@dataclass
class Context:
    """Per-file state a normalizer fills in: the changes it made."""

    source_path: str
    options: Options
    changes: list[Change] = field(default_factory=list)

    def record(
        self,
        kind: str,
        reason: str,
        *,
        before: str = "",
        after: str = "",
        line: int | None = None,
        review: bool = False,
    ) -> None:
        self.changes.append(
            Change(kind=kind, line=line, before=before, after=after, reason=reason, review=review)
        )


@dataclass(frozen=True)
class Normalized:
    post: Post
    changes: list[Change]


def normalize(
    document: Document,
    front_matter: dict[str, Any] | None,
    fmt: Format,
    source_path: str,
    options: Options | None = None,
) -> Normalized:
    """Run the normalizer for `fmt`; raise a `CopydeskError` when it refuses."""
    context = Context(source_path=source_path, options=options or Options())
    module = importlib.import_module(f"copydesk.normalize.{fmt}")
    post: Post = module.normalize(document, front_matter or {}, context)
    return Normalized(post=post, changes=context.changes)


def to_post(path: object, data: dict[str, Any]) -> Post:
    """Validate `data` as a `Post`, or raise `InvalidPost` naming the file and the key."""
    try:
        return Post.model_validate(data)
    except ValidationError as error:
        key, message = first_error(error)
        raise InvalidPost(path, f"invalid '{key}': {message}") from None
