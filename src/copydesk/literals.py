"""Required literals of a regex: a cheap test that a text cannot match it.

Rule packs run user regexes over every post. `re` scans a pattern without a
literal prefix (case-insensitive ones, ones behind a lookbehind or `\\b`)
position by position, which costs far more than the few matches it finds.
But most patterns contain words every match must include ("leave a ",
"click", "unique"): when none of them occurs in the text, `finditer` would
find nothing, and a substring test (`in`, a memchr-speed scan) proves it.

`required_literals` reads the pattern's parse tree (the stdlib's own
`re._parser`) and returns a set of needles of which every match contains at
least one, or None when it cannot tell; `may_match` is the test.
Case-insensitive needles are compared with the lowered text; they hold
ASCII and characters without case (an emoji: `if you … 👏` needs the 👏).
Three characters match ASCII letters under `re.IGNORECASE` without lowering
to them (dotted and dotless I, long s): a text holding one skips the shortcut.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from typing import Any, NamedTuple

# Characters `re.IGNORECASE` equates with an ASCII letter although
# `str.lower` does not map them to it: İ (U+0130), ı (U+0131), ſ (U+017F).
FOLD_EXCEPTIONS = ("\u0130", "\u0131", "\u017f")
_MAX_ALTERNATIVES = 16


class Needles(NamedTuple):
    """Every match contains all needles of one of `alternatives`.

    A needle is (text, folded): folded needles are lowercase and are looked
    for in the lowered text; `folded` says whether any needle is. (A NamedTuple,
    not a dataclass: making a dataclass costs ~0.3 ms at every import.)
    """

    common: tuple[tuple[str, bool], ...]
    alternatives: tuple[tuple[tuple[str, bool], ...], ...]
    folded: bool

    def may_match(self, text: str, lowered: str | None) -> bool:
        """False only when no match is possible; `lowered` is `lowered_for(text)`."""
        if lowered is None:
            if self.folded:
                return True
            lowered = text  # no folded needle: never read
        if not all(needle in (lowered if f else text) for needle, f in self.common):
            return False
        if not self.alternatives:
            return True
        found: dict[tuple[str, bool], bool] = {}  # alternatives share needles: scan once each
        for needles in self.alternatives:
            for needle in needles:
                if needle not in found:
                    found[needle] = needle[0] in (lowered if needle[1] else text)
                if not found[needle]:
                    break
            else:
                return True
        return False


def lowered_for(text: str) -> str | None:
    """The text folded needles are compared with: `text.lower()`, or None when
    the text holds a character that `re.IGNORECASE` folds differently."""
    if not text.isascii() and any(char in text for char in FOLD_EXCEPTIONS):
        return None
    return text.lower()


# Alternatives (a match holds every needle of at least one), in disjunctive normal form.
_Conjunction = frozenset[tuple[str, bool]]
_Requirement = frozenset[_Conjunction]


def required_literals(pattern: re.Pattern[str]) -> Needles | None:
    """Needles every match of `pattern` contains, or None (no such guarantee found)."""
    found = walk_pattern(pattern, _Walker)
    if not found:
        return None
    return _needles(found)


def walk_pattern(pattern: re.Pattern[str], walker_class: Any) -> Any:
    """What `walker_class` finds in `pattern`'s parse tree, or None when `re`'s
    private parser is not there or fails (a future `re` that moved its internals:
    callers then just scan)."""
    return walk_source(pattern.pattern, pattern.flags, walker_class)


def walk_source(pattern: str, flags: int, walker_class: Any) -> Any:
    """`walk_pattern` of a pattern not compiled: a caller that only asks about a
    pattern's shape need not pay for compiling it."""
    try:
        parser: Any = importlib.import_module("re._parser")
        tree = parser.parse(pattern, flags)
        walker = walker_class(importlib.import_module("re._constants"))
        return walker.sequence(list(tree), bool(tree.state.flags & re.IGNORECASE))
    except Exception:
        return None


