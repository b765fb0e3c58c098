"""Inputs the fuzzer found breaking copydesk, kept as fixtures with their expected results.

Each `fixtures/fuzz/NAME.md` has a `NAME.expected` beside it: the `lint`
lines with every rule selected (as `copydesk lint` prints findings and
errors) and the `migrate` outcome (`migrated` or `unchanged` and one line
per recorded change, or `refused: <reason>`). A folder `fixtures/fuzz/NAME/`
is a site, linted as a whole (its `NAME.expected` has only the `lint`
lines). Every fixture also passes all of the fuzz properties (oracles.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from copydesk.engine import lint_paths
from copydesk.errors import CopydeskError
from copydesk.migrate import Settings, migrate_file
from fuzz.oracles import ALL_RULES, check_fix, check_lint, check_migrate

FOUND = Path(__file__).resolve().parents[2] / "fixtures" / "fuzz"
CASES = sorted(path.name for path in FOUND.iterdir() if path.suffix in (".md", ".txt"))
SITES = sorted(path.name for path in FOUND.iterdir() if path.is_dir())


def lint_lines(name: str) -> list[str]:
    result = lint_paths([name], jobs=1, select=ALL_RULES)
    lines = [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in result.findings]
    return lines + [str(error) for error in result.errors]


def migrate_outcome(name: str) -> list[str]:
    """`migrated`/`unchanged` and one `change:` line per recorded change, or `refused: why`."""
    try:
        result = migrate_file(Path(name), Settings(out=Path("out")))
    except CopydeskError as error:
        return [f"refused: {error.reason}"]
    return [result.status] + [
        f"change: {change.kind} line {change.line}: {' '.join(change.before.split())}"
        for change in result.changes
    ]


def expected(name: str) -> tuple[list[str], list[str]]:
    """The `lint:` lines and the `migrate:` lines of NAME.expected."""
    lines = (FOUND / f"{Path(name).stem}.expected").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "lint:", f"{name}.expected starts with 'lint:'"
    split = next((i for i, line in enumerate(lines) if line.startswith("migrate: ")), len(lines))
    migrate = lines[split:]
    if migrate:
        migrate[0] = migrate[0].removeprefix("migrate: ")
    return lines[1:split], migrate


@pytest.mark.parametrize("name", CASES)
def test_found_case_gives_its_expected_results(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(FOUND / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    lint, migrate = expected(name)
    assert lint_lines(name) == lint
    assert migrate_outcome(name) == migrate


@pytest.mark.parametrize("name", CASES)
def test_found_case_keeps_every_fuzz_property(name: str, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "again").mkdir()
    path = shutil.copy(FOUND / name, tmp_path / "in" / name)
    check_lint(path)
    check_migrate(path, tmp_path / "again" / name)
    check_fix(path)
    check_lint(path)


@pytest.mark.parametrize("name", SITES)
def test_found_site_gives_its_expected_findings(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(FOUND / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    lint, migrate = expected(name)
    assert not migrate, "a site's expected results are its lint lines only"
    assert lint_lines(name) == lint
    check_lint(tmp_path / name)
