"""Platform exports end to end: Medium (folder, zip, single file) and WordPress WXR.

Each fixture export is migrated with the real command; the output must equal
the expected canonical posts beside it, byte for byte.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from copydesk.cli import main
from copydesk.importers import importers

ROOT = Path(__file__).parents[1]
MEDIUM = Path("fixtures/importers/medium")
WXR = Path("fixtures/importers/wxr")
WXR_FILE = WXR / "blog.wordpress.2024-05-01.xml"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # `source.path` in the expected files is relative to the repo


def outputs(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*.md"))
    }


def expected(folder: Path) -> dict[str, str]:
    return outputs(folder / "expected")


def without_source(text: str) -> str:
    """The post without its `source:` block (its path names the zip or folder read)."""
    lines = text.split("\n")
    start = lines.index("source:")
    return "\n".join(lines[:start] + lines[start + 4 :])


def test_builtin_importers_come_through_entry_points() -> None:
    assert {"medium-export", "wxr"} <= set(importers())


def test_medium_export_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["migrate", str(MEDIUM / "export"), "--out", str(out)]) == 0
    assert outputs(out) == expected(MEDIUM)
    captured = capsys.readouterr()
    assert "skipped 1 Medium responses (--include-responses keeps them)" in captured.err
    assert captured.out.strip() == (
        "3 files: 3 migrated, 0 unchanged, 0 failed, 2 need review, 0 lossy"
    )


def test_medium_export_zip_gives_the_same_posts(tmp_path: Path) -> None:
    archive = tmp_path / "medium-export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("README.html", "<p>Your Medium data</p>")
        for path in sorted((MEDIUM / "export" / "posts").iterdir()):
            zipped.write(path, f"posts/{path.name}")
    out = tmp_path / "out"
    assert main(["migrate", str(archive), "--out", str(out)]) == 0
    got = outputs(out)
    assert set(got) == set(expected(MEDIUM))
    for name, text in expected(MEDIUM).items():
        assert without_source(got[name]) == without_source(text)
    assert "path: " + archive.as_posix() + "/posts/" in got["letting-go.md"]


def test_a_single_medium_post_file(tmp_path: Path) -> None:
    post = MEDIUM / "export" / "posts" / "2019-08-13_Letting-Go-1a2b3c4d5e6f.html"
    out = tmp_path / "out"
    assert main(["migrate", str(post), "--out", str(out)]) == 0
    assert outputs(out) == {"letting-go.md": expected(MEDIUM)["letting-go.md"]}


def test_medium_responses_kept_on_request(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["migrate", str(MEDIUM / "export"), "--out", str(out), "--include-responses"]
    assert main(args) == 0
    response = (out / "great-point-thanks.md").read_text(encoding="utf-8")
    assert "medium_response: true" in response
    assert response.endswith("\n\nGreat point, thanks! I tried the same last week.\n")


def test_wxr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["migrate", str(WXR_FILE), "--out", str(out), "--timezone", "Europe/Lisbon"]) == 0
    assert outputs(out) == expected(WXR)
    err = capsys.readouterr().err
    for line in (
        "skipped 2 attachment items",
        "skipped 2 comments (comments are not posts)",
        "skipped 1 page items (--include pages adds them)",
        "skipped 1 nav_menu_item items",
        "skipped 1 revision items",
        "skipped 1 custom_css items",
        "skipped 1 wp_global_styles items",
        "custom post types not imported: product (1); name them with --post-types",
    ):
        assert f"copydesk: {WXR_FILE}: {line}\n" in err


def test_wxr_pages_and_custom_types_on_request(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["migrate", str(WXR_FILE), "--out", str(out), "--timezone", "UTC"]
    assert main([*args, "--include", "pages", "--post-types", "product"]) == 0
    assert "I write field notes." in (out / "pages" / "about.md").read_text(encoding="utf-8")
    product = (out / "products" / "field-journal.md").read_text(encoding="utf-8")
    assert "wordpress_type: product" in product


def test_migrating_the_output_again_changes_nothing(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["migrate", str(WXR_FILE), "--out", str(first), "--timezone", "UTC"]) == 0
    assert main(["migrate", str(MEDIUM / "export"), "--out", str(first / "medium")]) == 0
    assert main(["migrate", str(first), "--out", str(second)]) == 0
    assert outputs(second) == outputs(first)
    # and importing the same export into the same folder again writes nothing new
    assert main(["migrate", str(MEDIUM / "export"), "--out", str(first / "medium")]) == 0


def test_imported_posts_lint_without_errors(tmp_path: Path) -> None:
    out = tmp_path / "out"
    main(["migrate", str(WXR_FILE), "--out", str(out / "wp"), "--timezone", "UTC"])
    main(["migrate", str(MEDIUM / "export"), "--out", str(out / "medium")])
    assert main(["lint", str(out), "--jobs", "1", "-q"]) == 0


def test_from_names_the_importer(tmp_path: Path) -> None:
    renamed = tmp_path / "export.data"
    shutil.copy(WXR_FILE, renamed)
    out = tmp_path / "out"
    assert (
        main(["migrate", str(renamed), "--from", "wxr", "--out", str(out), "--timezone", "UTC"])
        == 0
    )
    assert (out / "cafe-notes.md").is_file()


def test_unknown_from_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", str(WXR_FILE), "--from", "blogger", "--out", str(tmp_path)]) == 2
    assert "unknown format or importer 'blogger'" in capsys.readouterr().err


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["migrate", str(MEDIUM / "export"), "--out", str(out), "--dry-run"]) == 0
    assert not out.exists()
    assert "+title: Letting Go" in capsys.readouterr().out


def test_wxr_draft_without_gmt_time_and_no_timezone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["migrate", str(WXR_FILE), "--out", str(out)]) == 0
    draft = (out / "a-draft.md").read_text(encoding="utf-8")
    assert "\ndate: 2024-04-30\n" in draft  # midnight with no timezone is the day itself


def test_check_compares_an_export_with_its_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    export = str(MEDIUM / "export")
    assert main(["migrate", export, "--out", str(out)]) == 0
    assert main(["migrate", export, "--out", str(out), "--check"]) == 0
    with (out / "letting-go.md").open("a", encoding="utf-8") as handle:
        handle.write("A hand edit.\n")
    capsys.readouterr()
    assert main(["migrate", export, "--out", str(out), "--check"]) == 1
    assert f"{out / 'letting-go.md'}: differs" in capsys.readouterr().out
    assert main(["migrate", export, "--check"]) == 2  # an export has no place to compare in


def test_wxr_draft_takes_the_site_offset_when_every_item_agrees(tmp_path: Path) -> None:
    text = WXR_FILE.read_text(encoding="utf-8")
    for before, after in (
        ("2023-06-01 08:00:00]]></wp:post_date_gmt>", "2023-06-01 07:00:00]]></wp:post_date_gmt>"),
        ("2020-05-05 10:00:00]]></wp:post_date_gmt>", "2020-05-05 11:00:00]]></wp:post_date_gmt>"),
        ("2018-01-01 00:00:00]]></wp:post_date_gmt>", "2017-12-31 23:00:00]]></wp:post_date_gmt>"),
    ):
        assert before in text
        text = text.replace(before, after)
    source = tmp_path / "blog.xml"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["migrate", str(source), "--out", str(out)]) == 0
    draft = (out / "a-draft.md").read_text(encoding="utf-8")
    assert "\ndate: 2024-04-30T00:00:00+01:00\n" in draft
