"""`Outcome`: what checking one URL on the web came to.

Five kinds, because the user acts differently on each: `ok` (nothing to do),
`redirected` (a permanent redirect: update the link), `dead` (4xx, 5xx after
retries, or no server: fix or remove it), `unknown` (the server would not
say — rate limited, a bot wall, a timeout: look yourself, or wait) and
`skipped` (not asked: a host the config skips; or not one host could be
reached, the network is down). Only `dead` can fail a run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

Status = Literal["ok", "redirected", "dead", "unknown", "skipped"]
STATUSES: tuple[Status, ...] = ("ok", "redirected", "dead", "unknown", "skipped")


@dataclass(frozen=True)
class Outcome:
    """One URL's answer. `moved_to` is where its permanent (301/308) redirects
    lead before any temporary one; `final_url` where the whole chain ends.
    `anchors` are the page's element ids, when the page was read (None: not read)."""

    url: str
    status: Status
    code: int | None = None
    reason: str = ""
    final_url: str | None = None
    moved_to: str | None = None
    content_type: str | None = None
    anchors: frozenset[str] | None = None
    checked: float = 0.0
    cached: bool = False

    @property
    def transient(self) -> bool:
        """A server error (5xx): reported, but never remembered as dead."""
        return self.status == "dead" and self.code is not None and self.code >= 500

    @property
    def answered(self) -> bool:
        """The page is there (possibly after redirects)."""
        return self.status in ("ok", "redirected")

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status, "checked": round(self.checked, 3)}
        for key in ("code", "reason", "final_url", "moved_to", "content_type"):
            value = getattr(self, key)
            if value:
                data[key] = value
        if self.anchors is not None:
            data["anchors"] = sorted(self.anchors)
        return data

    @classmethod
    def from_json(cls, url: str, data: dict[str, Any]) -> Outcome:
        """Raises KeyError, TypeError or ValueError on a malformed entry."""
        status = data["status"]
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        anchors = data.get("anchors")
        code = data.get("code")
        return cls(
            url=url,
            status=status,
            code=int(code) if code is not None else None,
            reason=str(data.get("reason", "")),
            final_url=_optional_str(data.get("final_url")),
            moved_to=_optional_str(data.get("moved_to")),
            content_type=_optional_str(data.get("content_type")),
            anchors=frozenset(map(str, anchors)) if anchors is not None else None,
            checked=float(data["checked"]),
            cached=True,
        )

    def from_cache(self) -> Outcome:
        return self if self.cached else replace(self, cached=True)


def _optional_str(value: Any) -> str | None:
    return str(value) if value is not None else None
