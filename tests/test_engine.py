"""The engine on real files: one walk, isolation of failures, discovery, jobs."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from copydesk.engine import _chunks, lint_paths
from copydesk.parse import Node
from copydesk.registry import Registry, RuleConflict, RuleInfo
from copydesk.rules.base import Context, Rule, Violation


class HeadingRule(Rule):
    """Flags every heading (a stand-in for a node rule)."""

    code: ClassVar[str] = "TST001"
    name: ClassVar[str] = "any-heading"
    summary: ClassVar[str] = "heading"
    targets: ClassVar[tuple[str, ...]] = ("heading",)
    calls: ClassVar[list[str]] = []

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        self.calls.append(node.type)
        yield self.at(node, "a heading")


class CrashingRule(Rule):
    """Raises on any file whose text contains 'boom'."""

    code: ClassVar[str] = "TST002"
    name: ClassVar[str] = "crashes"
    summary: ClassVar[str] = "crashes"
    severity = "warning"

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        yield Violation(1, 1, "before the crash")
        if "boom" in ctx.parsed.document.text:
            raise RuntimeError("boom")


class DuplicateTitle(Rule):
    """Project rule: two files with the same title."""

    code: ClassVar[str] = "TST003"
    name: ClassVar[str] = "duplicate-title"
    summary: ClassVar[str] = "same title"

    def collect(self, ctx: Context) -> Any:
        return (ctx.parsed.front_matter or {}).get("title")

    def check_project(self, facts: list[tuple[Path, Any]]) -> Iterator[tuple[Path, Violation]]:
        seen: dict[Any, Path] = {}
        for path, title in facts:
            if title in seen:
                yield path, Violation(2, 1, f"title also used by {seen[title].name}")
            seen.setdefault(title, path)


class NeverBuilt(Rule):
    """Fails if constructed: proves deselected rules cost nothing."""

    code: ClassVar[str] = "TST004"
    name: ClassVar[str] = "never-built"
    summary: ClassVar[str] = "never built"

    def __init__(self) -> None:
        raise AssertionError("a deselected rule was constructed")


class LinkTupleRule(Rule):
    """Returns its findings as a tuple (empty for most links), as the built-in
    link rules do; raises at a link to 'boom'."""

    code: ClassVar[str] = "TST005"
    name: ClassVar[str] = "link-tuple"
    summary: ClassVar[str] = "link to y"
    targets: ClassVar[tuple[str, ...]] = ("link",)

    def check(self, node: Node, ctx: Context) -> tuple[Violation, ...]:
        url = node.attrs.get("url")
        if url == "boom":
            raise RuntimeError("boom")
        return (self.at(node, "to y"),) if url == "y.md" else ()


class FileListRule(Rule):
    """A file check that returns a list, not a generator."""

    code: ClassVar[str] = "TST006"
    name: ClassVar[str] = "file-list"
    summary: ClassVar[str] = "file with y"

    def check_file(self, ctx: Context) -> list[Violation]:
        return [Violation(1, 1, "mentions y")] if "y" in ctx.parsed.document.text else []


def registry(*classes: type[Rule]) -> Registry:
    result = Registry()
    for cls in classes:
        result.add(RuleInfo(cls, f"test {cls.__name__}"))
    return result


def write(folder: Path, files: dict[str, str | bytes]) -> None:
    for relative, content in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def positions(result: Any) -> list[tuple[str, int, int, str]]:
    return [(f.path, f.line, f.column, f.code) for f in result.findings]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    HeadingRule.calls.clear()


def test_clean_file_has_no_findings(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": "Just text.\n"})
    result = lint_paths(["."], registry=registry(HeadingRule), jobs=1)
    assert result.findings == [] and result.errors == []


def test_node_rules_see_only_their_node_type(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": "# One\n\ntext [l](x.md)\n\n## Two\n"})
    result = lint_paths(["."], registry=registry(HeadingRule), jobs=1)
    assert HeadingRule.calls == ["heading", "heading"]
    assert positions(result) == [("a.md", 1, 1, "TST001"), ("a.md", 5, 1, "TST001")]


def test_a_crashing_rule_is_one_line_and_the_rest_still_runs(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": "# A\n\nboom\n", "b.md": "# B\n"})
    result = lint_paths(["."], registry=registry(HeadingRule, CrashingRule), jobs=1)
    assert [str(e) for e in result.errors] == ["a.md: rule TST002 crashed: RuntimeError: boom"]
    assert result.internal_error
    assert positions(result) == [
        ("a.md", 1, 1, "TST001"),
        ("a.md", 1, 1, "TST002"),
        ("b.md", 1, 1, "TST001"),
        ("b.md", 1, 1, "TST002"),
    ]


def test_checks_may_return_tuples_lists_or_generators(tmp_path: Path) -> None:
    """The rule API takes any iterable; generator rules (plugins) still work beside
    tuple and list ones, and a tuple check that raises keeps what it found before."""
    write(
        tmp_path,
        {
            "a.md": "# A\n\n[to y](y.md) and [to x](x.md)\n",
            "b.md": "# B\n\n[y](y.md)\n\n[b](boom)\n\n[y](y.md)\n",
            "c.md": "No links, no heading.\n",
        },
    )
    rules = registry(HeadingRule, LinkTupleRule, FileListRule)
    result = lint_paths(["."], registry=rules, jobs=1)
    assert positions(result) == [
        ("a.md", 1, 1, "TST001"),
        ("a.md", 1, 1, "TST006"),
        ("a.md", 3, 1, "TST005"),
        ("b.md", 1, 1, "TST001"),
        ("b.md", 1, 1, "TST006"),
        ("b.md", 3, 1, "TST005"),
    ]
    assert [str(e) for e in result.errors] == ["b.md: rule TST005 crashed: RuntimeError: boom"]


def test_unreadable_files_are_reported_and_skipped(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00",
            "latin1.md": "# Caf\xe9\n".encode("latin-1"),
            "good.md": "# Good\n",
        },
    )
    result = lint_paths(["."], registry=registry(HeadingRule), jobs=1)
    assert [str(e) for e in result.errors] == [
        "binary.md: binary file (contains NUL bytes)",
        "latin1.md: not valid UTF-8 (byte 0xe9 on line 1)",
    ]
    assert not result.internal_error
    assert positions(result) == [("good.md", 1, 1, "TST001")]


def test_broken_front_matter_does_not_crash_the_engine(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": "---\ntitle: [unclosed\n---\n# Body\n"})
    result = lint_paths(["."], registry=registry(HeadingRule, DuplicateTitle), jobs=1)
    assert result.errors == []
    assert positions(result) == [("a.md", 4, 1, "TST001")]


def test_discovery_skips_hidden_and_build_folders_but_not_named_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "post.md": "# P\n",
            "old.markdown": "# O\n",
            "notes.txt": "# T\n",
            ".hidden/h.md": "# H\n",
            "node_modules/pkg/readme.md": "# N\n",
            "_site/index.md": "# S\n",
            "drafts/d.md": "# D\n",
        },
    )
    result = lint_paths([".", "notes.txt"], registry=registry(HeadingRule), jobs=1)
    assert sorted({f.path for f in result.findings}) == [
        "drafts/d.md",
        "notes.txt",
        "old.markdown",
        "post.md",
    ]


def test_project_rules_run_over_every_files_facts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.md": "---\ntitle: Same\n---\n",
            "b.md": "---\ntitle: Same\n---\n",
            "c.md": "---\ntitle: Other\n---\n",
        },
    )
    result = lint_paths(["."], registry=registry(DuplicateTitle), jobs=1)
    assert positions(result) == [("b.md", 2, 1, "TST003")]
    assert result.findings[0].message == "title also used by a.md"


def test_deselected_rules_are_never_constructed(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": "# A\n"})
    result = lint_paths(
        ["."], select=["TST001"], registry=registry(HeadingRule, NeverBuilt), jobs=1
    )
    assert positions(result) == [("a.md", 1, 1, "TST001")]


def test_output_is_the_same_for_one_and_two_jobs(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        f"posts/{i:03d}.md": f"---\ntitle: T{i % 7}\n---\n# H{i}\n\n{'boom' if i == 5 else 'x'}\n"
        for i in range(80)
    }
    files["posts/bad.md"] = b"\x00\x01"
    write(tmp_path, files)
    rules = registry(HeadingRule, CrashingRule, DuplicateTitle)
    one = lint_paths(["."], registry=rules, jobs=1)
    two = lint_paths(["."], registry=rules, jobs=2)
    assert positions(one) == positions(two)
    assert [str(e) for e in one.errors] == [str(e) for e in two.errors]
    assert len(one.findings) == 80 + 80 + 73  # headings, crash-rule first hits, duplicates
    assert len(one.errors) == 2


class FrozenInWorker(Rule):
    """Reports whether the objects its worker inherited are out of the cycle
    collector's reach (see engine._frozen)."""

    code: ClassVar[str] = "TST009"
    name: ClassVar[str] = "frozen-in-worker"
    summary: ClassVar[str] = "says whether the gc is frozen"

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        yield Violation(1, 1, f"frozen {gc.get_freeze_count() > 0}")


