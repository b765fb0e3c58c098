"""`copydesk format` (formerly `fix`): posts rewritten into canonical form in place, or refused
untouched."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import frontmatter
import pytest

from copydesk.cli import main
from copydesk.model import Post
from copydesk.normalize import Context
from copydesk.normalize import canonical as canonical_normalizer
from copydesk.read import Document

JEKYLL = (
    "---\nlayout: post\ntitle:  Letting go \ncategories:  sales \ndate: 2016-03-23\n---\n\nBody.\n"
)
PLAIN = "A plain title\n\nFirst paragraph of text.\n\nSecond paragraph.\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository as the working folder, as pre-commit runs hooks."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def fix(*args: str) -> int:
    return main(["format", *args])


def test_canonical_post_is_left_alone(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    post = write(repo / "a.md", JEKYLL)
    assert fix("a.md") == 1
    fixed, mtime = post.read_bytes(), post.stat().st_mtime_ns
    capsys.readouterr()

    assert fix("a.md") == 0
    assert post.read_bytes() == fixed
    assert post.stat().st_mtime_ns == mtime  # not even rewritten with the same bytes
    assert capsys.readouterr().out == ""


def test_raw_post_is_rewritten_with_its_provenance(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = write(repo / "_posts" / "2016-03-23-letting-go.md", JEKYLL)
    assert fix(str(post)) == 1
    assert "_posts/2016-03-23-letting-go.md: rewritten in canonical form (was jekyll)" in (
        capsys.readouterr().out
    )
    data = frontmatter.loads(post.read_text(encoding="utf-8")).metadata
    assert data["title"] == "Letting go"
    assert data["categories"] == ["sales"]
    assert data["source"] == {
        "format": "jekyll",
        "path": "_posts/2016-03-23-letting-go.md",
        "sha256": hashlib.sha256(JEKYLL.encode()).hexdigest(),
    }


def test_provenance_does_not_depend_on_the_working_folder(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = write(repo / "blog" / "posts" / "a.md", JEKYLL)
    monkeypatch.chdir(repo / "blog")
    fix("posts/a.md")
    source = frontmatter.loads(post.read_text(encoding="utf-8")).metadata["source"]
    assert source["path"] == "blog/posts/a.md"


def test_txt_post_stays_txt(repo: Path) -> None:
    post = write(repo / "notes.txt", PLAIN)
    assert fix("notes.txt") == 1
    assert sorted(path.name for path in repo.iterdir() if path.is_file()) == ["notes.txt"]
    data = frontmatter.loads(post.read_text(encoding="utf-8")).metadata
    assert (data["title"], data["source"]["format"]) == ("A plain title", "plain")
    assert fix("notes.txt") == 0


def test_second_run_is_a_no_op_on_every_format(repo: Path) -> None:
    posts = [
        write(repo / "jekyll.md", JEKYLL),
        write(repo / "plain.md", PLAIN),
        write(repo / "medium.md", MEDIUM),
    ]
    assert fix(*map(str, posts)) == 1
    first = [post.read_bytes() for post in posts]
    assert fix(*map(str, posts)) == 0
    assert [post.read_bytes() for post in posts] == first


MEDIUM = (
    "---\ntitle: Switching roles\ndate: '2019-08-13T17:55:36.539Z'\n"
    "thumb_img_path: images/cover.jpg\nexcerpt: A short excerpt.\ntemplate: post\n---\n"
    "![](/images/cover.jpg)\n\n"
    '<figcaption>Photo by <a href="https://unsplash.com/@x?utm_source=medium" '
    'class="markup--anchor">X</a> on Unsplash</figcaption>\n\n'
    "Text&nbsp;here &amp; there.\n"
)


def test_folder_argument_fixes_every_post_in_it(repo: Path) -> None:
    write(repo / "posts" / "a.md", JEKYLL)
    write(repo / "posts" / "b.txt", PLAIN)
    assert fix("posts") == 1
    assert fix("posts") == 0


def test_check_names_the_file_and_writes_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = write(repo / "a.md", JEKYLL)
    assert fix("--check", "a.md") == 1
    assert post.read_text(encoding="utf-8") == JEKYLL
    assert "a.md: not in canonical form (detected jekyll)" in capsys.readouterr().out


def test_diff_shows_the_change_and_writes_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = write(repo / "a.md", JEKYLL)
    assert fix("--diff", "a.md") == 1
    out = capsys.readouterr().out
    assert post.read_text(encoding="utf-8") == JEKYLL
    assert "--- a.md\n+++ a.md (canonical)\n" in out
    assert "-title:  Letting go \n" in out
    assert "+title: Letting go\n" in out


def test_invalid_post_is_refused_on_one_line_and_left_untouched(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = b"---\ntitle: [unclosed\n---\n\nText\n"
    post = write(repo / "broken.md", broken)
    good = write(repo / "good.md", JEKYLL)
    assert fix("broken.md", "good.md") == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert err[0].startswith("broken.md: ") and "YAML" in err[0]
    assert post.read_bytes() == broken
    assert good.read_text(encoding="utf-8") != JEKYLL  # the others are still fixed


def _drops_last_paragraph(
    document: Document, front_matter: dict[str, Any], context: Context
) -> Post:
    """A normalizer bug: it loses a paragraph without recording a change."""
    post = canonical_normalizer.to_post(document.path, {**front_matter, "body": document.body})
    return post.model_copy(update={"body": post.body.rsplit("\n\n", 1)[0] + "\n"})


def test_lossy_conversion_is_refused_and_left_untouched(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "---\ntitle: Kept\n---\n\nFirst paragraph.\n\nSecret closing words.\n"
    post = write(repo / "a.md", text)
    monkeypatch.setattr(canonical_normalizer, "normalize", _drops_last_paragraph)
    assert fix("--from", "canonical", "a.md") == 1
    assert capsys.readouterr().err == ("a.md: refused: words would be lost: closing secret words\n")
    assert post.read_text(encoding="utf-8") == text


def test_crlf_file_keeps_crlf_and_stays_fixed(repo: Path) -> None:
    post = write(repo / "a.md", JEKYLL.replace("\n", "\r\n"))
    assert fix("a.md") == 1
    fixed = post.read_bytes()
    assert fixed.count(b"\r\n") == fixed.count(b"\n") > 0
    assert fix("a.md") == 0
    assert main(["migrate", "--check", "a.md"]) == 0


def test_file_mode_is_kept(repo: Path) -> None:
    post = write(repo / "a.md", JEKYLL)
    os.chmod(post, 0o640)
    fix("a.md")
    assert stat.S_IMODE(post.stat().st_mode) == 0o640


def test_missing_file_is_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert fix("nope.md") == 2
    assert "nope.md: no such file or folder" in capsys.readouterr().err


def test_a_front_matter_comment_is_never_dropped_in_place(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Canonical front matter keeps no comments; in the author's own file that would
    delete their note without a word, so the file is refused and left as it is."""
    text = "---\ntitle: Hello\n# a note to self\ndate: 2020-01-02\n---\n\nSome words here.\n"
    post = write(repo / "a.md", text)
    assert fix("a.md") == 1
    assert post.read_text(encoding="utf-8") == text
    assert capsys.readouterr().err == (
        "a.md: refused: front matter comment on line 3 would be lost ('# a note to self'); "
        "canonical front matter keeps no comments: move it into the body or delete it\n"
    )


def test_fix_is_the_old_name_of_format_and_says_so(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = write(repo / "_posts" / "2016-03-23-letting-go.md", JEKYLL)
    assert main(["fix", str(post)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        "copydesk: `copydesk fix` is now `copydesk format` (`lint --fix` fixes findings)"
    )
    assert main(["format", str(post)]) == 0
    assert "is now" not in capsys.readouterr().err
