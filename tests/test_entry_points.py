"""copydesk.plugins finds what importlib.metadata finds, without importing it.

Each test lays out distributions' metadata folders (as pip writes them) in
temporary folders put on `sys.path`, and compares the cheap scan with
`importlib.metadata` on that same path.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

import pytest

from copydesk import plugins


def dist(site: Path, folder: str, version: str, entry_points: str) -> None:
    """A `.dist-info` (or `.egg-info`) folder with its METADATA and entry_points.txt."""
    path = site / folder
    path.mkdir(parents=True)
    name = folder.rsplit(".", 1)[0].split("-", 1)[0]
    (path / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nVersion: not this\n",
        encoding="utf-8",
    )
    (path / "entry_points.txt").write_text(entry_points, encoding="utf-8")


@pytest.fixture
def sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    first, second = tmp_path / "first", tmp_path / "second"
    dist(
        first,
        "acme_rules-1.2.dist-info",
        "1.2",
        "# comment\n[copydesk.rules]\nacme = acme.rules\nextra = acme.more:Rule [fast]\n\n"
        "[console_scripts]\nacme = acme.cli:main\n",
    )
    dist(first, "Other.Pkg-0.1.egg-info", "0.1", "[copydesk.importers]\nblog = other:Blog\n")
    # the same distribution again later on the path: shadowed, as in importlib
    dist(second, "acme.rules-0.9.dist-info", "0.9", "[copydesk.rules]\nold = acme.old\n")
    monkeypatch.setattr(sys, "path", [str(first), str(second), *sys.path])
    return first, second


def as_tuples(points: object) -> list[tuple[str, str, str]]:
    return sorted((p.name, p.value, p.group) for p in points)  # type: ignore[attr-defined]


@pytest.mark.parametrize("group", ["copydesk.rules", "copydesk.importers", "console_scripts"])
def test_entry_points_equal_importlib_metadata(sites: object, group: str) -> None:
    found = as_tuples(plugins.entry_points(group))
    assert found == as_tuples(metadata.entry_points(group=group))
    if group == "copydesk.rules":
        assert ("acme", "acme.rules", group) in found
        assert ("old", "acme.old", group) not in found  # shadowed by the first on the path


def test_versions_equal_importlib_metadata(sites: object) -> None:
    assert plugins.version("acme-rules") == "1.2" == metadata.version("acme-rules")
    assert plugins.version("other_pkg") == "0.1" == metadata.version("other_pkg")
    assert plugins.version("mistune") == metadata.version("mistune")
    assert plugins.version("no-such-distribution") is None


def test_load_follows_module_and_attribute() -> None:
    point = plugins.EntryPoint("x", "copydesk.plugins:EntryPoint.load [extra]", "g")
    assert point.load() is plugins.EntryPoint.load
    assert plugins.EntryPoint("x", "copydesk.plugins", "g").load() is plugins


def test_a_zip_on_the_path_hands_over_to_importlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "lib.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip archive
    monkeypatch.setattr(sys, "path", [str(archive), *sys.path])
    assert plugins._dist_folders() is None  # the scan does not read archives
    assert as_tuples(plugins.entry_points("copydesk.rules")) == as_tuples(
        metadata.entry_points(group="copydesk.rules")
    )
