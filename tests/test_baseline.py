"""Baselines: old findings stay quiet through edits; new ones fail; fixed ones are counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.cli import main

FRONT = "---\ntitle: A post\ndate: 2020-01-02\n---\n\n"
OLD_BODY = "Intro.\n\nSee [](https://example.com/x).\n\nAnd [](https://example.com/y).\n"


@pytest.fixture
def blog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "a.md").write_text(FRONT + OLD_BODY, encoding="utf-8")
    (tmp_path / "b.md").write_text(FRONT.replace("A post", "B") + "Clean.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(["lint", "--quiet", "--select", "CD102", *argv])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def write_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = lint(capsys, "--write-baseline", ".copydesk-baseline.json", ".")
    assert (code, out) == (0, [])
    assert "wrote 2 findings" in err


def edit(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_without_baseline_findings_fail(blog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, ".")
    assert code == 1 and len(out) == 2


def test_write_baseline_records_code_path_and_line_text(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_baseline(capsys)
    data = json.loads((blog / ".copydesk-baseline.json").read_text(encoding="utf-8"))
    assert data["copydesk-baseline"] == 1
    assert [(e["code"], e["path"], e["line"]) for e in data["findings"]] == [
        ("CD102", "a.md", "And [](https://example.com/y)."),
        ("CD102", "a.md", "See [](https://example.com/x)."),
    ]


def test_baseline_hides_known_findings(blog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_baseline(capsys)
    assert lint(capsys, "--baseline", ".copydesk-baseline.json", ".")[:2] == (0, [])


def test_edits_above_and_reindenting_do_not_resurrect(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_baseline(capsys)
    body = OLD_BODY.replace("See []", "See   []")
    edit(blog / "a.md", FRONT + "New paragraph.\n\nAnother one.\n\n" + body)
    assert lint(capsys, "--baseline", ".copydesk-baseline.json", ".")[:2] == (0, [])


def test_new_finding_fails_and_only_it_is_reported(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_baseline(capsys)
    edit(blog / "a.md", FRONT + OLD_BODY + "\nNew [](https://example.com/z).\n")
    code, out, _ = lint(capsys, "--baseline", ".copydesk-baseline.json", ".")
    assert code == 1
    assert out == [
        "a.md:12:5: error CD102 link to 'https://example.com/z' has no text [empty-link-text]"
    ]


def test_identical_findings_match_one_to_one(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_baseline(capsys)
    edit(blog / "a.md", FRONT + OLD_BODY + "\nSee [](https://example.com/x).\n")
    code, out, _ = lint(capsys, "--baseline", ".copydesk-baseline.json", ".")
    assert code == 1
    assert out == [
        "a.md:12:5: error CD102 link to 'https://example.com/x' has no text [empty-link-text]"
    ]


def test_same_line_in_another_file_is_new(blog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_baseline(capsys)
    edit(blog / "b.md", FRONT + "See [](https://example.com/x).\n")
    code, out, _ = lint(capsys, "--baseline", ".copydesk-baseline.json", ".")
    assert code == 1 and out == [
        "b.md:6:5: error CD102 link to 'https://example.com/x' has no text [empty-link-text]"
    ]


def test_fixed_findings_are_reported_so_the_baseline_can_shrink(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_baseline(capsys)
    edit(
        blog / "a.md",
        FRONT + OLD_BODY.replace("[](https://example.com/y)", "[y](https://example.com/y)"),
    )
    code, out, err = lint(capsys, "--baseline", ".copydesk-baseline.json", ".")
    assert (code, out) == (0, [])
    assert "1 baseline finding is fixed; run --write-baseline to shrink it" in err
    write_baseline_again = main(
        ["lint", "-q", "--select", "CD102", "--write-baseline", ".copydesk-baseline.json", "."]
    )
    assert write_baseline_again == 0
    data = json.loads((blog / ".copydesk-baseline.json").read_text(encoding="utf-8"))
    assert len(data["findings"]) == 1


def test_files_not_linted_are_not_called_fixed(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_baseline(capsys)
    code, out, err = lint(capsys, "--baseline", ".copydesk-baseline.json", "b.md")
    assert (code, out) == (0, [])
    assert "fixed" not in err


def test_config_key_baseline(blog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_baseline(capsys)
    (blog / ".copydesk.toml").write_text('baseline = ".copydesk-baseline.json"\n', "utf-8")
    assert lint(capsys, ".")[:2] == (0, [])


def test_baseline_paths_are_relative_to_the_baseline_file(
    blog: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_baseline(capsys)
    (blog / "sub").mkdir()
    monkeypatch.chdir(blog / "sub")
    assert lint(capsys, "--baseline", "../.copydesk-baseline.json", "..")[:2] == (0, [])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "baseline not found"),
        ("{not json", "baseline is not JSON"),
        ('{"findings": []}', "not a copydesk baseline"),
        ('{"copydesk-baseline": 1, "findings": [{"code": "CD1"}]}', "malformed entry"),
    ],
)
def test_bad_baseline_is_a_usage_error(
    blog: Path, capsys: pytest.CaptureFixture[str], content: str | None, reason: str
) -> None:
    if content is not None:
        (blog / "base.json").write_text(content, encoding="utf-8")
    code, _, err = lint(capsys, "--baseline", "base.json", ".")
    assert code == 2
    assert "base.json" in err and reason in err


def test_write_baseline_refuses_changed_since(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = lint(capsys, "--write-baseline", "x.json", "--changed-since", "main", ".")
    assert code == 2 and "--changed-since" in err
    assert not (blog / "x.json").exists()


def two_blogs(root: Path) -> None:
    """Two blogs under ROOT, each with its own config naming its own baseline."""
    for name in ("one", "two"):
        (root / name).mkdir()
        (root / name / "a.md").write_text(FRONT + OLD_BODY, encoding="utf-8")
        (root / name / ".copydesk.toml").write_text(f'baseline = "{name}.json"\n', "utf-8")


def test_each_file_is_held_against_its_own_configs_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    two_blogs(tmp_path)
    monkeypatch.chdir(tmp_path / "one")
    lint(capsys, "--write-baseline", "one.json", ".")
    monkeypatch.chdir(tmp_path)  # no config here: the baselines come from the blogs' configs
    code, _, err = lint(capsys, "one", "two")
    # two's config names a baseline that does not exist yet: an error, not ignored
    assert code == 2
    assert "two.json: baseline not found" in err and "one.json" not in err
    monkeypatch.chdir(tmp_path / "two")
    lint(capsys, "--write-baseline", "two.json", ".")
    edit(tmp_path / "two" / "a.md", FRONT + OLD_BODY + "\nNew [](https://example.com/z).\n")
    edit(tmp_path / "one" / "a.md", FRONT + "Intro.\n\nSee [](https://example.com/x).\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = lint(capsys, "one", "two")
    assert code == 1
    assert [line.split(":")[0] for line in out if line.startswith("two")] == ["two/a.md"]
    assert not [line for line in out if line.startswith("one")]
    assert "1 baseline finding is fixed" in err  # one's y link; two's entries all still match


def test_the_folder_copydesk_runs_in_lends_no_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog" / "a.md").write_text(FRONT + OLD_BODY, encoding="utf-8")
    (tmp_path / "blog" / ".copydesk.toml").write_text("", encoding="utf-8")
    (tmp_path / "tools").mkdir()
    monkeypatch.chdir(tmp_path / "tools")
    lint(capsys, "--write-baseline", "base.json", "../blog")
    (tmp_path / "tools" / ".copydesk.toml").write_text('baseline = "base.json"\n', "utf-8")
    code, out, _ = lint(capsys, "../blog")  # blog's own config has no baseline
    assert code == 1 and len(out) == 2  # its two findings (--quiet: no summary)
    assert lint(capsys, "--baseline", "base.json", "../blog")[:2] == (0, [])
