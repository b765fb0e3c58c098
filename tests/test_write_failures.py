"""Writes that fail or are interrupted: one clear line, nothing half-written, nothing lost,
and no temporary file left behind for long.

Tests run as root, where a read-only folder stops nothing: a full disk and a
read-only file system are simulated where the OS would report them (fsync,
creating the temporary file); interruptions are real signals sent to a real
`copydesk` process.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copydesk import write as write_module
from copydesk.cli import main
from copydesk.write import write_atomic

RAW = "A plain title\n\nFirst paragraph of text.\n\nSecond paragraph.\n"


def posts(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(count):
        made.append(folder / f"p{i}.md")
        made[-1].write_text(f"Title {i}\n\nText of post {i}.\n", encoding="utf-8")
    return made


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if ".copydesk-" in p.name)


def fail_fsync(monkeypatch: pytest.MonkeyPatch, code: int, after: int = 0) -> None:
    """The OS reports `code` when a written file is flushed, after `after` good flushes."""
    calls = []
    real = os.fsync

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) > after:
            raise OSError(code, os.strerror(code))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


# --- a full, read-only or forbidden --out: one line, summary, exit 2 ---------------


@pytest.mark.parametrize(
    "code", [errno.ENOSPC, errno.EROFS, errno.EACCES], ids=["full", "read-only", "denied"]
)
def test_an_output_that_takes_no_writes_stops_the_run_on_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: int,
) -> None:
    sources = posts(tmp_path / "src", 5)
    before = {p: p.read_bytes() for p in sources}
    fail_fsync(monkeypatch, code, after=2)
    out = tmp_path / "out"
    assert main(["migrate", str(tmp_path / "src"), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"copydesk: {out}: cannot write {out / 'p2.md'}: {os.strerror(code)}; "
        "stopped with 3 of 5 posts not written (no file was half-written)"
    ]
    assert captured.out.splitlines()[0].startswith("2 files: 2 migrated")
    assert sorted(p.name for p in out.iterdir()) == ["p0.md", "p1.md"]  # whole, no temp file
    assert {p: p.read_bytes() for p in sources} == before


def test_a_report_that_cannot_be_written_is_one_line_after_the_posts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    posts(tmp_path / "src", 2)
    (tmp_path / "file").write_text("not a folder\n", encoding="utf-8")
    report = tmp_path / "file" / "report.json"
    out = tmp_path / "out"
    code = main(["migrate", str(tmp_path / "src"), "--out", str(out), "--report", str(report)])
    assert code == 2
    captured = capsys.readouterr()
    assert captured.err == f"copydesk: {report}: cannot write the report: Not a directory\n"
    assert captured.out.startswith("2 files: 2 migrated, 0 unchanged, 0 failed")
    assert sorted(p.name for p in out.iterdir()) == ["p0.md", "p1.md"]


def test_a_full_disk_while_writing_the_report_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    posts(tmp_path / "src", 2)
    fail_fsync(monkeypatch, errno.ENOSPC, after=2)  # the two posts, then the report
    out, report = tmp_path / "out", tmp_path / "report.json"
    code = main(["migrate", str(tmp_path / "src"), "--out", str(out), "--report", str(report)])
    assert code == 2
    captured = capsys.readouterr()
    assert captured.err == f"copydesk: {report}: cannot write the report: No space left on device\n"
    assert captured.out.startswith("2 files: 2 migrated")
    assert not report.exists()
    assert temp_files(tmp_path) == []


def test_a_stopped_run_says_so_in_its_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    posts(tmp_path / "src", 3)
    real = write_module._create_temp

    def create_temp(directory: int, name: str) -> tuple[str, int]:
        if name != "report.json":
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real(directory, name)

    monkeypatch.setattr(write_module, "_create_temp", create_temp)
    report = tmp_path / "report.json"
    args = ["migrate", str(tmp_path / "src"), "--out", str(tmp_path / "out"), "--report"]
    assert main([*args, str(report)]) == 2
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["stopped"].endswith("Read-only file system; stopped with 3 of 3 posts not written")
    assert data["files"] == []


# --- temporary files: recognisable, removed on errors, signals and re-runs -------


def test_a_failed_write_leaves_no_temporary_file_and_the_old_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.md"
    target.write_text("old\n", encoding="utf-8")
    fail_fsync(monkeypatch, errno.EIO)
    with pytest.raises(OSError):
        write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


SLOW_FIX = """
import os, sys, time
real = os.fsync
def fsync(fd):
    real(fd)
    open(sys.argv[1], "w").close()  # the temporary file is written: tell the test
    time.sleep(60)
