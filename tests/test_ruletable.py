"""The built-in rule table (copydesk/_ruletable.py): the registry reads the rules'
metadata from it instead of importing their modules, so it must say exactly what
the rule modules and packs say."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from copydesk import ruletable
from copydesk.registry import RuleConflict, RuleInfo, RuleMeta, load_registry
from copydesk.rules.base import Rule
from copydesk.ruletable import TABLE_FILE, builtin_table, eager_registry, shipped_packs

STALE = "copydesk/_ruletable.py is stale: run `python -m copydesk.ruletable` (make docs)"


def test_the_table_says_what_the_rules_say() -> None:
    expected = ruletable.table_source(eager_registry(), shipped_packs())
    assert TABLE_FILE.read_text(encoding="utf-8") == expected, STALE


def test_the_registry_from_the_table_equals_the_registry_from_the_modules() -> None:
    eager = eager_registry()
    lazy = load_registry()
    assert list(lazy.rules) == list(eager.rules)
    assert lazy.names == eager.names
    for code, info in lazy.rules.items():
        assert not info.loaded, code  # nothing imported yet
        assert (info.source, info.meta) == (eager.rules[code].source, eager.rules[code].meta)
    for code, info in lazy.rules.items():
        cls, expected = info.cls, eager.rules[code].cls
        assert (cls.__module__, cls.__qualname__) == (expected.__module__, expected.__qualname__)
        if cls.__module__ != "copydesk.packs":  # pack classes are made per load
            assert cls is expected


def test_every_built_in_rule_with_a_project_stage_says_its_scope_is_project() -> None:
    """A rule set looks for `collect` only among table rules of scope "project"
    (engine.RuleSet.collectors): a warm cached run then imports no other."""
    collectors = {
        code: info.scope
        for code, info in eager_registry().rules.items()
        if info.cls.collect is not Rule.collect
    }
    assert collectors and set(collectors.values()) == {"project"}


def test_loading_the_registry_imports_no_rule_module() -> None:
    code = (
        "import sys\n"
        "from copydesk.registry import load_registry\n"
        "registry = load_registry()\n"
        "print(sorted(m for m in sys.modules if m.startswith('copydesk')))\n"
        "registry.lookup('CD111').cls\n"
        "print(sorted(m for m in sys.modules if m.startswith('copydesk')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = (eval(line) for line in done.stdout.splitlines())
    rule_modules = {
        "copydesk.rules.links",
        "copydesk.rules.images",
        "copydesk.rules.metadata",
        "copydesk.rules.content",
        "copydesk.rules.web",
        "copydesk.suppress",
        "copydesk.packs",
    }
    assert not rule_modules & set(before)
    assert rule_modules & set(after) == {"copydesk.rules.web"}


def test_a_row_that_no_longer_matches_its_class_is_an_error() -> None:
    info = load_registry().rules["CD101"]
    stale = info.meta._replace(default=not info.meta.default)
    lazy = RuleInfo(None, info.source, stale, info.where)
    with pytest.raises(RuleConflict) as error:
        lazy.cls  # noqa: B018
    assert str(error.value) == (
        f"{info.source}: differs from copydesk's rule table: run `python -m copydesk.ruletable`"
    )


def test_an_edited_pack_is_compiled_not_read_from_the_table(tmp_path: Path) -> None:
    table = builtin_table()
    assert table is not None
    pack = shipped_packs()[0]
    copy = tmp_path / pack.name
    shutil.copyfile(pack, copy)
    assert table.pack_rows(copy) == table.packs[pack.name][1]
    copy.write_bytes(pack.read_bytes().replace(b"severity: warning", b"severity: error", 1))
    assert table.pack_rows(copy) is None
    assert table.pack_rows(tmp_path / "other.yml") is None


def test_a_plugin_reusing_a_built_in_code_or_name_names_both() -> None:
    registry = load_registry()

    class Clash(Rule):
        code = "CD101"
        name = "my-rule"

    class SameName(Rule):
        code = "X001"
        name = registry.rules["CD102"].name

    with pytest.raises(RuleConflict) as error:
        registry.extended([RuleInfo(Clash, "plugin Clash")])
    assert str(error.value) == (
        f"plugin Clash: rule code CD101 is also defined by {registry.rules['CD101'].source}"
    )
    with pytest.raises(RuleConflict) as error:
        registry.extended([RuleInfo(SameName, "plugin SameName")])
    assert "is also used by copydesk.rules.links." in str(error.value)


def test_metadata_of_a_class() -> None:
    class Plain(Rule):
        code = "X002"
        name = "plain"

    assert RuleMeta.of(Plain) == RuleMeta("X002", "plain", True, "error", False, "line", {}, {})
