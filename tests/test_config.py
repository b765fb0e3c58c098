"""Configuration: discovery, selection, options, severities, per-file rules, typos."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest

from copydesk.config import ConfigError, matches_glob
from copydesk.engine import lint_paths
from copydesk.registry import Registry, RuleInfo
from copydesk.rules.base import Context, Rule, Violation


class LongLine(Rule):
    """Flags lines longer than `max-length`."""

    code: ClassVar[str] = "TST101"
    name: ClassVar[str] = "long-line"
    summary: ClassVar[str] = "long line"
    options: ClassVar[Mapping[str, Any]] = {"max-length": 20, "generator": "github"}

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        limit = ctx.settings["max-length"]
        for number, line in enumerate(ctx.parsed.document.text.splitlines(), start=1):
            if len(line) > limit:
                generator = ctx.settings["generator"]
                yield Violation(number, limit + 1, f"line longer than {limit} ({generator})")


class Shouting(Rule):
    """Flags lines written in capitals."""

    code: ClassVar[str] = "TST201"
    name: ClassVar[str] = "shouting"
    summary: ClassVar[str] = "capitals"
    severity = "warning"
    options: ClassVar[Mapping[str, Any]] = {"generator": "github"}

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        for number, line in enumerate(ctx.parsed.document.text.splitlines(), start=1):
            if line.isupper():
                yield Violation(number, 1, "shouting")


RULES = Registry()
RULES.add(RuleInfo(LongLine, "test"))
RULES.add(RuleInfo(Shouting, "test"))
LONG = "this line is longer than twenty\n"
LOUD = "STOP\n"


def write(folder: Path, files: dict[str, str]) -> None:
    for relative, content in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")


def lint(*paths: str, **kwargs: Any) -> list[tuple[str, int, int, str, str]]:
    result = lint_paths(list(paths) or ["."], registry=RULES, jobs=1, **kwargs)
    assert result.errors == []
    return [(f.path, f.line, f.column, f.code, f.severity) for f in result.findings]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_no_config_runs_every_rule_with_defaults(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": LONG + LOUD})
    assert lint() == [
        ("a.md", 1, 21, "TST101", "error"),
        ("a.md", 2, 1, "TST201", "warning"),
    ]


def test_nearest_config_wins_and_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.copydesk]\nignore = ["TST201"]\n',
            "a.md": LONG + LOUD,
            "blog/.copydesk.toml": 'select = ["shouting"]\n',
            "blog/b.md": LONG + LOUD,
            "docs/pyproject.toml": '[project]\nname = "x"\n',
            "docs/c.md": LONG + LOUD,
        },
    )
    assert lint() == [
        ("a.md", 1, 21, "TST101", "error"),
        ("blog/b.md", 2, 1, "TST201", "warning"),
        ("docs/c.md", 1, 21, "TST101", "error"),
    ]


def test_a_symlinked_post_takes_the_config_beside_its_target(tmp_path: Path) -> None:
    write(tmp_path, {"blog/.copydesk.toml": 'select = ["shouting"]\n', "blog/b.md": LONG + LOUD})
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "b.md").symlink_to(tmp_path / "blog" / "b.md")
    (tmp_path / "drafts" / "c.md").write_text(LONG, encoding="utf-8")
    assert lint("drafts/b.md", "drafts/c.md") == [
        ("drafts/b.md", 2, 1, "TST201", "warning"),
        ("drafts/c.md", 1, 21, "TST101", "error"),
    ]


def test_command_line_select_and_ignore_win_over_config(tmp_path: Path) -> None:
    write(tmp_path, {".copydesk.toml": 'select = ["TST101"]\n', "a.md": LONG + LOUD})
    assert lint(select=["TST2"]) == [("a.md", 2, 1, "TST201", "warning")]
    assert lint(extend_select=["TST201"], ignore=["TST101"]) == [
        ("a.md", 2, 1, "TST201", "warning")
    ]


def test_severity_override_and_per_file_ignores(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".copydesk.toml": '[severity]\nlong-line = "info"\n\n'
            '[per-file-ignores]\n"drafts/**" = ["TST2"]\n"legacy.md" = ["ALL"]\n',
            "a.md": LONG + LOUD,
            "drafts/2020/d.md": LONG + LOUD,
            "old/legacy.md": LONG + LOUD,
        },
    )
    assert lint() == [
        ("a.md", 1, 21, "TST101", "info"),
        ("a.md", 2, 1, "TST201", "warning"),
        ("drafts/2020/d.md", 1, 21, "TST101", "info"),
    ]


def test_options_shared_at_top_level_and_per_rule_by_code_or_name(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".copydesk.toml": 'generator = "hugo"\n[rules.long-line]\nmax-length = 40\n',
            "a.md": LONG + "x" * 41 + "\n",
        },
    )
    result = lint_paths(["."], registry=RULES, jobs=1)
    assert [(f.line, f.column, f.message) for f in result.findings] == [
        (2, 41, "line longer than 40 (hugo)")
    ]


def test_exclude_globs_skip_walked_and_named_files(tmp_path: Path) -> None:
    """pre-commit names files one by one: exclude applies to them too (ruff's force-exclude)."""
    write(
        tmp_path,
        {
            ".copydesk.toml": 'exclude = ["drafts", "*.draft.md"]\n',
            "a.md": LOUD,
            "b.draft.md": LOUD,
            "drafts/c.md": LOUD,
        },
    )
    assert [f[0] for f in lint()] == ["a.md"]
    assert lint("drafts/c.md", "b.draft.md") == []
    assert [f[0] for f in lint("a.md", "drafts/c.md")] == ["a.md"]


def test_explicit_config_file_applies_everywhere(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "custom.toml": 'select = ["TST201"]\n',
            "sub/.copydesk.toml": 'select = ["TST101"]\n',
            "sub/a.md": LONG + LOUD,
        },
    )
    assert lint(config_file="custom.toml") == [("sub/a.md", 2, 1, "TST201", "warning")]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('selct = ["TST101"]\n', "unknown key 'selct'"),
        ('select = ["TST999"]\n', "select: unknown rule code 'TST999'"),
        ('ignore = "TST101"\n', "'ignore' must be a list of strings"),
        ('[severity]\nTST101 = "fatal"\n', "TST101: 'fatal' is not error, warning or info"),
        ("[rules.TST101]\nmax-lenght = 3\n", "rules.TST101: unknown option 'max-lenght'"),
        ('[rules.TST101]\nmax-length = "3"\n', "max-length (for TST101): expected int, got '3'"),
        ("[rules.TST777]\nmax-length = 3\n", "rules.TST777: unknown rule code 'TST777'"),
        ('[per-file-ignores]\n"a.md" = ["NOPE1"]\n', "unknown rule code 'NOPE1'"),
        ("select = [\n", "config is not valid TOML"),
    ],
)
def test_config_mistakes_name_the_file_and_the_key(
    tmp_path: Path, config: str, message: str
) -> None:
    write(tmp_path, {".copydesk.toml": config, "a.md": LOUD})
    with pytest.raises(ConfigError) as error:
        lint_paths(["."], registry=RULES, jobs=1)
    assert str(error.value).startswith(str(tmp_path / ".copydesk.toml") + ": ")
    assert message in str(error.value)


