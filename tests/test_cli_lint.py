"""`copydesk lint` and `copydesk rules` as a user runs them: output and exit codes.

These run the real registry (built-in rules and shipped packs), with
--select narrowing each case to rules whose behaviour is stable here: the
suppression rules and a user pack given through the config.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.cli import main

PACK = (
    "- {id: HOUSE001, name: no-bad, message: \"bad word '{match}'\", "
    "severity: error, phrases: [bad]}\n"
    "- {id: HOUSE002, name: no-meh, message: meh, severity: info, phrases: [meh]}\n"
)


@pytest.fixture(autouse=True)
def blog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".copydesk.toml").write_text(
        'packs = ["house.yml"]\nselect = ["HOUSE", "CD49"]\n', encoding="utf-8"
    )
    (tmp_path / "house.yml").write_text(PACK, encoding="utf-8")
    return tmp_path


def write(path: str, text: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")


def test_clean_tree_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    write("a.md", "# Fine\n\nAll good.\n")
    assert main(["lint"]) == 0
    assert capsys.readouterr().out == "No findings in 1 file.\n"


def test_findings_are_sorted_by_path_line_column_and_fail_with_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write("b.md", "bad\n")
    write("a/z.md", "meh\n\nok bad and bad\n")
    assert main(["lint", "--jobs", "1"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "a/z.md:1:1: info HOUSE002 meh [no-meh]",
        "a/z.md:3:4: error HOUSE001 bad word 'bad' [no-bad]",
        "a/z.md:3:12: error HOUSE001 bad word 'bad' [no-bad]",
        "b.md:1:1: error HOUSE001 bad word 'bad' [no-bad]",
        "Found 4 findings (3 errors, 1 info) in 2 files.",
    ]


def test_warnings_and_info_do_not_fail(capsys: pytest.CaptureFixture[str]) -> None:
    write("a.md", "meh\n\n<!-- copydesk-disable-next-line HOUSE001 -->\nfine\n")
    assert main(["lint", "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "a.md:1:1: info HOUSE002 meh [no-meh]",
        "a.md:3:1: warning CD490 [*] unused suppression of HOUSE001 [unused-suppression]",
    ]


def test_select_ignore_and_extend_select_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write("a.md", "meh bad\n")
    assert main(["lint", "-q", "--select", "HOUSE002"]) == 0
    assert capsys.readouterr().out == "a.md:1:1: info HOUSE002 meh [no-meh]\n"
    assert main(["lint", "-q", "--ignore", "no-meh,CD490"]) == 1
    assert capsys.readouterr().out == "a.md:1:5: error HOUSE001 bad word 'bad' [no-bad]\n"


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    write("a.md", "text bad\n")
    assert main(["lint", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out) == [
        {
            "path": "a.md",
            "line": 1,
            "column": 6,
            "end_line": None,
            "end_column": None,
            "code": "HOUSE001",
            "name": "no-bad",
            "message": "bad word 'bad'",
            "severity": "error",
        }
    ]


def test_statistics_count_per_code(capsys: pytest.CaptureFixture[str]) -> None:
    write("a.md", "bad bad meh\n\nbad\n")
    assert main(["lint", "--statistics", "--quiet"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "3  HOUSE001  error  no-bad",
        "1  HOUSE002  info   no-meh",
    ]


def test_unreadable_file_is_one_line_not_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    Path("bin.md").write_bytes(b"\x00\x01\x02")
    Path("export.txt").write_bytes("caf\xe9 bad\n".encode("cp1252"))
    write("a.md", "ok\n")
    assert main(["lint", ".", "export.txt"]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "bin.md: binary file (contains NUL bytes)",
        "export.txt: not valid UTF-8 (byte 0xe9 on line 1)",
    ]
    assert captured.out == "No findings in 1 file.\n"


def test_named_txt_file_is_linted(capsys: pytest.CaptureFixture[str]) -> None:
    write("export.txt", "a bad export\n")
    assert main(["lint", "-q", "export.txt"]) == 1
    assert capsys.readouterr().out == "export.txt:1:3: error HOUSE001 bad word 'bad' [no-bad]\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["lint", "--select", "NOPE9"], "unknown rule code 'NOPE9'"),
        (["lint", "missing.md"], "missing.md: no such file or folder"),
        (["lint", "--config", "none.toml"], "none.toml: cannot read config"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_bad_jobs_value_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["lint", "--jobs", "0"])
    assert exit_.value.code == 2


def test_config_typo_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    Path(".copydesk.toml").write_text('selec = ["HOUSE"]\n', encoding="utf-8")
    write("a.md", "ok\n")
    assert main(["lint"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith(".copydesk.toml: unknown key 'selec'; did you mean 'select'?")


def test_explicit_config_file(capsys: pytest.CaptureFixture[str]) -> None:
    Path("strict.toml").write_text(
        'packs = ["house.yml"]\nselect = ["HOUSE002"]\n[severity]\nno-meh = "error"\n',
        encoding="utf-8",
    )
    write("a.md", "bad meh\n")
    assert main(["lint", "-q", "--config", "strict.toml"]) == 1
    assert capsys.readouterr().out == "a.md:1:5: error HOUSE002 meh [no-meh]\n"


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    rows = [line.split()[:3] for line in capsys.readouterr().out.splitlines()]
    assert ["CD490", "unused-suppression", "warning"] in rows
    assert ["CD491", "unknown-suppression-code", "warning"] in rows


def test_rules_explains_one_by_code_or_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "CD491"]) == 0
    by_code = capsys.readouterr().out
    assert main(["rules", "unknown-suppression-code"]) == 0
    assert capsys.readouterr().out == by_code
    assert by_code.startswith("CD491 unknown-suppression-code (warning)\n")
    for heading in ("What it does:", "Why is this bad?", "Example:", "Use instead:"):
        assert f"\n{heading}\n" in by_code


def test_rules_lists_the_packs_the_config_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    rows = [line.split()[:3] for line in capsys.readouterr().out.splitlines()]
    assert ["HOUSE001", "no-bad", "error"] in rows
    assert ["HOUSE002", "no-meh", "info"] in rows
    assert main(["rules", "no-meh"]) == 0
    assert capsys.readouterr().out.startswith("HOUSE002 no-meh (info)\n")


def test_rules_without_a_config_lists_no_pack_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    Path(".copydesk.toml").unlink()
    assert main(["rules"]) == 0
    assert "HOUSE001" not in capsys.readouterr().out
    assert main(["rules", "--config", "other.toml"]) == 2
    assert "other.toml: cannot read config" in capsys.readouterr().err


def test_rules_json_for_tools(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    by_code = {rule["code"]: rule for rule in rules}
    assert by_code["HOUSE002"] == {
        "code": "HOUSE002",
        "name": "no-meh",
        "severity": "info",
        "summary": "meh",
        "default": True,
        "fixable": False,
        "fix": "no",
        "scope": "line",
        "source": "pack house.yml",
        "options": {},
        "docs": by_code["HOUSE002"]["docs"],
    }
    assert by_code["CD104"]["options"]["phrases"][0] == "here"
    assert main(["rules", "CD101", "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert (one["code"], one["name"], one["severity"]) == ("CD101", "missing-link-target", "error")
    assert set(one["docs"]) == {"What it does", "Why is this bad?", "Example", "Use instead"}


def test_rules_unknown_code_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "CD000"]) == 2
    assert "unknown rule 'CD000'" in capsys.readouterr().err


def test_folder_without_posts_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    write("export/post.rst", "A post in another format.\n")
    assert main(["lint", "export"]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        "copydesk: skipped 1 .rst file: reStructuredText is not supported\n"
        "copydesk: no posts (*.md, *.markdown, *.mdown, *.mkd, *.txt, *.text, *.mdx) "
        "under export; "
        "name other files explicitly\n"
    )


def test_text_output_is_plain_when_not_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    write("a.md", "bad\n")
    assert main(["lint", "-q"]) == 1
    assert "\033[" not in capsys.readouterr().out


def test_force_color_colours_severity_and_no_color_wins(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write("a.md", "bad\n")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    main(["lint", "-q"])
    assert capsys.readouterr().out == (
        "\033[1ma.md:1:1:\033[0m \033[31merror\033[0m HOUSE001 bad word 'bad'"
        "\033[2m [no-bad]\033[0m\n"
    )
    monkeypatch.setenv("NO_COLOR", "1")
    main(["lint", "-q"])
    assert capsys.readouterr().out == "a.md:1:1: error HOUSE001 bad word 'bad' [no-bad]\n"


def test_report_file_never_gets_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    write("a.md", "bad\n")
    main(["lint", "-q", "--output", "report.txt"])
    assert Path("report.txt").read_text() == "a.md:1:1: error HOUSE001 bad word 'bad' [no-bad]\n"


def test_summary_counts_files_in_the_singular(capsys: pytest.CaptureFixture[str]) -> None:
    write("a.md", "bad\n")
    main(["lint"])
    assert capsys.readouterr().out.splitlines()[-1] == "Found 1 finding (1 error) in 1 file."


def test_statistics_columns_fit_the_longest_code(capsys: pytest.CaptureFixture[str]) -> None:
    Path("long.yml").write_text(
        "- {id: HOUSE12345, name: no-long, message: long word, phrases: [long]}\n",
        encoding="utf-8",
    )
    Path(".copydesk.toml").write_text(
        'packs = ["house.yml", "long.yml"]\nselect = ["HOUSE"]\n', encoding="utf-8"
    )
    write("a.md", "bad long bad\n")
    assert main(["lint", "--statistics", "--quiet"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "2  HOUSE001    error    no-bad",
        "1  HOUSE12345  warning  no-long",
    ]


def test_statistics_in_json_is_a_summary_object(capsys: pytest.CaptureFixture[str]) -> None:
    write("a.md", "bad bad meh\n")
    assert main(["lint", "--statistics", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out) == {
        "total": 3,
        "by_severity": {"error": 2, "warning": 0, "info": 1},
        "statistics": [
            {"code": "HOUSE001", "name": "no-bad", "severity": "error", "count": 2},
            {"code": "HOUSE002", "name": "no-meh", "severity": "info", "count": 1},
        ],
    }


def test_folder_discovery_is_the_same_for_every_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in (
        "a.md",
        "b.markdown",
        "c.mdown",
        "d.mkd",
        "e.txt",
        "f.rst",
        "g.rst",
        "h.text",
        "i.mdx",
    ):
        write(f"posts/{name}", "A title\n\nSome text.\n")
    write("posts/node_modules/x.md", "A title\n\nSome text.\n")
    write("posts/.hidden/y.md", "A title\n\nSome text.\n")
    main(["lint", "--select", "CD301", "--quiet", "posts"])
    linted = [line.split(":")[0] for line in capsys.readouterr().out.splitlines()]
    assert linted == [
        f"posts/{name}"
        for name in ("a.md", "b.markdown", "c.mdown", "d.mkd", "e.txt", "h.text", "i.mdx")
    ]
    main(["format", "--check", "posts"])
    checked = [line.split(":")[0] for line in capsys.readouterr().out.splitlines()]
    assert checked == linted
    main(["migrate", "posts", "--out", "out"])
    outputs = sorted(p.name for p in Path("out").iterdir())
    assert outputs == ["a.md", "b.md", "c.md", "d.md", "e.md", "h.md", "i.md"]
    assert "skipped 2 .rst files: reStructuredText is not supported\n" in capsys.readouterr().err


def test_report_file_is_never_written_through_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    Path("report.txt").symlink_to(outside)
    write("a.md", "bad\n")
    assert main(["lint", "-q", "--output", "report.txt"]) == 2
    assert "report.txt: is a symlink" in capsys.readouterr().err
    assert outside.read_text(encoding="utf-8") == "keep me\n"
    assert Path("report.txt").is_symlink()
