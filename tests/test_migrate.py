"""`copydesk migrate`: what goes in, what comes out, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.cli import main

CANONICAL = "---\ntitle: Hello world\ndate: 2020-05-01\n---\n\nBody text stays.\n"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_canonical_post_is_unchanged_and_copied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    write(src, "a.md", CANONICAL)
    code = main(["migrate", str(src), "--out", str(tmp_path / "out"), "--from", "canonical"])
    assert code == 0
    assert (tmp_path / "out" / "a.md").read_text() == CANONICAL
    assert "1 unchanged" in capsys.readouterr().out


BAD_INPUTS = {
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary file"),
    "latin1.md": ("---\ntitle: Caf\xe9\n---\n\nText\n".encode("latin-1"), "not valid UTF-8"),
    "empty.md": (b"", "empty file"),
    "broken.md": (b"---\ntitle: [unclosed\n---\n\nText\n", "broken YAML front matter"),
    "python.md": (
        b"---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\n\nText\n",
        "unsafe YAML tag '!!python/object/apply:os.system'",
    ),
    "bomb.md": (
        b"---\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        b"title: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n---\n\nText\n",
        "alias bomb",
    ),
    "only-front-matter.md": (b"---\ntitle: Nothing else\n---\n", "no body text"),
    "impossible-date.md": (
        b"---\ntitle: T\ndate: 2019-01-01 25:61:00\n---\n\nText\n",
        "broken YAML front matter: impossible value '2019-01-01 25:61:00'",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    content, reason = BAD_INPUTS[name]
    src = tmp_path / "src"
    write(src, name, content)
    write(src, "good.md", CANONICAL)
    out = tmp_path / "out"

    code = main(["migrate", str(src), "--out", str(out)])

    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith(f"{src / name}: ")
    assert reason in lines[0]
    assert list(tree(out)) == ["good.md"]
    assert "1 failed" in captured.out


def test_folder_without_posts_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    write(empty, "notes.json", "{}")
    code = main(["migrate", str(empty), "--out", str(tmp_path / "out")])
    assert code == 1
    assert (
        capsys.readouterr().err.strip()
        == f"{empty}: no posts found (*.md, *.markdown, *.mdown, *.mkd, *.txt, *.text, *.mdx)"
    )


def test_output_inside_source_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "a.md", CANONICAL)
    assert main(["migrate", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "inside the source tree" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_out_is_required(tmp_path: Path) -> None:
    assert main(["migrate", str(tmp_path)]) == 2


def test_dry_run_writes_nothing_and_shows_a_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    write(src, "a.md", "---\ntitle:   Spaced title  \n---\n\nBody text stays.\n")
    out = tmp_path / "out"
    code = main(["migrate", str(src), "--out", str(out), "--dry-run", "--from", "canonical"])
    captured = capsys.readouterr().out
    assert code in (0, 1)
    assert not out.exists()
    assert f"+++ {out / 'a.md'}" in captured


def test_existing_output_needs_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src, "a.md", CANONICAL)
    write(out, "a.md", "mine, hand-edited\n")
    args = ["migrate", str(src), "--out", str(out), "--from", "canonical"]

    assert main(args) == 1
    assert "exists and differs (use --force)" in capsys.readouterr().err
    assert (out / "a.md").read_text() == "mine, hand-edited\n"

    assert main([*args, "--force"]) == 0
    assert (out / "a.md").read_text() == CANONICAL


def test_sources_are_never_modified_and_structure_is_kept(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src, "2020/a.md", CANONICAL)
    write(src, "2021/deep/b.markdown", CANONICAL.replace("Hello world", "Second post"))
    write(src, ".hidden/c.md", CANONICAL)
    before = tree(src)
    assert main(["migrate", str(src), "--out", str(out), "--from", "canonical"]) == 0
    assert tree(src) == before
    assert sorted(tree(out)) == ["2020/a.md", "2021/deep/b.md"]


def test_report_lists_files_and_changes(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src, "a.md", CANONICAL.replace("\n", "\r\n"))
    write(src, "bad.md", b"")
    report = tmp_path / "report.json"
    main(["migrate", str(src), "--out", str(out), "--report", str(report), "--from", "canonical"])
    data = json.loads(report.read_text())
    files = {Path(item["source"]).name: item for item in data["files"]}
    assert files["bad.md"]["status"] == "failed"
    assert files["a.md"]["status"] == "migrated"
    assert files["a.md"]["changes"][0]["kind"] == "line-endings"
    assert (out / "a.md").read_bytes() == CANONICAL.encode()
    assert data["summary"].startswith("2 files: 1 migrated")


def test_duplicate_slugs_get_a_suffix(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    post = "---\ntitle: Same\nslug: same\n---\n\nText {}.\n"
    write(src, "a.md", post.format("one"))
    write(src, "b.md", post.format("two"))
    assert main(["migrate", str(src), "--out", str(out), "--from", "canonical"]) == 0
    assert "slug: same\n" in (out / "a.md").read_text()
    assert "slug: same-2\n" in (out / "b.md").read_text()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no front matter\n", "plain"),
        ("---\ntitle: T\n---\nBody\n", "jekyll"),
        ("---\ntitle: T\n---\n```html\n<figcaption>shown</figcaption>\n```\n", "jekyll"),
        ("---\ntitle: T\n---\nSee `<figcaption>` and `data-href=`.\n", "jekyll"),
        ("---\ntitle: T\n---\n![](a.jpg)\n\n<figcaption>Photo</figcaption>\n", "medium"),
        ("---\ntitle: T\nthumb_img_path: a.jpg\n---\nBody\n", "medium"),
        (
            "---\ntitle: T\nsource:\n  format: plain\n  path: a.txt\n  sha256: "
            + "0" * 64
            + "\n---\n\nBody\n",
            "canonical",
        ),
    ],
)
def test_format_detection(text: str, expected: str) -> None:
    from copydesk.detect import detect_format
    from copydesk.read import document_from_bytes
    from copydesk.yamlio import load_front_matter

    document = document_from_bytes(Path("p.md"), text.encode())
    data = (
        load_front_matter(Path("p.md"), document.front_matter, "yaml")
        if document.front_matter
        else None
    )
    assert detect_format(document, data) == expected


def test_author_option_names_an_anonymous_about_the_author(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    text = "A short title\n\nSome text.\n\nAbout the Author\nWrites about tea and trains.\n"
    write(src, "a.txt", text)
    assert main(["migrate", str(src), "--out", str(out), "--author", "Jane Doe"]) == 0
    post = (out / "a.md").read_text()
    assert "authors:\n- name: Jane Doe\n  bio: Writes about tea and trains.\n" in post


def test_written_files_get_normal_permissions(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src, "a.md", CANONICAL)
    assert main(["migrate", str(src), "--out", str(out), "--from", "canonical"]) == 0
    assert (out / "a.md").stat().st_mode & 0o644 == 0o644


def test_dry_run_diffs_of_several_files_stay_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src, "a.md", "---\ntitle: A\n---\n\nno final newline")
    write(src, "b.md", "---\ntitle:   B\n---\ntext\n")
    main(["migrate", str(src), "--out", str(out), "--dry-run", "--from", "canonical"])
    diff = capsys.readouterr().out
    assert "\\ No newline at end of file\n" in diff
    assert "\n--- " + str(src / "b.md") in diff  # b's header starts its own line
