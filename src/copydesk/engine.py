"""The lint engine: find files, run the selected rules, apply config and comments.

Per file the work is: read and parse once, walk the AST once (a dispatch map
sends each node only to the rules that target its type), then `check_file`
and `collect`. Files run in worker processes (fork, in chunks) when there
are enough of them; project rules' `check_project` runs in the main process
over every file's `collect` result. Suppressions, per-file-ignores and
severities are applied last, in the main process, so that project findings
obey them too. Output order never depends on the number of jobs.

Isolation is the engine's, not each rule's or parser path's: whatever goes
wrong with one file (it cannot be read, the parser raises, a rule raises or
yields something that is not a `Violation`, its results do not come back
from a worker, its worker is killed) is one `LintError` line naming the file, and the rule where
one raised; every other file is still linted and reported, with any number
of jobs. A file the run could not check (unreadable, or a bug) fails the run
(`LintResult.failed`, exit code 2); a file refused for what it holds (empty,
binary, not UTF-8, over `max-file-size`) is named and does not.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from copydesk.config import Config, ConfigFinder, Overrides, Resolved, resolve
from copydesk.errors import CopydeskError, FileTooLarge, UnreadableFile, UsageError
from copydesk.registry import Registry, RuleInfo, load_registry
from copydesk.rules.base import Context, Rule, Violation
from copydesk.suppress import Suppressions, find_suppressions, stale_suppressions

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from copydesk.findings import Finding, Severity
    from copydesk.lintcache import CachedRun
    from copydesk.online import Group, LinkSummary, UrlUse
    from copydesk.parse import Node, ParsedFile
    from copydesk.progress import Progress
    from copydesk.web.options import OnlineOptions

    # A rule's bound `check` and `check_file`, as the per-file loop calls them.
    NodeCheck = Callable[[Node, Context], Iterable[Violation]]
    FileCheck = Callable[[Context], Iterable[Violation]]

# Below this many files a process pool costs more than it saves.
MIN_FILES_PER_JOB = 24
# Below this many files a run neither reads nor writes the lint cache: reading it
# would cost a one-file hook run more than it saves. Here, not in copydesk.lintcache,
# so that a small run does not import that module only to learn it is not needed.
CACHE_MIN_FILES = 24
# Modules that keep what they learnt of the tree (site roots, generators, site
# models, `_posts` folders, sections' sort order) for a run: `lint_paths` makes
# them forget it (`forget_tree`), so a second run in one process sees the tree
# as a fresh process does. Only those loaded are asked (a warm run loads few).
_TREE_MEMOS = (
    "copydesk.cachedir",
    "copydesk.site.detect",
    "copydesk.site.project",
    "copydesk.site.zola",
    "copydesk.rules.links",
)
# Chunks shrink as the queue does (guided scheduling): each takes this share of
# what is left per job, so that the first are large (a chunk costs the main
# process ~0.4 ms: a future, a task list and its results through a pipe) and
# the last are small, so that workers finish together: the last chunk of one
# worker is all the other may wait for. ~30 chunks a job, not 64.
CHUNK_SHARE = 4
# The last chunks' size: ~1/128 of a job's files (the fixed chunks had 1/64).
LAST_CHUNKS_PER_JOB = 128


class LintError(NamedTuple):
    """A file that could not be linted, or a rule that crashed.

    `internal`: a bug (a rule, the parser or the engine raised).
    `unreadable`: the file's bytes could not be read (permission, a symlink
    loop, not a regular file). Either means the file went unchecked.
    (A NamedTuple: an immutable record that costs start-up no compiled methods.)
    """

    path: str
    message: str
    internal: bool = False
    unreadable: bool = False

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class LintResult(NamedTuple):
    """Findings and errors, plus what reporters need besides them: the files
    linted (display paths, for one JUnit test case each) and every rule known
    to the run by code, a config's own packs included (for SARIF's rule list).
    (A NamedTuple, as the records of a run are: `_replace` makes a changed copy.)"""

    findings: list[Finding]
    errors: list[LintError]
    files: list[str]
    rules: dict[str, RuleInfo]
    # `lint --online`: counts per outcome of the run's remote URLs (None: offline).
    links: LinkSummary | None
    notes: list[str]  # what discovery skipped, and why
    # Each linted file by its display path (`lint --fix` writes through these).
    paths: dict[str, Path]
    # Each linted file's configuration by its display path (`lint` takes its baseline).
    configs: dict[str, Config]
    # `lint_paths(reusable=True)`: what `relint` needs to lint some files again.
    session: Session | None

    @property
    def internal_error(self) -> bool:
        return any(error.internal for error in self.errors)

    @property
    def failed(self) -> bool:
        """A file went unchecked (unreadable, or a bug): a gate must not pass (exit 2)."""
        return any(error.internal or error.unreadable for error in self.errors)


class RuleSet:
    """The selected rules of one resolved configuration, ready to dispatch.

    The rules themselves, and what comes from their classes (which node types
    each one targets, which hooks it overrides, what the parser must build),
    are made on first use: a lint cache run that answers every file from the
    cache imports only the rule modules of rules with a project stage.
    Everything else here comes from the registry's metadata.
    """

    def __init__(
        self,
        resolved: Resolved,
        infos: list[RuleInfo],
        settings: list[Any],
        known: frozenset[str],
        active: frozenset[str],
        max_size: int | None = None,
        online_rules: list[int] | None = None,
        contexts: list[int] | None = None,
        context_settings: list[Any] | None = None,
    ) -> None:
        self.resolved = resolved
        self.infos = infos
        self.settings = settings
        self.known = known
        self.active = active
        self.max_size = max_size  # bytes above which a file is skipped; None: no limit
        # Web rules (`lint --online`); their files' remote URLs are collected.
        self.online_rules = online_rules if online_rules is not None else []
        # Rules whose settings are equal share one `Context` per file (see `shared_settings`):
        # `contexts[i]` is rule i's among the settings in `context_settings`.
        self.contexts = contexts if contexts is not None else []
        self.context_settings = context_settings if context_settings is not None else []
        self._made: dict[int, Rule] = {}
        # The last text `quiet` answered for (kept alive: compared by identity), and its answer.
        self._last_quiet: tuple[str, frozenset[int], dict[int, str]] | None = None

    def rule(self, index: int) -> Rule:
        """Rule `index`, constructed once."""
        made = self._made.get(index)
        if made is None:
            made = self._made[index] = self.infos[index].cls()
        return made

    def make(self) -> None:
        """Every rule, and what comes from their classes, now (see `_make_rules`)."""
        _ = self.node_checks, self.file_checks, self.collectors, self.wanted_if_found, self.finders

    @cached_property
    def rules(self) -> list[Rule]:
        return [self.rule(index) for index in range(len(self.infos))]

    @cached_property
    def dispatch(self) -> dict[str, list[int]]:
        """Rule indexes by the node type they target."""
        dispatch: dict[str, list[int]] = {}
        for index, rule in enumerate(self.rules):
            for node_type in rule.targets:
                dispatch.setdefault(node_type, []).append(index)
        return dispatch

    @cached_property
    def file_rules(self) -> list[int]:
        return [i for i, r in enumerate(self.rules) if type(r).check_file is not Rule.check_file]

    @cached_property
    def node_checks(self) -> dict[str, list[tuple[int, NodeCheck, str]]]:
        """`dispatch` with each rule's bound `check` and code, as the per-file loop
        calls them (looked up once per run, not once per file and rule)."""
        rules = self.rules
        return {
            node_type: [(i, rules[i].check, rules[i].code) for i in indexes]
            for node_type, indexes in self.dispatch.items()
        }

    @cached_property
    def file_checks(self) -> list[tuple[int, FileCheck, str]]:
        """`file_rules` with each rule's bound `check_file` and code."""
        return [(i, self.rules[i].check_file, self.rules[i].code) for i in self.file_rules]

    @cached_property
    def collectors(self) -> list[int]:
        """Rules with a project stage (`collect`). A built-in rule (one from the
        rule table) is looked at only when its scope is "project", as every
        built-in rule with a project stage says (tests/test_ruletable.py)."""
        return [
            i
            for i, info in enumerate(self.infos)
            if (info.where is None or info.scope == "project")
            and type(self.rule(i)).collect is not Rule.collect
        ]

    @cached_property
    def want(self) -> frozenset[str] | None:
        """Node types the parser must build for these rules in every file; None: all."""
        return parse_wants(self.rules)

    @cached_property
    def finders(self) -> list[tuple[int, Callable[[str], bool]]]:
        """Each rule with a `may_find` of its own, by index."""
        return [
            (i, rule.may_find)
            for i, rule in enumerate(self.rules)
            if type(rule).may_find is not Rule.may_find
        ]

    @cached_property
    def wanted_if_found(self) -> list[tuple[int, frozenset[str]]]:
        """Each rule (by index) with the node types it adds where its `may_find` holds."""
        want = self.want
        if want is None:
            return []
        found = [(i, frozenset(rule.needs_if_found) - want) for i, rule in enumerate(self.rules)]
        return [(i, more) for i, more in found if more]

    def want_for(self, text: str) -> frozenset[str] | None:
        """`want`, and the `needs_if_found` of each rule that may find
        something in a file of this text."""
        want = self.want
        if want is None:
            return None
        quiet, _ = self.quiet(text)
        for i, more in self.wanted_if_found:
            if i not in quiet:
                want |= more
        return want

    def quiet(self, text: str) -> tuple[frozenset[int], dict[int, str]]:
        """The rules whose `may_find` says they find nothing in a file of this
        text, and those whose `may_find` raised (with the reason). Asked before
        the parse (`want_for`) and after (`_lint_file`): answered once per text."""
        last = self._last_quiet
        if last is not None and last[0] is text:
            return last[1], last[2]
        quiet: set[int] = set()
        crashed: dict[int, str] = {}
        for i, may_find in self.finders:
            try:
                if not may_find(text):
                    quiet.add(i)
            except Exception as error:  # one broken rule must not hide the others' findings
                crashed[i] = _crash(error)
        found = frozenset(quiet)
        self._last_quiet = (text, found, crashed)
        return found, crashed

    def wants(self) -> frozenset[str] | Callable[[str], frozenset[str] | None] | None:
        """What `parse_for` is given: `want`, or `want_for` when some rule's
        needs depend on the file."""
        return self.want_for if self.wanted_if_found else self.want


