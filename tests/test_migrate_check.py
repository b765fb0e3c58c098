"""`copydesk migrate --check` / `--diff`: is every post canonical? Nothing is ever written."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from copydesk.cli import main

RAW = "---\ntitle:   Spaced title  \ndate: 2020-05-01\n---\n\nBody text stays.\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".git" not in path.parts
    }


def canonical(repo: Path, name: str) -> Path:
    """A post made canonical by `fix`, the way a content repository gets one."""
    post = write(repo / name, RAW)
    main(["format", name])
    return post


def test_canonical_posts_pass(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    canonical(repo, "posts/a.md")
    capsys.readouterr()
    assert main(["migrate", "--check", "posts"]) == 0
    assert capsys.readouterr().out == "1 file: 1 canonical, 0 would change, 0 refused\n"


def test_raw_post_fails_and_nothing_is_written(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    canonical(repo, "posts/a.md")
    write(repo / "posts" / "b.md", RAW)
    before = snapshot(repo)
    capsys.readouterr()

    assert main(["migrate", "--check", "posts"]) == 1
    out = capsys.readouterr().out
    assert snapshot(repo) == before
    assert "posts/b.md: not in canonical form (detected jekyll)" in out
    assert "posts/a.md" not in out
    assert "2 files: 1 canonical, 1 would change, 0 refused" in out
    assert "---" not in out  # no diff without --diff


def test_diff_shows_what_would_change(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / "b.md", RAW)
    assert main(["migrate", "--check", "--diff", "b.md"]) == 1
    out = capsys.readouterr().out
    assert "--- b.md\n+++ b.md (canonical)\n" in out
    assert "-title:   Spaced title  \n+title: Spaced title\n" in out
    assert "+  path: b.md\n" in out
    assert (repo / "b.md").read_text(encoding="utf-8") == RAW


def test_diff_alone_implies_check(repo: Path) -> None:
    write(repo / "b.md", RAW)
    assert main(["migrate", "--diff", "b.md"]) == 1
    assert (repo / "b.md").read_text(encoding="utf-8") == RAW


def test_without_check_out_is_still_required(repo: Path) -> None:
    write(repo / "b.md", RAW)
    assert main(["migrate", "b.md"]) == 2


def test_post_that_cannot_be_read_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / "broken.md", "---\ntitle: [unclosed\n---\n\nText\n")
    assert main(["migrate", "--check", "broken.md"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("broken.md: ")
    assert "0 canonical, 0 would change, 1 refused" in captured.out


def test_check_against_out_compares_with_the_migrated_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src / "a.md", RAW)
    check = ["migrate", str(src), "--out", str(out), "--check"]

    assert main(check) == 1  # nothing migrated yet
    assert f"{out / 'a.md'}: missing" in capsys.readouterr().out
    assert not out.exists()

    assert main(["migrate", str(src), "--out", str(out)]) == 0
    assert main(check) == 0

    (out / "a.md").write_text("hand-edited\n", encoding="utf-8")
    assert main(check) == 1
    assert f"{out / 'a.md'}: differs" in capsys.readouterr().out


def test_fix_then_check_agree_on_every_seed(repo: Path) -> None:
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is absent")
    for seed in sorted(seeds.iterdir()):
        write(repo / "posts" / seed.name, seed.read_text(encoding="utf-8"))
    assert main(["migrate", "--check", "posts"]) == 1
    assert main(["format", "posts"]) == 1
    assert main(["migrate", "--check", "posts"]) == 0
    assert main(["format", "posts"]) == 0
