"""Which files a writer may touch: regular files inside the tree it was given,
reached without leaving it. Links out of the tree, loops, self-links and
non-regular files are named and skipped, never followed or written."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from copydesk import write as write_module
from copydesk.cli import main
from copydesk.write import WriteRefused, write_atomic

RAW = "A plain title\n\nFirst paragraph of text.\n\nSecond paragraph.\n"
OUTSIDE_TEXT = "root:x:0:0:not a post\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository as the working folder, with a file outside it."""
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "else.txt").write_text(OUTSIDE_TEXT, encoding="utf-8")
    (tmp_path / "outside" / "post.md").write_text(RAW, encoding="utf-8")
    monkeypatch.chdir(repo)
    return repo


def outside(repo: Path) -> Path:
    return repo.parent / "outside"


def write(path: Path, text: str = RAW) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail instead of hanging if a FIFO is ever opened for reading."""

    def timeout(signum: int, frame: object) -> None:
        raise TimeoutError("blocked reading a FIFO")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


# --- fix: never through a link out of the tree ------------------------------------


def test_fix_of_a_folder_skips_a_link_out_of_the_tree(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = write(repo / "posts" / "a.md")
    (repo / "posts" / "victim.md").symlink_to(outside(repo) / "else.txt")
    assert main(["format", "posts"]) == 1
    assert (outside(repo) / "else.txt").read_text(encoding="utf-8") == OUTSIDE_TEXT
    assert post.read_text(encoding="utf-8").startswith("---\ntitle: A plain title\n")
    err = capsys.readouterr().err
    assert "posts/victim.md: skipped: not following symlink outside posts" in err


def test_fix_of_a_named_link_out_of_the_repository_is_skipped(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "victim.md").symlink_to(outside(repo) / "post.md")
    assert main(["format", "victim.md"]) == 0
    assert (outside(repo) / "post.md").read_text(encoding="utf-8") == RAW
    assert (repo / "victim.md").is_symlink()
    assert (
        "victim.md: skipped: not following symlink outside the repository"
        in capsys.readouterr().err
    )


def test_fix_through_a_linked_folder_out_of_the_repository_is_skipped(repo: Path) -> None:
    (repo / "linked").symlink_to(outside(repo), target_is_directory=True)
    main(["format", "linked/post.md"])
    main(["format", "."])
    assert (outside(repo) / "post.md").read_text(encoding="utf-8") == RAW


def test_link_inside_the_tree_fixes_its_target_once(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = write(repo / "real.md")
    (repo / "alias.md").symlink_to("real.md")
    assert main(["format", "."]) == 1
    out = capsys.readouterr().out
    assert out == "real.md: rewritten in canonical form (was plain)\n"
    assert real.read_text(encoding="utf-8").startswith("---\n")
    assert (repo / "alias.md").is_symlink()


def test_a_named_link_inside_the_repository_rewrites_its_target_and_stays_a_link(
    repo: Path,
) -> None:
    real = write(repo / "blog" / "real.md")
    (repo / "alias.md").symlink_to("blog/real.md")
    assert main(["format", "alias.md"]) == 1
    assert (repo / "alias.md").is_symlink()
    assert real.read_text(encoding="utf-8").startswith("---\ntitle: A plain title\n")


@pytest.mark.parametrize("command", [["format"], ["lint", "--select", "CD301"]])
def test_self_links_and_loops_in_a_folder_are_named_and_the_run_goes_on(
    repo: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    # In a repository with no site generator, a file without front matter is a
    # post only in a folder of posts (a README at the top is not one).
    write(repo / "posts" / "a.md")
    (repo / "self.md").symlink_to("self.md")
    (repo / "loop1.md").symlink_to("loop2.md")
    (repo / "loop2.md").symlink_to("loop1.md")
    (repo / "gone.md").symlink_to("nowhere.md")
    assert main([*command, "."]) == 1  # a.md: rewritten, or a finding
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "gone.md: skipped: broken symlink (to 'nowhere.md')",
        "loop1.md: skipped: symlink loop, not followed",
        "loop2.md: skipped: symlink loop, not followed",
        "self.md: skipped: symlink loop, not followed",
    ]


@pytest.mark.parametrize(("command", "code"), [(["format"], 1), (["lint"], 2)])
def test_a_named_self_link_is_an_unreadable_file(
    repo: Path, capsys: pytest.CaptureFixture[str], command: list[str], code: int
) -> None:
    (repo / "self.md").symlink_to("self.md")
    assert main([*command, "self.md"]) == code
    assert "self.md: symlink loop, not followed" in capsys.readouterr().err


@pytest.mark.usefixtures("alarm")
def test_a_fifo_in_a_folder_is_skipped(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / "a.md")
    os.mkfifo(repo / "pipe.md")
    assert main(["format", "."]) == 1  # a.md rewritten
    assert main(["migrate", ".", "--out", "../out"]) == 0
    assert main(["lint", "--select", "CD101", "."]) == 0
    err = capsys.readouterr().err
    assert err.count("pipe.md: skipped: not a regular file (a fifo)") == 3


# --- migrate: no loops, nothing written outside --out ------------------------------


def test_migrate_does_not_follow_a_folder_loop(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / "blog" / "a.md")
    (repo / "blog" / "sub").mkdir()
    (repo / "blog" / "sub" / "loop").symlink_to("..", target_is_directory=True)
    assert main(["migrate", "blog", "--out", "out"]) == 0
    assert sorted(p.relative_to(repo / "out").as_posix() for p in (repo / "out").rglob("*")) == [
        "a.md"
    ]
    assert "blog/sub/loop: skipped: symlink loop" in capsys.readouterr().err


def test_migrate_skips_a_folder_link_out_of_its_source(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / "blog" / "a.md")
    (repo / "blog" / "more").symlink_to(outside(repo), target_is_directory=True)
    assert main(["migrate", "blog", "--out", "out"]) == 0
    assert not (repo / "out" / "more").exists()
    assert "blog/more: skipped: not following symlink outside blog" in capsys.readouterr().err


def test_migrate_does_not_write_through_a_linked_folder_in_out(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / "blog" / "sub" / "a.md")
    (repo / "out").mkdir()
    (repo / "out" / "sub").symlink_to(outside(repo), target_is_directory=True)
    assert main(["migrate", "blog", "--out", "out"]) == 1
    assert sorted(p.name for p in outside(repo).iterdir()) == ["else.txt", "post.md"]
    assert "not writing through a symlink" in capsys.readouterr().err


def test_migrate_force_does_not_replace_a_link_in_out(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / "blog" / "a.md")
    (repo / "out").mkdir()
    (repo / "out" / "a.md").symlink_to(outside(repo) / "else.txt")
    assert main(["migrate", "blog", "--out", "out", "--force"]) == 1
    assert (repo / "out" / "a.md").is_symlink()
    assert (outside(repo) / "else.txt").read_text(encoding="utf-8") == OUTSIDE_TEXT
    assert "out/a.md: is a symlink: not replacing it" in capsys.readouterr().err


# --- the atomic write itself -------------------------------------------------------


def test_write_refuses_a_symlink_at_the_target(tmp_path: Path) -> None:
    target = write(tmp_path / "elsewhere.txt", OUTSIDE_TEXT)
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "a.md").symlink_to(target)
    with pytest.raises(WriteRefused, match="is a symlink"):
        write_atomic(tmp_path / "tree" / "a.md", "new\n")
    assert target.read_text(encoding="utf-8") == OUTSIDE_TEXT
    assert (tmp_path / "tree" / "a.md").is_symlink()


def test_write_never_creates_its_temporary_file_through_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = write(tmp_path / "elsewhere.txt", OUTSIDE_TEXT)
    tree = tmp_path / "tree"
    tree.mkdir()
    trap = tree / f".a.md.copydesk-{os.getpid()}-deadbeef.tmp"
    trap.symlink_to(target)
    tokens = iter(["deadbeef", "cafef00d"])
    monkeypatch.setattr(write_module, "_token", lambda: next(tokens))
    write_atomic(tree / "a.md", "new\n")
    assert (tree / "a.md").read_text(encoding="utf-8") == "new\n"
    assert target.read_text(encoding="utf-8") == OUTSIDE_TEXT


def test_write_refuses_a_folder_outside_its_root(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "sub").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(WriteRefused, match="outside"):
        write_atomic(tmp_path / "tree" / "sub" / "a.md", "new\n", root=tmp_path / "tree")
    with pytest.raises(WriteRefused, match="outside"):
        write_atomic(tmp_path / "tree" / "sub" / "new" / "a.md", "x\n", root=tmp_path / "tree")
    assert list((tmp_path / "elsewhere").iterdir()) == []


# --- one discovery: the config's exclude holds for named files too -------------------


def test_exclude_holds_for_files_named_on_the_command_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".copydesk.toml").write_text('exclude = ["drafts"]\n', encoding="utf-8")
    draft = write(repo / "drafts" / "a.md")
    assert main(["format", "drafts/a.md"]) == 0
    assert main(["format", "."]) == 1  # nothing else to fix: "no posts found"
    assert main(["migrate", ".", "--out", "../out"]) == 1
    assert draft.read_text(encoding="utf-8") == RAW
    assert not (repo.parent / "out").exists()
    assert main(["lint", "drafts/a.md"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "No findings in 0 files."


def test_an_excluded_named_file_is_named_once_not_called_missing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".copydesk.toml").write_text('exclude = ["drafts"]\n', encoding="utf-8")
    write(repo / "drafts" / "a.md")
    assert main(["lint", "drafts/a.md"]) == 0
    err = capsys.readouterr().err
    assert err == "copydesk: drafts/a.md: excluded by the configuration\n"