# Suppression comments are found through the parse's HTML nodes.
SUPPRESSION_NEEDS = ("inline_html", "block_html")


def parse_wants(rules: Sequence[Rule]) -> frozenset[str] | None:
    """The node types the rules target or declare in `needs`; None when a rule
    does not say (a plugin written before `needs`): then everything is built."""
    want = set(SUPPRESSION_NEEDS)
    for rule in rules:
        if rule.needs is None:
            return None
        want.update(rule.targets, rule.needs)
    return frozenset(want)


def build_ruleset(
    resolved: Resolved, max_file_size: int | None = None, online: bool | None = False
) -> RuleSet:
    """Choose the rules (constructed on first use: see `RuleSet`).

    `max_file_size`: the command line's limit, over the config's (0: none).
    Web rules are left out of an offline run, as if not selected; `online`
    None: the rule set's own configuration decides (`online = true`)."""
    if online is None:
        online = resolved.config.online
    chosen = [active for active in resolved.active if online or not active.info.online]
    limit = resolved.config.max_file_size if max_file_size is None else max_file_size
    settings = [active.settings for active in chosen]
    contexts, context_settings = shared_settings(settings)
    return RuleSet(
        resolved=resolved,
        infos=[active.info for active in chosen],
        settings=settings,
        known=frozenset(resolved.registry.rules),
        # Web rules' suppressions are never judged unused: whether their finding
        # shows depends on the network (a flaky host answers today) and the scope.
        active=frozenset(active.info.code for active in chosen if not active.info.online),
        max_size=limit or None,
        online_rules=[i for i, active in enumerate(chosen) if active.info.online],
        contexts=contexts,
        context_settings=context_settings,
    )


