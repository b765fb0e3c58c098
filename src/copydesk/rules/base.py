"""The rule API: what a rule declares, what it receives, what it yields.

A rule never computes file positions itself: it reports a `Node` (or a front
matter key, or an explicit line/column) and the engine turns that into a
`Finding` with path, code and severity. Built-in rules and third-party rules
register the same way, through the `copydesk.rules` entry point group, whose
values are modules or classes; every `Rule` subclass found there is loaded.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple

if TYPE_CHECKING:
    # Type-only: importing the model would pull pydantic into every lint start-up.
    from copydesk.findings import Fix, Replacement, Severity
    from copydesk.online import UrlUse, WebReport
    from copydesk.parse import Node, ParsedFile

Scope = Literal["line", "file", "project"]


class Violation(NamedTuple):
    """A rule's report, positioned in the original file (1-based). (A
    NamedTuple: an immutable record that costs start-up no compiled methods;
    `violation._replace(fix=...)` makes a changed copy.)"""

    line: int
    column: int
    message: str
    end_line: int | None = None
    end_column: int | None = None
    severity: Severity | None = None  # None: the rule's configured severity
    replacement: Replacement | None = None  # a suggested edit (e.g. a moved link's new URL)
    fix: Fix | None = None  # edits `lint --fix` may apply (see copydesk.autofix)


class Context:
    """What a rule may look at for one file.

    `settings` are the rule's options merged over its defaults; `project`
    gives cross-file facts (which files exist, which URL serves which post,
    heading ids of other files) and is shared by every file of a run.
    `root`: the configuration's folder (the current folder when not given).
    """

    def __init__(
        self,
        parsed: ParsedFile,
        settings: Mapping[str, Any],
        project: Any = None,
        root: Path | None = None,
        site: Any = None,
        built: frozenset[str] | None = None,
        max_size: int | None = None,
        reads: list[str] | None = None,
        until: float | None = None,
    ) -> None:
        self.parsed = parsed
        self.settings = settings
        self.project = project
        self.root: Path = root if root is not None else Path.cwd()
        # This file's `site.Project`, once a rule has looked it up (see rules._nodes.project).
        self.site = site
        # Node types `parsed` was built with (`parse_document(want=...)`), at least; None:
        # all of them. (A file where a rule may find something has its `needs_if_found` too.)
        self.built = built
        # The run's `max-file-size` in bytes (None: no limit): a rule that reads another
        # file (a link's target) holds it to the same limit as the files linted.
        self.max_size = max_size
        # Other files whose bytes this file's findings depend on (see `read`).
        self.reads = reads
        # When this file's findings may change with the clock alone (see `expires`).
        self.until = until

    @property
    def path(self) -> Path:
        return self.parsed.path

    def read(self, path: Path | str) -> None:
        """Say that this file's findings depend on another file's bytes (a
        snippet it includes): the lint cache keeps its entry while they hold.
        What the site model reads (which files exist, front matter, config)
        is in the cache's key of the site already."""
        if self.reads is None:
            self.reads = []
        self.reads.append(os.path.abspath(path))

    def expires(self, moment: float) -> None:
        """Say that this file's findings may change at `moment` (seconds since
        the epoch: a date in the future that comes): the lint cache keeps its
        entry until then."""
        if self.until is None or moment < self.until:
            self.until = moment


