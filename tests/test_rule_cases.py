"""Data-driven rule tests: every tests/data/rules/<CODE>.yml case, run for real.

A case writes its `files` (path -> text) into a fresh folder, plus an
optional `config` (the top-level keys of a .copydesk.toml), lints that folder
with only the case's rule selected, and compares the rule's findings as
{path, line, col, code} exactly, and each finding's `message` when the case
gives messages. Positions are the point of the exercise:
a finding one column off is a failing case.

A case with `server` (path -> status, location, content-type, body) is a web
case: a local server on 127.0.0.1 answers those paths, `{server}` in the files
becomes its address (`{secure}`: the same over https, with `tls: true`), and
the run is `--online` without a cache.

A case with `fixed` (path -> text) is a fix case: after the findings,
`lint --fix` runs on the same folder and each named file must read exactly
so; a second `--fix` must change nothing. `unsafe-fixed` is the same with
`--unsafe-fixes`, from the case's original files. A refused fix is a case
whose `fixed` text is its input.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from copydesk.cli import main
from copydesk.engine import lint_paths
from copydesk.web.options import OnlineOptions
from webserver import Route, serve, tls_context

CASE_DIR = Path(__file__).parent / "data" / "rules"


def load_cases() -> list[Any]:
    params = []
    for file in sorted(CASE_DIR.glob("*.yml")):
        for case in yaml.safe_load(file.read_text(encoding="utf-8")) or []:
            params.append(pytest.param(file.stem, case, id=f"{file.stem}: {case['name']}"))
    return params


@contextmanager
def web(case: dict[str, Any], folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The case's server address ('' when it has none); with `tls: true` the
    server also answers https, under a CA trusted by this test only."""
    if "server" not in case:
        yield ""
        return
    routes = {
        path: Route(
            status=spec.get("status", 200),
            content_type=spec.get("content-type", "text/html"),
            body=spec.get("body", "<p>hello</p>").encode(),
            headers={"Location": spec["location"]} if "location" in spec else {},
        )
        for path, spec in case["server"].items()
    }
    tls = None
    if case.get("tls"):
        tls, authority = tls_context(folder.parent)
        monkeypatch.setenv("SSL_CERT_FILE", str(authority))
    with serve(routes, tls) as server:
        yield server.url("")


def run_case(
    code: str, case: dict[str, Any], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> list[dict[str, Any]]:
    with web(case, folder, monkeypatch) as address:
        write_files(case, folder, address)
        if case.get("config"):
            (folder / ".copydesk.toml").write_text(case["config"], encoding="utf-8")
        online = OnlineOptions(enabled=True, cache=False) if address else None
        result = lint_paths(case.get("paths", ["."]), select=[code], jobs=1, online=online)
    assert not result.internal_error, [str(e) for e in result.errors]
    return [
        {"path": f.path, "line": f.line, "col": f.column, "code": f.code, "message": f.message}
        for f in result.findings
        if f.code == code
    ]


def write_files(case: dict[str, Any], folder: Path, address: str = "") -> None:
    for relative, content in case["files"].items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        text = content.replace("{server}", address)
        text = text.replace("{secure}", address.replace("http:", "https:", 1))
        target.write_text(text, encoding="utf-8")


def _key(item: dict[str, Any]) -> tuple[str, int, int, str]:
    return (str(item["path"]), int(item["line"]), int(item["col"]), str(item["code"]))


@pytest.mark.parametrize(("code", "case"), load_cases())
def test_rule_case(
    code: str, case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    found = run_case(code, case, tmp_path, monkeypatch)
    expected = sorted(case["findings"], key=_key)
    # A case that gives messages (all of its findings, or none) checks them too.
    if not any("message" in item for item in expected):
        found = [{k: v for k, v in item.items() if k != "message"} for item in found]
    assert found == expected
    for key, flags in (("fixed", ["--fix"]), ("unsafe-fixed", ["--fix", "--unsafe-fixes"])):
        if key in case:
            with web(case, tmp_path, monkeypatch) as address:
                write_files(case, tmp_path, address)
                online = ["--online", "--no-cache"] if address else []
                check_fix(code, case, case[key], [*flags, *online], tmp_path, address)


def check_fix(
    code: str,
    case: dict[str, Any],
    expected: dict[str, str],
    flags: list[str],
    folder: Path,
    address: str = "",
) -> None:
    """`lint --fix` leaves each file as expected, and a second run changes nothing."""
    argv = ["lint", "--quiet", "--select", code, *flags, *case.get("paths", ["."])]
    main(argv)
    for relative, text in expected.items():
        text = text.replace("{server}", address)
        text = text.replace("{secure}", address.replace("http:", "https:", 1))
        assert (folder / relative).read_text(encoding="utf-8") == text, relative
    before = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    main(argv)
    assert {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()} == before
