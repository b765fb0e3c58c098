"""A progress bar for long runs (lint, migrate, fix over thousands of files).

Shown on stderr only when stderr is a terminal, and only once a run has
lasted about a second: a pre-commit hook over a few posts, a CI log or a
pipe never sees it. tqdm draws it and is imported only then, so short runs
and `copydesk --help` do not pay for it.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, TextIO

# A run that ends sooner shows nothing; one that lasts longer shows a bar.
DELAY = 1.0


class Progress:
    """Counts finished files; draws a bar once `DELAY` seconds have passed."""

    def __init__(self, total: int, unit: str, *, enabled: bool, stream: TextIO | None = None):
        self.total = total
        self.unit = unit
        self.enabled = enabled and total > 1
        self.stream = stream or sys.stderr
        self.done = 0
        self._start = time.monotonic()
        self._bar: Any = None

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self._bar is not None:
            self._bar.update(count)
        elif self.enabled and time.monotonic() - self._start >= DELAY:
            self._bar = self._open()

    def _open(self) -> Any:
        from tqdm import tqdm

        return tqdm(
            total=self.total,
            initial=self.done,
            unit=self.unit,
            file=self.stream,
            leave=False,  # the summary line follows; the bar has done its job
            dynamic_ncols=True,
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def wanted(quiet: bool = False, stream: TextIO | None = None) -> bool:
    """A bar only for a person watching: stderr is a terminal, not --quiet, not TERM=dumb."""
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    return not quiet and bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
