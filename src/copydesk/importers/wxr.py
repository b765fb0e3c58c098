"""WordPress WXR (Tools -> Export): one XML file for the whole blog, WXR 1.0-1.2.

The file is read with defusedxml: a DTD that declares entities (the
"billion laughs" bomb) or points at an external file is refused with one
line, and nothing is ever fetched. Every `<item>` of type `post` becomes a
post (`--include pages` adds pages, `--post-types` custom types); other
items (attachments, menus, revisions, styles…) are counted per type, and
comments are counted, never written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from copydesk.errors import CopydeskError, ImportFailed
from copydesk.importers import Imported, ImportLog, ImportOptions
from copydesk.importers.html import Converter, escape_text, fenced, html_text, link_target
from copydesk.importers.shortcodes import CODE_NAMES, KNOWN, Shortcode, mark
from copydesk.model import Change
from copydesk.normalize.captions import ImageRef, parse_caption
from copydesk.normalize.slug import slugify

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode as Node

NAME = "wxr"
_CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"
_DC_NS = "{http://purl.org/dc/elements/1.1/}"
_ZERO_DATE = "0000-00-00 00:00:00"
# WordPress's own item types: skipped with a count; any other type is a custom post type.
BUILTIN_TYPES = frozenset(
    {
        "post",
        "page",
        "attachment",
        "revision",
        "nav_menu_item",
        "custom_css",
        "customize_changeset",
        "oembed_cache",
        "user_request",
        "wp_block",
        "wp_template",
        "wp_template_part",
        "wp_global_styles",
        "wp_navigation",
        "wp_font_family",
        "wp_font_face",
    }
)
_STATUS_DRAFT = {"draft", "pending", "private", "future", "auto-draft", "inherit", "trash"}


class WordPressExport:
    """`copydesk migrate blog.wordpress.2024-05-01.xml --out content/`"""

    name: ClassVar[str] = NAME
    summary: ClassVar[str] = "WordPress export (WXR 1.0-1.2, Tools -> Export)"

    def recognises(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() not in (".xml", ".wxr"):
            return False
        try:
            with path.open("rb") as handle:
                head = handle.read(8192)
        except OSError:
            return False
        return b"<rss" in head and b"wordpress.org/export/" in head

    def posts(
        self, path: Path, options: ImportOptions, log: ImportLog
    ) -> Iterator[Imported | CopydeskError]:
        channel = _channel(path)
        site = Site.of(channel, options)
        comments = 0
        custom: Counter[str] = Counter()
        for item in channel.findall("item"):
            kind = _text(item, "{*}post_type") or "post"
            comments += len(item.findall("{*}comment"))
            if not _wanted(kind, options):
                if kind in BUILTIN_TYPES:
                    hint = {
                        "page": "--include pages adds them",
                        "wp_block": "synced patterns: written where a post uses them",
                    }.get(kind, "")
                    log.skip(f"{kind} items", hint)
                else:
                    custom[kind] += 1
                continue
            try:
                yield convert_item(path, item, kind, site, options)
            except CopydeskError as error:
                yield error
        if comments:
            log.skip("comments", "comments are not posts", comments)
        if custom:
            listed = ", ".join(f"{name} ({count})" for name, count in sorted(custom.items()))
            log.notes.append(
                f"custom post types not imported: {listed}; name them with --post-types"
            )


def _wanted(kind: str, options: ImportOptions) -> bool:
    return (
        kind == "post"
        or (kind == "page" and "pages" in options.include)
        or (kind in options.post_types)
    )


def _channel(path: Path) -> Element:
    """The `<channel>` of a WXR file, parsed with entities and external references refused."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as SafeTree
    from defusedxml import DefusedXmlException

    try:
        root = SafeTree.parse(str(path), forbid_dtd=False).getroot()
    except DefusedXmlException as error:
        if getattr(error, "sysid", None):
            reason = f"declares an external entity ({error.sysid})"
        elif type(error).__name__ == "EntitiesForbidden":
            reason = "declares entities (an entity-expansion bomb?)"
        else:
            reason = str(error)
        raise ImportFailed(path, f"XML {reason}; refused") from None
    except ParseError as error:
        raise ImportFailed(path, f"not well-formed XML ({error})") from None
    except OSError as error:
        raise ImportFailed(path, f"cannot read: {error.strerror or error}") from None
    channel: Element | None = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise ImportFailed(path, "not a WordPress export (no <rss><channel>)")
    return channel