os.fsync = fsync
from copydesk.cli import main
sys.exit(main(sys.argv[2:]))
"""


def start_slow_write(tmp_path: Path, *argv: str) -> tuple[subprocess.Popen[bytes], Path]:
    ready = tmp_path / "ready"
    process = subprocess.Popen([sys.executable, "-c", SLOW_FIX, str(ready), *argv], cwd=tmp_path)
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert process.poll() is None, "copydesk ended before writing"
        assert time.monotonic() < deadline, "copydesk never wrote"
        time.sleep(0.02)
    return process, ready


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_fix_removes_its_temporary_file(
    tmp_path: Path, number: signal.Signals
) -> None:
    post = tmp_path / "tree" / "a.md"
    posts(tmp_path / "tree", 0)
    post.write_text(RAW, encoding="utf-8")
    process, _ = start_slow_write(tmp_path, "fix", "tree")
    assert len(temp_files(tmp_path / "tree")) == 1
    process.send_signal(number)
    assert process.wait(timeout=30) == 128 + number
    assert temp_files(tmp_path / "tree") == []
    assert post.read_text(encoding="utf-8") == RAW  # old bytes: the rename never happened


def test_a_killed_fix_leaves_old_bytes_and_the_next_run_removes_its_leftover(
    tmp_path: Path,
) -> None:
    post = tmp_path / "tree" / "a.md"
    posts(tmp_path / "tree", 0)
    post.write_text(RAW, encoding="utf-8")
    (tmp_path / "tree" / ".a.md.other-tool.tmp").write_text("not ours\n", encoding="utf-8")
    process, _ = start_slow_write(tmp_path, "fix", "tree")
    process.kill()
    process.wait(timeout=30)
    [leftover] = temp_files(tmp_path / "tree")
    assert leftover.startswith(f".a.md.copydesk-{process.pid}-")
    assert post.read_text(encoding="utf-8") == RAW

    subprocess.run([sys.executable, "-m", "copydesk", "fix", "tree"], cwd=tmp_path, check=False)
    assert temp_files(tmp_path / "tree") == []
    assert (tmp_path / "tree" / ".a.md.other-tool.tmp").exists()  # only copydesk's own
    assert post.read_text(encoding="utf-8").startswith("---\ntitle: A plain title\n")


def test_a_killed_migrate_leftover_is_removed_by_the_next_migrate(tmp_path: Path) -> None:
    posts(tmp_path / "src", 2)
    process, _ = start_slow_write(tmp_path, "migrate", "src", "--out", "out")
    process.kill()
    process.wait(timeout=30)
    assert len(temp_files(tmp_path / "out")) == 1
    done = subprocess.run(
        [sys.executable, "-m", "copydesk", "migrate", "src", "--out", "out", "--force"],
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0
    assert temp_files(tmp_path / "out") == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["p0.md", "p1.md"]


def test_a_temporary_file_of_a_running_process_is_left_alone(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = tmp_path / f".b.md.copydesk-{sleeper.pid}-0123abcd.tmp"
        busy.write_text("being written\n", encoding="utf-8")
        write_atomic(tmp_path / "a.md", "new\n")
        assert busy.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    write_atomic(tmp_path / "c.md", "new\n")  # a later run: its writer is dead now
    assert not busy.exists()


def test_a_temporary_file_of_this_process_is_another_threads_write(tmp_path: Path) -> None:
    """Threads may share a writer (image downloads): a sweep never takes their files."""
    busy = tmp_path / f".b.md.copydesk-{os.getpid()}-0123abcd.tmp"
    busy.write_text("being written\n", encoding="utf-8")
    write_atomic(tmp_path / "a.md", "new\n")
    assert busy.exists()
