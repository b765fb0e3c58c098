"""One bad file never stops a run: lint, migrate and fix name it on one line and go on.

fixtures/hostile holds posts that once stopped a whole run (a last line
without final newline that is an empty heading or a reference definition,
impossible timestamps), beside a good post and the expected output. The
other hostile files (a symlink to itself, a fifo, a file that cannot be
read, one over the size limit) cannot live in git, so each test makes them.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from copydesk import read
from copydesk.cli import main
from copydesk.engine import lint_paths
from copydesk.parse import Node
from copydesk.registry import Registry, RuleInfo
from copydesk.rules.base import Context, Rule, Violation

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
SELECT = ["--select", "CD101,CD302"]


@pytest.fixture
def posts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding the hostile posts, as the working folder."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for post in HOSTILE.glob("*.md"):
        shutil.copy(post, tmp_path / post.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def expected(name: str) -> list[str]:
    return (HOSTILE / name).read_text(encoding="utf-8").splitlines()


def deny(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Reading `name` fails as it would for a user without permission (tests run as root,
    where chmod 000 blocks nothing); the fake is inherited by forked lint workers."""
    real_open = open

    def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(file).name == name:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(read, "open", fake_open, raising=False)


@pytest.fixture
def odd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files that are not regular files, outside the posts folder: named on the command
    line only (what folder discovery does with such files is its own concern)."""
    folder = tmp_path_factory.mktemp("odd")
    (folder / "self.md").symlink_to("self.md")
    (folder / "dangling.md").symlink_to("nowhere.md")
    os.mkfifo(folder / "fifo.md")
    return folder


def many_good_posts(folder: Path, count: int = 50) -> list[str]:
    """Enough posts that `--jobs 2` really runs two workers (see MIN_FILES_PER_JOB)."""
    lines = []
    for i in range(count):
        (folder / "more").mkdir(exist_ok=True)
        (folder / "more" / f"p{i:02d}.md").write_text(
            f"---\ntitle: P{i}\ndate: 2020-01-02\n---\n\n[x](gone.md)\n", encoding="utf-8"
        )
        lines.append(
            f"more/p{i:02d}.md:6:1: error CD101 link target 'gone.md' does not exist"
            " [missing-link-target]"
        )
    return lines


# --- lint ---------------------------------------------------------------------


def test_hostile_posts_are_linted_like_any_other(
    posts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", "--jobs", "1", *SELECT, "."]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == expected("lint.expected")
    assert captured.err == ""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_files_lint_cannot_check_are_one_line_each_and_exit_2(
    posts: Path,
    odd: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    jobs: str,
) -> None:
    more = many_good_posts(posts)
    (posts / "secret.md").write_text("# Secret\n", encoding="utf-8")
    deny(monkeypatch, "secret.md")
    named = [str(odd / name) for name in ("self.md", "dangling.md", "fifo.md")]

    code = main(["lint", "--jobs", jobs, *SELECT, ".", *named])

    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{odd.as_posix()}/dangling.md: broken symlink (to 'nowhere.md')",
        f"{odd.as_posix()}/fifo.md: not a regular file (a fifo)",
        f"{odd.as_posix()}/self.md: symlink loop, not followed",
        "secret.md: cannot read: Permission denied",
    ]
    findings = sorted([*expected("lint.expected")[:-1], *more])
    assert captured.out.splitlines() == [*findings, "Found 55 findings (55 errors) in 55 files."]
    assert code == 2


def test_a_symlink_loop_named_with_excludes_and_ignores_is_one_line(
    posts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (posts / ".copydesk.toml").write_text(
        'exclude = ["drafts"]\nper-file-ignores = {"drafts/*" = ["CD101"]}\n', encoding="utf-8"
    )
    (posts / "loop.md").symlink_to("loop.md")  # named only: folders are not searched here
    assert main(["lint", *SELECT, "loop.md", "good.md"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "loop.md: symlink loop, not followed\n"
    assert captured.out.splitlines()[0] == expected("lint.expected")[2]


def test_unreadable_file_alone_fails_a_clean_run(
    posts: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (posts / "secret.md").write_text("# Secret\n", encoding="utf-8")
    deny(monkeypatch, "secret.md")
    assert main(["lint", "--select", "CD101", "secret.md"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "secret.md: cannot read: Permission denied\n"
    assert captured.out == "No findings in 0 files.\n"


class Heading(Rule):
    """Flags every heading, so that a linted file shows."""

    code: ClassVar[str] = "TST001"
    name: ClassVar[str] = "any-heading"
    summary: ClassVar[str] = "heading"
    targets: ClassVar[tuple[str, ...]] = ("heading",)

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        yield self.at(node, "a heading")


class Unpicklable(Rule):
    """Collects a fact that cannot travel back from a worker process."""

    code: ClassVar[str] = "TST005"
    name: ClassVar[str] = "unpicklable-facts"
    summary: ClassVar[str] = "unpicklable facts"

    def collect(self, ctx: Context) -> Any:
        text = ctx.parsed.document.text
        return (lambda: None) if "odd" in text else text[:3]

    def check_project(self, facts: list[tuple[Path, Any]]) -> Iterator[tuple[Path, Violation]]:
        for path, fact in facts:
            if callable(fact):
                yield path, Violation(1, 1, "odd fact")


class NotAViolation(Rule):
    """Yields a tuple instead of a `Violation` on files that say 'odd'."""

    code: ClassVar[str] = "TST006"
    name: ClassVar[str] = "not-a-violation"
    summary: ClassVar[str] = "yields garbage"

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        if "odd" in ctx.parsed.document.text:
            yield (1, 1, "not a violation")  # type: ignore[misc]


def registry(*classes: type[Rule]) -> Registry:
    result = Registry()
    for cls in classes:
        result.add(RuleInfo(cls, f"test {cls.__name__}"))
    return result


def write_headings(folder: Path, count: int, odd: int) -> None:
    for i in range(count):
        word = "odd" if i == odd else "even"
        (folder / f"{i:03d}.md").write_text(f"# H{i}\n\n{word}\n", encoding="utf-8")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_parser_crash_is_one_internal_error_and_the_rest_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    import copydesk.parse

    real_parse = copydesk.parse.parse_document

    def crashing_parse(document: Any, want: Any = None) -> Any:
        if "odd" in document.text:
            raise IndexError("list index out of range")
        return real_parse(document, want)

    monkeypatch.setattr(copydesk.parse, "parse_document", crashing_parse)
    write_headings(tmp_path, 60, odd=7)
    monkeypatch.chdir(tmp_path)

    result = lint_paths(["."], registry=registry(Heading), jobs=jobs)

    assert [str(e) for e in result.errors] == [
        "007.md: internal error: IndexError: list index out of range"
    ]
    assert result.failed and result.internal_error
    assert len(result.findings) == 59  # every other file's heading
    assert "007.md" not in {f.path for f in result.findings}


def test_facts_that_cannot_leave_a_worker_give_the_same_result_as_one_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_headings(tmp_path, 60, odd=30)
    monkeypatch.chdir(tmp_path)
    rules = registry(Heading, Unpicklable)
    one = lint_paths(["."], registry=rules, jobs=1)
    two = lint_paths(["."], registry=rules, jobs=2)
    assert [(f.path, f.code) for f in two.findings] == [(f.path, f.code) for f in one.findings]
    assert ("030.md", "TST005") in [(f.path, f.code) for f in two.findings]
    assert len(two.findings) == 61 and two.errors == []


def test_a_rule_yielding_something_else_is_one_line_naming_the_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_headings(tmp_path, 3, odd=1)
    monkeypatch.chdir(tmp_path)
    result = lint_paths(["."], registry=registry(Heading, NotAViolation), jobs=1)
    assert [str(e) for e in result.errors] == [
        "001.md: rule TST006 crashed: it yielded something that is not a Violation"
    ]
    assert [f.path for f in result.findings] == ["000.md", "001.md", "002.md"]
    assert result.failed


# --- migrate and fix ----------------------------------------------------------


def test_migrate_names_each_bad_file_once_and_writes_the_rest(
    posts: Path,
    odd: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    out = tmp_path_factory.mktemp("out")
    code = main(["migrate", ".", str(odd / "self.md"), str(odd / "fifo.md"), "--out", str(out)])
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{odd / 'self.md'}: symlink loop, not followed",
        f"{odd / 'fifo.md'}: not a regular file (a fifo)",
        *expected("migrate.expected"),
    ]
    assert code == 1
    written = sorted(path.name for path in out.rglob("*.md"))
    assert written == ["definition_at_eof.md", "empty_heading_at_eof.md", "good.md"]


def test_fix_names_each_bad_file_once_and_fixes_the_rest(
    posts: Path, odd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = posts / "raw.md"
    raw.write_text("A plain title\n\nSome text.\n", encoding="utf-8")
    (posts / "secret.md").write_text("A secret\n\nText.\n", encoding="utf-8")
    deny(monkeypatch, "secret.md")

    code = main(["format", str(odd / "self.md"), "impossible_month.md", "secret.md", "raw.md"])

    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{odd / 'self.md'}: symlink loop, not followed",
        expected("migrate.expected")[0],
        "secret.md: cannot read: Permission denied",
    ]
    assert captured.out == "raw.md: rewritten in canonical form (was plain)\n"
    assert raw.read_text(encoding="utf-8").startswith("---\ntitle: A plain title\n")
    assert code == 1


def test_fix_goes_on_when_writing_one_file_fails(
    posts: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from copydesk.write import Writer

    real_write = Writer.write

    def failing_write(self: Writer, path: Path, text: str | bytes, *, root: Path | str) -> bool:
        if path.name == "a.md":
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_write(self, path, text, root=root)

    monkeypatch.setattr(Writer, "write", failing_write)
    for name in ("a.md", "b.md"):
        (posts / name).write_text("A plain title\n\nSome text.\n", encoding="utf-8")

    assert main(["format", "a.md", "b.md"]) == 1

    captured = capsys.readouterr()
    assert captured.err == "a.md: refused: Read-only file system\n"
    assert captured.out == "b.md: rewritten in canonical form (was plain)\n"
    assert (posts / "b.md").read_text(encoding="utf-8").startswith("---\n")


# --- size limit ---------------------------------------------------------------

BIG = "---\ntitle: Big\ndate: 2020-01-02\n---\n\n" + "A pasted log line.\n" * 64  # 1,260 bytes


def test_lint_skips_a_file_over_the_default_limit_from_its_size_alone(
    posts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = posts / "huge.md"
    with huge.open("wb") as handle:  # sparse: 10 MB and a byte, nothing to parse
        handle.truncate(10_000_001)
    assert main(["lint", *SELECT, "huge.md", "good.md"]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        "huge.md: 10.0 MB is over the size limit of 10.0 MB; skipped (max-file-size)\n"
    )
    assert captured.out.splitlines()[0] == expected("lint.expected")[2]


@pytest.mark.parametrize(
    ("config", "flag", "skipped"),
    [
        ('max-file-size = "1 kB"\n', [], True),
        ("max-file-size = 1000\n", [], True),
        ("", ["--max-file-size", "1kB"], True),
        ('max-file-size = "1 kB"\n', ["--max-file-size", "0"], False),  # 0: no limit
        ('max-file-size = "1 kB"\n', ["--max-file-size", "2 kB"], False),
    ],
)
def test_lint_limit_comes_from_the_config_and_the_flag_wins(
    posts: Path, capsys: pytest.CaptureFixture[str], config: str, flag: list[str], skipped: bool
) -> None:
    (posts / ".copydesk.toml").write_text(config, encoding="utf-8")
    (posts / "big.md").write_text(BIG, encoding="utf-8")
    assert main(["lint", *SELECT, *flag, "big.md", "good.md"]) == 1  # good.md's finding
    err = capsys.readouterr().err
    line = "big.md: 1.3 kB is over the size limit of 1.0 kB; skipped (max-file-size)\n"
    assert err == (line if skipped else "")


def test_a_post_on_stdin_has_the_same_limit(
    posts: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BIG.encode())))
    assert main(["lint", "-", "--stdin-filename", "big.md", "--max-file-size", "1kB"]) == 0
    err = capsys.readouterr().err
    assert err == "big.md: 1.3 kB is over the size limit of 1.0 kB; skipped (max-file-size)\n"


def test_a_bad_limit_in_the_config_is_a_usage_error(
    posts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (posts / ".copydesk.toml").write_text('max-file-size = "lots"\n', encoding="utf-8")
    assert main(["lint", "good.md"]) == 2
    assert "'max-file-size': not a size: 'lots'" in capsys.readouterr().err


def test_migrate_and_fix_skip_a_file_over_the_limit(
    posts: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    (posts / "big.md").write_text(BIG, encoding="utf-8")
    line = "big.md: 1.3 kB is over the size limit of 1.0 kB; skipped (max-file-size)"
    out = tmp_path_factory.mktemp("out")

    assert main(["migrate", "--max-file-size", "1kB", "big.md", "good.md", "--out", str(out)]) == 1
    assert capsys.readouterr().err.splitlines() == [line]
    assert sorted(path.name for path in out.iterdir()) == ["good.md"]

    (posts / ".copydesk.toml").write_text('max-file-size = "1 kB"\n', encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        assert path.name != "big.md", "a file over the limit was read"
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert main(["format", "big.md"]) == 1
    assert capsys.readouterr().err.splitlines() == [line]
    assert (posts / "big.md").read_text(encoding="utf-8") == BIG


@pytest.mark.parametrize(
    ("text", "size"),
    [("0", 0), ("1000", 1000), ("10 MB", 10_000_000), ("500kB", 500_000), ("1.5 GB", 1.5e9)],
)
def test_sizes_read_as_powers_of_1000(text: str, size: int) -> None:
    from copydesk.config import parse_size

    assert parse_size(text) == size


def test_migrate_check_goes_on_when_an_output_cannot_be_read(
    posts: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    out = tmp_path_factory.mktemp("out")
    assert main(["migrate", "good.md", "definition_at_eof.md", "--out", str(out)]) == 0
    capsys.readouterr()
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "good.md" and path.parent == out:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)

    assert main(["migrate", "--check", "good.md", "definition_at_eof.md", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"{out / 'good.md'}: cannot read: Permission denied\n"
    assert captured.out.splitlines()[-1] == "2 files: 1 canonical, 0 would change, 1 refused"


HOSTILE_SITE = HOSTILE.parent / "hostile_site"


@pytest.mark.parametrize("command", ["migrate", "format"])
def test_a_site_config_with_an_impossible_value_is_one_line_per_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """`built: 2019-13-01` in `_config.yml` was an internal error for every post
    under it; now one line names the config, and its posts are migrated with
    their offset-less times kept as written (for review), as with no config."""
    site = tmp_path / "site"
    shutil.copytree(HOSTILE_SITE, site)
    args = ["--out", str(tmp_path / "out")] if command == "migrate" else []

    code = main([command, str(site / "_posts"), *args])

    captured = capsys.readouterr()
    (line,) = (HOSTILE_SITE / "migrate.expected").read_text(encoding="utf-8").splitlines()
    assert captured.err.splitlines() == [f"copydesk: {site / line}"]
    assert code == (0 if command == "migrate" else 1)  # fix: posts were rewritten
    folder = tmp_path / "out" if command == "migrate" else site / "_posts"
    nine = (folder / "2021-10-31-nine.md").read_text(encoding="utf-8")
    assert "\ndate: 2021-10-31T09:00:00\n" in nine  # no offset invented


HOSTILE_LINKS = HOSTILE.parent / "hostile_links"


def test_a_fragment_into_a_file_copydesk_cannot_read_is_no_finding_and_no_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """CD107 parsed a linked file with no size limit, and a linked file that
    could not be read (not UTF-8, permission denied) was "rule CD107 crashed".
    Its ids are unknown now: no claim that `#part` is missing, no error line;
    a readable file without the heading is still a finding."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for post in HOSTILE_LINKS.glob("*.md"):
        shutil.copy(post, tmp_path / post.name)
    (tmp_path / "pyproject.toml").write_text('[tool.copydesk]\nmax-file-size = "1 kB"\n')
    monkeypatch.chdir(tmp_path)
    deny(monkeypatch, "secret.md")

    code = main(["lint", "a.md", "--select", "CD107"])

    captured = capsys.readouterr()
    expected_lines = (HOSTILE_LINKS / "lint.expected").read_text(encoding="utf-8").splitlines()
    assert captured.out.splitlines()[:-1] == expected_lines
    assert captured.err == ""
    assert code == 1


