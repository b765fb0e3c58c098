"""What every test starts from, whatever the shell that runs pytest holds.

Colour: `FORCE_COLOR` or `NO_COLOR` in the caller's environment (a CI job, a
terminal profile) turned the text format's colour on or off for every test,
and each test that compares text output failed under `FORCE_COLOR=1`. A test
that means colour sets it itself (`monkeypatch.setenv`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

COLOUR_VARIABLES = ("FORCE_COLOR", "NO_COLOR")


@pytest.fixture(autouse=True)
def _plain_colour_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in COLOUR_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the pages whose front matter the site model's URL index read
    from disk (the URL-index tests count them)."""
    from copydesk.site import project

    seen: list[str] = []
    real = project._read_front_matter

    def counting(path: Path, only: Any = None) -> Any:
        seen.append(path.name)
        return real(path, only)

    monkeypatch.setattr(project, "_read_front_matter", counting)
    return seen
