"""The installed `copydesk` command over a folder of generated posts, as a user runs it.

In-process properties (test_properties.py) cover one file at a time; this
one checks what only a whole run shows: several posts that link to each
other and may share slugs, one bad post among good ones, exit codes, and
stderr that is one line per problem naming the file, never a traceback.
It starts processes, so it tries few examples.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from fuzz.strategies import documents

COPYDESK = Path(sys.executable).with_name("copydesk")
NAMES = ("a.md", "b.md", "2016-03-23-c.md", "sub/d.md", "sub/e.txt")
FEW = max(2, settings.default.max_examples // 40)  # ci: 2, long: 25


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("site")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [str(COPYDESK), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def assert_clean_stderr(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "internal error" not in result.stderr, result.stderr


@settings(max_examples=FEW)
@given(posts=st.lists(documents(max_blocks=4), min_size=2, max_size=len(NAMES)))
def test_a_folder_of_posts_through_lint_migrate_and_fix(site: Path, posts: list[bytes]) -> None:
    shutil.rmtree(site, ignore_errors=True)
    blog = site / "blog"
    for name, data in zip(NAMES, posts, strict=False):
        (blog / name).parent.mkdir(parents=True, exist_ok=True)
        (blog / name).write_bytes(data)
        note(f"{name}: {data!r}")

    lint = run("lint", "blog", "--jobs", "2", cwd=site)
    assert lint.returncode in (0, 1, 2), lint.stderr
    assert_clean_stderr(lint)
    if lint.returncode == 2:  # only for a file it could not read, named on its own line
        assert lint.stderr.strip(), "exit 2 without saying why"

    migrate = run("migrate", "blog", "--out", "out", cwd=site)
    assert migrate.returncode in (0, 1), migrate.stderr
    assert_clean_stderr(migrate)
    if (site / "out").is_dir():
        again = run("migrate", "--check", "out", cwd=site)
        assert again.returncode == 0, again.stdout + again.stderr  # migrate output is canonical

    first = run("format", "blog", cwd=site)
    assert_clean_stderr(first)
    fixed = {path: path.read_bytes() for path in blog.rglob("*") if path.is_file()}
    second = run("format", "blog", cwd=site)
    assert_clean_stderr(second)
    assert {path: path.read_bytes() for path in fixed} == fixed, "fix twice differs from once"
