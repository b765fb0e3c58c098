"""Image rules (CD2xx): images readers cannot see, cannot load, or that
still depend on the platform the blog left.

Local image paths resolve like the site serves them: relative to the post,
or from the site root and its static folders (`/images/x.png` is
`static/images/x.png` in Hugo, `images/x.png` in Jekyll).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote

from copydesk.findings import Fix
from copydesk.lazyre import lazy_compile
from copydesk.rules._fixes import edit_at, source_of
from copydesk.rules._nodes import (
    SITE_OPTIONS,
    case_message,
    has_template,
    project,
    raw_of,
    sites,
    templated,
    text_of,
    url_of,
    violation_in,
    written_url,
)
from copydesk.rules.base import Context, Rule, Violation
from copydesk.urls import split_url

if TYPE_CHECKING:
    # Type-only: importing the model at run time would pull pydantic into lint start-up.
    from copydesk.findings import Severity
    from copydesk.parse import Node

_IMAGE_FILE = lazy_compile(
    r"^[\w.\- ()]+\.(?:jpe?g|png|gif|webp|avif|svg|bmp|tiff?|heic)$", re.IGNORECASE
)
_CAMERA_NAME = lazy_compile(r"^(?:img|dsc|dscn|dcim|pxl|screen ?shot)[_\- ]?\d", re.IGNORECASE)
_UNSAFE_PERCENT = lazy_compile(r"%(?![0-9A-Fa-f]{2})")
_DESTINATION = lazy_compile(r"\]\(\s*(<[^>\n]*>|[^\s)]+(?:\([^\s)]*\)[^\s)]*)*)")
_HTML_TAG = lazy_compile(r"<(img|figure|figcaption)\b", re.IGNORECASE)
MIB = 1024 * 1024


def _local_image(node: Node, ctx: Context) -> str | None:
    """The local path of an image worth resolving, or None."""
    return None if templated(node, ctx) else _local_url(url_of(node))


def _local_url(written: str) -> str | None:
    site = sites()  # the module, kept (see `sites`): asked per image
    url: str = site.strip_base_url(written.strip())
    if not url or has_template(url) or not site.is_local(url) or url.startswith("data:"):
        return None
    return url


def _resolve_image(url: str, ctx: Context) -> Path | None:
    site = project(ctx)
    found = site.resolve(url, ctx.path, pages=False)
    return found if found is not None and found.is_file() else None


class MissingAltText(Rule):
    """Image has no alt text.

    What it does: finds Markdown images whose alt text is empty, and raw
    HTML `<img>` tags without an `alt` attribute (`alt=""` is an author's
    way to mark an image as decoration, so it passes).
    Why is this bad? Screen reader users hear nothing or the file name, and
    nothing shows when the image fails to load. Only a person can write it.
    Example: ![](/images/team-offsite.jpg) or <img src="/images/team-offsite.jpg">
    Use instead: ![The team on the beach at the 2019 offsite](/images/team-offsite.jpg)
    """

    code: ClassVar[str] = "CD201"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "missing-alt-text"
    summary: ClassVar[str] = "image has no alt text"
    severity: ClassVar[Severity] = "error"
    targets: ClassVar[tuple[str, ...]] = ("image", "inline_html", "block_html")

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        if templated(node, ctx):
            return
        if node.type != "image":
            for offset, tag in _html_images(node):
                if not _HTML_ALT.search(tag):
                    src = _IMG_SRC.search(tag)
                    shown = src.group(2) if src else tag[:40]
                    yield violation_in(node, ctx, offset, f"HTML image '{shown}' has no alt")
            return
        if not text_of(node).strip():
            yield self.at(node, f"image '{written_url(node, ctx)}' has no alt text")


def _says_nothing(alt: str, url: str, words: set[str]) -> bool:
    text = alt.strip().casefold()
    if text in words:
        return True
    if _IMAGE_FILE.match(text) or _CAMERA_NAME.match(text):
        return True
    name = PurePosixPath(unquote(split_url(url).path)).name.casefold()
    return bool(name) and text in (name, PurePosixPath(name).stem)


class MeaninglessAltText(Rule):
    """Alt text says nothing about the image.

    What it does: finds alt text that is a generic word ("image", "photo",
    "picture", "screenshot", ...) or a file name such as IMG_1234.jpg.
    Why is this bad? It satisfies a checker but tells a blind reader nothing.
    Example: ![IMG_1234.jpg](/images/IMG_1234.jpg)
    Use instead: ![Whiteboard sketch of the sales funnel](/images/IMG_1234.jpg)
    """

    code: ClassVar[str] = "CD202"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "meaningless-alt-text"
    summary: ClassVar[str] = "alt text is a generic word or a file name"
    severity: ClassVar[Severity] = "warning"
    targets: ClassVar[tuple[str, ...]] = ("image",)
    options: ClassVar[Mapping[str, Any]] = {
        "words": ["image", "img", "photo", "picture", "pic", "screenshot", "graphic", "alt"]
    }

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        alt = text_of(node)
        if templated(node, ctx) or not alt.strip():
            return
        words = {str(word).casefold() for word in ctx.settings.get("words", ())}
        if _says_nothing(alt, url_of(node), words):
            yield self.at(node, f"alt text '{alt}' says nothing about the image")


class HotlinkedImage(Rule):
    """Image is still served by the old platform.

    What it does: finds images (Markdown or raw `<img>`) on the old
    platform's hosts (option `hosts`: Medium's CDNs by default) or under a
    WordPress `/wp-content/uploads/` path of another host (a path the site
    itself serves, its old uploads kept in the repository, is fine).
    Why is this bad? The old platform can delete, rate-limit or replace
    them at any time, and it learns about every reader.
    Example: ![Chart](https://miro.medium.com/max/1400/1*abc.png)
    Use instead: ![Chart](/images/chart.png), with the file copied into the site
    """

    code: ClassVar[str] = "CD203"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "hotlinked-image"
    summary: ClassVar[str] = "image is hot-linked from the old platform"
    severity: ClassVar[Severity] = "warning"
    targets: ClassVar[tuple[str, ...]] = ("image", "inline_html", "block_html")
    options: ClassVar[Mapping[str, Any]] = {
        "hosts": ["cdn-images-1.medium.com", "cdn-images-2.medium.com", "miro.medium.com"],
        "paths": ["/wp-content/uploads/"],
        **SITE_OPTIONS,
    }

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        if templated(node, ctx):
            return
        if node.type == "image":
            if self._hotlinked(url_of(node), ctx):
                yield self.at(node, self._message(url_of(node)))
            return
        for offset, url in _html_image_sources(node):
            if self._hotlinked(url, ctx):
                yield violation_in(node, ctx, offset, self._message(url))

    @staticmethod
    def _hotlinked(url: str, ctx: Context) -> bool:
        settings = ctx.settings
        parts = split_url(url.strip())
        host = (parts.hostname or "").lower()
        if host and host in {str(h).lower() for h in settings.get("hosts", ())}:
            return True
        if not host or not any(str(path) in parts.path for path in settings.get("paths", ())):
            return False  # a path without a host is served by this site
        # The site's own domain, its old uploads kept in the repository: not hot-linked.
        return _resolve_image(parts.path, ctx) is None

    @staticmethod
    def _message(url: str) -> str:
        return f"image '{url}' is hot-linked from the old platform"


_IMG_SRC = lazy_compile(r"""<img\b[^>]*?\bsrc\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)


