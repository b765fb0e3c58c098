"""Data-driven rule tests: every tests/data/rules/<CODE>.yml case, run for real.

A case writes its `files` (path -> text) into a fresh folder, plus an
optional `config` (the top-level keys of a .copydesk.toml), lints that folder
with only the case's rule selected, and compares the rule's findings as
{path, line, col, code} exactly. Positions are the point of the exercise:
a finding one column off is a failing case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from copydesk.engine import lint_paths

CASE_DIR = Path(__file__).parent / "data" / "rules"


def load_cases() -> list[Any]:
    params = []
    for file in sorted(CASE_DIR.glob("*.yml")):
        for case in yaml.safe_load(file.read_text(encoding="utf-8")) or []:
            params.append(pytest.param(file.stem, case, id=f"{file.stem}: {case['name']}"))
    return params


def run_case(code: str, case: dict[str, Any], folder: Path) -> list[dict[str, Any]]:
    for relative, content in case["files"].items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    if case.get("config"):
        (folder / ".copydesk.toml").write_text(case["config"], encoding="utf-8")
    result = lint_paths(case.get("paths", ["."]), select=[code], jobs=1)
    assert not result.internal_error, [str(e) for e in result.errors]
    return [
        {"path": f.path, "line": f.line, "col": f.column, "code": f.code}
        for f in result.findings
        if f.code == code
    ]


def _key(item: dict[str, Any]) -> tuple[str, int, int, str]:
    return (str(item["path"]), int(item["line"]), int(item["col"]), str(item["code"]))


@pytest.mark.parametrize(("code", "case"), load_cases())
def test_rule_case(
    code: str, case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    found = run_case(code, case, tmp_path)
    expected = sorted(case["findings"], key=_key)
    assert found == expected
