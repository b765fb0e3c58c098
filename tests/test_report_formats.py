"""Output formats: SARIF (schema-valid, every rule), GitHub annotations (escaping), JUnit XML."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import pytest

from copydesk.cli import main
from copydesk.findings import Finding
from copydesk.registry import load_registry
from copydesk.report import github, junit, sarif

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-2.1.0.json"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules.md"

POSTS = {
    "a.md": "---\ntitle: A post\ndate: 2020-01-02\n---\n\nSee [b](b.md).\n\n"
    "See [x](http://example.com/x) and [](https://example.com).\n",
    "b.md": "---\ntitle: B\ndate: 2020-01-03\n---\n\nBody.\n",
    "c,d:e.md": '---\ndate: 2020-01-03\n---\n\n50% done: "quoted" <b>&amp;\n\n[gone](no.md)\n',
    "blog/deep.md": "---\ntitle: Deep\ndate: 2020-01-03\n---\n\nUtilize [it](../nope.md).\n",
}


def validate(log: object) -> None:
    if not SCHEMA.is_file():
        pytest.skip("SARIF schema not available")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # With the format checker: every `uri`/`uri-reference` must be a URI (RFC 3986).
    # jsonschema checks those formats only with rfc3986-validator (a dev dependency)
    # installed, and skips them silently without it: make that an error here.
    checker = jsonschema.FormatChecker()
    assert {"uri", "uri-reference"} <= set(checker.checkers), "install rfc3986-validator"
    jsonschema.Draft7Validator(schema, format_checker=checker).validate(log)


@pytest.fixture
def blog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in POSTS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["lint", *argv])
    return code, capsys.readouterr().out


def text_findings(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    return run(capsys, "--quiet", *argv)[1].splitlines()


def bare(line: str) -> str:
    """A text finding without its fix mark `[*]` (SARIF carries the fix itself)."""
    return line.replace(" [*] ", " ", 1)


# --- SARIF --------------------------------------------------------------------

SEVERITY = {"error": "error", "warning": "warning", "note": "info"}


def as_text(run_: dict[str, Any], result: dict[str, Any]) -> str:
    """A SARIF result as the text format shows it after the position:
    severity, code, message, [rule name]."""
    rule = run_["tool"]["driver"]["rules"][result["ruleIndex"]]
    return "{} {} {} [{}]".format(
        SEVERITY[result["level"]], result["ruleId"], result["message"]["text"], rule["name"]
    )


def test_sarif_is_schema_valid_with_one_result_per_text_finding(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = [bare(line) for line in text_findings(capsys, ".")]
    code, out = run(capsys, "--format", "sarif", ".")
    log = json.loads(out)
    validate(log)
    assert code == 1
    (only_run,) = log["runs"]
    got = [
        "{}:{}:{}: {}".format(
            unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]),
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            as_text(only_run, r),
        )
        for r in only_run["results"]
    ]
    assert got == expected


def test_sarif_lists_every_registered_rule_with_docs(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = json.loads(run(capsys, "--format", "sarif", "b.md")[1])
    validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "copydesk"
    assert driver["version"]
    assert driver["informationUri"].startswith("https://")
    registry = load_registry()
    assert [rule["id"] for rule in driver["rules"]] == sorted(registry.rules)
    anchors = set(re.findall(r"^## (CD\d+) (\S+)$", DOCS.read_text(encoding="utf-8"), re.M))
    for rule in driver["rules"]:
        cls = registry.rules[rule["id"]].cls
        assert rule["name"] == cls.name
        assert rule["shortDescription"]["text"] == cls.summary
        assert rule["fullDescription"]["text"]
        assert "Why is this bad?" in rule["help"]["text"]
        assert "**Use instead**" in rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert rule["helpUri"].endswith(f"docs/rules.md#{cls.code.lower()}-{cls.name}")
        assert (cls.code, cls.name) in anchors  # the anchor exists in docs/rules.md
    assert log["runs"][0]["results"] == []


def test_sarif_results_point_into_the_rule_list_with_repo_relative_uris(
    blog: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    subprocess.run(["git", "init", "-q", str(blog)], check=True)
    monkeypatch.chdir(blog / "blog")  # run from a sub-folder: URIs stay root-relative
    log = json.loads(run(capsys, "--format", "sarif", ".", "../a.md")[1])
    validate(log)
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith(("/", "file:"))
        region = location["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]
    }
    assert uris == {"blog/deep.md", "a.md"}
    root = run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root == blog.resolve().as_uri() + "/"


def test_sarif_uri_is_relative_to_the_current_folder_outside_git(
    blog: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(blog.parent))
    monkeypatch.chdir(blog / "blog")
    log = json.loads(run(capsys, "--format", "sarif", "deep.md")[1])
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "deep.md", "uriBaseId": "%SRCROOT%"}


def test_sarif_levels_follow_severity(tmp_path: Path) -> None:
    findings = [
        Finding("p.md", 1, 1, "CD101", "m1", "error", "missing-link-target", 1, 4),
        Finding("p.md", 2, 1, "CD106", "m2", "warning", "insecure-link"),
        Finding("p.md", 3, 1, "CD473", "m3", "info", "utilize"),
    ]
    log = sarif.sarif_log(findings, load_registry().rules, tmp_path)
    validate(log)
    assert [r["level"] for r in log["runs"][0]["results"]] == ["error", "warning", "note"]
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 4}


def test_sarif_valid_for_awkward_messages_and_unknown_codes(tmp_path: Path) -> None:
    findings = [
        Finding("a b/é,:.md", 2, 3, "XX1", 'quote " back \\ new\nline 100%', "warning", "x"),
    ]
    log = sarif.sarif_log(findings, {}, tmp_path)
    validate(log)
    result = log["runs"][0]["results"][0]
    assert log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "XX1"
    assert result["message"]["text"] == 'quote " back \\ new\nline 100%'


def _uris(log: dict[str, Any]) -> list[str]:
    return [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    ]


def test_sarif_uris_are_percent_encoded_and_messages_keep_their_accents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spaces, accents, `%`, `#` and `?` in folder and file names: each URI is an
    RFC 3986 reference that decodes back to the path."""
    root = tmp_path / "dé jà"
    name = "x y/café 100%#?.md"
    (root / "x y").mkdir(parents=True)
    (root / name).write_text("---\ntitle: Été\ndate: 2020-01-02\n---\n\n[là](où.md)\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.chdir(root)
    log = json.loads(run(capsys, "--no-cache", "--format", "sarif", ".")[1])
    validate(log)
    assert _uris(log) == ["x%20y/caf%C3%A9%20100%25%23%3F.md"]
    assert unquote(_uris(log)[0]) == name
    base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.endswith("/d%C3%A9%20j%C3%A0/")


def test_sarif_of_a_file_name_that_is_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its URI keeps the byte on disk (%E9); the log stays valid UTF-8 JSON."""
    try:
        (tmp_path / os.fsdecode(b"caf\xe9.md")).write_text(
            "---\ndate: 2020-01-02\n---\n\n[x](no.md)\n"
        )
    except (OSError, UnicodeError):
        pytest.skip("this file system takes only UTF-8 names")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.chdir(tmp_path)
    text = run(capsys, "--no-cache", "--format", "sarif", ".")[1]
    text.encode("utf-8")  # no lone surrogate: the log can be written as UTF-8
    log = json.loads(text)
    validate(log)
    assert set(_uris(log)) == {"caf%E9.md"}


def test_sarif_on_a_terminal_that_is_not_utf8_is_written_in_utf8(blog: Path) -> None:
    """JSON is UTF-8 (RFC 8259): the rules' texts ("…", accents) must not crash an
    ASCII terminal's stdout, and the bytes are those of a UTF-8 terminal."""
    argv = [sys.executable, "-m", "copydesk", "lint", "--no-cache", "--format", "sarif", "b.md"]
    outputs = []
    for encoding in ("ascii", "utf-8"):
        env = {**os.environ, "PYTHONIOENCODING": encoding}
        done = subprocess.run(argv, capture_output=True, env=env, check=False)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    text = outputs[0].decode("utf-8")
    assert "…" in text
    validate(json.loads(text))


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds not available")
def test_acceptance_seeds_sarif_matches_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    seeds = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    expected = [bare(line) for line in text_findings(capsys, *seeds)]
    log = json.loads(run(capsys, "--format", "sarif", *seeds)[1])
    validate(log)
    results = log["runs"][0]["results"]
    assert expected and len(results) == len(expected)
    assert [as_text(log["runs"][0], r) for r in results] == [
        line.split(": ", 1)[1] for line in expected
    ]


# --- GitHub annotations ---------------------------------------------------------


def test_github_escapes_data_and_properties(tmp_path: Path) -> None:
    finding = Finding("dir,1/a:b.md", 3, 5, "CD101", "50% done\r\nnext: a, b", "warning", "x", 3, 9)
    line = github.annotation(finding, Path.cwd())
    assert line == (
        "::warning file=dir%2C1/a%3Ab.md,line=3,col=5,endLine=3,endColumn=9,"
        "title=CD101::50%25 done%0D%0Anext: a, b"
    )


@pytest.mark.parametrize(
    ("severity", "command"),
    [("error", "::error "), ("warning", "::warning "), ("info", "::notice ")],
)
def test_github_command_per_severity(severity: str, command: str) -> None:
    finding = Finding("a.md", 1, 1, "CD1", "m", severity)  # type: ignore[arg-type]
    assert github.annotation(finding, Path.cwd()).startswith(command)


def test_github_multiline_range_drops_end_column() -> None:
    finding = Finding("a.md", 1, 2, "CD1", "m", "error", "n", 4, 7)
    assert github.annotation(finding, Path.cwd()) == (
        "::error file=a.md,line=1,col=2,endLine=4,title=CD1::m"
    )


def test_github_format_from_the_cli(blog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--format", "github", ".")
    lines = out.splitlines()
    assert code == 1
    assert (
        "::error file=c%2Cd%3Ae.md,line=1,col=1,title=CD303::front matter has no 'title'" in lines
    )
    assert any(
        line.startswith("::warning file=a.md,line=8,col=5,") and line.endswith("uses http:")
        for line in lines
    )
    assert lines[-1].startswith("Found ")


# --- JUnit --------------------------------------------------------------------


def test_junit_one_testcase_per_file_and_a_failure_per_finding(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = text_findings(capsys, ".")
    code, out = run(capsys, "--format", "junit", ".")
    root = ET.fromstring(out.encode("utf-8"))
    (suite,) = root.findall("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == set(POSTS)  # b.md is clean and still a (passing) test case
    assert cases["b.md"].findall("failure") == []
    failures = [f for case in cases.values() for f in case.findall("failure")]
    assert len(failures) == len(expected)
    assert suite.get("tests") == "4" and suite.get("failures") == "3"
    assert code == 1


def test_junit_escapes_markup_and_forbidden_characters() -> None:
    findings = [Finding("a&b.md", 1, 1, "CD1", 'x <y> & "z"\x00\x1b', "error")]
    out = junit.render(findings, ["a&b.md", "clean.md"])
    case = ET.fromstring(out.encode("utf-8")).find("testsuite/testcase[@name='a&b.md']")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == 'x <y> & "z"\ufffd\ufffd'
    assert failure.get("type") == "CD1"


def test_output_option_writes_the_report_to_a_file(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "--format", "sarif", "--output", "report.sarif", ".")
    assert code == 1 and out == ""
    validate(json.loads((blog / "report.sarif").read_text(encoding="utf-8")))


def test_sarif_carries_fixes_and_json_their_edits(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (blog / "f.md").write_text(
        "---\ntitle: F\ndate: 2020-01-03\n---\n\nSee https://example.com/x now.\n", encoding="utf-8"
    )
    select = ("--extend-select", "CD110")  # bare-url is opt-in
    log = json.loads(run(capsys, *select, "--format", "sarif", "a.md", "f.md")[1])
    validate(log)
    fixes = {r["ruleId"]: r["fixes"][0] for r in log["runs"][0]["results"] if "fixes" in r}
    autolink = fixes["CD110"]["artifactChanges"][0]
    assert autolink["artifactLocation"]["uri"] == "f.md"
    assert [
        (r["deletedRegion"]["startColumn"], r["insertedContent"]["text"])
        for r in autolink["replacements"]
    ] == [(5, "<"), (26, ">")]
    assert fixes["CD106"]["description"]["text"] == "copydesk lint --fix --unsafe-fixes"
    data = json.loads(run(capsys, *select, "--format", "json", "f.md")[1])
    (bare_url,) = [f for f in data if f["code"] == "CD110"]
    assert bare_url["fix"]["applicability"] == "safe"
    assert [edit["text"] for edit in bare_url["fix"]["edits"]] == ["<", ">"]


@pytest.mark.parametrize("variable", ["FORCE_COLOR", "NO_COLOR"])
def test_text_comparisons_do_not_depend_on_the_callers_colour_environment(variable: str) -> None:
    """test_report_formats was reported flaky; it failed whenever the shell that
    ran pytest had FORCE_COLOR set (ANSI codes in the text compared with SARIF)."""
    import os
    import sys

    root = Path(__file__).resolve().parents[1]
    tests = [
        "tests/test_report_formats.py::test_acceptance_seeds_sarif_matches_text",
        "tests/test_cli_lint.py::test_findings_are_sorted_by_path_line_column_and_fail_with_1",
    ]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            *tests,
        ],
        cwd=root,
        env={**os.environ, variable: "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:]


def _asdict(value: Any) -> Any:
    """What `dataclasses.asdict` gave of a finding: records as dicts, deeply."""
    if hasattr(value, "_asdict"):
        return {key: _asdict(item) for key, item in value._asdict().items()}
    if isinstance(value, tuple):
        return [_asdict(item) for item in value]
    return value


def test_json_bytes_equal_the_stdlib_encoding_of_asdict() -> None:
    """The hand-written encoder and `as_dict` write what `json.dumps(indent=2,
    ensure_ascii=False)` of `dataclasses.asdict` always wrote (every record a
    dict of its fields, in order, nested ones too): awkward strings, a
    replacement, a fix with several edits and one with none."""
    from copydesk.findings import Fix, Replacement
    from copydesk.report import json as json_report

    edit = Replacement(3, 1, 4, 1, "")
    findings = [
        Finding("b/é.md", 2, 7, "CD101", 'say "hi"\\ \t\x00\x1f\u2028 café 😀', "warning", "x-y"),
        Finding(
            "a.md",
            3,
            1,
            "CD451",
            "boilerplate",
            "info",
            "n",
            3,
            9,
            replacement=Replacement(3, 1, 3, 9, "new\ntext"),
            fix=Fix((edit, Replacement(5, 2, 5, 3, "ö")), "unsafe", removes="Leave a reply"),
        ),
        Finding("a.md", 1, 1, "CD102", "", fix=Fix((), description="d", replaces="http")),
    ]
    expected = []
    for finding in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code)):
        data = _asdict(finding)
        for key in ("replacement", "fix"):
            if data[key] is None:
                del data[key]
        expected.append(data)
    assert json_report.render(findings) == json.dumps(expected, indent=2, ensure_ascii=False)
    assert json_report.render([]) == "[]"
