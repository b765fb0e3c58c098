"""Command-line edges: missing paths, bad options, pipes, stdin, flag spellings."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from copydesk.cli import main

POST = "---\ntitle: A post\ndate: 2020-01-02\n---\n\nHello, world.\n"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: str, text: str = POST) -> Path:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")
    return Path(path)


def test_migrate_of_a_missing_source_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "nonexistent", "--out", "x"]) == 1
    err = capsys.readouterr().err
    assert err == "nonexistent: no such file or folder\n"
    assert not Path("x").exists()


def test_migrate_one_file_into_a_folder_beside_it() -> None:
    write("post.md")
    assert main(["migrate", "post.md", "--out", "out/"]) == 0
    assert Path("out/post.md").read_text(encoding="utf-8").startswith("---\ntitle: A post\n")


def test_migrate_one_file_into_its_own_folder_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write("post.md")
    assert main(["migrate", "post.md", "--out", "."]) == 2
    assert "output folder is inside the source tree post.md" in capsys.readouterr().err


def test_migrate_a_folder_into_itself_is_still_refused() -> None:
    write("posts/a.md")
    assert main(["migrate", "posts", "--out", "posts/out"]) == 2


@pytest.mark.parametrize("command", [["migrate", "--out", "out"], ["format"]])
def test_unknown_timezone_is_refused_up_front_in_one_line(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    write("posts/a.md")
    write("posts/b.md")
    assert main([*command, "posts", "--timezone", "Mars/Olympus"]) == 2
    assert capsys.readouterr().err == (
        "copydesk: --timezone: unknown timezone 'Mars/Olympus' "
        "(an IANA name such as Europe/Berlin)\n"
    )
    assert not Path("out").exists()


def test_fix_of_a_missing_path_is_a_usage_error_like_lint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["format", "nope.md"]) == 2
    assert capsys.readouterr().err == "copydesk: nope.md: no such file or folder\n"
    assert main(["lint", "nope.md"]) == 2
    assert capsys.readouterr().err == "copydesk: nope.md: no such file or folder\n"


def test_output_format_is_an_alias_of_format(capsys: pytest.CaptureFixture[str]) -> None:
    write("a.md", "---\ntitle: A\ndate: 2020-01-02\n---\n\n[x](nope.md)\n")
    assert main(["lint", "--select", "CD101", "--output-format", "json", "a.md"]) == 1
    assert capsys.readouterr().out.startswith('[\n  {\n    "path": "a.md"')


def test_unknown_flag_shows_the_commands_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["lint", "--frobnicate"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: copydesk lint ")
    assert err.endswith("copydesk lint: error: unrecognized arguments: --frobnicate\n")


def test_lint_reads_one_post_from_stdin_with_its_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The named file's folder holds a config that selects CD101 only, and b.md exists
    # beside the name (not beside the current folder): both come from --stdin-filename.
    write("blog/.copydesk.toml", 'select = ["CD101"]\n')
    write("blog/posts/b.md")
    text = "Intro.\n\nSee [b](b.md) and [c](c.md).\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["lint", "-", "--stdin-filename", "blog/posts/draft.md"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "blog/posts/draft.md:3:19: error CD101 link target 'c.md' does not exist"
        " [missing-link-target]",
        "Found 1 finding (1 error) in 1 file.",
    ]
    assert not Path("blog/posts/draft.md").exists()


def test_stdin_takes_no_other_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "-", "a.md"]) == 2
    assert capsys.readouterr().err == (
        "copydesk: -: reads one post from stdin: name no other path\n"
    )
    assert main(["lint", "a.md", "--stdin-filename", "b.md"]) == 2


def test_dry_run_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    for i in range(30):
        write(f"posts/p{i:02d}.md", POST.replace("Hello", f"Hello {i}"))
    script = f"{sys.executable} -m copydesk migrate --dry-run posts --out out | head -n 2"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.splitlines() == ["--- posts/p00.md", "+++ out/p00.md"]
    assert done.stderr == ""


JEKYLL = "---\ntitle:  Hello \ncategories: sales\ndate: 2016-03-23\n---\n\nBody text.\n"


def stdin_bytes(monkeypatch: pytest.MonkeyPatch, data: bytes) -> io.BytesIO:
    """Feed `data` as stdin; return what is written to stdout's buffer."""
    out = io.BytesIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out, write_through=True))
    return out


def test_fix_reads_stdin_and_writes_the_canonical_post_to_stdout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = stdin_bytes(monkeypatch, JEKYLL.encode())
    assert main(["format", "-", "--stdin-filename", "_posts/2016-03-23-hello.md"]) == 0
    text = out.getvalue().decode()
    assert text.startswith(
        "---\ntitle: Hello\ndate: 2016-03-23\nslug: hello\ncategories:\n- sales\n"
    )
    assert "  path: _posts/2016-03-23-hello.md\n" in text
    assert not Path("_posts").exists()  # nothing written to disk


def test_fix_stdin_check_exits_1_and_prints_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    out = stdin_bytes(monkeypatch, JEKYLL.encode())
    assert main(["format", "-", "--check"]) == 1
    assert out.getvalue() == b""


def test_fix_stdin_gives_a_refused_post_back_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    out = stdin_bytes(monkeypatch, b"binary\x00junk")
    assert main(["format", "-"]) == 1
    assert out.getvalue() == b"binary\x00junk"


@pytest.mark.parametrize("command", ["migrate", "fix", "lint", "rules", "site"])
def test_every_command_shows_its_own_usage_for_an_unknown_flag(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([command, "x", "--bogus"])
    assert capsys.readouterr().err.startswith(f"usage: copydesk {command} ")


def test_help_imports_nothing_heavy() -> None:
    # `copydesk --help` must start in well under 0.1 s: only argparse and the CLI module.
    code = (
        "import sys\n"
        "from copydesk.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = {'typing', 'tqdm', 'yaml', 'pydantic', 'mistune', 'tomllib', 'copydesk.config'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.splitlines()[-1] == "[]", done.stderr


@pytest.mark.parametrize("columns", [None, "", "abc", "0", "-3", "40", "132"])
def test_help_is_as_wide_as_shutil_says_the_terminal_is(
    columns: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """copydesk finds the width without importing shutil; help must wrap the same."""
    import shutil

    from copydesk.cli import _terminal_columns

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert _terminal_columns() == shutil.get_terminal_size().columns


def test_help_wraps_at_the_width_columns_gives() -> None:
    def help_text(columns: str) -> str:
        env = {"COLUMNS": columns, "PATH": ""}
        done = subprocess.run(
            [sys.executable, "-m", "copydesk", "lint", "--help"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return done.stdout

    narrow, wide = help_text("50").splitlines(), help_text("150").splitlines()
    assert len(narrow) > len(wide)
    assert max(map(len, wide)) > 50
