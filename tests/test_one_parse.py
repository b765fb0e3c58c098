"""Each file is parsed once per run: CD107 checks a fragment into another file
against the ids that file's own parse collected (its project stage), not by
parsing the linked file again."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from copydesk import parse
from copydesk.engine import lint_paths

FRAGMENTS = Path(__file__).parent / "data" / "fragments"


def lines(found: Any) -> list[str]:
    return [
        f"{f.path}:{f.line}:{f.column}: {f.severity} {f.code} {f.message} [{f.name}]"
        for f in found.findings
    ]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for path in FRAGMENTS.glob("*.md"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    parsed: list[Path] = []
    real = parse.parse_document

    def counting(document: Any, want: Any = None) -> parse.ParsedFile:
        parsed.append(document.path)
        return real(document, want)

    monkeypatch.setattr(parse, "parse_document", counting)
    return parsed


def test_fragments_into_other_files_are_checked_without_parsing_them_again(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = count_parses(monkeypatch)

    found = lint_paths(["."], select=["CD107"], jobs=1)

    expected = (FRAGMENTS / "lint.expected").read_text(encoding="utf-8").splitlines()
    assert lines(found) == expected
    assert sorted(path.name for path in parsed) == ["a.md", "b.md"]  # once each


def test_the_fix_of_a_fragment_into_another_file_is_its_one_slug_match(site: Path) -> None:
    found = lint_paths(["a.md", "b.md"], select=["CD107"], jobs=1)

    fixes = {f.message: f.fix for f in found.findings}
    fix = fixes["heading '#set_up_steps' does not exist in 'b.md'"]
    assert fix is not None and fix.applicability == "unsafe"
    (edit,) = fix.edits
    assert (edit.line, edit.column, edit.text) == (4, 18, "#set-up-steps")
    assert fix.replaces == "set_up_steps"  # a rewrite: accounted, not a removal
    assert fixes["heading '#tuning' does not exist in 'b.md'"] is None  # no id is near it


def test_a_linked_file_outside_the_run_is_parsed_for_its_ids(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = count_parses(monkeypatch)

    found = lint_paths(["a.md"], select=["CD107"], jobs=1)

    expected = (FRAGMENTS / "lint.expected").read_text(encoding="utf-8").splitlines()
    assert lines(found) == [line for line in expected if line.startswith("a.md")]
    assert sorted(path.name for path in parsed) == ["a.md", "b.md"]


def test_a_renamed_heading_is_seen_by_the_files_linking_to_it(site: Path) -> None:
    (site / "b.md").write_text("# Reference\n\n## Tuning\n", encoding="utf-8")

    found = lint_paths(["."], select=["CD107"], jobs=1)

    messages = [f.message for f in found.findings if f.path == "a.md"]
    assert "heading '#tuning' does not exist in 'b.md'" not in messages
    assert "heading '#setup' does not exist in 'b.md'" in messages


def test_a_resolved_collapsed_reference_costs_no_second_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`[RFC 5646][]` with its definition is a link; `prose` blanks its label,
    and a blank label (no reference at all, CommonMark) sent CD108 to parse
    the whole file again on 270 of hugoDocs' 1,002 files."""
    post = tmp_path / "post.md"
    post.write_text(
        "Tags as in [RFC 5646][], and [ ][] is text.\n\n[RFC 5646]: https://example.com/rfc\n",
        encoding="utf-8",
    )
    parsed = count_parses(monkeypatch)

    found = lint_paths([post], select=["CD108"], jobs=1)

    assert found.findings == []
    assert len(parsed) == 1