def test_workers_fork_with_the_main_process_objects_frozen_and_it_unfreezes(
    tmp_path: Path,
) -> None:
    write(tmp_path, {f"{i:03d}.md": f"# H{i}\n" for i in range(60)})
    result = lint_paths(["."], registry=registry(FrozenInWorker), jobs=2)
    assert {f.message for f in result.findings} == {"frozen True"}
    assert len(result.findings) == 60
    assert gc.get_freeze_count() == 0


def test_a_callers_own_frozen_objects_stay_frozen(tmp_path: Path) -> None:
    """An application that froze its objects (a pre-forking server) keeps
    them frozen: the pool does not unfreeze what it did not freeze."""
    write(tmp_path, {f"{i:03d}.md": f"# H{i}\n" for i in range(60)})
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        lint_paths(["."], registry=registry(FrozenInWorker), jobs=2)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("count", [48, 49, 100, 757, 3112])
def test_chunks_keep_task_order_and_shrink_to_small_last_ones(count: int) -> None:
    """Workers take large chunks first (fewer round trips through the main
    process) and small ones last (they finish together)."""
    tasks = [(Path(f"{i}.md"), 0) for i in range(count)]
    sizes = [len(chunk) for chunk in _chunks(tasks, 2)]
    assert [task for chunk in _chunks(tasks, 2) for task in chunk] == tasks
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] == count // 8
    assert sizes[-1] <= max(1, count // 256)
    assert len(sizes) <= 40  # fixed chunks of 1/128 were 128 (or one file each)


def test_duplicate_codes_name_both_sources() -> None:
    class Copy(HeadingRule):
        name: ClassVar[str] = "other-name"

    with pytest.raises(RuleConflict) as error:
        registry(HeadingRule, Copy)
    assert str(error.value) == ("test Copy: rule code TST001 is also defined by test HeadingRule")


class WordRule(Rule):
    """Records the context and the `word` setting each check_file call sees."""

    code: ClassVar[str] = "TST010"
    name: ClassVar[str] = "word-a"
    summary: ClassVar[str] = "word"
    options: ClassVar[dict[str, Any]] = {"word": "x"}
    seen: ClassVar[list[tuple[str, str, int]]] = []

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        self.seen.append((self.code, ctx.settings["word"], id(ctx)))
        return iter(())


class SameWordRule(WordRule):
    code: ClassVar[str] = "TST011"
    name: ClassVar[str] = "word-b"


class OtherWordRule(WordRule):
    code: ClassVar[str] = "TST012"
    name: ClassVar[str] = "word-c"
    options: ClassVar[dict[str, Any]] = {"word": "y"}


def test_rules_set_alike_share_a_context_and_others_keep_their_own(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": "# A\n"})
    WordRule.seen.clear()
    lint_paths(["."], registry=registry(WordRule, SameWordRule, OtherWordRule), jobs=1)
    by_code = {code: (word, ctx) for code, word, ctx in WordRule.seen}
    assert [by_code[code][0] for code in ("TST010", "TST011", "TST012")] == ["x", "x", "y"]
    assert by_code["TST010"][1] == by_code["TST011"][1] != by_code["TST012"][1]


class ParagraphsWhereFound(Rule):
    """Reads paragraphs only in a file that says "needle" (`needs_if_found`)."""

    code: ClassVar[str] = "TST013"
    name: ClassVar[str] = "paragraphs-where-found"
    summary: ClassVar[str] = "paragraphs"
    needs: ClassVar[tuple[str, ...] | None] = ()
    needs_if_found: ClassVar[tuple[str, ...]] = ("paragraph",)
    seen: ClassVar[dict[str, int]] = {}
    checked: ClassVar[list[str]] = []

    def may_find(self, text: str) -> bool:
        return "needle" in text

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        self.checked.append(ctx.path.name)
        yield Violation(1, 1, "a needle")

    def collect(self, ctx: Context) -> Any:
        self.seen[ctx.path.name] = len(ctx.parsed.of_type("paragraph"))


class NeedsParagraphs(Rule):
    """Reads paragraphs in every file."""

    code: ClassVar[str] = "TST014"
    name: ClassVar[str] = "paragraphs-always"
    summary: ClassVar[str] = "paragraphs"
    needs: ClassVar[tuple[str, ...] | None] = ("paragraph",)


def test_a_rules_needs_if_found_are_built_only_where_it_may_find_something(
    tmp_path: Path,
) -> None:
    """A file the rule surely finds nothing in is parsed without those node
    types, unless another rule needs them everywhere."""
    write(tmp_path, {"a.md": "A needle.\n\nTwo.\n", "b.md": "One.\n\nTwo.\n"})
    ParagraphsWhereFound.seen.clear()
    lint_paths(["."], registry=registry(ParagraphsWhereFound), jobs=1)
    assert ParagraphsWhereFound.seen == {"a.md": 2, "b.md": 0}
    lint_paths(["."], registry=registry(ParagraphsWhereFound, NeedsParagraphs), jobs=1)
    assert ParagraphsWhereFound.seen == {"a.md": 2, "b.md": 2}


def test_a_rule_is_not_called_where_its_may_find_says_it_finds_nothing(tmp_path: Path) -> None:
    """Its checks are skipped there (its project stage still gets the file's facts)."""
    write(tmp_path, {"a.md": "A needle.\n", "b.md": "Hay.\n"})
    ParagraphsWhereFound.checked.clear()
    ParagraphsWhereFound.seen.clear()
    result = lint_paths(["."], registry=registry(ParagraphsWhereFound), jobs=1)
    assert ParagraphsWhereFound.checked == ["a.md"]
    assert sorted(ParagraphsWhereFound.seen) == ["a.md", "b.md"]
    assert positions(result) == [("a.md", 1, 1, "TST013")]


class BrokenMayFind(Rule):
    """A `may_find` that raises on a file saying "boom"."""

    code: ClassVar[str] = "TST015"
    name: ClassVar[str] = "broken-may-find"
    summary: ClassVar[str] = "broken may_find"
    needs: ClassVar[tuple[str, ...] | None] = ()
    needs_if_found: ClassVar[tuple[str, ...]] = ("paragraph",)

    def may_find(self, text: str) -> bool:
        if "boom" in text:
            raise RuntimeError("boom")
        return True

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        yield Violation(1, 1, "found")


def test_a_may_find_that_raises_is_that_rules_crash_in_that_file(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": "boom\n", "b.md": "calm\n"})
    result = lint_paths(["."], registry=registry(BrokenMayFind, FileListRule), jobs=1)
    assert [str(error) for error in result.errors] == [
        "a.md: rule TST015 crashed: RuntimeError: boom"
    ]
    assert positions(result) == [("b.md", 1, 1, "TST015")]


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("{cwd}/posts/a.md", "posts/a.md"),
        ("{cwd}", "."),
        ("{cwd}/posts/../b.md", "b.md"),
        ("{cwd}/.hidden/c.md", ".hidden/c.md"),
        ("{parent}/elsewhere/d.md", "{parent}/elsewhere/d.md"),
        ("{cwd}-sibling/f.md", "{cwd}-sibling/f.md"),
        ("/g.md", "/g.md"),
        ("{cwd}/../elsewhere/d.md", "{cwd}/../elsewhere/d.md"),
        ("posts/a.md", "posts/a.md"),
        ("./posts/a.md", "posts/a.md"),
        ("posts/../b.md", "b.md"),
        ("../e.md", "../e.md"),
        (".hidden/c.md", ".hidden/c.md"),
    ],
)
def test_display_paths_are_relative_to_the_current_folder(
    tmp_path: Path, shape: str, expected: str
) -> None:
    from copydesk.engine import display

    cwd, parent = str(tmp_path.resolve()), str(tmp_path.resolve().parent)
    path = Path(shape.format(cwd=cwd, parent=parent))
    assert display(path) == expected.format(cwd=cwd, parent=parent)
