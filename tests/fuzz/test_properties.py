"""lint, migrate and fix on generated posts and on mutated fixtures.

The properties (oracles.py): lint never raises or reports an internal error
and every finding is inside the file; migrate either refuses with one line
naming the file or produces a valid post that migrates to itself, and never
loses a word without saying so; fix leaves refused files alone and is
idempotent. The inputs: `strategies.documents()` and
`mutations.mutated_fixtures()`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import currently_in_test_context, event, given, note
from hypothesis import strategies as st

from fuzz.mutations import corpus, mutated_fixtures
from fuzz.oracles import check_fix, check_lint, check_migrate, fix
from fuzz.strategies import documents, odd_entries, sites

# The names a post may have: plain, Jekyll's dated name, a plain-text export.
file_name = st.sampled_from(("post.md", "2016-03-23-quillon-marbeck.md", "notes.txt"))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One folder per test module; each example empties it (hypothesis reuses fixtures)."""
    yield tmp_path_factory.mktemp("fuzz")


def fresh(workdir: Path, name: str, data: bytes) -> Path:
    """`workdir/in/name` holding `data`, in an otherwise empty folder."""
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "in").mkdir(parents=True)
    (workdir / "again").mkdir()
    path = workdir / "in" / name
    path.write_bytes(data)
    if currently_in_test_context():
        note(f"{name}: {data!r}")
    return path


def all_properties(workdir: Path, name: str, data: bytes) -> None:
    path = fresh(workdir, name, data)
    linted = check_lint(path)
    result = check_migrate(path, workdir / "again" / name)
    if currently_in_test_context():
        event("lint: " + ("error" if linted.errors else "findings" if linted.findings else "clean"))
        event(
            "migrate: " + ("refused" if result is None else "lossy" if result.lossy_words else "ok")
        )
    check_fix(path)
    check_lint(path)


@given(name=file_name, data=documents())
def test_generated_posts(workdir: Path, name: str, data: bytes) -> None:
    all_properties(workdir, name, data)


@given(fixture=mutated_fixtures())
def test_mutated_fixtures(workdir: Path, fixture: tuple[str, bytes]) -> None:
    source, data = fixture
    name = "notes.txt" if source.endswith(".txt") else "post.md"
    all_properties(workdir, name, data)


@pytest.mark.parametrize("source", [name for name, _ in corpus()])
def test_fixtures_unmutated(workdir: Path, source: str) -> None:
    """The starting points themselves satisfy every property."""
    data = dict(corpus())[source]
    all_properties(workdir, Path(source).name, data)


@given(files=sites(), odd=odd_entries())
def test_generated_sites(
    workdir: Path, files: dict[str, bytes], odd: list[tuple[str, str]]
) -> None:
    """Several posts under a generator's config, with symlinks and a pipe among them,
    linted and fixed together (site model, project rules, discovery, the writer).

    fix never writes outside the tree, and a second fix changes nothing. Each
    example gets a folder of its own: the site model caches what it learnt
    about a folder for the rest of the process, as a CLI run may.
    """
    root = Path(tempfile.mkdtemp(dir=workdir.parent))
    outside = Path(tempfile.mkdtemp(dir=workdir.parent)) / "outside.md"
    outside.write_bytes(b"---\ntitle:  Not canonical \n---\nOutside the tree.\n")
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
        note(f"{name}: {data!r}")
    for name, kind in odd:
        make_odd_entry(root, name, kind, outside)
        note(f"{name}: {kind}")
    check_lint(root)
    fix(root)
    after = tree_bytes(root)
    fix(root)
    assert tree_bytes(root) == after, "fix twice differs from fix once"
    assert outside.read_bytes().startswith(b"---\ntitle:  Not canonical"), "fix wrote outside"
    shutil.rmtree(root)
    shutil.rmtree(outside.parent)


def make_odd_entry(root: Path, name: str, kind: str, outside: Path) -> None:
    path = root / name
    if path.exists() or path.is_symlink():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
        return
    target = {
        "self link": path.name,
        "loop to parent": "..",
        "dangling link": "missing.md",
        "link outside": str(outside),
        "link inside": os.path.relpath(next(iter(sorted(root.rglob("*.md"))), path), path.parent),
    }[kind]
    path.symlink_to(target)


def tree_bytes(root: Path) -> dict[Path, bytes]:
    """Every regular file's bytes (links not followed)."""
    return {
        path: path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink()
    }
