"""Tracking parameters: the query names that tell a third party where a reader
came from. One list, so that `migrate` strips exactly what `lint` (CD105, whose
`parameters` option defaults to it) reports.

A name ending in `*` is a prefix: `utm_*` is every Urchin (Google Analytics)
tag, the usual five and the rarer utm_id or utm_reader alike.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

TRACKING_PARAMETERS: tuple[str, ...] = (
    "utm_*",
    "fbclid",
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
)


@functools.cache
def matcher(names: tuple[str, ...] = TRACKING_PARAMETERS) -> Callable[[str], bool]:
    """A test for one parameter name (any case) against `names`: an exact name,
    or a prefix where the name ends in `*`. Cached: a rule asks once per link."""
    exact = frozenset(name.lower() for name in names if not name.endswith("*"))
    prefixes = tuple(name[:-1].lower() for name in names if name.endswith("*"))

    def is_tracking(name: str) -> bool:
        lowered = name.lower()
        return lowered in exact or lowered.startswith(prefixes)

    return is_tracking


def medium_source(name: str, host: str) -> bool:
    """Medium appends `source=...` to every link it exports (source=post_page---...);
    elsewhere `source` is a real parameter more often than not."""
    return name.lower() == "source" and (host == "medium.com" or host.endswith(".medium.com"))