class Rule:
    """Base class of every rule. Subclasses set the class variables and override
    `check` (called per node of a type in `targets`) and/or `check_file`
    (called once per file). Both return any iterable of `Violation`s: a
    generator that yields them, or a tuple or list. A check called for every
    link of a site and that finds nothing on most may `return ()` there: an
    empty tuple costs the engine nothing beyond the call, a generator costs
    its creation and a first step. The docstring must have the four headings
    "What it does", "Why is this bad?", "Example" and "Use instead".
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = "error"
    targets: ClassVar[tuple[str, ...]] = ()
    # Node types the rule reads besides its `targets` (through
    # `ctx.parsed.of_type` or `walk`): the engine asks the parser to build only
    # what the selected rules read. None: unknown, so every node is built.
    needs: ClassVar[tuple[str, ...] | None] = None
    # Node types the rule reads only in a file where it may find something
    # (a pack rule's fix reads the paragraph its match is in): built for a
    # file only when `may_find` says so of its text, so that the files it
    # surely finds nothing in (most) are parsed without them.
    needs_if_found: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[Mapping[str, Any]] = {}
    # Options that take one of a fixed set of values: checked when the config
    # loads (a typo is refused once, with the nearest value) and documented.
    option_choices: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    fixable: ClassVar[bool | str] = False  # or "safe"/"unsafe": the fix it may attach
    # False: an opt-in rule, run only when `select`/`extend-select` names it (or ALL).
    default: ClassVar[bool] = True
    # Where a finding's cause can lie, for `lint --changed-lines`: "line" (on the
    # reported line), "file" (anywhere in the file, e.g. front matter) or
    # "project" (in another file: slug collisions, links into moved files).
    scope: ClassVar[Scope] = "line"
    # A web rule: runs only with `lint --online` (or `online = true`), once per
    # run over every remote URL the files use (see copydesk.online).
    online: ClassVar[bool] = False

    def check(self, node: Node, ctx: Context) -> Iterable[Violation]:
        return ()

    def may_find(self, text: str) -> bool:
        """False only when the rule surely finds nothing in a file of this
        text: the engine then calls none of its checks there (`collect` still
        runs), and parses the file without its `needs_if_found`. Asked before
        the file is parsed, and again after: an answer worth keeping for the
        text (the same object) is cheap to give twice."""
        return True

    def check_file(self, ctx: Context) -> Iterable[Violation]:
        return ()

    def collect(self, ctx: Context) -> Any:
        """Per-file facts for `check_project` (must pickle: files run in worker processes)."""
        return None

    def check_project(self, facts: list[tuple[Path, Any]]) -> Iterator[tuple[Path, Violation]]:
        """Cross-file checks (e.g. slug collisions) over every file's `collect` result,
        called once per run in the main process."""
        return iter(())

    def project_reads(self, facts: list[tuple[Path, Any]]) -> Iterable[str] | None:
        """The files besides the run's own whose bytes `check_project` reads
        for these facts (the site a file's key covers aside). The lint cache
        keeps the project stage's outcome while every file's key and these
        files hold. None: it may read anything, so the stage runs every time."""
        return None

    def settle(self, facts: list[tuple[Path, Any]]) -> Iterator[tuple[Path, Any, list[Violation]]]:
        """The part of the project stage whose outcome for a file holds as long
        as the lint cache's key for the file does (which files the site has,
        their front matter, its config: a link resolved through the site's URL
        index), run before the cache keeps the run's results: per file whose
        facts it settles, the facts as kept and findings that join the file's
        own. A warm run then redoes none of it. Called in the main process."""
        return iter(())

    def probes(self, use: UrlUse) -> Iterator[tuple[str, bool]]:
        """Web rules: the URLs (without fragment) to ask about for one use, and
        whether each page must be read (for its ids)."""
        return iter(())

    def check_online(
        self, uses: list[tuple[Path, UrlUse]], web: WebReport
    ) -> Iterator[tuple[Path, Violation]]:
        """Web rules: every remote URL use of the run with what the web said,
        called once per run in the main process."""
        return iter(())

    # Helpers so rules report through what they were given.
    def at(
        self, node: Node, message: str, severity: Severity | None = None, fix: Fix | None = None
    ) -> Violation:
        return Violation(
            node.line, node.column, message, node.end_line, node.end_column, severity, fix=fix
        )

    def at_key(
        self, ctx: Context, key: str, message: str, severity: Severity | None = None
    ) -> Violation:
        """Report at a front matter key, or line 1 when the key is absent."""
        line, column = ctx.parsed.keys.get(key, (1, 1))
        return Violation(line, column, message, severity=severity)
