"""WordPress WXR, one quirk per fixture: a one-item export beside its expected canonical post.

Each `quirks/NAME.xml` is a whole WXR file holding the one post that shows the
quirk (plus the attachments a gallery needs); `quirks/NAME.md` is what
`copydesk migrate` must write for it, byte for byte. Posts that only a human
can settle must also be listed for review, with the reason the report gives.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.cli import main

ROOT = Path(__file__).parents[1]
QUIRKS = Path("fixtures/importers/wxr/quirks")
CASES = sorted(path.stem for path in (ROOT / QUIRKS).glob("*.xml"))
# The review reasons each quirk must raise; a quirk not listed raises none.
REVIEW = {
    "block-embed": ["block editor embed written as a link"],
    "classic-auto-embed": ["a URL alone in its paragraph (WordPress shows an embed)"],
    "draft-without-gmt": ["'date' has no timezone: kept as written, no offset added"],
    "embed-shortcode": ["[embed] written as a link"],
    "gallery-ids": ["image has no alt text"],
    "gallery-missing-images": ["[gallery] whose images are not in this export kept as written"],
    "more-and-nextpage": ["page break of a paginated post kept"],
    "password-protected": ["password-protected on WordPress"],
    "synced-pattern-missing": ["synced pattern 404 is not in this export"],
    "unknown-shortcode": ["unknown shortcode [contact-form-7] kept as written"],
}


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # `source.path` in the expected files is relative to the repo


def test_every_quirk_has_its_expected_post() -> None:
    assert CASES
    assert sorted(path.stem for path in (ROOT / QUIRKS).glob("*.md")) == CASES


@pytest.mark.parametrize("name", CASES)
def test_quirk(name: str, tmp_path: Path) -> None:
    out, report = tmp_path / "out", tmp_path / "report.json"
    args = ["migrate", str(QUIRKS / f"{name}.xml"), "--out", str(out), "--report", str(report)]
    assert main(args) == 0
    written = sorted(out.rglob("*.md"))
    assert len(written) == 1, written
    expected = (QUIRKS / f"{name}.md").read_text(encoding="utf-8")
    assert written[0].read_text(encoding="utf-8") == expected
    (result,) = json.loads(report.read_text(encoding="utf-8"))["files"]
    assert not result["lossy"]
    wanted = REVIEW.get(name, [])
    assert len(result["review"]) == len(wanted), result["review"]
    for reason in wanted:
        assert any(given.startswith(reason) for given in result["review"]), (reason, result)


def test_a_migrated_quirk_is_migrated_again_unchanged(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for name in CASES:
        assert main(["migrate", str(QUIRKS / f"{name}.xml"), "--out", str(first / name)]) == 0
    assert main(["migrate", str(first), "--out", str(second)]) == 0
    for path in first.rglob("*.md"):
        assert (second / path.relative_to(first)).read_text(encoding="utf-8") == path.read_text(
            encoding="utf-8"
        )
