"""Medium's body markup, one quirk per fixture: the body HTML beside its expected Markdown.

Each `quirks/NAME.html` is the inside of a post's `section.e-content`; the test
wraps it in the export's page so that it goes through the real importer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.importers import ImportOptions
from copydesk.importers.medium_export import convert_post

QUIRKS = Path(__file__).parents[1] / "fixtures" / "importers" / "medium" / "quirks"
CASES = sorted(QUIRKS.glob("*.html"))
PAGE = """<!DOCTYPE html><html><head><title>Quirk</title></head><body><article class="h-entry">
<header><h1 class="p-name">Quirk</h1></header>
<section data-field="body" class="e-content"><h3 class="graf graf--h3 graf--title">Quirk</h3>
{body}
</section>
<footer><p><a href="https://medium.com/@me/quirk-0123456789ab" class="p-canonical">link</a>
</p></footer>
</article></body></html>"""


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_quirk(case: Path) -> None:
    page = PAGE.format(body=case.read_text(encoding="utf-8"))
    post = convert_post(Path(case.name), page.encode("utf-8"), ImportOptions())
    assert post is not None
    assert post.body == case.with_suffix(".md").read_text(encoding="utf-8")


def test_embeds_are_marked_for_review() -> None:
    for name in ("youtube-embed", "gist-embed", "tweet-embed", "link-card"):
        page = PAGE.format(body=(QUIRKS / f"{name}.html").read_text(encoding="utf-8"))
        post = convert_post(Path(name), page.encode("utf-8"), ImportOptions())
        assert post is not None
        assert [change.review for change in post.changes if change.kind == "embed"] == [True]
