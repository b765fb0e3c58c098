"""The content-preservation check: a word may only disappear with a change that shows it."""

from __future__ import annotations

from typing import Any

import pytest

from copydesk.model import Author, Change, Post
from copydesk.preserve import front_matter_comments, unaccounted_words

BEFORE = "Hello world. Leave a Reply\nAbout the Author\nWrites about tea."


def post(body: str, **fields: object) -> Post:
    return Post(title="Hello", body=body, **fields)  # type: ignore[arg-type]


def test_nothing_missing_is_not_lossy() -> None:
    assert unaccounted_words("Hello world", post("Hello world, again"), []) == []


def test_moved_text_counts_as_kept() -> None:
    after = post("Hello world.", authors=[Author(name="Unknown", bio="Writes about tea.")])
    changes = [Change(kind="boilerplate", before="Leave a Reply", reason="r")]
    changes.append(Change(kind="about-author", before="About the Author", reason="r"))
    assert unaccounted_words(BEFORE, after, changes) == []


def test_dropped_words_without_a_change_are_reported() -> None:
    after = post("Hello world.", authors=[Author(name="Unknown", bio="Writes about tea.")])
    changes = [Change(kind="boilerplate", before="Leave a Reply", reason="r")]
    assert unaccounted_words(BEFORE, after, changes) == ["about", "author", "the"]


def test_words_are_counted_not_just_seen() -> None:
    assert unaccounted_words("very very good", post("very good"), []) == ["very"]


def test_a_markdown_escape_does_not_split_a_word() -> None:
    # An importer writes `__future__` as `\_\_future\_\_` so that it is not emphasis.
    assert (
        unaccounted_words("from __future__ import", post(r"from \_\_future\_\_ import"), []) == []
    )
    assert unaccounted_words("from __future__ import", post("from future import"), []) == [
        "__future__"
    ]


@pytest.mark.parametrize(
    ("kind", "text", "data", "comments"),
    [
        ("yaml", "title: A\n", {"title": "A"}, []),
        (
            "yaml",
            '# keep me\ntitle: "Issue #42"  # why\nlang: C# tips\nnote: |\n  # not a comment\n',
            {"title": "Issue #42", "lang": "C# tips", "note": "# not a comment\n"},
            [(2, "# keep me"), (3, "# why")],
        ),
        ("yaml", "tags: [a, # first\n  b]\n#\n", {"tags": ["a", "b"]}, [(2, "# first")]),
        (
            "toml",
            "# top\ntitle = \"a # b\" # real\nx = 'c#'\n",
            {"title": "a # b", "x": "c#"},
            [(2, "# top"), (3, "# real")],
        ),
    ],
)
def test_front_matter_comments_are_found_and_values_are_not(
    kind: str, text: str, data: dict[str, Any], comments: list[tuple[int, str]]
) -> None:
    assert front_matter_comments(text, kind, data) == comments
