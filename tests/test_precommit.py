"""The three hooks of .pre-commit-hooks.yaml, run by pre-commit itself in a content repository.

pre-commit installs this project into a hook environment with pip, exactly as
a user's pre-commit would (so pyproject.toml must build). `pre-commit try-repo`
does that in a throw-away store on every call (about 10 s each), so it runs
once per hook; the acceptance flows use `pre-commit run` with a config pinned
to a commit, as a content repository would, sharing one PRE_COMMIT_HOME so the
environment is built once per session. Deselect with `-m "not slow"`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from copydesk.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
FINDING = re.compile(r"^(?P<path>\S+?):\d+:\d+: (?P<severity>\w+) CD\d+ ", re.MULTILINE)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is absent")

Run = Callable[..., subprocess.CompletedProcess[str]]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=_env())


def _env(**extra: str) -> dict[str, str]:
    # A GIT_DIR inherited from a surrounding git hook would point git at the wrong repository.
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    return {**env, **extra}


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's working tree (tracked and new files), committed into a scratch repository.

    try-repo on a checkout with uncommitted changes makes a fresh shadow
    commit per call, and so a fresh hook environment per call; one snapshot
    committed once is built once, and still tests the working tree.
    """
    snapshot = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    git(snapshot, "init", "-q")
    git(snapshot, "add", "-A")
    git(snapshot, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "snap")
    return snapshot


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """An empty content repository."""
    repo = tmp_path / "blog"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Copy Desk")
    git(repo, "config", "user.email", "desk@example.com")
    return repo


HOOKS = ("copydesk-lint", "copydesk-format", "copydesk-fix", "copydesk-migrate-check")


def _pre_commit(content: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    git(content, "add", "-A")  # --all-files sees tracked files only
    return subprocess.run(
        [str(PRE_COMMIT), *args, "--color=never"],
        cwd=content,
        capture_output=True,
        text=True,
        env=_env(PRE_COMMIT_HOME=str(home)),
        timeout=600,
    )


@pytest.fixture
def try_repo(hook_repo: Path, pre_commit_home: Path, content: Path) -> Run:
    """`pre-commit try-repo HOOK_REPO HOOK ARGS...` in the content repository."""

    def run(hook: str, *args: str) -> subprocess.CompletedProcess[str]:
        return _pre_commit(content, pre_commit_home, "try-repo", str(hook_repo), hook, *args)

    return run


@pytest.fixture
def run_hook(hook_repo: Path, pre_commit_home: Path, content: Path) -> Run:
    """`pre-commit run HOOK ARGS...` with a config that pins all three hooks to a commit."""
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=hook_repo, check=True, capture_output=True, text=True
    ).stdout.strip()
    hooks = "".join(f"      - id: {hook}\n" for hook in HOOKS)
    config = f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n{hooks}"
    write(content / ".pre-commit-config.yaml", config)

    def run(hook: str, *args: str) -> subprocess.CompletedProcess[str]:
        return _pre_commit(content, pre_commit_home, "run", hook, *args)

    return run


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(folder).parts
    }


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_paths(output: str) -> set[str]:
    """Files named by error-level findings in `copydesk lint` text output."""
    return {match["path"] for match in FINDING.finditer(output) if match["severity"] == "error"}


BROKEN = (
    "---\ntitle: A post with a broken link\ndate: 2024-01-05\n---\n\n"
    "Read [the first post](posts/first.md) before this one.\n"
)
# The seeds' human-review findings: empty alt text (CD201) and links lost in an
# earlier export (CD104) can only be resolved by a person, so this repository
# has accepted them; the hook must then fail on the broken post alone.
ACCEPT_REVIEW = 'ignore = ["CD201", "CD104"]\n'


