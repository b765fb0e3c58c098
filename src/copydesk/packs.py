"""Declarative rule packs: YAML lists of patterns turned into ordinary rules.

House style and boilerplate checks ("click here", "utm_" parameters, a
trailing "Leave a Reply") need no Python: a pack entry names a code, a
regex or a list of phrases, a message and where to look. Each entry becomes
a `Rule` subclass, so packs are selected, configured, suppressed and
documented exactly like built-in rules. The format is in docs/rule-packs.md.

Matches inside code (fenced, indented, inline) and templating (Liquid, Hugo
shortcodes) never count: a post that discusses a phrase may quote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from copydesk.errors import CopydeskError
from copydesk.literals import Needles, lowered_for, required_literals
from copydesk.rules.base import Context, Rule, Violation

if TYPE_CHECKING:
    from copydesk.parse import ParsedFile
    from copydesk.registry import RuleInfo

SCOPES = ("title", "body", "front_matter")
SEVERITIES = ("error", "warning", "info")
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PACK_CODE = re.compile(r"^[A-Z][A-Z0-9]*\d+$")
_REQUIRED = ("id", "name", "message")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")
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
)


class PackError(CopydeskError):
    """A rule pack file is missing, not YAML, or has a malformed entry."""


@dataclass(frozen=True)
class PackSpec:
    """One validated pack entry."""

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


def shipped_packs() -> list[Path]:
    """Packs in the wheel (copydesk/_packs), else the repository's rules/ folder."""
    here = Path(__file__).resolve().parent
    for folder in (here / "_packs", here.parent.parent / "rules"):
        if folder.is_dir():
            return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])
    return []


def load_pack(path: Path) -> list[RuleInfo]:
    """Read one pack file into rule classes; a bad entry raises `PackError`."""
    from copydesk.registry import RuleInfo

    entries = _read_yaml(path)
    infos = []
    for index, entry in enumerate(entries, start=1):
        spec = _spec(path, index, entry)
        infos.append(RuleInfo(_rule_class(spec), f"pack {path}"))
    return infos


def _read_yaml(path: Path) -> list[Any]:
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is 10x faster
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except OSError as error:
        raise PackError(path, f"cannot read rule pack: {error.strerror or error}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise PackError(path, f"rule pack is not valid YAML: {error}") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise PackError(path, "a rule pack must be a YAML list of rules")
    return data


def _spec(path: Path, index: int, entry: Any) -> PackSpec:
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
    regex, what = _matcher(path, code, entry)
    default = entry.get("default", True)
    if not isinstance(default, bool):
        raise PackError(path, f"{code}: default must be true or false")
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
        needles=required_literals(regex),
        default=default,
        starts=_first_words(entry.get("phrases")),
    )


def _scopes(path: Path, code: str, scope: Any) -> tuple[str, ...]:
    scopes = (scope,) if isinstance(scope, str) else tuple(scope or ())
    bad = [item for item in scopes if item not in SCOPES]
    if not scopes or bad:
        raise PackError(path, f"{code}: scope must be one or more of {', '.join(SCOPES)}")
    return scopes


def _matcher(path: Path, code: str, entry: Mapping[str, Any]) -> tuple[re.Pattern[str], str]:
    pattern, phrases = entry.get("pattern"), entry.get("phrases")
    if (pattern is None) == (phrases is None):
        raise PackError(path, f"{code}: give exactly one of 'pattern' or 'phrases'")
    if pattern is not None:
        try:
            return re.compile(str(pattern), re.MULTILINE), f"text matching `{pattern}`"
        except re.error as error:
            raise PackError(path, f"{code}: bad pattern: {error}") from None
    if (
        not isinstance(phrases, list)
        or not phrases
        or not all(isinstance(p, str) and p.strip() for p in phrases)
    ):
        raise PackError(path, f"{code}: 'phrases' must be a non-empty list of strings")
    return phrase_regex(phrases), "the phrases " + ", ".join(f"“{p}”" for p in phrases)


def _first_words(phrases: Any) -> tuple[str, ...]:
    if not isinstance(phrases, list):
        return ()
    return tuple(sorted({str(phrase).split()[0].lower() for phrase in phrases}))


def phrase_regex(phrases: list[str]) -> re.Pattern[str]:
    """Case-insensitive, whole words, any whitespace (even a line break) between words."""
    alternatives = sorted((r"\s+".join(map(re.escape, p.split())) for p in phrases), key=len)
    joined = "|".join(reversed(alternatives))
    return re.compile(rf"(?<!\w)(?:{joined})(?!\w)", re.IGNORECASE)


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
    }
    return type(f"PackRule_{spec.code}", (PackRule,), attrs)


def _docstring(spec: PackSpec) -> str:
    where = " and ".join(scope.replace("_", " ") for scope in spec.scopes)
    return (
        f"{spec.summary}\n\n"
        f"What it does: flags {spec.what} in the {where}.\n"
        f"Why is this bad? {spec.why}\n"
        f"Example:\n{spec.example or '(none given)'}\n"
        f"Use instead:\n{spec.use_instead or '(none given)'}\n"
    )


class PackRule(Rule):
    """Base of every pack rule: scans its scopes with the entry's regex."""

    spec: ClassVar[PackSpec]
    # Code blocks and spans are skipped (found through the parse); the rest is read as text.
    needs: ClassVar[tuple[str, ...] | None] = ("block_code", "codespan")

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
        needles = self.spec.needles
        if needles is not None and not needles.may_match(text, lowered_text(parsed)):
            return
        start, end = scope_span(parsed, scope)
        for match in self._matches(text, lowered_text(parsed), start, end):
            line, column = parsed.position(match.start())
            if scope == "body" and _in_code_or_templating(parsed, line, column):
                continue
            yield Violation(line, column, self._message(match))

    def _matches(
        self, text: str, lowered: str | None, start: int, end: int
    ) -> Iterator[re.Match[str]]:
        """`finditer`, but for a phrase rule tried only where a phrase's first word is."""
        regex, starts = self.spec.regex, self.spec.starts
        if not starts or lowered is None:
            yield from regex.finditer(text, start, end)
            return
        candidates = sorted(
            {at for word in starts for at in _occurrences(lowered, word, start, end)}
        )
        taken = start
        for at in candidates:
            if at < taken:
                continue  # inside the previous match, as finditer would skip it
            match = regex.match(text, at, end)
            if match:
                taken = match.end()
                yield match


def _occurrences(text: str, word: str, start: int, end: int) -> Iterator[int]:
    at = text.find(word, start, end)
    while at >= 0:
        yield at
        at = text.find(word, at + 1, end)


def _in_code_or_templating(parsed: ParsedFile, line: int, column: int) -> bool:
    from copydesk.rules._nodes import code_map

    return code_map(parsed).covers(line, column) or parsed.in_templating(line, column)


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
    return parsed.memo("lowered", lambda: lowered_for(parsed.document.text))