_IMG_TAG = lazy_compile(r"<img\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>?", re.IGNORECASE)
_HTML_COMMENT = lazy_compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_HTML_ALT = lazy_compile(r"\salt\s*(?:=|\s|/?>|$)", re.IGNORECASE)


def _html_images(node: Node) -> Iterator[tuple[int, str]]:
    """(offset in the node's source, tag text) of each `<img …>` tag outside comments."""
    raw = raw_of(node)
    comments = [(m.start(), m.end()) for m in _HTML_COMMENT.finditer(raw)]
    for match in _IMG_TAG.finditer(raw):
        if not any(start <= match.start() < end for start, end in comments):
            yield match.start(), match.group(0)


def _html_image_sources(node: Node) -> Iterator[tuple[int, str]]:
    for match in _IMG_SRC.finditer(raw_of(node)):
        yield match.start(2), match.group(2).replace("&amp;", "&")


class LargeImage(Rule):
    """Local image file is over the size budget.

    What it does: compares the size of each local image file with the
    option `max-bytes` (default 1 MiB).
    Why is this bad? Large images make the page slow, above all on phones,
    and cost readers on metered connections.
    Example: ![Office](/images/office-6000x4000.png) (a 9 MB PNG)
    Use instead: ![Office](/images/office-1600.jpg) (resized and compressed)
    """

    code: ClassVar[str] = "CD204"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "large-image"
    summary: ClassVar[str] = "local image is over the size budget"
    severity: ClassVar[Severity] = "warning"
    targets: ClassVar[tuple[str, ...]] = ("image",)
    options: ClassVar[Mapping[str, Any]] = {**SITE_OPTIONS, "max-bytes": MIB}

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        url = _local_image(node, ctx)
        found = _resolve_image(url, ctx) if url else None
        if found is None:
            return
        size, budget = found.stat().st_size, int(ctx.settings.get("max-bytes", MIB))
        if size > budget:
            yield self.at(
                node, f"image '{url}' is {_human(size)}, over the {_human(budget)} budget"
            )


