"""Ground truth for copydesk's link findings: check a site its own generator built.

copydesk judges links from the sources; this script judges them from the
output. It walks the built HTML (kept outside this repository), checks every
internal `<a href>` and `<img src>` (relative, root-relative, or a full URL on
the site's own host) for a file and, with a `#fragment`, for an element with
that id in the target page; it maps each failure back to the source page that
produced it (through copydesk's site model: the source whose URL the page is)
and to the line there that holds the link; then it runs
`copydesk lint --select CD101,CD107,CD116,CD117,CD205 --jobs 1` on the source
tree and compares:

- recall: failures in content (mapped to a source line) that copydesk reports;
- precision against the build: copydesk findings in published pages that
  are build failures. A finding on a page the build does not contain (a
  README, an include) or one the build cannot see (a link swallowed by a
  template) is listed apart for judging by hand.

    python bench/groundtruth.py BUILT SOURCE [--site-url URL] [--base /prefix]
                                [--select CODES] [--out report.md]

External links are not checked (no network). A `#:~:text=` directive and
`#top` (which every browser honours) are not ids; `?query` is ignored.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

CODES = "CD101,CD107,CD116,CD117,CD205"


@dataclass(frozen=True)
class Failure:
    """One broken internal link in the built site."""

    page: str  # built file, relative to the output folder
    line: int  # line in the built file
    tag: str  # a or img
    href: str  # as written in the HTML
    reason: str  # "no file" or "no id"


class _Page(HTMLParser):
    """Ids and links of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "a" and "href" in values:
            self.links.append((self.getpos()[0], tag, values["href"]))
        elif tag == "img" and "src" in values:
            self.links.append((self.getpos()[0], tag, values["src"]))


def read_pages(built: Path) -> dict[str, _Page]:
    pages: dict[str, _Page] = {}
    for path in sorted(built.rglob("*.html")):
        parser = _Page()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        pages[path.relative_to(built).as_posix()] = parser
    return pages


def target_file(built: Path, path: str) -> str | None:
    """The built file a URL path is served from, as a static host serves it."""
    relative = unquote(path).lstrip("/")
    candidate = built / relative
    tries = [candidate / "index.html"] if path.endswith("/") or not relative else []
    tries += [candidate, candidate / "index.html", Path(str(candidate) + ".html")]
    for found in tries:
        if found.is_file():
            return found.relative_to(built).as_posix()
    return None


def check(built: Path, pages: dict[str, _Page], host: str, base: str) -> list[Failure]:
    failures: list[Failure] = []
    for name, page in pages.items():
        here = "/" + name
        for line, tag, href in page.links:
            href = href.strip()
            parts = urlsplit(href)
            if parts.scheme and parts.scheme not in ("http", "https"):
                continue  # mailto:, javascript:, data:
            if parts.netloc and (not host or parts.netloc.lower().removeprefix("www.") != host):
                continue  # another site: not checked offline
            absolute = urljoin(here, parts.path) if parts.path else here
            if base and (absolute == base or absolute.startswith(base + "/")):
                absolute = absolute[len(base) :] or "/"
            target = target_file(built, absolute)
            fragment = unquote(parts.fragment)
            if target is None:
                failures.append(Failure(name, line, tag, href, "no file"))
            elif fragment and not _has_id(pages, target, fragment):
                failures.append(Failure(name, line, tag, href, "no id"))
    return failures


def _has_id(pages: dict[str, _Page], target: str, fragment: str) -> bool:
    """Whether the fragment lands: an id of an HTML target, or no id at all
    (`#top`, a `#:~:text=` directive, a fragment into a PDF or image)."""
    if not target.endswith(".html") or fragment == "top" or fragment.startswith(":~:"):
        return True
    return fragment in pages.get(target, _Page()).ids


def source_pages(source: Path) -> dict[str, Path]:
    """URL key → source file, from copydesk's site model."""
    from copydesk.site import load_site, url_key

    model = load_site(source)
    found: dict[str, Path] = {}
    for path in model.posts():
        key = model.url_of(path)
        if key is not None:
            found.setdefault(key, path)
            found.setdefault(url_key(key), path)
    return found


