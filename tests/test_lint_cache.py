"""The lint cache: a warm run gives what a cold run gives, parses only what
changed, and every input of an entry's key invalidates it."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import copydesk
from copydesk import engine, lintcache, parse
from copydesk.cli import main
from copydesk.engine import lint_paths
from copydesk.site import project as site_project

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(__file__).parent / "data" / "cached_site"
DEMO = ROOT / "fixtures" / "demo"
CACHE = Path(".copydesk_cache") / "lint.json"


def read_cache(site: Path) -> tuple[Any, Any, list[Any]]:
    """lint.json's lines: the header, the stamps, and one [name, key, payload] per
    file (the project outcome and each file's facts and front matter lines left out)."""
    header, stamps, _, *lines = (site / CACHE).read_text().splitlines()
    return json.loads(header), json.loads(stamps), [json.loads(line) for line in lines[0::3]]


def write_cache(site: Path, header: Any, stamps: Any, entries: list[Any]) -> None:
    """`read_cache`'s parts back into lint.json, the other lines as they were."""
    _, _, project, *lines = (site / CACHE).read_text().splitlines()
    rows = zip(lines[0::3], lines[1::3], lines[2::3], strict=True)
    by_name = {json.loads(line)[0]: (facts, front) for line, facts, front in rows}
    text = [json.dumps(header), json.dumps(stamps), project]
    for entry in entries:
        text += [json.dumps(entry), *by_name[entry[0]]]
    (site / CACHE).write_text("\n".join(text) + "\n")


def touch(path: Path, line: str = "One more line.") -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(f"\n{line}\n")


def rendered(result: Any) -> list[str]:
    """Every finding with everything a reporter shows, fixes included."""
    return [json.dumps(f.as_dict(), sort_keys=True) for f in result.findings]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files parsed, in order (what a cache hit must not do)."""
    seen: list[str] = []
    real = parse.parse_document

    def counting(document: Any, want: Any = None) -> parse.ParsedFile:
        seen.append(document.path.name)
        return real(document, want)

    monkeypatch.setattr(parse, "parse_document", counting)
    return seen


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The three-file site in a folder of its own, as the current folder; the
    cache is used from one file on (a run of fewer than 24 skips it)."""
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)
    monkeypatch.chdir(folder)
    monkeypatch.setattr(engine, "CACHE_MIN_FILES", 1)
    return folder


def run(**options: Any) -> Any:
    return lint_paths(["."], select=["ALL"], jobs=1, cache=True, **options)


def cold() -> list[str]:
    return rendered(lint_paths(["."], select=["ALL"], jobs=1))


def test_a_warm_run_equals_a_cold_one_and_parses_nothing(site: Path, parses: list[str]) -> None:
    expected = cold()
    parses.clear()

    filled = run()
    assert sorted(parses) == ["a.md", "b.md", "c.md"]
    parses.clear()
    warm = run()

    assert rendered(filled) == rendered(warm) == expected
    assert parses == []
    assert (site / CACHE).is_file()
    assert (site / ".copydesk_cache" / ".gitignore").read_text() == "*\n"


@pytest.mark.parametrize("jobs", [1, 2])
def test_warm_equals_cold_on_the_demo_fixtures_and_a_generated_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import corpus
    finally:
        sys.path.remove(str(ROOT / "bench"))
    corpus.build_corpus(tmp_path / "corpus", 60)
    shutil.copytree(DEMO, tmp_path / "demo")
    monkeypatch.chdir(tmp_path)
    for folder in ("corpus", "demo"):
        monkeypatch.setattr(engine, "CACHE_MIN_FILES", 1)
        expected = rendered(lint_paths([folder], select=["ALL"], jobs=jobs))
        filled = lint_paths([folder], select=["ALL"], jobs=jobs, cache=True)
        warm = lint_paths([folder], select=["ALL"], jobs=jobs, cache=True)
        assert expected, folder
        assert rendered(filled) == rendered(warm) == expected, folder


def test_a_changed_file_alone_is_parsed_again(site: Path, parses: list[str]) -> None:
    run()
    before = (site / CACHE).read_text().splitlines()
    with (site / "c.md").open("a", encoding="utf-8") as file:
        file.write("\nMore at [the tracker](https://example.com/?utm_medium=y).\n")
    parses.clear()

    warm = run()

    assert parses == ["c.md"]
    assert rendered(warm) == cold()
    assert any(f.path == "c.md" and f.code == "CD105" for f in warm.findings)
    after = (site / CACHE).read_text().splitlines()
    kept = [line for line in after if line.startswith(('["a.md"', '["b.md"'))]
    assert len(kept) == 2 and set(kept) <= set(before)  # the others' lines, as they were
    assert [line for line in after if line.startswith('["c.md"')] != [
        line for line in before if line.startswith('["c.md"')
    ]


def test_a_renamed_heading_re_reports_links_into_it_without_parsing_them(
    site: Path, parses: list[str]
) -> None:
    run()
    text = (site / "b.md").read_text(encoding="utf-8")
    (site / "b.md").write_text(text.replace("## Setup", "## Installation"), encoding="utf-8")
    parses.clear()

    warm = run()

    assert parses == ["b.md"]
    messages = [(f.path, f.message) for f in warm.findings if f.code == "CD107"]
    assert messages == [("a.md", "heading '#setup' does not exist in 'b.md'")]
    assert rendered(warm) == cold()
    parses.clear()
    again = run()  # nothing changed: the project stage's outcome as kept
    assert parses == []
    assert rendered(again) == rendered(warm)


def test_a_heading_renamed_in_an_excluded_file_re_reports_links_into_it(
    site: Path, parses: list[str]
) -> None:
    """The project stage reads the ids of a linked file that no linted file's
    facts describe (excluded here) from disk: its kept outcome holds only
    while that file's bytes do."""
    (site / ".copydesk.toml").write_text('exclude = ["d.md"]\n', encoding="utf-8")
    (site / "d.md").write_text("# Dee\n\n## Usage\n\nText.\n", encoding="utf-8")
    touch(site / "c.md", "See [usage](d.md#usage).")
    assert [f for f in run().findings if f.code == "CD107"] == []
    assert [f for f in run().findings if f.code == "CD107"] == []  # the kept outcome
    (site / "d.md").write_text("# Dee\n\n## Use\n\nText.\n", encoding="utf-8")
    parses.clear()

    warm = run()

    assert parses == ["d.md"]  # not linted: read by the project stage for its ids
    messages = [(f.path, f.message) for f in warm.findings if f.code == "CD107"]
    assert messages == [("c.md", "heading '#usage' does not exist in 'd.md'")]
    assert rendered(warm) == cold()


