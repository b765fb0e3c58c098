"""Every shell, YAML and TOML snippet in README.md and docs/ works as written.

A doc example rots silently: a flag is renamed, a hook id changes, a hook's
`types` makes a documented `files:` pattern select nothing. So each snippet
is checked against the code it shows:

- shell (`sh`, `console`, and `run:` steps of workflows): every `copydesk …`
  command line parses with the real argument parser, and the ones that need no
  network or history run against a scratch blog and exit 0 or 1, never 2;
- YAML: parses; pre-commit hook ids exist in .pre-commit-hooks.yaml and a hook
  as configured selects the posts the text says it does (pre-commit's own
  rule: a file must carry every tag in `types` and one in `types_or`); the
  inputs given to the copydesk action exist in action.yml;
- TOML: parses, and a copydesk configuration in it loads (unknown keys,
  codes and option values are errors).
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from copydesk.cli import build_parser
from copydesk.config import config_from_table, resolve
from copydesk.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
HOOKS = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


@dataclass(frozen=True)
class Snippet:
    path: Path
    line: int
    lang: str
    text: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def snippets(*langs: str) -> list[Snippet]:
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        if path.name == "rules.md":  # generated from rule docstrings: Markdown examples only
            continue
        for match in FENCE.finditer(text):
            if match.group(1) in langs:
                line = text.count("\n", 0, match.start()) + 1
                found.append(Snippet(path, line, match.group(1), match.group(2)))
    return found


# --- shell --------------------------------------------------------------------------


def command_lines(snippet: Snippet) -> Iterator[str]:
    """`copydesk …` lines of a shell snippet or of a workflow's `run:` steps."""
    for raw in re.sub(r"\\\n\s*", " ", snippet.text).splitlines():  # join `\` continuations
        line = raw.strip().removeprefix("$ ").removeprefix("- run: ").removeprefix("run: ")
        line = line.removeprefix("- ")
        if line.startswith("copydesk ") and not line.startswith("copydesk: "):
            yield line.split(" #")[0].strip()


def shell_commands() -> list[tuple[Snippet, str]]:
    commands = []
    for snippet in snippets("sh", "console", "shell", "bash", "yaml"):
        for line in command_lines(snippet):
            commands.append((snippet, line))
    return commands


def argv_of(line: str) -> list[str]:
    """Arguments as the shell would split them; `${{ … }}` and `$VAR` stand for a value."""
    line = re.sub(r"\$\{\{[^}]*\}\}", "main", line)
    argv = shlex.split(line, comments=True)[1:]
    for index, arg in enumerate(argv):  # the shell's part: redirections, pipes, `&&`
        if arg in (">", ">>", "2>", "<", "|", "&&", ";") or arg.startswith(("2>", ">", "<")):
            return argv[:index]
    return argv


def synopsis(argv: list[str]) -> bool:
    """A usage line such as `copydesk migrate SRC... --out DIR [--dry-run]`, not a command."""
    return any("..." in arg or arg.startswith("[") for arg in argv)


@pytest.mark.parametrize(
    ("snippet", "line"), shell_commands(), ids=[f"{s} {c}" for s, c in shell_commands()]
)
def test_shell_command_parses(snippet: Snippet, line: str) -> None:
    argv = argv_of(line)
    if synopsis(argv):
        pytest.skip("a synopsis")
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(argv)
    except SystemExit:
        pytest.fail(f"{snippet}: `{line}` does not parse")
    assert unknown == [], f"{snippet}: `{line}`: unknown arguments {unknown}"
    assert getattr(args, "run", None), f"{snippet}: `{line}` names no command"


# Commands that need no network, no git history and no export file: run them for real.
def runnable(argv: list[str]) -> bool:
    offline = not {"--online", "--changed-since", "--download-images"} & set(argv)
    return (
        offline
        and argv[:1] in (["lint"], ["rules"], ["format"], ["fix"], ["migrate"])
        and not synopsis(argv)
    )


SCRATCH_POST = "---\ntitle: Hello\ndate: 2020-01-02\n---\n\nHello, [world](https://example.com).\n"


@pytest.mark.parametrize(
    ("snippet", "line"),
    [(s, c) for s, c in shell_commands() if runnable(argv_of(c))],
    ids=[f"{s} {c}" for s, c in shell_commands() if runnable(argv_of(c))],
)
def test_shell_command_runs_on_a_scratch_blog(snippet: Snippet, line: str, tmp_path: Path) -> None:
    for folder in ("content/posts", "posts", "_posts", "export", "fixtures/demo"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "hello.md").write_text(SCRATCH_POST, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "copydesk", *argv_of(line)],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,  # `-` reads an empty post
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), f"{snippet}: `{line}`: {done.stderr}"


