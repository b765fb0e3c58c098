"""The normalizers' building blocks, as tables: the no-op case first in each."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from copydesk.mojibake import repair as repair_mojibake
from copydesk.normalize import Context, Options
from copydesk.normalize.body import Edit, decode_entities, note_missing_alt
from copydesk.normalize.boilerplate import strip_boilerplate
from copydesk.normalize.dates import UnparsedDate, parse_value
from copydesk.normalize.links import clean_url
from copydesk.normalize.paragraphs import mark_separators, rebuild_paragraphs
from copydesk.normalize.protect import mask
from copydesk.normalize.slug import slugify
from copydesk.normalize.titles import take_title_line
from copydesk.read import document_from_bytes
from copydesk.rules.links import TrackingParameters, may_track, tracking_parameters

UTC = dt.UTC


def tz(hours: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2016, 3, 23), dt.date(2016, 3, 23)),
        ("2016-03-23", dt.date(2016, 3, 23)),
        ("2019-08-13T17:55:36.539Z", dt.datetime(2019, 8, 13, 17, 55, 36, 539000, UTC)),
        ("2020-01-02 10:00:00 +0200", dt.datetime(2020, 1, 2, 10, tzinfo=tz(2))),
        ("2020-01-02T10:00:00+02:00", dt.datetime(2020, 1, 2, 10, tzinfo=tz(2))),
        ("2020-01-02T10:00:00-0000", dt.datetime(2020, 1, 2, 10, tzinfo=UTC)),
        ("2020-01-02 10:00 GMT-2", dt.datetime(2020, 1, 2, 10, tzinfo=tz(-2))),
        ("Tue, 13 Aug 2019 17:55:36 -0000", dt.datetime(2019, 8, 13, 17, 55, 36, tzinfo=UTC)),
        ("Tue, 13 Aug 2019 17:55:36 +0200", dt.datetime(2019, 8, 13, 17, 55, 36, tzinfo=tz(2))),
        ("Tue, 13 Aug 2019 17:55:36", dt.datetime(2019, 8, 13, 17, 55, 36)),
        ("2021-10-31 09:00", dt.datetime(2021, 10, 31, 9, 0)),
    ],
)
def test_dates_keep_their_meaning(value: object, expected: dt.date) -> None:
    parsed = parse_value(value)
    assert parsed == expected
    if isinstance(expected, dt.datetime):
        assert isinstance(parsed, dt.datetime)
        assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("value", ["soon", "2019-02-30", 20190101, "13/08/2019"])
def test_unreadable_dates_are_refused(value: object) -> None:
    with pytest.raises(UnparsedDate):
        parse_value(value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a?page=2&sort=asc#x", "https://example.com/a?page=2&sort=asc#x"),
        ("https://unsplash.com?utm_source=medium&amp;utm_medium=referral", "https://unsplash.com"),
        ("https://example.com/?id=1&amp;utm_source=x&amp;b=2", "https://example.com/?id=1&amp;b=2"),
        ("https://a.test/?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&q=ok#top", "https://a.test/?q=ok#top"),
        ("https://a.test/p?gbraid=0AAA&x=1&wbraid=Cj0K", "https://a.test/p?x=1"),
        ("https://medium.com/p/1?source=post_page-----", "https://medium.com/p/1"),
        ("https://example.com/?source=rss", "https://example.com/?source=rss"),
        ("https://a.test/?UTM_Reader=x&_hsmi=1&utmost=2", "https://a.test/?utmost=2"),
    ],
)
def test_tracking_parameters(url: str, expected: str) -> None:
    assert clean_url(url) == expected


@pytest.mark.parametrize(
    "name",
    [
        *("utm_source", "utm_id", "utm_reader", "UTM_Campaign", "fbclid", "gbraid", "_hsmi"),
        *("utmost", "braid", "id", "source", "ref"),
    ],
)
def test_lint_reports_the_parameters_migrate_strips(name: str) -> None:
    """CD105's default list and migrate's are one list: a name is tracking to both or neither."""
    url = f"https://example.com/p?{name}=1&keep=2"
    reported = tracking_parameters(url, tuple(TrackingParameters.options["parameters"]))
    assert bool(reported) == (clean_url(url) != url)


@pytest.mark.parametrize(
    ("url", "tracked"),
    [
        ("https://example.com/a?page=2&sort=asc#utm_x", False),  # a fragment is no query
        ("https://example.com/?q=news", False),
        ("https://example.com/?Utm_Source=x", True),
        ("https://example.com/?utm%5Fsource=x", True),  # parse_qsl unquotes the key
        ("https://example.com/?fb+clid=1", True),  # and turns + into a space
        ("https://example.com/?utm\n_source=x", True),  # urlsplit drops line breaks
        ("https://medium.com/p/1?SOURCE=rss", True),
        ("https://example.com/?ref=é", True),
    ],
)
def test_may_track_is_false_only_without_tracking(url: str, tracked: bool) -> None:
    """CD105's substring shortcut: False only where `tracking_parameters` finds
    nothing; True (look closer) for what urlsplit or parse_qsl would decode."""
    names = tuple(TrackingParameters.options["parameters"])
    assert may_track(url, names) == tracked
    if not tracked:
        assert tracking_parameters(url, names) == []
    assert may_track("https://example.com/?page=1", ("page",))


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("already-a-slug", "already-a-slug"),
        ("Café Noël", "cafe-noel"),
        ("You’re head of career sales.", "youre-head-of-career-sales"),
        ("Straße & Søren: #1", "strasse-and-soren-1"),
        ("日本語", ""),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_masking_round_trips_and_keeps_line_count() -> None:
    text = "a `x &amp; y` b\n\n```\nc &amp;\n\n```\n{% raw %}\n{{ d }}\n{% endraw %}\n{{< e >}}"
    masked = mask(text)
    assert masked.unmask(masked.text) == text
    assert masked.text.count("\n") == text.count("\n")
    assert "&amp;" not in masked.text and "{{" not in masked.text


def edit_of(text: str, options: Options | None = None) -> Edit:
    return Edit.start(text, Context(source_path="t.md", options=options or Options()), 1)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("nothing to decode", "nothing to decode"),
        ("Tom &amp; Jerry&nbsp;&#8217;s &#x2014; end", "Tom & Jerry\u00a0’s — end"),
        (
            "keep &lt;div&gt; and &#42;stars&#42; and &amp;lt;",
            "keep &lt;div&gt; and &#42;stars&#42; and &amp;lt;",
        ),
        ('<a title="&quot;x&quot;">&quot;y&quot;</a>', '<a title="&quot;x&quot;">"y"</a>'),
        ("`&amp;` in code, &amp; outside", "`&amp;` in code, & outside"),
    ],
)
def test_entities_decode_only_where_safe(line: str, expected: str) -> None:
    edit = edit_of(line)
    decode_entities(edit)
    assert edit.finish() == expected


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("The first line runs straight on.\nInto the second.", None),
        ("A title without a full stop\nThe body follows directly.", "A title without a full stop"),
        ("One sentence title.\n\nBody.", "One sentence title."),
        ("Two sentences. Not a title.\n\nBody.", None),
        ("Morals are two:\n\n- one", None),
        ("- a list item\n\nBody.", None),
        ("# A Markdown heading\nBody.", "A Markdown heading"),
        ("x" * 101 + "\n\nBody.", None),
    ],
)
def test_title_line_rule(text: str, title: str | None) -> None:
    assert take_title_line(edit_of(text)) == title


@pytest.mark.parametrize(
    "text",
    [
        "One.\n\nTwo.",
        "Intro:\n\n- a\n- b\n  continued\n\nAfter.",
        "Para.\n\n---\n\nMore.\n\n```\ncode\n\nmore code\n```\n\n> quote\n> still quote",
    ],
)
def test_rebuilding_a_rebuilt_body_changes_nothing(text: str) -> None:
    edit = edit_of(text)
    mark_separators(edit)
    rebuild_paragraphs(edit)
    assert edit.finish() == text
    assert edit.context.changes == []


def test_hard_wrapped_text_keeps_its_paragraphs() -> None:
    text = (
        "This paragraph was wrapped at a fixed width by the\n"
        "program that exported it, so its lines run on into\n"
        "each other.\n\nA second paragraph."
    )
    edit = edit_of(text)
    rebuild_paragraphs(edit)
    assert edit.finish() == text


def test_boilerplate_needs_an_anchor() -> None:
    text = "Write to me by\nEmail"
    edit = edit_of(text)
    strip_boilerplate(edit)
    assert edit.finish() == text
    assert edit.context.changes == []


def test_a_note_line_is_not_metadata() -> None:
    from copydesk.normalize.plain import metadata_lines

    document = document_from_bytes(Path("n.txt"), b"Note: this is text\n\nMore text.\n")
    context = Context(source_path="n.txt", options=Options())
    assert metadata_lines(document, context) == ({}, document.body, 1)


def mapped(data: dict[str, object], name: str = "post.md") -> dict[str, object]:
    from copydesk.normalize.keys import map_front_matter

    document = document_from_bytes(Path(name), b"---\nx: 1\n---\n![](/img/a.png)\n")
    return map_front_matter(data, document, Context(source_path=name, options=Options()))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"title": "T"}, {"title": "T"}),
        (
            {"title": "T", "header": {"image": "img/a.png", "overlay_color": "#333"}},
            {
                "title": "T",
                "image": {"src": "/img/a.png"},
                "extra": {"header": {"overlay_color": "#333"}},
            },
        ),
        (
            {"author": {"name": "Ann", "url": "https://ann.test"}, "authors": ["Bo"]},
            {"authors": [{"name": "Ann", "url": "https://ann.test"}, {"name": "Bo"}]},
        ),
        (
            {"permalink": "/a/", "redirect_from": ["/b/", "", "/a/"], "url": "/c/"},
            {"aliases": ["/a/", "/b/", "/c/"]},
        ),
        (
            {"status": "draft", "category": "one two", "keywords": "x, y"},
            {"draft": True, "categories": ["one", "two"], "tags": ["x", "y"]},
        ),
        (
            {"canonical": "not a url", "summary": " S ", "lastmod": dt.date(2020, 1, 2)},
            {
                "description": "S",
                "updated": dt.date(2020, 1, 2),
                "extra": {"canonical": "not a url"},
            },
        ),
        (
            {"date": "2020-01-01", "pubDate": "2020-02-02"},
            {"date": dt.date(2020, 1, 1), "extra": {"pubDate": "2020-02-02"}},
        ),
    ],
)
def test_key_table(data: dict[str, object], expected: dict[str, object]) -> None:
    assert mapped(data) == expected


@pytest.mark.parametrize(
    ("body", "flagged"),
    [
        ("![A red door](door.jpg) and <img src='a.png' alt=\"Sea\">\n", []),
        ("Intro\n\n![](/images/a.gif)\n", ["![](/images/a.gif"]),
        (
            '<img src="b.png"> and <img alt="" src="c.png">\n',
            ['<img src="b.png">', '<img alt="" src="c.png">'],
        ),
        ("```\n![](in-code.png)\n```\n`![](span.png)`\n", []),
    ],
)
def test_images_without_alt_are_marked_for_review(body: str, flagged: list[str]) -> None:
    context = Context(source_path="p.md", options=Options())
    note_missing_alt(Edit.start(body, context, 1))
    assert [change.before for change in context.changes] == flagged
    assert all(change.review and change.kind == "missing-alt" for change in context.changes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plain – fine’s text, naïve café", "Plain – fine’s text, naïve café"),
        ("It doesnâ€™t work in CafÃ© mode.", "It doesn’t work in Café mode."),
        ("â€œquotedâ€\x9d and Â£5", "“quoted” and £5"),
    ],
)
def test_mojibake_repair(text: str, expected: str) -> None:
    from copydesk.mojibake import repair

    assert repair(text) == expected


def test_mojibake_repair_is_recorded_and_skips_code() -> None:
    context = Context(source_path="p.md", options=Options())
    edit = Edit.start("Itâ€™s here.\n\n`Itâ€™s code`\n", context, 5)
    edit.map_lines(repair_mojibake, "mojibake", "repaired")
    assert edit.finish() == "It’s here.\n\n`Itâ€™s code`"
    assert [(c.kind, c.line, c.before) for c in context.changes] == [
        ("mojibake", 5, "Itâ€™s here.")
    ]


@pytest.mark.parametrize(
    ("line", "spacer"),
    [
        ("<p>&nbsp;</p>", True),
        ("  <P>&#160; </P> ", True),
        ('<p class="wp">&nbsp;</p>', True),
        ("&nbsp;", True),
        ("<p>x</p>", False),
        ("<p><!-- a note --></p>", False),  # a comment is not nothing
        ("<p>", False),  # a paragraph that goes on below
        ("<p>&nbsp;</p><p>x</p>", False),
    ],
)
def test_a_spacer_line_is_read_as_html(line: str, spacer: bool) -> None:
    from copydesk.normalize.body import is_spacer

    assert is_spacer(line) is spacer


def test_html_images_without_alt_are_read_as_html() -> None:
    from copydesk.normalize.body import _html_images_without_alt

    line = '<img src="x.png"> <img src=y alt="Y"> <IMG SRC=z ALT="" /> <img alt=" " src=w>'
    assert _html_images_without_alt(line) == [
        '<img src="x.png">',
        '<img src="z" alt="">',
        '<img alt=" " src="w">',
    ]
