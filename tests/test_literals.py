"""Required literals: a text without them cannot match, a text with a match always passes."""

from __future__ import annotations

import re

import pytest

from copydesk.literals import lowered_for, required_literals, start_literals
from copydesk.registry import load_registry

PATTERNS = [
    r"(?i)^(?:#{1,6}[ \t]+)?Leave a (?:Reply|Comment)[ \t]*(?:#*[ \t]*)$",
    r"👏|(?i:\bclap(?:s|ping)?\b[^.!?\n]{0,30}?\b(?:story|post|article|button)\b)",
    r"(?i)\b(?:very|really|so) unique\b",
    r"(?<!\w)(?:click\s+here|tap\s+here)(?!\w)",
    r"Case(?-i:Sensitive)",
    r"(?i)\bif you\b[^.!?\n]{0,60}?👏|👏[^.!?\n]{0,20}?\bif you\b",
]
TEXTS = [
    "",
    "nothing to see here",
    "Leave a Reply",
    "## LEAVE A COMMENT",
    "hold the CLAP button 👏",
    "a Very Unique idea",
    "ſo unique",  # long s: re.IGNORECASE matches it with 's'
    "please Click\nHere now",
    "CaseSensitive and casesensitive",
    "Please click here now",
    "If you liked it, 👏 below",
    "👏👏 if you learned something",
    "if you liked it, share it",
]


def test_a_pattern_without_literals_gives_none() -> None:
    assert required_literals(re.compile(r"\b([a-z]+)\s+\1\b")) is None


def test_a_text_without_the_words_is_ruled_out() -> None:
    needles = required_literals(re.compile(r"(?i)\bclick here\b"))
    assert needles is not None
    text = "Nothing about links in this post."
    assert not needles.may_match(text, lowered_for(text))
    text = "CLICK HERE"
    assert needles.may_match(text, lowered_for(text))


def test_a_character_without_case_is_a_needle_of_a_folded_pattern() -> None:
    """`if you … 👏` needs the 👏 too: the many posts that say "if you" are ruled out."""
    needles = required_literals(re.compile(r"(?i)\bif you\b[^.!?\n]{0,60}?👏"))
    assert needles is not None
    for text, possible in [("If you like it, share", False), ("IF YOU like it 👏", True)]:
        assert needles.may_match(text, lowered_for(text)) is possible


def test_long_s_and_dotless_i_skip_the_shortcut() -> None:
    assert lowered_for("ſo") is None
    assert lowered_for("ıt") is None
    needles = required_literals(re.compile(r"(?i)so unique"))
    assert needles is not None and needles.may_match("ſo unique", None)


def _all_patterns() -> list[str]:
    shipped = [info.cls.spec.regex.pattern for info in load_registry().rules.values()
               if hasattr(info.cls, "spec")]  # fmt: skip
    return PATTERNS + shipped


@pytest.mark.parametrize("pattern", _all_patterns())
def test_every_text_that_matches_passes_the_prefilter(pattern: str) -> None:
    regex = re.compile(pattern, re.MULTILINE)
    needles = required_literals(regex)
    matched = [text for text in TEXTS if regex.search(text)]
    for text in matched:
        assert needles is None or needles.may_match(text, lowered_for(text)), text
    assert matched or pattern not in PATTERNS  # the examples exercise each pattern


def test_start_literals_are_what_every_match_begins_with() -> None:
    clap = re.compile(r"(?i:\bclap(?:s|ping)?\b.{0,9}\bpost\b|\bgive (?:it|me) claps|👏 if you)")
    assert start_literals(clap) == (("clap", True), ("give ", True), ("👏 if you", True))
    assert start_literals(re.compile(r"(?<!\w)(?=Case)CaseSensitive")) == (
        ("CaseSensitive", False),
    )


@pytest.mark.parametrize(
    "pattern",
    [r"\b([a-z]+)\s+\1\b", r"(?i)(?:very )?unique", r"x*y", r"(?i)[Tt]he", r"^\s*#"],
)
def test_a_match_that_may_start_anywhere_has_no_start_literals(pattern: str) -> None:
    assert start_literals(re.compile(pattern)) is None


@pytest.mark.parametrize("pattern", _all_patterns())
def test_trying_only_at_start_literals_finds_every_match(pattern: str) -> None:
    """What `PackRule._matches` does with them equals `finditer`, on every example text."""
    regex = re.compile(pattern, re.MULTILINE)
    starts = start_literals(regex)
    for text in TEXTS:
        lowered = lowered_for(text)
        if starts is None or (lowered is None and any(folded for _, folded in starts)):
            continue
        found, taken = [], 0
        for at in sorted(
            {m.start() for word, folded in starts
             for m in re.finditer(re.escape(word), lowered if folded else text)}
        ):  # fmt: skip
            match = regex.match(text, at) if at >= taken else None
            if match:
                found.append(match.span())
                taken = match.end()
        assert found == [m.span() for m in regex.finditer(text)], text
