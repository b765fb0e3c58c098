"""Platform exports of any size, made deterministically from the importer fixtures.

Used by the end-to-end import tests (20 WXR items, 10 Medium posts) and by the
import row of `make bench` (1,000 of each). Every copy gets its own id, slug
and title, so the run's slug de-duplication stays out of the figures.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "importers"
MEDIUM_POSTS = FIXTURES / "medium" / "export" / "posts"
WXR = FIXTURES / "wxr" / "blog.wordpress.2024-05-01.xml"
_NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}
_WP = "{http://wordpress.org/export/1.2/}"


def medium_export(folder: Path, posts: int, responses: int = 0) -> Path:
    """`folder/posts/*.html`: `posts` posts (drafts among them) and `responses` responses."""
    templates = sorted(
        path for path in MEDIUM_POSTS.glob("*.html") if "Great-point" not in path.name
    )
    response = next(MEDIUM_POSTS.glob("*Great-point*.html"))
    out = folder / "posts"
    out.mkdir(parents=True, exist_ok=True)
    for number in range(posts + responses):
        template = templates[number % len(templates)] if number < posts else response
        text = template.read_text(encoding="utf-8")
        medium_id = template.stem.rsplit("-", 1)[1]
        title = _medium_title(text)
        new_id = f"{number:012x}"
        new_title = f"{title} {number}"
        text = text.replace(medium_id, new_id).replace(title, new_title)
        slug_part = template.stem.rsplit("-", 1)[0]
        (out / f"{slug_part}-{number}-{new_id}.html").write_text(text, encoding="utf-8")
    return folder


def _medium_title(text: str) -> str:
    start = text.index("<title>") + len("<title>")
    return text[start : text.index("</title>", start)]


def wxr(path: Path, posts: int) -> Path:
    """A WXR file with `posts` post items (copies of the fixture's), its attachments and
    the other item types kept once."""
    for prefix, uri in _NAMESPACES.items():
        ET.register_namespace(prefix, uri)
    tree = ET.parse(WXR)
    channel = tree.getroot().find("channel")
    assert channel is not None
    items = channel.findall("item")
    templates = [item for item in items if item.findtext(f"{_WP}post_type") == "post"]
    for item in templates:
        channel.remove(item)
    for number in range(posts):
        item = copy.deepcopy(templates[number % len(templates)])
        _set(item, f"{_WP}post_id", str(1000 + number))
        name = item.findtext(f"{_WP}post_name") or ""
        _set(item, f"{_WP}post_name", f"{name}-{number}" if name else "")
        title = item.find("title")
        assert title is not None
        title.text = f"{title.text} {number}"
        link = item.find("link")
        if link is not None and link.text and link.text.endswith("/"):
            link.text = f"{link.text[:-1]}-{number}/"  # each copy its own old permalink
        channel.append(item)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path


def _set(item: ET.Element, tag: str, text: str) -> None:
    element = item.find(tag)
    if element is not None:
        element.text = text
