"""Host redirect files (`copydesk.site.redirects`): which URL paths a host
rule serves, read from small files written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.site import load_site
from copydesk.site.redirects import host_redirects, netlify_pattern, vercel_pattern


@pytest.mark.parametrize(
    ("source", "served", "not_served"),
    [
        ("/news/:path*", ["/news", "/news/", "/news/2020/x/"], ["/newsletter"]),
        ("/leaderboard/(.*)", ["/leaderboard/a/b"], ["/leader"]),
        ("/blog/:slug", ["/blog/a"], ["/blog/a/b"]),
        ("/docs/:version?/intro", ["/docs/intro", "/docs/v2/intro"], ["/docs/a/b/intro"]),
    ],
)
def test_vercel_patterns(source: str, served: list[str], not_served: list[str]) -> None:
    pattern = vercel_pattern(source)
    assert pattern is not None
    assert all(pattern.fullmatch(path) for path in served)
    assert not any(pattern.fullmatch(path) for path in not_served)


def test_netlify_patterns() -> None:
    assert netlify_pattern("/en/*").fullmatch("/en/docs/x/")
    placeholder = netlify_pattern("/docs/:lang/usage.html")
    assert placeholder.fullmatch("/docs/fr/usage.html")
    assert not placeholder.fullmatch("/docs/fr/x/usage.html")


def test_each_host_file_is_read_and_not_found_rules_serve_nothing(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "_redirects").write_text(
        "# comment\n/old/*  /new/:splat  301\n/gone /404.html 404\nhttps://x.org/* /:splat\n",
        encoding="utf-8",
    )
    (tmp_path / "vercel.json").write_text(
        json.dumps({"rewrites": [{"source": "/api/:path*", "destination": "https://a.b/"}]}),
        encoding="utf-8",
    )
    (tmp_path / "netlify.toml").write_text(
        '[[redirects]]\nfrom = "/jobs"\nto = "https://jobs.example/"\n'
        '[[redirects]]\nfrom = "/*"\nto = "/404.html"\nstatus = 404\n',
        encoding="utf-8",
    )
    rules = host_redirects(tmp_path, [tmp_path / "static"])
    assert sorted(rule.source for rule in rules) == ["/api/:path*", "/jobs", "/old/*"]
    jobs = next(rule for rule in rules if rule.source == "/jobs")
    assert jobs.where(tmp_path) == "netlify.toml:2"


def test_a_netlify_toml_above_the_site_counts_only_when_its_base_is_the_site(
    tmp_path: Path,
) -> None:
    site = tmp_path / "website"
    site.mkdir()
    rules = '[[redirects]]\nfrom = "/jobs"\nto = "/careers/"\n'
    (tmp_path / "netlify.toml").write_text(rules, encoding="utf-8")
    assert host_redirects(site, []) == []
    (tmp_path / "netlify.toml").write_text('[build]\nbase = "website"\n' + rules, encoding="utf-8")
    assert [rule.source for rule in host_redirects(site, [])] == ["/jobs"]


def test_the_model_resolves_a_link_through_a_host_rule(tmp_path: Path) -> None:
    (tmp_path / "_redirects").write_text("/talks https://speakerdeck.com/x 301\n", encoding="utf-8")
    post = tmp_path / "post.md"
    post.write_text("[talks](/talks/)\n", encoding="utf-8")
    model = load_site(tmp_path)
    assert model.resolve("/talks/", post) == tmp_path / "_redirects"
    assert model.resolve("/talk/", post) is None
    assert model.resolve("talks", post) is None  # relative: the host rule names paths from /
