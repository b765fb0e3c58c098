"""`lint --changed-since` / `--changed-lines` in a real temporary git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from copydesk.changes import _hunk_lines, _name_status, link_tokens, referrers
from copydesk.cli import main


def front(title: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: 2020-01-02\n{extra}---\n\n"


BASE = {
    # a.md: no title (CD303, front matter) and an old empty link on line 7.
    "a.md": "---\ndate: 2020-01-02\n---\n\nIntro.\n\nOld [](https://example.com/old).\n",
    "b.md": front("B") + "Target.\n",
    "d.md": front("D") + "See [b](b.md).\n",
    "e.md": front("E") + "Soon gone.\n",
    "f.md": front("F") + "See [e](e.md).\n",
    "g.md": front("G") + "Untouched [](https://example.com/g).\n",
    "h.md": front("H", "slug: hello\n") + "Hello.\n",
    "notes.json": "not markdown\n",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main: the files above. feature (checked out): a.md edited and committed;
    b.md renamed to c.md, e.md deleted, notes.json edited (uncommitted);
    new.md untracked; main moved on after the branch point (g.md)."""
    home = tmp_path / "home"
    home.mkdir()
    for key, value in {
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }.items():
        monkeypatch.setenv(key, value)
    root = tmp_path / "blog"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for name, text in BASE.items():
        (root / name).write_text(text, encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "feature")
    (root / "a.md").write_text(BASE["a.md"] + "\nNew [](https://example.com/new).\n", "utf-8")
    git(root, "commit", "-q", "-am", "edit a")
    git(root, "checkout", "-q", "main")
    (root / "g.md").write_text(BASE["g.md"] + "\nMore [](https://example.com/m).\n", "utf-8")
    git(root, "commit", "-q", "-am", "main moves on")
    git(root, "checkout", "-q", "feature")
    git(root, "mv", "b.md", "c.md")
    git(root, "rm", "-q", "e.md")
    (root / "notes.json").write_text("changed\n", encoding="utf-8")
    (root / "new.md").write_text(front("New", "slug: hello\n") + "x [](https://e.com/n)\n", "utf-8")
    monkeypatch.chdir(root)
    return root


def lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(["lint", "--quiet", *argv])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def linted_files(capsys: pytest.CaptureFixture[str], *argv: str) -> set[str]:
    main(["lint", "--format", "junit", *argv])
    suite = ET.fromstring(capsys.readouterr().out.encode("utf-8"))
    return {case.get("name", "") for case in suite.iter("testcase")}


