"""What an earlier `lint --online` run learnt about `http:` links, for `lint --fix`.

Offline, `http:` -> `https:` (CD106) is an unsafe fix: nobody knows that the
host answers on https. The link cache (`links.json`, see copydesk.web.cache)
may know: when it holds fresh answers from both the `http:` URL and its
`https:` twin, and the `http:` one did not move permanently elsewhere (then
the new home is CD114's fix) and both end on the same page, the twin answers
the same, as CD113 judges online (`https_answers_same`), and the fix is safe.
Only the cache is read; nothing is asked.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from copydesk.config import Config, ConfigFinder
    from copydesk.engine import LintResult
    from copydesk.findings import Fix
    from copydesk.web.cache import LinkCache


class KnownHttps:
    """Answers "does this http URL's https twin answer?" from each config's link cache."""

    def __init__(self, finder: ConfigFinder, cache_dir: str | None = None) -> None:
        self.finder = finder
        self.cache_dir = cache_dir  # `--cache-dir`; None: each config's `cache-dir`
        self.caches: dict[Path, LinkCache | None] = {}
        # (config, the linked file's folder) -> its cache file: finding the cache's
        # root may run git, once per folder, not once per finding (64 on a blog).
        self._paths: dict[tuple[int, str], Path] = {}
        self.now = time.time()

    def answers(self, source: Path, url: str) -> bool:
        cache = self._cache(self.finder.for_file(source), source)
        if cache is None:  # no online run kept answers here: nothing more is imported
            return False
        from copydesk.online import UrlUse
        from copydesk.rules.web import https_answers_same, https_twin

        page = url.split("#", 1)[0]
        twin = https_twin(page)
        if twin is None:
            return False
        plain = cache.fresh(page, False, self.now)
        secure = cache.fresh(twin, False, self.now, twin=True)
        if plain is None or secure is None:
            return False
        return https_answers_same(UrlUse(url, "link", 0, 0), plain, secure)

    def _cache(self, config: Config, source: Path) -> LinkCache | None:
        """The config's link cache, read once; None when there is none (or it is unreadable)."""
        from copydesk.cachedir import LINK_CACHE_FILE, cache_folder

        where = (id(config), os.path.dirname(os.path.abspath(source)))
        path = self._paths.get(where)
        if path is None:
            folder = cache_folder(config, [source], self.cache_dir)
            path = self._paths[where] = folder / LINK_CACHE_FILE
        if path not in self.caches:
            self.caches[path] = _read_cache(path, config) if path.is_file() else None
        return self.caches[path]


def _read_cache(path: Path, config: Config) -> LinkCache | None:
    """The link cache at `path`; None when it cannot be used."""
    from copydesk.web.cache import LinkCache
    from copydesk.web.settings import LinkSettings

    cache = LinkCache(path, (config.links or LinkSettings()).ok_days)
    return None if cache.problem else cache


def trust_known_https(result: LintResult, answers: Callable[[Path, str], bool]) -> LintResult:
    """CD106's `http:` -> `https:` fix becomes safe where `answers(file, url)` says
    an earlier online run saw the `https:` twin answer the same (`KnownHttps.answers`)."""
    findings = []
    for finding in result.findings:
        fix = finding.fix
        path = result.paths.get(finding.path)
        if _http_fix(finding.code, fix) and path is not None:
            assert fix is not None
            url = "http://" + fix.edits[0].text[len("https://") :]
            if answers(path, url):
                finding = finding._replace(fix=fix._replace(applicability="safe"))
        findings.append(finding)
    return result._replace(findings=findings)


def _http_fix(code: str, fix: Fix | None) -> bool:
    return (
        code == "CD106"
        and fix is not None
        and fix.applicability == "unsafe"
        and len(fix.edits) == 1
    )