# --- YAML ---------------------------------------------------------------------------


def yaml_snippets() -> list[Snippet]:
    return snippets("yaml", "yml")


def load_yaml(snippet: Snippet) -> Any:
    try:
        return yaml.safe_load(snippet.text)
    except yaml.YAMLError as error:
        pytest.fail(f"{snippet}: YAML does not parse: {error}")


def mappings(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from mappings(value)
    elif isinstance(data, list):
        for item in data:
            yield from mappings(item)


@pytest.mark.parametrize("snippet", yaml_snippets(), ids=str)
def test_yaml_parses_and_names_real_hooks_and_inputs(snippet: Snippet) -> None:
    data = load_yaml(snippet)
    for mapping in mappings(data):
        hook_id = mapping.get("id")
        if isinstance(hook_id, str) and hook_id.startswith("copydesk-") and "entry" not in mapping:
            assert hook_id in HOOKS, f"{snippet}: no hook '{hook_id}' in .pre-commit-hooks.yaml"
        if str(mapping.get("uses", "")).startswith("copydesk/copydesk"):
            inputs = set(ACTION["inputs"])
            assert set(mapping.get("with") or {}) <= inputs, f"{snippet}: unknown action input"
        for key in ("entry", "args"):
            if key in mapping and str(mapping.get("entry", "copydesk")).startswith("copydesk"):
                entry = mapping.get("entry") or HOOKS[mapping["id"]]["entry"]
                # pre-commit appends the file names it selected
                argv = [*shlex.split(entry)[1:], *mapping.get("args", []), "post.md"]
                args, unknown = build_parser().parse_known_args(argv)
                assert unknown == [] and getattr(args, "run", None), f"{snippet}: {argv}"


def selects(hook: dict[str, Any], path: str) -> bool:
    """pre-commit's filter: `files`/`exclude` regexes, then every tag of `types`
    and one of `types_or` (identify's tags of the file name)."""
    from identify.identify import tags_from_filename

    tags = tags_from_filename(path) | {"file", "text"}
    if not re.search(hook.get("files", ""), path):
        return False
    if re.search(hook.get("exclude", "^$"), path):
        return False
    if not set(hook.get("types", ["file"])) <= tags:
        return False
    types_or = hook.get("types_or", [])
    return not types_or or bool(set(types_or) & tags)


def configured_hooks() -> list[tuple[Snippet, dict[str, Any]]]:
    hooks = []
    for snippet in yaml_snippets():
        for mapping in mappings(load_yaml(snippet)):
            if mapping.get("id") in HOOKS and "entry" not in mapping:
                hooks.append((snippet, {**HOOKS[mapping["id"]], **mapping}))
    return hooks


@pytest.mark.parametrize(
    ("snippet", "hook"), configured_hooks(), ids=[str(s) for s, _ in configured_hooks()]
)
def test_a_configured_hook_selects_the_posts_it_is_meant_for(
    snippet: Snippet, hook: dict[str, Any]
) -> None:
    folder = "_posts/" if "_posts" in hook.get("files", "") else "content/"
    assert selects(hook, f"{folder}2020-01-02-hello.md"), f"{snippet}: selects no .md post"
    if "plain-text" in hook.get("types_or", []):
        assert selects(hook, f"{folder}2020-01-02-hello.txt"), f"{snippet}: selects no .txt post"
    assert not selects(hook, "robots.bin")


def test_the_shipped_hooks_take_markdown_and_can_be_widened_to_text() -> None:
    for hook in HOOKS.values():
        assert selects(hook, "_posts/a.md")
        assert not selects(hook, "_posts/a.txt")
        widened = {**hook, "types_or": ["markdown", "plain-text"], "files": "^_posts/"}
        assert selects(widened, "_posts/a.txt")
        assert not selects(widened, "requirements.txt")


# --- TOML ---------------------------------------------------------------------------


@pytest.mark.parametrize("snippet", snippets("toml"), ids=str)
def test_toml_parses_and_copydesk_config_loads(snippet: Snippet, tmp_path: Path) -> None:
    try:
        data = tomllib.loads(snippet.text)
    except tomllib.TOMLDecodeError as error:
        pytest.fail(f"{snippet}: TOML does not parse: {error}")
    table = data.get("tool", {}).get("copydesk", data) if "tool" in data else data
    if "build-system" in data or ("project" in data and "tool" not in data):
        return
    config = config_from_table(tmp_path / ".copydesk.toml", table)
    if not config.packs:  # a pack named in an example is the reader's own file
        resolve(config, load_registry(), _no_overrides())


def _no_overrides() -> Any:
    from copydesk.config import Overrides

    return Overrides()
