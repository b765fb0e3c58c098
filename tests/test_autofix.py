"""`lint --fix` through the rule API a third-party rule uses: what is applied,
what is refused (inside code, Liquid, or losing words) and how files are written."""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

import copydesk.registry
from copydesk.cli import main
from copydesk.engine import lint_paths, relint
from copydesk.findings import Fix, Replacement
from copydesk.registry import RuleInfo, load_registry
from copydesk.rules.base import Context, Rule, Violation

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


class Shout(Rule):
    """Writes SHOUT in capitals.

    What it does: finds the word "shout" in lower case, anywhere in the file.
    Why is this bad? A test needs a rule whose fix lands everywhere.
    Example: shout
    Use instead: SHOUT
    """

    code: ClassVar[str] = "XT100"
    name: ClassVar[str] = "shout"
    summary: ClassVar[str] = "shout in capitals"
    fixable: ClassVar[bool | str] = "safe"

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        for match in re.finditer(r"\bshout\b", ctx.parsed.document.text):
            line, column = ctx.parsed.position(match.start())
            edit = Replacement(line, column, line, column + 5, "SHOUT")
            yield Violation(line, column, "shout", fix=Fix((edit,)))


class Drop(Rule):
    """Drops the word "drop" and the word after it, without saying so.

    What it does: a broken fix: it loses a word it does not declare.
    Why is this bad? It exists to be refused.
    Example: drop this
    Use instead: nothing
    """

    code: ClassVar[str] = "XT101"
    name: ClassVar[str] = "drop"
    summary: ClassVar[str] = "drop"
    fixable: ClassVar[bool | str] = "safe"

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        for match in re.finditer(r"\bdrop (\w+)", ctx.parsed.document.text):
            line, column = ctx.parsed.position(match.start())
            edit = Replacement(line, column, line, column + len(match.group(0)), "")
            yield Violation(line, column, "drop", fix=Fix((edit,), removes="drop"))


class Flip(Rule):
    """Flips "ping" and "pong" forever (a fix loop).

    What it does: a fix whose result it reports again.
    Why is this bad? It exists to be stopped.
    Example: ping
    Use instead: pong
    """

    code: ClassVar[str] = "XT102"
    name: ClassVar[str] = "flip"
    summary: ClassVar[str] = "flip"
    fixable: ClassVar[bool | str] = "safe"

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        for match in re.finditer(r"\b(ping|pong)\b", ctx.parsed.document.text):
            line, column = ctx.parsed.position(match.start())
            other = "pong" if match.group(1) == "ping" else "ping"
            edit = Replacement(line, column, line, column + 4, other)
            yield Violation(line, column, "flip", fix=Fix((edit,), removes=match.group(1)))


@pytest.fixture(autouse=True)
def plugin_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    registry = load_registry().extended(RuleInfo(cls, "test") for cls in (Shout, Drop, Flip))
    monkeypatch.setattr(copydesk.registry, "load_registry", lambda: registry)
    monkeypatch.chdir(tmp_path)


def lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["lint", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


POST = (
    "---\ntitle: T\n---\n\n"
    "We shout here.\n\n"
    "Not `shout` in code, nor {% shout %} in Liquid.\n\n"
    "```\nshout\n```\n"
)


def test_a_plugin_fix_is_applied_but_never_inside_code_or_liquid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text(POST, encoding="utf-8")
    code, out, err = lint(capsys, "--select", "XT100", "--fix", "a.md")
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == POST.replace("We shout", "We SHOUT")
    assert "a.md:7:6: XT100 not fixed: the edit lies inside code" in err
    assert "a.md:7:29: XT100 not fixed: the edit lies inside Liquid or a shortcode" in err
    assert "a.md:10:1: XT100 not fixed: the edit lies inside code" in err
    assert out.splitlines()[-1] == "1 fixed, 3 remaining."
    assert code == 1  # the plugin's findings are errors


def test_a_fix_that_would_lose_words_is_refused_and_its_finding_stays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text("Please drop everything.\n", encoding="utf-8")
    code, out, err = lint(capsys, "--select", "XT101", "--fix", "a.md")
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "Please drop everything.\n"
    assert err.strip() == "a.md:1:8: XT101 not fixed: it would lose 'everything'"
    assert "a.md:1:8: error XT101 drop [drop]" in out
    assert code == 1


def test_a_fix_loop_is_reported_not_spun(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text("ping\n", encoding="utf-8")
    code, _, err = lint(capsys, "--select", "XT102", "--fix", "a.md")
    assert "a.md: fixes undo each other (a fix loop); stopped" in err
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "pong\n"
    assert code == 1


def test_diff_writes_nothing_and_exits_1_when_something_would_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = tmp_path / "a.md"
    post.write_text("We shout.\n", encoding="utf-8")
    code, out, err = lint(capsys, "--select", "XT100", "--diff", "a.md")
    assert code == 1
    assert out == "--- a/a.md\n+++ b/a.md\n@@ -1 +1 @@\n-We shout.\n+We SHOUT.\n"
    assert err == "copydesk: would fix 1 finding\n"
    assert post.read_text(encoding="utf-8") == "We shout.\n"
    post.write_text("We SHOUT.\n", encoding="utf-8")
    assert lint(capsys, "--select", "XT100", "--diff", "a.md")[:2] == (0, "")


def test_fix_keeps_line_endings_byte_order_mark_and_mode_and_writes_only_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = tmp_path / "a.md"
    post.write_bytes(b"\xef\xbb\xbfWe shout.\r\nNo more.\r\n")
    os.chmod(post, 0o640)
    clean = tmp_path / "b.md"
    clean.write_text("Quiet.\n", encoding="utf-8")
    before = clean.stat().st_mtime_ns
    lint(capsys, "--select", "XT100", "--fix", ".")
    assert post.read_bytes() == b"\xef\xbb\xbfWe SHOUT.\r\nNo more.\r\n"
    assert post.stat().st_mode & 0o777 == 0o640
    assert clean.stat().st_mtime_ns == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_fix_never_writes_through_a_link_to_outside_the_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.md").write_text("We shout.\n", encoding="utf-8")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.md").symlink_to(outside / "a.md")
    lint(capsys, "--select", "XT100", "--fix", "tree/a.md")
    assert (outside / "a.md").read_text(encoding="utf-8") == "We shout.\n"


def test_unsafe_fixes_need_fix_or_diff(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = lint(capsys, "--unsafe-fixes", ".")
    assert code == 2
    assert "--unsafe-fixes: needs --fix or --diff" in err


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds not available")
def test_fix_is_idempotent_on_the_seeds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for seed in sorted(SEEDS.iterdir()):
        if seed.is_file():
            (tmp_path / seed.name).write_bytes(seed.read_bytes())
    lint(capsys, "--select", "ALL", "--fix", "--unsafe-fixes", ".")
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    lint(capsys, "--select", "ALL", "--fix", "--unsafe-fixes", ".")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == first


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("folder", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_fix_is_idempotent_on_every_fixture(
    folder: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every rule's fixes, unsafe ones too, on each fixture folder: no crash, and a
    second run changes no byte."""
    import shutil

    shutil.copytree(FIXTURES / folder, tmp_path / folder, symlinks=True)
    _, _, err = lint(capsys, "--select", "ALL", "--fix", "--unsafe-fixes", folder)
    assert "internal error" not in err and "crashed" not in err, err
    first = _tree_bytes(tmp_path)
    lint(capsys, "--select", "ALL", "--fix", "--unsafe-fixes", folder)
    assert _tree_bytes(tmp_path) == first


def _tree_bytes(folder: Path) -> dict[Path, bytes]:
    """Every regular file's bytes, the lint cache's own aside."""
    return {
        p: p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink() and ".copydesk_cache" not in p.parts
    }


def test_a_fixed_file_is_never_served_the_findings_cached_for_its_old_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the lint cache warm (it needs a few dozen files), `--fix` sees each
    file's bytes as they are, and the run after it sees the fixed ones."""
    for number in range(30):
        post = tmp_path / f"p{number:02}.md"
        post.write_text(f"[x](https://example.com/{number}?utm_source=feed)\n", encoding="utf-8")
    _, out, _ = lint(capsys, "--select", "CD105", ".")
    assert out.splitlines()[-2] == "Found 30 findings (30 warnings) in 30 files."
    assert (tmp_path / ".copydesk_cache" / "lint.json").is_file()
    _, out, _ = lint(capsys, "--select", "CD105", "--fix", ".")
    assert out.splitlines()[-1] == "30 fixed, 0 remaining."
    assert (tmp_path / "p07.md").read_text(encoding="utf-8") == "[x](https://example.com/7)\n"
    (tmp_path / "p08.md").write_text("[x](https://example.com/8?utm_medium=a)\n", encoding="utf-8")
    _, out, _ = lint(capsys, "--select", "CD105", ".")
    assert [line for line in out.splitlines() if "CD105" in line] == [
        "p08.md:1:1: warning CD105 [*] tracking parameter 'utm_medium' in "
        "'https://example.com/8?utm_medium=a' [tracking-parameters]"
    ]


def test_what_a_fix_removes_is_recorded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    post = tmp_path / "a.md"
    post.write_text("Text.\n\n[old]: https://example.com/old\n", encoding="utf-8")
    _, _, err = lint(capsys, "--select", "CD109", "--diff", "a.md")
    assert "a.md:3:1: CD109 would remove '[old]: https://example.com/old'" in err
    _, out, err = lint(capsys, "--select", "CD109", "--fix", "a.md")
    assert "a.md:3:1: CD109 removed '[old]: https://example.com/old'" in err
    assert post.read_text(encoding="utf-8") == "Text.\n"  # one newline at the end, as before
    assert out.splitlines()[-1] == "1 fixed, 0 remaining."


def test_fix_exits_0_when_every_error_was_fixed_and_1_while_one_remains(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text("We shout.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("We shout, not `shout`.\n", encoding="utf-8")
    assert lint(capsys, "--select", "XT100", "a.md")[0] == 1  # lint alone: an error
    code, out, _ = lint(capsys, "--select", "XT100", "--fix", "a.md")
    assert (code, out.splitlines()[-1]) == (0, "1 fixed, 0 remaining.")
    code, out, _ = lint(capsys, "--select", "XT100", "--fix", "b.md")
    assert (code, out.splitlines()[-1]) == (1, "1 fixed, 1 remaining.")


def test_fix_from_stdin_writes_the_fixed_post_to_stdout_and_the_report_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def stdin(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))

    stdin("We shout, not `shout`.\r\n")
    code, out, err = lint(
        capsys, "--select", "XT100", "--fix", "-", "--stdin-filename", "posts/a.md"
    )
    assert out == "We SHOUT, not `shout`.\r\n"
    assert "posts/a.md:1:16: XT100 not fixed: the edit lies inside code" in err
    assert "posts/a.md:1:16: error XT100 shout [shout]" in err
    assert err.splitlines()[-1] == "1 fixed, 1 remaining."
    assert code == 1
    assert not (tmp_path / "posts").exists()  # nothing written: the name only places it
    stdin("Nothing to do.\n")
    assert lint(capsys, "--select", "XT100", "--fix", "-", "--stdin-filename", "a.md")[:2] == (
        0,
        "Nothing to do.\n",
    )
    stdin("We shout.\n")
    code, out, _ = lint(capsys, "--select", "XT100", "--diff", "-", "--stdin-filename", "a.md")
    assert (code, out) == (1, "--- a/a.md\n+++ b/a.md\n@@ -1 +1 @@\n-We shout.\n+We SHOUT.\n")
    assert not (tmp_path / "a.md").exists()


def test_relint_lints_the_changed_bytes_not_the_disk_and_reuses_the_run(tmp_path: Path) -> None:
    """`lint --fix` re-lints from memory: a fixed file's findings are never the stale
    ones of its bytes on disk (nor of any cache of them)."""
    (tmp_path / "a.md").write_text("We shout and shout.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("shout\n", encoding="utf-8")
    registry = copydesk.registry.load_registry()  # with the test's rules
    first = lint_paths(["."], select=["XT100"], jobs=1, registry=registry, reusable=True)
    assert [f.path for f in first.findings] == ["a.md", "a.md", "b.md"]
    a = first.paths["a.md"]
    again = relint(first, [a], {a: b"We SHOUT and shout.\n"})
    assert [(f.path, f.column) for f in again.findings] == [("a.md", 14)]
    assert again.files == ["a.md"]
    assert [(f.path, f.column) for f in relint(again, [a], {a: b"SHOUT\n"}).findings] == []
    plain = lint_paths(["."], select=["XT100"], jobs=1, registry=registry)
    assert plain.session is None  # kept only when asked


def test_no_fix_edits_what_a_template_tag_pair_encloses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nunjucks `{% set %}…{% endset %}` captures code, a Hugo `{{< x >}}` gets its
    inner text raw: no fix goes in there. `{{% x %}}` (Markdown inside) and an
    inline `{% set x = 1 %}` enclose nothing."""
    post = tmp_path / "a.md"
    text = (
        "{% set code %}\nlet shout = 1;\n{% endset %}\n\n"
        "{{< tab >}}\nshout\n{{< /tab >}}\n\n"
        "{% if site.loud %}shout{% endif %}\n\n"
        "{{% note %}}\nshout\n{{% /note %}}\n\n"
        "{% set x = 1 %} We shout. {{< figure src=a.png />}} shout\n"
    )
    post.write_text(text, encoding="utf-8")
    _, out, err = lint(capsys, "--select", "XT100", "--fix", "a.md")
    assert post.read_text(encoding="utf-8") == text.replace(
        "\nshout\n{{% /note", "\nSHOUT\n{{% /note"
    ).replace(
        "We shout. {{< figure src=a.png />}} shout", "We SHOUT. {{< figure src=a.png />}} SHOUT"
    )
    assert (
        "a.md:2:5: XT100 not fixed: the edit lies inside what a template tag pair encloses" in err
    )
    assert (
        "a.md:6:1: XT100 not fixed: the edit lies inside what a template tag pair encloses" in err
    )
    assert out.splitlines()[-1] == "3 fixed, 3 remaining."