def test_a_copy_of_the_tree_with_its_cache_checks_links_against_the_copy(
    site: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Facts name files by their real paths: a copy must not check a.md's link
    into b.md against the original b.md (which still has the heading)."""
    run()
    copy = site.parent / "copy"
    shutil.copytree(site, copy)
    text = (copy / "b.md").read_text(encoding="utf-8")
    (copy / "b.md").write_text(text.replace("## Setup", "## Installation"), encoding="utf-8")
    monkeypatch.chdir(copy)

    warm = run()

    messages = [(f.path, f.message) for f in warm.findings if f.code == "CD107"]
    assert messages == [("a.md", "heading '#setup' does not exist in 'b.md'")]
    assert rendered(warm) == cold()


def test_a_deleted_target_is_reported_by_the_files_linking_to_it(
    site: Path, parses: list[str]
) -> None:
    run()
    (site / "c.md").unlink()

    warm = run()

    broken = [(f.path, f.code) for f in warm.findings if f.code == "CD101"]
    assert broken == [("a.md", "CD101")]
    assert rendered(warm) == cold()
    assert "c.md" not in [name for name, *_ in read_cache(site)[2]]


def test_a_github_folder_appearing_changes_what_a_link_above_the_root_is(
    site: Path, parses: list[str]
) -> None:
    """Above a repository's top a README's `../../issues` is GitHub's page
    (CD101 lets it be); `.github` is hidden, so the site key asks for it."""
    (site / "README.md").write_text("[issues](../../issues)\n", encoding="utf-8")
    before = run()
    assert [f.path for f in before.findings if f.code == "CD101"] == ["README.md"]
    (site / ".github").mkdir()
    (site / ".github" / "CODEOWNERS").write_text("* @someone\n", encoding="utf-8")

    warm = run()

    assert [f.path for f in warm.findings if f.code == "CD101"] == []
    assert rendered(warm) == cold()


def cd101(result: Any) -> list[str]:
    return [f.path for f in result.findings if f.code == "CD101"]


def test_a_file_in_a_published_hidden_folder_appearing_or_going_changes_links_to_it(
    site: Path, parses: list[str]
) -> None:
    """Hosts serve `/.well-known/` from a static folder: a warm run sees its
    files come and go as a cold run does (the site key walks hidden folders
    the site publishes)."""
    touch(site / "c.md", "Our [security contact](/.well-known/security.txt).")
    assert cd101(run()) == ["c.md"]
    (site / "static" / ".well-known").mkdir(parents=True)
    (site / "static" / ".well-known" / "security.txt").write_text("Contact: x\n")

    found = run()

    assert cd101(found) == []
    assert rendered(found) == cold()
    (site / "static" / ".well-known" / "security.txt").unlink()
    site_project._cached_site.cache_clear()  # as a new process: the root's mtime is as it was

    gone = run()

    assert rendered(gone) == cold()
    assert cd101(gone) == ["c.md"]


def test_a_file_in_the_roots_github_folder_going_is_reported_by_links_to_it(
    site: Path, parses: list[str]
) -> None:
    """A README links into `.github/`: its files are in the site key, not only
    whether the folder is there."""
    (site / ".github").mkdir()
    (site / ".github" / "CONTRIBUTING.md").write_text("# Contributing\n", encoding="utf-8")
    (site / "README.md").write_text("Read [how to help](.github/CONTRIBUTING.md).\n")
    assert cd101(run()) == []
    (site / ".github" / "CONTRIBUTING.md").unlink()
    (site / ".github" / "FUNDING.yml").write_text("github: someone\n", encoding="utf-8")

    warm = run()

    assert cd101(warm) == ["README.md"]
    assert rendered(warm) == cold()


def test_docs_a_docusaurus_site_keeps_outside_its_root_are_in_its_key(
    site: Path, parses: list[str]
) -> None:
    """create-react-app keeps its site in `docusaurus/website/` and the docs in
    `../docs`: a doc deleted there is reported by the docs linking to it."""
    (site / "website").mkdir()
    (site / "website" / "docusaurus.config.js").write_text(
        "module.exports = {presets: [['classic', {docs: {path: '../docs'}}]]};\n"
    )
    (site / "docs").mkdir()
    (site / "docs" / "intro.md").write_text("# Intro\n\nSee [the setup](setup.md).\n")
    (site / "docs" / "setup.md").write_text("# Setup\n\nDo it.\n")
    assert cd101(run()) == []
    (site / "docs" / "setup.md").unlink()
    site_project._cached_site.cache_clear()  # as a new process: website/'s mtime is as it was

    warm = run()

    assert cd101(warm) == ["docs/intro.md"]
    assert rendered(warm) == cold()


def test_a_file_going_in_a_linked_folder_outside_the_site_is_reported(
    site: Path, parses: list[str]
) -> None:
    """`static/shared` links to a folder outside the site (a monorepo's shared
    assets): a link resolves through it, so the site key walks it."""
    shared = site.parent / "shared"
    shared.mkdir()
    (shared / "logo.png").write_bytes(b"\x89PNG")
    (site / "static").mkdir()
    (site / "static" / "shared").symlink_to(shared, target_is_directory=True)
    touch(site / "c.md", "![Logo](/shared/logo.png)")
    assert [f for f in run().findings if f.code == "CD205"] == []
    (shared / "logo.png").unlink()
    site_project._cached_site.cache_clear()  # as a new process: the root's mtime is as it was

    warm = run()

    assert [f.path for f in warm.findings if f.code == "CD205"] == ["c.md"]
    assert rendered(warm) == cold()


def test_hidden_folders_the_site_does_not_publish_stay_out_of_its_key(tmp_path: Path) -> None:
    """Only hidden folders inside a folder the site publishes are walked: a
    tool's `.icons` (thousands of files in mkdocs-material) is not the site's."""
    (tmp_path / "hugo.toml").write_text('baseURL = "https://example.org/"\n', encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "tools" / ".icons").mkdir(parents=True)
    (tmp_path / ".vscode").mkdir()

    def key() -> str:
        return lintcache.SiteState().key(tmp_path)

    before = key()
    (tmp_path / "tools" / ".icons" / "star.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / ".vscode" / "settings.json").write_text("{}", encoding="utf-8")
    (tmp_path / "vendor" / "bundle").mkdir(parents=True)  # the root's: dependencies
    (tmp_path / "vendor" / "bundle" / "x.md").write_text("# X\n", encoding="utf-8")
    assert key() == before
    (tmp_path / "static" / ".well-known").mkdir(parents=True)
    (tmp_path / "static" / ".well-known" / "security.txt").write_text("x", encoding="utf-8")
    assert key() != before
    before = key()
    (tmp_path / "static" / "vendor").mkdir()
    (tmp_path / "static" / "vendor" / "app.css").write_text("a {}", encoding="utf-8")
    assert key() != before


def test_the_folders_a_site_publishes_are_asked_of_its_generator_once_while_its_config_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading the generator (PyYAML or tomllib, the config's parse) cost a warm
    run 10 ms on a site with a hidden folder: the answer is kept in the stamps."""
    config = tmp_path / "hugo.toml"
    config.write_text('baseURL = "https://example.org/"\n', encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "static" / ".well-known").mkdir(parents=True)
    (tmp_path / "static" / ".well-known" / "security.txt").write_text("x", encoding="utf-8")
    asked: list[str] = []
    real = lintcache._published

    def published(root: str, settings: Any) -> list[str]:
        asked.append(root)
        return real(root, settings)

    monkeypatch.setattr(lintcache, "_published", published)
    first = lintcache.SiteState()
    key = first.key(tmp_path)
    second = lintcache.SiteState(first.stamps)
    assert second.key(tmp_path) == key
    assert len(asked) == 1
    config.write_text('baseURL = "https://example.org/"\nstaticDir = "assets"\n')
    third = lintcache.SiteState(second.stamps)
    moved = third.key(tmp_path)
    assert len(asked) == 2
    (tmp_path / "static" / ".well-known" / "other.txt").write_text("y", encoding="utf-8")
    assert lintcache.SiteState(third.stamps).key(tmp_path) == moved  # static/ is not served now
    assert len(asked) == 2


def test_a_nested_repository_and_every_image_kind_are_in_the_site_key(tmp_path: Path) -> None:
    """A folder holding `.git` is a site of its own (its pages are not the
    site's); CD204 reads the size of any image it finds, a `.jxl` too."""
    (tmp_path / "content" / "sub").mkdir(parents=True)
    (tmp_path / "content" / "sub" / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "content" / "chart.jxl").write_bytes(b"\0" * 10)

    def key() -> str:
        return lintcache.SiteState().key(tmp_path)

    before = key()
    (tmp_path / "content" / "sub" / ".git").mkdir()
    nested = key()
    assert nested != before
    (tmp_path / "content" / "chart.jxl").write_bytes(b"\0" * 100)
    assert key() != nested


def test_a_cache_folder_inside_the_site_is_not_part_of_its_key(
    site: Path, parses: list[str]
) -> None:
    """The run writes its cache folder: were it walked as the site's, the
    next run would find every entry's site changed."""
    lint_paths(["."], select=["ALL"], jobs=1, cache=True, cache_dir="cache")
    parses.clear()

    warm = lint_paths(["."], select=["ALL"], jobs=1, cache=True, cache_dir="cache")

    assert parses == []
    assert rendered(warm) == cold()


def test_an_mkdocs_hook_that_starts_rewriting_pages_changes_what_cd108_checks(
    site: Path, parses: list[str]
) -> None:
    """A `hooks:` file with `on_page_markdown` may define any label: CD108 stays
    silent on such a site. The hook's bytes are in the site key."""
    (site / "mkdocs.yml").write_text("site_name: x\ndocs_dir: .\nhooks:\n  - hooks/pages.py\n")
    (site / "hooks").mkdir()
    (site / "hooks" / "pages.py").write_text("def on_config(config):\n    return config\n")
    touch(site / "c.md", "See [the guide][guide].")
    assert [f.path for f in run().findings if f.code == "CD108"] == ["c.md"]
    with (site / "hooks" / "pages.py").open("a", encoding="utf-8") as file:
        file.write("\n\ndef on_page_markdown(markdown, **kwargs):\n    return markdown\n")

    warm = run()

    assert [f for f in warm.findings if f.code == "CD108"] == []
    assert rendered(warm) == cold()


@pytest.mark.parametrize("appended", [False, True])
def test_a_label_defined_in_an_included_snippet_is_seen_by_a_warm_run(
    site: Path, parses: list[str], appended: bool
) -> None:
    """CD108 reads the labels of the snippets a page includes (`--8<--`) or
    that MkDocs appends to every page: the entry holds while their bytes do."""
    config = "site_name: x\ndocs_dir: .\n"
    if appended:
        config += "markdown_extensions:\n  - pymdownx.snippets:\n      auto_append:\n"
        config += "        - includes/links.md\n"
    (site / "mkdocs.yml").write_text(config, encoding="utf-8")
    (site / "includes").mkdir()
    snippet = site / "includes" / "links.md"
    snippet.write_text("[home]: https://example.com/\n", encoding="utf-8")
    text = (
        "See [the guide][guide]."
        if appended
        else '--8<-- "includes/links.md"\n\n[the guide][guide]'
    )
    touch(site / "c.md", text)
    assert [f.path for f in run().findings if f.code == "CD108"] == ["c.md"]
    with snippet.open("a", encoding="utf-8") as file:
        file.write("[guide]: https://example.com/guide\n")

    warm = run()

    assert [f for f in warm.findings if f.code == "CD108"] == []
    assert rendered(warm) == cold()
    parses.clear()
    assert rendered(run()) == rendered(warm)
    assert parses == []
    header, stamps, entries = read_cache(site)
    for entry in entries:
        if entry[0] == "c.md":
            entry[2]["holds"] = [[["not", "what was written", "at all"]], None]
    write_cache(site, header, stamps, entries)

    assert rendered(run()) == rendered(warm)  # a damaged entry: a miss, never trusted
    assert parses == ["c.md"]


def test_a_heading_renamed_in_a_page_a_hugo_ref_names_is_reported_by_a_warm_run(
    site: Path, parses: list[str]
) -> None:
    """CD117 checks a `{{< ref "b#setup" >}}` against b's headings in the
    linting page's own check: the entry holds while b's bytes do."""
    (site / "hugo.toml").write_text('baseURL = "https://example.org/"\n', encoding="utf-8")
    (site / "content").mkdir()
    (site / "content" / "guide.md").write_text(
        '---\ntitle: Guide\n---\n\nSee [setup]({{< ref "steps#setup" >}}).\n', encoding="utf-8"
    )
    steps = site / "content" / "steps.md"
    steps.write_text("---\ntitle: Steps\n---\n\n## Setup\n\nDo it.\n", encoding="utf-8")
    assert [f.path for f in run().findings if f.code == "CD117"] == []
    steps.write_text("---\ntitle: Steps\n---\n\n## Install\n\nDo it.\n", encoding="utf-8")

    warm = run()

    assert [f.path for f in warm.findings if f.code == "CD117"] == ["content/guide.md"]
    assert rendered(warm) == cold()


def test_a_date_in_the_future_is_reported_until_it_comes(site: Path, parses: list[str]) -> None:
    """CD308's finding changes with the clock alone: its entry holds until the
    moment the date comes, then the file is linted again."""
    soon = dt.datetime.now().replace(microsecond=0) + dt.timedelta(seconds=2)
    text = (site / "c.md").read_text(encoding="utf-8")
    dated = text.replace("title: Notes", f"title: Notes\ndate: {soon.isoformat(sep=' ')}")
    (site / "posts").mkdir()
    (site / "posts" / "c.md").write_text(dated, encoding="utf-8")
    assert [f.path for f in run().findings if f.code == "CD308"] == ["posts/c.md"]
    parses.clear()
    assert [f.path for f in run().findings if f.code == "CD308"] == ["posts/c.md"]
    assert parses == []
    time.sleep(max(0.0, soon.timestamp() - time.time()) + 0.1)

    warm = run()

    assert parses == ["c.md"]
    assert [f for f in warm.findings if f.code == "CD308"] == []
    assert rendered(warm) == cold()


def test_a_future_days_date_comes_at_the_local_midnight_of_its_day_less_the_slack() -> None:
    from copydesk.rules import metadata

    moment = metadata._comes(dt.date(2030, 1, 10), dt.timedelta(days=2))
    assert moment == dt.datetime(2030, 1, 8).timestamp()
    assert metadata._comes(dt.date.max, dt.timedelta(days=-2)) is None


def nope(result: Any) -> list[str]:
    return [f.path for f in result.findings if f.code == "CD107" and "#nope" in f.message]


@pytest.mark.parametrize(
    ("place", "before", "after"),
    [
        ("_data/metadata.json", '{"url": "https://example.org"}', '{"url": "https://other.org"}'),
        ("CNAME", "example.org\n", "other.org\n"),
        ("../package.json", '{"homepage": "https://example.org"}', '{"homepage": "https://x.org"}'),
    ],
)
def test_the_file_giving_the_sites_address_is_in_its_key(
    site: Path, parses: list[str], place: str, before: str, after: str
) -> None:
    """A full URL to the site's own address is checked as a local link: the
    address comes from Eleventy's global data, a `CNAME` file or the
    `homepage` of a package.json (the site's or the folder's above it)."""
    if place.startswith("_data"):
        (site / "eleventy.config.js").write_text("module.exports = () => ({});\n")
    if place.startswith(".."):  # the repository's package.json, above the site's root
        (site / ".git").mkdir()
    (site / place).parent.mkdir(exist_ok=True)
    (site / place).write_text(before, encoding="utf-8")
    touch(site / "c.md", "Also [gone](https://example.org/b/#nope).")
    assert nope(run()) == ["c.md"]
    (site / place).write_text(after, encoding="utf-8")

    warm = run()

    assert nope(warm) == []
    assert rendered(warm) == cold()


def test_the_selection_the_config_and_the_version_each_invalidate(
    site: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run()
    parses.clear()
    narrower = lint_paths(["."], select=["CD105"], jobs=1, cache=True)
    assert sorted(parses) == ["a.md", "b.md", "c.md"]
    assert [f.code for f in narrower.findings] == ["CD105"]

    run()
    parses.clear()
    (site / ".copydesk.toml").write_text('[rules.CD105]\nparameters = ["ref"]\n')
    configured = run()
    assert sorted(parses) == ["a.md", "b.md", "c.md"]
    assert rendered(configured) == cold()
    assert "CD105" not in [f.code for f in configured.findings]

    parses.clear()
    monkeypatch.setattr(copydesk, "__version__", "99.0")
    run()
    assert sorted(parses) == ["a.md", "b.md", "c.md"]


@pytest.mark.parametrize("library", ["pydantic", "ftfy"])
def test_a_release_of_a_library_rules_report_through_invalidates(
    site: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch, library: str
) -> None:
    """CD30x's messages are pydantic's, CD401's repairs ftfy's."""
    from copydesk import plugins

    run()
    real = plugins.distribution_stamp
    monkeypatch.setattr(
        plugins,
        "distribution_stamp",
        lambda name: f"{library}-99.0.dist-info" if name == library else real(name),
    )
    parses.clear()

    warm = run()

    assert sorted(parses) == ["a.md", "b.md", "c.md"]
    assert rendered(warm) == cold()


def test_a_rule_module_that_changed_invalidates(
    site: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin's version is its code: the file its rule class comes from."""
    run()
    parses.clear()
    real = lintcache.os.stat

    def newer(path: Any, *args: Any, **kwargs: Any) -> Any:
        found = real(path, *args, **kwargs)
        if str(path).endswith("rules/links.py"):
            values = list(found)
            values[8] += 1  # st_mtime
            return type(found)(values, {"st_mtime_ns": found.st_mtime_ns + 1})
        return found

    monkeypatch.setattr(lintcache.os, "stat", newer)
    run()
    assert sorted(parses) == ["a.md", "b.md", "c.md"]


@pytest.mark.parametrize(
    ("content", "note"),
    [
        (b"\x00garbage{", "not JSON"),
        (b'{"format": "someone-else", "entries": {}}', "not a copydesk lint cache"),
        (b"[1, 2]", "not a copydesk lint cache"),
    ],
)
def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(
    site: Path, parses: list[str], content: bytes, note: str
) -> None:
    expected = cold()
    (site / CACHE).parent.mkdir()
    (site / CACHE).write_bytes(content)
    parses.clear()

    result = run()

    assert rendered(result) == expected
    assert sorted(parses) == ["a.md", "b.md", "c.md"]
    assert any(note in line and "lint cache ignored" in line for line in result.notes)
    assert read_cache(site)[0]["format"] == "copydesk-lint"
    parses.clear()
    run()
    assert parses == []


def test_a_cache_naming_a_class_the_codec_does_not_build_is_ignored(
    site: Path, parses: list[str]
) -> None:
    """Tags are decoded as the cache is read: one naming a class outside the
    codec's few (here `os.system`'s module's) damages the whole cache."""
    run()
    text = (site / CACHE).read_text()
    assert '"c":"Suppressions"' in text
    (site / CACHE).write_text(text.replace('"c":"Suppressions"', '"c":"system"', 1))
    parses.clear()

    result = run()

    assert sorted(parses) == ["a.md", "b.md", "c.md"]
    assert rendered(result) == cold()
    assert any("lint cache ignored (damaged)" in line for line in result.notes)


def test_facts_naming_a_class_the_codec_does_not_build_are_a_miss(
    site: Path, parses: list[str]
) -> None:
    """A file's facts are decoded when the project stage runs (here because
    they are not those its kept outcome was keyed by): a tag outside the
    codec's few builds nothing, and that file is linted again."""
    run()
    text = (site / CACHE).read_text()
    assert text.count('"c":"FragmentFacts"') == 3
    (site / CACHE).write_text(text.replace('"c":"FragmentFacts"', '"c":"system"', 1))
    expected = cold()
    parses.clear()

    warm = run()

    assert parses == ["a.md"]  # a.md's facts were the damaged ones
    assert rendered(warm) == expected
    assert not warm.notes
    parses.clear()
    assert rendered(run()) == expected
    assert parses == []


def test_an_edit_that_moves_no_heading_link_or_slug_keeps_the_project_outcome(
    site: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The project stage reads files' facts alone: after an edit that leaves
    them as they were, its kept outcome holds (no facts decoded); an edit that
    moves a link into another file runs it again."""
    decoded: list[int] = []
    real = lintcache.LintCache.facts

    def counting(self: lintcache.LintCache, names: Any) -> Any:
        decoded.append(len(names))
        return real(self, names)

    monkeypatch.setattr(lintcache.LintCache, "facts", counting)
    run()
    touch(site / "c.md", "A new closing line, with no link.")
    expected = cold()
    parses.clear()
    assert rendered(run()) == expected
    assert parses == ["c.md"] and decoded == []

    text = (site / "a.md").read_text(encoding="utf-8")
    (site / "a.md").write_text(text.replace("# Guide\n", "# Guide\n\nA new line.\n"))
    (site / "b.md").write_text((site / "b.md").read_text().replace("## Setup", "## Install"))
    expected = cold()
    parses.clear()
    warm = run()
    assert rendered(warm) == expected
    assert sorted(parses) == ["a.md", "b.md"] and decoded == [1]  # c.md's facts, from the cache
    assert [(f.path, f.line) for f in warm.findings if f.code == "CD107"] == [("a.md", 9)]


def test_a_damaged_entry_is_a_miss_never_trusted(site: Path, parses: list[str]) -> None:
    run()
    header, stamps, entries = read_cache(site)
    entry = next(entry for entry in entries if entry[0] == "a.md")
    entry[2]["hits"] = [["CD105", "one", None]]
    write_cache(site, header, stamps, entries)
    parses.clear()

    assert rendered(run()) == cold()
    assert parses[:1] == ["a.md"]


def test_a_warm_run_imports_no_parser_and_no_site_model(site: Path) -> None:
    """Everything comes from the cache: mistune, PyYAML, the positioned parse
    and the site model stay unloaded (their imports would cost a warm run
    tens of milliseconds); finding site roots needs only `copydesk.site.detect`."""
    run()
    script = (
        "import sys\n"
        "from copydesk import engine\n"
        "engine.CACHE_MIN_FILES = 1\n"
        "engine.lint_paths(['.'], select=['ALL'], jobs=1, cache=True)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    loaded = set(done.stdout.split())
    assert "copydesk.site.detect" in loaded and "copydesk.lintcache" in loaded
    unwanted = {"mistune", "yaml", "copydesk.parse", "copydesk.yamlio", "copydesk.site.project"}
    assert not unwanted & loaded


def test_a_warm_run_of_the_command_imports_no_dataclasses(site: Path) -> None:
    """What a warm `copydesk lint` makes (its records, results and findings)
    are NamedTuples and plain classes: the dataclasses module, with the
    inspect, ast, dis and tokenize it pulls in, would cost a nothing-changed
    hugoDocs run ~8 ms, a tenth of it. A run that lints a file loads it. Nor
    does it import what only reading a file, the rules' helpers or heading
    ids need (the config's checks of site options read copydesk.site.detect)."""
    script = (
        "import sys\n"
        "from copydesk import engine\n"
        "from copydesk.cli import main\n"
        "engine.CACHE_MIN_FILES = 1\n"
        "try:\n    main(['lint', '-q', '--jobs', '1', '.'])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )

    def loaded() -> set[str]:
        command = [sys.executable, "-c", script]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        return set(done.stdout.splitlines()[-1].split())

    assert "dataclasses" in loaded()  # the cold run that fills the cache
    warm = loaded()
    assert "copydesk.lintcache" in warm and "copydesk.parse" not in warm
    assert not {"dataclasses", "inspect"} & warm
    assert not {"copydesk.read", "copydesk.rules._nodes", "copydesk.site.ids"} & warm


def test_a_warm_run_imports_no_rule_and_one_change_only_those_of_the_project_stage(
    site: Path,
) -> None:
    """The rules of cached files are not made: their keys and findings come
    from the rule table, and with nothing changed the project stage's
    outcome from the cache. After a change, only the changed file's rules and
    the project stage's (CD107 in links, CD311 in metadata) are imported."""
    expected = rendered(lint_paths(["."], jobs=1, cache=True))
    script = (
        "import json, sys\n"
        "from copydesk import engine\n"
        "engine.CACHE_MIN_FILES = 1\n"
        "result = engine.lint_paths(['.'], jobs=1, cache=True)\n"
        "print(json.dumps([json.dumps(f.as_dict(), sort_keys=True) for f in result.findings]))\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )

    def warm() -> set[str]:
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        findings, modules = done.stdout.splitlines()
        assert json.loads(findings) == expected
        return set(modules.split())

    loaded = warm()
    rules = {"links", "metadata", "images", "content", "web"}
    assert not {f"copydesk.rules.{name}" for name in rules} & loaded
    (site / "notes.txt").write_text("not a post\n", encoding="utf-8")  # the site's files changed
    expected = rendered(lint_paths(["."], jobs=1))
    loaded = warm()
    assert {"copydesk.rules.links", "copydesk.rules.metadata"} <= loaded


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files the lint cache opened to digest them."""
    seen: list[str] = []

    def counting(path: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(os.path.basename(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(lintcache, "open", counting, raising=False)
    return seen


def settle(*paths: Path) -> None:
    """Times an hour ago: files the lint cache may trust by their stat."""
    for path in paths:
        os.utime(path, (time.time() - 3600, time.time() - 3600))


def test_files_whose_stat_holds_are_not_read_again(site: Path, opened: list[str]) -> None:
    settle(*site.glob("*.md"))
    expected = cold()
    run()
    assert sorted(opened) == ["a.md", "b.md", "c.md"]
    opened.clear()
    assert rendered(run()) == expected
    assert opened == []


def test_a_file_edited_just_now_is_read_every_run(site: Path, opened: list[str]) -> None:
    """A second edit within the same clock tick could keep its size and times."""
    settle(*site.glob("*.md"))
    run()
    with (site / "c.md").open("a", encoding="utf-8") as file:
        file.write("\nOne more line.\n")
    for _ in range(2):
        opened.clear()
        assert rendered(run()) == cold()
        assert opened == ["c.md"]


def test_a_run_that_learns_no_stamp_keeps_the_stamps_as_read(site: Path, opened: list[str]) -> None:
    """Re-linting a file edited just now (not stamped: it may change again in
    the same tick) writes the stamps line as it was, the file's old stamp in
    it: that one no longer holds, so the file is read again once settled, and
    its new stamp is written then."""
    settle(*site.glob("*.md"))
    run()
    stamps_line = (site / CACHE).read_text().splitlines()[1]
    page = site / "c.md"
    touch(page)
    assert rendered(run()) == cold()
    assert (site / CACHE).read_text().splitlines()[1] == stamps_line
    old = json.loads(stamps_line)[str(page.resolve())]
    settle(page)
    opened.clear()
    assert rendered(run()) == cold()
    assert opened == ["c.md"]
    stamps = json.loads((site / CACHE).read_text().splitlines()[1])
    assert stamps[str(page.resolve())][:3] != old[:3]
    assert stamps[str(page.resolve())][0] == page.stat().st_size
    opened.clear()
    assert rendered(run()) == cold()
    assert opened == []


def test_same_size_same_mtime_other_bytes_is_read_again(site: Path, parses: list[str]) -> None:
    """The ctime in the stamp: a tool that restores the mtime cannot hide an edit."""
    settle(*site.glob("*.md"))
    run()
    path = site / "c.md"
    before = path.stat()
    path.write_bytes(path.read_bytes().replace(b"Notes", b"Nodes"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    parses.clear()
    assert rendered(run()) == cold()
    assert "c.md" in parses


def test_damaged_stamps_are_ignored(site: Path, opened: list[str]) -> None:
    settle(*site.glob("*.md"))
    run()
    header, stamps, entries = read_cache(site)
    first, second = sorted(stamps)[:2]
    stamps[first] = [*stamps[first][:3], 7, None]  # not digests
    stamps[second][0] += 1  # another size
    write_cache(site, header, stamps, entries)
    opened.clear()
    assert rendered(run()) == cold()
    assert sorted(opened) == sorted(os.path.basename(name) for name in (first, second))


def test_a_front_matter_edit_anywhere_invalidates_the_whole_site(
    site: Path, parses: list[str]
) -> None:
    """Other files' front matter decides URLs and which files are posts."""
    run()
    text = (site / "c.md").read_text(encoding="utf-8")
    (site / "c.md").write_text(text.replace("title: Notes", "title: Notes\nslug: x"))
    parses.clear()

    run()

    assert sorted(parses) == ["a.md", "b.md", "c.md"]


def test_editing_the_hosts_redirect_files_invalidates_the_site(
    site: Path, parses: list[str]
) -> None:
    """A `_redirects` rule (or a netlify.toml above the root) makes a URL work:
    editing one must not leave a cached "does not exist" behind."""
    with (site / "c.md").open("a", encoding="utf-8") as file:
        file.write("\nSee [the jobs](/jobs) and [the team](/team).\n")
    (site / "_redirects").write_text("/old /new 301\n", encoding="utf-8")
    (site.parent / "netlify.toml").write_text("[build]\nbase = 'other'\n", encoding="utf-8")
    first = run()
    assert sorted(f.message.split("'")[1] for f in first.findings if f.code == "CD101") == [
        "/jobs",
        "/team",
    ]
    (site / "_redirects").write_text("/jobs /careers 301\n", encoding="utf-8")
    (site.parent / "netlify.toml").write_text(
        "[build]\nbase = 'site'\n\n[[redirects]]\nfrom = '/team'\nto = '/about'\n",
        encoding="utf-8",
    )
    parses.clear()

    warm = run()

    assert sorted(parses) == ["a.md", "b.md", "c.md"]
    assert [f for f in warm.findings if f.code == "CD101"] == []
    assert rendered(warm) == cold()


def test_an_image_that_grew_is_reported_by_the_files_showing_it(
    site: Path, parses: list[str]
) -> None:
    """CD204 reads an image's size: replacing it by a larger one under the same
    name changes what unchanged posts report."""
    (site / ".copydesk.toml").write_text("[rules.CD204]\nmax-bytes = 100\n", encoding="utf-8")
    with (site / "c.md").open("a", encoding="utf-8") as file:
        file.write("\n![A chart](chart.png)\n")
    (site / "chart.png").write_bytes(b"\x89PNG" + b"\0" * 60)
    assert not [f for f in run().findings if f.code == "CD204"]
    (site / "chart.png").write_bytes(b"\x89PNG" + b"\0" * 600)
    parses.clear()

    warm = run()

    assert "c.md" in parses
    assert [(f.path, f.code) for f in warm.findings if f.code == "CD204"] == [("c.md", "CD204")]
    assert rendered(warm) == cold()


def test_a_shortcode_template_is_in_the_site_key_whole(tmp_path: Path) -> None:
    """Whether a Hugo shortcode writes heading ids is read from its whole
    template; another layout's body is not the site model's business."""
    (tmp_path / "layouts" / "_shortcodes").mkdir(parents=True)
    (tmp_path / "layouts" / "_default").mkdir(parents=True)
    code = tmp_path / "layouts" / "_shortcodes" / "anchor.html"
    other = tmp_path / "layouts" / "_default" / "single.html"
    code.write_text("<span>{{ .Get 0 }}</span>\n", encoding="utf-8")
    other.write_text("<main>{{ .Content }}</main>\n", encoding="utf-8")

    def key() -> str:
        return lintcache.SiteState().key(tmp_path)

    before = key()
    other.write_text("<main class=x>{{ .Content }}</main>\n", encoding="utf-8")
    assert key() == before
    code.write_text('<span id="{{ .Get 0 }}">{{ .Get 0 }}</span>\n', encoding="utf-8")
    assert key() != before


def test_a_small_run_and_no_cache_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(SITE, tmp_path / "site")
    monkeypatch.chdir(tmp_path / "site")
    lint_paths(["."], jobs=1, cache=True)  # 3 files: under CACHE_MIN_FILES
    assert not Path(".copydesk_cache").exists()
    monkeypatch.setattr(engine, "CACHE_MIN_FILES", 1)
    assert main(["lint", ".", "-q", "--no-cache"]) == 0
    assert not Path(".copydesk_cache").exists()


def test_cache_dir_from_the_config_and_the_command_line(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / ".copydesk.toml").write_text('cache-dir = "build/lint-cache"\n')
    assert main(["lint", ".", "-q"]) == 0
    assert (site / "build" / "lint-cache" / "lint.json").is_file()
    assert main(["lint", ".", "-q", "--cache-dir", str(site / "elsewhere")]) == 0
    assert (site / "elsewhere" / "lint.json").is_file()
    capsys.readouterr()


def test_the_link_caches_former_key_moves_the_one_cache_folder(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / ".copydesk.toml").write_text('[links]\ncache-dir = "build/caches"\n')
    assert main(["lint", ".", "-q"]) == 0
    assert (site / "build" / "caches" / "lint.json").is_file()
    assert not (site / ".copydesk_cache").exists()
    assert "[links] cache-dir is deprecated" in capsys.readouterr().err


def test_lint_fix_with_a_warm_cache_fixes_as_without(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--fix lints again over its in-memory edits; cached results must not
    stand in for the edited bytes."""
    main(["lint", ".", "-q", "--select", "CD105"])
    assert "CD105" in capsys.readouterr().out
    main(["lint", ".", "-q", "--select", "CD105", "--fix"])
    capsys.readouterr()
    assert "utm_source" not in (site / "a.md").read_text(encoding="utf-8")
    main(["lint", ".", "-q", "--select", "CD105"])
    assert capsys.readouterr().out == ""


def test_a_fifo_in_the_site_is_listed_never_opened(site: Path) -> None:
    """Opening a FIFO blocks until someone writes to it: the site's digest and
    the file keys look at regular files only (the lint names the FIFO)."""
    os.mkfifo(site / "pipe.md")
    (site / "sub").mkdir()
    os.mkfifo(site / "sub" / "page.html")

    result = run()

    assert rendered(result) == rendered(run()) == cold()
    assert result.findings


def test_an_entry_key_is_the_digest_of_rule_set_site_and_bytes() -> None:
    """`CachedRun._key` hashes from a kept prefix: the key `_digest` would give."""
    cached = lintcache.CachedRun.__new__(lintcache.CachedRun)
    cached.rulesets, cached._prefixes = ["rules-a", "rules-b"], {}
    for index, site, digest in [(0, "s", "d1"), (1, "", "d2"), (0, "s", "d3"), (1, "é", "d")]:
        assert cached._key(index, site, digest) == lintcache._digest(
            cached.rulesets[index], site, digest
        )


@pytest.mark.parametrize(
    "path",
    ["a.md", "posts/a.md", "/abs/posts/a.md", "/a.md", "../up/a.md", "posts/../b.md", "//x/a.md"],
)
@pytest.mark.parametrize("cwd", ["/work/tree", "/"])
def test_an_entry_path_is_the_normalized_absolute_path(cwd: str, path: str) -> None:
    """`_absolute` cuts by string work what `normpath(join(cwd, path))` gives."""
    assert lintcache._absolute(cwd, Path(path)) == os.path.normpath(os.path.join(cwd, path))


@pytest.mark.parametrize("name", sorted(lintcache._CLASSES))
def test_the_codec_keeps_every_argument_of_each_class_it_builds(name: str) -> None:
    """`encode` keeps a known class as its `__match_args__` and `_hook` builds
    it from them: they must be its constructor's parameters, all and in order."""
    import inspect

    cls = lintcache._class(name)
    parameters = list(inspect.signature(cls).parameters)
    assert list(cls.__match_args__) == parameters


def test_a_page_relinted_with_its_front_matter_unchanged_loads_no_yaml(
    site: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """lint.json keeps each file's front matter value (copydesk.fmcache): a
    page re-linted for a body edit takes it from there (no YAML loaded), one
    whose front matter changed loads it again; warm equals cold either way."""
    from copydesk import yamlio

    loads: list[str] = []
    real = yamlio.load_front_matter

    def counting(path: Path, text: str, kind: str, *args: Any) -> dict[str, Any]:
        loads.append(path.name)
        return real(path, text, kind, *args)

    monkeypatch.setattr(yamlio, "load_front_matter", counting)
    run()
    assert sorted(loads) == ["a.md", "b.md", "c.md"]

    touch(site / "c.md")
    loads.clear()
    parses.clear()
    warm = run()
    assert parses == ["c.md"]
    assert loads == []
    assert rendered(warm) == cold()

    page = site / "c.md"
    page.write_text(page.read_text().replace("title: Notes\n", "date: 2099-01-01\n"))
    loads.clear()
    warm = run()
    assert loads == ["c.md"]
    assert rendered(warm) == cold()
    assert {"CD303", "CD308"} <= {f.code for f in warm.findings if f.path == "c.md"}


def test_each_file_is_keyed_by_its_own_site_inside_a_walked_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm run takes a folder's site from the site's walk, not from
    `find_site`, when no folder on the way down may be a site of its own:
    a nested generator's config, a `.git` folder or file, a marker in other
    letter case and Hugo's `config/` folder each keep `find_site`'s answer."""
    from copydesk.config import ConfigFinder, Overrides
    from copydesk.registry import load_registry
    from copydesk.site.detect import site_root

    files = {
        "hugo.toml": "title = 'x'\n",
        "content/a.md": "# A\n",
        "content/docs/deep/b.md": "# B\n",
        "content/nested/mkdocs.yml": "site_name: n\n",
        "content/nested/docs/c.md": "# C\n",
        "content/wt/.git": "gitdir: elsewhere\n",
        "content/wt/d.md": "# D\n",
        "content/upper/MKDOCS.YML": "site_name: u\n",
        "content/upper/e.md": "# E\n",
        "content/cfg/config/_default/hugo.toml": "title = 'y'\n",
        "content/cfg/f.md": "# F\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "content/repo/.git").mkdir(parents=True)
    (tmp_path / "content/repo/g.md").write_text("# G\n")
    monkeypatch.chdir(tmp_path)
    plan = engine.plan_run([Path(".")], ConfigFinder(None), load_registry(), Overrides())
    cached = lintcache.CachedRun(plan, [Path(".")], str(tmp_path.parent / "cache"))
    cwd = os.getcwd()
    for path, index in plan.tasks:
        ruleset = plan.rulesets[index]
        settings = next(s for s in ruleset.settings if "generator" in s)
        site = cached._site(plan, path, index, lintcache._absolute(cwd, path))
        root = site_root(settings, ruleset.resolved.config.root, path)
        assert site == cached.state.key(root, settings), path
    roots = {os.path.relpath(root, tmp_path) for root in cached.state.sites}
    # MKDOCS.YML is no config where names keep their case: upper is the root's
    assert roots == {".", "content/nested", "content/wt", "content/repo", "content/cfg"}


def test_a_folder_link_re_pointed_under_the_same_name_changes_what_links_find(
    site: Path, parses: list[str]
) -> None:
    """`static/img -> ../assets/a` re-pointed to `../assets/b`: the names the
    walk sees are the same (it does not enter a link), the images are not."""
    for version, names in (("a", ["logo.png"]), ("b", ["other.png"])):
        (site / "assets" / version).mkdir(parents=True)
        for name in names:
            (site / "assets" / version / name).write_bytes(b"\x89PNG")
    (site / "static").mkdir()
    img = site / "static" / "img"
    img.symlink_to(Path("..") / "assets" / "a", target_is_directory=True)
    touch(site / "c.md", "![Logo](/img/logo.png)")
    assert [f for f in run().findings if f.code == "CD205"] == []
    img.unlink()
    img.symlink_to(Path("..") / "assets" / "b", target_is_directory=True)

    warm = run()

    assert [f.path for f in warm.findings if f.code == "CD205"] == ["c.md"]
    assert rendered(warm) == cold()


@pytest.mark.parametrize("custom", [".overrides", "../theme"])
def test_a_file_going_in_an_mkdocs_custom_dir_the_walk_skips_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, custom: str
) -> None:
    """MkDocs serves its theme's `custom_dir` files at the site's root: a
    hidden one, or one outside the root, is walked for the site's key."""
    root = tmp_path / "site"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(
        f"site_name: x\ntheme:\n  name: material\n  custom_dir: {custom}\n"
    )
    (root / "docs" / "index.md").write_text("# Home\n\nThe ![Logo of the site](assets/logo.png).\n")
    assets = root / custom / "assets"
    assets.mkdir(parents=True)
    (assets / "logo.png").write_bytes(b"\x89PNG")
    monkeypatch.chdir(root)
    monkeypatch.setattr(engine, "CACHE_MIN_FILES", 1)
    assert [f for f in run().findings if f.code == "CD205"] == []
    (assets / "logo.png").unlink()

    warm = run()

    assert [f.path for f in warm.findings if f.code == "CD205"] == ["docs/index.md"]
    assert rendered(warm) == cold()


def test_a_file_going_in_a_vendor_folder_of_an_mkdocs_custom_dir_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk sets `vendor` folders aside unless the site serves them, as
    MkDocs serves its `custom_dir` (`overrides/vendor/logo.png` at `/vendor/`)."""
    root = tmp_path / "site"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(
        "site_name: x\ntheme: {name: material, custom_dir: overrides}\n"
    )
    (root / "docs" / "index.md").write_text("# Home\n\nThe ![Logo of the site](vendor/logo.png).\n")
    (root / "overrides" / "vendor").mkdir(parents=True)
    (root / "overrides" / "vendor" / "logo.png").write_bytes(b"\x89PNG")
    monkeypatch.chdir(root)
    monkeypatch.setattr(engine, "CACHE_MIN_FILES", 1)
    assert [f for f in run().findings if f.code == "CD205"] == []
    (root / "overrides" / "vendor" / "logo.png").unlink()

    warm = run()

    assert [f.path for f in warm.findings if f.code == "CD205"] == ["docs/index.md"]
    assert rendered(warm) == cold()
