"""Errors a user can cause. Each carries a one-line message that names the file."""

from __future__ import annotations


class CopydeskError(Exception):
    """Base class: `str(error)` is the whole line shown to the user."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ReadError(CopydeskError):
    """The file cannot be read as text: empty, binary, not UTF-8, unreadable."""


class UnreadableFile(ReadError):
    """The file is there but its bytes cannot be read (permission, a symlink
    loop, not a regular file): the run could not check it, so it fails."""


class FileTooLarge(ReadError):
    """The file is larger than the configured `max-file-size`: skipped, not parsed."""


class FrontMatterError(CopydeskError):
    """The front matter is broken, unsafe, or not a mapping."""


class NormalizeError(CopydeskError):
    """A normalizer refuses the input rather than guess."""


class InvalidPost(CopydeskError):
    """The post does not validate against the canonical schema."""


class UsageError(CopydeskError):
    """Bad command-line or configuration input."""


class ImportFailed(CopydeskError):
    """A platform export (archive, XML, HTML) is refused: hostile, broken or unknown."""
