"""Fixture sites, one per generator (tests/sites/<name>/): what `copydesk lint`
and `copydesk site` say about each, compared with `expected.txt` and
`site.txt` beside it.

Each site holds links that work once the site is built (by URL, through
permalinks, sections, bundles, languages, versions, static folders, explicit
and generated ids) and must not be reported, and a few that are really
broken and must be. Regenerate after an intended change with
`COPYDESK_UPDATE_SITES=1 pytest tests/test_sites.py`, then read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from copydesk.cli import main

SITES = Path(__file__).parent / "sites"
NAMES = sorted(path.name for path in SITES.iterdir() if path.is_dir())


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    main(argv)
    return capsys.readouterr().out


def _compare(path: Path, actual: str) -> None:
    if os.environ.get("COPYDESK_UPDATE_SITES"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def test_every_generator_has_a_fixture_site() -> None:
    for prefix in ("jekyll-", "hugo-", "mkdocs-", "docusaurus-"):
        assert any(name.startswith(prefix) for name in NAMES), prefix


@pytest.mark.parametrize("name", NAMES)
def test_lint_finds_only_the_broken_links(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(SITES / name)
    _compare(SITES / name / "expected.txt", _run(["lint", "--jobs", "1", "--quiet", "."], capsys))


@pytest.mark.parametrize("name", NAMES)
def test_site_summary(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = SITES / name
    monkeypatch.chdir(site)
    start = "website" if (site / "website").is_dir() else "."
    lines = _run(["site", start], capsys).splitlines()
    assert lines[0].startswith("site: ")
    _compare(site / "site.txt", "\n".join(lines[1:]) + "\n")