@needs_seeds
def test_lint_hook_fails_naming_only_the_broken_post(content: Path, run_hook: Run) -> None:
    assert main(["migrate", str(SEEDS), "--out", str(content / "posts")]) in (0, 1)
    write(content / ".copydesk.toml", ACCEPT_REVIEW)
    broken = write(content / "broken.md", BROKEN)

    failed = run_hook("copydesk-lint", "--all-files")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "copydesk lint" in failed.stdout and "Failed" in failed.stdout
    assert error_paths(failed.stdout) == {"broken.md"}
    assert "broken.md:6:6: error CD101 " in failed.stdout

    first = sorted((content / "posts").glob("*.md"))[0].name
    broken.write_text(BROKEN.replace("posts/first.md", f"posts/{first}"), encoding="utf-8")
    passed = run_hook("copydesk-lint", "--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert error_paths(passed.stdout) == set()


def test_lint_hook_checks_only_the_files_given_and_only_markdown(
    content: Path, run_hook: Run
) -> None:
    write(content / "broken.md", BROKEN)
    write(content / "good.md", BROKEN.replace("[the first post](posts/first.md)", "this"))
    write(content / "notes.txt", "[a link](missing.md)\n")

    good = run_hook("copydesk-lint", "--files", "good.md", "notes.txt")
    assert good.returncode == 0, good.stdout
    bad = run_hook("copydesk-lint", "--files", "good.md", "broken.md")
    assert bad.returncode == 1
    assert error_paths(bad.stdout) == {"broken.md"}
    skipped = run_hook("copydesk-lint", "--files", "notes.txt")
    assert skipped.returncode == 0 and "(no files to check)Skipped" in skipped.stdout


@needs_seeds
def test_fix_hook_makes_raw_seeds_canonical_once(content: Path, run_hook: Run) -> None:
    # The raw seeds are .txt; the hooks take Markdown, so the repository holds them as .md
    # (same bytes), the way a blog keeps posts in a content repository.
    for seed in sorted(SEEDS.iterdir()):
        write(content / "posts" / f"{seed.stem}.md", seed.read_text(encoding="utf-8"))

    raw = run_hook("copydesk-migrate-check", "--all-files")
    assert raw.returncode == 1
    assert raw.stdout.count("not in canonical form") == len(list(SEEDS.iterdir()))
    assert "+++ posts/" in raw.stdout  # the hook shows the diff

    fixed = run_hook("copydesk-format", "--all-files")
    assert fixed.returncode == 1
    assert "files were modified by this hook" in fixed.stdout
    after_first = snapshot(content)

    again = run_hook("copydesk-format", "--all-files")
    assert again.returncode == 0, again.stdout
    assert snapshot(content) == after_first

    check = run_hook("copydesk-migrate-check", "--all-files")
    assert check.returncode == 0, check.stdout
    assert "Passed" in check.stdout


def test_fix_hook_refuses_what_it_cannot_convert(content: Path, run_hook: Run) -> None:
    broken_bytes = "---\ntitle: [unclosed\n---\n\nText\n"
    broken = write(content / "broken.md", broken_bytes)
    raw = write(content / "raw.md", "---\ntitle:  Spaced \ndate: 2020-01-02\n---\n\nText.\n")

    result = run_hook("copydesk-format", "--files", "broken.md", "raw.md")
    assert result.returncode == 1
    refusals = [line for line in result.stdout.splitlines() if line.startswith("broken.md")]
    assert len(refusals) == 1 and "YAML" in refusals[0]
    assert broken.read_text(encoding="utf-8") == broken_bytes
    assert raw.read_text(encoding="utf-8").startswith("---\ntitle: Spaced\n")


GOOD = "---\ntitle: A good post\ndate: 2024-01-04\n---\n\nPlain words, no links.\n"


@pytest.mark.parametrize(
    ("hook", "says"),
    [
        ("copydesk-lint", "broken.md:6:6: error CD101 "),
        ("copydesk-format", "broken.md: rewritten in canonical form (was jekyll)"),
        ("copydesk-migrate-check", "broken.md: not in canonical form (detected jekyll)"),
    ],
)
def test_try_repo_runs_each_hook_from_a_clean_cache(
    content: Path, try_repo: Run, hook: str, says: str
) -> None:
    good = write(content / "good.md", GOOD)
    assert main(["format", str(good)]) == 1  # now canonical and lint-clean
    good_bytes = good.read_bytes()
    write(content / "broken.md", BROKEN)

    result = try_repo(hook, "--files", "good.md", "broken.md")
    assert result.returncode == 1, result.stdout + result.stderr
    assert says in result.stdout
    assert "good.md" not in result.stdout
    assert good.read_bytes() == good_bytes
