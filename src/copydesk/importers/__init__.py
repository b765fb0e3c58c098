"""Importers: a platform's own export (Medium zip, WordPress WXR) -> one `Imported` per post.

An importer recognises its input (a file, a folder or a zip) and yields one
`Imported` per post: canonical front matter fields already typed, the body
already Markdown, the input's words for the loss check and every change it
made. `copydesk.migrate` takes it from there through the same normalize ->
validate -> write -> loss-check path as any Markdown post, so the report,
`--dry-run`, `--check`, the summary and the exit codes apply unchanged.

Built-in importers register in the `copydesk.importers` entry-point group,
where a third party adds one the same way: the value is a class with the
`Importer` shape below.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

from copydesk.errors import CopydeskError, UsageError
from copydesk.model import Change

GROUP = "copydesk.importers"
Captions = Literal["paragraph", "title", "figure"]


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose on the command line for importers."""

    captions: Captions = "paragraph"
    include_responses: bool = False  # Medium: keep short replies to other posts
    include: tuple[str, ...] = ()  # WordPress: "pages" adds pages
    post_types: tuple[str, ...] = ()  # WordPress: custom post types to import as posts
    timezone: str | None = None


@dataclass
class Imported:
    """One post out of an export, ready for normalize -> validate -> write.

    `fields` uses canonical keys (title, date, slug, …) with typed values; any
    other key goes to `extra`, as with front matter. `text` is what the reader
    saw in the input (title and visible body text): the loss check compares
    the output against it, so whatever the importer dropped must be in a
    change's `before`.
    """

    origin: Path  # names the post in messages and in `source.path`: export.zip/posts/a.html
    relative: Path  # output file under --out
    fields: dict[str, Any]
    body: str
    text: str
    raw: bytes  # the post's bytes in the export (its sha256 is the provenance)
    format: str  # the importer's name
    changes: list[Change] = field(default_factory=list)


@dataclass
class ImportLog:
    """What an import skipped, for the summary: one line per kind, never silence."""

    skipped: Counter[str] = field(default_factory=Counter)
    hints: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def skip(self, kind: str, hint: str = "", count: int = 1) -> None:
        self.skipped[kind] += count
        if hint:
            self.hints[kind] = hint

    def lines(self) -> list[str]:
        lines = [
            f"skipped {count} {kind}" + (f" ({self.hints[kind]})" if kind in self.hints else "")
            for kind, count in sorted(self.skipped.items())
        ]
        return lines + self.notes


class Importer(Protocol):
    """The shape of an importer (built-in or third-party)."""

    name: ClassVar[str]
    summary: ClassVar[str]

    def recognises(self, path: Path) -> bool:
        """True when `path` (file, folder or zip) is this platform's export; cheap, no parse."""
        ...

    def posts(
        self, path: Path, options: ImportOptions, log: ImportLog
    ) -> Iterator[Imported | CopydeskError]:
        """One `Imported` per post; a post that cannot be read is yielded as its error.

        An export that cannot be read at all raises `ImportFailed`.
        """
        ...


def importers() -> dict[str, Importer]:
    """Every registered importer by name (built-ins come through the same entry points)."""
    from copydesk.plugins import entry_points

    found: dict[str, Importer] = {}
    for entry in sorted(entry_points(GROUP), key=lambda entry: entry.name):
        try:
            importer = entry.load()()
        except Exception as error:
            raise UsageError(entry.value, f"cannot load importer '{entry.name}': {error}") from None
        found[importer.name] = importer
    return found


def importer_for(path: Path, name: str | None, registry: dict[str, Importer]) -> Importer | None:
    """The importer named by `--from`, else the first that recognises `path`, else None."""
    if name is not None:
        return registry.get(name)
    return next((imp for imp in registry.values() if imp.recognises(path)), None)