def _text(element: Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


@dataclass(frozen=True)
class Attachment:
    url: str
    alt: str  # `_wp_attachment_image_alt`; the title is usually the file name, not an alt
    parent: str


@dataclass(frozen=True)
class Site:
    """What items share: the blog's URL, its authors, its attachments (for galleries, covers)."""

    base: str
    authors: dict[str, str]
    attachments: dict[str, Attachment]
    timezone: str | None
    # The site's UTC offset when every item with both times shows the same one (no
    # daylight saving in between); WXR does not carry the site's timezone itself.
    offset: dt.timedelta | None = None
    # Synced patterns (reusable blocks): `wp_block` items a post names by id.
    patterns: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, channel: Element, options: ImportOptions) -> Site:
        base = _text(channel, "{*}base_blog_url") or _text(channel, "link")
        authors = {}
        for author in channel.findall("{*}author"):
            login = _text(author, "{*}author_login")
            name = _text(author, "{*}author_display_name") or login
            if login:
                authors[login] = name
        attachments = {}
        for item in channel.findall("item"):
            if _text(item, "{*}post_type") == "attachment":
                url = _text(item, "{*}attachment_url") or _text(item, "guid")
                if url:
                    attachments[_text(item, "{*}post_id")] = Attachment(
                        url, _meta(item, "_wp_attachment_image_alt"), _text(item, "{*}post_parent")
                    )
        offsets = {
            offset for item in channel.findall("item") if (offset := _offset(item)) is not None
        }
        offset = offsets.pop() if len(offsets) == 1 else None
        patterns = {
            _text(item, "{*}post_id"): _encoded(item, "content")
            for item in channel.findall("item")
            if _text(item, "{*}post_type") == "wp_block"
        }
        return cls(base, authors, attachments, options.timezone, offset, patterns)


# ---------------------------------------------------------------- one item


def convert_item(
    path: Path, item: Element, kind: str, site: Site, options: ImportOptions
) -> Imported:
    post_id = _text(item, "{*}post_id")
    origin = Path(f"{path}#{post_id or 'item'}")
    title = _text(item, "title")
    content = _encoded(item, "content")
    changes: list[Change] = []
    fields: dict[str, Any] = {"title": title or f"Untitled {post_id}".strip()}
    if not title:
        changes.append(
            Change(kind="title", after=fields["title"], reason="item has no title", review=True)
        )
    fields.update(_dates(item, site, changes))
    fields.update(_status(item, changes))
    slug = unquote(_text(item, "{*}post_name"))
    if slug:
        fields["slug"] = slug
    fields.update(_terms(item))
    creator = _text(item, f"{_DC_NS}creator")
    if creator:
        fields["authors"] = [{"name": site.authors.get(creator, creator)}]
    alias = _alias(_text(item, "link"), site.base)
    if alias:
        fields["aliases"] = [alias]
    excerpt = _encoded(item, "excerpt")
    if excerpt.strip():
        fields["description"] = " ".join(html_text(excerpt).split())
    cover = _cover(item, site)
    if cover:
        fields["image"] = cover
    if post_id:
        fields["wordpress_id"] = int(post_id) if post_id.isdigit() else post_id
    if kind != "post":
        fields["wordpress_type"] = kind
    body, text, body_changes = convert_content(origin, content, post_id, site, options)
    changes.extend(body_changes)
    folder = Path() if kind == "post" else Path(kind + "s")
    name = slugify(slug) or slugify(title) or f"{kind}-{post_id or 'item'}"
    return Imported(
        origin=origin,
        relative=folder / f"{name}.md",
        fields=fields,
        body=body or "\n",
        text="\n".join([title, excerpt and html_text(excerpt, for_loss_check=True), text]),
        raw=_item_bytes(item),
        format=NAME,
        changes=changes,
    )


def _item_bytes(item: Element) -> bytes:
    """The item's content as bytes for its sha256: namespace URIs, attributes and text of
    every element in order (ElementTree's own serialisation depends on global prefixes)."""
    parts = [
        f"<{element.tag} {sorted(element.attrib.items())}>{element.text or ''}|{element.tail or ''}"
        for element in item.iter()
    ]
    return "\n".join(parts).encode("utf-8")


def _encoded(item: Element, which: str) -> str:
    """`content:encoded` or `excerpt:encoded` (their namespaces differ by WXR version)."""
    for child in item:
        if child.tag.endswith("}encoded"):
            is_content = child.tag == f"{_CONTENT_NS}encoded"
            if (which == "content") == is_content:
                return child.text or ""
    return ""


