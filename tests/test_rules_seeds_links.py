"""Link and image rules on the raw acceptance seeds, at exact lines.

The seeds are real exports: a Medium post with a raw <figcaption>, tracking
parameters, an empty alt and a `*` in the image path; a Jekyll post with two
images without alt text; a WordPress text export whose links were lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.engine import lint_paths

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
CODES = ["CD1", "CD2"]

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds folder is absent")


def _findings(prefix: str) -> set[tuple[int, str]]:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    result = lint_paths([path], select=CODES, jobs=1)
    assert not result.errors, result.errors
    return {(finding.line, finding.code) for finding in result.findings}


def test_medium_export_000() -> None:
    found = _findings("000")
    assert (13, "CD208") in found  # raw <figcaption>
    assert (13, "CD105") in found  # utm_source / utm_medium in the caption links
    assert (11, "CD201") in found  # empty alt text
    assert (11, "CD206") in found  # '*' in the image path


def test_jekyll_post_001_has_two_images_without_alt() -> None:
    found = _findings("001")
    assert {line for line, code in found if code == "CD201"} == {11, 21}


def test_wordpress_export_004_has_two_lost_links_on_one_line() -> None:
    (path,) = SEEDS.glob("004_*.txt")
    result = lint_paths([path], select=["CD104"], jobs=1)
    lost = [(f.line, f.column) for f in result.findings]
    line = path.read_text(encoding="utf-8").split("\n")[lost[0][0] - 1] if lost else ""
    assert len(lost) == 2
    assert all(line[column - 1 :].startswith("(here)") for _, column in lost)
    assert {line_number for line_number, _ in lost} == {49}


def test_lost_links_are_the_only_error_findings_in_004() -> None:
    (path,) = SEEDS.glob("004_*.txt")
    result = lint_paths([path], select=CODES, jobs=1)
    errors = {f.code for f in result.findings if f.severity == "error"}
    assert errors == {"CD104"}


def test_migrated_seeds_leave_only_findings_that_need_a_person(tmp_path: Path) -> None:
    """After `copydesk migrate`, the only error-level link/image findings are
    the ones no tool can fix: missing alt text and lost links."""
    from copydesk.cli import main

    out = tmp_path / "out"
    assert main(["migrate", str(SEEDS), "--out", str(out)]) in (0, 1)
    result = lint_paths([out], select=CODES, jobs=1)
    assert not result.errors, result.errors
    errors = {(Path(f.path).name[:3], f.code) for f in result.findings if f.severity == "error"}
    assert errors == {("000", "CD201"), ("001", "CD201"), ("004", "CD104")}
    tracking = [f for f in result.findings if f.code in ("CD105", "CD208")]
    assert tracking == []
