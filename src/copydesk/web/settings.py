"""The `[links]` table: how `lint --online` checks the web.

Every key, its default and what it is for live in `OPTIONS`, so that a
typo is an error naming the file and the key, and a reference can be
generated from this one place. Per-host settings go in `[links.hosts."name"]`
(a name covers its subdomains). Header values never hold a secret: they name
environment variables (`"Bearer ${GITHUB_TOKEN}"`), read when the run starts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copydesk.errors import CopydeskError


class LinkSettingsError(CopydeskError):
    """A bad value in the `[links]` table."""


# key: (default, what it means). Numbers are seconds unless the key says otherwise.
OPTIONS: Mapping[str, tuple[Any, str]] = {
    "cache-dir": (
        ".copydesk_cache",
        "deprecated: the top-level `cache-dir` holds every cache; this one is read "
        "only when that is not set",
    ),
    "timeout": (10.0, "seconds to wait for an answer before the link is 'unknown'"),
    "connect-timeout": (5.0, "seconds to wait for a connection"),
    "concurrency": (64, "requests in flight at once, over all hosts"),
    "per-host": (8, "requests in flight at once to one host"),
    "retries": (2, "retries after a timeout, 429 or 5xx, with exponential backoff"),
    "retry-delay": (1.0, "first backoff delay; doubles each retry; Retry-After wins"),
    "max-retry-after": (60.0, "longest Retry-After to wait for; longer: the link is 'unknown'"),
    "max-redirects": (10, "redirects to follow before the link is dead"),
    "ok-days": (7.0, "days before a link that answered is checked again"),
    "dead-after-runs": (2, "consecutive dead runs before a dead link is an error"),
    "dead-after-days": (0.0, "or days since it was first found dead (0: runs only)"),
    "scope": ("all", "'all' links, or 'internal': only links to the site's own domain"),
    "site-url": ("", "the site's own URL for scope 'internal' (default: from the site config)"),
    "skip-hosts": (
        ["localhost", "example.com", "example.org", "example.net"],
        "hosts never asked (a name covers its subdomains; .test, .example, "
        ".invalid and .localhost are always skipped)",
    ),
}
HOST_OPTIONS: Mapping[str, tuple[Any, str]] = {
    "skip": (False, "never ask this host; its links count as skipped"),
    "warn-only": (False, "a dead link here is a warning, never an error (sites that block bots)"),
    "rate": (0.0, "at most this many requests per second to the host (0: no limit)"),
    "accept": ([], "extra status codes that mean the link is fine (e.g. [403])"),
    "headers": ({}, "extra request headers; values name environment variables: '${TOKEN}'"),
}
RESERVED_SUFFIXES = (".test", ".example", ".invalid", ".localhost")
_HEADER_VALUE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9-]* )?\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
SCOPES = ("all", "internal")


@dataclass(frozen=True)
class HostSettings:
    """`[links.hosts."name"]`; `headers` maps a header to its `${VAR}` template."""

    name: str
    skip: bool = False
    warn_only: bool = False
    rate: float = 0.0
    accept: frozenset[int] = frozenset()
    headers: tuple[tuple[str, str], ...] = ()

    def covers(self, host: str) -> bool:
        return host == self.name or host.endswith("." + self.name)


@dataclass(frozen=True)
class LinkSettings:
    """The `[links]` table, checked; the defaults when there is none."""

    timeout: float = 10.0
    connect_timeout: float = 5.0
    concurrency: int = 64
    per_host: int = 8
    retries: int = 2
    retry_delay: float = 1.0
    max_retry_after: float = 60.0
    max_redirects: int = 10
    ok_days: float = 7.0
    dead_after_runs: int = 2
    dead_after_days: float = 0.0
    scope: str = "all"
    site_url: str = ""
    skip_hosts: tuple[str, ...] = ("localhost", "example.com", "example.org", "example.net")
    hosts: tuple[HostSettings, ...] = field(default=())

    def host(self, name: str) -> HostSettings | None:
        """The most specific `[links.hosts]` entry covering `name`."""
        name = name.lower()
        found = [host for host in self.hosts if host.covers(name)]
        return max(found, key=lambda host: len(host.name)) if found else None

    def skipped(self, name: str) -> bool:
        name = name.lower()
        if name.endswith(RESERVED_SUFFIXES) or any(
            name == skip or name.endswith("." + skip) for skip in self.skip_hosts
        ):
            return True
        host = self.host(name)
        return host is not None and host.skip


def link_settings(path: Path, table: Any) -> LinkSettings:
    """Check a `[links]` table; raise LinkSettingsError naming the key."""
    if not isinstance(table, dict):
        raise LinkSettingsError(path, "'links' must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "hosts":
            continue
        if key not in OPTIONS:
            raise LinkSettingsError(path, f"links: unknown key '{key}'")
        checked = _checked(path, f"links.{key}", OPTIONS[key][0], value)
        if key != "cache-dir":  # deprecated: `Config.cache_dir` takes it
            values[key.replace("-", "_")] = checked
    if values.get("scope", "all") not in SCOPES:
        raise LinkSettingsError(
            path, f"links.scope: '{values['scope']}' is not 'all' or 'internal'"
        )
    for key in ("concurrency", "per_host", "dead_after_runs"):
        if key in values and values[key] < 1:
            raise LinkSettingsError(path, f"links.{key.replace('_', '-')}: must be at least 1")
    if "skip_hosts" in values:
        values["skip_hosts"] = tuple(str(name).lower() for name in values["skip_hosts"])
    hosts = table.get("hosts", {})
    if not isinstance(hosts, dict):
        raise LinkSettingsError(path, "'links.hosts' must be a table of host names")
    values["hosts"] = tuple(_host(path, name, options) for name, options in hosts.items())
    return LinkSettings(**values)


def _host(path: Path, name: str, table: Any) -> HostSettings:
    where = f'links.hosts."{name}"'
    if not isinstance(table, dict):
        raise LinkSettingsError(path, f"'{where}' must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in HOST_OPTIONS:
            raise LinkSettingsError(path, f"{where}: unknown key '{key}'")
        values[key.replace("-", "_")] = _checked(
            path, f"{where}.{key}", HOST_OPTIONS[key][0], value
        )
    accept = values.get("accept", [])
    if not all(isinstance(code, int) and 100 <= code <= 999 for code in accept):
        raise LinkSettingsError(path, f"{where}.accept: must be a list of HTTP status codes")
    values["accept"] = frozenset(accept)
    values["headers"] = tuple(
        _header(path, where, k, v) for k, v in values.get("headers", {}).items()
    )
    return HostSettings(name=name.lower().lstrip("."), **values)


def _header(path: Path, where: str, name: str, value: Any) -> tuple[str, str]:
    if not isinstance(value, str) or not _HEADER_VALUE.match(value):
        raise LinkSettingsError(
            path,
            f"{where}.headers.{name}: the value must name an environment variable, "
            "like '${TOKEN}' or 'Bearer ${TOKEN}' (never write a secret in a config file)",
        )
    return name, value


def header_value(template: str, environ: Mapping[str, str]) -> str | None:
    """`Bearer ${TOKEN}` with TOKEN from the environment; None when it is unset."""
    match = _HEADER_VALUE.match(template)
    if match is None or not environ.get(match.group(1)):
        return None
    return template.replace("${" + match.group(1) + "}", environ[match.group(1)])


def _checked(path: Path, key: str, default: Any, value: Any) -> Any:
    """A value of the kind of its default: a number for a number, a list of strings, ..."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int | float):
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    elif isinstance(default, list):
        ok = isinstance(value, list)
    elif isinstance(default, dict):
        ok = isinstance(value, dict)
    else:
        ok = isinstance(value, str)
    if not ok:
        raise LinkSettingsError(path, f"{key}: expected {type(default).__name__}, got {value!r}")
    if key.endswith("skip-hosts") and not all(isinstance(item, str) for item in value):
        raise LinkSettingsError(path, f"{key}: must be a list of host names")
    return value