def shared_settings(settings: Sequence[Any]) -> tuple[list[int], list[Any]]:
    """Each rule's slot among the distinct settings (equal ones share a slot).

    A file's `Context` depends on nothing but the file and the settings, so
    rules set alike can share one: the default rules need a dozen per file,
    not forty, and the site lookup that a context keeps (`rules._nodes.project`)
    is done once per slot."""
    distinct: list[Any] = []
    slots: list[int] = []
    for value in settings:
        slot = next((j for j, seen in enumerate(distinct) if seen == value), None)
        if slot is None:
            slot = len(distinct)
            distinct.append(value)
        slots.append(slot)
    return slots, distinct


class FileResult:
    """What a worker sends back for one file (all of it pickles)."""

    __slots__ = (
        "errors",
        "facts",
        "front_matter",
        "hits",
        "path",
        "reads",
        "ruleset",
        "suppressions",
        "until",
        "urls",
    )

    def __init__(
        self,
        path: Path,
        ruleset: int,
        hits: list[tuple[str, Violation]] | None = None,
        suppressions: Suppressions | None = None,
        facts: dict[str, Any] | None = None,
        errors: list[LintError] | None = None,
        urls: list[UrlUse] | None = None,
        reads: tuple[str, ...] = (),
        until: float | None = None,
    ) -> None:
        self.path = path
        self.ruleset = ruleset
        self.hits = hits if hits is not None else []
        self.suppressions = suppressions if suppressions is not None else Suppressions()
        self.facts = facts if facts is not None else {}
        self.errors = errors if errors is not None else []
        self.urls = urls if urls is not None else []  # remote URLs, for web rules
        self.reads = reads  # other files its findings depend on (`Context.read`)
        self.until = until  # when its findings may change with the clock (`Context.expires`)
        # Its front matter's value as the lint cache keeps it (copydesk.fmcache), when kept.
        self.front_matter: str | None = None

    def without_hits(self) -> FileResult:
        """The same result with no hits: its facts feed a project stage run again."""
        return FileResult(
            self.path,
            self.ruleset,
            [],
            self.suppressions,
            self.facts,
            self.errors,
            self.urls,
            self.reads,
            self.until,
        )


# --- per file (runs in workers) -----------------------------------------------


def lint_file(
    path: Path,
    index: int,
    ruleset: RuleSet,
    collect_only: bool = False,
    data: bytes | None = None,
) -> FileResult:
    """`collect_only`: a context file, read only for project rules' facts.
    `data`: the file's bytes when they do not come from `path` (`lint -`).

    Never raises: an exception outside any rule (reading, parsing, the
    engine itself) is this file's one internal error, and the run goes on.
    """
    try:
        return _lint_file(path, index, ruleset, collect_only, data)
    except Exception as error:  # a bug must cost one file, not the run
        result = FileResult(path, index)
        message = f"internal error: {_crash(error)}"
        result.errors.append(LintError(display(path), message, internal=True))
        return result


def _lint_file(
    path: Path, index: int, ruleset: RuleSet, collect_only: bool, data: bytes | None
) -> FileResult:
    result = FileResult(path, index)
    try:
        if collect_only:
            parsed = parse_front_matter(path, ruleset.max_size)
        else:
            parsed = parse_for(path, ruleset.wants(), ruleset.max_size, data)
    except CopydeskError as error:
        unreadable = isinstance(error, UnreadableFile)
        result.errors.append(LintError(display(path), error.reason, unreadable=unreadable))
        return result
    from copydesk import fmcache  # loaded with the parser

    if fmcache.keeping() and parsed.front_matter is not None and data is None:
        document = parsed.document  # before any rule sees the value
        kind, text = document.front_matter_kind, document.front_matter
        if kind is not None and text is not None:
            result.front_matter = fmcache.line(kind, text, parsed.front_matter)
    root, built, limit = ruleset.resolved.config.root, ruleset.want, ruleset.max_size
    shared = [
        Context(parsed, settings, None, root, None, built, limit)
        for settings in ruleset.context_settings
    ]
    contexts = [shared[slot] for slot in ruleset.contexts]
    crashed: dict[int, str] = {}
    if not collect_only:
        quiet, failed = ruleset.quiet(parsed.document.text)
        crashed.update(failed)
        _walk(parsed, ruleset, contexts, result, crashed, quiet)
        for i, check_file, code in ruleset.file_checks:
            if i not in crashed and i not in quiet:
                _run(code, check_file(contexts[i]), result, crashed, i)
    for i in ruleset.collectors:
        if i not in crashed:
            try:
                result.facts[ruleset.rules[i].code] = ruleset.rules[i].collect(contexts[i])
            except Exception as error:
                crashed[i] = _crash(error)
    names = ruleset.resolved.registry.names
    if ruleset.online_rules and not collect_only:
        from copydesk.online import remote_uses

        result.urls = remote_uses(parsed)
    if not collect_only:
        result.suppressions = find_suppressions(parsed, names)
        reads = [name for context in shared if context.reads for name in context.reads]
        if reads:
            result.reads = tuple(sorted(set(reads)))
        untils = [context.until for context in shared if context.until is not None]
        if untils:
            result.until = min(untils)
    for i, reason in sorted(crashed.items()):
        message = f"rule {ruleset.rules[i].code} crashed: {reason}"
        result.errors.append(LintError(display(path), message, internal=True))
    parsed.release()
    return result


