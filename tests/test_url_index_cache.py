"""The URL index kept in the cache folder (copydesk.site.urlcache): a one-file
lint reads no other page's front matter when nothing changed, and every change
that moves a URL (a `path =`, an added or deleted post, the site's config,
copydesk itself) is seen; a corrupt or foreign index is ignored and rewritten."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

import copydesk
from copydesk.engine import lint_paths
from copydesk.site import project, urlcache

SITE = Path(__file__).parent / "data" / "zola_urls"
INDEX = Path(".copydesk_cache") / urlcache.FILE
LINKER = "content/blog/linker.md"
AN_HOUR_AGO = time.time() - 3600
# The pages the index reads for a lint of LINKER: its own URLs come from its parse.
OTHER_PAGES = ["_index.md", "first.md", "second.md"]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture site as the current folder, a repository (the cache lives at
    its root), its files an hour old (settled: their URLs are kept)."""
    folder = tmp_path / "blog"
    shutil.copytree(SITE, folder)
    (folder / ".git").mkdir()
    for path in folder.rglob("*.md"):
        os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    monkeypatch.chdir(folder)
    return folder


def lint(*paths: str, cache: bool = True) -> list[str]:
    """A new process's lint (no site model kept from an earlier run): its findings."""
    project._cached_site.cache_clear()
    result = lint_paths(list(paths or [LINKER]), select=["CD101"], jobs=1, cache=cache)
    assert not result.errors
    return [f"{f.path}:{f.line} {f.code} {f.message}" for f in result.findings]


def write(path: Path, text: str) -> None:
    """Replace a page's text; its times an hour ago, but not those it had."""
    path.write_text(text)
    os.utime(path, (AN_HOUR_AGO + 60, AN_HOUR_AGO + 60))


def test_a_warm_one_file_lint_reads_no_front_matter_and_finds_the_same(
    site: Path, reads: list[str]
) -> None:
    cold = lint(cache=False)
    assert sorted(reads) == OTHER_PAGES
    assert not (site / INDEX).exists()  # --no-cache: nothing written
    reads.clear()
    assert lint() == cold == []
    assert sorted(reads) == OTHER_PAGES
    stored = json.loads((site / INDEX).read_text())
    pages = stored["sites"][str(site.resolve())]["pages"]
    assert pages["content/blog/second.md"][3] == [
        "/2021/02/02/second/",
        "/blog/second/",
        "/releases/2",
    ]
    reads.clear()
    assert lint() == cold
    assert reads == []


def test_a_changed_path_moves_the_url(site: Path, reads: list[str]) -> None:
    lint()
    first = site / "content/blog/first.md"
    write(first, first.read_text().replace("2021/01/01/first", "2021/01/01/renamed"))
    reads.clear()
    found = lint()
    assert reads == ["first.md"]  # only the changed page is read again
    assert len(found) == 1 and "/2021/01/01/first/" in found[0]
    assert lint() == found


def test_an_added_post_is_found_and_a_deleted_one_is_not(site: Path, reads: list[str]) -> None:
    linker = site / LINKER
    write(linker, linker.read_text() + "\nAnd [the third](/2021/04/04/third/).\n")
    broken = lint()
    assert len(broken) == 1 and "/2021/04/04/third/" in broken[0]
    third = site / "content/blog/third.md"
    write(third, '+++\ntitle = "Third"\ndate = 2021-04-04\npath = "2021/04/04/third"\n+++\n')
    reads.clear()
    assert lint() == []
    assert reads == ["third.md"]
    (site / "content/blog/second.md").unlink()
    gone = lint()
    assert len(gone) == 1 and "/releases/2" in gone[0]
    pages = json.loads((site / INDEX).read_text())["sites"][str(site.resolve())]["pages"]
    assert "content/blog/second.md" not in pages


def test_a_page_edited_just_now_is_read_every_time(site: Path, reads: list[str]) -> None:
    """Its size and times could stay the same over a second edit in the same tick."""
    lint()
    first = site / "content/blog/first.md"
    first.write_text(first.read_text() + "\nEdited.\n")
    for _ in range(2):
        reads.clear()
        assert lint() == []
        assert reads == ["first.md"]


