"""Lazy module-level regexes: the same answers as `re.compile`, compiled once, on
first use."""

from __future__ import annotations

import re

import pytest

from copydesk.lazyre import lazy_compile


def test_a_lazy_pattern_answers_as_the_compiled_one() -> None:
    source, flags = r"<(img|a)\b\s*(?P<rest>[^>]*)>", re.IGNORECASE
    lazy, plain = lazy_compile(source, flags), re.compile(source, flags)
    text = "x <IMG src=a> <a href=b> <b>"
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert lazy.findall(text) == plain.findall(text)
    assert lazy.sub(r"[\1]", text) == plain.sub(r"[\1]", text)
    assert lazy.search(text, 5) is not None
    assert lazy.match(text) is None
    assert lazy.split(text) == plain.split(text)
    assert (lazy.pattern, lazy.flags, lazy.groups) == (plain.pattern, plain.flags, plain.groups)
    assert lazy.groupindex == plain.groupindex


def test_a_lazy_pattern_compiles_on_first_use_and_only_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    compile_ = re.compile

    def counting(pattern: str, flags: int = 0) -> re.Pattern[str]:
        calls.append(pattern)
        return compile_(pattern, flags)

    monkeypatch.setattr(re, "compile", counting)
    lazy = lazy_compile(r"\d+")
    assert calls == []
    assert lazy.findall("a1b22") == ["1", "22"]
    assert lazy.sub("#", "a1b22") == "a#b#"
    assert calls == [r"\d+"]


def test_a_bad_lazy_pattern_fails_when_used() -> None:
    broken = lazy_compile("(unclosed")
    with pytest.raises(re.error):
        broken.search("x")


def test_a_lazy_pattern_has_no_other_attributes() -> None:
    with pytest.raises(AttributeError):
        lazy_compile("a").no_such_method  # type: ignore[attr-defined]  # noqa: B018
