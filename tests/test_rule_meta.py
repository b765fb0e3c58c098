"""Every shipped rule (built-in modules and shipped packs) meets the house rules.

Unique CD### code, kebab-case name, the four doc headings, a case file with a
passing and a failing case, and docs/rules.md generated from the current
metadata. A rule added without docs or tests fails here by name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from copydesk.registry import RuleInfo, load_registry
from copydesk.ruledocs import HEADINGS, markdown, sections

REPO = Path(__file__).resolve().parents[1]
CASE_DIR = REPO / "tests" / "data" / "rules"
BUILTIN_CODE = re.compile(r"^CD\d{3}$")
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

REGISTRY = load_registry()
SHIPPED = [info for info in REGISTRY.sorted() if info.cls.__module__.startswith("copydesk.")]


def _id(info: RuleInfo) -> str:
    return info.code


def test_the_suppression_rules_are_registered_like_any_other() -> None:
    assert {"CD490", "CD491"} <= {info.code for info in SHIPPED}


@pytest.mark.parametrize("info", SHIPPED, ids=_id)
def test_code_and_name(info: RuleInfo) -> None:
    assert BUILTIN_CODE.match(info.code), f"{info.code} is not CD + three digits"
    assert KEBAB.match(info.name), f"{info.code}: name {info.name!r} is not kebab-case"
    assert info.cls.severity in ("error", "warning", "info")
    assert getattr(info.cls, "summary", ""), f"{info.code} has no summary"


@pytest.mark.parametrize("info", SHIPPED, ids=_id)
def test_docstring_has_the_four_headings(info: RuleInfo) -> None:
    _, parts = sections(info)
    missing = [heading for heading in HEADINGS if not parts.get(heading)]
    assert not missing, f"{info.code} docstring lacks {missing}"


@pytest.mark.parametrize("info", SHIPPED, ids=_id)
def test_case_file_has_a_passing_and_a_failing_case(info: RuleInfo) -> None:
    case_file = CASE_DIR / f"{info.code}.yml"
    assert case_file.is_file(), f"missing {case_file.relative_to(REPO)}"
    cases = yaml.safe_load(case_file.read_text(encoding="utf-8")) or []
    assert any(case["findings"] == [] for case in cases), "no case without findings"
    assert any(any(f["code"] == info.code for f in case["findings"]) for case in cases), (
        f"no case where {info.code} fires"
    )


def test_rule_codes_and_names_are_unique() -> None:
    codes = [info.code for info in SHIPPED]
    names = [info.name for info in SHIPPED]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))


def test_docs_rules_md_is_up_to_date() -> None:
    current = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == markdown(REGISTRY), "docs/rules.md is stale: run `make docs`"
