"""Inline suppression: HTML comments and a front matter key that silence rules.

    <!-- copydesk-disable CD101 CD102 -->   ... <!-- copydesk-enable CD101 -->
    <!-- copydesk-disable-next-line CD101 -->
    text <!-- copydesk-disable-line CD101 -->
    <!-- copydesk-disable-file CD101 -->
    copydesk: {disable: [CD101]}            (front matter: the whole file)

No codes means every rule. Only real HTML comments count: the same text in
a code block or an inline code span is prose about copydesk, not an
instruction to it. A suppression that silences nothing, or names a code no
rule has, is itself reported (CD490, CD491), so stale comments do not pile up.
A comment that looks like a directive but is not one of these (a typo, or the
old `copydesk: disable` form, whose meaning was never clear) silences nothing
and is reported (CD492) with the directive it most likely meant.
The spans are plain data so that worker processes can send them back and the
main process can apply them to project-wide findings too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Set
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from copydesk.findings import Fix, Replacement
from copydesk.lazyre import lazy_compile
from copydesk.rules.base import Rule, Violation

if TYPE_CHECKING:
    from copydesk.parse import ParsedFile

UNUSED_CODE = "CD490"
UNKNOWN_CODE = "CD491"
UNKNOWN_DIRECTIVE = "CD492"
EVERY = "*"
_END = 1 << 30
KINDS = ("disable", "enable", "disable-next-line", "disable-line", "disable-file")
# Anything that starts like a directive, so that typos are caught rather than ignored.
# Compiled on first use: a warm lint imports this module and finds no comment.
_COMMENT = lazy_compile(r"<!--\s*copydesk(-|:\s*)([A-Za-z]+(?:-[A-Za-z]+)*)(.*?)-->", re.DOTALL)
_SPLIT = lazy_compile(r"[\s,]+")


class Directive(NamedTuple):
    """One suppression as written: where it is, what it names."""

    kind: str
    line: int
    column: int
    codes: tuple[str, ...]
    end_line: int
    # False: not a directive copydesk knows; `kind` is then as written (CD492).
    valid: bool = True
    end_column: int = 0  # exclusive, of the comment; 0: not a comment (front matter)
    # CD490's fix when every code is unused: the comment, or the lines it fills, removed.
    removal: Fix | None = None


class Span(NamedTuple):
    """One code (or every code) silenced on lines start..end by a directive."""

    code: str
    start: int
    end: int
    directive: int


class Suppressions:
    """A file's suppressions; `silences` records which ones were needed.

    (Directive and Span are NamedTuples and this a plain class, not
    dataclasses: a warm lint imports this module, and the dataclasses
    module with what it pulls in costs it ~8 ms.)"""

    __slots__ = ("directives", "spans", "used")
    # The constructor's arguments, in order: what the lint cache's codec keeps.
    __match_args__ = ("directives", "spans", "used")

    def __init__(
        self,
        directives: list[Directive] | None = None,
        spans: list[Span] | None = None,
        used: set[tuple[int, str]] | None = None,
    ) -> None:
        self.directives = directives if directives is not None else []
        self.spans = spans if spans is not None else []
        self.used = used if used is not None else set()

    def silences(self, code: str, line: int, record: bool = True) -> bool:
        hit = False
        for span in self.spans:
            if span.start <= line <= span.end and span.code in (code, EVERY):
                hit = True
                if not record:
                    break
                self.used.add((span.directive, span.code))
        return hit


def find_suppressions(parsed: ParsedFile, names: Mapping[str, str]) -> Suppressions:
    """Directives from HTML comments and front matter, turned into line spans.

    `names` maps rule names to codes, so `copydesk-disable missing-link-target` works.
    """
    directives = list(_front_matter_directive(parsed))
    if "copydesk" in parsed.document.body:
        directives.extend(_comment_directives(parsed))
    if not directives:
        return Suppressions()
    directives.sort(key=lambda d: (d.line, d.column))
    return Suppressions(directives, spans_of(directives, names))


def _front_matter_directive(parsed: ParsedFile) -> Iterator[Directive]:
    settings: Any = (parsed.front_matter or {}).get("copydesk")
    if not isinstance(settings, dict):
        return
    line, column = parsed.keys.get("copydesk", (1, 1))
    for key in settings:
        if key != "disable":
            yield Directive(f"copydesk.{key}", line, column, (), line, valid=False)
    codes = settings.get("disable")
    if isinstance(codes, str):
        codes = _SPLIT.split(codes.strip())
    if isinstance(codes, list):
        yield Directive("disable-file", line, column, tuple(str(c) for c in codes), line)


def _comment_directives(parsed: ParsedFile) -> Iterator[Directive]:
    html_lines, inline_starts = _html_positions(parsed)
    text = parsed.document.text
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
    for match in _COMMENT.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - line_starts[line - 1] + 1
        if line not in html_lines and (line, column) not in inline_starts:
            continue  # inside code, or not an HTML comment in Markdown's eyes
        separator, kind = match.group(1), match.group(2).lower()
        codes = tuple(code for code in _SPLIT.split(match.group(3).strip()) if code)
        end_line = line + match.group(0).count("\n")
        if separator == "-" and kind in KINDS:
            end_column = parsed.position(match.end())[1]
            removal = _removal(parsed, match.start(), match.end(), line, end_line)
            yield Directive(kind, line, column, codes, end_line, True, end_column, removal)
        else:
            written = f"copydesk{separator.strip()}{' ' if ':' in separator else ''}{kind}"
            yield Directive(written, line, column, codes, end_line, valid=False)


def _removal(parsed: ParsedFile, start: int, end: int, line: int, end_line: int) -> Fix:
    """The comment's lines when nothing else is on them; else the comment and the
    spaces before it (`text <!-- copydesk-disable-line CD101 -->`)."""
    from copydesk.rules._fixes import edit_at, remove_lines

    text = parsed.document.text
    before = text[text.rfind("\n", 0, start) + 1 : start]
    after_end = text.find("\n", end)
    after = text[end : len(text) if after_end < 0 else after_end]
    if not before.strip() and not after.strip():
        return remove_lines(parsed, line, end_line)
    start -= len(before) - len(before.rstrip(" \t"))
    return Fix((edit_at(parsed, start, end, ""),), removes=text[start:end])


def _html_positions(parsed: ParsedFile) -> tuple[set[int], set[tuple[int, int]]]:
    block_lines: set[int] = set()
    inline_starts: set[tuple[int, int]] = set()
    for node in parsed.of_type("block_html", "inline_html"):
        if node.type == "block_html":
            block_lines.update(range(node.line, (node.end_line or node.line) + 1))
        else:
            inline_starts.add((node.line, node.column))
    return block_lines, inline_starts


def spans_of(directives: list[Directive], names: Mapping[str, str]) -> list[Span]:
    """disable opens, enable closes (no codes: all); line, next-line and file are fixed."""
    spans: list[Span] = []
    open_spans: dict[str, tuple[int, int]] = {}
    for index, directive in enumerate(directives):
        codes = tuple(names.get(code, code) for code in directive.codes) or (EVERY,)
        if not directive.valid:
            continue
        if directive.kind == "disable-file":
            spans.extend(Span(code, 1, _END, index) for code in codes)
        elif directive.kind == "disable-next-line":
            after = directive.end_line + 1
            spans.extend(Span(code, after, after, index) for code in codes)
        elif directive.kind == "disable-line":
            spans.extend(Span(code, directive.line, directive.end_line, index) for code in codes)
        elif directive.kind == "disable":
            for code in codes:
                open_spans.setdefault(code, (directive.line, index))
        else:
            closing = codes if directive.codes else tuple(open_spans)
            for code in closing:
                if code in open_spans:
                    start, opened_by = open_spans.pop(code)
                    spans.append(Span(code, start, directive.line, opened_by))
    spans.extend(Span(code, start, _END, index) for code, (start, index) in open_spans.items())
    return spans


def stale_suppressions(
    suppressions: Suppressions, known: Set[str], active: Set[str], names: Mapping[str, str]
) -> Iterator[tuple[str, Violation]]:
    """CD492 for unknown directives; CD491 for codes no rule has; CD490 for
    suppressions that silenced nothing.

    A code that is known but not selected in this run cannot be judged, so it
    is never called unused; neither are suppressions of CD490-CD492 themselves.
    """
    for index, directive in enumerate(suppressions.directives):
        if not directive.valid:
            message = f"unknown suppression directive '{directive.kind}'{_hint(directive.kind)}"
            yield UNKNOWN_DIRECTIVE, Violation(directive.line, directive.column, message)
            continue
        codes = [names.get(code, code) for code in directive.codes] or [EVERY]
        unknown = [code for code in codes if code != EVERY and code not in known]
        for code in unknown:
            message = f"unknown rule code '{code}' in suppression"
            yield UNKNOWN_CODE, Violation(directive.line, directive.column, message)
        if directive.kind == "enable":
            continue
        unused = [
            code
            for code in codes
            if code not in unknown
            and code not in (UNUSED_CODE, UNKNOWN_CODE, UNKNOWN_DIRECTIVE)
            and (code == EVERY or code in active)
            and (index, code) not in suppressions.used
        ]
        if unused:
            what = (
                "blanket suppression"
                if unused == [EVERY]
                else "suppression of " + ", ".join(unused)
            )
            message = f"unused {what}"
            fix = _unused_fix(directive, codes, unused)
            yield UNUSED_CODE, Violation(directive.line, directive.column, message, fix=fix)


def _unused_fix(directive: Directive, codes: list[str], unused: list[str]) -> Fix | None:
    """CD490's fix: the whole comment when it silences nothing, else the comment
    rewritten with only the codes that were needed (their spelling as written)."""
    if len(unused) == len(codes):
        return directive.removal
    if not directive.end_column or directive.line != directive.end_line:
        return None
    pairs = zip(directive.codes, codes, strict=True)
    kept = [code for code, name in pairs if name not in unused]
    comment = f"<!-- copydesk-{directive.kind} {' '.join(kept)} -->"
    edit = Replacement(
        directive.line, directive.column, directive.end_line, directive.end_column, comment
    )
    return Fix((edit,), removes=" ".join(unused))


def _hint(written: str) -> str:
    """The directive a typo or the legacy `copydesk: disable` most likely meant."""
    if written.startswith("copydesk:"):
        return "; write copydesk-disable-line (this line) or copydesk-disable-next-line"
    import difflib

    if written.startswith("copydesk."):  # a front matter key: only `disable` exists
        return "; the front matter key takes only 'disable'"
    kind = written.removeprefix("copydesk-")
    close = difflib.get_close_matches(kind, KINDS, n=1, cutoff=0.6)
    return f"; did you mean 'copydesk-{close[0]}'?" if close else f"; expected one of {_kinds()}"


def _kinds() -> str:
    return ", ".join(f"copydesk-{kind}" for kind in KINDS)


class UnusedSuppression(Rule):
    """A suppression comment that silences nothing.

    What it does: Reports `copydesk-disable…` comments (and the front matter
    `copydesk: {disable: […]}` key) that did not silence any finding of a rule
    selected in this run.
    Why is this bad? The problem it silenced was fixed long ago; the stale
    comment now hides the next real finding in its range.
    Example:
    <!-- copydesk-disable-next-line CD101 -->
    See [the guide](guide.md), which exists.
    Use instead:
    See [the guide](guide.md), which exists.
    Fix: removes the comment (with its line when nothing else is on it), or,
    when some of its codes were needed, keeps only those.
    """

    code: ClassVar[str] = UNUSED_CODE
    fixable: ClassVar[bool | str] = "safe"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "unused-suppression"
    summary: ClassVar[str] = "suppression comment that silences nothing"
    severity = "warning"


class UnknownSuppressionCode(Rule):
    """A suppression names a rule code that does not exist.

    What it does: Reports codes in `copydesk-disable…`/`copydesk-enable`
    comments and in the front matter `copydesk: {disable: […]}` key that no
    registered rule (built-in, plugin or pack) has.
    Why is this bad? A typo such as CD1O1 silences nothing, so the finding the
    author meant to silence keeps failing, or the comment is left over from a
    removed plugin.
    Example:
    <!-- copydesk-disable-next-line CD1O1 -->
    Use instead:
    <!-- copydesk-disable-next-line CD101 -->
    """

    code: ClassVar[str] = UNKNOWN_CODE
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "unknown-suppression-code"
    summary: ClassVar[str] = "suppression names an unknown rule code"
    severity = "warning"


class UnknownSuppressionDirective(Rule):
    """A comment that looks like a suppression but is not a directive copydesk knows.

    What it does: Reports `<!-- copydesk-… -->` and `<!-- copydesk: … -->`
    comments whose directive is not one of `copydesk-disable`,
    `copydesk-enable`, `copydesk-disable-line`, `copydesk-disable-next-line`
    or `copydesk-disable-file` (see docs/suppressions.md). Such a comment
    silences nothing. The old `copydesk: disable` form is reported too: it
    was documented as silencing one finding but silenced the rest of the file.
    Why is this bad? The author meant to silence something; a typo such as
    `copydesk-disabel` silently does nothing, or worse, a near miss used to
    silence far more than intended.
    Example:
    See [old](gone.md). <!-- copydesk: disable CD101 -->
    Use instead:
    See [old](gone.md). <!-- copydesk-disable-line CD101 -->
    """

    code: ClassVar[str] = UNKNOWN_DIRECTIVE
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "unknown-suppression-directive"
    summary: ClassVar[str] = "comment looks like a suppression but is not one"
    severity = "warning"