def parse_for(
    path: Path,
    want: frozenset[str] | Callable[[str], frozenset[str] | None] | None,
    max_size: int | None = None,
    data: bytes | None = None,
) -> ParsedFile:
    """Read and parse a file, building only the node types in `want` (None:
    all); a function gives them from the file's text (`RuleSet.want_for`)."""
    from copydesk.parse import parse_document
    from copydesk.read import document_from_bytes, read_document, too_large

    if data is not None:
        if max_size is not None and len(data) > max_size:  # the same limit as on disk
            raise FileTooLarge(path, too_large(len(data), max_size))
        document = document_from_bytes(path, data, digest=False)
    else:
        document = read_document(path, max_size, digest=False)
    return parse_document(document, want(document.text) if callable(want) else want)


def parse_front_matter(path: Path, max_size: int | None = None) -> ParsedFile:
    """A file with its front matter and no body: what `collect` gets for a
    context file. Parsing the Markdown of every unchanged post would cost a
    `--changed-since` run as much as a full lint, and the built-in collector
    (slugs) reads only front matter and the file name."""
    from copydesk.parse import ParsedFile, _front_matter, front_matter_keys
    from copydesk.read import read_document

    document = read_document(path, max_size, digest=False)
    front_matter, error = _front_matter(document)
    keys = front_matter_keys(document.front_matter or "", document.front_matter_kind)
    return ParsedFile(path, document, front_matter, error, keys, [], {}, [])


def _walk(
    parsed: ParsedFile,
    ruleset: RuleSet,
    contexts: list[Context],
    result: FileResult,
    crashed: dict[int, str],
    quiet: Collection[int] = (),
) -> None:
    """Each targeted node type's nodes, from the parse's type index, to its rules.

    Going type by type skips the nodes no rule wants (most of them: text,
    paragraphs, list items) without visiting them. Hits leave in a
    different order than a document walk would give, which nothing sees:
    findings are sorted by position and code.
    """
    of_type = parsed.of_type
    for node_type, checks in ruleset.node_checks.items():
        nodes = of_type(node_type)
        if not nodes:
            continue
        for i, check, code in checks:
            if i in crashed or i in quiet:
                continue
            # One rule over its nodes; the first exception stops it for this file
            # only. Most checks find nothing: `extend` drains each one's result in
            # C (a generator, or for the link rules an empty tuple: no frame to
            # create), and keeps what a check yielded before it raised.
            found: list[Violation] = []
            extend = found.extend
            context = contexts[i]
            try:
                for node in nodes:
                    extend(check(node, context))
            except Exception as error:  # one broken rule must not hide the others' findings
                crashed[i] = _crash(error)
            if found:
                result.hits.extend([(code, violation) for violation in found])


def _run(
    code: str,
    violations: Iterable[Violation],
    result: FileResult,
    crashed: dict[int, str],
    index: int,
) -> None:
    """A file-level hook's violations into `result`, as `_walk` does for node checks."""
    found: list[Violation] = []
    try:
        found.extend(violations)
    except Exception as error:  # one broken rule must not hide the others' findings
        crashed[index] = _crash(error)
    if found:
        result.hits.extend([(code, violation) for violation in found])


