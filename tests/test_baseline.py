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