@pytest.mark.parametrize(
    "content",
    [
        b"\x00garbage{",
        b"[1, 2]",
        b'{"format": "someone-else", "version": 1, "sites": {}}',
        b'{"format": "copydesk-urls", "version": 1, "sites": []}',
    ],
)
def test_a_corrupt_or_foreign_index_is_ignored_and_rewritten(
    site: Path, reads: list[str], content: bytes
) -> None:
    (site / INDEX).parent.mkdir()
    (site / INDEX).write_bytes(content)
    assert lint() == []
    assert sorted(reads) == OTHER_PAGES
    assert json.loads((site / INDEX).read_text())["format"] == urlcache.FORMAT


def test_a_damaged_entry_is_a_miss_never_trusted(site: Path, reads: list[str]) -> None:
    lint()
    data = json.loads((site / INDEX).read_text())
    pages = data["sites"][str(site.resolve())]["pages"]
    stamp = pages["content/blog/first.md"][:3]
    pages["content/blog/first.md"] = [*stamp, [7]]  # not a list of URLs
    pages["content/blog/second.md"][0] += 1  # another size: a stale entry
    (site / INDEX).write_text(json.dumps(data))
    reads.clear()
    assert lint() == []
    assert sorted(reads) == ["first.md", "second.md"]


def test_the_config_and_the_version_each_invalidate(
    site: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lint()
    config = site / "config.toml"
    config.write_text(config.read_text().replace("blog.example.org", "example.com/blog"))
    reads.clear()
    lint()
    assert sorted(reads) == OTHER_PAGES
    monkeypatch.setattr(copydesk, "__version__", "99.0")
    reads.clear()
    lint()
    assert sorted(reads) == OTHER_PAGES


def test_a_write_that_fails_is_a_note_and_the_run_goes_on(site: Path) -> None:
    (site / ".copydesk_cache").write_text("a file where the folder goes")
    project._cached_site.cache_clear()
    result = lint_paths([LINKER], select=["CD101"], jobs=1, cache=True)
    assert result.findings == [] and not result.errors
    assert any("cannot write the URL index" in note for note in result.notes)


def test_a_warm_run_that_relints_one_page_takes_the_page_list_from_the_cache(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which files are published pages depends on what the lint cache's key of
    the site covers (names, front matter, config): kept in urls.json under it,
    a run that re-lints one page does not list the site again; a new page
    (another key) is listed, and links to it resolve."""
    from copydesk import engine

    monkeypatch.setattr(engine, "CACHE_MIN_FILES", 1)
    listed: list[str] = []
    real = project.SiteModel._list_posts

    def listing(self: project.SiteModel) -> list[Path]:
        listed.append(self.root.name)
        return real(self)

    monkeypatch.setattr(project.SiteModel, "_list_posts", listing)

    def kept() -> list[str]:
        sites = json.loads((site / INDEX).read_text())["sites"]
        return sorted(sites[str(site.resolve())]["posts"][1])

    assert lint(".") == []
    assert listed == ["blog"]
    pages = ("_index.md", "first.md", "linker.md", "second.md")
    assert kept() == [f"content/blog/{name}" for name in pages]
    linker = site / LINKER
    write(linker, linker.read_text() + "\nAnd [the third](/2021/04/04/third/).\n")
    listed.clear()
    broken = lint(".")
    assert len(broken) == 1 and "/2021/04/04/third/" in broken[0]
    assert listed == []  # one page re-linted: the list as kept

    third = site / "content/blog/third.md"
    write(third, '+++\ntitle = "Third"\ndate = 2021-04-04\npath = "2021/04/04/third"\n+++\n')
    assert lint(".") == []
    assert listed == ["blog"]
    assert "content/blog/third.md" in kept()
    assert lint(".") == lint(".", cache=False) == []


def test_a_cold_run_writes_urls_json_once_with_the_urls_and_the_page_list(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a run keeps (each page's URLs, the page list) is written at its
    end, in one write: not one read-merge-write per thing kept."""
    from copydesk import engine, write

    monkeypatch.setattr(engine, "CACHE_MIN_FILES", 1)
    writes: list[str] = []
    real = write.write_cache

    def counting(path: Path, text: str, what: str) -> str | None:
        writes.append(path.name)
        return real(path, text, what)

    monkeypatch.setattr(write, "write_cache", counting)

    assert lint(".") == []

    assert writes.count(urlcache.FILE) == 1
    kept = json.loads((site / INDEX).read_text())["sites"][str(site.resolve())]
    assert sorted(kept) == ["generator", "key", "pages", "paths", "posts"]
    assert "content/blog/first.md" in kept["pages"]
    assert "content/blog/first.md" in kept["posts"][1]
    assert "content/blog/first.md" in kept["paths"][1].values()


def test_a_symlinked_urls_json_is_refused_in_one_note_naming_it(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copydesk import engine

    monkeypatch.setattr(engine, "CACHE_MIN_FILES", 1)
    outside = tmp_path / "outside.json"
    outside.write_text("not yours\n", encoding="utf-8")
    (site / ".copydesk_cache").mkdir()
    (site / INDEX).symlink_to(outside)
    project._cached_site.cache_clear()

    result = lint_paths(["."], select=["CD101"], jobs=1, cache=True)

    assert result.findings == [] and not result.errors
    refusals = [note for note in result.notes if urlcache.FILE in note]
    assert len(refusals) == 1
    assert str(site / INDEX) in refusals[0] and "symlink" in refusals[0]
    assert outside.read_text(encoding="utf-8") == "not yours\n"
    assert (site / INDEX).is_symlink()


def _hugo_site(folder: Path) -> Path:
    """A small Hugo site whose pages get their URLs from their paths: links
    to them resolve through the path index."""
    (folder / ".git").mkdir(parents=True)
    (folder / "hugo.toml").write_text('baseURL = "https://docs.example.org/"\n')
    docs = folder / "content" / "docs"
    docs.mkdir(parents=True)
    (docs / "_index.md").write_text("---\ntitle: Docs\n---\n\nThe [first page](/docs/first/).\n")
    (docs / "first.md").write_text("---\ntitle: First\n---\n\nBack to [the docs](/docs/).\n")
    (docs / "Linker.md").write_text(
        "---\ntitle: Linker\n---\n\n[First](/docs/first/), [third](/docs/third/).\n"
    )
    for path in folder.rglob("*.md"):
        os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    return folder


def _kept_index(folder: Path) -> dict[str, str]:
    sites = json.loads((folder / INDEX).read_text())["sites"]
    return sites[str(folder.resolve())]["paths"][1]  # type: ignore[no-any-return]


def test_the_kept_path_index_is_the_one_the_generator_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """urls.json keeps the URL key of every page from its path alone, each
    naming its page relative to the root: what a model that keeps nothing
    computes, mixed-case file name (Hugo serves it lowercased) included."""
    from copydesk import engine

    monkeypatch.setattr(engine, "CACHE_MIN_FILES", 1)
    site = _hugo_site(tmp_path / "docs")
    monkeypatch.chdir(site)
    cold = lint(".", cache=False)
    assert lint(".") == cold and len(cold) == 1 and "/docs/third/" in cold[0]
    fresh = project.load_site(site.resolve(), "auto", None, "")
    prefix = os.path.join(str(site.resolve()), "")
    expected = {key: str(path).removeprefix(prefix) for key, path in fresh.path_index.items()}
    assert _kept_index(site) == expected
    assert expected["/docs/linker"] == "content/docs/Linker.md"


def test_a_warm_run_that_relints_one_page_asks_no_other_page_its_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The path index comes from urls.json: the generator is asked the URL of
    the page linted (its own) and of no other; the findings are the cold
    run's. A page added (another key of the site) is indexed again, and a
    link to it resolves; a damaged kept index is recomputed, never trusted."""
    from copydesk import engine
    from copydesk.site.hugo import Hugo

    monkeypatch.setattr(engine, "CACHE_MIN_FILES", 1)
    site = _hugo_site(tmp_path / "docs")
    monkeypatch.chdir(site)
    lint(".")
    asked: list[str] = []
    real = Hugo.urls

    def urls(self: Hugo, path: Path, front_matter: Any) -> list[str]:
        asked.append(path.name)
        return real(self, path, front_matter)

    monkeypatch.setattr(Hugo, "urls", urls)
    linker = site / "content/docs/Linker.md"
    write(linker, linker.read_text() + "\nOne more line.\n")
    found = lint(".")
    assert set(asked) <= {"Linker.md"}
    assert found == lint(".", cache=False) and len(found) == 1

    third = site / "content/docs/third.md"
    write(third, "---\ntitle: Third\n---\n\nHello.\n")
    assert lint(".") == lint(".", cache=False) == []
    write(linker, linker.read_text() + "\n[Fourth](/docs/fourth/).\n")
    found = lint(".")
    assert found == lint(".", cache=False) and len(found) == 1 and "/docs/fourth/" in found[0]
    assert _kept_index(site)["/docs/third"] == "content/docs/third.md"

    data = json.loads((site / INDEX).read_text())
    kept = data["sites"][str(site.resolve())]["paths"][1]
    kept["/docs/first"] = 7  # not a name
    (site / INDEX).write_text(json.dumps(data))
    write(linker, linker.read_text() + "\nAnd one more.\n")
    asked.clear()
    assert lint(".") == found
    assert "first.md" in asked  # the index was made again
    assert _kept_index(site)["/docs/first"] == "content/docs/first.md"


def test_the_cache_folders_from_the_lint_caches_walk_are_those_site_root_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run with the lint cache takes each folder's site root from the walk
    of its site (`SiteState.within`) rather than asking `site_root` again."""
    from copydesk import engine

    monkeypatch.setattr(engine, "CACHE_MIN_FILES", 1)
    site = _hugo_site(tmp_path / "docs")
    (site / "content" / "docs" / "deeper").mkdir()
    (site / "content" / "docs" / "deeper" / "page.md").write_text(
        "---\ntitle: P\n---\n\n[x](/y/)\n"
    )
    monkeypatch.chdir(site)
    real = urlcache.folders
    answers: list[tuple[Any, Any]] = []

    def both(plan: Any, paths: Any, cache_dir: Any, walked: Any = None) -> dict[Path, Path]:
        answers.append((real(plan, paths, cache_dir, walked), real(plan, paths, cache_dir)))
        assert walked, "the lint cache's walk gives the folders' sites"
        return answers[-1][0]

    monkeypatch.setattr(urlcache, "folders", both)
    assert len(lint(".")) == 2
    assert answers and all(taken == found for taken, found in answers)
    assert list(answers[0][0]) == [site.resolve()]


def test_a_warm_run_takes_the_sites_generator_as_loaded_while_its_config_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """urls.json keeps the generator as its `load` made it, under the lint
    cache's key of the site: a run that re-lints one page reads no config (no
    TOML), and gets the very generator loading would give; an edited config
    is read again (its settings change the findings as in a cold run), and a
    damaged entry is loaded again, never trusted."""
    from copydesk import engine
    from copydesk.site import configfile, hugo

    monkeypatch.setattr(engine, "CACHE_MIN_FILES", 1)
    site = _hugo_site(tmp_path / "docs")
    monkeypatch.chdir(site)
    reads: list[str] = []
    real = configfile.read_mapping

    def counting(path: Path) -> dict[str, Any]:
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(hugo, "read_mapping", counting)  # as Hugo.load calls it
    made: list[Any] = []
    real_load = project.load_site

    def loading(*args: Any) -> project.SiteModel:
        model = real_load(*args)
        made.append((model.generator, args))
        return model

    monkeypatch.setattr(project, "load_site", loading)
    lint(".")
    linker = site / "content/docs/Linker.md"
    write(linker, linker.read_text() + "\nOne more line.\n")
    reads.clear()
    made.clear()
    found = lint(".")
    assert reads == [] and made
    generator, args = made[-1]
    assert generator == real_load(*args).generator  # loaded now: this is no run of the cache
    assert reads == ["hugo.toml"]
    assert found == lint(".", cache=False) and len(found) == 1

    config = site / "hugo.toml"
    config.write_text(config.read_text() + '[permalinks]\ndocs = "/guide/:slug/"\n')
    reads.clear()
    assert lint(".") == lint(".", cache=False)
    assert "hugo.toml" in reads

    data = json.loads((site / INDEX).read_text())
    entry = data["sites"][str(site.resolve())]["generator"]
    entry[1] = entry[1].replace('"settings"', '"no such field"')
    (site / INDEX).write_text(json.dumps(data))
    write(linker, linker.read_text() + "\nAnd one more.\n")
    reads.clear()
    assert lint(".") == lint(".", cache=False)
    assert reads.count("hugo.toml") == 2  # this run's, and the cold run's
