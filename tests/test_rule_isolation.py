"""Each rule finds, and fixes, alone what it finds among all rules on a file
parsed whole: a rule that reads a node type it does not declare (`needs`,
`needs_if_found`) or whose `may_find` wrongly says it finds nothing fails
here, instead of working only while another selected rule happens to ask the
parser for that node type (CD310 read a heading's parent list item that
nothing declared, and gave a wrong fix once the packs' needs became
conditional).

The reference run selects ALL rules, builds every node of every file and
asks no rule's `may_find`; each rule then runs alone, as the engine plans it
for that rule, on every rule case of tests/data/rules (web cases aside; each
Markdown file also with its body in a list item and in a quote) and on
fixtures/. Findings are compared whole, the fix's edits included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from copydesk import engine
from copydesk.engine import LintResult, lint_paths
from copydesk.registry import load_registry

CASE_DIR = Path(__file__).parent / "data" / "rules"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CODES = [info.code for info in load_registry().sorted() if not info.online]


def found(result: LintResult, code: str) -> list[dict[str, Any]]:
    assert not result.internal_error, [str(error) for error in result.errors]
    return [finding.as_dict() for finding in result.findings if finding.code == code]


def parse_whole(patched: pytest.MonkeyPatch) -> None:
    """From now on (within `patched`): every file is parsed with every node
    type, and every rule checks every file (no `may_find` is asked)."""
    real = engine.parse_for

    def whole(path: Path, want: Any, max_size: int | None = None, data: Any = None) -> Any:
        return real(path, None, max_size, data)

    patched.setattr(engine, "parse_for", whole)
    patched.setattr(engine.RuleSet, "quiet", lambda self, text: (frozenset(), {}))


def rule_cases() -> list[Any]:
    params = []
    for file in sorted(CASE_DIR.glob("*.yml")):
        for case in yaml.safe_load(file.read_text(encoding="utf-8")) or []:
            if "server" not in case:  # web rules run online only
                params.append(pytest.param(file.stem, case, id=f"{file.stem}: {case['name']}"))
    return params


def contained(text: str, first: str, rest: str) -> str:
    """`text` with its body (after any front matter) inside a container whose
    first line starts with `first` and the others with `rest`: a rule that
    reads a node's parent meets one there."""
    head, body = "", text
    if text.startswith("---\n") and (end := text.find("\n---\n", 3)) > 0:
        head, body = text[: end + 5], text[end + 5 :]
    lines = body.split("\n")
    return head + "\n".join(
        (first if number == 0 else rest if line else "") + line for number, line in enumerate(lines)
    )


@pytest.mark.parametrize(("code", "case"), rule_cases())
def test_a_rule_alone_finds_what_it_finds_among_all_rules_on_whole_parses(
    code: str, case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for relative, text in case["files"].items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
        if relative.endswith(".md"):  # and its body in a list item, in a quote
            for container, first, rest in (("in-list", "- ", "  "), ("in-quote", "> ", "> ")):
                nested = Path(relative).with_suffix(f".{container}.md")
                (tmp_path / nested).write_text(contained(text, first, rest), encoding="utf-8")
    if case.get("config"):
        (tmp_path / ".copydesk.toml").write_text(case["config"], encoding="utf-8")
    paths = case.get("paths", ["."])
    alone = found(lint_paths(paths, select=[code], jobs=1), code)
    with monkeypatch.context() as patched:
        parse_whole(patched)
        among_all = found(lint_paths(paths, select=["ALL"], jobs=1), code)
    assert alone == among_all


@pytest.fixture(scope="module")
def fixtures_whole() -> LintResult:
    with pytest.MonkeyPatch.context() as patched:
        patched.chdir(FIXTURES)
        parse_whole(patched)
        return lint_paths(["."], select=["ALL"], jobs=1)


@pytest.mark.parametrize("code", CODES)
def test_a_rule_alone_finds_on_the_fixtures_what_it_finds_among_all_rules_on_whole_parses(
    code: str, fixtures_whole: LintResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    assert found(lint_paths(["."], select=[code], jobs=1), code) == found(fixtures_whole, code)
