"""Links that only the site's full URL index resolves (a URL a page's front
matter gives it: Hugo's `url` and `aliases`) are checked in CD101's and
CD107's project stage, from the URLs each linted file's own parse gave: the
findings are those of a lint that reads every page, whether the moved page
is linted too or only the linking file, and no linted page is read twice."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from copydesk import engine
from copydesk.engine import CACHE_MIN_FILES, lint_paths
from copydesk.site import project

SITE = Path(__file__).parent / "data" / "moved_urls"
LINKER = "content/docs/linker.md"
EXPECTED = [
    "content/docs/linker.md:10:3 CD101 link target '/nowhere/' does not exist"
    " (Hugo: looked in content/)",
    "content/docs/linker.md:11:3 CD107 heading '#no-such-heading' does not exist in '/elsewhere/'",
    "content/docs/linker.md:12:43 CD107 heading '#nope' does not exist",
]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(SITE, folder)
    monkeypatch.chdir(folder)
    return folder


def lint(*paths: str, jobs: int = 1) -> list[str]:
    project._cached_site.cache_clear()  # a new process: no model kept
    result = lint_paths(list(paths), select=["CD101", "CD107"], jobs=jobs)
    assert not result.errors
    return [f"{f.path}:{f.line}:{f.column} {f.code} {f.message}" for f in result.findings]


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_whole_site_reads_no_front_matter_again(
    site: Path, reads: list[str], jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "MIN_FILES_PER_JOB", 1)  # workers, for a few files
    assert lint(".", jobs=jobs) == EXPECTED
    # With workers: each sends its pages' URL front matter back with its facts,
    # so the main process builds the index without reading them (its reads are
    # seen here; a worker's are not).
    assert reads == []


def test_a_worker_that_built_its_own_index_still_sends_its_pages_back(
    site: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A rule that asks outside `deferred` (an image in a page bundle) makes a
    # worker build its own URL index; the pages it lints after that must still
    # come back, or the main process reads them from disk again, serially.
    monkeypatch.setattr(engine, "MIN_FILES_PER_JOB", 1)
    keep = project.SiteModel.keep_front_matter

    def after_own_index(model: project.SiteModel, parsed: object) -> object:
        assert model.url_index  # built here, in the worker, as such a rule would
        return keep(model, parsed)  # type: ignore[arg-type]

    monkeypatch.setattr(project.SiteModel, "keep_front_matter", after_own_index)
    assert lint(".", jobs=2) == EXPECTED
    assert reads == []


def test_one_file_alone_finds_the_same_reading_the_others(site: Path, reads: list[str]) -> None:
    assert lint(LINKER) == EXPECTED
    assert sorted(reads) == ["crlf.md", "moved.md"]  # not the linted file's own


def test_a_moved_page_linted_alone_moves_the_links_into_it(site: Path) -> None:
    moved = site / "content/docs/moved.md"
    moved.write_text(moved.read_text().replace("url: /elsewhere/", "url: /moved-again/"))
    found = lint(".")
    assert [line.split(" ", 1)[0] for line in found] == [
        "content/docs/linker.md:8:3",  # [moved](/elsewhere/)
        "content/docs/linker.md:8:28",  # [its heading](/elsewhere/#real-heading)
        "content/docs/linker.md:10:3",
        "content/docs/linker.md:11:3",
        "content/docs/linker.md:12:43",
    ]
    assert lint(LINKER) == found
    assert lint("content/docs/moved.md") == []


def test_the_facts_survive_the_lint_cache(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm run re-resolves the kept links from cached facts, also when it
    is started from another folder (the facts name files by absolute paths)."""
    for number in range(CACHE_MIN_FILES):
        (site / f"content/docs/page{number}.md").write_text(f"# Page {number}\n")
    an_hour_ago = time.time() - 3600  # settled: the lint cache keeps them
    for page in site.rglob("*.md"):
        os.utime(page, (an_hour_ago, an_hour_ago))

    def run(path: str) -> list[str]:
        project._cached_site.cache_clear()
        result = lint_paths([path], select=["CD101", "CD107"], jobs=1, cache=True)
        return [
            f"{Path(f.path).name}:{f.line}:{f.column} {f.code} {f.message}" for f in result.findings
        ]

    expected = [line.replace("content/docs/", "") for line in EXPECTED]
    assert run(".") == expected
    assert (site / ".copydesk_cache").is_dir()
    built: list[Path] = []
    real = project.SiteModel._build_index

    def counting(model: project.SiteModel) -> None:
        built.append(model.root)
        real(model)

    monkeypatch.setattr(project.SiteModel, "_build_index", counting)
    assert run(".") == expected
    assert built == []  # the kept links were settled in the cache: no URL index needed
    monkeypatch.chdir(site / "content")
    assert run("..") == expected


def test_a_long_lived_process_keeps_no_front_matter_between_runs(site: Path) -> None:
    """The site model outlives a run (an editor, tests): what the first run
    kept of a page must not stand for it once it changed."""
    assert lint("content/docs/moved.md") == []  # keeps its front matter; no index needed
    moved = site / "content/docs/moved.md"
    moved.write_text(moved.read_text().replace("url: /elsewhere/", "url: /moved-again/"))
    result = lint_paths([LINKER], select=["CD101", "CD107"], jobs=1)  # the same model
    assert [f"{f.line}:{f.column} {f.code}" for f in result.findings] == [
        "8:3 CD101",
        "8:28 CD101",
        "10:3 CD101",
        "11:3 CD101",
        "12:43 CD107",
    ]


def test_a_templated_heading_keeps_its_patterns_in_the_lint_cache(tmp_path: Path) -> None:
    """A heading with a template in it matches every id its literal parts
    allow (`TemplatedIds`); a warm run, from cached facts, finds the same."""
    site = tmp_path / "templated"
    shutil.copytree(SITE, site)
    docs = site / "content/docs"
    (docs / "install.md").write_text("# Install\n\n## Get {{% param version %}} now\n")
    (docs / "linker.md").write_text(
        "# Linker\n\n[ok](../install/#get-1-2-now) and [broken](../install/#other)\n"
    )
    for number in range(CACHE_MIN_FILES):
        (docs / f"page{number}.md").write_text(f"# Page {number}\n")

    def run() -> list[str]:
        project._cached_site.cache_clear()
        result = lint_paths([site], select=["CD107"], jobs=1, cache=True)
        return [f"{Path(f.path).name}:{f.line}:{f.column} {f.message}" for f in result.findings]

    cold = run()
    assert cold == ["linker.md:3:35 heading '#other' does not exist in '../install/'"]
    assert run() == cold
