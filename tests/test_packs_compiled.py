"""A pack's compiled twin (`x.yml.json`): used only when made from the pack's very
text, so that a run reads the shipped packs without importing PyYAML."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from copydesk.packs import (
    Derived,
    _compiled,
    _parse_yaml,
    _spec,
    _twin,
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
    """Each rule's spec, its regex as pattern and flags (a twin's compiles on first use)."""
    found = [info.cls.spec for info in load_pack(path)]  # type: ignore[attr-defined]
    return [repr(spec._replace(regex=(spec.regex.pattern, spec.regex.flags))) for spec in found]


def from_yaml(path: Path) -> list[Derived]:
    """What each entry's pattern gives, computed from the YAML (no twin read)."""
    entries = _parse_yaml(path, path.read_text(encoding="utf-8"))
    found = [_spec(path, index, entry) for index, entry in enumerate(entries, start=1)]
    return [Derived(spec.needles, spec.heads) for spec in found]


def test_shipped_twins_are_current() -> None:
    for path in shipped_packs():
        text = path.read_text(encoding="utf-8")
        stale = f"{compiled_path(path)} is stale: run `python -m copydesk.packs` (make docs)"
        assert _compiled(path, text) == _parse_yaml(path, text), stale
        twin = _twin(path, text)
        assert twin is not None and twin[1] == from_yaml(path), stale


def test_a_twin_keeps_each_patterns_needles_and_heads(tmp_path: Path) -> None:
    """Read from the twin, they are those the pattern gives (the pattern is then
    compiled on first use); a damaged list of them is computed again."""
    path = tmp_path / "house.yml"
    path.write_text(GOOD, encoding="utf-8")
    expected = specs(path)
    assert write_compiled(path)
    twin = _twin(path, GOOD)
    assert twin is not None and twin[1] == from_yaml(path)
    assert any(item.needles for item in twin[1])
    assert specs(path) == expected
    data = json.loads(compiled_path(path).read_text(encoding="utf-8"))
    damages = ([[[["wrong", 1]], [], True], []], [None, [["word", "yes"]]], 7, [None])
    for damage in damages:
        data["derived"][0] = damage
        compiled_path(path).write_text(json.dumps(data), encoding="utf-8")
        assert _twin(path, GOOD) == (data["entries"], None)
        assert specs(path) == expected


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
