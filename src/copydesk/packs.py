"""Declarative rule packs: YAML lists of patterns turned into ordinary rules.

House style and boilerplate checks ("click here", "utm_" parameters, a
trailing "Leave a Reply") need no Python: a pack entry names a code, a
regex or a list of phrases, a message and where to look. Each entry becomes
a `Rule` subclass, so packs are selected, configured, suppressed and
documented exactly like built-in rules. The format is in docs/rule-packs.md.

Matches inside code (fenced, indented, inline) and templating (Liquid, Hugo
shortcodes) never count: a post that discusses a phrase may quote it.

An entry may also say how `lint --fix` repairs a match in the body:
`replacement` (a phrase's better wording, or a pattern's template) or
`remove: paragraph` (boilerplate: the paragraph goes when each of its
sentences holds a match, and what it said is recorded); `fix` says whether
that is safe or unsafe (the default).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from copydesk.errors import CopydeskError
from copydesk.lazyre import lazy_compile
from copydesk.literals import Needles, lowered_for, required_literals, start_literals
from copydesk.rules.base import Context, Rule, Violation
from copydesk.ruletable import shipped_packs as shipped_packs  # where the packs are

if TYPE_CHECKING:
    from copydesk.findings import Applicability, Fix
    from copydesk.parse import Node, ParsedFile
    from copydesk.registry import RuleInfo

SCOPES = ("title", "body", "front_matter")
SEVERITIES = ("error", "warning", "info")
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PACK_CODE = re.compile(r"^[A-Z][A-Z0-9]*\d+$")
_REQUIRED = ("id", "name", "message")
_LINE_BREAK = lazy_compile(r"[ \t]*\n[ \t]*")
_OPTIONAL = (
    "severity",
    "scope",
    "pattern",
    "phrases",
    "summary",
    "why",
    "example",
    "use_instead",
    "default",
    "replacement",
    "remove",
    "fix",
)
APPLICABILITIES = ("safe", "unsafe")
REMOVALS = ("paragraph",)
# A sentence ends at . ! or ? followed by a space; a wrong split only makes
# `remove: paragraph` decline more often (a piece without a match keeps the block).
_SENTENCE_END = lazy_compile(r"(?<=[.!?])[*_)\]]*\s+")
_GROUP_REF = lazy_compile(r"\\(\d+)|\\g<(\w+)>")
_CODE_NEEDS = ("block_code", "codespan")
# Blocks a `remove: paragraph` fix reads: the block a match is in, and its list.
_REMOVE_NEEDS = frozenset(
    ("paragraph", "heading", "block_text", "list_item", "list", "block_quote")
)
# What a parse wanting only those builds (copydesk.parse builds these always).
_REMOVE_BUILT = _REMOVE_NEEDS | {"heading", "link", "image", "liquid", "shortcode"}


class PackError(CopydeskError):
    """A rule pack file is missing, not YAML, or has a malformed entry."""


class PackSpec(NamedTuple):
    """One validated pack entry (a NamedTuple: a frozen dataclass costs start-up ~1 ms)."""

    code: str
    name: str
    message: str
    severity: str
    scopes: tuple[str, ...]
    regex: re.Pattern[str]
    summary: str
    why: str
    example: str
    use_instead: str
    what: str
    # Words every match contains: a file with none of them is not scanned.
    needles: Needles | None = None
    default: bool = True  # False: opt-in (only when selected by name, code or prefix)
    # Phrase rules: every match starts with one of these lowercase words, so the
    # regex is tried only where one occurs instead of at every position.
    starts: tuple[str, ...] = ()
    # Every match starts with one of these (text, folded) needles (a phrase's
    # first word, or a pattern's leading literals): `_matches` tries the regex
    # only where one occurs. Empty: at every position.
    heads: tuple[tuple[str, bool], ...] = ()
    # `lint --fix`: a template for `match.expand` (pattern) or the same text for
    # every phrase, or a wording per phrase (keys lowercased, spaces single).
    replacement: str | Mapping[str, str] | None = None
    remove: str = ""  # "paragraph": the boilerplate block a match is in goes
    fix: str = "unsafe"


def load_pack(path: Path) -> list[RuleInfo]:
    """Read one pack file into rule classes; a bad entry raises `PackError`."""
    from copydesk.registry import RuleInfo

    entries, derived = _read_pack(path)
    infos = []
    for index, entry in enumerate(entries, start=1):
        spec = _spec(path, index, entry, derived[index - 1] if derived else None)
        infos.append(RuleInfo(_rule_class(spec), f"pack {path}"))
    return infos


def _read_yaml(path: Path) -> list[Any]:
    return _read_pack(path)[0]


def _read_pack(path: Path) -> tuple[list[Any], list[Derived] | None]:
    """The pack's entries: from its compiled twin when that was made from these very
    bytes, else parsed (importing PyYAML costs a run ~12 ms; a run whose files all
    come from the lint cache needs YAML for nothing else). With a twin, what each
    entry's pattern gives (`Derived`), when the twin holds it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PackError(path, f"cannot read rule pack: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise PackError(path, f"rule pack is not valid YAML: {error}") from None
    twin = _twin(path, text)
    if twin is not None:
        entries, derived = twin
        return entries, derived
    data = _parse_yaml(path, text)
    if data is None:
        return [], None
    if not isinstance(data, list):
        raise PackError(path, "a rule pack must be a YAML list of rules")
    return data, None


