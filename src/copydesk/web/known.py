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
    from copydesk.config import Config, ConfigFinder
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
        from copydesk.online import UrlUse
        from copydesk.rules.web import https_answers_same, https_twin

        page = url.split("#", 1)[0]
        twin = https_twin(page)
        cache = self._cache(self.finder.for_file(source), source)
        if twin is None or cache is None:
            return False
        plain = cache.fresh(page, False, self.now)
        secure = cache.fresh(twin, False, self.now, twin=True)
        if plain is None or secure is None:
            return False
        return https_answers_same(UrlUse(url, "link", 0, 0), plain, secure)

    def _cache(self, config: Config, source: Path) -> LinkCache | None:
        """The config's link cache, read once; None when there is none (or it is unreadable)."""
        from copydesk.cachedir import cache_folder
        from copydesk.web.cache import CACHE_FILE, LinkCache
        from copydesk.web.settings import LinkSettings

        settings = config.links or LinkSettings()
        where = (id(config), os.path.dirname(os.path.abspath(source)))
        path = self._paths.get(where)
        if path is None:
            folder = cache_folder(config, [source], self.cache_dir)
            path = self._paths[where] = folder / CACHE_FILE
        if path not in self.caches:
            cache = LinkCache(path, settings.ok_days) if path.is_file() else None
            self.caches[path] = cache if cache is not None and not cache.problem else None
        return self.caches[path]
