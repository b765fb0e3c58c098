"""Normalizers, case by case: fixtures/normalize/<case>/input.* -> expected.md.

Each case folder holds one input file, the canonical output `expected.md` (or
`expected_error.txt` for a refusal), and optionally `options.json` (Options
fields) and `format` (skip detection). Regenerate expected files only on
purpose: `COPYDESK_REGEN=1 .venv/bin/pytest tests/test_normalize.py`, then read
every regenerated file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from copydesk.detect import detect_format
from copydesk.errors import NormalizeError
from copydesk.model import Change, Format
from copydesk.normalize import Normalized, Options, normalize
from copydesk.read import document_from_bytes, read_document
from copydesk.write import render
from copydesk.yamlio import load_front_matter

REPO = Path(__file__).parents[1]
FIXTURES = REPO / "fixtures" / "normalize"
SEEDS = REPO.parent / "shared" / "seeds"
SIDE_FILES = {"expected.md", "expected_error.txt", "options.json", "format", "_config.yml"}
CASES = sorted(path for path in FIXTURES.iterdir() if path.is_dir())
REGEN = os.environ.get("COPYDESK_REGEN") == "1"


def input_of(case: Path) -> Path:
    (found,) = [p for p in case.iterdir() if p.name not in SIDE_FILES and p.name[0] != "."]
    return found


def options_of(case: Path) -> Options:
    path = case / "options.json"
    return Options(**json.loads(path.read_text())) if path.exists() else Options()


def run(path: Path, options: Options, source_path: str, fmt: Format | None = None) -> Normalized:
    """The migrate pipeline up to the Post: read, front matter, detect, normalize."""
    document = read_document(path)
    front_matter = None
    if document.front_matter is not None:
        front_matter = load_front_matter(path, document.front_matter, document.front_matter_kind)
    fmt = fmt or detect_format(document, front_matter)
    return normalize(document, front_matter, fmt, source_path, options)


def run_case(case: Path) -> Normalized:
    path = input_of(case)
    override = case / "format"
    fmt = override.read_text().strip() if override.exists() else None
    return run(path, options_of(case), f"{case.name}/{path.name}", fmt)  # type: ignore[arg-type]


def changes(case_name: str) -> list[Change]:
    return run_case(FIXTURES / case_name).changes


def kinds(case_name: str) -> list[str]:
    return [change.kind for change in changes(case_name)]


def renormalized(text: str, where: Path) -> str:
    """Feed canonical output back through read -> detect -> normalize -> render."""
    document = document_from_bytes(where, text.encode("utf-8"))
    assert document.front_matter is not None
    front_matter = load_front_matter(where, document.front_matter, "yaml")
    assert detect_format(document, front_matter) == "canonical"
    return render(normalize(document, front_matter, "canonical", str(where)).post)


OUTPUT_CASES = [case for case in CASES if not (case / "expected_error.txt").exists()]
ERROR_CASES = [case for case in CASES if (case / "expected_error.txt").exists()]


@pytest.mark.parametrize("case", OUTPUT_CASES, ids=lambda case: case.name)
def test_fixture_gives_expected_output(case: Path) -> None:
    output = render(run_case(case).post)
    expected = case / "expected.md"
    if REGEN:
        expected.write_text(output, encoding="utf-8")
    assert output == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", OUTPUT_CASES, ids=lambda case: case.name)
def test_output_is_a_fixed_point(case: Path) -> None:
    output = render(run_case(case).post)
    assert renormalized(output, case / "expected.md") == output


@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda case: case.name)
def test_fixture_is_refused(case: Path) -> None:
    with pytest.raises(NormalizeError) as caught:
        run_case(case)
    assert caught.value.path == str(input_of(case))
    assert caught.value.reason == (case / "expected_error.txt").read_text().strip()


def test_every_case_has_an_expectation() -> None:
    for case in CASES:
        assert (case / "expected.md").exists() != (case / "expected_error.txt").exists(), case


# --- what the normalizers record -------------------------------------------------


def test_jekyll_basic_records_only_derived_fields() -> None:
    assert kinds("jekyll_basic") == ["slug-from-title"]


def test_stray_spaces_and_scalar_categories_are_recorded() -> None:
    found = {change.kind: change for change in changes("jekyll_scalar_categories_stray_spaces")}
    assert found["title"].before == "  Letting go of\n  the  demo "
    assert found["title"].after == "Letting go of the demo"
    assert found["categories-list"].after == "sales"
    assert found["tags-list"].before == "pipeline, , forecasting,"
    assert found["tags-list"].after == "pipeline, forecasting"


def test_duplicate_h1_is_removed_verbatim_once() -> None:
    (change,) = [c for c in changes("jekyll_duplicate_h1") if c.kind == "duplicate-title"]
    assert change.before == "# Why We Rewrote  the Importer"
    assert change.line == 6
    assert "# A second heading stays" in run_case(FIXTURES / "jekyll_duplicate_h1").post.body


def test_file_name_gives_date_and_slug() -> None:
    post = run_case(FIXTURES / "jekyll_date_only_in_file_name").post
    assert post.date == dt.date(2020, 5, 1)
    assert post.slug == "hello"
    assert {"date-from-filename", "slug-from-filename"} <= set(
        kinds("jekyll_date_only_in_file_name")
    )


def test_file_name_date_disagreeing_is_for_review_and_front_matter_wins() -> None:
    post = run_case(FIXTURES / "jekyll_date_mismatch_file_name").post
    (change,) = [c for c in changes("jekyll_date_mismatch_file_name") if c.kind == "date-mismatch"]
    assert post.date == dt.date(2020, 6, 1)
    assert change.review and change.before == "2020-05-01-spring-notes.md"


def test_published_false_is_draft_and_author_email_is_kept() -> None:
    post = run_case(FIXTURES / "jekyll_published_false").post
    assert post.draft is True
    assert post.authors[0].name == "Ada Byron"
    assert post.extra["author"]["email"] == "ada@example.org"


def test_code_liquid_and_raw_are_never_rewritten() -> None:
    case = FIXTURES / "jekyll_liquid_and_code_untouched"
    body = run_case(case).post.body
    source = input_of(case).read_text()
    for protected in (
        "`<figcaption>&amp;</figcaption>`",
        '<figcaption>Photo by <a href="https://x.test/?utm_source=a&amp;b=1">X</a>&nbsp;</figcaption>',
        '[caption id="1"]<img src="b.png"> kept[/caption]',
        "{{ page.title }} &amp; {% comment %} stays {% endcomment %}",
        "    indented &amp; code stays too",
        '{% include figure.html src="a.png" %}',
    ):
        assert protected in source and protected in body
    assert "Tom & Jerry\u00a0ran." in body
    assert "liquid-kept" in kinds("jekyll_liquid_and_code_untouched")


def test_hugo_toml_maps_through_the_key_table() -> None:
    post = run_case(FIXTURES / "hugo_toml_front_matter").post
    assert post.date == dt.datetime(2023, 7, 14, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert post.updated == dt.date(2023, 7, 15)
    assert post.draft and post.aliases == ["/old/hello/"]
    assert post.image is not None and post.image.src == "/images/hello.png"
    assert "{{< youtube abc123 >}}" in post.body
    assert kinds("hugo_toml_front_matter").count("shortcode-kept") == 3


def test_offsets_keep_their_meaning() -> None:
    post = run_case(FIXTURES / "timestamp_with_offsets").post
    assert post.date == dt.datetime(2020, 3, 1, 8, 0, tzinfo=dt.UTC)
    assert post.date.utcoffset() == dt.timedelta(hours=2)  # type: ignore[union-attr]
    assert post.updated == dt.datetime(2020, 3, 1, 20, 0, tzinfo=dt.UTC)
    assert post.updated.utcoffset() == dt.timedelta(hours=-2)  # type: ignore[union-attr]
    assert post.extra == {"published_at": "2020-03-01T08:00:00-0000"}


def test_naive_datetime_uses_the_timezone_option_and_says_so() -> None:
    post = run_case(FIXTURES / "naive_datetime_with_timezone_option").post
    assert post.date == dt.datetime(2021, 10, 31, 8, 0, tzinfo=dt.UTC)  # CET, after DST ended
    (change,) = [c for c in changes("naive_datetime_with_timezone_option") if c.kind == "timezone"]
    assert "Europe/Berlin (from --timezone)" in change.reason


def test_naive_datetime_uses_the_site_config_timezone() -> None:
    post = run_case(FIXTURES / "naive_datetime_site_config").post
    assert post.date == dt.datetime(2021, 10, 31, 13, 0, tzinfo=dt.UTC)  # EDT
    (change,) = [c for c in changes("naive_datetime_site_config") if c.kind == "timezone"]
    assert change.reason.endswith("naive_datetime_site_config/_config.yml)")


def test_the_timezone_option_wins_over_the_site_config(tmp_path: Path) -> None:
    case = FIXTURES / "naive_datetime_site_config"
    normalized = run(input_of(case), Options(timezone="Asia/Tokyo"), "x.md")
    assert normalized.post.date == dt.datetime(2021, 10, 31, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("medium_figcaption_paragraph", "*Gulls, many gulls*"),
        ("medium_figcaption_title", '![](/images/pier/1*gulls.jpg "Gulls, many gulls")'),
        (
            "medium_figcaption_figure",
            '<figure><img src="/images/pier/1*gulls.jpg" alt="">'
            "<figcaption>Gulls, <em>many</em> gulls</figcaption></figure>",
        ),
    ],
)
def test_caption_modes(case: str, expected: str) -> None:
    post = run_case(FIXTURES / case).post
    assert expected in post.body
    for gone in ("<figcaption class", "data-href", "utm_", "&nbsp;", "&amp;"):
        assert gone not in post.body
    assert post.image is not None
    assert post.image.credit == (
        "Photo by [Sam Sea](https://unsplash.com/@sea) on [Unsplash](https://unsplash.com)"
    )


def test_title_mode_marks_dropped_caption_links_for_review() -> None:
    found = [c for c in changes("medium_figcaption_title") if c.kind == "figcaption"]
    assert [c.review for c in found] == [True, False]
    assert "https://unsplash.com/@sea?utm_source=medium" in found[0].before


def test_tracking_parameters_are_stripped_and_recorded() -> None:
    post = run_case(FIXTURES / "medium_utm_links").post
    assert "(https://example.com/guide?page=2#top)" in post.body
    assert "(https://medium.com/p/123)" in post.body
    assert '<a href="https://example.org/?id=7">this page</a>' in post.body
    assert "`https://example.com/?utm_source=keep` and `<figcaption>`" in post.body
    assert kinds("medium_utm_links").count("tracking") == 3  # data-href went whole


def test_wordpress_leftovers() -> None:
    post = run_case(FIXTURES / "wordpress_caption_spacer_more").post
    assert post.title == "Garden – week one"
    assert "[![Tomato seedling](/uploads/tomato.jpg)](http://old.example.com/tomato-big.jpg)" in (
        post.body
    )
    assert "*First tomato & basil*" in post.body
    assert "<!--more-->" in post.body and "<p>" not in post.body
    assert post.aliases == ["http://old.example.com/?p=42"]
    assert post.extra == {"status": "publish"}
    assert kinds("wordpress_caption_spacer_more").count("spacer") == 2


def test_plain_title_line_is_removed_and_recorded() -> None:
    post = run_case(FIXTURES / "plain_with_title").post
    assert post.title == "A short title line"
    assert not post.body.startswith("A short title line")


def test_plain_inferred_title_is_for_review_and_body_keeps_every_word() -> None:
    case = FIXTURES / "plain_without_title_inferred"
    post = run_case(case).post
    assert post.title == "When I started selling software nobody told me how long the…"
    (change,) = [c for c in changes(case.name) if c.kind == "title-inferred"]
    assert change.review
    assert post.body.split() == input_of(case).read_text().split()


def test_plain_paragraphs_and_list_are_rebuilt_not_merged() -> None:
    body = run_case(FIXTURES / "plain_single_newline_paragraphs_and_list").post.body
    assert body == (
        "I learned them the hard way.\n\nHere they are:\n\n"
        "- listen more\n- write things down\n- follow up\n\nThat is all.\n\n– Sam"
    )


def test_plain_separators_become_thematic_breaks() -> None:
    body = run_case(FIXTURES / "plain_separator").post.body
    assert body == "First part.\n\n---\n\nSecond part.\n\n---\n\nThird part."
    assert [c.before for c in changes("plain_separator") if c.kind == "separator"] == [
        "—–",
        "* * *",
    ]


def test_plain_boilerplate_removed_verbatim_and_about_author_moved() -> None:
    post = run_case(FIXTURES / "plain_boilerplate_about_author").post
    assert post.body == "Teach first, sell later."
    assert post.authors[0].name == "Jane Doe"
    assert post.authors[0].bio == "Jane Doe is a sales coach who writes about the craft."
    (removed,) = [c for c in changes("plain_boilerplate_about_author") if c.kind == "boilerplate"]
    assert removed.before.startswith("Share this:\nTwitter\nFacebook\n\nLike this:")
    assert removed.before.endswith("Learn how your comment data is processed.")


def test_about_author_without_a_name_is_unknown_and_for_review() -> None:
    post = run_case(FIXTURES / "plain_about_author_without_name").post
    assert post.title == "Pillar 3: Keep learning."
    assert post.authors[0].name == "Unknown"
    (change,) = [c for c in changes("plain_about_author_without_name") if c.kind == "author-name"]
    assert change.review


def test_about_author_name_can_come_from_the_author_option() -> None:
    case = FIXTURES / "plain_about_author_without_name"
    post = run(input_of(case), Options(author="Pat Lee"), "x.txt").post
    assert post.authors[0].name == "Pat Lee"


def test_lost_links_are_kept_and_reported() -> None:
    post = run_case(FIXTURES / "plain_lost_link").post
    assert "study (here) and the summary (link)." in post.body
    lost = [c for c in changes("plain_lost_link") if c.kind == "lost-link"]
    assert [(c.after, c.review, c.line) for c in lost] == [("(here)", True, 3), ("(link)", True, 3)]


def test_lost_link_snippet_starts_at_a_whole_link_not_inside_it() -> None:
    (lost,) = [c for c in changes("plain_lost_link_after_link") if c.kind == "lost-link"]
    assert lost.reason == (
        "link lost in an earlier export: '…[the 2019 annual survey]"
        "(https://example.com/reports/2019/annual-survey.pdf) and the raw data (here)'; text kept"
    )


def test_metadata_lines_are_front_matter() -> None:
    post = run_case(FIXTURES / "plain_metadata_lines").post
    assert (post.title, post.date, post.tags) == (
        "Metadata without fences",
        dt.date(2020, 1, 1),
        ["plain", "metadata"],
    )
    assert post.body == "The body starts here."


def test_crlf_and_missing_final_newline_are_read_as_lines() -> None:
    assert "\r" not in render(run_case(FIXTURES / "crlf_line_endings").post)
    assert run_case(FIXTURES / "no_final_newline").post.body == "The last line has no newline"


def test_unicode_title_with_yaml_specials_round_trips() -> None:
    post = run_case(FIXTURES / "unicode_title_specials").post
    assert post.title == "*Crème brûlée*: “the #1 dessert” & more"
    assert post.slug == "creme-brulee-the-1-dessert-and-more"


# --- the acceptance seeds ---------------------------------------------------------

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")


def seed(prefix: str) -> Normalized:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return run(path, Options(), path.name)


@needs_seeds
def test_seed_000_medium() -> None:
    normalized = seed("000")
    post, output = normalized.post, render(normalized.post)
    for gone in ("<figcaption", "data-href", "utm_", "&nbsp;", "&amp;"):
        assert gone not in output
    assert post.date == dt.datetime(2019, 8, 13, 17, 55, 36, 539000, tzinfo=dt.UTC)
    assert "date: 2019-08-13T17:55:36.539Z\n" in output
    assert post.image is not None
    src = "/images/Switching-from-a-Sales-Role---2-critical-career-assets-to-take-forward/"
    assert post.image.src == src + "0*IOkX7dXqRPkgg9qG.jpg"
    assert f"![]({post.image.src})" in post.body
    assert "[Justin Leibow](https://unsplash.com/@elevatoro)" in (post.image.credit or "")
    assert "[Unsplash](https://unsplash.com)" in (post.image.credit or "")
    assert post.extra == {"template": "post"}
    assert renormalized(output, Path("000.md")) == output


@needs_seeds
@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_output_is_a_fixed_point(prefix: str) -> None:
    output = render(seed(prefix).post)
    assert renormalized(output, Path(f"{prefix}.md")) == output


@needs_seeds
def test_seed_001_jekyll() -> None:
    normalized = seed("001")
    post = normalized.post
    assert (post.title, post.date, post.categories) == (
        "Letting go",
        dt.date(2016, 3, 23),
        ["sales"],
    )
    assert "# Letting go" not in post.body
    assert post.body.startswith("![](/images/unknown_filename.213.gif)")
    assert "duplicate-title" in [c.kind for c in normalized.changes]


@needs_seeds
def test_seed_002_plain_signature_survives() -> None:
    normalized = seed("002")
    paragraphs = normalized.post.body.split("\n\n")
    assert len(paragraphs) == 9
    assert paragraphs[-2:] == ["Come on, what are you? Chicken?", "– Alan"]
    assert any(c.kind == "title-inferred" and c.review for c in normalized.changes)


@needs_seeds
def test_seed_003_plain_lists_stay_lists() -> None:
    body = seed("003").post.body
    assert "Here are the three biggest impacts he mentioned to me.\n\n- at least" in body
    assert "IT Team\n\nAll of it costs something." in body
    assert "Morals are two:\n\n- If the buyer" in body


@needs_seeds
def test_seed_004_plain_title_author_boilerplate() -> None:
    normalized = seed("004")
    post, kinds_found = normalized.post, [c.kind for c in normalized.changes]
    assert post.title == "Pillar 2: Congratulations, you’re head of career sales."
    assert post.body.startswith("Today we’re talking about Pillar #2.")
    assert "\n\n2: Congratulations, you’re head of career sales.\n\n" in post.body
    assert post.authors[0].bio is not None
    assert post.authors[0].bio.startswith("Head cartographer and coach")
    for gone in ("About the Author", "Leave a Reply", "Akismet", "Your email address"):
        assert gone not in post.body
    assert "\n\n---\n\nHistorical Note" in post.body
    assert kinds_found.count("lost-link") == 2
    assert {"boilerplate", "about-author", "author-name", "separator"} <= set(kinds_found)


def test_a_datetime_without_timezone_is_kept_as_written_for_review() -> None:
    (change,) = [c for c in changes("naive_datetime_kept_as_written") if c.kind.startswith("floa")]
    assert change.kind == "floating-datetime"
    assert change.review
    assert (change.before, change.after) == ("2021-10-31 09:00:00", "2021-10-31T09:00:00")


def test_a_midnight_without_timezone_is_the_date_alone() -> None:
    (change,) = [c for c in changes("naive_midnight_is_the_date") if c.kind.startswith("floa")]
    assert change.kind == "floating-date"
    assert not change.review


def test_migrate_says_how_many_datetimes_float(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from copydesk.cli import main

    sources = [str(FIXTURES / name / "input.md") for name in ("naive_datetime_kept_as_written",)]
    assert main(["migrate", *sources, "--out", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "1 post has a datetime with no timezone, kept as written (listed for review); "
        "--timezone TZ (e.g. Europe/Berlin) gives them an offset"
    )