def _crash(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _valid_hits(result: FileResult) -> list[tuple[str, Violation]]:
    """The hits that are real `Violation`s; a rule that yielded anything else
    crashed (one error line), or sorting and reporting would raise later."""
    valid = [(code, v) for code, v in result.hits if _is_violation(v)]
    if len(valid) < len(result.hits):
        for code in sorted({code for code, v in result.hits if not _is_violation(v)}):
            message = f"rule {code} crashed: it yielded something that is not a Violation"
            result.errors.append(LintError(display(result.path), message, internal=True))
    return valid


def _is_violation(value: object) -> bool:
    return (
        isinstance(value, Violation)
        and type(value.line) is int
        and type(value.column) is int
        and isinstance(value.message, str)
    )


# --- discovery ----------------------------------------------------------------


def discover(
    paths: Sequence[Path], finder: ConfigFinder, notes: list[str] | None = None
) -> list[Path]:
    """The files to lint (see `copydesk.discover`); what was skipped goes to `notes`."""
    return [path for path, _ in _discover(paths, finder, notes)]


def _discover(
    paths: Sequence[Path], finder: ConfigFinder, notes: list[str] | None
) -> list[tuple[Path, Config | None]]:
    """`discover`'s files, each with its config where the walk already knew it
    (a plain file in a folder walked: the folder's); None: ask `finder.for_file`."""
    from copydesk.discover import discover as find

    found = find(paths, finder)
    if found.missing:
        raise UsageError(found.missing[0], "no such file or folder")
    if notes is not None:
        notes.extend(found.notes())
    # A named file that cannot be read is still linted: reading it fails with the reason.
    return [
        *((file.path, file.config) for file in found.files),
        *((bad.path, None) for bad in found.unreadable),
    ]


def display(path: Path) -> str:
    """Paths as the user would type them: relative to the current folder when inside it.

    Every linted file's path goes through here: on POSIX a path that needs no
    normalizing (no `.` or `..` part, no `//`) is cut by string work, not
    `relpath` (which asks for the current folder twice and splits both paths).
    An absolute one outside the current folder is shown as it is: `relpath`
    would climb out with `..`, which is never shown."""
    text = str(path)
    if os.sep == "/" and "/." not in text and "//" not in text:
        if text[:1] != "/":
            if not text.startswith("."):  # relative and normal: as pathlib keeps it
                return text
        else:
            cwd = os.getcwd()
            prefix = cwd if cwd == "/" else cwd + "/"
            if text.startswith(prefix):
                if len(text) > len(prefix):
                    return text[len(prefix) :]
            elif text != cwd:
                return text
    text = os.path.relpath(path) if path.is_absolute() else os.path.normpath(path)
    return path.as_posix() if text.startswith("..") else Path(text).as_posix()


# --- the run ------------------------------------------------------------------


class Plan:
    """Everything workers need; inherited through fork, never pickled."""

    __slots__ = ("context", "notes", "rulesets", "stdin", "tasks")

    def __init__(
        self,
        rulesets: list[RuleSet],
        tasks: list[tuple[Path, int]],
        context: frozenset[Path] = frozenset(),
        notes: list[str] | None = None,
        stdin: dict[Path, bytes] | None = None,
    ) -> None:
        self.rulesets = rulesets
        self.tasks = tasks
        # Files outside `lint_paths(only=...)`: parsed only so that project rules
        # (slug collisions) see every post; their own findings are dropped.
        self.context = context
        self.notes = notes if notes is not None else []  # what discovery skipped, for stderr
        # Bytes of a file read from standard input (`lint - --stdin-filename PATH`).
        self.stdin = stdin if stdin is not None else {}

    def part(self, tasks: list[tuple[Path, int]], stdin: dict[Path, bytes] | None = None) -> Plan:
        """The same run over other tasks (`stdin`: other bytes in place of files')."""
        return Plan(
            self.rulesets, tasks, self.context, self.notes, self.stdin if stdin is None else stdin
        )


def plan_run(
    paths: Sequence[Path],
    finder: ConfigFinder,
    registry: Registry,
    overrides: Overrides,
    only: Collection[Path] | None = None,
    online: bool | None = False,
) -> Plan:
    notes: list[str] = []
    found = _discover(paths, finder, notes)
    if only is not None:
        files, context = _restrict([path for path, _ in found], only)
        found = [(file, None) for file in files]  # `only` is a few files: each asks
    by_config: dict[int, int] = {}
    rulesets: list[RuleSet] = []
    tasks: list[tuple[Path, int]] = []
    for file, known in found:
        config = known if known is not None else finder.for_file(file)
        index = by_config.get(id(config))
        if index is None:
            index = by_config[id(config)] = len(rulesets)
            resolved = resolve(config, registry, overrides)
            rulesets.append(build_ruleset(resolved, overrides.max_file_size, online))
        tasks.append((file, index))
    if not rulesets:  # nothing to lint, but a typo in --select is still an error
        resolve(finder.for_dir(Path.cwd().resolve()), registry, overrides)
    if only is None:
        return Plan(rulesets, tasks, notes=notes)
    if any(ruleset.collectors for ruleset in rulesets):
        tasks += [(file, index) for file, index in _plan_context(context, finder, rulesets, tasks)]
    return Plan(rulesets, tasks, frozenset(context), notes)


def _plan_stdin(
    path: Path,
    data: bytes,
    finder: ConfigFinder,
    registry: Registry,
    overrides: Overrides,
    online: bool | None,
) -> Plan:
    """One file whose bytes came from standard input; its path is not looked at on disk."""
    resolved = resolve(finder.for_file(path), registry, overrides)
    ruleset = build_ruleset(resolved, overrides.max_file_size, online)
    return Plan([ruleset], [(path, 0)], stdin={path: data})


def _restrict(files: list[Path], only: Collection[Path]) -> tuple[list[Path], list[Path]]:
    """Split discovered files into those in `only` (compared resolved) and the rest."""
    wanted = {os.path.realpath(path) for path in only}
    real = {file: os.path.realpath(file) for file in files}  # realpath: a loop does not raise
    kept = [file for file in files if real[file] in wanted]
    return kept, [file for file in files if real[file] not in wanted]


def _plan_context(
    context: list[Path],
    finder: ConfigFinder,
    rulesets: list[RuleSet],
    tasks: list[tuple[Path, int]],
) -> Iterator[tuple[Path, int]]:
    """Context files whose config is one the linted files already use (a post
    under another config is another site: its slugs cannot collide)."""
    by_config = {id(rulesets[index].resolved.config): index for _, index in tasks}
    for file in context:
        index = by_config.get(id(finder.for_file(file)))
        if index is not None and rulesets[index].collectors:
            yield file, index


def lint_paths(
    paths: Sequence[Path | str],
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    config_file: Path | str | None = None,
    jobs: int | None = None,
    registry: Registry | None = None,
    only: Collection[Path] | None = None,
    max_file_size: int | None = None,
    online: OnlineOptions | None = None,
    stdin: bytes | None = None,
    progress: Callable[[int], Progress] | None = None,
    reusable: bool = False,
    cache: bool = False,
    cache_dir: str | None = None,
) -> LintResult:
    """Lint files and folders; user mistakes raise `CopydeskError`, bugs become errors.

    `stdin`: the content of the one path given, which need not exist (an
    editor's unsaved buffer); the path still decides config and positions.
    `progress`: makes a `Progress` for the number of files to lint.

    `only` restricts the run to those of the discovered files that it names
    (`lint --changed-since`); the other discovered files still feed project
    rules, so a changed post that takes an unchanged post's slug is caught.
    `online` turns the web rules on or off (None: the configuration decides).
    `reusable`: the result keeps the run's plan and per-file results, so that
    `relint` can lint some files again (`lint --fix`) without a new discovery.
    `cache`: read and write the lint cache (see copydesk.lintcache) in
    `cache_dir`, or each configuration's `cache-dir`.
    Each call sees the tree as it is: what an earlier call in this process
    learnt of it (sites, their models) is forgotten first (`_TREE_MEMOS`).
    """
    overrides = Overrides(
        tuple(select) if select is not None else None,
        tuple(ignore),
        tuple(extend_select),
        max_file_size,
    )
    finder = ConfigFinder(Path(config_file) if config_file else None)
    registry = registry if registry is not None else load_registry()
    for name in _TREE_MEMOS:  # what an earlier run in this process learnt may be stale
        module = sys.modules.get(name)
        if module is not None:
            module.forget_tree()
    # The web rules run where --online/--no-online says, else where each file's config says.
    web = online.enabled if online is not None else None
    if stdin is not None:
        plan = _plan_stdin(Path(paths[0]), stdin, finder, registry, overrides, web)
    else:
        plan = plan_run([Path(p) for p in paths], finder, registry, overrides, only, web)
    bar = progress(len(plan.tasks)) if progress is not None else None
    cached = _cached_run(plan, paths, cache_dir) if cache else None
    workers = jobs or os.cpu_count() or 1
    saved: list[str] = []
    try:
        # The project stage too: a link rule may build a site's URL index there.
        indexes = _url_indexes(plan, paths, cache_dir, cached) if cache else nullcontext([])
        with indexes as problems:
            errors: list[LintError] = []

            def execute(part: Plan) -> list[FileResult]:
                done = _execute(part, workers, bar)
                errors.extend(_settle(part, done))  # before the lint cache keeps them
                return done

            if cached is not None:
                advance = bar.advance if bar is not None else _no_progress
                results = cached.run(plan, execute, advance)
            else:
                results = execute(plan)
            if bar is not None:
                bar.close()
                bar = None
            if cached is not None:  # the project stage, or its outcome as the cache kept it
                errors += cached.project(plan, results, _project_checks, facts=reusable)
                saved = [*cached.notes(), *cached.save()]
            else:
                errors += _project_checks(plan, results)
        plan.notes.extend(problems)
    finally:
        if bar is not None:
            bar.close()
    plan.notes.extend(saved)
    session = Session(plan, results, online, registry, jobs or os.cpu_count() or 1)
    return _report(session, plan, results, errors, session if reusable else None)


class Session:
    """A finished run, kept so that `relint` can lint some of its files again."""

    __slots__ = ("jobs", "online", "plan", "registry", "results")

    def __init__(
        self,
        plan: Plan,
        results: list[FileResult],
        online: OnlineOptions | None,
        registry: Registry,
        jobs: int,
    ) -> None:
        self.plan = plan
        self.results = results
        self.online = online
        self.registry = registry
        self.jobs = jobs


def relint(
    previous: LintResult, paths: Collection[Path], overlay: Mapping[Path, bytes]
) -> LintResult:
    """Lint `paths` (as `LintResult.paths` gives them) again, their bytes from
    `overlay` where it has them: what `lint --fix` does after each pass.

    The run's discovery, configuration, rules and site models are reused, and
    the other files' facts feed project rules as they were; only the files
    named are read, parsed and reported."""
    session = previous.session
    assert session is not None, "relint needs a result of lint_paths(reusable=True)"
    plan = session.plan
    wanted = set(paths)
    tasks = [(path, index) for path, index in plan.tasks if path in wanted]
    redo = plan.part(tasks, stdin={**plan.stdin, **overlay})
    fresh = _execute(redo, session.jobs)
    by_path = {result.path: result for result in fresh}
    others = [r.without_hits() for r in session.results if r.path not in by_path]
    errors = _project_checks(plan, [*fresh, *others])
    session.results = [by_path.get(r.path, r) for r in session.results]
    return _report(session, redo, fresh, errors, session)


def _report(
    session: Session,
    plan: Plan,
    results: list[FileResult],
    errors: list[LintError],
    keep: Session | None,
) -> LintResult:
    """The web stage over `results`, then their findings, errors and files;
    `keep`: the session the result carries (for `relint`)."""
    links = _online_checks(plan, results, session.online, errors)
    findings: list[Finding] = []
    files: list[str] = []
    by_display: dict[str, Path] = {}
    configs: dict[str, Config] = {}
    for result in results:
        if result.path in plan.context:
            continue
        shown = display(result.path)
        files.append(shown)
        by_display[shown] = result.path
        ruleset = plan.rulesets[result.ruleset]
        configs[shown] = ruleset.resolved.config
        if result.hits or result.suppressions.directives:  # else it has no finding
            findings.extend(_finalize(result, ruleset, shown))
        errors.extend(result.errors)
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.code))
    errors.sort(key=lambda e: (e.path, e.message))
    rules = dict(session.registry.rules)
    for ruleset in plan.rulesets:
        rules.update(ruleset.resolved.registry.rules)
    return LintResult(findings, errors, files, rules, links, plan.notes, by_display, configs, keep)


