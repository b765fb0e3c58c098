"""Front matter YAML: refused when unsafe, written so it reads back to the same values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import frontmatter
import pytest

from copydesk.errors import FrontMatterError
from copydesk.model import Post
from copydesk.write import render
from copydesk.yamlio import dump_front_matter, load_front_matter

UTC = dt.UTC
TRICKY_TITLES = [
    "Plain title",
    "Pillar 2: Congratulations, you’re head of career sales.",
    'It\'s "quoted" twice',
    "# not a comment",
    "*starts with a star",
    "&starts with an ampersand",
    "yes",
    "2016",
    "Café — naïve ünïcödé 日本語",
    "@handle and `code` and [brackets]",
    "- looks like a list",
    "key: value: more",
    "I love 🐍 Python",
    "🐍: a key?",
    "C:\\U0001F40D is not a snake",
]


@pytest.mark.parametrize("title", TRICKY_TITLES)
def test_titles_round_trip_through_python_frontmatter(title: str) -> None:
    text = render(Post(title=title, body="Body."))
    assert frontmatter.loads(text)["title"] == title
    assert load_front_matter(Path("x.md"), text.split("---\n")[1], "yaml")["title"] == title


def test_unicode_stays_unicode() -> None:
    assert "Café — 日本語" in dump_front_matter({"title": "Café — 日本語"})


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("I love 🐍 Python", "I love 🐍 Python"),
        ("🐍", "🐍"),
        ("Snakes 🐍\tand ladders 🪜", '"Snakes 🐍\\tand ladders 🪜"'),  # the tab needs quotes
        ("C:\\U0001F40D 🐍", "C:\\U0001F40D 🐍"),  # a backslash and a U stay as they are
    ],
)
def test_emoji_are_written_as_themselves(value: str, written: str) -> None:
    text = dump_front_matter({"title": value})
    assert text == f"title: {written}\n"
    assert load_front_matter(Path("x.md"), text, "yaml")["title"] == value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (dt.date(2016, 3, 23), "2016-03-23"),
        (dt.datetime(2019, 8, 13, 17, 55, 36, 539000, tzinfo=UTC), "2019-08-13T17:55:36.539Z"),
        (
            dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=-2))),
            "2020-01-02T03:04:05-02:00",
        ),
        (
            dt.datetime(2020, 1, 2, 3, 4, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
            "2020-01-02T03:04:00+05:30",
        ),
    ],
)
def test_dates_are_yaml_dates_not_strings(value: dt.date, written: str) -> None:
    text = dump_front_matter({"date": value})
    assert text == f"date: {written}\n"
    assert load_front_matter(Path("x.md"), text, "yaml")["date"] == value


def test_keys_keep_schema_order() -> None:
    post = Post(title="T", slug="t", tags=["a"], date=dt.date(2020, 1, 1), draft=True)
    keys = [line.split(":")[0] for line in render(post).splitlines()[1:-1] if line[:1].isalpha()]
    assert keys == ["title", "date", "slug", "tags", "draft"]


@pytest.mark.parametrize(
    ("yaml_text", "reason"),
    [
        ("x: !!python/object/apply:os.system ['ls']\n", "unsafe YAML tag '!!python/object/apply"),
        ("x: !ruby/object:Foo {}\n", "unsafe YAML tag '!ruby/object:Foo'"),
        ("x: [1, 2\n", "broken YAML front matter"),
        ("- a\n- b\n", "not a mapping"),
        (
            "title: T\ndate: 2019-01-01 25:61:00\n",
            "impossible value '2019-01-01 25:61:00' (hour must be in 0..23) on line 3",
        ),
        ("date: 2019-13-01\n", "impossible value '2019-13-01' (month must be in 1..12) on line 2"),
        ("tags: [a, 2019-02-30]\n", "impossible value '2019-02-30' (day is out of range"),
        ("n: " + "1" * 5000 + "\n", "impossible value '" + "1" * 39 + "…' (Exceeds the limit"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
            "alias bomb",
        ),
    ],
)
def test_unsafe_or_broken_yaml_is_refused(yaml_text: str, reason: str) -> None:
    with pytest.raises(FrontMatterError, match=r"^post\.md: ") as info:
        load_front_matter(Path("post.md"), yaml_text, "yaml")
    assert reason in str(info.value)


@pytest.mark.parametrize(
    ("yaml_text", "value"),
    [
        ("title: ! 'plain'\n", "plain"),
        ("title: !binary |-\n  SGVsbG8=\n", "Hello"),
        ("title: &t Shared\nalso: *t\n", "Shared"),
    ],
)
def test_harmless_tags_and_small_aliases_read_as_plain_values(yaml_text: str, value: str) -> None:
    assert load_front_matter(Path("post.md"), yaml_text, "yaml")["title"] == value


def test_toml_nested_too_deeply_is_refused() -> None:
    with pytest.raises(FrontMatterError, match="nested too deeply"):
        load_front_matter(Path("p.md"), "a = " + "[" * 2000 + "]" * 2000 + "\n", "toml")


def test_toml_front_matter() -> None:
    data = load_front_matter(Path("p.md"), 'title = "Hugo"\ndate = 2020-01-02\n', "toml")
    assert data == {"title": "Hugo", "date": dt.date(2020, 1, 2)}


def test_expanded_size_counts_every_value_of_every_loaded_type() -> None:
    from collections import OrderedDict

    from copydesk.yamlio import _expanded_size

    # a dict, its two keys, a set and its two items, a list, a tuple (omap) and its two items
    assert _expanded_size({"a": {1, 2}, "b": [(1, 2)]}, 100) == 10
    assert _expanded_size(OrderedDict(a=[None, 1.5]), 100) == 5  # any Mapping
    assert _expanded_size([[1] * 50] * 50, 100) == 101  # stops past the budget


def test_alias_bomb_is_refused() -> None:
    rows = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for name, previous in (("b", "a"), ("c", "b"), ("d", "c")):
        rows.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    with pytest.raises(FrontMatterError, match="alias bomb"):
        load_front_matter(Path("p.md"), "\n".join(rows), "yaml")
