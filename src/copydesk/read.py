"""Read a post: bytes -> text -> (front matter, body), keeping line positions.

Reading is the only place that sees bytes. It refuses what it cannot read
honestly (empty, binary, not UTF-8) and normalises only what is lossless to
undo: a UTF-8 byte order mark and CRLF/CR line endings. What it normalised is
recorded on the `Document` so migrate can report it and lint can keep columns.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import NamedTuple

from copydesk.errors import FileTooLarge, ReadError, UnreadableFile

_BOM = b"\xef\xbb\xbf"
_YAML_OPEN = re.compile(r"---[ \t]*\n")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_TOML_OPEN = re.compile(r"\+\+\+[ \t]*\n")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)
# The closers above, on undecoded bytes: a line that matches here matches
# there once line endings are normalised, so the first match here is never
# before the real end of the front matter.
_CLOSERS = {
    b"---": re.compile(rb"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE),
    b"+++": re.compile(rb"^\+\+\+[ \t]*\r?$", re.MULTILINE),
}


class Document(NamedTuple):
    """One input file as text, split into front matter and body.

    `body_line` is the 1-based line of the original file on which `body`
    starts, so positions found in the body map back to the file. `sha256`
    (hex, of the bytes read) is what migrate records as the source; it is ""
    when the reader was told not to hash (`digest=False`: lint needs no hash).
    An immutable record, as a NamedTuple (a frozen dataclass costs start-up ~1 ms).
    """

    path: Path
    sha256: str
    text: str
    newline: str
    bom: bool
    final_newline: bool
    front_matter: str | None
    front_matter_kind: str | None
    body: str
    body_line: int

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def read_document(path: Path, max_size: int | None = None, digest: bool = True) -> Document:
    """Read and split one file; raise `ReadError` with a one-line reason."""
    return document_from_bytes(path, read_bytes(path, max_size), digest)


def read_bytes(path: Path, max_size: int | None = None) -> bytes:
    """A regular file's bytes, or `UnreadableFile` / `FileTooLarge` saying why not.

    Why the checks come before reading: a fifo or a device named `*.md` would
    block or never end, and a file over `max_size` would be parsed into a tree
    many times its size; both are refused from `stat` alone.
    """
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(path, f"not a regular file ({_kind(info.st_mode)})")
        if max_size is not None and info.st_size > max_size:
            raise FileTooLarge(path, too_large(info.st_size, max_size))
        with open(path, "rb") as handle:
            raw = handle.read() if max_size is None else handle.read(max_size + 1)
    except OSError as error:
        raise UnreadableFile(path, why_unreadable(path, error)) from None
    if max_size is not None and len(raw) > max_size:  # it grew since `stat`
        raise FileTooLarge(path, too_large(len(raw), max_size))
    return raw


def too_large(size: int, limit: int) -> str:
    return (
        f"{human_size(size)} is over the size limit of {human_size(limit)}; skipped (max-file-size)"
    )


def human_size(size: int) -> str:
    """`812 bytes`, `12.3 kB`, `52.4 MB` (powers of 1000, as `max-file-size` reads them)."""
    if size < 1_000:
        return f"{size} bytes"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    raise AssertionError(size)


def why_unreadable(path: Path, error: OSError | None = None) -> str:
    """Why a path cannot be opened, in words: a symlink loop and a broken link say so."""
    if os.path.islink(path) and not os.path.exists(path):
        if _loops(path):
            return "symlink loop, not followed"
        return f"broken symlink (to '{os.readlink(path)}')"
    if error is None:
        try:
            return f"not a regular file ({_kind(os.stat(path).st_mode)})"
        except OSError:
            return "no such file or folder"
    return f"cannot read: {error.strerror or error}"


def _loops(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a fifo"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def document_from_bytes(path: Path, raw: bytes, digest: bool = True) -> Document:
    """`raw` as a `Document`; `digest=False`: no `sha256` (lint: hashing every
    file, and importing hashlib with OpenSSL, cost a run for nothing it reads)."""
    text, bom = decode(path, raw)
    newline = _newline_style(text)
    if newline != "\n":
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    front_matter, kind, body, body_line = split_front_matter(text)
    return Document(
        path=path,
        sha256=_sha256(raw) if digest else "",
        text=text,
        newline=newline,
        bom=bom,
        final_newline=text.endswith("\n"),
        front_matter=front_matter,
        front_matter_kind=kind,
        body=body,
        body_line=body_line,
    )


def _sha256(raw: bytes) -> str:
    import hashlib

    return hashlib.sha256(raw).hexdigest()


def front_matter_may_hold(raw: bytes, needles: tuple[bytes, ...]) -> bool:
    """False only when the file's front matter cannot contain any of `needles`.

    Why: the site's URL index reads every post's front matter for a few keys,
    and most posts have none of them. Looking at the bytes up to the first
    possible closing fence skips decoding, splitting and YAML for those. The
    answer errs towards True (an unclosed or CR-only header is searched whole).
    """
    head = raw[len(_BOM) :] if raw.startswith(_BOM) else raw
    fence = head[:3]
    if fence not in _CLOSERS:
        return False  # no `---`/`+++` opener: no front matter at all
    end = _CLOSERS[fence].search(head, 3)
    if end is not None:
        head = head[: end.start()]
    return any(needle in head for needle in needles)


def decode(path: Path, raw: bytes) -> tuple[str, bool]:
    """UTF-8 (with or without BOM) or a clear refusal; never a silent guess."""
    if not raw.strip():
        raise ReadError(path, "empty file")
    if b"\x00" in raw[:8192]:
        raise ReadError(path, "binary file (contains NUL bytes)")
    bom = raw.startswith(_BOM)
    try:
        text = raw[len(_BOM) if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        raise ReadError(path, f"not valid UTF-8 (byte 0x{byte:02x} on line {line})") from None
    return text, bom


def _newline_style(text: str) -> str:
    if "\r" not in text:  # nearly every file: one scan instead of four
        return "\n"
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    styles = [name for name, count in (("\r\n", crlf), ("\r", cr), ("\n", lf)) if count]
    if len(styles) > 1:
        return "mixed"
    return styles[0] if styles else "\n"


def split_front_matter(text: str) -> tuple[str | None, str | None, str, int]:
    """Split `---` YAML or `+++` TOML front matter from the body.

    Returns (front matter text, "yaml" | "toml" | None, body, body_line).
    An opening fence without a closing one is not front matter: the whole
    text is body, and lint reports it.
    """
    for kind, opener, closer in (
        ("yaml", _YAML_OPEN, _YAML_CLOSE),
        ("toml", _TOML_OPEN, _TOML_CLOSE),
    ):
        start = opener.match(text)
        if not start:
            continue
        end = closer.search(text, start.end())
        if not end:
            return None, None, text, 1
        front_matter = text[start.end() : end.start()]
        body_start = end.end() + 1 if end.end() < len(text) else end.end()
        body_line = text.count("\n", 0, body_start) + 1
        return front_matter, kind, text[body_start:], body_line
    return None, None, text, 1
