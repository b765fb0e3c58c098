"""`lint --online`: the web stage end to end, against a server on 127.0.0.1.

Every test starts its own server (tests/webserver.py) and lints a small
folder with the web rules; nothing reaches outside this machine. Timeouts
and backoff delays are configured short so the suite stays fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from copydesk.cli import main
from copydesk.engine import LintResult, lint_paths
from copydesk.web.options import OnlineOptions
from webserver import Route, serve

FAST = "[links]\ntimeout = 0.5\nconnect-timeout = 0.5\nretry-delay = 0.01\n"
WEB = ["CD111", "CD112", "CD113", "CD114", "CD115", "CD210"]


def write(folder: Path, text: str, config: str = FAST, name: str = "post.md") -> Path:
    (folder / ".copydesk.toml").write_text(config, encoding="utf-8")
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def lint(cache: bool = True, **options: object) -> LintResult:
    online = OnlineOptions(enabled=True, cache=cache, **options)  # type: ignore[arg-type]
    return lint_paths(["."], select=WEB, jobs=1, online=online)


def found(result: LintResult) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.code, f.severity) for f in result.findings]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)


def test_429_with_retry_after_is_retried_then_ok(tmp_path: Path) -> None:
    routes = {"/busy": Route(sequence=[429], headers={"Retry-After": "0"})}
    with serve(routes) as server:
        write(tmp_path, f"[busy]({server.url('/busy')})\n")
        result = lint()
        assert found(result) == []
        assert server.requests == [("HEAD", "/busy"), ("HEAD", "/busy")]


def test_429_asking_to_wait_too_long_is_unknown_not_dead(tmp_path: Path) -> None:
    routes = {"/busy": Route(status=429, headers={"Retry-After": "3600"})}
    with serve(routes) as server:
        write(tmp_path, f"# T\n\n[busy]({server.url('/busy')})\n")
        result = lint()
    assert found(result) == [(3, 1, "CD112", "warning")]
    assert "429 Too Many Requests (Retry-After 3600 s)" in result.findings[0].message
    assert result.links is not None and result.links.counts == {"unknown": 1}


def test_500_then_200_is_retried_and_fine(tmp_path: Path) -> None:
    with serve({"/flaky": Route(sequence=[500])}) as server:
        write(tmp_path, f"[flaky]({server.url('/flaky')})\n")
        assert found(lint()) == []
        assert server.count("/flaky") == 2


def test_slow_endpoint_past_the_timeout_is_unknown(tmp_path: Path) -> None:
    config = FAST.replace("timeout = 0.5", "timeout = 0.2") + "retries = 0\n"
    with serve({"/slow": Route(delay=1.0)}) as server:
        write(tmp_path, f"[slow]({server.url('/slow')})\n", config)
        result = lint()
    assert found(result) == [(1, 1, "CD112", "warning")]
    assert "timeout" in result.findings[0].message


def test_head_refused_then_get_answers(tmp_path: Path) -> None:
    with serve({"/nohead": Route(head_status=405)}) as server:
        write(tmp_path, f"[page]({server.url('/nohead')})\n")
        assert found(lint()) == []
        assert server.requests == [("HEAD", "/nohead"), ("GET", "/nohead")]


def test_every_unique_url_is_asked_once_per_run(tmp_path: Path) -> None:
    with serve({"/ok": Route()}) as server:
        url = server.url("/ok")
        write(tmp_path, f"[a]({url}) [b]({url}#x)\n\n![c]({url})\n", name="one.md")
        write(tmp_path, f"[again]({url})\n", name="two.md")
        lint()
        assert server.count("/ok") == 1


def test_second_run_is_served_from_the_cache(tmp_path: Path) -> None:
    routes = {"/ok": Route(), "/moved": Route(301, headers={"Location": "/ok"})}
    with serve(routes) as server:
        write(tmp_path, f"[ok]({server.url('/ok')}) [m]({server.url('/moved')})\n")
        column = len(f"[ok]({server.url('/ok')}) ") + 1
        first = lint()
        asked = len(server.requests)
        second = lint()
        assert len(server.requests) == asked  # not one request more
    assert found(first) == found(second) == [(1, column, "CD114", "warning")]
    assert second.links is not None and second.links.cached == 2
    assert second.links.requests == 0
    cache = json.loads((tmp_path / ".copydesk_cache" / "links.json").read_text())
    assert cache["format"] == "copydesk-links"
    assert (tmp_path / ".copydesk_cache" / ".gitignore").read_text() == "*\n"


def test_no_cache_reads_and_writes_nothing(tmp_path: Path) -> None:
    with serve({"/ok": Route()}) as server:
        write(tmp_path, f"[ok]({server.url('/ok')})\n")
        lint(cache=False)
        lint(cache=False)
        assert server.count("/ok") == 2
    assert not (tmp_path / ".copydesk_cache").exists()


def test_a_corrupt_cache_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    folder = tmp_path / ".copydesk_cache"
    folder.mkdir()
    (folder / "links.json").write_text("{not json", encoding="utf-8")
    with serve({"/ok": Route()}) as server:
        write(tmp_path, f"[ok]({server.url('/ok')})\n")
        result = lint()
    assert found(result) == []
    assert result.links is not None and any("ignored" in note for note in result.links.notes)
    assert json.loads((folder / "links.json").read_text())["version"] == 1


def test_dead_once_is_a_warning_dead_twice_an_error(tmp_path: Path) -> None:
    with serve({}) as server:
        write(tmp_path, f"# T\n\n[gone]({server.url('/gone')})\n")
        first, second = lint(), lint()
    assert found(first) == [(3, 1, "CD111", "warning")]
    assert "dead in 1 run; an error after 2" in first.findings[0].message
    assert found(second) == [(3, 1, "CD111", "error")]


def test_a_link_that_comes_back_starts_its_quarantine_over(tmp_path: Path) -> None:
    route = Route(status=404)
    with serve({"/page": route}) as server:
        write(tmp_path, f"[page]({server.url('/page')})\n", FAST + "ok-days = 0\n")
        lint()
        route.status = 200
        assert found(lint()) == []
        route.status = 404
        assert found(lint()) == [(1, 1, "CD111", "warning")]


def test_transient_errors_are_never_cached_as_fine(tmp_path: Path) -> None:
    with serve({"/busy": Route(status=429, headers={"Retry-After": "3600"})}) as server:
        write(tmp_path, f"[busy]({server.url('/busy')})\n")
        lint()
        lint()
        assert server.count("/busy") == 2


def test_per_host_limit_bounds_requests_in_flight(tmp_path: Path) -> None:
    routes = {f"/p{i}": Route(delay=0.1) for i in range(12)}
    with serve(routes) as server:
        links = "\n\n".join(f"[p{i}]({server.url(f'/p{i}')})" for i in range(12))
        write(tmp_path, links + "\n", FAST + "per-host = 3\n")
        lint(cache=False)
        assert server.peak == 3


def test_user_agent_names_copydesk_and_headers_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPYDESK_TEST_TOKEN", "s3cret")
    config = (
        FAST
        + '[links.hosts."127.0.0.1".headers]\nAuthorization = "Bearer ${COPYDESK_TEST_TOKEN}"\n'
    )
    with serve({"/ok": Route()}) as server:
        write(tmp_path, f"[ok]({server.url('/ok')})\n", config)
        lint(cache=False)
        headers = server.headers[0]
    assert headers["User-Agent"].startswith("copydesk/")
    assert headers["Authorization"] == "Bearer s3cret"


def test_a_secret_written_in_the_config_is_refused(tmp_path: Path) -> None:
    config = FAST + '[links.hosts."example.org".headers]\nAuthorization = "Bearer abc123"\n'
    write(tmp_path, "text\n", config)
    assert main(["lint", "--online", "."]) == 2


def test_host_settings_accept_skip_and_warn_only(tmp_path: Path) -> None:
    config = FAST + '[links.hosts."127.0.0.1"]\naccept = [403]\nwarn-only = true\n'
    with serve({"/wall": Route(status=403)}) as server:
        write(tmp_path, f"[w]({server.url('/wall')}) [g]({server.url('/gone')})\n", config)
        result = lint()
    assert [(f.code, f.severity) for f in result.findings] == [("CD111", "warning")]
    assert "warn-only" in result.findings[0].message
    skip = FAST + '[links.hosts."127.0.0.1"]\nskip = true\n'
    with serve({}) as server:
        write(tmp_path, f"[g]({server.url('/gone')})\n", skip)
        result = lint()
        assert server.requests == []
    assert result.links is not None and result.links.counts == {"skipped": 1}


def test_changed_lines_ask_only_about_urls_on_them(tmp_path: Path) -> None:
    with serve({}) as server:
        path = write(tmp_path, f"[a]({server.url('/a')})\n\n[b]({server.url('/b')})\n")
        result = lint(lines={path.resolve(): frozenset({3})})
        assert server.requests == [("HEAD", "/b"), ("GET", "/b")]
    assert found(result) == [(3, 1, "CD111", "warning")]


def test_internal_scope_asks_only_about_the_sites_own_domain(tmp_path: Path) -> None:
    with serve({}) as server:
        config = FAST + f'site-url = "{server.url("/")}"\n'
        other = server.url("/x").replace("127.0.0.1", "127.0.0.2")  # nobody listens there
        write(tmp_path, f"[own]({server.url('/own')}) [other]({other})\n", config)
        result = lint(scope="internal")
        assert [path for _, path in server.requests] == ["/own", "/own"]
    assert result.links is not None and result.links.counts == {"dead": 1}


def test_cli_prints_the_summary_and_fails_only_on_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve({"/ok": Route()}) as server:
        write(tmp_path, f"[ok]({server.url('/ok')}) [gone]({server.url('/gone')})\n")
        code = main(["lint", "--online", "--select", "CD111", "."])
    captured = capsys.readouterr()
    assert code == 0  # dead once: a warning
    assert "post.md:1:" in captured.out and "CD111" in captured.out
    assert "links: 2 checked: 1 ok, 0 redirected, 1 dead, 0 unknown, 0 skipped" in captured.err


OFFLINE = """
import socket, sys
def refuse(*args, **kwargs):
    raise AssertionError("offline lint opened a connection")