def _needles(found: _Requirement) -> Needles:
    """Needles all alternatives share are tested once, first; then needles
    several alternatives share, then longer ones, as they are the rarer."""
    common = frozenset.intersection(*found)
    rest = {needles - common for needles in found}
    if frozenset() in rest:  # one alternative needs only the common needles
        rest = set()

    shared = Counter(needle for needles in rest for needle in needles)

    def ordered(needles: frozenset[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
        # A needle many alternatives share is tested once for all of them.
        return tuple(sorted(needles, key=lambda n: (-shared[n], -len(n[0]), n)))

    alternatives = tuple(sorted(ordered(needles) for needles in rest))
    folded = any(f for needles in (common, *rest) for _, f in needles)
    return Needles(ordered(common), alternatives, folded)


def _literal(run: list[str], fold: bool) -> _Requirement:
    return frozenset({frozenset({("".join(run), fold)})})


class _Walker:
    """Computes requirements over `re._parser` items (op, argument)."""

    def __init__(self, constants: Any) -> None:
        self.c = constants

    def sequence(self, items: list[tuple[Any, Any]], fold: bool) -> _Requirement | None:
        """A concatenation needs what each part needs (as long as that stays small)."""
        parts: list[_Requirement] = []
        run: list[str] = []
        for op, av in items:
            if op is self.c.LITERAL and not (fold and not _caseless_safe(av)):
                run.append(chr(av).lower() if fold else chr(av))
                continue
            if run:
                parts.append(_literal(run, fold))
                run = []
            requirement = self.item(op, av, fold)
            if requirement:
                parts.append(requirement)
        if run:
            parts.append(_literal(run, fold))
        if not parts:
            return None
        combined: _Requirement = frozenset({frozenset()})
        for part in sorted(parts, key=len):
            product = frozenset(a | b for a in combined for b in part)
            if len(product) <= _MAX_ALTERNATIVES:
                combined = product
        return combined

    def item(self, op: Any, av: Any, fold: bool) -> _Requirement | None:
        c = self.c
        if op is c.SUBPATTERN:
            _, add_flags, del_flags, sub = av
            inner = (fold or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
            return self.sequence(list(sub), inner)
        if op is c.BRANCH:
            union: set[_Conjunction] = set()
            for branch in av[1]:
                requirement = self.sequence(list(branch), fold)
                if not requirement:
                    return None
                union |= requirement
            return frozenset(union) if len(union) <= _MAX_ALTERNATIVES else None
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            return self.sequence(list(av[2]), fold)
        if op is c.ATOMIC_GROUP:
            return self.sequence(list(av), fold)
        return None  # classes, anchors, lookarounds, back references: no literal needed


def start_literals(pattern: re.Pattern[str]) -> tuple[tuple[str, bool], ...] | None:
    """Literals one of which every match of `pattern` starts with, as
    (text, folded) needles; None when some match may start otherwise.

    Why: `finditer` tries the pattern at every position of a post, and a
    pattern behind `\\b` or `(?i)` has no prefix `re` can skip to. When each
    match begins with a known word (`clap`, `give `, `if you`), the pattern
    need only be tried where one of them occurs, found by `str.find`.
    Zero-width items before it (`\\b`, `^`, lookarounds) do not move the start.
    """
    found = walk_pattern(pattern, _Starts)
    return tuple(sorted(found)) if found else None


class _Starts:
    """What a match's first consumed characters are, over `re._parser` items."""

    def __init__(self, constants: Any) -> None:
        self.c = constants
        self.zero_width = (constants.AT, constants.ASSERT, constants.ASSERT_NOT)

    def sequence(self, items: list[tuple[Any, Any]], fold: bool) -> set[tuple[str, bool]] | None:
        for at, (op, av) in enumerate(items):
            if op in self.zero_width:
                continue
            if op is self.c.LITERAL:
                run = []
                for next_op, code in items[at:]:
                    if next_op is not self.c.LITERAL or (fold and not _caseless_safe(code)):
                        break
                    run.append(chr(code).lower() if fold else chr(code))
                return {("".join(run), fold)} if run else None
            return self.item(op, av, fold)
        return None  # nothing consumed: an empty match

    def item(self, op: Any, av: Any, fold: bool) -> set[tuple[str, bool]] | None:
        c = self.c
        if op is c.SUBPATTERN:
            _, add_flags, del_flags, sub = av
            inner = (fold or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
            return self.sequence(list(sub), inner)
        if op is c.BRANCH:
            union: set[tuple[str, bool]] = set()
            for branch in av[1]:
                starts = self.sequence(list(branch), fold)
                if not starts:
                    return None
                union |= starts
            return union
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            return self.sequence(list(av[2]), fold)
        if op is c.ATOMIC_GROUP:
            return self.sequence(list(av), fold)
        return None  # a class, a group that may be empty, a back reference: anything may start


def _caseless_safe(code: int) -> bool:
    """A character found in the lowered text for every spelling `re.IGNORECASE`
    matches: ASCII (the exceptions are checked per text), or one without case
    (an emoji, CJK)."""
    return code < 128 or chr(code).lower() == chr(code) == chr(code).upper()
