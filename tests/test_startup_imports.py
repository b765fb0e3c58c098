"""What a small lint imports: start-up is most of a pre-commit run, so modules a
run does not need must not be imported (each costs milliseconds on every run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POST = ROOT / "fixtures" / "demo" / "jekyll" / "2021-04-10-moving-the-blog.md"


def run_main(argv: list[str]) -> str:
    """Python source that runs `copydesk ARGV` as the command does, its exit aside."""
    return (
        f"from copydesk.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
    )


def output_of(code: str, cwd: Path) -> str:
    """What Python source printed, run in a fresh process in `cwd`."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, check=True
    )
    return done.stdout


def imported_after(argv: list[str], cwd: Path, prefix: str = "copydesk") -> set[str]:
    """The modules (named `prefix`...) in sys.modules after `copydesk ARGV` ran in a
    fresh process."""
    code = (
        "import sys\n"
        + run_main(argv)
        + f"print(' '.join(sorted(m for m in sys.modules if m.startswith({prefix!r}))))\n"
    )
    return set(output_of(code, cwd).splitlines()[-1].split())


def test_a_run_too_small_for_the_lint_cache_does_not_import_it(tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text("# A post\n\nText.\n", encoding="utf-8")
    small = imported_after(["lint", "-q", "post.md"], tmp_path)
    assert "copydesk.engine" in small  # it did lint
    assert "copydesk.lintcache" not in small
    for number in range(30):
        (tmp_path / f"post-{number}.md").write_text(f"# Post {number}\n", encoding="utf-8")
    assert "copydesk.lintcache" in imported_after(["lint", "-q", "."], tmp_path)


def test_a_run_of_selected_rules_imports_only_their_modules(tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text("# A post\n\n![](a.png)\n", encoding="utf-8")
    selected = imported_after(["lint", "-q", "--select", "CD201", "post.md"], tmp_path)
    assert "copydesk.rules.images" in selected
    others = {"copydesk.rules.links", "copydesk.rules.content", "copydesk.rules.metadata"}
    assert not others & selected
    assert "copydesk.packs" not in selected
    assert others <= imported_after(["lint", "-q", "post.md"], tmp_path)  # the default set


def test_a_lint_without_the_cache_hashes_nothing(tmp_path: Path) -> None:
    """Lint reads no `Document.sha256`: hashing every file (and loading OpenSSL
    for hashlib) would cost each run for nothing; the lint cache hashes its own."""
    (tmp_path / "post.md").write_text("# A post\n\n[a](other.md#b)\n", encoding="utf-8")
    (tmp_path / "other.md").write_text("---\ntitle: O\n---\n# B\n", encoding="utf-8")
    assert "hashlib" not in imported_after(["lint", "-q", "--no-cache", "."], tmp_path, "hashlib")


def test_a_small_lint_does_not_import_shutil(tmp_path: Path) -> None:
    """argparse imports shutil (and zlib, bz2, lzma) for the terminal's width
    unless its formatter is given one: copydesk's finds it alone."""
    (tmp_path / "post.md").write_text("# A post\n\nText.\n", encoding="utf-8")
    assert "shutil" not in imported_after(["lint", "-q", "post.md"], tmp_path, "shutil")


def test_a_run_compiles_only_the_rule_patterns_it_uses(tmp_path: Path) -> None:
    """The link, image and id modules compile their patterns on first use: a plain
    post with no Liquid tags, Hugo refs or raw `<img>` compiles none of those."""
    (tmp_path / "post.md").write_text("# A post\n\n[a](#a-post) and ![b](b.png)\n")
    code = run_main(["lint", "-q", "--no-cache", "post.md"]) + (
        "from copydesk.rules import images, links\n"
        "unused = [links._POST_URL, links._HUGO_REF, images._IMG_SRC, images._IMG]\n"
        "print(sum('match' in vars(p) for p in unused))\n"
    )
    assert output_of(code, tmp_path).split()[-1] == "0"


def test_a_run_leaves_the_interpreter_no_garbage_to_collect_at_exit(tmp_path: Path) -> None:
    """At exit the interpreter runs full garbage collections over every object
    still alive (~3.5 ms of a warm hugoDocs lint): `main` has them frozen first
    by an exit handler. A handler registered before `main` runs after it."""
    (tmp_path / "post.md").write_text("# A post\n\nText.\n", encoding="utf-8")
    code = (
        "import atexit, gc, os\n"
        "atexit.register(lambda: os.write(1, f'frozen {gc.get_freeze_count()}'.encode()))\n"
        + run_main(["lint", "-q", "post.md"])
        * 2
    )
    frozen = int(output_of(code, tmp_path).split("frozen")[-1])
    assert frozen > 1000


def test_an_http_link_without_a_link_cache_imports_no_web_module(tmp_path: Path) -> None:
    """CD106's fix is made safe from an earlier `--online` run's link cache:
    with none kept, a lint asks nothing of the web modules (nor of autofix)."""
    (tmp_path / "post.md").write_text("# A post\n\n[a](http://example.com/a)\n")
    loaded = imported_after(["lint", "-q", "post.md"], tmp_path)
    assert "copydesk.web.known" in loaded  # it did look for the cache
    assert not {"copydesk.online", "copydesk.web.cache", "copydesk.autofix"} & loaded
