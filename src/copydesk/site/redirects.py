"""Host redirect files: URLs a site serves through its host, not a page.

A link such as `/jobs` on a Netlify site works when `netlify.toml` says
`from = "/jobs"`, though no file gives that URL: reporting it broken would
be wrong. Read here, leniently (a file that cannot be read adds nothing):

- Netlify and Cloudflare Pages `_redirects` (`from to [status]` lines) at
  the site root or in a static folder (its published root);
- `netlify.toml` `[[redirects]]` at the site root, or above it when its
  `[build] base` names the site's folder;
- Vercel `vercel.json` `redirects`, `rewrites` (`source`) and `routes` (`src`).

A rule whose status is 404 or 410 serves a "not found" page: it makes no
URL work, so it is not read. Patterns: Netlify's `*` splat and `:name`
segments, Vercel's `:name`, `:name*`, `:name+`, `:name?` and `(regex)` groups.
A matching URL is served whatever the destination: a redirect to a page that
is gone is a finding for the host's config, not for the link.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Statuses that answer "not found": such a rule makes no URL work.
_NOT_FOUND = ("404", "410")
# How far above the site root a netlify.toml may name it with `[build] base`.
_NETLIFY_LEVELS = 3


@dataclass(frozen=True)
class Redirect:
    """One host rule: the URL pattern it answers and where it was read."""

    source: str  # the pattern as written
    pattern: re.Pattern[str]
    file: Path
    line: int

    def matches(self, path: str) -> bool:
        """Whether the rule answers the URL path (with or without a final `/`,
        as both hosts treat `/x` and `/x/` alike for their rules)."""
        trimmed = path.rstrip("/") or "/"
        return any(self.pattern.fullmatch(form) for form in {path, trimmed, trimmed + "/"})

    def where(self, root: Path) -> str:
        try:
            name = self.file.relative_to(root).as_posix()
        except ValueError:
            name = str(self.file)
        return f"{name}:{self.line}"


def host_redirects(root: Path, static_folders: Iterable[Path]) -> list[Redirect]:
    """Every host rule that makes a URL work, from the files above."""
    found: list[Redirect] = []
    for folder in dict.fromkeys([root, *static_folders]):
        found += _netlify_file(folder / "_redirects")
    found += _netlify_toml(root)
    found += _vercel(root / "vercel.json")
    return found


def _netlify_file(path: Path) -> Iterator[Redirect]:
    """`from to [status][!] [conditions]` a line; `#` starts a comment."""
    text = _read(path)
    for number, line in enumerate(text.split("\n"), 1):
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2 or not fields[0].startswith("/"):
            continue  # blank, a comment, or a rule for another host (`https://x.com/*`)
        status = fields[2].rstrip("!") if len(fields) > 2 else "301"
        if status not in _NOT_FOUND:
            yield Redirect(fields[0], netlify_pattern(fields[0]), path, number)


def _netlify_toml(root: Path) -> Iterator[Redirect]:
    """`[[redirects]]` of the netlify.toml that builds this site: the root's,
    or one above whose `[build] base` is the root's folder."""
    for level, folder in enumerate((root, *root.parents)):
        if level > _NETLIFY_LEVELS:
            return
        path = folder / "netlify.toml"
        data = _toml(path)
        if not data:
            continue
        base = data.get("build", {}).get("base", "") if isinstance(data.get("build"), dict) else ""
        if folder != root and (folder / str(base or ".")).resolve() != root.resolve():
            continue  # another site's config (a monorepo's other folder)
        text = _read(path)
        for rule in _dicts(data.get("redirects")):
            source, status = str(rule.get("from") or ""), str(rule.get("status") or "301")
            if source.startswith("/") and status not in _NOT_FOUND:
                yield Redirect(source, netlify_pattern(source), path, _line_of(text, source))
        return


def _vercel(path: Path) -> Iterator[Redirect]:
    text = _read(path)
    if not text:
        return
    try:
        data = json.loads(text)
    except ValueError:
        return
    if not isinstance(data, dict):
        return
    for key, field in (("redirects", "source"), ("rewrites", "source"), ("routes", "src")):
        for rule in _dicts(data.get(key)):
            source = str(rule.get(field) or "")
            status = str(rule.get("statusCode") or rule.get("status") or "")
            if not source.startswith("/") or status in _NOT_FOUND:
                continue
            pattern = _regex(source) if key == "routes" else vercel_pattern(source)
            if pattern is not None:
                yield Redirect(source, pattern, path, _line_of(text, source))


def netlify_pattern(source: str) -> re.Pattern[str]:
    """`/blog/:slug/*` → a regex: `*` (the splat) is anything, `:name` one segment."""
    out = []
    for piece in re.split(r"(\*|:[A-Za-z_]\w*)", source):
        if piece == "*":
            out.append(".*")
        elif piece.startswith(":") and len(piece) > 1:
            out.append("[^/]+")
        else:
            out.append(re.escape(piece))
    return re.compile("".join(out))


_VERCEL_TOKEN = re.compile(r"(:[A-Za-z_]\w*(?:\([^)]*\))?[*+?]?|\([^)]*\))")


def vercel_pattern(source: str) -> re.Pattern[str] | None:
    """path-to-regexp as Vercel uses it: `:name` one segment, `/:name*` any
    number (even none), `:name+` one or more, `/:name?` optional, `(.*)` a regex."""
    out = ""
    for piece in _VERCEL_TOKEN.split(source):
        if not piece.startswith((":", "(")):
            out += re.escape(piece)
            continue
        group = re.search(r"\(([^)]*)\)", piece)
        body = f"(?:{group.group(1)})" if group else "[^/]+"
        modifier = piece[-1] if piece.startswith(":") and piece[-1] in "*+?" else ""
        if modifier in ("*", "?") and out.endswith("/"):
            out = out[:-1] + ("(?:/.*)?" if modifier == "*" else f"(?:/{body})?")
        elif modifier in ("*", "+"):
            out += ".*" if modifier == "*" else ".+"
        else:
            out += body
    return _regex(out)


def _regex(text: str) -> re.Pattern[str] | None:
    try:
        return re.compile(text)
    except re.error:
        return None  # a pattern we cannot read makes no URL work here


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


def _toml(path: Path) -> dict[str, Any]:
    text = _read(path)
    try:
        return tomllib.loads(text) if text else {}
    except tomllib.TOMLDecodeError:
        return {}


def _line_of(text: str, source: str) -> int:
    """The line that names the rule's pattern (1 when it cannot be found)."""
    at = text.find(json.dumps(source)[1:-1])
    return text.count("\n", 0, at) + 1 if at >= 0 else 1
