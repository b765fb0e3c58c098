"""The site model per generator: detection, posts vs pages, URLs, static files, ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.site import load_site
from copydesk.site.detect import find_site


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_jekyll_posts_categories_from_folders_and_collections(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "_config.yml": "permalink: pretty\nbaseurl: /blog\ncollections:\n"
            "  docs:\n    output: true\n    permalink: /:collection/:path/\n",
            "en/news/_posts/2019-05-06-hello.md": "---\ntitle: Hello\n---\n",
            "_posts/2020-01-02-x.md": "---\ntitle: X\ncategories: [Tech]\n---\n",
            "_docs/setup/install.md": "---\ntitle: Install\n---\n",
            "_includes/footer.md": "footer\n",
            "README.md": "# readme\n",
            "about.md": "---\ntitle: About\n---\n",
        },
    )
    site = load_site(tmp_path)
    assert site.generator.name == "jekyll"
    source = tmp_path / "about.md"
    hello = tmp_path / "en/news/_posts/2019-05-06-hello.md"
    assert site.resolve("/en/news/2019/05/06/hello/", source) == hello
    assert site.resolve("/blog/tech/2020/01/02/x/", source) == tmp_path / "_posts/2020-01-02-x.md"
    assert site.resolve("/docs/setup/install/", source) == tmp_path / "_docs/setup/install.md"
    assert site.resolve("/2020/01/02/x/", source) is None
    assert site.is_post(hello)
    assert not site.is_post(tmp_path / "about.md")
    assert not site.is_post(tmp_path / "README.md")
    assert not site.is_published(tmp_path / "_includes/footer.md")


def test_hugo_sections_bundles_slugs_languages_and_static(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "hugo.toml": 'defaultContentLanguage = "en"\n[languages.en]\n[languages.fr]\n'
            '[permalinks]\nposts = "/:year/:slug/"\n',
            "content/posts/first.md": "---\ntitle: First Post\ndate: 2021-02-03\n---\n",
            "content/posts/first.fr.md": "---\ntitle: Premier\ndate: 2021-02-03\n---\n",
            "content/docs/_index.md": "---\ntitle: Docs\n---\n",
            "content/docs/guide/index.md": "---\ntitle: Guide\nslug: the-guide\n---\n",
            "content/about.md": "---\ntitle: About\nurl: /company/about/\naliases: [/old/]\n---\n",
            "static/images/a.png": "png",
            "README.md": "# repo\n",
        },
    )
    site = load_site(tmp_path)
    source = tmp_path / "content/docs/_index.md"
    assert site.generator.name == "hugo"
    assert site.resolve("/2021/first-post/", source) == tmp_path / "content/posts/first.md"
    assert site.resolve("/fr/2021/premier/", source) == tmp_path / "content/posts/first.fr.md"
    assert site.resolve("/docs/the-guide/", source) == tmp_path / "content/docs/guide/index.md"
    assert site.resolve("/company/about/", source) == tmp_path / "content/about.md"
    assert site.resolve("/old/", source) == tmp_path / "content/about.md"
    assert site.resolve("/images/a.png", source, pages=False) == tmp_path / "static/images/a.png"
    assert site.resolve("/tags/go/", source) is not None  # a taxonomy term page
    assert site.resolve("/docs/missing/", source) is None
    assert site.is_post(tmp_path / "content/posts/first.md")
    assert not site.is_post(tmp_path / "content/docs/guide/index.md")
    assert not site.is_post(tmp_path / "README.md")
    assert site.variant(tmp_path / "content/posts/first.fr.md") == "fr"
    assert "Hugo: looked in content/, static/" in site.looked_in()


def test_mkdocs_docs_dir_and_directory_urls(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "mkdocs.yml": "site_name: x\ndocs_dir: src\nmarkdown_extensions:\n"
            "  - pymdownx.emoji:\n"
            "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
            "src/index.md": "# Home\n",
            "src/user/guide.md": "# Guide\n\n## Step one\n",
            "src/img/x.png": "png",
        },
    )
    site = load_site(tmp_path)
    assert site.generator.name == "mkdocs"
    source = tmp_path / "src/index.md"
    assert site.resolve("/user/guide/", source) == tmp_path / "src/user/guide.md"
    assert site.resolve("/img/x.png", source, pages=False) == tmp_path / "src/img/x.png"
    assert "step-one" in site.ids(tmp_path / "src/user/guide.md")
    assert not site.is_post(tmp_path / "src/user/guide.md")


def test_docusaurus_beside_its_docs_with_versions_and_blog(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "website/docusaurus.config.js": "module.exports = {baseUrl: '/',\n"
            "  presets: [['classic', {docs: {path: '../docs', routeBasePath: 'docs'}}]]};\n",
            "website/versions.json": '["2.0"]\n',
            "website/versioned_docs/version-2.0/intro.md": "# Intro\n",
            "website/blog/2020-01-02-launch.md": "---\ntitle: Launch\n---\n",
            "website/static/img/logo.png": "png",
            "docs/01-intro.md": "# Intro\n",
            "docs/_partial.md": "part\n",
            "docs/api/api.md": "---\nslug: /reference\n---\n# API\n",
        },
    )
    root, name = find_site(str((tmp_path / "docs").resolve()))
    assert (root, name) == ((tmp_path / "website").resolve(), "docusaurus")
    site = load_site(root)
    source = (tmp_path / "docs/01-intro.md").resolve()
    assert site.resolve("/docs/next/intro", source) == source
    assert site.resolve("/docs/2.0/intro", source) is not None
    assert site.resolve("/docs/reference", source) == (tmp_path / "docs/api/api.md").resolve()
    blog = (tmp_path / "website/blog/2020-01-02-launch.md").resolve()
    assert site.resolve("/blog/2020/01/02/launch", source) == blog
    assert site.resolve("/img/logo.png", source, pages=False) is not None
    assert site.is_post(blog)
    assert not site.is_post(source)
    assert not site.is_published((tmp_path / "docs/_partial.md").resolve())


def test_heading_ids_explicit_next_line_and_footnotes(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "_config.yml": "title: x\n",
            "a.md": "---\ntitle: A\n---\n# Hello\n{: #custom}\n\n## Tail {#tail-id}\n\n"
            "Text[^1].\n\n[^1]: note\n",
        },
    )
    ids = load_site(tmp_path).ids(tmp_path / "a.md")
    assert {"custom", "tail-id", "hello", "fn:1", "fnref:1"} <= ids


def test_links_from_a_translation_reach_its_language_first(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "hugo.toml": 'defaultContentLanguage = "en"\n'
            '[languages.en]\ncontentDir = "content/en"\n'
            '[languages.fr]\ncontentDir = "content/fr"\n',
            "content/en/docs/setup.md": "---\ntitle: Setup\n---\n",
            "content/fr/docs/setup.md": "---\ntitle: Installation\n---\n",
            "content/fr/docs/guide.md": "---\ntitle: Guide\n---\n",
            "content/en/about.html": "---\ntitle: About\n---\n<p>HTML content is a page too.</p>\n",
        },
    )
    site = load_site(tmp_path)
    french = tmp_path / "content/fr/docs/guide.md"
    assert site.resolve("/docs/setup/", french) == tmp_path / "content/fr/docs/setup.md"
    english = tmp_path / "content/en/docs/setup.md"
    assert site.resolve("/docs/setup/", english) == english
    assert site.resolve("/about/", english) == tmp_path / "content/en/about.html"


def test_repository_files_read_root_paths_from_the_repository(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "hugo.toml": "title = 'x'\n",
            "content/_index.md": "---\ntitle: Home\n---\n",
            "config/extra.toml": "x = 1\n",
            "TRANSLATING.md": "See [the config](/config/extra.toml).\n",
        },
    )
    site = load_site(tmp_path)
    readme = tmp_path / "TRANSLATING.md"
    assert site.resolve("/config/extra.toml", readme) == tmp_path / "config/extra.toml"
    assert site.resolve("/config/extra.toml", tmp_path / "content/_index.md") is None


def test_jekyll_redirect_stubs_among_posts_are_not_posts(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "_config.yml": "title: x\n",
            "_posts/2017-01-02-moved.md": '<meta http-equiv="refresh" content="0; url=/new/">\n',
            "_posts/2017-01-03-forgot.md": "Front matter forgotten: still a post.\n",
        },
    )
    site = load_site(tmp_path)
    assert not site.is_post(tmp_path / "_posts/2017-01-02-moved.md")
    assert site.is_post(tmp_path / "_posts/2017-01-03-forgot.md")


def test_attr_list_ids_on_inline_elements(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "mkdocs.yml": "site_name: x\n",
            "docs/theme.md": "# Theme\n\n*   **`locale`**{ #mkdocs-locale }: the locale.\n",
        },
    )
    assert "mkdocs-locale" in load_site(tmp_path).ids(tmp_path / "docs/theme.md")


def test_a_plain_projects_pages_folder_holds_pages_not_posts(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "package.json": "{}\n",
            "src/content/posts/2020-01-02-hello.md": "---\ntitle: Hello\n---\n",
            "src/content/pages/about.md": "---\ntitle: About\n---\n",
            "notes.md": "---\ntitle: A note\ndate: 2020-01-03\n---\n",
            "example.md": "---\ntitle: An example input\n---\n",
            "tests/format/2020-01-04-case.md": "---\ntitle: Case\ndate: 2020-01-04\n---\n",
            "CONTRIBUTING.md": "# How to help\n",
        },
    )
    site = load_site(tmp_path)
    assert site.is_post(tmp_path / "src/content/posts/2020-01-02-hello.md")
    assert site.is_post(tmp_path / "notes.md")  # dated, in a project: a post
    assert not site.is_post(tmp_path / "example.md")  # front matter alone: no post
    assert not site.is_post(tmp_path / "tests/format/2020-01-04-case.md")  # a test input
    assert not site.is_published(tmp_path / "tests/format/2020-01-04-case.md")
    assert not site.is_post(tmp_path / "src/content/pages/about.md")
    assert not site.is_post(tmp_path / "CONTRIBUTING.md")
    hello = tmp_path / "src/content/posts/2020-01-02-hello.md"
    assert site.resolve("/2020/01/02/hello/", tmp_path / "notes.md") == hello


def test_site_explain_says_why_a_plain_folders_file_is_or_is_not_a_post(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from copydesk.cli import main

    _write(
        tmp_path,
        {
            "package.json": "{}\n",
            "tests/case.md": "---\ntitle: Case\n---\n",
            "notes/2020-01-02-hi.md": "---\ntitle: Hi\n---\n",
            "example.md": "---\ntitle: Example\n---\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    said = {}
    for name in ("tests/case.md", "notes/2020-01-02-hi.md", "example.md"):
        main(["site", "--explain", name, "."])
        said[name] = next(
            line for line in capsys.readouterr().out.splitlines() if line.startswith("post:")
        )
    assert said["tests/case.md"].startswith("post: no (in 'tests/'")
    assert said["notes/2020-01-02-hi.md"] == "post: yes (dated (file name or front matter date))"
    assert said["example.md"].startswith("post: no (in a project, undated")


def test_an_eleventy_sites_address_comes_from_its_global_data(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "eleventy.config.js": 'export const config = { dir: { input: "src" } };\n',
            "src/_data/config.js": 'export default { origin: "https://www.11ty.dev" };\n',
            "src/index.md": "# Home\n",
        },
    )
    assert load_site(tmp_path).generator.site_url == "https://www.11ty.dev"
    (tmp_path / "src/_data/config.js").write_text("export default { x: computed() };\n")
    assert load_site(tmp_path).generator.site_url == ""


def _lint_out(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    from copydesk.cli import main

    main(["lint", "--no-cache", "--jobs", "1", *argv])
    return capsys.readouterr().out


def test_plain_text_in_a_generators_site_is_no_post_but_a_blosxom_folders_is(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A font's OFL.txt in an Eleventy site is a file the site copies: a folder
    lint leaves it (CD110 would offer to rewrite a licence); named, it is read."""
    monkeypatch.chdir(Path(__file__).parent / "sites" / "eleventy-site")
    assert "OFL.txt" not in _lint_out(capsys, "--select", "CD110", ".")
    named = _lint_out(capsys, "--select", "CD110", "src/css/fonts/OFL.txt")
    assert "src/css/fonts/OFL.txt:4:42: warning CD110" in named