def test_unknown_key_in_pyproject_table(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.copydesk]\nfoo = 1\n", "a.md": LOUD})
    with pytest.raises(ConfigError, match=r"pyproject\.toml: unknown key 'foo'"):
        lint_paths(["."], registry=RULES, jobs=1)


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("drafts", "drafts/a.md", True),
        ("drafts", "blog/drafts/a.md", True),
        ("drafts/*.md", "drafts/a.md", True),
        ("drafts/*.md", "drafts/x/a.md", False),
        ("drafts/**", "drafts/x/a.md", True),
        ("**/a.md", "x/y/a.md", True),
        ("*.md", "x/y/a.md", True),
        ("a?.md", "ab.md", True),
        ("a?.md", "a.md", False),
        ("/posts", "posts/a.md", True),
    ],
)
def test_globs(pattern: str, path: str, expected: bool) -> None:
    assert matches_glob(pattern, path) is expected


class Whisper(Rule):
    """Opt-in: flags lines written in lower case only."""

    code: ClassVar[str] = "TST301"
    name: ClassVar[str] = "whisper"
    summary: ClassVar[str] = "lower case"
    default: ClassVar[bool] = False

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        for number, line in enumerate(ctx.parsed.document.text.splitlines(), start=1):
            if line.islower():
                yield Violation(number, 1, "whisper")


