"""Canonical serialisation of a `Post`, and atomic, byte-preserving writes."""

from __future__ import annotations

import _thread
import contextlib
import errno
import os
import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from copydesk.errors import CopydeskError

if TYPE_CHECKING:  # writing a report or a baseline needs neither pydantic nor YAML
    from copydesk.model import Post


def render(post: Post) -> str:
    """`---`, front matter in schema order, `---`, a blank line, the body, one final newline."""
    from copydesk.yamlio import dump_front_matter

    body = post.body.strip("\n")
    text = f"---\n{dump_front_matter(post.front_matter())}---\n"
    return f"{text}\n{body}\n" if body else text


class WriteRefused(CopydeskError):
    """A write that would leave the tree or replace something that is not a regular file."""


class OutputStopped(CopydeskError):
    """The output folder takes no more writes (full, read-only, not permitted): every
    later write would fail the same way, so the run stops on one line."""


# Errors of the folder, not of one file: retrying with the next post cannot help.
STOPPING_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})


def stopping(error: OSError) -> bool:
    return error.errno in STOPPING_ERRORS


@contextlib.contextmanager
def ending_cleanly() -> Iterator[None]:
    """Let SIGTERM and SIGHUP end the run as an exception would, so that a write in
    progress removes its temporary file (their default action kills on the spot).
    Ctrl-C already raises KeyboardInterrupt; SIGKILL cannot be caught, and the
    next run's `Writer` removes what it left."""
    import threading  # here: a cache write (every run that lints a file) needs no thread

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    import signal  # here: its enums cost a lint cache write ~2 ms to build

    def end(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = {number: signal.signal(number, end) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


# Temporary files are `.NAME.copydesk-PID-RANDOM.tmp`: recognisable as ours, and
# the PID tells a leftover of a killed run from a write in progress.
_TEMP = re.compile(r"^\..*\.copydesk-(\d+)-[0-9a-f]{8}\.tmp$")
_STALE_AFTER = 3600.0  # seconds: a temp file older than this is a leftover, whatever its PID
_NAME_MAX = 255


class Writer:
    """Atomic writes confined to a root folder, for one run.

    `write` replaces a file through a temporary file in the same folder and a
    rename, so a crash leaves the old file or the new one. The folder is
    opened once and everything after that is relative to it: the temporary
    file is created exclusively and never through a link, and the rename
    replaces only a regular file (a symlink at the target is refused, not
    replaced, and never written through). The first write into a folder
    removes copydesk's own temporary files there that a killed run left.
    """

    def __init__(self) -> None:
        self._swept: set[str] = set()
        # Threads may share a writer (image downloads): threading.Lock is this
        # lock, and importing threading costs a cache write ~0.4 ms.
        self._lock = _thread.allocate_lock()

    def write(self, path: Path, text: str | bytes, *, root: Path | str) -> bool:
        """Write `path` (inside `root`); skip identical bytes. Returns whether it wrote.

        A replaced file keeps its permission bits; a new one gets the umask's.
        """
        data = text.encode("utf-8") if isinstance(text, str) else text
        folder = _folder_inside(path, os.path.realpath(root))
        directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            with self._lock:
                first = folder not in self._swept
                self._swept.add(folder)
            if first:
                _sweep(directory)
            mode = _current_mode(directory, path, data)
            if mode is None:
                return False
            _replace(directory, path.name, data, mode)
        finally:
            os.close(directory)
        return True


def write_atomic(path: Path, text: str | bytes, *, root: Path | str | None = None) -> bool:
    """One atomic write (see `Writer`); `root` defaults to the file's own folder."""
    return Writer().write(path, text, root=path.parent if root is None else root)


def write_cache(path: Path, text: str, what: str) -> str | None:
    """Write a cache file (the lint cache, the link cache) atomically, never
    through a link. Its folder is made with a `.gitignore` of `*`, as pytest's
    cache is: nobody means to commit it. Returns the reason when it could not be
    written: a cache that is not written costs the next run time, so the run goes on."""
    folder = path.parent
    try:
        if folder.is_symlink():
            return f"{folder}: not writing the {what} through a symbolic link"
        if not folder.is_dir():
            folder.mkdir(parents=True)
            write_atomic(folder / ".gitignore", "*\n")
        write_atomic(path, text)
    except WriteRefused as error:
        return f"{path}: cannot write the {what}: {error.reason}"
    except OSError as error:
        return f"{path}: cannot write the {what}: {error.strerror or error}"
    return None


def _folder_inside(path: Path, root: str) -> str:
    """The real folder of `path`, created if missing; refused when a link leads out of `root`."""
    folder = os.path.realpath(path.parent)
    if not (folder == root or folder.startswith(root.rstrip(os.sep) + os.sep)):
        raise WriteRefused(path, f"not writing through a symlink to {folder}: outside {root}")
    try:
        os.makedirs(folder, exist_ok=True)
    except FileExistsError:  # a file where a folder should be; makedirs says "File exists"
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), folder) from None
    return folder


def _current_mode(directory: int, path: Path, data: bytes) -> int | None:
    """The mode a replacement keeps; None when the file holds `data` already."""
    try:
        info = os.stat(path.name, dir_fd=directory, follow_symlinks=False)
    except FileNotFoundError:
        return 0o666 & ~_umask()
    if stat.S_ISLNK(info.st_mode):
        raise WriteRefused(path, "is a symlink: not replacing it or writing through it")
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused(path, "not a regular file")
    if info.st_size == len(data):
        fd = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=directory)
        with os.fdopen(fd, "rb") as handle:
            if handle.read() == data:
                return None
    return stat.S_IMODE(info.st_mode)


def _replace(directory: int, name: str, data: bytes, mode: int) -> None:
    temp, fd = _create_temp(directory, name)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, name, src_dir_fd=directory, dst_dir_fd=directory)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=directory)
        raise


def _create_temp(directory: int, name: str) -> tuple[str, int]:
    """A new file beside `name`: O_EXCL with O_NOFOLLOW never opens an existing path or link."""
    stem = os.fsencode(name)[: _NAME_MAX - 48].decode("utf-8", "ignore")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(100):
        temp = f".{stem}.copydesk-{os.getpid()}-{_token()}.tmp"
        try:
            return temp, os.open(temp, flags, 0o600, dir_fd=directory)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {name}")


def _token() -> str:
    """8 random hex digits (`os.urandom`: `secrets` costs a lint cache write ~5 ms to import)."""
    return os.urandom(4).hex()


def _sweep(directory: int) -> None:
    """Remove copydesk temporary files that no running process is writing."""
    now = time.time()
    for name in os.listdir(directory):
        match = _TEMP.match(name)
        if match is None:
            continue
        with contextlib.suppress(OSError):
            info = os.stat(name, dir_fd=directory, follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and (
                not _running(int(match.group(1))) or now - info.st_mtime > _STALE_AFTER
            ):
                os.unlink(name, dir_fd=directory)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread's write in progress; a failed write removes its own
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def unified_diff(before: str, after: str, fromfile: str, tofile: str) -> str:
    """What a write would change, as a unified diff that can be concatenated:
    a last line without a newline is marked, not glued to the next file's header."""
    import difflib  # here: a cache write (every warm lint that changed a file) needs none

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