def test_changed_since_lints_changed_markdown_and_files_linking_to_moved_ones(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = linted_files(capsys, "--changed-since", "main", ".")
    # a: committed edit; c: renamed; new: untracked; d and f link to b and e.
    # Not g (changed only on main), not h, not notes.json (not a post).
    assert files == {"a.md", "c.md", "new.md", "d.md", "f.md"}


def test_changed_since_reports_every_finding_of_those_files(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = lint(capsys, "--changed-since", "main", ".")
    assert code == 1
    assert out == [
        "a.md:1:1: error CD303 front matter has no 'title' [missing-title]",
        "a.md:7:5: error CD102 link to 'https://example.com/old' has no text [empty-link-text]",
        "a.md:9:5: error CD102 link to 'https://example.com/new' has no text [empty-link-text]",
        "d.md:6:5: error CD101 link target 'b.md' does not exist [missing-link-target]",
        "f.md:6:5: error CD101 link target 'e.md' does not exist [missing-link-target]",
        "new.md:4:1: error CD311 slug 'hello' is also used by h.md [duplicate-slug]",
        "new.md:7:3: error CD102 link to 'https://e.com/n' has no text [empty-link-text]",
    ]


def test_changed_lines_keeps_new_lines_front_matter_and_cross_file_findings(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = lint(capsys, "--changed-since", "main", "--changed-lines", ".")
    assert code == 1
    # Kept: a whole-file rule (CD303), an added line, links into a renamed and a
    # deleted file, a cross-file finding, and every line of an untracked file.
    assert out == [
        "a.md:1:1: error CD303 front matter has no 'title' [missing-title]",
        "a.md:9:5: error CD102 link to 'https://example.com/new' has no text [empty-link-text]",
        "d.md:6:5: error CD101 link target 'b.md' does not exist [missing-link-target]",
        "f.md:6:5: error CD101 link target 'e.md' does not exist [missing-link-target]",
        "new.md:4:1: error CD311 slug 'hello' is also used by h.md [duplicate-slug]",
        "new.md:7:3: error CD102 link to 'https://e.com/n' has no text [empty-link-text]",
    ]


def test_changed_lines_follow_working_tree_edits(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (repo / "a.md").read_text(encoding="utf-8")
    (repo / "a.md").write_text(text.replace("Old [](", "Older []("), encoding="utf-8")
    _, out, _ = lint(capsys, "--changed-since", "main", "--changed-lines", "a.md")
    assert out == [
        "a.md:1:1: error CD303 front matter has no 'title' [missing-title]",
        "a.md:7:7: error CD102 link to 'https://example.com/old' has no text [empty-link-text]",
        "a.md:9:5: error CD102 link to 'https://example.com/new' has no text [empty-link-text]",
    ]


def test_changed_since_is_limited_to_the_given_paths(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "sub").mkdir()
    (repo / "sub" / "x.md").write_text(front("X") + "x\n", encoding="utf-8")
    assert linted_files(capsys, "--changed-since", "main", "sub") == {"sub/x.md"}


def test_nothing_changed_lints_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "all")
    code, out, _ = lint(capsys, "--changed-since", "HEAD", ".")
    assert (code, out) == (0, [])


def test_unknown_ref_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = lint(capsys, "--changed-since", "no-such-branch", ".")
    assert code == 2 and out == []
    assert "no merge base with 'no-such-branch'" in err


def test_outside_git_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    code, _, err = lint(capsys, "--changed-since", "main", ".")
    assert code == 2 and "needs a git repository" in err


def test_changed_lines_needs_changed_since(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = lint(capsys, "--changed-lines", ".")
    assert code == 2 and "needs --changed-since" in err


# --- parsing git output -------------------------------------------------------


def test_hunks_give_added_and_modified_lines() -> None:
    diff = (
        "diff --git a/a.md b/a.md\n--- a/a.md\n+++ b/a.md\n"
        "@@ -3 +3 @@ x\n-old\n+new\n@@ -10,0 +11,2 @@\n+one\n+two\n@@ -20,2 +22,0 @@\n-g\n-h\n"
        'diff --git "a/\\303\\251t\\303\\251.md" "b/\\303\\251t\\303\\251.md"\n'
        'new file mode 100644\n--- /dev/null\n+++ "b/\\303\\251t\\303\\251.md"\n@@ -0,0 +1 @@\n+x\n'
        "diff --git a/gone.md b/gone.md\ndeleted file mode 100644\n--- a/gone.md\n+++ /dev/null\n"
        "@@ -1 +0,0 @@\n-x\n"
    )
    assert dict(_hunk_lines(diff)) == {"a.md": {3, 11, 12}, "été.md": {1}}


def test_name_status_gives_current_and_removed_paths() -> None:
    output = "M\0a.md\0R087\0old.md\0new.md\0D\0gone.md\0C100\0src.md\0copy.md\0A\0b.md\0"
    assert _name_status(output) == (["a.md", "new.md", "copy.md", "b.md"], ["old.md", "gone.md"])


def test_link_tokens_strip_date_prefix_and_use_bundle_folder() -> None:
    assert link_tokens(Path("_posts/2016-03-23-letting-go.md")) == {
        "2016-03-23-letting-go.md",
        "letting-go",
    }
    assert link_tokens(Path("posts/trip/index.md")) == {"index.md", "trip"}


def test_referrers_prefilter_by_text(tmp_path: Path) -> None:
    (tmp_path / "x.md").write_text("see [it](/2016/03/23/letting-go.html)\n", encoding="utf-8")
    (tmp_path / "y.md").write_text("nothing here\n", encoding="utf-8")
    found = referrers([tmp_path / "2016-03-23-letting-go.md"], sorted(tmp_path.glob("*.md")))
    assert found == [tmp_path / "x.md"]
