"""The files of an export, from a zip, a folder or a single file, read safely.

A zip is read in memory, never extracted: nothing of it can land outside
--out. A member whose name leaves the archive (`../`, an absolute path, a
drive letter) or that expands like a zip bomb refuses the whole archive with
one line, since an archive built that way is not the platform's own.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from copydesk.errors import ImportFailed

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # no post of any platform is this large
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200  # HTML compresses ~5-10x; a bomb compresses thousands of times
_RATIO_FLOOR = 1024 * 1024  # tiny members may compress well; only large ones are checked


def is_zip(path: Path) -> bool:
    return path.is_file() and zipfile.is_zipfile(path)


def zip_names(path: Path) -> list[str]:
    """Member names, or [] when the file is not a readable zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return []


def zip_members(path: Path, wanted: Callable[[str], bool]) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each wanted member, after checking every member of the archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check(path, infos)
            for info in infos:
                if not info.is_dir() and wanted(info.filename):
                    yield info.filename, _read(path, archive, info)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise ImportFailed(path, f"cannot read zip: {error}") from None


def _check(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in infos:
        name = info.filename
        pure = PurePosixPath(name.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
            raise ImportFailed(path, f"zip member '{name}' points outside the archive; refused")
        if info.file_size > MAX_MEMBER_BYTES:
            raise ImportFailed(
                path, f"zip member '{name}' expands to {info.file_size} bytes; refused"
            )
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise ImportFailed(path, f"zip member '{name}' expands {ratio}x (a zip bomb?); refused")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise ImportFailed(path, f"zip expands to {total} bytes in all; refused")


def _read(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than its header promised (a lying header is refused)."""
    with archive.open(info) as member:
        data = member.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise ImportFailed(path, f"zip member '{info.filename}' is larger than it says; refused")
    return data


def folder_members(folder: Path, wanted: Callable[[str], bool]) -> Iterator[tuple[str, bytes]]:
    """(relative name, bytes) of the wanted regular files under `folder`; links are not followed."""
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        name = path.relative_to(folder).as_posix()
        if wanted(name):
            try:
                yield name, path.read_bytes()
            except OSError as error:
                raise ImportFailed(path, f"cannot read: {error.strerror or error}") from None
