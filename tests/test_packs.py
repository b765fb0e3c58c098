"""Rule packs: entries load as rules, mistakes name the file and the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.packs import PackError, load_pack

GOOD = (
    "- {id: HOUSE001, name: no-bad, message: \"bad '{match}'\", phrases: [bad word]}\n"
    "- {id: HOUSE002, name: no-meh, message: meh, pattern: '(?i)\\bmeh\\b', default: false}\n"
)


def pack(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "house.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_entries_become_rules(tmp_path: Path) -> None:
    infos = load_pack(pack(tmp_path, GOOD))
    assert [(i.code, i.name, i.cls.severity, i.cls.default) for i in infos] == [
        ("HOUSE001", "no-bad", "warning", True),
        ("HOUSE002", "no-meh", "warning", False),
    ]
    assert infos[0].cls.spec.regex.search("a Bad\n word here")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "- {id: H1, name: a, message: m, phrases: [x], colour: red}\n",
            "rule 1: unknown key 'colour'",
        ),
        ("- {id: H1, name: a, message: m}\n", "H1: give exactly one of 'pattern' or 'phrases'"),
        (
            "- {id: H1, name: a, message: m, phrases: [x], default: no-thanks}\n",
            "H1: default must be true or false",
        ),
        (
            "- {id: h1, name: a, message: m, phrases: [x]}\n",
            "id 'h1' must look like CD450 or HOUSE001",
        ),
        (
            "- {id: H1, name: Not_Kebab, message: m, phrases: [x]}\n",
            "H1: name 'Not_Kebab' must be kebab-case",
        ),
        ("- {id: H1, name: a, message: m, pattern: '(unclosed'}\n", "H1: bad pattern"),
        ("title: not a list\n", "a rule pack must be a YAML list of rules"),
        (
            "- {id: H1, name: a, message: m, phrases: [x], replacement: y, remove: paragraph}\n",
            "H1: give at most one of 'replacement' or 'remove'",
        ),
        (
            "- {id: H1, name: a, message: m, phrases: [x], remove: sentence}\n",
            "H1: remove must be one of paragraph",
        ),
        ("- {id: H1, name: a, message: m, phrases: [x], fix: safe}\n", "H1: 'fix' needs a"),
        (
            "- {id: H1, name: a, message: m, phrases: [x], replacement: y, fix: maybe}\n",
            "H1: fix must be safe or unsafe",
        ),
        (
            "- {id: H1, name: a, message: m, phrases: [x], replacement: {z: y}}\n",
            "H1: replacement: 'z' is not one of the phrases",
        ),
        (
            "- {id: H1, name: a, message: m, pattern: '(a)b', replacement: '\\\\2'}\n",
            "H1: replacement names a group the pattern lacks",
        ),
        (
            "- {id: H1, name: a, message: m, phrases: [x], replacement: [y]}\n",
            "H1: replacement must be a string or a mapping",
        ),
    ],
)
def test_mistakes_name_the_file_and_the_entry(tmp_path: Path, text: str, reason: str) -> None:
    path = pack(tmp_path, text)
    with pytest.raises(PackError) as info:
        load_pack(path)
    assert str(info.value).startswith(f"{path}: ")
    assert reason in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "bad word at the start, then a BAD\n  Word across a line, then xbad word glued",
        "bad bad word: overlapping starts, and bad words plural",
        "nothing to see here",
    ],
)
def test_phrase_rules_find_what_a_full_scan_finds(tmp_path: Path, text: str) -> None:
    rule = load_pack(pack(tmp_path, GOOD))[0].cls
    spec = rule.spec  # type: ignore[attr-defined]
    assert spec.starts == ("bad",)
    found = [m.span() for m in rule()._matches(text, text.lower(), 0, len(text))]  # type: ignore[attr-defined]
    assert found == [m.span() for m in spec.regex.finditer(text)]


def test_a_pack_replacement_is_a_fix_in_the_body_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A phrase rule with one `replacement` for all its phrases and `fix: safe`:
    `lint --fix` applies it (in the match's case), never in code or the title."""
    from copydesk.cli import main

    monkeypatch.chdir(tmp_path)
    pack(
        tmp_path,
        "- {id: HOUSE010, name: in-order-to, message: wordy, scope: [title, body],\n"
        "   phrases: [in order to, so as to], replacement: to, fix: safe}\n",
    )
    (tmp_path / ".copydesk.toml").write_text('packs = ["house.yml"]\n', encoding="utf-8")
    post = tmp_path / "a.md"
    post.write_text(
        "---\ntitle: In order to fix\n---\nIn order to go, we\nran so as to `in order to`.\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["lint", "--select", "HOUSE010", "."]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "HOUSE010" in line]
    assert [("[*]" in line) for line in lines] == [False, True, True]  # the title has no fix
    main(["lint", "--select", "HOUSE010", "--fix", "."])
    assert capsys.readouterr().out.splitlines()[-1] == "2 fixed, 1 remaining."
    assert post.read_text(encoding="utf-8") == (
        "---\ntitle: In order to fix\n---\nTo go, we\nran to `in order to`.\n"
    )


def test_a_pattern_replacement_is_a_template_of_its_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from copydesk.cli import main

    monkeypatch.chdir(tmp_path)
    pack(
        tmp_path,
        "- {id: HOUSE011, name: doubled, message: doubled, fix: safe,\n"
        "   pattern: '(?i)\\b([a-z]+)[ \\t]+\\1\\b', replacement: '\\1'}\n",
    )
    (tmp_path / ".copydesk.toml").write_text('packs = ["house.yml"]\n', encoding="utf-8")
    post = tmp_path / "a.md"
    post.write_text("The the end of the the story.\n", encoding="utf-8")
    main(["lint", "--select", "HOUSE011", "--fix", "."])
    assert capsys.readouterr().out.splitlines()[-1] == "2 fixed, 0 remaining."
    assert post.read_text(encoding="utf-8") == "The end of the story.\n"


def test_a_removal_reads_paragraphs_only_in_a_file_it_may_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`remove: paragraph` reads the blocks around a match: a file whose text
    rules out every match (its needles) is parsed without them, and a file
    with a match still gets its removal, in a list item too."""
    from copydesk.engine import lint_paths

    monkeypatch.chdir(tmp_path)
    pack(
        tmp_path,
        "- {id: HOUSE020, name: spam-notice, message: spam, remove: paragraph,\n"
        "   phrases: [Powered by Spamco]}\n",
    )
    (tmp_path / ".copydesk.toml").write_text('packs = ["house.yml"]\n', encoding="utf-8")
    (tmp_path / "a.md").write_text(
        "Text.\n\n- one\n- Powered by spamco.\n\nMore.\n", encoding="utf-8"
    )
    (tmp_path / "b.md").write_text("Text.\n\n- one\n- two\n", encoding="utf-8")
    result = lint_paths(["."], select=["HOUSE020"], jobs=1, reusable=True)
    assert [(f.path, f.line) for f in result.findings] == [("a.md", 4)]
    fix = result.findings[0].fix
    assert fix is not None and fix.removes == "- Powered by spamco.\n"
    assert result.session is not None
    ruleset = result.session.plan.rulesets[0]
    rule = ruleset.rule(0)
    assert not rule.may_find("Text.\n\n- one\n- two\n")
    assert rule.may_find("POWERED BY SPAMCO")
    base = ruleset.want
    assert base is not None and "paragraph" not in base
    assert ruleset.want_for("Text.") == base
    assert {"paragraph", "list_item"} <= (ruleset.want_for("powered by spamco") or set())
