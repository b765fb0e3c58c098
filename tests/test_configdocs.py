"""docs/configuration.md is generated from the schema, and every example in it loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk import configdocs
from copydesk.config import SCHEMA, Key, Overrides, load_config, resolve
from copydesk.registry import load_registry

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def test_configuration_md_is_up_to_date() -> None:
    expected = configdocs.markdown(load_registry())
    assert DOC.read_text(encoding="utf-8") == expected, "stale: run `make docs`"


def test_every_key_the_loader_accepts_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for key in SCHEMA:
        assert f"### {key.name}\n" in text


@pytest.mark.parametrize("key", SCHEMA, ids=lambda key: key.name)
def test_every_example_in_the_reference_loads(key: Key, tmp_path: Path) -> None:
    example = key.example
    (tmp_path / "house-style.yml").write_text(
        "- {id: HOUSE001, name: no-bad, message: bad, phrases: [bad]}\n", encoding="utf-8"
    )
    (tmp_path / ".copydesk.toml").write_text(example + "\n", encoding="utf-8")
    config = load_config(tmp_path / ".copydesk.toml")
    resolve(config, load_registry(), Overrides())


def test_rule_options_and_their_values_are_listed() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert '| `generator` | string | `"auto"` | `auto`, `jekyll`, `hugo`,' in text
    assert "| [CD104](rules.md#cd104-lost-link) | `phrases` | list |" in text
    assert "| `timeout` | number | `10.0` |" in text  # the [links] table