def _human(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size} bytes"


class MissingImageFile(Rule):
    """Local image file does not exist.

    What it does: resolves local image paths (Markdown images and the `src`
    of raw HTML `<img>` tags) relative to the post, the site root and its
    static folders (option `static-dirs`). A path whose letter case differs
    from the file on disk (`Chart.PNG` for `chart.png`) is reported with the
    spelling on disk: it loads on macOS and Windows, not on a Linux host
    (unless a Hugo image render hook looks the page's own image up, which
    ignores case).
    Why is this bad? The reader sees a broken-image icon.
    Example: ![Chart](/images/chrat.png), ![Chart](/images/Chart.png) (the file is chart.png)
    Use instead: ![Chart](/images/chart.png)
    """

    code: ClassVar[str] = "CD205"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "missing-image-file"
    summary: ClassVar[str] = "local image file does not exist"
    # A warning: migrated posts often arrive before their images are copied.
    severity: ClassVar[Severity] = "warning"
    targets: ClassVar[tuple[str, ...]] = ("image", "inline_html", "block_html")
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        if node.type == "image":
            url = _local_image(node, ctx)
            # as written where the parser only percent-encoded it (a base URL stripped stays so)
            written = written_url(node, ctx) if url == url_of(node) else url
            message = self._message(url, ctx, written) if url else None
            if message:
                yield self.at(node, message)
            return
        if templated(node, ctx):
            return
        for offset, src in _html_image_sources(node):
            url = _local_url(src)
            message = self._message(url, ctx) if url else None
            if message:
                yield violation_in(node, ctx, offset, message)

    @staticmethod
    def _message(url: str, ctx: Context, written: str | None = None) -> str | None:
        """Why the image does not load on the host, or None when it does;
        `written`: the path as the author wrote it, for the message."""
        shown = url if written is None else written
        site = project(ctx)
        found = _resolve_image(url, ctx)
        if found is None or site.folds_case:
            twin = site.case_twin(url, ctx.path, pages=False)
            if twin is not None:
                if not url.startswith("/") and site.generator.finds_images_in_any_case():
                    return None  # the site's image hook finds the page's image in any case
                return case_message("image file", shown, twin, ctx)
        if found is not None or site.from_theme(url, ctx.path):
            return None
        where = f" ({site.looked_in()})" if url.startswith("/") else ""
        return f"image file '{shown}' does not exist{where}"