def _offset(item: Element) -> dt.timedelta | None:
    """`post_date - post_date_gmt`, when both are given and it is a real UTC offset."""
    local = _parse(_text(item, "{*}post_date"))
    gmt = _parse(_text(item, "{*}post_date_gmt"))
    if local is None or gmt is None:
        return None
    offset = local - gmt
    if abs(offset) > dt.timedelta(hours=14) or offset % dt.timedelta(minutes=15):
        return None
    return offset


def _dates(item: Element, site: Site, changes: list[Change]) -> dict[str, Any]:
    """The local time with its offset when both times are given; else what can be known."""
    local = _parse(_text(item, "{*}post_date"))
    gmt = _parse(_text(item, "{*}post_date_gmt"))
    if gmt is not None:
        offset = _offset(item)
        if local is not None and offset is not None:
            return {"date": local.replace(tzinfo=dt.timezone(offset))}
        return {"date": gmt.replace(tzinfo=dt.UTC)}
    if local is None:
        return {}
    # Drafts: WordPress leaves the GMT time zero until publishing.
    written = _text(item, "{*}post_date")
    if site.timezone is None and site.offset is not None:
        aware = local.replace(tzinfo=dt.timezone(site.offset))
        changes.append(
            Change(
                kind="date",
                before=written,
                after=aware.isoformat(),
                reason="post_date_gmt is empty; post_date read at the site's offset "
                "(the one every dated item of the export shows)",
            )
        )
        return {"date": aware}
    changes.append(
        Change(kind="date", before=written, reason="post_date_gmt is empty; post_date is used")
    )
    return {"date": local}


def _parse(text: str) -> dt.datetime | None:
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _status(item: Element, changes: list[Change]) -> dict[str, Any]:
    status = _text(item, "{*}status") or "publish"
    fields: dict[str, Any] = {}
    if status in _STATUS_DRAFT:
        fields["draft"] = True
        if status != "draft":
            changes.append(
                Change(
                    kind="wp-status",
                    before=f"status: {status}",
                    after="draft: true",
                    reason=f"WordPress status '{status}' written as draft: true",
                )
            )
            fields["wordpress_status"] = status
    if _text(item, "{*}post_password"):
        fields["draft"] = True
        changes.append(
            Change(
                kind="wp-password",
                after="draft: true",
                reason="password-protected on WordPress (the password is not copied); "
                "written as a draft so that it is not published openly",
                review=True,
            )
        )
    return fields


def _terms(item: Element) -> dict[str, Any]:
    """Categories and tags from their domains; any other taxonomy kept under its own name."""
    found: dict[str, list[str]] = {}
    for category in item.findall("category"):
        name = (category.text or "").strip()
        domain = category.get("domain") or "category"
        key = {"category": "categories", "post_tag": "tags"}.get(domain, f"wordpress_{domain}")
        if name and name not in found.setdefault(key, []):
            found[key].append(name)
    return {key: names for key, names in found.items() if names}


def _alias(link: str, base: str) -> str:
    """The old permalink as a path on the old site (redirect tools want paths)."""
    if not link or "?p=" in link or "?page_id=" in link:
        return ""
    parts = urlsplit(link)
    if base and urlsplit(base).netloc == parts.netloc and parts.path:
        return parts.path
    return link


def _meta(item: Element, key: str) -> str:
    for meta in item.findall("{*}postmeta"):
        if _text(meta, "{*}meta_key") == key:
            return _text(meta, "{*}meta_value")
    return ""


def _cover(item: Element, site: Site) -> dict[str, str] | None:
    attachment = site.attachments.get(_meta(item, "_thumbnail_id"))
    if attachment is None:
        return None
    cover = {"src": link_target(attachment.url)}
    if attachment.alt:
        cover["alt"] = attachment.alt
    return cover


# ---------------------------------------------------------------- the body


def convert_content(
    origin: Path, content: str, post_id: str, site: Site, options: ImportOptions
) -> tuple[str, str, list[Change]]:
    """Markdown body, the reader's words, and the changes made, for one item's content."""
    marked, shortcodes = mark(content)
    converter = WordPressConverter(origin, options.captions, shortcodes, post_id, site)
    converter.autop = "<!-- wp:" not in content and "\n" in content
    body = converter.convert(marked)
    if converter.autop:
        converter.changes.extend(_auto_embeds(content))
    if converter.block_comments:
        converter.changes.append(
            Change(
                kind="wp-blocks",
                after=str(converter.block_comments),
                reason="block editor comments (<!-- wp:… -->) removed; their HTML converted",
            )
        )
    words = [html_text(marked, origin, for_loss_check=True)]
    for shortcode in shortcodes:
        if shortcode.name in CODE_NAMES:
            words.append(code_text(shortcode.inner))
        elif shortcode.name in KNOWN:
            words += [shortcode.attrs.get("caption", ""), shortcode.inner]
        else:
            words.append(shortcode.open + " " + shortcode.close)
    return body, "\n".join(words), converter.changes


