"""Medium's account export: a zip (or its folder) whose `posts/` holds one HTML file per post.

Each file is an `<article class="h-entry">`: the title in the header, the
subtitle in `section.p-summary`, the body in `section.e-content` (sections
of `graf` paragraphs), and a footer with the author, the published time and
the canonical link. Drafts are `draft_…` files with no published time;
responses (replies to other posts) have no title paragraph and are skipped
unless asked for.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from copydesk.errors import CopydeskError, ImportFailed
from copydesk.importers import Imported, ImportLog, ImportOptions
from copydesk.importers.html import (
    Converter,
    code_language,
    escape_text,
    fenced,
    link_target,
    pre_text,
    visible_text,
)
from copydesk.model import Change
from copydesk.normalize.captions import caption_of
from copydesk.normalize.links import clean_url

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode as Node

NAME = "medium-export"
_POST = re.compile(r"^(?:.*/)?posts/[^/]+\.html?$", re.IGNORECASE)
_MEDIUM_ID = re.compile(r"-[0-9a-f]{8,16}$")
_SPACE = re.compile(r"\s+")
# A response is a reply of a few lines; anything longer is a post that lacks a title paragraph.
RESPONSE_MAX_WORDS = 120


class MediumExport:
    """`copydesk migrate medium-export.zip --out content/`"""

    name: ClassVar[str] = NAME
    summary: ClassVar[str] = "Medium account export (zip, unpacked folder, or posts/*.html)"

    def recognises(self, path: Path) -> bool:
        from copydesk.importers.archive import is_zip, zip_names

        if path.is_dir():
            posts = path / "posts"
            return posts.is_dir() and any(posts.glob("*.html"))
        if is_zip(path):
            return any(_POST.match(name) for name in zip_names(path))
        if path.suffix.lower() in (".html", ".htm") and path.is_file():
            return _looks_like_medium(path)
        return False

    def posts(
        self, path: Path, options: ImportOptions, log: ImportLog
    ) -> Iterator[Imported | CopydeskError]:
        from copydesk.importers.archive import folder_members, is_zip, zip_members

        if is_zip(path):
            members = zip_members(path, lambda name: bool(_POST.match(name)))
        elif path.is_dir():
            members = folder_members(path, lambda name: bool(_POST.match(name)))
        else:
            members = iter([(path.name, _read(path))])
        for name, raw in members:
            origin = path / name if path.is_dir() or is_zip(path) else path
            try:
                post = convert_post(origin, raw, options)
            except CopydeskError as error:
                yield error
                continue
            if post is None:
                log.skip("Medium responses", "--include-responses keeps them")
                continue
            yield post


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImportFailed(path, f"cannot read: {error.strerror or error}") from None


def _looks_like_medium(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024)
    except OSError:
        return False
    return b"h-entry" in head and (b"graf--" in head or b"p-canonical" in head)


# ---------------------------------------------------------------- one post


def convert_post(origin: Path, raw: bytes, options: ImportOptions) -> Imported | None:
    """One Medium HTML file -> `Imported`; None for a response when responses are skipped."""
    from selectolax.lexbor import LexborHTMLParser

    try:
        html = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportFailed(origin, "not valid UTF-8 (Medium exports are UTF-8)") from None
    tree = LexborHTMLParser(html)
    body = tree.css_first("section.e-content") or tree.css_first("section[data-field=body]")
    if body is None:
        raise ImportFailed(origin, "no Medium post body (section.e-content) in this HTML")
    converter = MediumConverter(origin, options.captions)
    changes: list[Change] = []
    title = _text(tree.css_first("header .p-name") or tree.css_first("h1.p-name"))
    title = title or _text(tree.css_first("title"))
    is_response = tree.css_first(".graf--title") is None
    visible = visible_text(body, origin, for_loss_check=True)
    if is_response and len(visible.split()) > RESPONSE_MAX_WORDS:
        is_response = False
    if is_response and not options.include_responses:
        return None
    summary = _text(tree.css_first("section.p-summary") or tree.css_first("[data-field=subtitle]"))
    _take_title_and_subtitle(body, title, changes)
    fields: dict[str, Any] = {"title": title or origin.stem}
    if not title:
        changes.append(
            Change(kind="title", after=origin.stem, reason="no title; file name used", review=True)
        )
    fields.update(_footer(tree, origin, changes))
    if summary:
        fields["description"] = summary
    cover = _cover(body)
    if cover:
        fields["image"] = cover
    if is_response:
        fields["medium_response"] = True
    markdown = converter.convert_node(body)
    changes.extend(converter.changes)
    slug = fields.get("slug") or ""
    return Imported(
        origin=origin,
        relative=Path((slug or _stem(origin)) + ".md"),
        fields=fields,
        body=markdown,
        text="\n".join([title, summary, visible]),
        raw=raw,
        format=NAME,
        changes=changes,
    )


def _text(node: Node | None) -> str:
    return _SPACE.sub(" ", node.text(deep=True) if node is not None else "").strip()


def _stem(origin: Path) -> str:
    stem = PurePosixPath(origin.name).stem.removeprefix("draft_")
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}_", "", stem)
    return _MEDIUM_ID.sub("", stem).lower() or "post"


def _take_title_and_subtitle(body: Node, title: str, changes: list[Change]) -> None:
    """The body repeats the title (and subtitle) as its first paragraphs: removed, recorded."""
    for selector, kind in ((".graf--title", "title-repeat"), (".graf--subtitle", "subtitle")):
        node = body.css_first(selector)
        if node is None:
            continue
        text = _text(node)
        reason = (
            "Medium title paragraph removed (the title is in front matter)"
            if kind == "title-repeat"
            else "Medium subtitle paragraph removed (it is the description)"
        )
        changes.append(Change(kind=kind, before=text, reason=reason))
        node.decompose()


def _footer(tree: Any, origin: Path, changes: list[Change]) -> dict[str, Any]:
    """Author, published time, canonical link and the slug it gives; a draft has no time."""
    fields: dict[str, Any] = {}
    author = tree.css_first("footer .p-author") or tree.css_first(".p-author")
    if author is not None and _text(author):
        entry = {"name": _text(author)}
        href = author.attributes.get("href")
        if href and href.startswith("http"):
            entry["url"] = clean_url(href)
        fields["authors"] = [entry]
    published = tree.css_first("time.dt-published")
    stamp = published.attributes.get("datetime") if published is not None else None
    if stamp:
        try:
            fields["date"] = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            changes.append(
                Change(kind="date", before=stamp, reason="published time not readable", review=True)
            )
    draft = origin.name.startswith("draft_") or not stamp
    if draft:
        fields["draft"] = True
    canonical = tree.css_first("a.p-canonical")
    url = canonical.attributes.get("href") if canonical is not None else None
    if url and url.startswith("http"):
        url = clean_url(url)
        fields["canonical_url"] = url
        slug = _slug_from_url(url)
        if slug:
            fields["slug"] = slug
    return fields


def _slug_from_url(url: str) -> str:
    """`https://medium.com/@me/my-post-1a2b3c4d5e6f` -> `my-post`; a bare `/p/<id>` gives none."""
    parts = [part for part in urlsplit(url).path.split("/") if part]
    if not parts or (len(parts) >= 2 and parts[-2] == "p"):
        return ""
    slug = _MEDIUM_ID.sub("", parts[-1].lower())
    return slug if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) else ""


def _cover(body: Node) -> dict[str, str] | None:
    """The featured image (Medium marks it `data-is-featured`), with a photo credit if any."""
    image = body.css_first("img[data-is-featured=true]")
    if image is None or not image.attributes.get("src"):
        return None
    cover = {"src": link_target(image.attributes["src"] or "")}
    alt = (image.attributes.get("alt") or "").strip()
    if alt:
        cover["alt"] = alt
    figure = image.parent
    while figure is not None and figure.tag != "figure":
        figure = figure.parent
    caption_node = figure.css_first("figcaption") if figure is not None else None
    if caption_node is not None:
        caption = caption_of(caption_node)
        if caption.is_credit:
            cover["credit"] = caption.markdown
    return cover


# ---------------------------------------------------------------- the body


class MediumConverter(Converter):
    """Medium's `graf` markup: headings, dividers, code blocks, embeds and link cards."""

    def block_hook(self, node: Node) -> list[str] | None:
        tag = node.tag
        classes = (node.attributes.get("class") or "").split()
        if tag == "div" and "section-divider" in classes:
            return self._divider(node)
        if tag in ("h3", "h4") and "graf" in classes:  # Medium's two heading sizes
            return self.heading(node, 2 if tag == "h3" else 3)
        if tag == "pre":
            return self._code(node)
        if tag == "blockquote" and not _text(node):
            return self._empty_quote(node)
        if tag == "div" and "graf--mixtapeEmbed" in classes:
            return self._link_card(node)
        return None

    def inline_hook(self, node: Node) -> str | None:
        if node.tag == "script" and "gist.github.com" in (node.attributes.get("src") or ""):
            return self._gist(node)
        return None

    def _is_block(self, node: Node) -> bool:
        return node.tag == "script" and bool(node.attributes.get("src"))

    def block(self, node: Node) -> list[str]:
        if node.tag == "script":
            gist = self.inline_hook(node)
            return [gist] if gist else []
        return super().block(node)

    def _divider(self, node: Node) -> list[str]:
        """Every section opens with a divider; the first one is not shown, the others are `---`."""
        section = node.parent
        while section is not None and section.tag != "section":
            section = section.parent
        first = section is None or "section--first" in (section.attributes.get("class") or "")
        return [] if first else ["---"]

    def _code(self, node: Node) -> list[str]:
        """Old code blocks are runs of `<pre>` (one per paragraph): joined into one fence."""
        previous = _element_sibling(node, backwards=True)
        old_run = previous is not None and previous.tag == "pre" and not _is_v2(previous)
        if old_run and not _is_v2(node):
            return []  # already part of the block its first <pre> started
        lines = [pre_text(node).strip("\n")]
        if not _is_v2(node):
            following = _element_sibling(node)
            while following is not None and following.tag == "pre" and not _is_v2(following):
                lines.append(pre_text(following).strip("\n"))
                following = _element_sibling(following)
        return [fenced("\n".join(lines), code_language(node))]

    def _empty_quote(self, node: Node) -> list[str]:
        """An embedded tweet is an empty blockquote pointing at the tweet."""
        link = node.css_first("a[href]")
        href = (link.attributes.get("href") if link is not None else None) or node.attributes.get(
            "data-href"
        )
        if not href:
            return []
        markdown = (
            f"[Tweet]({link_target(clean_url(href))})"
            if "twitter.com" in href or "x.com" in href
            else f"<{clean_url(href)}>"
        )
        self.record(
            "embed", "embedded tweet written as a link", before=node.html or "", after=markdown
        )
        return [markdown]

    def _link_card(self, node: Node) -> list[str]:
        """A link card: the linked page's title as a link; its blurb kept in the report."""
        anchor = node.css_first("a[href]")
        if anchor is None:
            return self.blocks(node)
        href = clean_url(anchor.attributes.get("href") or "")
        strong = anchor.css_first("strong")
        title = _text(strong) or href
        markdown = f"[{escape_text(title)}]({link_target(href)})"
        rest = _SPACE.sub(" ", visible_text(anchor, for_loss_check=True)).strip()
        self.record(
            "embed",
            "Medium link card written as a link (its blurb is not kept)",
            before=rest,
            after=markdown,
        )
        return [markdown]

    def _gist(self, node: Node) -> str:
        src = node.attributes.get("src") or ""
        url = clean_url(src).removesuffix(".js")
        if url.startswith("//"):
            url = "https:" + url
        name = "/".join(urlsplit(url).path.strip("/").split("/")[-2:])
        markdown = f"[Gist {escape_text(name)}]({link_target(url)})"
        self.record(
            "embed", "embedded gist written as a link", before=node.html or "", after=markdown
        )
        return markdown

    def embed(self, node: Node) -> list[str]:
        """YouTube embeds link to the video page; other iframes to what they embed."""
        src = node.attributes.get("src") or ""
        match = re.match(r"^(?:https?:)?//(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)", src)
        if match:
            node.attrs["src"] = f"https://www.youtube.com/watch?v={match[1]}"
            if not node.attributes.get("title"):
                node.attrs["title"] = "YouTube video"
        return super().embed(node)


def _is_v2(node: Node) -> bool:
    """Medium's newer code blocks carry their language and one block per `<pre>`."""
    classes = node.attributes.get("class") or ""
    return "graf--preV2" in classes or "data-code-block-lang" in node.attributes


def _element_sibling(node: Node, backwards: bool = False) -> Node | None:
    sibling = node.prev if backwards else node.next
    while sibling is not None:
        if sibling.tag == "-text" and not (sibling.text_content or "").strip():
            sibling = sibling.prev if backwards else sibling.next
            continue
        if sibling.tag in ("-comment",):
            sibling = sibling.prev if backwards else sibling.next
            continue
        return sibling if not (sibling.tag or "-").startswith("-") else None
    return None