def written_destination(node: Node) -> str:
    """The image path as written in the source: the parser's `url` is already
    percent-encoded (a space reads `%20`), which would hide the problem."""
    match = _DESTINATION.search(raw_of(node))
    if match is None:
        return url_of(node)  # reference style: the definition's URL
    written = match.group(1)
    return written[1:-1] if written.startswith("<") else written


def unsafe_characters(path: str) -> list[str]:
    """Characters that break or change a URL path when left unencoded."""
    found = [char for char in ("*", " ", '"', "<", ">", "\\", "|") if char in path]
    if _UNSAFE_PERCENT.search(path):
        found.append("%")
    return found


class UnsafeImagePath(Rule):
    """Image path has characters that break URLs.

    What it does: finds `*`, spaces, quotes, backslashes and `%` not followed
    by two hex digits in image paths.
    Why is this bad? Servers, CDNs and feed readers treat these characters
    differently: the image loads locally and 404s elsewhere.
    Example: ![Cover](/images/0*IOkX7dXqRPkgg9qG.jpg)
    Use instead: ![Cover](/images/0-IOkX7dXqRPkgg9qG.jpg) (renamed), or encode it as %2A
    """

    code: ClassVar[str] = "CD206"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "unsafe-image-path"
    summary: ClassVar[str] = "image path has characters that break URLs"
    severity: ClassVar[Severity] = "warning"
    targets: ClassVar[tuple[str, ...]] = ("image",)

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        url = written_destination(node)
        if templated(node, ctx) or has_template(url):
            return
        found = unsafe_characters(split_url(url).path)
        if found:
            shown = ", ".join(f"'{char}'" for char in found)
            yield self.at(node, f"image path '{url}' contains {shown}")


class InsecureImage(Rule):
    """Remote image is loaded over http:.

    What it does: finds images (Markdown or raw `<img>`) whose URL starts
    with `http:`.
    Why is this bad? On an https page it is mixed content: browsers block it
    or show the page as not secure.
    Example: ![Logo](http://example.com/logo.png)
    Use instead: ![Logo](https://example.com/logo.png)
    """

    code: ClassVar[str] = "CD207"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "insecure-image"
    summary: ClassVar[str] = "remote image uses http:"
    severity: ClassVar[Severity] = "warning"
    targets: ClassVar[tuple[str, ...]] = ("image", "inline_html", "block_html")

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        if templated(node, ctx):
            return
        if node.type == "image":
            if url_of(node).strip().lower().startswith("http://"):
                yield self.at(node, f"image '{url_of(node)}' uses http:")
            return
        for offset, url in _html_image_sources(node):
            if url.strip().lower().startswith("http://"):
                yield violation_in(node, ctx, offset, f"image '{url}' uses http:")


class RawHtmlImage(Rule):
    """Image or caption written as raw HTML.

    What it does: finds `<img>`, `<figure>` and `<figcaption>` tags outside
    code, reporting each tag where it starts.
    Why is this bad? Raw HTML bypasses the site's image handling (sizes,
    lazy loading, lightboxes), usually carries the old platform's classes,
    and Markdown inside it is not rendered.
    Example: <figcaption>Photo by <a href="https://unsplash.com">Unsplash</a></figcaption>
    Use instead: ![A desk by the window](/images/desk.jpg) followed by the caption as a paragraph
    Fix: an `<img>` with only `src`, `alt` and `title` becomes a Markdown image
    (any other attribute, or characters Markdown would read, keep the HTML).
    """

    code: ClassVar[str] = "CD208"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "raw-html-image"
    fixable: ClassVar[bool | str] = "safe"
    summary: ClassVar[str] = "image or caption written as raw HTML"
    severity: ClassVar[Severity] = "warning"
    # Style, not an error: opt-in (issue 16, docs/precision.md).
    default: ClassVar[bool] = False
    targets: ClassVar[tuple[str, ...]] = ("inline_html", "block_html")
    options: ClassVar[Mapping[str, Any]] = {"tags": ["img", "figure", "figcaption"]}

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        if templated(node, ctx):
            return
        tags = {str(tag).lower() for tag in ctx.settings.get("tags", ())}
        for match in _HTML_TAG.finditer(raw_of(node)):
            tag = match.group(1).lower()
            if tag in tags:
                violation = violation_in(node, ctx, match.start(), f"raw HTML <{tag}>")
                if tag == "img":
                    violation = violation._replace(fix=_markdown_image(node, ctx))
                yield violation


