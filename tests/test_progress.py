"""The progress bar: on a terminal after about a second, never in a pipe or with --quiet."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from copydesk import progress
from copydesk.cli import main
from copydesk.progress import Progress, wanted

POST = "---\ntitle: Post {i}\ndate: 2020-01-02\n---\n\nHello number {i}.\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TERM", raising=False)


def posts(count: int) -> None:
    Path("posts").mkdir()
    for i in range(count):
        Path(f"posts/p{i:02d}.md").write_text(POST.format(i=i), encoding="utf-8")


def test_a_short_run_shows_nothing() -> None:
    terminal = Terminal()
    with Progress(100, "file", enabled=True, stream=terminal) as bar:
        for _ in range(100):
            bar.advance()
    assert terminal.getvalue() == ""


def test_a_run_over_the_delay_shows_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    terminal = Terminal()
    with Progress(4, "file", enabled=True, stream=terminal) as bar:
        for _ in range(4):
            bar.advance()
    assert "/4 [" in terminal.getvalue()  # tqdm: "1/4 [00:00<?, ?file/s]"


def test_only_a_terminal_and_not_quiet_wants_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    assert wanted(stream=Terminal())
    assert not wanted(quiet=True, stream=Terminal())
    assert not wanted(stream=io.StringIO())
    monkeypatch.setenv("TERM", "dumb")
    assert not wanted(stream=Terminal())


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["lint", "--jobs", "1", "posts"], True),
        (["lint", "--jobs", "1", "--quiet", "posts"], False),
        (["format", "--check", "posts"], True),
        (["migrate", "posts", "--out", "out"], True),
        (["migrate", "--dry-run", "posts", "--out", "out"], False),  # diffs on the terminal
    ],
)
def test_commands_draw_the_bar_on_a_terminal_only(
    argv: list[str],
    shown: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    posts(5)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    main(argv)
    assert ("/5 [" in terminal.getvalue()) is shown, terminal.getvalue()


def test_not_a_terminal_no_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    posts(5)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    plain = io.StringIO()
    monkeypatch.setattr(sys, "stderr", plain)
    main(["lint", "--jobs", "1", "posts"])
    assert plain.getvalue() == ""


def test_tqdm_is_not_imported_unless_a_bar_is_shown() -> None:
    code = (
        "import sys\n"
        "from copydesk.cli import main\n"
        "main(['lint', 'posts'])\n"
        "assert 'tqdm' not in sys.modules, 'tqdm imported'\n"
    )
    posts(3)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "tqdm imported" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), done.stderr