def test_jekyll_reads_plain_text_only_when_markdown_ext_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    post = "---\ntitle: Hi\ndate: 2020-01-02\n---\nSee http://example.com/x.\n"
    _write(
        tmp_path,
        {
            "blog/_config.yml": "title: Blog\nmarkdown_ext: 'md, TXT'\n",
            "blog/_posts/2020-01-02-hi.txt": post,
            "blog/words.text": post,
            "docs/_config.yml": "title: Docs\n",
            "docs/_posts/2020-01-02-hi.txt": post,
            "notes/2020-01-02-hi.txt": post,  # a plain folder: Blosxom's .txt posts
        },
    )
    monkeypatch.chdir(tmp_path)
    out = _lint_out(capsys, "--select", "CD110", ".")
    linted = sorted(line.split(":", 1)[0] for line in out.splitlines() if "CD110" in line)
    assert linted == ["blog/_posts/2020-01-02-hi.txt", "notes/2020-01-02-hi.txt"]


def test_plain_text_follows_the_configured_site_root_and_generator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether a folder lint takes a `.txt` is the site model's answer, so the
    `site-root` and `generator` options count, not only what detection finds."""
    post = "---\ntitle: Hi\ndate: 2020-01-02\n---\nSee http://example.com/x.\n"
    _write(
        tmp_path,
        {
            # A plain folder around a Hugo site: configured as the site's root.
            "notes/.copydesk.toml": 'site-root = "."\n',
            "notes/package.json": "{}\n",
            "notes/www/hugo.toml": "title = 'x'\n",
            "notes/www/content/hi.txt": post,
            # Detected as a plain folder, configured as a Hugo site.
            "docs/.copydesk.toml": 'generator = "hugo"\n',
            "docs/package.json": "{}\n",
            "docs/content/hi.txt": post,
            # Detected as Hugo, configured as a plain folder (Blosxom's .txt posts).
            "blog/.copydesk.toml": 'generator = "plain"\n',
            "blog/hugo.toml": "title = 'x'\n",
            "blog/content/hi.txt": post,
        },
    )
    monkeypatch.chdir(tmp_path)
    out = _lint_out(capsys, "--select", "CD106", ".")
    linted = sorted(line.split(":", 1)[0] for line in out.splitlines() if "CD106" in line)
    assert linted == ["blog/content/hi.txt", "notes/www/content/hi.txt"]


def test_site_explain_says_why_plain_text_is_not_content(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from copydesk.cli import main

    monkeypatch.chdir(Path(__file__).parent / "sites" / "eleventy-site")
    main(["site", "--explain", "src/css/fonts/OFL.txt", "."])
    post = [line for line in capsys.readouterr().out.splitlines() if line.startswith("post:")]
    assert post == [
        "post: no, not content (Eleventy makes no page of a .txt file): "
        "a folder lint skips it; named on the command line, it is linted"
    ]


def test_first_file_skips_the_candidates_of_a_folder_that_is_not_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A base that is not there has every other candidate in its folder: a
    missing folder ends the search (and is remembered); a relative base is
    looked for in the working folder."""
    from copydesk.site.project import _first_file

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "setup.md").write_text("# Setup\n", encoding="utf-8")
    (tmp_path / "page.md").write_text("# Page\n", encoding="utf-8")
    folders: dict[str, bool] = {}
    missing = str(tmp_path / "static" / "docs" / "setup")
    assert _first_file(missing, folders) is None
    assert folders == {str(tmp_path / "static" / "docs"): False}
    assert _first_file(str(tmp_path / "docs" / "setup"), folders) == str(
        tmp_path / "docs" / "setup.md"
    )
    assert _first_file(str(tmp_path / "docs" / "setup.html"), folders) == str(
        tmp_path / "docs" / "setup.md"
    )
    monkeypatch.chdir(tmp_path)
    assert _first_file("page", folders) == "page.md"
    assert _first_file("page", None) == "page.md"


