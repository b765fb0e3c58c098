"""Site facts: heading-id algorithms, site root detection, URL resolution."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from copydesk.site import (
    PostFacts,
    Project,
    expand_permalink,
    find_site_root,
    github_slug,
    heading_ids,
    hugo_slug,
    kramdown_slug,
    project_for,
    strip_base_url,
    url_key,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello", "hello"),
        ("Hello, World!", "hello-world"),
        ("Two  spaces", "two--spaces"),
        ("snake_case and-dash", "snake_case-and-dash"),
        ("Café & crème", "café--crème"),
        ("1. Introduction", "1-introduction"),
        ("What's new?", "whats-new"),
        ("Sales — a career", "sales--a-career"),
    ],
)
def test_github_slug(text: str, expected: str) -> None:
    assert github_slug(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello", "hello"),
        ("1. Introduction", "introduction"),
        ("snake_case here", "snakecase-here"),
        ("Café & crème", "caf--crme"),
        ("Sales — a career", "sales--a-career"),
        ("123", "section"),
        ("  Leading space", "leading-space"),
    ],
)
def test_kramdown_slug(text: str, expected: str) -> None:
    assert kramdown_slug(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello", "hello"),
        ("  Trimmed  ", "trimmed"),
        ("snake_case and-dash", "snake_case-and-dash"),
        ("Café & crème", "café--crème"),
        ("What's new?", "whats-new"),
        ("!!!", "heading"),
    ],
)
def test_hugo_slug(text: str, expected: str) -> None:
    assert hugo_slug(text) == expected


def test_duplicates_get_numbered_per_generator() -> None:
    texts = ["Intro", "Intro", "Intro-1", "Intro"]
    assert heading_ids(texts, "github") == ["intro", "intro-1", "intro-1-1", "intro-2"]
    # kramdown counts per base id and never checks the suffixed result.
    assert heading_ids(texts, "kramdown") == ["intro", "intro-1", "intro-1", "intro-2"]
    # Hugo takes the first free "-N".
    assert heading_ids(texts, "hugo") == ["intro", "intro-1", "intro-1-1", "intro-2"]


def test_explicit_ids_only_where_the_generator_reads_them() -> None:
    texts = ["Setup {#install}", "Usage {: #use .wide}"]
    assert heading_ids(texts, "kramdown") == ["install", "use"]
    assert heading_ids(texts, "hugo") == ["install", "use"]
    assert heading_ids(texts, "github") == ["setup-install", "usage--use-wide"]


def test_unknown_generator_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown generator"):
        heading_ids(["x"], "jekyll")


def test_site_root_is_nearest_marker(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: blog\n")
    posts = tmp_path / "_posts" / "2020"
    posts.mkdir(parents=True)
    assert find_site_root(posts / "a.md") == tmp_path.resolve()


def test_site_root_without_marker_is_the_file_folder(tmp_path: Path) -> None:
    folder = tmp_path / "loose"
    folder.mkdir()
    post = folder / "a.md"
    post.write_text("x\n")
    assert find_site_root(post) == folder.resolve()


def test_configured_site_root_is_relative_to_config(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    post = tmp_path / "site" / "a.md"
    post.write_text("x\n")
    site = project_for({"site-root": "site"}, tmp_path, post)
    assert site.root == (tmp_path / "site").resolve()


def test_base_url_is_removed() -> None:
    assert strip_base_url("{{ site.baseurl }}/x.md") == "/x.md"
    assert strip_base_url("{{site.baseurl}}/x.md") == "/x.md"
    assert strip_base_url("{{ site.url }}{{ site.baseurl }}/x/") == "/x/"
    assert strip_base_url("/plain.md") == "/plain.md"


@pytest.mark.parametrize("url", ["/a/b/", "/a/b", "/a/b.html", "/a/b/index.html", "/a/b/#top"])
def test_url_key_treats_served_forms_alike(url: str) -> None:
    assert url_key(url) == "/a/b"


def test_permalink_pattern_fills_post_values(tmp_path: Path) -> None:
    post = tmp_path / "_posts" / "2016-03-23-letting-go.md"
    facts = PostFacts(post, {"date": dt.date(2016, 3, 23), "categories": "sales", "slug": "go"})
    assert expand_permalink("/blog/:slug/", facts, tmp_path) == "/blog/go/"
    assert expand_permalink("/:categories/:year/:month/:day/:title.html", facts, tmp_path) == (
        "/sales/2016/03/23/letting-go.html"
    )
    undated = PostFacts(tmp_path / "about.md", {})
    assert expand_permalink("/:year/:title/", undated, tmp_path) is None


def _site(tmp_path: Path, files: dict[str, str], permalink: str = "") -> Project:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Project(tmp_path, ("static",), permalink)


def test_resolve_files_static_folders_and_indexes(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "content/a.md": "x\n",
            "content/b.md": "x\n",
            "content/docs/index.md": "x\n",
            "static/images/x.png": "png",
        },
    )
    source = tmp_path / "content" / "a.md"
    assert site.resolve("b.md", source) == tmp_path / "content" / "b.md"
    assert site.resolve("docs/", source) == tmp_path / "content" / "docs" / "index.md"
    assert site.resolve("/images/x.png", source, pages=False) == (
        tmp_path / "static" / "images" / "x.png"
    )
    assert site.resolve("images/x.png", source, pages=False) == (
        tmp_path / "static" / "images" / "x.png"
    )
    assert site.resolve("nope.md", source) is None
    assert site.resolve("#top", source) == source


def test_resolve_served_urls_through_front_matter(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "_posts/2020-01-02-first.md": "---\ntitle: First\nslug: first-post\n---\nHi\n",
            "_posts/2020-02-03-second.md": "---\ntitle: Two\npermalink: /two.html\n---\nHi\n",
            "_posts/2020-03-04-third.md": "---\ntitle: Three\nredirect_from: [/old/3/]\n---\n",
            "about.md": "x\n",
        },
        permalink="/blog/:slug/",
    )
    source = tmp_path / "about.md"
    posts = tmp_path / "_posts"
    assert site.resolve("/blog/first-post/", source) == posts / "2020-01-02-first.md"
    assert site.resolve("/two/", source) == posts / "2020-02-03-second.md"
    assert site.resolve("/old/3", source) == posts / "2020-03-04-third.md"
    assert site.resolve("/blog/second/", source) == posts / "2020-02-03-second.md"
    assert site.resolve("/blog/missing/", source) is None


def test_url_index_is_built_only_when_needed(tmp_path: Path) -> None:
    site = _site(tmp_path, {"a.md": "x\n", "b.md": "x\n"})
    site.resolve("b.md", tmp_path / "a.md")
    assert site.resolve("/b/", tmp_path / "a.md") == tmp_path / "b.md"  # its path URL
    assert site._url_index is None  # neither needed any post's front matter
    site.resolve("/missing/", tmp_path / "a.md")
    assert site._url_index is not None


def test_a_missing_markdown_file_is_not_looked_up_as_a_page(tmp_path: Path) -> None:
    # Generators never serve a page as `.md`, so a link to one names a file.
    site = _site(tmp_path, {"a.md": "x\n", "b.md": "---\npermalink: /gone.md\n---\n"})
    assert site.resolve("gone.md", tmp_path / "a.md") is None
    assert site.resolve("/gone.md", tmp_path / "a.md") is None
    assert site._url_index is None  # and no post's front matter was read to say so
    assert site.resolve("/gone/", tmp_path / "a.md") is None
    assert site._url_index is not None


def test_broken_neighbour_front_matter_is_skipped(tmp_path: Path) -> None:
    site = _site(tmp_path, {"bad.md": "---\ntitle: [unclosed\n---\nx\n", "a.md": "x\n"})
    assert site.resolve("/bad/", tmp_path / "a.md") == tmp_path / "bad.md"


def test_index_leaves_out_hidden_unserved_and_nested_sites(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "_posts/2020-01-02-kept.md": "---\ntitle: Kept\n---\n",
            ".venv/lib/pkg/README.md": "x\n",
            "node_modules/pkg/README.md": "x\n",
            "docs/_config.yml": "title: docs site\n",
            "docs/guide.md": "x\n",
        },
    )
    found = sorted(path.relative_to(tmp_path).as_posix() for path in site.markdown_files())
    assert found == ["_posts/2020-01-02-kept.md"]
    assert site.resolve("/docs/guide/", tmp_path / "_posts" / "2020-01-02-kept.md") is not None
    assert site.resolve("/pkg/README/", tmp_path / "_posts" / "2020-01-02-kept.md") is None


def test_a_relative_served_url_starts_from_the_post_url(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "_posts/2020-01-02-one.md": "---\ntitle: One\nslug: one\n---\n",
            "_posts/2020-01-03-two.md": "---\ntitle: Two\nslug: two\n---\n",
        },
        permalink="/blog/:slug/",
    )
    one = tmp_path / "_posts" / "2020-01-02-one.md"
    assert site.url_of(one) == "/blog/one"
    assert site.resolve("../two/", one) == tmp_path / "_posts" / "2020-01-03-two.md"


def test_ascii_slugs_take_the_regex_path_with_the_per_character_rule_s_result() -> None:
    """github_slug and hugo_slug slug ASCII text with one regex (speed); every
    ASCII character, and strings of them, slug as the per-character rule does."""
    import random
    import unicodedata

    from copydesk.site import ids

    def github(text: str) -> str:
        return "".join(c for c in text.lower() if ids._github_char_kept(c)).replace(" ", "-")

    def hugo(text: str) -> str:
        kept = [
            "-" if c in "- " else c.lower()
            for c in text.strip()
            if c in "- _" or c.isalpha() or unicodedata.category(c) == "Nd"
        ]
        return "".join(kept) or "heading"

    rng = random.Random(7)
    ascii_chars = [chr(i) for i in range(128)]
    texts = [*ascii_chars, "Hello, World!", "  a_b -- c  ", "C++ & `code` (v2.0)"]
    texts += ["".join(rng.choices(ascii_chars, k=rng.randint(0, 16))) for _ in range(5000)]
    for text in texts:
        assert ids.github_slug(text) == github(text), repr(text)
        assert ids.hugo_slug(text) == hugo(text), repr(text)


def test_html_id_pattern_finds_what_a_case_insensitive_one_finds() -> None:
    """`_HTML_ID` spells out what re.IGNORECASE folds (İ and ı match `i`) and checks
    the word boundary after the name; it must find exactly what the plain pattern finds."""
    import random
    import re

    from copydesk.site.ids import _HTML_ID

    plain = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
    pieces = ["id", "ID", "Id", "İd", "ıd", "name", "NAME", "nAme", "grid", "x", "_", "é"]
    pieces += [" ", "\t", "\n", "=", '"', "'", "-"]
    rng = random.Random(7)
    for _ in range(20000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert _HTML_ID.findall(html) == plain.findall(html), html
    assert _HTML_ID.findall("<a ID='x' grid='y' name = \"z\" data-id='w'>") == ["x", "z", "w"]


def test_jekyll_exclude_patterns_match_as_fnmatch_does(tmp_path: Path) -> None:
    """Exclude patterns (one regex for all of them) match the path relative to the
    root or any one of its parts, with fnmatch's wildcards and classes."""
    from copydesk.site.jekyll import Jekyll

    (tmp_path / "_config.yml").write_text(
        "exclude:\n  - docs/*.md\n  - notes/\n  - '*.tmp.md'\n  - 'v[0-9]'\n"
    )
    front = "---\ntitle: x\n---\n"
    names = ["docs/a.md", "docs/deep/b.md", "notes/c.md", "d.tmp.md", "v1/e.md", "va/f.md"]
    names += ["g.md", "vendor/h.md", "node_modules/x/i.md", "_posts/2020-01-01-j.md"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(front)
    site = Jekyll.load(tmp_path)
    published = {name for name in names if site.is_published(tmp_path / name)}
    # docs/*.md matches docs/deep/b.md too: fnmatch's * crosses "/"
    assert published == {"va/f.md", "g.md", "_posts/2020-01-01-j.md"}


def test_a_text_file_is_judged_without_loading_a_generator_that_copies_it(tmp_path: Path) -> None:
    """`renders_text` loads only the generators in `TEXT_RENDERERS`: every other
    one keeps the base rule (a `.txt` is copied as it is, never a page)."""
    from copydesk.site.base import Generator
    from copydesk.site.detect import NAMES, TEXT_RENDERERS, load_generator

    for name in NAMES:
        generator = load_generator(tmp_path, name)
        if name not in TEXT_RENDERERS:
            assert type(generator).renders_text is Generator.renders_text, name
            assert not generator.renders_text(".txt")