KILLED_WORKER_RUN = """
import json, multiprocessing, os, signal
from typing import ClassVar
from copydesk.engine import lint_paths
from copydesk.registry import Registry, RuleInfo
from copydesk.rules.base import Rule, Violation

class Killer(Rule):
    '''Every file checked is a finding; a worker that checks 'odd' is killed (OOM, say).'''
    code: ClassVar[str] = "TST007"
    name: ClassVar[str] = "killer"
    summary: ClassVar[str] = "kills its worker"

    def check_file(self, ctx):
        if "odd" in ctx.parsed.document.text and multiprocessing.parent_process() is not None:
            os.kill(os.getpid(), signal.SIGKILL)
        yield Violation(1, 1, "checked")

rules = Registry()
rules.add(RuleInfo(Killer, "test Killer"))
result = lint_paths(["."], registry=rules, jobs=2)
print(json.dumps({"errors": [str(e) for e in result.errors], "failed": result.failed,
                  "findings": sorted(f.path for f in result.findings)}))
"""


def test_a_killed_worker_ends_the_run_with_its_file_named(tmp_path: Path) -> None:
    """A worker killed outright (the OOM killer, SIGKILL) made multiprocessing.Pool
    wait forever for its chunk. Now its files are linted again one at a time in a
    fresh worker: the one whose worker dies again is one line, the run exits 2."""
    write_headings(tmp_path, 60, odd=30)
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WORKER_RUN],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["errors"] == [
        "030.md: internal error: the worker process linting it died (killed, or crashed)"
    ]
    assert result["failed"] is True
    assert result["findings"] == [f"{i:03d}.md" for i in range(60) if i != 30]
