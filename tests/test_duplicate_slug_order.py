"""CD311 names the other posts with a slug in one order, whichever files a
run lints: a run of some files (`--changed-since`, `only=`) gets the facts of
the others in another order than a run of all, and the same clash must read
the same in a pre-commit hook and in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.engine import lint_paths


@pytest.fixture
def posts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("b.md", "d.md", "a/c.md", "e.md"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text("---\ntitle: Hello\nslug: hello\n---\n\nText.\n", encoding="utf-8")
    return tmp_path


def test_a_run_of_some_files_names_the_others_as_a_run_of_all_does(posts: Path) -> None:
    some = [(posts / name).resolve() for name in ("d.md", "e.md")]
    every = lint_paths(["."], select=["CD311"], jobs=1)
    part = lint_paths(["."], select=["CD311"], jobs=1, only=some)
    full = {Path(f.path).name: f.message for f in every.findings}
    assert {Path(f.path).name: f.message for f in part.findings} == {
        "d.md": full["d.md"],
        "e.md": full["e.md"],
    }
    assert full["d.md"] == "slug 'hello' is also used by a/c.md, b.md, e.md"
