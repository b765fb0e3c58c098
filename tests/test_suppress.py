"""Suppression comments on real posts: what they silence, and what they do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.engine import lint_paths
from copydesk.registry import Registry, RuleInfo
from copydesk.suppress import (
    UnknownSuppressionCode,
    UnknownSuppressionDirective,
    UnusedSuppression,
)

PACK = "- {id: HOUSE001, name: no-bad, message: bad word, phrases: [bad]}\n"
PACK2 = "- {id: HOUSE002, name: no-ugly, message: ugly word, phrases: [ugly]}\n"


def lint(tmp_path: Path, text: str) -> list[tuple[int, int, str]]:
    (tmp_path / ".copydesk.toml").write_text('packs = ["p1.yml", "p2.yml"]\n', encoding="utf-8")
    (tmp_path / "p1.yml").write_text(PACK, encoding="utf-8")
    (tmp_path / "p2.yml").write_text(PACK2, encoding="utf-8")
    (tmp_path / "post.md").write_text(text, encoding="utf-8")
    registry = Registry()
    registry.add(RuleInfo(UnusedSuppression, "test"))
    registry.add(RuleInfo(UnknownSuppressionCode, "test"))
    result = lint_paths([tmp_path / "post.md"], registry=registry, jobs=1)
    assert result.errors == []
    return [(f.line, f.column, f.code) for f in result.findings]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_no_comment_no_suppression(tmp_path: Path) -> None:
    assert lint(tmp_path, "bad and ugly\n") == [(1, 1, "HOUSE001"), (1, 9, "HOUSE002")]


def test_disable_next_line_silences_only_the_next_line_and_only_that_code(
    tmp_path: Path,
) -> None:
    text = "<!-- copydesk-disable-next-line HOUSE001 -->\nbad and ugly\nbad again\n"
    assert lint(tmp_path, text) == [(2, 9, "HOUSE002"), (3, 1, "HOUSE001")]


def test_disable_enable_region(tmp_path: Path) -> None:
    text = (
        "bad\n\n<!-- copydesk-disable HOUSE001 -->\n\nbad ugly\n\nbad\n\n"
        "<!-- copydesk-enable HOUSE001 -->\n\nbad\n"
    )
    assert lint(tmp_path, text) == [(1, 1, "HOUSE001"), (5, 5, "HOUSE002"), (11, 1, "HOUSE001")]


def test_disable_without_codes_silences_everything_until_enable(tmp_path: Path) -> None:
    text = "<!-- copydesk-disable -->\n\nbad ugly\n\n<!-- copydesk-enable -->\n\nugly\n"
    assert lint(tmp_path, text) == [(7, 1, "HOUSE002")]


def test_rule_names_work_like_codes(tmp_path: Path) -> None:
    assert lint(tmp_path, "<!-- copydesk-disable-file no-ugly -->\n\nugly bad\n") == [
        (3, 6, "HOUSE001")
    ]


def test_front_matter_disables_for_the_whole_file(tmp_path: Path) -> None:
    text = "---\ntitle: T\ncopydesk:\n  disable: [HOUSE002]\n---\nugly\n\nbad ugly\n"
    assert lint(tmp_path, text) == [(8, 1, "HOUSE001")]


def test_inline_comment_on_a_line(tmp_path: Path) -> None:
    text = "Intro <!-- copydesk-disable-next-line HOUSE001 -->\nbad\n"
    assert lint(tmp_path, text) == []


def test_comments_in_code_are_not_suppressions(tmp_path: Path) -> None:
    text = (
        "```markdown\n<!-- copydesk-disable-file -->\n```\n\n"
        "Type `<!-- copydesk-disable-next-line -->` before it:\nbad\n"
    )
    assert lint(tmp_path, text) == [(6, 1, "HOUSE001")]


def test_unused_and_unknown_suppressions_are_reported(tmp_path: Path) -> None:
    text = (
        "<!-- copydesk-disable-next-line HOUSE001 HOUSE002 -->\nbad\n\n"
        "<!-- copydesk-disable-next-line CD1O1 -->\nfine\n"
    )
    result = lint(tmp_path, text)
    assert result == [(1, 1, "CD490"), (4, 1, "CD491")]


def test_unused_message_names_the_code(tmp_path: Path) -> None:
    lint(tmp_path, "<!-- copydesk-disable-next-line HOUSE001 HOUSE002 -->\nbad\n")
    registry = Registry()
    registry.add(RuleInfo(UnusedSuppression, "test"))
    result = lint_paths(["post.md"], registry=registry, jobs=1)
    assert [f.message for f in result.findings] == ["unused suppression of HOUSE002"]


def test_suppression_findings_can_be_silenced_file_wide(tmp_path: Path) -> None:
    text = "<!-- copydesk-disable-file CD490 CD491 -->\n<!-- copydesk-disable X1 -->\n"
    assert lint(tmp_path, text) == []


def test_disable_line_silences_only_its_own_line_and_code(tmp_path: Path) -> None:
    # Once read as `disable` with a code '-line', which silenced HOUSE001 to the end.
    text = "bad ugly <!-- copydesk-disable-line HOUSE001 -->\n\nbad\n"
    assert lint(tmp_path, text) == [(1, 5, "HOUSE002"), (3, 1, "HOUSE001")]


def test_disable_line_without_codes_silences_every_rule_on_the_line(tmp_path: Path) -> None:
    assert lint(tmp_path, "bad ugly <!-- copydesk-disable-line -->\nugly\n") == [(2, 1, "HOUSE002")]


def test_enable_without_codes_closes_every_open_range(tmp_path: Path) -> None:
    text = (
        "<!-- copydesk-disable HOUSE001 HOUSE002 -->\n\nbad ugly\n\n"
        "<!-- copydesk-enable -->\n\nbad ugly\n"
    )
    assert lint(tmp_path, text) == [(7, 1, "HOUSE001"), (7, 5, "HOUSE002")]


def test_legacy_colon_form_silences_nothing_and_is_reported(tmp_path: Path) -> None:
    text = "bad <!-- copydesk: disable HOUSE001 -->\n\nbad\n"
    assert lint_all(tmp_path, text) == [
        (1, 1, "HOUSE001", ""),
        (
            1,
            5,
            "CD492",
            "unknown suppression directive 'copydesk: disable'; write copydesk-disable-line "
            "(this line) or copydesk-disable-next-line",
        ),
        (3, 1, "HOUSE001", ""),
    ]


def test_unknown_directive_silences_nothing_and_names_the_likely_one(tmp_path: Path) -> None:
    text = "<!-- copydesk-disable-nextline HOUSE001 -->\nbad\n"
    assert lint_all(tmp_path, text) == [
        (
            1,
            1,
            "CD492",
            "unknown suppression directive 'copydesk-disable-nextline'; "
            "did you mean 'copydesk-disable-next-line'?",
        ),
        (2, 1, "HOUSE001", ""),
    ]


def test_unknown_front_matter_key_silences_nothing(tmp_path: Path) -> None:
    text = "---\ntitle: T\ncopydesk: {ignore: [HOUSE001]}\n---\nbad\n"
    found = lint_all(tmp_path, text)
    assert [(line, code) for line, _, code, _ in found] == [(3, "CD492"), (5, "HOUSE001")]


def lint_all(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    """Findings with the suppression rules' messages (others' messages blanked)."""
    registry = Registry()
    for cls in (UnusedSuppression, UnknownSuppressionCode, UnknownSuppressionDirective):
        registry.add(RuleInfo(cls, "test"))
    (tmp_path / ".copydesk.toml").write_text('packs = ["p1.yml"]\n', encoding="utf-8")
    (tmp_path / "p1.yml").write_text(PACK, encoding="utf-8")
    (tmp_path / "post.md").write_text(text, encoding="utf-8")
    result = lint_paths([tmp_path / "post.md"], registry=registry, jobs=1)
    assert result.errors == []
    return [
        (f.line, f.column, f.code, f.message if f.code.startswith("CD") else "")
        for f in result.findings
    ]
