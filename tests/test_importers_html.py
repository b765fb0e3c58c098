"""HTML -> Markdown: one fixture per construct, with its expected Markdown beside it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from copydesk.errors import ImportFailed
from copydesk.importers.html import MAX_DEPTH, html_text, to_markdown

CASES = sorted((Path(__file__).parents[1] / "fixtures" / "importers" / "html").glob("*.html"))


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_fixture(case: Path) -> None:
    expected = case.with_suffix(".md").read_text(encoding="utf-8")
    assert to_markdown(case.read_text(encoding="utf-8"), case) == expected


def test_empty_input_gives_an_empty_body() -> None:
    assert to_markdown("") == ""
    assert to_markdown("<p>&nbsp;</p>") == ""


@pytest.mark.parametrize("captions", ["title", "figure"])
def test_caption_modes(captions: str) -> None:
    html = '<figure><img src="a.png" alt="A"><figcaption>By <em>me</em></figcaption></figure>'
    markdown = to_markdown(html, captions=captions)  # type: ignore[arg-type]
    expected = {
        "title": '![A](a.png "By me")\n',
        "figure": '<figure><img src="a.png" alt="A">'
        "<figcaption>By <em>me</em></figcaption></figure>\n",
    }
    assert markdown == expected[captions]


@pytest.mark.parametrize(
    ("caption", "paragraph"),
    [
        ("A <em>red</em> door", "*A red door*"),  # italics in italics show as italics
        ("<em>Photo</em>", "*Photo*"),  # not `**Photo**`, which is bold
        ("A <strong>bold</strong> end <b>too</b>", "*A **bold** end **too***"),
    ],
)
def test_a_caption_paragraph_keeps_its_own_emphasis(caption: str, paragraph: str) -> None:
    html = f'<figure><img src="a.png" alt="A"><figcaption>{caption}</figcaption></figure>'
    assert to_markdown(html) == f"![A](a.png)\n\n{paragraph}\n"


def test_nesting_past_the_limit_is_one_line_error() -> None:
    deep = "<div>" * 5000 + "deep" + "</div>" * 5000
    with pytest.raises(ImportFailed) as error:
        to_markdown(deep, "post.html")
    assert str(error.value) == f"post.html: HTML nested deeper than {MAX_DEPTH} elements; refused"


def test_nesting_within_the_limit_converts() -> None:
    html = "<div>" * (MAX_DEPTH - 5) + "<p>deep</p>" + "</div>" * (MAX_DEPTH - 5)
    assert to_markdown(html) == "deep\n"


def test_visible_text_leaves_out_scripts_and_styles() -> None:
    text = html_text("<p>one <b>two</b></p><script>three()</script><style>x{}</style>")
    assert text.split() == ["one", "two"]


def test_lint_does_not_import_the_html_parser() -> None:
    code = "import sys, copydesk.cli, copydesk.lint; print('selectolax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