def _parse_yaml(path: Path, text: str) -> Any:
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is 10x faster
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as error:
        raise PackError(path, f"rule pack is not valid YAML: {error}") from None


def compiled_path(path: Path) -> Path:
    """`house-style.yml` -> `house-style.yml.json`, beside it (shipped in the wheel)."""
    return path.with_name(path.name + ".json")


def _compiled(path: Path, text: str) -> list[Any] | None:
    """The entries stored in the twin, only if it holds exactly this text (else None:
    a stale, missing or damaged twin is never trusted, the YAML is read instead)."""
    twin = _twin(path, text)
    return twin[0] if twin is not None else None


def _twin(path: Path, text: str) -> tuple[list[Any], list[Derived] | None] | None:
    """`_compiled`'s entries, and what their patterns give when the twin holds
    it for each of them, in the shape `_derived` writes (else None)."""
    import json

    try:
        twin = json.loads(compiled_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(twin, dict) or twin.get("source") != text:
        return None
    entries = twin.get("entries")
    if not isinstance(entries, list):
        return None
    derived = twin.get("derived")
    if not (isinstance(derived, list) and len(derived) == len(entries)):
        return entries, None
    try:
        return entries, [_from_json(item) for item in derived]
    except (TypeError, ValueError):  # not what `_derived` writes: computed again
        return entries, None


class Derived(NamedTuple):
    """What a pack entry's pattern gives, kept in the twin: its needles and its
    heads (`literals`: parsing a pattern's regex costs a run that builds the
    pack rules ~5 ms for the shipped packs; the twin is remade with them)."""

    needles: Needles | None
    heads: tuple[tuple[str, bool], ...]


def _derived(spec: PackSpec) -> list[Any]:
    """`Derived` of a spec as JSON data."""
    needles = spec.needles
    plain = None if needles is None else [needles.common, needles.alternatives, needles.folded]
    return [plain, spec.heads]


def _from_json(data: Any) -> Derived:
    """The inverse of `_derived`; raises (TypeError, ValueError) on anything else."""
    needles, heads = data
    if needles is not None:
        common, alternatives, folded = needles
        if type(folded) is not bool:
            raise TypeError("folded")
        needles = Needles(_pairs(common), tuple(_pairs(group) for group in alternatives), folded)
    return Derived(needles, _pairs(heads))


def _pairs(data: Any) -> tuple[tuple[str, bool], ...]:
    pairs = tuple((text, folded) for text, folded in data)
    if not all(type(text) is str and type(folded) is bool for text, folded in pairs):
        raise TypeError("a needle is (text, folded)")
    return pairs


def write_compiled(path: Path) -> bool:
    """Write the pack's twin: its text and its entries as JSON. Only when JSON holds
    the entries exactly (a YAML date or a number key would not survive); False then."""
    import json

    text = path.read_text(encoding="utf-8")
    data = _parse_yaml(path, text)
    if not isinstance(data, list):
        return False
    try:
        entries = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):
        return False
    if json.loads(entries) != data or _types(json.loads(entries)) != _types(data):
        return False
    from copydesk.write import write_atomic

    derived = [_derived(_spec(path, index, entry)) for index, entry in enumerate(data, start=1)]
    twin = json.dumps(
        {"source": text, "entries": data, "derived": derived}, ensure_ascii=False, indent=1
    )
    write_atomic(compiled_path(path), twin + "\n")
    return True


