"""End to end: the five real seeds migrate, validate and round-trip; fixtures are idempotent."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import frontmatter
import pytest

from copydesk.cli import main
from copydesk.model import Post

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = ROOT / "fixtures"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is absent")


def migrate(sources: list[Path], out: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    report = out.parent / f"{out.name}-report.json"
    code = main(["migrate", *map(str, sources), "--out", str(out), "--report", str(report), *extra])
    return code, json.loads(report.read_text())


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    out = tmp_path_factory.mktemp("seeds") / "out"
    code, report = migrate([SEEDS], out)
    files = {Path(item["source"]).name[:3]: item for item in report["files"]}
    posts = {
        key: frontmatter.loads(Path(item["output"]).read_text(encoding="utf-8"))
        for key, item in files.items()
        if item["output"]
    }
    return {"code": code, "report": report, "files": files, "posts": posts, "out": out}


def body_blocks(body: str) -> list[str]:
    return [block for block in body.split("\n\n") if block.strip()]


@needs_seeds
def test_every_seed_migrates_and_validates(seeds: dict[str, Any]) -> None:
    assert seeds["code"] == 0, seeds["report"]["summary"]
    assert sorted(seeds["posts"]) == ["000", "001", "002", "003", "004"]
    for key, post in seeds["posts"].items():
        Post.model_validate({**post.metadata, "body": post.content})
        assert seeds["files"][key]["lossy_words"] == [], key


@needs_seeds
def test_no_platform_leftovers_remain(seeds: dict[str, Any]) -> None:
    for path in seeds["out"].rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        for leftover in ("<figcaption", "data-href", "utm_", "&nbsp;", "&amp;"):
            assert leftover not in text, (path.name, leftover)


@needs_seeds
def test_medium_seed_000(seeds: dict[str, Any]) -> None:
    post = seeds["posts"]["000"]
    assert post["date"] == dt.datetime(2019, 8, 13, 17, 55, 36, 539000, tzinfo=dt.UTC)
    src = post["image"]["src"]
    assert src.startswith("/images/") and src.endswith("0*IOkX7dXqRPkgg9qG.jpg")
    assert f"]({src})" in post.content
    text = json.dumps(post.metadata, default=str) + post.content
    assert "[Justin Leibow](" in text and "[Unsplash](" in text


@needs_seeds
def test_jekyll_seed_001(seeds: dict[str, Any]) -> None:
    post = seeds["posts"]["001"]
    assert post["title"] == "Letting go"
    assert post["date"] == dt.date(2016, 3, 23)
    assert post["categories"] == ["sales"]
    assert "# Letting go" not in post.content
    changes = seeds["files"]["001"]["changes"]
    assert any("# Letting go" in change["before"] for change in changes)


@needs_seeds
@pytest.mark.parametrize("key", ["002", "003"])
def test_plain_seed_lines_become_paragraphs(seeds: dict[str, Any], key: str) -> None:
    source = next(SEEDS.glob(f"{key}_*")).read_text(encoding="utf-8")
    blocks = [*body_blocks(seeds["posts"][key].content), seeds["posts"][key]["title"]]
    for line in source.splitlines():
        if line.strip() and not line.startswith("- "):
            assert line.strip() in blocks, line[:60]


@needs_seeds
def test_plain_seed_003_list_and_002_signature(seeds: dict[str, Any]) -> None:
    source = next(SEEDS.glob("003_*")).read_text(encoding="utf-8")
    items = [line for line in source.splitlines() if line.startswith("- ")]
    blocks = body_blocks(seeds["posts"]["003"].content)
    assert "\n".join(items[:3]) in blocks
    assert "\n".join(items[3:]) in blocks
    assert body_blocks(seeds["posts"]["002"].content)[-1] == "– Alan"


@needs_seeds
def test_wordpress_seed_004(seeds: dict[str, Any]) -> None:
    post = seeds["posts"]["004"]
    assert post["title"] == "Pillar 2: Congratulations, you’re head of career sales."
    for boilerplate in ("Leave a Reply", "Your email address", "Akismet", "About the Author"):
        assert boilerplate not in post.content
    removed = " ".join(change["before"] for change in seeds["files"]["004"]["changes"])
    for boilerplate in ("Leave a Reply", "Your email address", "Akismet"):
        assert boilerplate in removed
    assert post["authors"][0]["bio"].startswith("Head cartographer and coach")
    assert "\n---\n" in post.content and "—–" not in post.content


@needs_seeds
def test_seeds_round_trip_byte_identical(seeds: dict[str, Any], tmp_path: Path) -> None:
    code, _ = migrate([seeds["out"]], tmp_path / "again")
    assert code == 0
    for path in seeds["out"].rglob("*.md"):
        again = tmp_path / "again" / path.relative_to(seeds["out"])
        assert again.read_bytes() == path.read_bytes(), path.name


def test_fixtures_round_trip_byte_identical(tmp_path: Path) -> None:
    inputs = sorted(FIXTURES.glob("normalize/*/input.*"))
    assert inputs, "no normalizer fixtures"
    first, second = tmp_path / "first", tmp_path / "second"
    migrate([FIXTURES / "normalize"], first, "--timezone", "UTC")
    written = sorted(first.rglob("*.md"))
    assert len(written) >= len(inputs) - 2  # fixtures that must be refused are not written
    code, report = migrate([first], second)
    assert code == 0, report["summary"]
    for path in written:
        assert (second / path.relative_to(first)).read_bytes() == path.read_bytes(), path


# Findings a human must resolve after migration, and how the report words their review.
HUMAN_FINDINGS = {"CD201": "alt text", "CD104": "link lost"}


@needs_seeds
def test_migrated_seeds_lint_clean_but_for_reviewed_findings(
    seeds: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    main(["lint", str(seeds["out"]), "--format", "json", "--jobs", "1"])
    findings = json.loads(capsys.readouterr().out)
    errors = [finding for finding in findings if finding["severity"] == "error"]
    assert {finding["code"] for finding in errors} <= set(HUMAN_FINDINGS), errors
    reviews = {Path(item["output"]).resolve(): item["review"] for item in seeds["files"].values()}
    for finding in errors:
        wanted = HUMAN_FINDINGS[finding["code"]]
        review = reviews[Path(finding["path"]).resolve()]
        assert any(wanted in reason for reason in review), (finding, review)
