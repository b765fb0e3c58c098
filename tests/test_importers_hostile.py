"""Hostile exports: refused with one line naming the file; nothing lands outside --out."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from copydesk.cli import main

HOSTILE = Path(__file__).parents[1] / "fixtures" / "importers" / "hostile"
MEDIUM_POST = (
    Path(__file__).parents[1]
    / "fixtures/importers/medium/export/posts/2019-08-13_Letting-Go-1a2b3c4d5e6f.html"
)


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], source: Path, *extra: str) -> str:
    """Migrate `source`; return stderr's error line, after checking what was written."""
    before = set(tmp_path.rglob("*"))
    out = tmp_path / "out"
    assert main(["migrate", str(source), "--out", str(out), *extra]) == 1
    written = set(tmp_path.rglob("*")) - before
    assert all(out in path.parents or path == out for path in written)
    errors = [
        line for line in capsys.readouterr().err.splitlines() if not line.startswith("copydesk: ")
    ]
    assert len(errors) == 1, errors
    return errors[0]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("entity-bomb.xml", "XML declares entities (an entity-expansion bomb?); refused"),
        ("external-entity.xml", "XML declares an external entity (file:///etc/passwd); refused"),
        ("not-well-formed.xml", "not well-formed XML (mismatched tag: line 3, column 32)"),
    ],
)
def test_hostile_xml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, reason: str
) -> None:
    line = run(tmp_path, capsys, HOSTILE / name, "--from", "wxr")
    assert line == f"{HOSTILE / name}: {reason}"


def test_zip_with_a_path_out_of_the_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "medium-export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(MEDIUM_POST, "posts/good.html")
        zipped.writestr("posts/../../evil.html", MEDIUM_POST.read_bytes())
    line = run(tmp_path, capsys, archive)
    assert line == (
        f"{archive}: zip member 'posts/../../evil.html' points outside the archive; refused"
    )
    assert not (tmp_path.parent / "evil.html").exists()


def test_zip_bomb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "medium-export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(MEDIUM_POST, "posts/good.html")
        zipped.writestr("posts/bomb.html", b"\0" * (20 * 1024 * 1024))
    line = run(tmp_path, capsys, archive)
    assert line.startswith(f"{archive}: zip member 'posts/bomb.html' expands ")
    assert line.endswith("x (a zip bomb?); refused")


def test_html_nested_5000_deep(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "export" / "posts"
    folder.mkdir(parents=True)
    text = MEDIUM_POST.read_text(encoding="utf-8")
    deep = "<div>" * 5000 + "deep" + "</div>" * 5000
    post = folder / "2020-01-01_Deep-0123456789ab.html"
    post.write_text(text.replace('<p name="9a9b"', deep + '<p name="9a9b"', 1))
    line = run(tmp_path, capsys, folder.parent)
    assert line == f"{post}: HTML nested deeper than 256 elements; refused"