def _types(value: Any) -> Any:
    """The shape of a value with each leaf's type (1 == 1.0 == True to `==`)."""
    if isinstance(value, dict):
        return {key: _types(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_types(item) for item in value]
    return type(value).__name__


def _spec(path: Path, index: int, entry: Any, derived: Derived | None = None) -> PackSpec:
    """A validated entry; `derived`: what its pattern gives, from the twin (then
    the pattern is compiled when a file first needs it)."""
    where = f"rule {index}"
    if not isinstance(entry, Mapping):
        raise PackError(path, f"{where}: must be a mapping")
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise PackError(path, f"{where}: unknown key '{unknown[0]}'")
    for key in _REQUIRED:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise PackError(path, f"{where}: '{key}' is required and must be a string")
    code, name = entry["id"], entry["name"]
    if not PACK_CODE.match(code):
        raise PackError(path, f"{where}: id '{code}' must look like CD450 or HOUSE001")
    if not KEBAB.match(name):
        raise PackError(path, f"{code}: name '{name}' must be kebab-case")
    severity = entry.get("severity", "warning")
    if severity not in SEVERITIES:
        raise PackError(path, f"{code}: severity must be one of {', '.join(SEVERITIES)}")
    regex, what = _matcher(path, code, entry, lazy=derived is not None)
    default = entry.get("default", True)
    if not isinstance(default, bool):
        raise PackError(path, f"{code}: default must be true or false")
    replacement, remove, fix = _fix_keys(path, code, entry, regex)
    starts = _first_words(entry.get("phrases"))
    return PackSpec(
        code=code,
        name=name,
        message=entry["message"],
        severity=severity,
        scopes=_scopes(path, code, entry.get("scope", "body")),
        regex=regex,
        summary=str(entry.get("summary") or entry["message"].replace("{match}", "…")),
        why=str(entry.get("why") or entry["message"].replace("{match}", "…")),
        example=str(entry.get("example") or ""),
        use_instead=str(entry.get("use_instead") or ""),
        what=what,
        needles=derived.needles if derived else required_literals(regex),
        default=default,
        starts=starts,
        heads=derived.heads if derived else _heads(starts, regex),
        replacement=replacement,
        remove=remove,
        fix=fix,
    )


def _heads(starts: tuple[str, ...], regex: re.Pattern[str]) -> tuple[tuple[str, bool], ...]:
    return tuple((word, True) for word in starts) or start_literals(regex) or ()


def _fix_keys(
    path: Path, code: str, entry: Mapping[str, Any], regex: re.Pattern[str]
) -> tuple[str | Mapping[str, str] | None, str, str]:
    """`replacement`, `remove` and `fix`, checked: a typo is an error, not a fix that
    never happens."""
    replacement, remove, fix = entry.get("replacement"), entry.get("remove", ""), entry.get("fix")
    if replacement is not None and remove:
        raise PackError(path, f"{code}: give at most one of 'replacement' or 'remove'")
    if remove and remove not in REMOVALS:
        raise PackError(path, f"{code}: remove must be one of {', '.join(REMOVALS)}")
    if fix is not None and fix not in APPLICABILITIES:
        raise PackError(path, f"{code}: fix must be safe or unsafe")
    if fix is not None and replacement is None and not remove:
        raise PackError(path, f"{code}: 'fix' needs a 'replacement' or 'remove'")
    if isinstance(replacement, Mapping):
        return _wordings(path, code, entry, replacement), remove, fix or "unsafe"
    if replacement is not None and not isinstance(replacement, str):
        raise PackError(path, f"{code}: replacement must be a string or a mapping")
    if replacement is not None and "pattern" in entry:
        for number, name in _GROUP_REF.findall(replacement):
            if (number and int(number) > regex.groups) or (name and name not in regex.groupindex):
                raise PackError(path, f"{code}: replacement names a group the pattern lacks")
    return replacement, remove, fix or "unsafe"


def _wordings(
    path: Path, code: str, entry: Mapping[str, Any], table: Mapping[Any, Any]
) -> dict[str, str]:
    """A phrase rule's replacement per phrase; each key must be one of its phrases."""
    phrases = {_phrase_key(p) for p in entry.get("phrases") or () if isinstance(p, str)}
    if not phrases:
        raise PackError(path, f"{code}: a replacement per phrase needs 'phrases'")
    wordings = {}
    for key, value in table.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise PackError(path, f"{code}: replacement: phrases and wordings are strings")
        if _phrase_key(key) not in phrases:
            raise PackError(path, f"{code}: replacement: '{key}' is not one of the phrases")
        wordings[_phrase_key(key)] = value
    return wordings


def _phrase_key(text: str) -> str:
    return " ".join(text.lower().split())


def _scopes(path: Path, code: str, scope: Any) -> tuple[str, ...]:
    scopes = (scope,) if isinstance(scope, str) else tuple(scope or ())
    bad = [item for item in scopes if item not in SCOPES]
    if not scopes or bad:
        raise PackError(path, f"{code}: scope must be one or more of {', '.join(SCOPES)}")
    return scopes


def _matcher(
    path: Path, code: str, entry: Mapping[str, Any], lazy: bool = False
) -> tuple[re.Pattern[str], str]:
    """The entry's regex and what it looks for; `lazy`: compiled on first use
    (a twin's entry: its pattern compiled when the twin was written)."""
    pattern, phrases = entry.get("pattern"), entry.get("phrases")
    if (pattern is None) == (phrases is None):
        raise PackError(path, f"{code}: give exactly one of 'pattern' or 'phrases'")
    if pattern is not None:
        what = f"text matching `{pattern}`"
        if lazy:
            return lazy_compile(str(pattern), re.MULTILINE), what
        try:
            return re.compile(str(pattern), re.MULTILINE), what
        except re.error as error:
            raise PackError(path, f"{code}: bad pattern: {error}") from None
    if (
        not isinstance(phrases, list)
        or not phrases
        or not all(isinstance(p, str) and p.strip() for p in phrases)
    ):
        raise PackError(path, f"{code}: 'phrases' must be a non-empty list of strings")
    return phrase_regex(phrases, lazy), "the phrases " + ", ".join(f"“{p}”" for p in phrases)


def _first_words(phrases: Any) -> tuple[str, ...]:
    if not isinstance(phrases, list):
        return ()
    return tuple(sorted({str(phrase).split()[0].lower() for phrase in phrases}))


def phrase_regex(phrases: list[str], lazy: bool = False) -> re.Pattern[str]:
    """Case-insensitive, whole words, any whitespace (even a line break) between words."""
    alternatives = sorted((r"\s+".join(map(re.escape, p.split())) for p in phrases), key=len)
    joined = "|".join(reversed(alternatives))
    make = lazy_compile if lazy else re.compile
    return make(rf"(?<!\w)(?:{joined})(?!\w)", re.IGNORECASE)


def _rule_class(spec: PackSpec) -> type[Rule]:
    attrs: dict[str, Any] = {
        "__doc__": _docstring(spec),
        "__module__": __name__,
        "code": spec.code,
        "name": spec.name,
        "summary": spec.summary,
        "severity": spec.severity,
        "spec": spec,
        "default": spec.default,
        "fixable": spec.fix if spec.replacement is not None or spec.remove else False,
    }
    if spec.remove:
        # The blocks a removal reads come from the lint's own parse (a second
        # parse of each file with a match cost ~15% of a plain lint of the bench
        # corpus), built only in a file where a match may be (`may_find`): the
        # paragraphs of every other file cost hugoDocs' lint ~2.5%.
        attrs["needs_if_found"] = tuple(sorted({*_CODE_NEEDS, *_REMOVE_NEEDS}))
    return type(f"PackRule_{spec.code}", (PackRule,), attrs)


def _docstring(spec: PackSpec) -> str:
    where = " and ".join(scope.replace("_", " ") for scope in spec.scopes)
    return (
        f"{spec.summary}\n\n"
        f"What it does: flags {spec.what} in the {where}.\n"
        f"Why is this bad? {spec.why}\n"
        f"Example:\n{spec.example or '(none given)'}\n"
        f"Use instead:\n{spec.use_instead or '(none given)'}\n"
        f"{_fix_doc(spec)}"
    )


def _fix_doc(spec: PackSpec) -> str:
    if spec.remove:
        return (
            f"Fix: The paragraph (or list item) a match is in goes when each of its "
            f"sentences holds a match; what it said is recorded ({spec.fix}).\n"
        )
    if isinstance(spec.replacement, Mapping):
        pairs = ", ".join(f"“{k}” → “{v}”" for k, v in spec.replacement.items())
        return f"Fix: In the body, {pairs} ({spec.fix}).\n"
    if spec.replacement is not None:
        return f"Fix: In the body, a match becomes “{spec.replacement}” ({spec.fix}).\n"
    return ""


class PackRule(Rule):
    """Base of every pack rule: scans its scopes with the entry's regex."""

    spec: ClassVar[PackSpec]
    # A match in a code block or span is skipped (found through the parse); the
    # rest is read as text. So code is built only in a file where a match may be.
    needs: ClassVar[tuple[str, ...] | None] = ()
    needs_if_found: ClassVar[tuple[str, ...]] = _CODE_NEEDS

    def may_find(self, text: str) -> bool:
        """False when the pack's needles rule out a match anywhere in the text
        (the test `_text` makes first, and then takes from here)."""
        return _may_match(self.spec.needles, text)

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        spec = self.spec
        for scope in spec.scopes:
            if scope == "title":
                yield from self._title(ctx)
            else:
                yield from self._text(ctx.parsed, scope)

    def _message(self, match: re.Match[str]) -> str:
        # A match may span lines ("the\nthe"); a finding is one line of output.
        shown = _LINE_BREAK.sub(" ", match.group(0))
        return self.spec.message.replace("{match}", shown)

    def _title(self, ctx: Context) -> Iterator[Violation]:
        title = (ctx.parsed.front_matter or {}).get("title")
        if not isinstance(title, str) or "title" not in ctx.parsed.keys:
            return
        line, column = ctx.parsed.keys["title"]
        raw = ctx.parsed.line_text(line)
        value_start = raw.find(":", column - 1) + 1
        for match in self.spec.regex.finditer(title):
            found = raw.find(match.group(0), value_start)
            yield Violation(line, found + 1 if found >= 0 else column, self._message(match))

    def _text(self, parsed: ParsedFile, scope: str) -> Iterator[Violation]:
        text: str = parsed.document.text
        if not _may_match(self.spec.needles, text):
            return
        start, end = scope_span(parsed, scope)
        found = []
        for match in self._matches(text, lowered_text(parsed), start, end):
            line, column = parsed.position(match.start())
            if scope == "body" and (
                _in_code_or_templating(parsed, line, column) or _in_comment(parsed, match.start())
            ):
                continue
            found.append((match, line, column))
        for match, line, column in found:
            fix = None
            if scope == "body":
                fix = self._fix(parsed, match, [m.span() for m, _, _ in found])
            yield Violation(line, column, self._message(match), fix=fix)

    def _fix(
        self, parsed: ParsedFile, match: re.Match[str], spans: list[tuple[int, int]]
    ) -> Fix | None:
        from copydesk.findings import Fix
        from copydesk.rules._fixes import edit_at, remove_lines

        spec = self.spec
        applicability: Applicability = "unsafe" if spec.fix == "unsafe" else "safe"
        if spec.remove:
            lines = boilerplate_lines(parsed, match.start(), spans)
            if lines is None:
                return None
            removal = remove_lines(parsed, *lines)
            return Fix(removal.edits, applicability, removal.removes)
        new = self._wording(match)
        if new is None:
            return None
        edit = edit_at(parsed, match.start(), match.end(), new)
        if not new.strip():
            return Fix((edit,), applicability, removes=match.group(0))
        return Fix((edit,), applicability, replaces=match.group(0))

    def _wording(self, match: re.Match[str]) -> str | None:
        """The replacement for this match, in the match's own letter case."""
        replacement = self.spec.replacement
        if isinstance(replacement, Mapping):
            new = replacement.get(_phrase_key(match.group(0)))
        elif replacement is not None and self.spec.starts:
            new = replacement  # a phrase: the text as given
        elif replacement is not None:
            new = match.expand(replacement)
        else:
            return None
        if new is None:
            return None
        return _same_case(match.group(0), new)

    def _matches(
        self, text: str, lowered: str | None, start: int, end: int
    ) -> Iterator[re.Match[str]]:
        """`finditer`, but tried only where a match may start (see `PackSpec.heads`)."""
        regex, heads = self.spec.regex, self.spec.heads
        if not heads or (lowered is None and any(folded for _, folded in heads)):
            yield from regex.finditer(text, start, end)
            return
        folds = lowered if lowered is not None else text  # None: no folded head
        candidates = sorted(
            {
                at
                for word, folded in heads
                for at in _occurrences(folds if folded else text, word, start, end)
            }
        )
        taken = start
        for at in candidates:
            if at < taken:
                continue  # inside the previous match, as finditer would skip it
            match = regex.match(text, at, end)
            if match:
                taken = match.end()
                yield match


def _same_case(old: str, new: str) -> str:
    """`Utilize` -> `Use`, `UTILIZE` -> `USE`; anything else as written."""
    if len(old) > 1 and old.isupper() and new.lower() == new:
        return new.upper()
    if old[:1].isupper() and new[:1].islower():
        return new[:1].upper() + new[1:]
    return new


def boilerplate_lines(
    parsed: ParsedFile, offset: int, spans: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The first and last line of the boilerplate block holding `offset`: the
    paragraph or heading, or its list item when that is all the item holds (the
    list, when the item is all it holds). None when a sentence of the block
    holds none of the rule's matches (`spans`): the author's own words are
    there too, or the block is not one a line removal can take out whole."""
    block = _block_at(parsed, offset)
    if block is None or not _all_sentences_match(parsed, block, spans):
        return None
    unit, parent = block, _container(block)
    if parent is not None and parent.type == "list_item":
        if len(_blocks_in(parent)) != 1:
            return None  # the item says more (a nested list, another paragraph)
        unit, parent = parent, _container(parent)
        if parent is not None and parent.type == "list":
            if len(_blocks_in(parent)) == 1:
                unit = parent  # the list's only item: the list goes
            parent = _container(parent)
    if parent is not None:
        return None  # in a quote or deeper: its markers would be left half
    return unit.line, _last_line(unit)


def _container(node: Node) -> Node | None:
    """The nearest enclosing block of a `_REMOVE_NEEDS` type. The lint's parse
    may build more types (a footnote, an admonition, everything for a plugin
    without `needs`); those are looked through, so the answer does not depend
    on which other rules run."""
    parent = node.parent
    while parent is not None and parent.type not in _REMOVE_NEEDS:
        parent = parent.parent
    return parent


def _blocks_in(node: Node) -> list[Node]:
    """`node`'s children of the types a parse with `_REMOVE_NEEDS` builds, looking
    through other nodes (a templating tag placed in a code block counts as the
    item's own)."""
    found: list[Node] = []
    for child in node.children:
        if child.type in _REMOVE_BUILT:
            found.append(child)
        else:
            found.extend(_blocks_in(child))
    return found


def _block_at(parsed: ParsedFile, offset: int) -> Node | None:
    """The paragraph, heading or list item text holding `offset`, from the lint's
    own parse: a rule with `remove` declares these blocks in its `needs`."""
    line = parsed.position(offset)[0]
    for node in parsed.of_type("paragraph", "heading", "block_text"):
        # A block that starts after the line, or ends before it, cannot hold it.
        if node.line <= line <= node.end_line:
            start = parsed.offset(node.line, node.column)
            if start <= offset < parsed.offset(node.end_line, node.end_column):
                return node
    return None


def _last_line(node: Node) -> int:
    """A block's end is often the start of the line after it."""
    if node.end_column == 1 and node.end_line > node.line:
        return node.end_line - 1
    return node.end_line


def _all_sentences_match(parsed: ParsedFile, block: Node, spans: list[tuple[int, int]]) -> bool:
    start = parsed.offset(block.line, block.column)
    text = parsed.document.text[start : parsed.offset(block.end_line, block.end_column)]
    at = 0
    for piece in [*_SENTENCE_END.split(text)]:
        first = text.find(piece, at)
        at = first + len(piece)
        if not re.search(r"\w", piece):
            continue  # markup alone ("*", "---")
        if not any(s < start + at and start + first < e for s, e in spans):
            return False
    return True


def _occurrences(text: str, word: str, start: int, end: int) -> Iterator[int]:
    at = text.find(word, start, end)
    while at >= 0:
        yield at
        at = text.find(word, at + 1, end)


def _in_code_or_templating(parsed: ParsedFile, line: int, column: int) -> bool:
    from copydesk.rules._nodes import code_map

    return code_map(parsed).covers(line, column) or parsed.in_templating(line, column)


_COMMENT = lazy_compile(r"<!--.*?-->", re.DOTALL)


def _in_comment(parsed: ParsedFile, offset: int) -> bool:
    """Inside an HTML comment: nobody reads it (`<!-- vale Vale.Repetition = NO -->`
    is a directive, not a doubled word)."""
    spans: list[tuple[int, int]] = parsed.memo(
        "html-comments", lambda: [m.span() for m in _COMMENT.finditer(parsed.document.text)]
    )
    return any(start <= offset < end for start, end in spans)


def scope_span(parsed: ParsedFile, scope: str) -> tuple[int, int]:
    """Offsets of the body or of the front matter text in the file's text."""
    document = parsed.document
    text: str = document.text
    if scope == "body":
        return len(text) - len(document.body), len(text)
    fm_text = document.front_matter or ""
    fm_start = text.find(fm_text) if fm_text else 0
    return fm_start, fm_start + len(fm_text)


def lowered_text(parsed: ParsedFile) -> str | None:
    """The file's text lowered once and shared by every pack rule."""
    return parsed.memo("lowered", lambda: _lowered(parsed.document.text))


class _Scan(NamedTuple):
    """What the pack rules learnt of the text of the file being linted: its
    lowered form and each rule's needle test. `may_find` asks before the
    file is parsed (there is no `memo` yet to keep them in), `_text` after."""

    text: str
    lowered: str | None
    tested: dict[int, bool]  # by `id` of the needles (a pack rule's, kept all run)


_LAST_SCAN: list[_Scan] = [_Scan("", "", {})]


def _scan(text: str) -> _Scan:
    scan = _LAST_SCAN[0]
    if scan.text is not text:  # the same object: the file's text, read once
        scan = _LAST_SCAN[0] = _Scan(text, lowered_for(text), {})
    return scan


def _lowered(text: str) -> str | None:
    """`lowered_for(text)`, once per file."""
    return _scan(text).lowered


def _may_match(needles: Needles | None, text: str) -> bool:
    """`needles.may_match(text, …)` (True for None), once per file and needles."""
    if needles is None:
        return True
    scan = _scan(text)
    found = scan.tested.get(id(needles))
    if found is None:
        found = scan.tested[id(needles)] = needles.may_match(text, scan.lowered)
    return found


def main() -> None:
    """`python -m copydesk.packs`: write the shipped packs' twins (run by `make docs`)."""
    for path in shipped_packs():
        written = write_compiled(path)
        print(f"{compiled_path(path)}: {'written' if written else 'not written (not plain JSON)'}")


if __name__ == "__main__":
    main()
