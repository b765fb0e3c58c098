"""bench/groundtruth.py on a tiny built site: failures found, mapped to their
source lines, and compared with copydesk's findings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))

import groundtruth


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    source, built = tmp_path / "src", tmp_path / "out"
    write(
        source,
        {
            "_config.yml": "url: https://example.org\n",
            "index.md": "---\ntitle: Home\n---\n[a](gone.html) and [b](about.html#hi)\n\n"
            "[c](about.html#nope) [d](https://example.org/about.html#nada) [e](https://x.org/#y)\n"
            "\nSee [the part][part].\n\n[part]: about.html#part\n",
            "about.md": "---\ntitle: About\n---\n## Hi\n",
        },
    )
    write(
        built,
        {
            "index.html": '<p><a href="gone.html">a</a> <a href="about.html#hi">b</a></p>\n'
            '<p><a href="about.html#nope">c</a> <a href="https://example.org/about.html#nada">d</a>'
            ' <a href="https://x.org/#y">e</a> <a href="#top">top</a></p>\n'
            '<p>See <a href="about.html#part">the part</a>.</p>\n',
            "about.html": '<h2 id="hi">Hi</h2>\n<img src="/img/logo.png">\n',
        },
    )
    return built, source


def test_failures_of_the_built_html(site: tuple[Path, Path]) -> None:
    built, _ = site
    pages = groundtruth.read_pages(built)
    failures = groundtruth.check(built, pages, "example.org", "")
    assert [(f.page, f.line, f.href, f.reason) for f in failures] == [
        ("about.html", 2, "/img/logo.png", "no file"),
        ("index.html", 1, "gone.html", "no file"),
        ("index.html", 2, "about.html#nope", "no id"),
        ("index.html", 2, "https://example.org/about.html#nada", "no id"),
        ("index.html", 3, "about.html#part", "no id"),
    ]


def test_recall_and_precision_against_copydesk(site: tuple[Path, Path]) -> None:
    built, source = site
    result = groundtruth.compare(built.resolve(), source.resolve(), "example.org", "")
    mapped = {f.href: result["mapped"][f] for f in result["failures"]}
    index = str((source / "index.md").resolve())
    assert mapped["gone.html"] == (index, 4)
    assert mapped["about.html#nope"] == (index, 6)
    assert mapped["about.html#part"] == (index, 8)  # where the reference is used
    assert mapped["/img/logo.png"] == (str((source / "about.md").resolve()), 0)  # a layout's
    assert sorted(f.href for f in result["found"]) == [
        "about.html#nope",
        "about.html#part",
        "gone.html",
        "https://example.org/about.html#nada",
    ]
    assert result["missed"] == []
    assert result["unmatched in published pages"] == []
    text = groundtruth.report(result, source)
    assert "recall: 4 / 4 content failures found" in text
    assert "precision against the build: 4 / 4 findings" in text
