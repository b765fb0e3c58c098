"""Canonical serialisation of a `Post`, and atomic, byte-preserving writes."""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from copydesk.model import Post
from copydesk.yamlio import dump_front_matter


def render(post: Post) -> str:
    """`---`, front matter in schema order, `---`, a blank line, the body, one final newline."""
    body = post.body.strip("\n")
    text = f"---\n{dump_front_matter(post.front_matter())}---\n"
    return f"{text}\n{body}\n" if body else text


def write_atomic(path: Path, text: str) -> bool:
    """Write `text` to `path` via a temporary file and rename; skip identical bytes.

    Returns whether the file was written. A crash mid-write leaves either the
    old file or the new one, never half of each. A replaced file keeps its
    permission bits; a new one gets the usual umask mode (mkstemp makes 0600).
    """
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def unified_diff(before: str, after: str, fromfile: str, tofile: str) -> str:
    """What a write would change, as a unified diff that can be concatenated:
    a last line without a newline is marked, not glued to the next file's header."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=fromfile,
        tofile=tofile,
    )
    return "".join(_terminated(lines))


def _terminated(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        yield line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n"
