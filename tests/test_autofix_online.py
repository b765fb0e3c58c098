"""`lint --fix` and what the web said: CD106's `http:` -> `https:` is unsafe offline,
and safe once an earlier `--online` run saw the `https:` twin answer (the link cache)."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.cli import main
from webserver import Route, serve, tls_context

CONFIG = (
    "http-allowed = []\n"  # the test server is 127.0.0.1, allowed by default
    "[links]\ntimeout = 2\nconnect-timeout = 2\nretry-delay = 0.01\nskip-hosts = []\n"
)


def lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["lint", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cd106_fix_is_safe_where_the_link_cache_saw_the_https_twin_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tls, authority = tls_context(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(authority))
    (tmp_path / ".copydesk.toml").write_text(CONFIG, encoding="utf-8")
    post = tmp_path / "post.md"
    with serve({"/page": Route()}, tls) as server:
        secure = server.url("/page").replace("http:", "https:", 1)
        # /moved leads elsewhere over both schemes: its new home is CD114's fix, not https.
        server.routes["/moved"] = Route(301, headers={"Location": secure})
        page, moved = server.url("/page"), server.url("/moved")
        text = f"[a]({page}#top)\n\n[b]({moved})\n\n[c]({page.replace('/page', '/other')})\n"
        post.write_text(text, encoding="utf-8")
        assert lint(capsys, "--select", "CD106", "--fix", ".")[2].strip() == ""
        assert post.read_text(encoding="utf-8") == text  # offline and no cache: unsafe only
        lint(capsys, "--online", "--select", "CD113,CD114", ".")  # fills the link cache
    assert (tmp_path / ".copydesk_cache" / "links.json").is_file()
    _, out, _ = lint(capsys, "--select", "CD106", ".")
    marked = [line for line in out.splitlines() if "CD106" in line]
    assert [("[*]" in line) for line in marked] == [True, False, False]
    code, out, _ = lint(capsys, "--select", "CD106", "--fix", ".")
    assert post.read_text(encoding="utf-8") == text.replace(f"({page}#top)", f"({secure}#top)")
    assert out.splitlines()[-1] == "1 fixed, 2 remaining (2 fixable with --unsafe-fixes)."
    assert code == 0  # CD106 is a warning


def test_cd106_fix_stays_unsafe_where_the_https_twin_leads_to_another_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """/page answers over http, but its https twin redirects to the home page (a
    common misconfiguration): the cache saw both answer, yet https is not the same page."""
    monkeypatch.chdir(tmp_path)
    tls, authority = tls_context(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(authority))
    (tmp_path / ".copydesk.toml").write_text(CONFIG, encoding="utf-8")
    post = tmp_path / "post.md"
    with serve({"/": Route()}, tls) as server:
        home = server.url("/").replace("http:", "https:", 1)
        server.routes["/page"] = Route(302, headers={"Location": home}, plain=Route())
        text = f"[a]({server.url('/page')})\n"
        post.write_text(text, encoding="utf-8")
        _, out, _ = lint(capsys, "--online", "--select", "CD113", ".")  # fills the link cache
        assert "CD113" not in out
    _, out, _ = lint(capsys, "--select", "CD106", "--fix", ".")
    assert post.read_text(encoding="utf-8") == text
    assert out.splitlines()[-1] == "0 fixed, 1 remaining (1 fixable with --unsafe-fixes)."


def test_the_link_caches_folder_is_found_without_running_git(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a config the link cache sits at the repository's root, found
    as the lint cache finds it (the folder holding `.git`), not by running
    `git` (a blog with dozens of `http:` links ran git once per link)."""
    from copydesk import changes
    from copydesk.cachedir import cache_folder
    from copydesk.config import ConfigFinder

    def no_git(*args: object, **kwargs: object) -> str:
        raise AssertionError("git was run")

    monkeypatch.setattr(changes, "git", no_git)
    (tmp_path / ".git").mkdir()
    posts = tmp_path / "blog" / "posts"
    posts.mkdir(parents=True)
    monkeypatch.chdir(posts)
    for number in range(3):
        links = "".join(f"[{n}](http://example.com/{number}/{n})\n\n" for n in range(4))
        (posts / f"{number}.md").write_text(links, encoding="utf-8")
    code, out, _ = lint(capsys, "--select", "CD106", ".")
    assert code == 0 and out.count("CD106") == 12
    config = ConfigFinder().for_file(posts / "0.md")
    assert cache_folder(config, [posts / "0.md"], None) == tmp_path / ".copydesk_cache"
