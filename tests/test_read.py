"""Reading: bytes to text, refusals, and where the body starts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from copydesk.errors import ReadError
from copydesk.read import document_from_bytes, front_matter_may_hold


def doc(raw: bytes):  # type: ignore[no-untyped-def]
    return document_from_bytes(Path("p.md"), raw)


def test_plain_utf8_without_front_matter() -> None:
    document = doc("Title\n\nBody – with a dash".encode())
    assert document.front_matter is None
    assert document.body_line == 1
    assert not document.final_newline


def test_front_matter_split_counts_lines() -> None:
    document = doc(b"---\ntitle: A\ndate: 2020-01-01\n---\n\n# Body\n")
    assert document.front_matter == "title: A\ndate: 2020-01-01\n"
    assert document.front_matter_kind == "yaml"
    assert document.body == "\n# Body\n"
    assert document.body_line == 5


def test_yaml_closed_by_dots_and_toml() -> None:
    assert doc(b"---\ntitle: A\n...\nBody\n").body == "Body\n"
    toml = doc(b'+++\ntitle = "A"\n+++\nBody\n')
    assert (toml.front_matter_kind, toml.body_line) == ("toml", 4)


def test_unclosed_fence_is_body() -> None:
    document = doc(b"---\ntitle: A\n\nBody\n")
    assert document.front_matter is None and document.body.startswith("---")


def test_crlf_bom_and_mixed_endings_are_normalised_and_noted() -> None:
    document = doc(b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\nBody\rmore\n")
    assert document.bom
    assert document.newline == "mixed"
    assert document.text == "---\ntitle: A\n---\nBody\nmore\n"
    assert doc(b"a\r\nb\r\n").newline == "\r\n"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty file"),
        (b" \n\n", "empty file"),
        (b"GIF89a\x00\x01", "binary file (contains NUL bytes)"),
        (b"ok\nline two \xe9t\xe9\n", "not valid UTF-8 (byte 0xe9 on line 2)"),
    ],
)
def test_refusals_name_the_file_and_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(ReadError) as info:
        doc(raw)
    assert str(info.value) == f"p.md: {reason}"


HEADERS = [
    b"---\npermalink: /a/\n---\nBody\n",
    b"\xef\xbb\xbf---\r\ntitle: A\r\npermalink: /a/\r\n---\r\nBody\r\n",
    b'+++\ntitle = "A"\npermalink = "/a/"\n+++\nBody\n',
    b"---\ntitle: A\n--- not a fence\npermalink: /a/\n...\nBody\n",
    b"---\ntitle: A\rpermalink: /a/\r---\rBody\r",  # CR only: searched whole
    b"---\ntitle: A\n+++\npermalink: /a/\n---\n",  # `+++` does not close YAML
]


@pytest.mark.parametrize("raw", HEADERS)
def test_front_matter_may_hold_finds_a_key_in_the_header(raw: bytes) -> None:
    front_matter = doc(raw).front_matter
    assert front_matter is not None and "permalink" in front_matter
    assert front_matter_may_hold(raw, (b"slug", b"permalink"))


@pytest.mark.parametrize(
    "raw",
    [
        b"---\ntitle: A\n---\npermalink: /a/ in the body\n",
        b"+++\ntitle = 'A'\n+++\npermalink\n",
        b"permalink: /a/\n\nNo front matter.\n",
        b"\n---\npermalink: /a/\n---\n",  # a fence not on line 1 opens nothing
    ],
)
def test_front_matter_may_hold_ignores_keys_outside_the_header(raw: bytes) -> None:
    assert "permalink" not in str(doc(raw).front_matter)
    assert not front_matter_may_hold(raw, (b"permalink",))


def test_the_hash_is_of_the_bytes_read_and_skipped_when_not_wanted() -> None:
    raw = b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\nBody\r\n"
    hashed = doc(raw)
    # Of the bytes, not of the normalised text: a BOM or CRLF changes it.
    assert hashed.sha256 == hashlib.sha256(raw).hexdigest()
    assert hashed.sha256 != hashlib.sha256(hashed.text.encode()).hexdigest()
    unhashed = document_from_bytes(Path("p.md"), raw, digest=False)  # what lint reads
    assert unhashed.sha256 == ""
    assert (unhashed.text, unhashed.front_matter, unhashed.body) == (
        hashed.text,
        hashed.front_matter,
        hashed.body,
    )
