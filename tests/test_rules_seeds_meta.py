"""Metadata and content rules on the acceptance seeds, raw and migrated.

Raw seeds: a Jekyll post repeating its title as an H1 (001), plain-text
WordPress exports with no front matter (002-004) and 004's trailing comment
form. Migrated seeds must come out without any error-level finding from the
CD3xx/CD4xx rules and their packs. The rest checks what the shared meta-test
does not: that lint and migrate agree on which dates parse, and that these
rules' option names cannot collide (top-level config keys are shared by name).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from copydesk.cli import main
from copydesk.engine import lint_paths
from copydesk.normalize.dates import UnparsedDate, parse_value
from copydesk.registry import load_registry
from copydesk.rules import content, metadata
from copydesk.rules.metadata import parse_date

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
CODES = ["CD3", "CD4"]

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds folder is absent")


def _seed(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def _findings(prefix: str) -> set[tuple[int, int, str]]:
    result = lint_paths([_seed(prefix)], select=CODES, jobs=1)
    assert not result.errors, result.errors
    return {(f.line, f.column, f.code) for f in result.findings}


@needs_seeds
def test_jekyll_001_repeats_its_title_as_h1_on_line_8() -> None:
    found = _findings("001")
    assert (8, 1, "CD310") in found
    assert not {code for _, _, code in found} & {"CD301", "CD303", "CD304", "CD305"}


@needs_seeds
@pytest.mark.parametrize("prefix", ["002", "003"])
def test_plain_text_posts_lack_front_matter_once(prefix: str) -> None:
    found = _findings(prefix)
    # No front matter at all is CD301's one finding, not also "no title" and "no date".
    assert (1, 1, "CD301") in found
    assert not {code for _, _, code in found} & {"CD303", "CD304"}


@needs_seeds
def test_wordpress_004_keeps_its_comment_form() -> None:
    found = _findings("004")
    lines = _seed("004").read_text(encoding="utf-8").split("\n")
    boilerplate = {code: line for line, _, code in found if code in ("CD451", "CD452", "CD453")}
    assert lines[boilerplate["CD451"] - 1] == "Leave a Reply"
    assert lines[boilerplate["CD452"] - 1].startswith("Your email address will not be published")
    assert lines[boilerplate["CD453"] - 1].startswith("This site uses Akismet")
    # The last three lines of the file, each reported once.
    assert sorted(boilerplate.values()) == [56, 58, 60]


@needs_seeds
def test_migrated_seeds_have_no_error_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["migrate", str(SEEDS), "--out", str(tmp_path / "out")]) == 0
    migrated = sorted((tmp_path / "out").glob("*.md"))
    assert len(migrated) == len(list(SEEDS.glob("*.txt")))
    result = lint_paths([tmp_path / "out"], select=CODES, jobs=1)
    assert not result.errors, result.errors
    errors = [
        f"{f.path}:{f.line}: {f.code} {f.message}" for f in result.findings if f.severity == "error"
    ]
    assert errors == []
    codes = {f.code for f in result.findings}
    # What the raw seeds had and migration fixes: the duplicate H1 and the comment form.
    assert not codes & {"CD301", "CD303", "CD310", "CD451", "CD452", "CD453"}


DATES = [
    "2016-03-23",
    "2019-08-13T17:55:36.539Z",
    "2016-03-23 10:00:00 +0200",
    "2016-03-23T10:00:00-00:00",
    "2016-03-23 10:00 GMT-2",
    "2016-03-23 10:00:00 Europe/Berlin",
    "Tue, 13 Aug 2019 17:55:36 +0200",
    "2016-03-23 10:00:00",
    "March the 23rd",
    "2016-02-30",
    "2016-03-23 25:00",
    "2016-03-23 10:00 Mars/Olympus",
    "",
]


@pytest.mark.parametrize("text", DATES)
def test_lint_and_migrate_agree_on_what_is_a_date(text: str) -> None:
    try:
        parse_value(text)
        migrate_accepts = True
    except (UnparsedDate, ValueError):
        migrate_accepts = False
    assert (parse_date(text) is not None) == migrate_accepts


def test_a_timestamp_keeps_its_offset() -> None:
    value = parse_date("2016-03-23 23:30:00 -0500")
    assert isinstance(value, dt.datetime)
    assert value.utcoffset() == dt.timedelta(hours=-5)
    assert value.date() == dt.date(2016, 3, 23)


def test_option_names_are_kebab_case_and_not_shared_with_other_rules() -> None:
    # The site model's settings are shared on purpose: one site, one answer.
    from copydesk.rules._nodes import SITE_OPTIONS

    registry = load_registry()
    mine = [
        info
        for info in registry.sorted()
        if info.cls.__module__ in (metadata.__name__, content.__name__)
    ]
    assert len(mine) == 18
    others = {name for info in registry.sorted() if info not in mine for name in info.cls.options}
    for info in mine:
        for name in info.cls.options:
            assert name == name.lower() and "_" not in name, name
            shared = name in others and name not in SITE_OPTIONS
            assert not shared, f"{info.code} option '{name}' is shared with another rule"


def test_packs_never_fail_a_build_on_their_own() -> None:
    registry = load_registry()
    packs = [info for info in registry.sorted() if info.source.startswith("pack ")]
    shipped = {
        info.code for info in packs if Path(info.source[5:]).parent.name in ("rules", "_packs")
    }
    assert {"CD451", "CD452", "CD453", "CD454", "CD455", "CD456"} <= shipped
    assert {"CD471", "CD472", "CD473", "CD474"} <= shipped
    assert all(info.cls.severity != "error" for info in packs if info.code in shipped)