def _auto_embeds(content: str) -> list[Change]:
    """Classic content shows a URL alone in its paragraph as an embed (oEmbed: a tweet, a
    video); it is written as a link, and a human should look at it."""
    lines = content.replace("\r\n", "\n").split("\n")
    found = []
    for index, line in enumerate(lines):
        url = line.strip()
        alone = (index == 0 or not lines[index - 1].strip()) and (
            index + 1 == len(lines) or not lines[index + 1].strip()
        )
        if alone and re.fullmatch(r"https?://\S+", url):
            found.append(
                Change(
                    kind="embed",
                    before=url,
                    after=f"<{url}>",
                    reason="a URL alone in its paragraph (WordPress shows an embed) "
                    "written as a link",
                    review=True,
                )
            )
    return found


def code_text(inner: str) -> str:
    """A code shortcode's code: entities decoded when the editor escaped the code, else as is."""
    import html

    code = inner.strip("\r\n")
    return html.unescape(code) if "<" not in code else code


class WordPressConverter(Converter):
    """Shortcodes, `<!--more-->`/`<!--nextpage-->` and block comments, over the generic walker."""

    def __init__(
        self,
        source: object,
        captions: Any,
        shortcodes: list[Shortcode],
        post_id: str,
        site: Site,
        expanding: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(source, captions)
        self.shortcodes = shortcodes
        self.post_id = post_id
        self.site = site
        self.block_comments = 0
        self.expanding = expanding  # synced patterns being written out (a loop guard)

    def _shortcode(self, node: Node) -> Shortcode | None:
        if node.tag != "wp-shortcode":
            return None
        index = node.attributes.get("data-index") or ""
        return self.shortcodes[int(index)] if index.isdigit() else None

    def _is_block(self, node: Node) -> bool:
        shortcode = self._shortcode(node)
        return shortcode is not None and shortcode.name in KNOWN

    def block_hook(self, node: Node) -> list[str] | None:
        shortcode = self._shortcode(node)
        if shortcode is None:
            if node.tag == "figure" and "wp-block-embed" in (node.attributes.get("class") or ""):
                return self._block_embed(node)
            return None
        if shortcode.name in ("caption", "wp_caption"):
            return self._caption(node, shortcode)
        if shortcode.name == "gallery":
            return self._gallery(shortcode)
        if shortcode.name == "embed":
            return self._embed(shortcode)
        if shortcode.name in CODE_NAMES:
            return self._code(shortcode)
        return None

    def inline_hook(self, node: Node) -> str | None:
        shortcode = self._shortcode(node)
        if shortcode is None:
            return None
        if shortcode.name in KNOWN:
            return " ".join(self.block_hook(node) or [])
        inner = "".join(self.inline_children(node))
        self.record(
            "shortcode",
            f"unknown shortcode [{shortcode.name}] kept as written",
            before=shortcode.raw,
            after=shortcode.raw,
        )
        return shortcode.open + inner + shortcode.close

    def comment_hook(self, node: Node) -> list[str] | None:
        text = (node.comment_content or "").strip()
        if text.startswith("more"):
            self.changes.append(
                Change(kind="wp-more", after="<!--more-->", reason="excerpt boundary kept")
            )
            return ["<!--more-->"]
        if text == "nextpage":
            self.changes.append(
                Change(
                    kind="wp-nextpage",
                    after="<!--nextpage-->",
                    reason="page break of a paginated post kept",
                    review=True,
                )
            )
            return ["<!--nextpage-->"]
        if text.startswith(("wp:", "/wp:")):
            self.block_comments += 1
        if text.startswith("wp:block ") and text.endswith("/"):
            return self._pattern(text)
        return None

    def _pattern(self, comment: str) -> list[str]:
        """`<!-- wp:block {"ref":12} /-->`: a synced pattern, whose content is another item
        (`wp_block`) of the export. Written out in place; one that is not in the export
        (or that contains itself) is named for review, never dropped without a word."""
        import json

        try:
            ref = str(json.loads(comment[len("wp:block ") : -1]).get("ref", ""))
        except (ValueError, AttributeError):
            ref = ""
        content = self.site.patterns.get(ref)
        if content is None or ref in self.expanding:
            why = "contains itself" if content is not None else "is not in this export"
            self.record(
                "wp-pattern",
                f"synced pattern {ref or '?'} {why}: its content is missing here",
                before=f"<!-- {comment}-->",
            )
            return []
        marked, shortcodes = mark(content)
        inner = WordPressConverter(
            self.source, self.captions, shortcodes, self.post_id, self.site, self.expanding | {ref}
        )
        inner.autop = "<!-- wp:" not in content and "\n" in content
        body = inner.convert(marked).strip("\n")
        self.changes.extend(inner.changes)
        self.changes.append(
            Change(
                kind="wp-pattern",
                before=f"<!-- {comment}-->",
                after=body,
                reason=f"synced pattern {ref} written in place",
            )
        )
        return [body] if body else []

    def _caption(self, node: Node, shortcode: Shortcode) -> list[str]:
        """`[caption]<img> text[/caption]`, `[caption caption="text"]`, and a linked `<img>`."""
        image = node.css_first("img")
        if image is None or not image.attributes.get("src"):
            self.record(
                "wp-caption", "[caption] without an image kept as text", before=shortcode.raw
            )
            return self.blocks(node)
        link = image.parent if image.parent is not None and image.parent.tag == "a" else None
        attributes = image.attributes
        ref = ImageRef(
            src=link_target(attributes.get("src") or ""),
            alt=escape_text(attributes.get("alt") or "").strip(),
            title=(attributes.get("title") or "").strip(),
            href=link_target((link.attributes.get("href") or "") if link is not None else ""),
        )
        (link if link is not None else image).decompose()
        caption_html = (node.inner_html or "").strip() or shortcode.attrs.get("caption", "")
        caption = parse_caption(caption_html)
        return self.captioned([ref], caption)

    def _gallery(self, shortcode: Shortcode) -> list[str]:
        ids = [part.strip() for part in shortcode.attrs.get("ids", "").split(",") if part.strip()]
        if ids:
            found = [self.site.attachments.get(number) for number in ids]
        else:
            found = [a for a in self.site.attachments.values() if a.parent == self.post_id]
        images = [a for a in found if a is not None]
        if not images:
            self.record(
                "wp-gallery",
                "[gallery] whose images are not in this export kept as written",
                before=shortcode.raw,
                after=shortcode.raw,
            )
            return [shortcode.raw]
        markdown = "\n".join(f"![{escape_text(a.alt)}]({link_target(a.url)})" for a in images)
        self.changes.append(
            Change(
                kind="wp-gallery",
                before=shortcode.raw,
                after=markdown,
                reason="[gallery] written as images",
            )
        )
        return [markdown]

    def _block_embed(self, node: Node) -> list[str]:
        """A block editor embed (`<figure class="wp-block-embed">` around the bare URL):
        the URL as a link and the caption as a paragraph, marked for review like `[embed]`."""
        blocks = self.blocks(node)
        wrapper = node.css_first(".wp-block-embed__wrapper")
        url = " ".join((wrapper.text(deep=True) if wrapper is not None else "").split())
        self.record("embed", "block editor embed written as a link", before=url, after=url)
        return blocks

    def _embed(self, shortcode: Shortcode) -> list[str]:
        url = (shortcode.inner or shortcode.attrs.get("src", "")).strip()
        if not re.match(r"^https?://\S+$", url):
            self.record("wp-embed", "[embed] without a URL kept as written", before=shortcode.raw)
            return [shortcode.raw]
        from copydesk.importers.html import embed_name

        markdown = f"[{embed_name(url)}]({link_target(url)})"
        self.record("embed", "[embed] written as a link", before=shortcode.raw, after=markdown)
        return [markdown]

    def _code(self, shortcode: Shortcode) -> list[str]:
        code = code_text(shortcode.inner)
        attrs = shortcode.attrs
        language = attrs.get("language") or attrs.get("lang") or ""
        if not language and shortcode.name not in ("code", "sourcecode", "source"):
            language = shortcode.name
        if not re.fullmatch(r"[\w+#.-]*", language):
            language = ""
        self.changes.append(
            Change(
                kind="wp-code",
                before=shortcode.open,
                after=f"```{language.lower()}",
                reason=f"[{shortcode.name}] written as a fenced code block",
            )
        )
        return [fenced(code, language.lower())]