socket.socket.connect = refuse
socket.create_connection = refuse
from copydesk.cli import main
code = main(["lint", "--select", "ALL", "."])
assert "aiohttp" not in sys.modules, "offline lint imported aiohttp"
print("exit", code)
"""


def test_offline_lint_neither_connects_nor_imports_aiohttp(tmp_path: Path) -> None:
    with serve({}) as server:
        write(tmp_path, f"[gone]({server.url('/gone')})\n", "select = ['ALL']\n")
        done = subprocess.run(
            [sys.executable, "-c", OFFLINE], capture_output=True, text=True, cwd=tmp_path
        )
        assert server.requests == []
    assert done.returncode == 0, done.stderr
    assert "exit" in done.stdout
    assert "CD111" not in done.stdout


def test_config_online_true_turns_the_web_on(tmp_path: Path) -> None:
    with serve({}) as server:
        write(tmp_path, f"[gone]({server.url('/gone')})\n", "online = true\n" + FAST)
        result = lint_paths(["."], select=["CD111"], jobs=1)
        assert found(result) == [(1, 1, "CD111", "warning")]
        off = lint_paths(["."], select=["CD111"], jobs=1, online=OnlineOptions(enabled=False))
        assert off.findings == []


def test_web_settings_come_from_the_linted_trees_config_not_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`online`, `[links]` and the cache are the linted site's, wherever copydesk runs."""
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    site.mkdir()
    elsewhere.mkdir()
    (elsewhere / ".copydesk.toml").write_text("[links]\nretries = 5\n", encoding="utf-8")
    config = "online = true\n" + FAST + '[links.hosts."127.0.0.1"]\naccept = [403]\n'
    with serve({"/wall": Route(403)}) as server:
        write(site, f"[wall]({server.url('/wall')}) [gone]({server.url('/gone')})\n", config)
        monkeypatch.chdir(elsewhere)
        result = lint_paths([site], select=["CD111", "CD112"], jobs=1)
        assert server.count("/gone") == 2  # HEAD, then GET: FAST's retries, not elsewhere's 5
    assert found(result) == [(1, len(f"[wall]({server.url('/wall')}) ") + 1, "CD111", "warning")]
    assert (site / ".copydesk_cache" / "links.json").is_file()
    assert not (elsewhere / ".copydesk_cache").exists()