def map_failure(
    failure: Failure, sources: dict[str, Path], base: str, nth: int = 0
) -> tuple[str, int] | None:
    """(source file, line) that wrote the failing link, or None (a layout, a list
    page). The link is looked for by its href as written, then by its
    fragment or file name; where the source holds it in link syntax, those
    lines come first; `nth`: the how-many-th failure with this href on the page."""
    from copydesk.site import url_key

    key = url_key("/" + failure.page)
    source = sources.get(key) or sources.get(url_key(base + key) if base else key)
    if source is None:
        return None
    parts = urlsplit(failure.href)
    needles = [failure.href, unquote(failure.href)]
    if parts.fragment:
        needles.append("#" + parts.fragment)
    tail = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if tail:
        needles += [tail, os.path.splitext(tail)[0]]
    lines = source.read_text(encoding="utf-8", errors="replace").split("\n")
    if parts.fragment and tail:  # `guide.md#setup` or `guide/#setup`: both on one line
        stem = os.path.splitext(tail)[0]
        both = [
            n for n, text in enumerate(lines, 1) if stem in text and "#" + parts.fragment in text
        ]
        if both:
            return str(source), _use_of(lines, both[min(nth, len(both) - 1)])
    for needle in needles:
        if not needle:
            continue
        hits = [number for number, text in enumerate(lines, 1) if needle in text]
        in_links = [number for number in hits if _in_link_syntax(lines[number - 1], needle)]
        ordered = in_links or hits
        if ordered:
            return str(source), _use_of(lines, ordered[min(nth, len(ordered) - 1)])
    return str(source), 0


_DEFINITION = re.compile(r"\s*\[([^\]]+)\]:\s")


def _use_of(lines: list[str], number: int) -> int:
    """A reference definition's line → the first line that uses its label
    (where copydesk reports the link); any other line stays."""
    definition = _DEFINITION.match(lines[number - 1])
    if definition is None:
        return number
    label = "[" + definition.group(1).lower() + "]"
    for other, text in enumerate(lines, 1):
        if label in text.lower() and not _DEFINITION.match(text):
            return other
    return number


def _in_link_syntax(line: str, needle: str) -> bool:
    quoted = re.escape(needle)
    return bool(
        re.search(rf"\]\([^)]*{quoted}|(?:href|src)=[\"']?[^\"'>]*{quoted}", line)
        or re.match(rf"\s*\[[^\]]+\]:\s*\S*{quoted}", line)
        or re.search(rf"\{{\{{[<%]\s*(?:rel)?ref\s[^}}]*{quoted}", line)
    )


def lint(source: Path, codes: str = CODES) -> list[dict[str, Any]]:
    command = [sys.executable, "-m", "copydesk", "lint", "--format", "json", "--jobs", "1"]
    result = subprocess.run(
        [*command, "--select", codes, "."], cwd=source, capture_output=True, text=True, check=False
    )
    if result.returncode > 1:
        raise SystemExit(f"copydesk lint failed in {source}: {result.stderr.strip()}")
    findings: list[dict[str, Any]] = json.loads(result.stdout or "[]")
    for finding in findings:
        finding["path"] = str((source / finding["path"]).resolve())
    return findings


