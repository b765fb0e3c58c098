"""`OnlineOptions`: a lint run's choices about the web, from the command line.

Its own small module because every `copydesk lint` builds one, while the
online stage (copydesk.online) is loaded only when the web is asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple


class OnlineOptions(NamedTuple):
    """A run's choices about the web; None: what the configuration says.

    `lines`: with `--changed-lines`, the changed lines per file (absolute
    path; None: every line), so that only URLs on them are asked about.
    """

    enabled: bool | None = None
    cache: bool = True
    scope: str | None = None
    lines: Mapping[Path, frozenset[int] | None] | None = None
    # A progress bar on stderr while links are asked, for runs over a second
    # (copydesk.progress; lint sets it only on a terminal, never with --quiet).
    progress: bool = False
    # `--cache-dir`: the folder of every cache, the link cache's too (None: the config's).
    cache_dir: str | None = None