def test_two_configs_in_one_run_each_keep_their_settings_and_cache(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    with serve({"/wall": Route(403)}) as server:
        url = server.url("/wall")
        write(one, f"[wall]({url})\n", FAST + '[links.hosts."127.0.0.1"]\naccept = [403]\n')
        write(two, f"[wall]({url})\n")
        result = lint_paths(["."], select=["CD112"], jobs=1, online=OnlineOptions(enabled=True))
    assert [(f.path, f.code) for f in result.findings] == [("two/post.md", "CD112")]
    assert (one / ".copydesk_cache" / "links.json").is_file()
    assert (two / ".copydesk_cache" / "links.json").is_file()
    assert result.links is not None and result.links.counts == {"ok": 1, "unknown": 1}


def test_unknown_links_key_is_an_error_naming_it(tmp_path: Path) -> None:
    write(tmp_path, "text\n", "[links]\ntimout = 3\n")
    with pytest.raises(Exception, match="links: unknown key 'timout'"):
        lint()


def test_internal_scope_reads_the_site_url_from_the_site_model(tmp_path: Path) -> None:
    with serve({}) as server:
        (tmp_path / "_config.yml").write_text(f"url: {server.url('')}\n", encoding="utf-8")
        other = server.url("/x").replace("127.0.0.1", "127.0.0.2")
        write(tmp_path, f"[own]({server.url('/own')}) [other]({other})\n")
        result = lint(scope="internal")
        assert [path for _, path in server.requests] == ["/own", "/own"]
        everything = lint()
    assert result.links is not None and result.links.counts == {"dead": 1}
    assert everything.links is not None and everything.links.counts == {"dead": 2}


def test_internal_scope_takes_each_files_own_site_below_the_config(tmp_path: Path) -> None:
    """One config at the top, two sites below it with their own `url`: each
    post's internal links are those of its own site."""
    with serve({}) as server:
        mine, theirs = server.url(""), server.url("").replace("127.0.0.1", "127.0.0.2")
        for name, url in (("one", mine), ("two", theirs)):
            (tmp_path / name).mkdir()
            (tmp_path / name / "_config.yml").write_text(f"url: {url}\n", encoding="utf-8")
        text = f"[a]({mine}/a) [b]({theirs}/b)\n"
        write(tmp_path, text, name="one/post.md")
        write(tmp_path, text, name="two/post.md")
        result = lint(scope="internal")
        assert [path for _, path in server.requests] == ["/a", "/a"]  # HEAD, GET
    assert [(f.path, f.code) for f in result.findings] == [
        ("one/post.md", "CD111"),
        ("two/post.md", "CD111"),
    ]
    assert result.links is not None and result.links.counts == {"dead": 2}


def test_every_url_advances_the_progress_once() -> None:
    from copydesk.web.client import Probe, check_urls
    from copydesk.web.settings import LinkSettings

    done: list[int] = []
    with serve({"/a": Route(), "/b": Route(status=404)}) as server:
        urls = [Probe(server.url("/a")), Probe(server.url("/b")), Probe(server.url("/a"))]
        _, stats = check_urls(urls, LinkSettings(), {}, lambda: done.append(1))
    assert len(done) == stats.done == 2


def test_moved_links_carry_the_new_url_as_a_replacement_of_the_url_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    routes = {"/old": Route(301, headers={"Location": "/new"}), "/new": Route()}
    with serve(routes) as server:
        old, new = server.url("/old"), server.url("/new")
        text = (
            f"inline [a]({old}#part)\n\n"
            f"reference [b][ref]\n\n"
            f"autolink <{old}>\n\n"
            f'<p><a href="{old}">html</a></p>\n\n'
            f"[ref]: {old}\n"
        )
        write(tmp_path, text)
        result = lint(cache=False)
        spans = [
            (f.line, f.column, f.replacement and f.replacement.column, f.replacement.text)
            for f in result.findings
            if f.replacement is not None
        ]
        argv = ["lint", "--online", "--no-cache", "--select", "CD114", "--format", "sarif"]
        assert main(argv) == 0
    lines = text.splitlines()
    expected = [
        (1, 8, lines[0].index(old) + 1, new + "#part"),
        (3, 11, lines[8].index(old) + 1, new),
        (5, 10, lines[4].index(old) + 1, new),
        (7, lines[6].index(old) + 1, lines[6].index(old) + 1, new),
    ]
    assert spans == expected
    moved = [finding for finding in result.findings if finding.code == "CD114"]
    for finding, written in zip(moved, [old + "#part", old, old, old], strict=True):
        edit = finding.replacement
        assert edit is not None
        assert lines[edit.line - 1][edit.column - 1 : edit.end_column - 1] == written
    sarif = json.loads(capsys.readouterr().out)
    fixes = [r["fixes"][0] for r in sarif["runs"][0]["results"]]
    assert len(fixes) == 4
    change = fixes[0]["artifactChanges"][0]["replacements"][0]
    assert change["insertedContent"]["text"] == new + "#part"
    assert change["deletedRegion"]["startLine"] == 1


def test_head_that_lies_with_404_is_asked_again_with_get(tmp_path: Path) -> None:
    with serve({"/liar": Route(head_status=404)}) as server:
        write(tmp_path, f"[page]({server.url('/liar')})\n")
        assert found(lint()) == []
        assert server.requests == [("HEAD", "/liar"), ("GET", "/liar")]


def test_a_host_rate_spaces_its_requests(tmp_path: Path) -> None:
    import time

    config = FAST + '[links.hosts."127.0.0.1"]\nrate = 10\n'
    with serve({f"/p{i}": Route() for i in range(4)}) as server:
        write(
            tmp_path, " ".join(f"[p{i}]({server.url(f'/p{i}')})" for i in range(4)) + "\n", config
        )
        started = time.perf_counter()
        lint(cache=False)
        elapsed = time.perf_counter() - started
        assert server.count() == 4
    assert elapsed >= 0.3  # four starts, 0.1 s apart


def test_dead_after_days_fails_a_link_dead_that_long(tmp_path: Path) -> None:
    config = FAST + "dead-after-runs = 5\ndead-after-days = 1\n"
    with serve({}) as server:
        write(tmp_path, f"[gone]({server.url('/gone')})\n", config)
        assert found(lint()) == [(1, 1, "CD111", "warning")]
        path = tmp_path / ".copydesk_cache" / "links.json"
        data = json.loads(path.read_text())
        for entry in data["entries"].values():
            entry["dead_since"] -= 2 * 86400  # first found dead two days ago
        path.write_text(json.dumps(data))
        assert found(lint()) == [(1, 1, "CD111", "error")]


def test_a_cache_folder_that_is_a_symlink_is_not_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    site = tmp_path / "site"
    site.mkdir()
    (site / ".copydesk_cache").symlink_to(elsewhere)
    monkeypatch.chdir(site)
    with serve({"/ok": Route()}) as server:
        write(site, f"[ok]({server.url('/ok')})\n")
        result = lint()
    assert list(elsewhere.iterdir()) == []
    assert result.links is not None and any("symbolic link" in n for n in result.links.notes)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    from copydesk.web.client import _retry_after

    assert _retry_after("120", now=0.0) == 120.0
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert _retry_after("soon", now=0.0) is None
    assert _retry_after(None, now=0.0) is None


def test_changed_lines_from_git_ask_only_about_added_urls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    with serve({}) as server:
        git("init", "-q", "-b", "main")
        git("config", "user.email", "t@example.org")
        git("config", "user.name", "t")
        post = write(tmp_path, f"[old]({server.url('/old')})\n")
        git("add", ".")
        git("commit", "-qm", "one")
        post.write_text(post.read_text() + f"\n[new]({server.url('/new')})\n", encoding="utf-8")
        argv = ["lint", "--online", "--select", "CD111", "--changed-since", "main"]
        main([*argv, "--changed-lines", "."])
        assert {path for _, path in server.requests} == {"/new"}
        main([*argv, "."])  # the whole changed file
        assert {path for _, path in server.requests} == {"/new", "/old"}


def test_a_persistent_server_error_is_reported_but_never_fails_the_run(tmp_path: Path) -> None:
    with serve({"/down": Route(status=503)}) as server:
        write(tmp_path, f"[down]({server.url('/down')})\n", FAST + "retries = 1\n")
        first, second = lint(), lint()
        assert server.count("/down") == 8  # HEAD, GET, each retried once, in two runs
    assert found(first) == found(second) == [(1, 1, "CD111", "warning")]
    assert "503 Service Unavailable" in second.findings[0].message


def test_a_suppression_of_a_web_rule_is_never_called_unused(tmp_path: Path) -> None:
    with serve({"/ok": Route()}) as server:
        text = f"<!-- copydesk-disable-next-line CD112 -->\n[flaky]({server.url('/ok')})\n"
        write(tmp_path, text)
        result = lint_paths(
            ["."], select=["CD112", "CD490"], jobs=1, online=OnlineOptions(enabled=True)
        )
    assert result.findings == []


def test_urls_collected_by_worker_processes_are_asked_once(tmp_path: Path) -> None:
    with serve({}) as server:
        write(tmp_path, "text\n")
        for number in range(50):
            link = f"[gone]({server.url('/gone')}) [{number}]({server.url(f'/p{number % 5}')})\n"
            (tmp_path / f"post-{number:02d}.md").write_text(link, encoding="utf-8")
        online = OnlineOptions(enabled=True, cache=False)
        result = lint_paths(["."], select=["CD111"], jobs=2, online=online)
        assert server.count("/gone") == 2  # HEAD, then GET: once for 50 files
        assert sorted({path for _, path in server.requests}) == [
            "/gone",
            *(f"/p{n}" for n in range(5)),
        ]
    assert len(result.findings) == 100
    assert {(f.line, f.column) for f in result.findings} == {(1, 1)} | {
        (1, len(f"[gone]({server.url('/gone')}) ") + 1)
    }


def test_web_rules_named_offline_say_they_need_online(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "[gone](https://gone.invalid/)\n", "")
    assert main(["lint", "--select", "CD111,missing-remote-fragment", "."]) == 0
    assert "copydesk: CD111, CD115 check the web: add --online" in capsys.readouterr().err
    assert main(["lint", "--select", "CD1", "."]) == 0
    assert "check the web" not in capsys.readouterr().err


def test_when_no_host_at_all_can_be_reached_links_are_skipped_with_one_note(
    tmp_path: Path,
) -> None:
    with serve({}) as server:
        port = server.port
    # The server is gone: nothing listens on either address.
    text = f"[a](http://127.0.0.1:{port}/a) [b](http://127.0.0.2:{port}/b)\n"
    write(tmp_path, text)
    first, second = lint(), lint()
    assert first.findings == second.findings == []  # no warning per link, no dead link
    assert first.links is not None and first.links.counts == {"skipped": 2}
    assert second.links is not None and second.links.cached == 0  # nothing was remembered
    # Each host is asked again (how many retries each gets depends on timing).
    assert first.links.requests >= 2 and second.links.requests >= 2
    [note] = second.links.notes
    assert "no host could be reached (2 tried; cannot connect: 127.0.0.1:" in note
    assert "is the network down?" in note and "SSLContext" not in note


def test_dead_hosts_left_to_ask_after_the_cache_stay_dead_while_the_network_works(
    tmp_path: Path,
) -> None:
    with serve({"/ok": Route()}) as server:
        port = server.port
        gone = f"[a](http://127.0.0.2:{port}/a) [b](http://127.0.0.3:{port}/b)"
        write(tmp_path, f"[ok]({server.url('/ok')}) {gone}\n")
        first = lint()
        second = lint()  # /ok is cached: only the two dead hosts are asked, then /ok again
        assert server.count("/ok") == 2
    assert [(f.code, f.severity) for f in first.findings] == [("CD111", "warning")] * 2
    assert [(f.code, f.severity) for f in second.findings] == [("CD111", "error")] * 2


def test_http_moved_to_https_on_another_host_is_one_cd114_with_the_final_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """http://A/old answers 301 to https://B/new, and A's https twin answers the
    same redirect: CD114 alone, replaced by B's URL (not CD113's https://A/old)."""
    from webserver import tls_context

    tls, authority = tls_context(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(authority))
    with serve({"/new": Route(body=b'<h2 id="part">Part</h2>')}, tls) as home:
        new = home.url("/new").replace("http:", "https:", 1)
        with serve({"/old": Route(301, headers={"Location": new})}, tls) as old_home:
            old = old_home.url("/old")
            write(tmp_path, f"# T\n\nsee [guide]({old}#part)\n")
            result = lint(cache=False)
            assert ("HEAD", "/new") in home.requests
    assert found(result) == [(3, 5, "CD114", "warning")]
    [finding] = result.findings
    assert finding.replacement is not None and finding.replacement.text == new + "#part"
    assert f"moved permanently to '{new}#part'" in finding.message


def test_http_moved_to_its_own_https_twin_is_cd113_and_elsewhere_cd114(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webserver import tls_context

    tls, authority = tls_context(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(authority))
    with serve({}, tls) as server:
        secure = server.url("/self").replace("http:", "https:", 1)
        # over http, /self moves to its own https twin; /moved to https://host/self
        to_twin = Route(301, headers={"Location": secure})
        server.routes["/self"] = Route(plain=to_twin)
        server.routes["/moved"] = Route(301, headers={"Location": secure})
        write(tmp_path, f"[a]({server.url('/self')})\n\n[b]({server.url('/moved')})\n")
        result = lint(cache=False)
    assert found(result) == [(1, 1, "CD113", "warning"), (3, 1, "CD114", "warning")]
    assert [f.replacement.text for f in result.findings if f.replacement] == [secure, secure]


def test_proxy_variables_are_read_once_and_no_proxy_is_honoured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY carries the request (its absolute URL reaches the proxy; the
    target, 127.0.0.2:9, has no server), and NO_PROXY's hosts are asked directly."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    proxied = "http://127.0.0.2:9/ok"
    with serve({proxied: Route(), "/direct": Route()}) as server:
        monkeypatch.setenv("HTTP_PROXY", server.url("").rstrip("/"))
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        write(tmp_path, f"[a]({proxied}) [b]({server.url('/direct')})\n")
        result = lint(cache=False)
        assert sorted(server.requests) == [("HEAD", "/direct"), ("HEAD", proxied)]
    assert found(result) == []


CACHED = """
import socket, sys
from copydesk.cli import main
def refuse(*args, **kwargs):
    raise AssertionError("a cached run opened a connection")
socket.socket.connect = refuse
socket.create_connection = refuse
code = main(["lint", "--online", "--select", "CD111,CD112,CD114,CD210", "."])
heavy = sorted(name for name in ("aiohttp", "ssl", "asyncio", "copydesk.web.client")
               if name in sys.modules)
print("exit", code, "imported", heavy)
"""


def test_a_run_whose_links_are_all_fresh_in_the_cache_starts_no_client(tmp_path: Path) -> None:
    """No request, no connection, and not even aiohttp, ssl or asyncio imported."""
    with serve({"/ok": Route(), "/old": Route(301, headers={"Location": "/ok"})}) as server:
        write(tmp_path, f"[ok]({server.url('/ok')}) [old]({server.url('/old')})\n")
        lint()
        asked = len(server.requests)
        before = (tmp_path / ".copydesk_cache" / "links.json").stat().st_mtime_ns
        done = subprocess.run(
            [sys.executable, "-c", CACHED], capture_output=True, text=True, cwd=tmp_path
        )
        assert len(server.requests) == asked
    assert done.returncode == 0, done.stderr
    assert "exit 0 imported []" in done.stdout
    assert "CD114" in done.stdout  # the moved link is still reported, from the cache
    assert "2 cached, 0 requests" in done.stderr
    assert (tmp_path / ".copydesk_cache" / "links.json").stat().st_mtime_ns == before


def test_an_unchanged_file_is_reported_as_its_links_answer_on_each_run(tmp_path: Path) -> None:
    """The same post, three runs: the link's answer, not the file, decides what
    is reported (a per-file lint cache must not replay web findings): fine,
    then dead (once: a warning), then fine again, and never a finding twice."""
    config = FAST + "ok-days = 0\n"  # every run asks again
    with serve({"/page": Route(sequence=[200, 404, 404])}) as server:
        write(tmp_path, f"# T\n\n[page]({server.url('/page')})\n", config)
        first, second, third = lint(), lint(), lint()
        assert server.requests == [
            ("HEAD", "/page"),
            ("HEAD", "/page"),  # 404: HEAD may lie, so GET
            ("GET", "/page"),
            ("HEAD", "/page"),
        ]
    assert found(first) == []
    assert found(second) == [(3, 1, "CD111", "warning")]
    assert "dead in 1 run" in second.findings[0].message
    assert found(third) == []


def test_an_https_twin_that_leads_elsewhere_is_no_cd113(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/x answers over http, but its https twin redirects to the home page: not the
    same page, so no suggestion; /y's twin redirects to https /y/ as http /y goes to /y/."""
    from webserver import tls_context

    tls, authority = tls_context(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(authority))
    with serve({"/": Route(), "/y/": Route()}, tls) as server:
        home = server.url("/").replace("http:", "https:", 1)
        server.routes["/x"] = Route(302, headers={"Location": home}, plain=Route())
        server.routes["/y"] = Route(302, headers={"Location": "/y/"})
        write(tmp_path, f"[x]({server.url('/x')})\n\n[y]({server.url('/y')})\n")
        result = lint(cache=False)
    assert found(result) == [(3, 1, "CD113", "warning")]


def test_with_the_lint_cache_a_cached_file_still_reports_what_its_link_answers_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Enough posts for the per-file lint cache (copydesk.lintcache) to be used:
    on the second and third runs no post is parsed again, yet the link cache
    decides what is reported: fine, then dead (a warning), then fine again."""
    import copydesk.engine as engine
    from copydesk.engine import CACHE_MIN_FILES as MIN_FILES

    linted: list[int] = []
    execute = engine._execute

    def counting(plan: engine.Plan, *args: object, **kwargs: object) -> object:
        linted.append(len(plan.tasks))
        return execute(plan, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_execute", counting)
    with serve({"/page": Route(sequence=[200, 404, 404])}) as server:
        write(tmp_path, f"# T\n\n[page]({server.url('/page')})\n", FAST + "ok-days = 0\n")
        for number in range(MIN_FILES):
            (tmp_path / f"other-{number}.md").write_text(f"# Other {number}\n", encoding="utf-8")
        argv = ["lint", "--online", "--select", "CD111", "--format", "json", "--jobs", "1", "."]
        runs = []
        for _ in range(3):
            main(argv)
            runs.append(
                [(f["path"], f["code"], f["severity"]) for f in json.loads(capsys.readouterr().out)]
            )
    assert (tmp_path / ".copydesk_cache" / "lint.json").is_file()
    assert linted == [MIN_FILES + 1]  # later runs took every post from the lint cache
    assert runs == [[], [("post.md", "CD111", "warning")], []]


def test_one_cache_folder_for_every_cache_and_the_old_links_key_still_moves_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cache-dir` holds links.json as it holds lint.json; `[links] cache-dir` alone
    still works (with one note), loses to `cache-dir`, and `--cache-dir` moves it."""
    old, both, flag = tmp_path / "old", tmp_path / "both", tmp_path / "flag"
    with serve({"/ok": Route(200)}) as server:
        post = f"[ok]({server.url('/ok')})\n"
        old.mkdir()
        write(old, post, "online = true\n" + FAST + 'cache-dir = "build/c"\n')
        both.mkdir()
        write(both, post, 'online = true\ncache-dir = "top"\n' + FAST + 'cache-dir = "nested"\n')
        flag.mkdir()
        write(flag, post, "online = true\n" + FAST)
        for folder in (old, both):
            assert main(["lint", "-q", "--select", "CD112", str(folder)]) == 0
        assert main(["lint", "-q", "--select", "CD112", "--cache-dir", "x", str(flag)]) == 0
    assert (old / "build" / "c" / "links.json").is_file()
    assert (both / "top" / "links.json").is_file()
    assert not (both / "nested").exists()
    assert (flag / "x" / "links.json").is_file()
    assert not (flag / ".copydesk_cache").exists()
    notes = [line for line in capsys.readouterr().err.splitlines() if "deprecated" in line]
    assert notes == [
        f"copydesk: {old / '.copydesk.toml'}: [links] cache-dir is deprecated, use the "
        "top-level cache-dir (one folder holds every cache)",
        f"copydesk: {both / '.copydesk.toml'}: [links] cache-dir is deprecated, use the "
        "top-level cache-dir (one folder holds every cache); ignored: cache-dir is set",
    ]


def test_a_host_whose_name_does_not_resolve_is_looked_up_not_asked_per_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every URL on a name that does not resolve is dead with the same reason;
    once the lookup failed, the others are not asked (no request, no lookup)."""
    import socket

    from copydesk.web.client import Probe, check_urls
    from copydesk.web.settings import LinkSettings

    lookups: list[str] = []

    def no_such_name(host: str, *args: object, **kwargs: object) -> object:
        lookups.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)  # no lookup leaves this machine
    probes = [Probe(f"http://nowhere.copydesk-test/{number}") for number in range(40)]
    settings = LinkSettings(per_host=4)
    outcomes, stats = check_urls(probes, settings, {})
    assert {(o.status, o.reason) for o in outcomes.values()} == {
        ("dead", "cannot connect: nowhere.copydesk-test:80: Name or service not known")
    }
    assert len(outcomes) == 40
    assert stats.requests <= settings.per_host  # only those already waiting on the lookup
    assert 1 <= len(lookups) <= settings.per_host


def _fake_resolver(
    monkeypatch: pytest.MonkeyPatch, up: dict[str, float], lookups: list[str]
) -> None:
    """Name lookups without DNS: a name in `up` resolves to 127.0.0.1 after that
    many seconds; every other name fails like a resolver with no network."""
    import socket
    import time

    real = socket.getaddrinfo

    def lookup(host: str, port: object, *args: object, **kwargs: object) -> object:
        lookups.append(host)
        if host in up:
            time.sleep(up[host])
            return real("127.0.0.1", port, *args, **kwargs)  # type: ignore[arg-type]
        time.sleep(0.01)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", lookup)


def test_without_any_network_the_run_gives_up_early_and_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No name resolves: after the first few lookups the other hosts are not
    looked up at all, no link is called dead, and one note says why."""
    from copydesk.web.client import NO_NETWORK_AFTER

    lookups: list[str] = []
    _fake_resolver(monkeypatch, {}, lookups)
    write(tmp_path, "".join(f"[{n}](https://host{n:03}.copydesk-test/p)\n" for n in range(120)))
    first, second = lint(), lint()
    assert first.findings == second.findings == []
    assert first.links is not None and first.links.counts == {"skipped": 120}
    assert second.links is not None and second.links.cached == 0  # nothing remembered
    assert len(lookups) == 2 * NO_NETWORK_AFTER  # the same 8 in each run, not 120
    assert len(set(lookups)) == NO_NETWORK_AFTER
    [note] = first.links.notes
    assert note == (
        f"no network: none of the first {NO_NETWORK_AFTER} host names looked up resolved "
        "(host000.copydesk-test: Temporary failure in name resolution); web checks skipped"
    )


def test_names_that_fail_first_are_still_dead_when_a_later_one_resolves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten dead names fail before the one live name resolves (slowly): the
    network works, so the URLs held back are asked after all, and every dead
    name is reported; the same when the live link comes from the cache."""
    lookups: list[str] = []
    _fake_resolver(monkeypatch, {"a-live.copydesk-test": 0.3}, lookups)
    with serve({"/ok": Route()}) as server:
        gone = "".join(f"[{n}](http://gone{n}.copydesk-test/)\n" for n in range(10))
        write(tmp_path, f"[live](http://a-live.copydesk-test:{server.port}/ok)\n{gone}")
        first = lint()
        second = lint()  # the live link is cached: only the ten dead names are asked
        assert server.count("/ok") == 2  # asked again to see that the network works
    for result in (first, second):
        assert [(f.line, f.code) for f in result.findings] == [(n, "CD111") for n in range(2, 12)]
        assert result.links is not None and not result.links.notes
    assert "Temporary failure in name resolution" in first.findings[-1].message
