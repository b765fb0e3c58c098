"""Exports of realistic size, end to end: right count, valid, lossless, idempotent, lint-clean.

The exports are made from the importer fixtures by bench/exports.py (the
same generator as the import row of `make bench`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from copydesk.cli import main

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
import exports


def _report(path: Path) -> list[dict[str, object]]:
    files: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["files"]
    return files


@pytest.mark.parametrize("platform", ["wxr", "medium"])
def test_an_export_end_to_end(
    tmp_path: Path, platform: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if platform == "wxr":
        source = exports.wxr(tmp_path / "blog.xml", posts=20)
        expected = 20
    else:
        source = exports.medium_export(tmp_path / "medium", posts=10, responses=2)
        expected = 10
    out, again = tmp_path / "out", tmp_path / "again"
    report = tmp_path / "report.json"
    args = ["migrate", str(source), "--out", str(out), "--report", str(report)]
    assert main(args) == 0  # nothing failed, nothing lossy
    files = _report(report)
    assert len(files) == expected
    assert {f["status"] for f in files} == {"migrated"}
    assert not any(f["lossy"] for f in files)
    assert len(list(out.rglob("*.md"))) == expected
    if platform == "medium":
        assert "skipped 2 Medium responses" in capsys.readouterr().err
    # idempotent: the output migrates to itself, and a second import writes nothing new
    assert main(["migrate", str(out), "--out", str(again)]) == 0
    for path in out.rglob("*.md"):
        assert (again / path.relative_to(out)).read_bytes() == path.read_bytes()
    assert main(args) == 0
    # lint-clean but for what only a human can settle
    capsys.readouterr()
    main(["lint", str(out), "--jobs", "1", "--format", "json"])
    findings = json.loads(capsys.readouterr().out)
    rows = findings["findings"] if isinstance(findings, dict) else findings
    codes = {row["code"] for row in rows}
    # hot-linked images (until --download-images), a missing alt, a draft with no date
    assert codes <= {"CD201", "CD203", "CD206", "CD304"}, codes
