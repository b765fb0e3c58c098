"""A third-party rule package found through the `copydesk.rules` entry point group.

The package in tests/data/plugin declares its rule in its own pyproject.toml.
Rather than pip-installing it (slow, needs a build backend, changes the
venv), the test writes the `.dist-info` that an install would write, built
from that pyproject's entry point table, into a temporary folder on
PYTHONPATH: importlib.metadata finds it exactly as it finds an installed one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

PLUGIN = Path(__file__).parent / "data" / "plugin"


def install_stub(site: Path, name: str, version: str, entry_points: dict[str, str]) -> None:
    dist = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = ["[copydesk.rules]", *(f"{key} = {value}" for key, value in entry_points.items())]
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def install_plugin(site: Path) -> str:
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    points = project["entry-points"]["copydesk.rules"]
    install_stub(site, project["name"], project["version"], points)
    return os.pathsep.join([str(site), str(PLUGIN / "src")])


def copydesk(cwd: Path, pythonpath: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": pythonpath}
    return subprocess.run(
        [sys.executable, "-m", "copydesk", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_plugin_rule_runs_through_the_cli(tmp_path: Path) -> None:
    pythonpath = install_plugin(tmp_path / "site")
    (tmp_path / "post.md").write_text("# Post\n\nShip it. TODO: numbers\n", encoding="utf-8")
    done = copydesk(tmp_path, pythonpath, "lint", "--select", "TODO001", "post.md")
    assert done.stdout.splitlines() == [
        "post.md:3:10: warning TODO001 TODO note left in the post [todo-left]",
        "Found 1 finding (1 warning) in 1 file.",
    ]
    assert done.returncode == 0, done.stderr  # a warning does not fail the run


def test_plugin_rule_is_listed_and_explained(tmp_path: Path) -> None:
    pythonpath = install_plugin(tmp_path / "site")
    listed = copydesk(tmp_path, pythonpath, "rules")
    assert any(line.split()[:2] == ["TODO001", "todo-left"] for line in listed.stdout.splitlines())
    explained = copydesk(tmp_path, pythonpath, "rules", "todo-left")
    assert "Why is this bad?\n    Readers see the author's notes to self." in explained.stdout


def test_without_the_plugin_its_code_is_unknown(tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text("TODO\n", encoding="utf-8")
    done = copydesk(tmp_path, "", "lint", "--select", "TODO001", "post.md")
    assert done.returncode == 2
    assert "unknown rule code 'TODO001'" in done.stderr


def test_a_plugin_reusing_a_code_is_an_error_naming_both(tmp_path: Path) -> None:
    site = tmp_path / "site"
    install_stub(site, "clash", "1.0", {"clash": "clash_rules:Clash"})
    (site / "clash_rules.py").write_text(
        "from copydesk.rules.base import Rule\n\n"
        "class Clash(Rule):\n    code = 'CD490'\n    name = 'clash'\n    summary = 'x'\n",
        encoding="utf-8",
    )
    (tmp_path / "post.md").write_text("text\n", encoding="utf-8")
    done = copydesk(tmp_path, str(site), "lint", "post.md")
    assert done.returncode == 2
    assert "clash_rules.Clash (entry point 'clash')" in done.stderr
    assert "copydesk.suppress.UnusedSuppression (entry point 'suppress')" in done.stderr


def test_an_edit_to_a_plugins_helper_module_invalidates_the_lint_cache(tmp_path: Path) -> None:
    """The rule's own module is unchanged; the words it reports come from a
    helper module of its package: editing that must give a warm run the
    findings of a cold one."""
    site = tmp_path / "site"
    install_stub(site, "banned", "1.0", {"banned": "banned_words.rules"})
    package = site / "banned_words"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "words.py").write_text('WORD = "foo"\n')
    (package / "rules.py").write_text(
        "from copydesk.rules.base import Rule, Violation\n"
        "from banned_words.words import WORD\n\n\n"
        "class Banned(Rule):\n"
        '    """A banned word."""\n\n'
        '    code = "BAN001"\n'
        '    name = "banned-word"\n'
        '    summary = "banned word"\n'
        '    targets = ("text",)\n\n'
        "    def check(self, node, ctx):\n"
        '        text = str(node.attrs.get("text", ""))\n'
        "        if WORD in text:\n"
        "            yield Violation(node.line, node.column + text.find(WORD), WORD)\n"
    )
    tree = tmp_path / "tree"
    tree.mkdir()
    for number in range(30):  # above CACHE_MIN_FILES: the cache is read and written
        (tree / f"post{number}.md").write_text(f"# Post {number}\n\nSome foo and bar.\n")
    pythonpath = str(site)

    def lint(*options: str) -> list[str]:
        done = copydesk(tree, pythonpath, "lint", "--select", "BAN001", *options, ".")
        assert done.returncode in (0, 1), done.stderr
        return done.stdout.splitlines()

    first = lint()
    assert any("BAN001 foo " in line for line in first), first
    (package / "words.py").write_text('WORD = "bar"\n')
    cold = lint("--no-cache")
    assert any("BAN001 bar " in line for line in cold)
    assert lint() == cold