def compare(built: Path, source: Path, host: str, base: str, codes: str = CODES) -> dict[str, Any]:
    pages = read_pages(built)
    failures = check(built, pages, host, base)
    sources = source_pages(source)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    mapped: dict[Failure, tuple[str, int] | None] = {}
    for failure in failures:
        mapped[failure] = map_failure(failure, sources, base, seen[(failure.page, failure.href)])
        seen[(failure.page, failure.href)] += 1
    findings = lint(source, codes)
    by_place: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for finding in findings:
        by_place[(str(Path(finding["path"]).resolve()), finding["line"])].append(finding)
    found: list[Failure] = []
    missed: list[Failure] = []
    matched: set[int] = set()
    for failure, place in mapped.items():
        if place is None or place[1] == 0:
            continue
        hits = by_place.get((str(Path(place[0]).resolve()), place[1]), [])
        (found if hits else missed).append(failure)
        matched.update(id(hit) for hit in hits)
    published = {str(path.resolve()) for path in sources.values()}
    unmatched = [f for f in findings if id(f) not in matched]
    return {
        "codes": codes,
        "pages": len(pages),
        "failures": failures,
        "mapped": mapped,
        "found": found,
        "missed": missed,
        "findings": findings,
        "unmatched in published pages": [f for f in unmatched if f["path"] in published],
        "unmatched elsewhere": [f for f in unmatched if f["path"] not in published],
    }


def report(result: dict[str, Any], source: Path) -> str:
    mapped = result["mapped"]
    content = [f for f, place in mapped.items() if place is not None and place[1]]
    layout = [f for f, place in mapped.items() if place is None or not place[1]]
    findings = result["findings"]
    in_pages = len(findings) - len(result["unmatched elsewhere"])
    matched = in_pages - len(result["unmatched in published pages"])
    lines = [
        f"pages: {result['pages']}",
        f"build failures: {len(result['failures'])} "
        f"(in content: {len(content)}, in layouts or unmapped: {len(layout)})",
        f"copydesk findings ({result['codes']}): {len(findings)} "
        f"(in published pages: {in_pages}, elsewhere: {len(result['unmatched elsewhere'])})",
        f"recall: {len(result['found'])} / {len(content)} content failures found",
        f"precision against the build: {matched} / {in_pages} findings in published pages "
        "are build failures",
        "",
        "| code | findings in published pages | build failures |",
        "|---|---|---|",
    ]
    unmatched = {id(f) for f in result["unmatched in published pages"]}
    elsewhere = {id(f) for f in result["unmatched elsewhere"]}
    for code in result["codes"].split(","):
        mine = [f for f in findings if f["code"] == code and id(f) not in elsewhere]
        confirmed = sum(1 for f in mine if id(f) not in unmatched)
        if mine:
            lines.append(f"| {code} | {len(mine)} | {confirmed} |")
    lines += ["", "## content failures copydesk finds"]
    for failure in result["found"]:
        place = mapped[failure]
        lines.append(f"- {_short(place[0], source)}:{place[1]} {failure.reason}: {failure.href}")
    lines.append("## content failures copydesk misses")
    for failure in result["missed"]:
        place = mapped[failure]
        lines.append(f"- {_short(place[0], source)}:{place[1]} {failure.reason}: {failure.href}")
    lines.append("## failures in layouts or not mapped to a source line")
    for failure in layout:
        lines.append(f"- {failure.page}:{failure.line} {failure.reason}: {failure.href}")
    for title, key in (
        (
            "## findings in published pages that are no build failure",
            "unmatched in published pages",
        ),
        ("## findings in files the build does not publish", "unmatched elsewhere"),
    ):
        lines.append(title)
        for finding in result[key]:
            lines.append(
                f"- {_short(finding['path'], source)}:{finding['line']} {finding['code']} "
                f"{finding['message']}"
            )
    return "\n".join(lines) + "\n"


def _short(path: str, source: Path) -> str:
    return os.path.relpath(path, source)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("built", type=Path, help="the generator's output folder")
    parser.add_argument("source", type=Path, help="the site's source folder")
    parser.add_argument("--site-url", default="", help="the site's own URL (its url/baseURL)")
    parser.add_argument("--base", default="", help="the path the site is served under")
    parser.add_argument("--out", type=Path, help="write the report here, not to stdout")
    parser.add_argument("--select", default=CODES, help=f"rules to compare (default {CODES})")
    args = parser.parse_args(argv)
    host = (urlsplit(args.site_url).netloc or "").lower().removeprefix("www.")
    base = "/" + args.base.strip("/") if args.base.strip("/") else ""
    result = compare(args.built.resolve(), args.source.resolve(), host, base, args.select)
    text = report(result, args.source)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
