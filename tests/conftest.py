"""What every test starts from, whatever the shell that runs pytest holds.

Colour: `FORCE_COLOR` or `NO_COLOR` in the caller's environment (a CI job, a
terminal profile) turned the text format's colour on or off for every test,
and each test that compares text output failed under `FORCE_COLOR=1`. A test
that means colour sets it itself (`monkeypatch.setenv`).
"""

from __future__ import annotations

import pytest

COLOUR_VARIABLES = ("FORCE_COLOR", "NO_COLOR")


@pytest.fixture(autouse=True)
def _plain_colour_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in COLOUR_VARIABLES:
        monkeypatch.delenv(name, raising=False)
