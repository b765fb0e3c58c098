"""--download-images against a server on 127.0.0.1 only: nothing leaves this machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.cli import main
from copydesk.web.images import Options, download, largest, local_name, url_prefix
from webserver import Route, serve

PNG = b"\x89PNG\r\n\x1a\n" + b"pixels" * 10
OTHER = b"\x89PNG\r\n\x1a\n" + b"others" * 10
WXR = Path(__file__).parents[1] / "fixtures" / "importers" / "wxr" / "blog.wordpress.2024-05-01.xml"


def options(folder: Path, **overrides: object) -> Options:
    values: dict[str, object] = {
        "folder": folder,
        "url_prefix": "/images",
        "timeout": 0.5,
        "retries": 2,
        "backoff": 0.01,
    }
    values.update(overrides)
    return Options(**values)  # type: ignore[arg-type]


def test_names_are_stable_and_url_safe() -> None:
    name = local_name("https://cdn-images-1.medium.com/max/800/1*AbC dE%20f.jpeg")
    assert name == local_name("https://cdn-images-1.medium.com/max/800/1*AbC dE%20f.jpeg")
    assert name.startswith("1-abc-de-f-") and name.endswith(".jpeg")
    assert not set(name) & set("*% ")


@pytest.mark.parametrize(
    ("url", "biggest"),
    [
        ("https://example.com/a.png", "https://example.com/a.png"),
        (
            "https://cdn-images-1.medium.com/max/800/1*x.jpeg",
            "https://cdn-images-1.medium.com/max/4800/1*x.jpeg",
        ),
        (
            "https://miro.medium.com/v2/resize:fit:1400/1*x.jpeg",
            "https://miro.medium.com/v2/1*x.jpeg",
        ),
        (
            "https://blog.example.com/wp-content/uploads/2019/02/market-1024x683.jpg",
            "https://blog.example.com/wp-content/uploads/2019/02/market.jpg",
        ),
    ],
)
def test_largest_variant(url: str, biggest: str) -> None:
    assert largest(url) == biggest


def test_url_prefix_of_the_static_folder() -> None:
    assert url_prefix(Path("static/images")) == "/images"
    assert url_prefix(Path("assets/images")) == "/assets/images"
    assert url_prefix(Path("/srv/site/static/img")) == "/img"


def test_each_case_of_the_server(tmp_path: Path) -> None:
    routes = {
        "/ok.png": Route(content_type="image/png", body=PNG),
        "/moved.png": Route(status=301, headers={"Location": "/ok2.png"}),
        "/ok2.png": Route(content_type="image/png", body=OTHER),
        "/flaky.png": Route(sequence=[500], content_type="image/png", body=b"flaky-bytes"),
        "/slow.png": Route(delay=1.5, content_type="image/png", body=PNG),
        "/copy.png": Route(content_type="image/png", body=PNG),
    }
    with serve(routes) as server:
        urls = [server.url(path) for path in (*routes, "/missing.png")]
        run = download(urls, options(tmp_path), {})
    got = {url.rsplit("/", 1)[1]: item for url, item in run.fetched.items()}
    assert got["copy.png"].path.startswith("/images/copy-") and not got["copy.png"].error
    assert (tmp_path / got["moved.png"].file).read_bytes() == OTHER  # the redirect followed
    assert (tmp_path / got["flaky.png"].file).read_bytes() == b"flaky-bytes"  # 500, then 200
    assert got["slow.png"].error == "timeout after 0.5 s"
    assert got["missing.png"].error == "HTTP 404"
    # the same image under two URLs: one file, named after the first URL in sort order
    assert got["ok.png"].file == got["copy.png"].file and got["ok.png"].duplicate
    assert server.count("/missing.png") == 1  # a 404 is not retried
    assert server.count("/flaky.png") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        {got[name].file for name in ("copy.png", "moved.png", "flaky.png")}
    )


def test_at_most_per_host_requests_at_once(tmp_path: Path) -> None:
    routes = {f"/{n}.png": Route(delay=0.1, body=bytes([n]) * 20) for n in range(12)}
    with serve(routes) as server:
        download([server.url(path) for path in routes], options(tmp_path, per_host=3), {})
    assert server.peak <= 3


def test_at_most_concurrency_requests_at_once(tmp_path: Path) -> None:
    # Two host names for the one local server, 2 a host: aiohttp's connector limit
    # alone let 4 through where 3 were asked (as 20 for 16 on five hosts).
    routes = {f"/{n}.png": Route(delay=0.1, body=bytes([n]) * 20) for n in range(12)}
    with serve(routes) as server:
        urls = [server.url(path) for path in routes]
        urls = [
            url.replace("127.0.0.1", "localhost") if n % 2 else url for n, url in enumerate(urls)
        ]
        run = download(urls, options(tmp_path, per_host=2, concurrency=3), {})
    assert not any(item.error for item in run.fetched.values())
    assert server.peak == 3


def wxr_on(server_url: str, folder: Path) -> Path:
    """The WXR fixture with its uploads served by the local server."""
    text = WXR.read_text(encoding="utf-8").replace("https://fieldnotes.example.com", server_url)
    path = folder / "blog.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_migrate_downloads_relinks_and_reruns_fetch_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uploads = "/wp-content/uploads"
    routes = {
        f"{uploads}/2019/02/market.jpg": Route(content_type="image/jpeg", body=PNG),
        f"{uploads}/2023/06/stall.jpg": Route(content_type="image/jpeg", body=OTHER),
        f"{uploads}/2020/05/small.jpg": Route(status=404),
        f"{uploads}/2020/05/small-300x200.jpg": Route(status=404),
    }
    out, images = tmp_path / "out", tmp_path / "static" / "images"
    report = tmp_path / "report.json"
    with serve(routes) as server:
        source = wxr_on(server.url("").rstrip("/"), tmp_path)
        args = ["migrate", str(source), "--out", str(out), "--timezone", "UTC"]
        args += ["--download-images", str(images), "--report", str(report)]
        assert main(args) == 0
        first = server.count()
        assert (
            "images: 2 downloaded, 1 same as another URL, 0 already there, 1 failed"
            in capsys.readouterr().out
        )
        assert main([*args, "--force"]) == 0
        assert server.count() == first + 2  # only the failed one is asked again (+ its fallback)
    manifest = json.loads(report.with_suffix(".images.json").read_text())
    paths = {entry["url"]: entry.get("path") for entry in manifest["images"]}
    body_url = server.url(f"{uploads}/2019/02/market-1024x683.jpg")
    cafe = (out / "cafe-notes.md").read_text(encoding="utf-8")
    local = [line for line in cafe.splitlines() if line.startswith("![The market]")]
    assert local == [f"![The market]({paths[body_url]})"]
    assert paths[body_url] == f"/images/{local_name(body_url)}"
    assert f"  src: {paths[body_url]}\n" in cafe  # the cover: the same bytes, the same file
    members = (out / "members-only.md").read_text(encoding="utf-8")
    assert "small-300x200.jpg)](" in members  # failed: the remote URL stays
    assert {entry.get("error") for entry in manifest["images"]} == {None, "HTTP 404"}
    files = {entry["file"] for entry in manifest["images"] if "file" in entry}
    assert files == {p.name for p in images.iterdir()}
    review = json.loads(report.read_text())["files"]
    flagged = [f["source"] for f in review if any("not downloaded" in r for r in f["review"])]
    assert flagged == [f"{source}#13"]
