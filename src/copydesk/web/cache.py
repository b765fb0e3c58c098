"""The link cache: what each URL answered, and for how long that holds.

One JSON file, `links.json`, in the cache folder (default `.copydesk_cache/`,
which other caches can share). A link that answered is not asked again for
`ok-days`; a dead or unknown one is asked on every run, so a timeout, a 429
or a 5xx is never remembered as dead. The file also keeps the quarantine:
how many runs in a row a link was dead, and since when, because one dead
answer is often a flake and must not fail a build on its own.

A cache that cannot be read, or was written by something else, is ignored
and rebuilt; writes are atomic (temporary file, then rename) and never go
through a symbolic link.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copydesk.cachedir import LINK_CACHE_FILE
from copydesk.web.outcome import Outcome

CACHE_FILE = LINK_CACHE_FILE
FORMAT = "copydesk-links"
VERSION = 1
DAY = 86400.0
# Entries nobody asked about for this long are dropped when the cache is saved.
FORGET_AFTER_DAYS = 90


@dataclass
class Entry:
    """A URL's last outcome and its dead streak (consecutive dead runs, first dead time)."""

    outcome: Outcome
    dead_runs: int = 0
    dead_since: float | None = None


@dataclass(frozen=True)
class Quarantine:
    """When a dead link starts failing the run."""

    runs: int = 2
    days: float = 0.0

    def reached(self, entry: Entry, now: float) -> bool:
        if entry.dead_runs >= self.runs:
            return True
        since = entry.dead_since
        return self.days > 0 and since is not None and now - since >= self.days * DAY


class LinkCache:
    """Entries by URL (without fragment); `path` None keeps them in memory only."""

    def __init__(self, path: Path | None, ok_days: float) -> None:
        self.path = path
        self.ok_days = ok_days
        self.entries: dict[str, Entry] = {}
        self.problem: str | None = None  # why an existing file was ignored
        self.changed = False  # an entry was added or updated: `save` has something to write
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            if path.is_symlink() or path.parent.is_symlink():
                self.problem = "it is a symbolic link"
                self.path = None
                return
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as error:
            self.problem = f"cannot read it: {error}"
            return
        try:
            self.entries = _entries(json.loads(text))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            self.problem = f"not a copydesk link cache ({error}); starting afresh"
            self.entries = {}

    def fresh(self, url: str, page: bool, now: float, twin: bool = False) -> Outcome | None:
        """The remembered outcome when it still holds: an answer younger than
        `ok-days` (with the page's ids when they are wanted). For a `twin` (an
        https URL asked only to suggest it, used by no post) a dead answer
        holds as long: re-asking it each run would not fix any link."""
        entry = self.entries.get(url)
        if entry is None:
            return None
        if not entry.outcome.answered and not (twin and entry.outcome.status == "dead"):
            return None
        if page and entry.outcome.anchors is None:
            return None
        if now - entry.outcome.checked >= self.ok_days * DAY:
            return None
        return entry.outcome.from_cache()

    def record(self, outcome: Outcome) -> Entry:
        """This run's outcome; a dead one lengthens the streak, an answer ends it;
        unknown, skipped and a 5xx (which may pass) leave it as it was."""
        entry = self.entries.get(outcome.url)
        if entry is None:
            entry = self.entries[outcome.url] = Entry(outcome)
            self.changed = True
        if outcome.cached:
            return entry
        entry.outcome = outcome
        self.changed = True
        if outcome.status == "dead" and not outcome.transient:
            entry.dead_runs += 1
            entry.dead_since = entry.dead_since or outcome.checked
        elif outcome.answered:
            entry.dead_runs, entry.dead_since = 0, None
        return entry

    def save(self, now: float) -> str | None:
        """Write atomically, never through a link (write.py's `Writer`); the reason
        when it could not be written (the run goes on)."""
        from copydesk.write import write_cache

        if self.path is None or not (self.changed or self.problem):
            return None  # every answer came from the file: it is already what we would write
        data = {
            "format": FORMAT,
            "version": VERSION,
            "entries": {
                url: _entry_json(entry)
                for url, entry in sorted(self.entries.items())
                if now - entry.outcome.checked < FORGET_AFTER_DAYS * DAY
            },
        }
        # dumps without indent: the C encoder, ~10x faster than json.dump's
        return write_cache(
            self.path, json.dumps(data, sort_keys=True, separators=(",", ":")), "link cache"
        )


def _entry_json(entry: Entry) -> dict[str, Any]:
    data = entry.outcome.as_json()
    if entry.dead_runs:
        data["dead_runs"] = entry.dead_runs
        data["dead_since"] = entry.dead_since
    return data


def _entries(data: Any) -> dict[str, Entry]:
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ValueError("unknown format or version")
    entries: dict[str, Entry] = {}
    for url, item in data["entries"].items():
        outcome = Outcome.from_json(str(url), item)
        since = item.get("dead_since")
        entries[str(url)] = Entry(
            outcome, int(item.get("dead_runs", 0)), float(since) if since is not None else None
        )
    return entries