def _cached_run(plan: Plan, paths: Sequence[Path | str], cache_dir: str | None) -> CachedRun | None:
    """The lint cache for this run; None for a run too small to gain from it."""
    if len(plan.tasks) < CACHE_MIN_FILES:
        return None
    from copydesk.lintcache import CachedRun

    return CachedRun(plan, [Path(path) for path in paths], cache_dir)


def _url_indexes(
    plan: Plan, paths: Sequence[Path | str], cache_dir: str | None, cached: CachedRun | None
) -> AbstractContextManager[list[str]]:
    """Sites' URL indexes kept in the cache folder for this run (see copydesk.site.urlcache);
    the site of each folder the lint cache's walk saw is taken from it."""
    from copydesk.site.urlcache import folders, kept

    walked = cached.state.within if cached is not None else None
    return kept(lambda: folders(plan, [Path(path) for path in paths], cache_dir, walked))


def _execute(plan: Plan, jobs: int, progress: Progress | None = None) -> list[FileResult]:
    """Every task's result, in task order; `progress` counts finished files."""
    advance = progress.advance if progress is not None else _no_progress
    _make_rules(plan)
    jobs = min(jobs, max(1, len(plan.tasks) // MIN_FILES_PER_JOB))
    if jobs <= 1:
        return _lint_chunk(plan, plan.tasks, advance)
    from concurrent.futures.process import BrokenProcessPool

    _warm_sites(plan)
    # Imported once here, not by each worker on its first file (~35 ms of mistune apiece).
    import copydesk.parse  # noqa: F401

    chunks = _chunks(plan.tasks, jobs)
    parts: list[list[FileResult] | None] = []  # None: its worker died
    with _frozen(), _pool(plan, jobs) as pool:
        try:
            futures = [pool.submit(_worker_chunk, chunk) for chunk in chunks]
            for chunk, future in zip(chunks, futures, strict=True):
                try:
                    parts.append(future.result())
                except BrokenProcessPool:  # a worker died: SIGKILL, the OOM killer
                    parts.append(None)
                    continue
                except Exception:  # its results could not come back (facts that do not pickle)
                    parts.append(_lint_chunk(plan, chunk))  # here, as --jobs 1 would
                advance(len(chunk))
        except BaseException:  # Ctrl-C: stop now, not after every queued chunk
            _stop(pool)
            raise
    lost = [
        task for chunk, part in zip(chunks, parts, strict=True) if part is None for task in chunk
    ]
    redone = iter(_redo_lost(plan, lost, advance))
    return [
        result
        for chunk, part in zip(chunks, parts, strict=True)
        for result in (part if part is not None else [next(redone) for _ in chunk])
    ]


def _chunks(tasks: list[tuple[Path, int]], jobs: int) -> list[list[tuple[Path, int]]]:
    """`tasks` in order, cut into chunks that shrink from 1/(CHUNK_SHARE * jobs)
    of the tasks down to 1/(LAST_CHUNKS_PER_JOB * jobs) of them (at least one)."""
    least = max(1, len(tasks) // (jobs * LAST_CHUNKS_PER_JOB))
    chunks: list[list[tuple[Path, int]]] = []
    start = 0
    while start < len(tasks):
        size = max(least, (len(tasks) - start) // (jobs * CHUNK_SHARE))
        chunks.append(tasks[start : start + size])
        start += size
    return chunks


def _make_rules(plan: Plan) -> None:
    """Every rule of the run and what comes from their classes, before the
    first file: a rule that cannot be made (a plugin's constructor, a stale
    rule table) stops the run here, and forked workers inherit them all."""
    for ruleset in plan.rulesets:
        ruleset.make()


def _pool(plan: Plan, jobs: int) -> ProcessPoolExecutor:
    """Forked workers that inherit `plan`. Not `multiprocessing.Pool`: when one
    of its workers is killed outright, the chunk it held never comes back and
    the run waits forever; this pool says so (`BrokenProcessPool`)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(jobs, context, _init_worker, (plan,))


@contextmanager
def _frozen() -> Iterator[None]:
    """This process's objects out of the cycle collector's reach while the
    workers fork and run: a collection in a worker would otherwise write to
    the header of every object it inherited, copying the pages that fork
    shared (rust blog, --jobs 2: ~10% fewer page faults in the workers)."""
    import gc

    if gc.get_freeze_count():  # a caller froze objects of its own: unfreezing would undo that
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers now. `shutdown` alone lets them finish every chunk
    already queued (seconds, on a large site) before the run can exit."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # none public < 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()  # not SIGTERM: a worker may have inherited a handler for it


def _redo_lost(
    plan: Plan, lost: list[tuple[Path, int]], advance: Callable[[int], None]
) -> list[FileResult]:
    """The files of chunks whose worker died, in order, each alone in a fresh
    one-worker pool: the file whose worker dies again is one internal error,
    and every other file is linted. Not in this process: whatever killed a
    worker (memory, a plugin) would kill the run with it."""
    from concurrent.futures.process import BrokenProcessPool

    done: dict[int, FileResult] = {}
    todo = list(range(len(lost)))
    while todo:
        failed: list[int] = []
        with _pool(plan, 1) as pool:
            try:
                futures = [pool.submit(_worker_chunk, [lost[i]]) for i in todo]
                for i, future in zip(todo, futures, strict=True):
                    try:
                        done[i] = future.result()[0]
                    except BrokenProcessPool:
                        failed.append(i)
                        continue
                    except Exception:  # its results could not come back: here, as one job would
                        done[i] = _lint_chunk(plan, [lost[i]])[0]
                    advance(1)
            except BaseException:
                _stop(pool)
                raise
        if failed:  # one worker, files in order: the first failed one was running
            path, index = lost[failed[0]]
            done[failed[0]] = _died(path, index)
            advance(1)
        todo = failed[1:]
    return [done[i] for i in range(len(lost))]


def _died(path: Path, index: int) -> FileResult:
    result = FileResult(path, index)
    message = "internal error: the worker process linting it died (killed, or crashed)"
    result.errors.append(LintError(display(path), message, internal=True))
    return result


def _warm_sites(plan: Plan) -> None:
    """Build each site's model (its page list and path index) once, here,
    before the workers fork: they inherit it instead of each listing the
    whole site again. The full URL index waits for the project stage."""
    from copydesk.site import site_root
    from copydesk.site.project import warm

    seen: set[tuple[Any, ...]] = set()
    for path, index in plan.tasks:
        ruleset = plan.rulesets[index]
        settings = next((s for s in ruleset.settings if "generator" in s), None)
        if settings is None:
            continue
        root = ruleset.resolved.config.root
        key = (site_root(settings, root, path), *(repr(settings.get(k)) for k in sorted(settings)))
        if key not in seen:
            seen.add(key)
            warm(settings, root, path)


def _no_progress(count: int = 1) -> None:
    return None


_worker_plan: list[Plan] = []  # set once per worker process by the pool initializer


def _init_worker(plan: Plan) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    _worker_plan[:] = [plan]


def _worker_chunk(chunk: list[tuple[Path, int]]) -> list[FileResult]:
    return _lint_chunk(_worker_plan[0], chunk)


def _lint_chunk(
    plan: Plan, chunk: list[tuple[Path, int]], advance: Callable[[int], None] = _no_progress
) -> list[FileResult]:
    """Each task's result, in order; `advance(1)` after each file (a one-job
    run's progress bar: a worker's chunk is counted when it comes back)."""
    done: list[FileResult] = []
    rulesets, context, stdin = plan.rulesets, plan.context, plan.stdin
    for path, index in chunk:
        done.append(lint_file(path, index, rulesets[index], path in context, stdin.get(path)))
        advance(1)
    return done


# One rule set's results by path, for a project stage to add findings to.
_Targets = dict[Path, FileResult]


def _settle(plan: Plan, results: list[FileResult]) -> list[LintError]:
    """Rules' `settle` over their facts, before the lint cache keeps the results."""

    def stage(rule: Rule, facts: list[tuple[Path, Any]], targets: _Targets) -> None:
        for path, fact, violations in rule.settle(facts):
            target = targets[path]
            target.facts[rule.code] = fact
            target.hits.extend((rule.code, violation) for violation in violations)

    return _each_collector(plan, results, stage, settles=True)


def _project_checks(plan: Plan, results: list[FileResult]) -> list[LintError]:
    """`check_project` per rule set, over the facts its files collected."""
    try:
        return _run_project_checks(plan, results)
    finally:
        sites = sys.modules.get("copydesk.site.project")  # loaded only if a rule read a site
        if sites is not None:
            sites.end_run()


def _run_project_checks(plan: Plan, results: list[FileResult]) -> list[LintError]:
    def stage(rule: Rule, facts: list[tuple[Path, Any]], targets: _Targets) -> None:
        for path, violation in rule.check_project(facts):
            target = targets.get(path)
            if target is not None:
                target.hits.append((rule.code, violation))

    return _each_collector(plan, results, stage, settles=False)


def _each_collector(
    plan: Plan,
    results: list[FileResult],
    stage: Callable[[Rule, list[tuple[Path, Any]], _Targets], None],
    settles: bool,
) -> list[LintError]:
    """`stage(rule, facts, targets)` for each collecting rule of each rule set
    (with `settles`, only rules that have a `settle`), over the facts its files
    collected; `targets` maps a path to its result in that rule set. A rule
    that crashes is reported as the rule set's error, and the others go on."""
    errors: list[LintError] = []
    for index, ruleset in enumerate(plan.rulesets):
        targets = {result.path: result for result in results if result.ruleset == index}
        for i in ruleset.collectors:
            rule = ruleset.rule(i)
            if settles and type(rule).settle is Rule.settle:
                continue
            code = rule.code
            facts = [
                (path, result.facts[code])
                for path, result in targets.items()
                if code in result.facts
            ]
            try:
                stage(rule, facts, targets)
            except Exception as error:
                where = ruleset.resolved.config.source
                errors.append(
                    LintError(where, f"rule {code} crashed: {_crash(error)}", internal=True)
                )
    return errors


def _online_checks(
    plan: Plan,
    results: list[FileResult],
    online: OnlineOptions | None,
    errors: list[LintError],
) -> LinkSummary | None:
    """The web stage over every linted file's remote URLs (see copydesk.online),
    once per configuration: its `[links]` settings and its cache are those of
    the config the files were linted with, like every other setting."""
    if not any(ruleset.online_rules for ruleset in plan.rulesets):
        return None
    from copydesk.online import LinkSummary, run_online
    from copydesk.web.options import OnlineOptions

    by_config: dict[int, tuple[Config, list[Group]]] = {}
    for index, ruleset in enumerate(plan.rulesets):
        if ruleset.online_rules:
            rules = [ruleset.rule(i) for i in ruleset.online_rules]
            files = [r for r in results if r.ruleset == index and r.path not in plan.context]
            config = ruleset.resolved.config
            by_config.setdefault(id(config), (config, []))[1].append((rules, files))
    summary = LinkSummary()
    for config, groups in by_config.values():
        part, crashes = run_online(groups, config, online or OnlineOptions())
        summary.add(part)
        errors.extend(LintError(config.source, crash, internal=True) for crash in crashes)
    return summary


def _finalize(result: FileResult, ruleset: RuleSet, path: str) -> Iterator[Finding]:
    """Suppressions, per-file-ignores and severities turn hits into findings
    (`path`: the file's display path)."""
    resolved = ruleset.resolved
    ignored = resolved.ignored_for(result.path)
    suppressions = result.suppressions
    kept = [
        (code, v)
        for code, v in _valid_hits(result)
        if code not in ignored and not suppressions.silences(code, v.line)
    ]
    if suppressions.directives:
        for code, v in stale_suppressions(
            suppressions, ruleset.known, ruleset.active, resolved.registry.names
        ):
            wanted = code in ruleset.active and code not in ignored
            if wanted and not suppressions.silences(code, v.line, record=False):
                kept.append((code, v))
    if not kept:
        return
    from copydesk.findings import Finding

    registry = resolved.registry.rules
    for code, v in kept:
        info = registry[code]  # its metadata: a cached file's rules need not be imported
        yield Finding(
            path=path,
            line=v.line,
            column=v.column,
            end_line=v.end_line,
            end_column=v.end_column,
            replacement=v.replacement,
            fix=v.fix,
            code=code,
            name=info.name,
            message=v.message,
            severity=cast("Severity", resolved.severity.get(code) or v.severity or info.severity),
        )
