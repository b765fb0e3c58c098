"""A pack's compiled twin (`x.yml.json`): used only when made from the pack's very
text, so that a run reads the shipped packs without importing PyYAML."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from copydesk.packs import (
    _compiled,
    _parse_yaml,
    compiled_path,
    load_pack,
    shipped_packs,
    write_compiled,
)

GOOD = (
    "- {id: HOUSE001, name: no-bad, message: \"bad '{match}'\", phrases: [bad word]}\n"
    "- {id: HOUSE002, name: no-meh, message: meh, pattern: '(?i)\\bmeh\\b', default: false}\n"
)


def specs(path: Path) -> list[str]:
    return [repr(info.cls.spec) for info in load_pack(path)]  # type: ignore[attr-defined]


def test_shipped_twins_are_current() -> None:
    for path in shipped_packs():
        text = path.read_text(encoding="utf-8")
        assert _compiled(path, text) == _parse_yaml(path, text), (
            f"{compiled_path(path)} is stale: run `python -m copydesk.packs` (make docs)"
        )


def test_a_twin_gives_the_same_rules_as_the_yaml(tmp_path: Path) -> None:
    path = tmp_path / "house.yml"
    path.write_text(GOOD, encoding="utf-8")
    from_yaml = specs(path)
    assert write_compiled(path)
    assert json.loads(compiled_path(path).read_text(encoding="utf-8"))["source"] == GOOD
    assert specs(path) == from_yaml


def test_a_stale_or_damaged_twin_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "house.yml"
    path.write_text(GOOD, encoding="utf-8")
    assert write_compiled(path)
    path.write_text(GOOD.replace("bad word", "awful word"), encoding="utf-8")
    assert "awful" in specs(path)[0]  # the edited YAML, not the twin
    compiled_path(path).write_text('{"source": ', encoding="utf-8")
    assert "awful" in specs(path)[0]


def test_no_twin_when_json_would_change_a_value(tmp_path: Path) -> None:
    path = tmp_path / "house.yml"
    path.write_text("- {id: H1, name: a, message: m, phrases: [x], example: 2020-01-01}\n")
    assert not write_compiled(path)  # a YAML date is no JSON value
    path.write_text("- {id: H1, name: a, message: m, phrases: [x], 1: one}\n")
    assert not write_compiled(path)  # a number key would come back a string
    assert not compiled_path(path).exists()


def test_the_registry_loads_without_importing_yaml() -> None:
    code = (
        "import sys; from copydesk.registry import load_registry; registry = load_registry();"
        "print(len(registry.rules), 'yaml' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, imported = done.stdout.split()
    assert int(count) > 40 and imported == "False"