def test_opt_in_rules_run_only_when_selected(tmp_path: Path) -> None:
    registry = Registry()
    registry.add(RuleInfo(Shouting, "test"))
    registry.add(RuleInfo(Whisper, "test"))
    write(tmp_path, {"a.md": "quiet\n" + LOUD})

    def codes(**kwargs: Any) -> list[str]:
        result = lint_paths(["."], registry=registry, jobs=1, **kwargs)
        return [finding.code for finding in result.findings]

    assert codes() == ["TST201"]
    assert codes(extend_select=["TST3"]) == ["TST301", "TST201"]
    assert codes(select=["ALL"]) == ["TST301", "TST201"]
    assert codes(select=["whisper"]) == ["TST301"]


def test_shipped_house_style_pack_is_opt_in() -> None:
    from copydesk.registry import load_registry

    rules = load_registry().rules
    assert [code for code in rules if code.startswith("CD47") and rules[code].cls.default] == []
    assert all(rules[code].cls.default for code in rules if code.startswith("CD45"))


# --- messages that say what to write instead ------------------------------------


def _lint_error(tmp_path: Path, config: str, *argv: str) -> str:
    (tmp_path / ".copydesk.toml").write_text(config, encoding="utf-8")
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    select = list(argv) or None
    with pytest.raises(ConfigError) as error:
        lint_paths([tmp_path / "a.md"], select=select, jobs=1)
    return str(error.value).replace(str(tmp_path.resolve()), "DIR")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('selct = ["CD1"]\n', "unknown key 'selct'; did you mean 'select'?"),
        ('generatr = "hugo"\n', "unknown key 'generatr'; did you mean 'generator'?"),
        ('ignore = ["CD1O1"]\n', "ignore: unknown rule code 'CD1O1'; did you mean 'CD101'?"),
        ('ignore = ["CD999"]\n', "ignore: unknown rule code 'CD999'"),
        (
            'ignore = ["missing-link-targt"]\n',
            "ignore: unknown rule code 'missing-link-targt'; did you mean 'missing-link-target'?",
        ),
        (
            '[rules.CD104]\nphrase = ["x"]\n',
            "rules.CD104: unknown option 'phrase'; did you mean 'phrases'?",
        ),
        (
            '[severity]\nCD101 = "eror"\n',
            "severity.CD101: 'eror' is not error, warning or info; did you mean 'error'?",
        ),
        ('generator = "jekyl"\n', "generator: unknown value 'jekyl'; did you mean 'jekyll'?"),
        (
            '[rules.CD101]\ngenerator = "jekyl"\n',
            "rules.CD101.generator: unknown value 'jekyl'; did you mean 'jekyll'?",
        ),
        (
            '[tool.copydesk]\nselect = ["CD1"]\n',
            "[tool.copydesk] belongs in pyproject.toml; in .copydesk.toml write the keys "
            "at the top level (drop the header)",
        ),
    ],
)
def test_config_mistakes_name_the_file_and_the_nearest_valid_name(
    tmp_path: Path, config: str, message: str
) -> None:
    assert _lint_error(tmp_path, config) == f"DIR/.copydesk.toml: {message}"


def test_bad_generator_is_refused_once_before_any_file_is_linted(tmp_path: Path) -> None:
    # It used to crash CD101 once per file at lint time.
    message = _lint_error(tmp_path, 'generator = "mars"\n')
    assert message.startswith("DIR/.copydesk.toml: generator: unknown value 'mars'; use one of ")
    assert "jekyll" in message


def test_select_on_the_command_line_names_the_command_line(tmp_path: Path) -> None:
    message = _lint_error(tmp_path, "", "CD999")
    assert message == "command line: --select: unknown rule code 'CD999'"


def test_exclude_matches_a_walks_files_and_folders_however_the_tree_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A walk that follows no link knows each file's real path: the patterns
    match it relative to the config's folder, whether the tree was named by
    its real path, a relative one or a link to it."""
    from copydesk.config import ConfigFinder
    from copydesk.discover import discover

    site = tmp_path / "site"
    (site / "drafts").mkdir(parents=True)
    (site / "posts").mkdir()
    (site / ".copydesk.toml").write_text('exclude = ["drafts/", "posts/old-*.md"]\n')
    for name in ("drafts/a.md", "posts/old-1.md", "posts/new.md", "index.md"):
        (site / name).write_text("# Title\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(site)
    monkeypatch.chdir(tmp_path)
    for start in (site, Path("site"), Path("link")):
        found = discover([start], ConfigFinder())
        assert sorted(file.place for file in found.files) == ["index.md", "posts/new.md"], start