def test_a_second_lint_in_one_process_sees_an_edit_deep_in_the_tree(tmp_path: Path) -> None:
    """The site model is kept per root while the root's mtime holds; editing
    a page's slug two folders down leaves that mtime alone, and a second
    `lint_paths` must still answer as a fresh process does."""
    import os

    from copydesk.engine import lint_paths

    page = "content/posts/b.md"
    _write(
        tmp_path,
        {
            "hugo.toml": 'baseURL = "https://example.org/"\n',
            "content/posts/a.md": "---\ntitle: A\n---\n\nSee [b](/posts/new-slug/).\n",
            page: "---\ntitle: B\n---\n\nBody.\n",
        },
    )
    linker = tmp_path / "content/posts/a.md"

    def codes() -> list[str]:
        return [finding.code for finding in lint_paths([linker], select=["CD101"]).findings]

    assert codes() == ["CD101"]
    mtime = os.stat(tmp_path).st_mtime_ns
    (tmp_path / page).write_text("---\ntitle: B\nslug: new-slug\n---\n\nBody.\n")
    assert os.stat(tmp_path).st_mtime_ns == mtime
    assert codes() == []


def test_a_second_lint_in_one_process_sees_a_generator_config_added(tmp_path: Path) -> None:
    """Which folder is which generator's site is remembered per folder for a
    run: a `hugo.toml` added before the next `lint_paths` makes `/posts/b/`
    a page's URL, as a fresh process finds."""
    from copydesk.engine import lint_paths

    _write(
        tmp_path,
        {
            "content/posts/a.md": "---\ntitle: A\n---\n\nSee [b](/posts/b/).\n",
            "content/posts/b.md": "---\ntitle: B\n---\n\nBody.\n",
        },
    )

    def codes() -> list[str]:
        return [finding.code for finding in lint_paths([tmp_path], select=["CD101"]).findings]

    assert codes() == ["CD101"]
    (tmp_path / "hugo.toml").write_text('baseURL = "https://example.org/"\n')
    assert codes() == []
