"""action.yml: valid YAML, every input used, and its lint step run for real in bash."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ACTION = Path(__file__).resolve().parents[1] / "action.yml"


def action() -> dict[str, Any]:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def step(name: str) -> dict[str, Any]:
    return next(s for s in action()["runs"]["steps"] if s.get("name") == name)


def test_action_is_a_composite_action_with_documented_inputs() -> None:
    data = action()
    assert data["name"] == "copydesk"
    assert data["runs"]["using"] == "composite"
    inputs = data["inputs"]
    for name in ("paths", "format", "changed-since", "config", "version"):
        assert inputs[name]["description"]
    assert inputs["format"]["default"] == "github"
    assert inputs["changed-since"]["default"] == "auto"


def test_every_input_is_used_and_only_through_env() -> None:
    data = action()
    text = ACTION.read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", text))
    assert used == set(data["inputs"])
    for s in data["runs"]["steps"]:
        # No expression is pasted into a script: values arrive as env variables.
        assert "${{" not in s.get("run", "")


def test_install_step_uses_the_action_path_or_a_pinned_version() -> None:
    install = step("Install copydesk")
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert 'pip install --disable-pip-version-check --quiet "$ACTION_PATH"' in install["run"]
    assert '"copydesk==$COPYDESK_VERSION"' in install["run"]
    setup = action()["runs"]["steps"][0]
    assert setup["uses"].startswith("actions/setup-python@")


@pytest.fixture
def pr_repo(tmp_path: Path) -> Path:
    """A repository on a feature branch with origin/main as the pull request base."""
    env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "T"}
    env |= {"GIT_COMMITTER_EMAIL": "t@e", "HOME": str(tmp_path)}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, env={**os.environ, **env})

    git("init", "-q", "-b", "main")
    (tmp_path / "old.md").write_text("---\ntitle: Old\n---\n\n[](https://e.com/old)\n", "utf-8")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    git("update-ref", "refs/remotes/origin/main", "HEAD")
    git("checkout", "-q", "-b", "feature")
    post = "---\ntitle: New\n---\n\n[](https://e.com/n)\n\n[old](http://e.com/o)\n"
    (tmp_path / "new, post.md").write_text(post, "utf-8")
    return tmp_path


def run_lint_step(repo: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("bash") is None:
        pytest.skip("bash not available")
    lint = step("Lint")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "INPUT_PATHS": ".",
        "INPUT_FORMAT": "github",
        "INPUT_OUTPUT": "",
        "INPUT_CHANGED_SINCE": "auto",
        "INPUT_CHANGED_LINES": "false",
        "INPUT_CONFIG": "",
        "INPUT_BASELINE": "",
        "INPUT_ARGS": "",
        "EVENT_NAME": "pull_request",
        "BASE_REF": "main",
    }
    env.update({f"INPUT_{key.upper()}": value for key, value in inputs.items()})
    if "event" in inputs:
        env["EVENT_NAME"] = inputs["event"]
    return subprocess.run(
        ["bash", "-c", lint["run"]], cwd=repo, env=env, capture_output=True, text=True
    )


def test_lint_step_in_a_pull_request_lints_only_the_changes(pr_repo: Path) -> None:
    if shutil.which("copydesk", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("copydesk console script not installed next to this Python")
    done = run_lint_step(pr_repo)
    assert done.returncode == 1, done.stderr
    assert "--changed-since origin/main" in done.stdout
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        "::error file=new%2C post.md,line=5,col=1,endLine=5,endColumn=20,title=CD102::"
        "link to 'https://e.com/n' has no text",
        "::warning file=new%2C post.md,line=7,col=1,endLine=7,endColumn=22,title=CD106::"
        "link 'http://e.com/o' uses http:",
    ]


def test_lint_step_outside_a_pull_request_lints_everything(pr_repo: Path) -> None:
    if shutil.which("copydesk", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("copydesk console script not installed next to this Python")
    done = run_lint_step(pr_repo, event="push", format="sarif", output="out.sarif", args="-q")
    assert done.returncode == 1, done.stderr
    assert "--changed-since" not in done.stdout
    report = (pr_repo / "out.sarif").read_text(encoding="utf-8")
    assert "old.md" in report and "new%2C%20post.md" in report