_IMG = lazy_compile(r"<img((?:\s+[a-zA-Z-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*/?>", re.IGNORECASE)
_ATTR = lazy_compile(r"([a-zA-Z-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_PLAIN_ALT = lazy_compile(r"[^\[\]()<>*_`\\!\n]*")
_PLAIN_SRC = lazy_compile(r"[^\s()<>\\]+")


def _markdown_image(node: Node, ctx: Context) -> Fix | None:
    """CD208's fix for an `<img>` that is the whole node and says nothing Markdown
    cannot (only src, alt and title, in plain characters): `![alt](src "title")`.
    Lossless or nothing: any other attribute (a class, a size) keeps the HTML."""
    start, source = source_of(node, ctx)
    stripped = source.strip()
    match = _IMG.fullmatch(stripped)
    if match is None:
        return None
    attrs: dict[str, str] = {}
    for name, double, single in _ATTR.findall(match.group(1)):
        if name.lower() in attrs:
            return None
        attrs[name.lower()] = html.unescape(double if double or not single else single)
    src, alt, title = attrs.pop("src", ""), attrs.pop("alt", ""), attrs.pop("title", None)
    if attrs or not _PLAIN_SRC.fullmatch(src) or not _PLAIN_ALT.fullmatch(alt):
        return None
    if title is not None and ('"' in title or "\n" in title):
        return None
    title_part = "" if title is None else f' "{title}"'
    image = f"![{alt}]({src}{title_part})"
    at = start + source.index(stripped)
    names = [name for name, _, _ in _ATTR.findall(match.group(1))]
    entities = re.findall(r"&(#?\w+);", stripped)  # `&amp;` is `&` in Markdown: its name goes
    markup = " ".join(["img", *names, *entities])
    return Fix((edit_at(ctx.parsed, at, at + len(stripped), image),), replaces=markup)


class MissingCoverImage(Rule):
    """Front matter image does not exist.

    What it does: resolves the front matter `image.src` (or a plain `image`
    string) like a body image and reports it when the file is missing.
    Why is this bad? Index pages, social cards and feeds show a broken image
    for the post.
    Example: image: {src: /images/cover.jpg} with no such file
    Use instead: image: {src: /images/cover.jpeg}, the file that exists
    """

    code: ClassVar[str] = "CD209"
    needs: ClassVar[tuple[str, ...] | None] = ()
    name: ClassVar[str] = "missing-cover-image"
    summary: ClassVar[str] = "front matter image.src does not exist"
    # A warning for the same reason as CD205.
    severity: ClassVar[Severity] = "warning"
    options: ClassVar[Mapping[str, Any]] = SITE_OPTIONS

    def check_file(self, ctx: Context) -> Iterator[Violation]:
        image = (ctx.parsed.front_matter or {}).get("image")
        src = image.get("src") if isinstance(image, Mapping) else image
        if not isinstance(src, str) or not src.strip():
            return  # most pages: no import statement run for them
        from copydesk.site.project import is_local, strip_base_url

        url = strip_base_url(src.strip())
        if has_template(url) or not is_local(url):
            return
        site = project(ctx)
        found = site.resolve(url, ctx.path, pages=False)
        if found is None or not found.is_file():
            key = "image.src" if "image.src" in ctx.parsed.keys else "image"
            yield self.at_key(ctx, key, f"cover image '{src}' does not exist")
