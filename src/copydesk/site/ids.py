"""Heading ids: which `#fragment`s a page offers once the generator builds it.

Each generator slugs heading text its own way (GitHub and Docusaurus use
github-slugger, kramdown has its own rule and a GFM one, Hugo's goldmark
another, MkDocs Python-Markdown's `toc`), honours explicit ids in its own
syntax (`{#id}` after the text, kramdown's `{: #id}` on the next line), and
adds ids for footnotes (`#fn:1`, `#fnref:1`, `#user-content-fn-1`). A site
may be read by more than one of these (Jekyll's kramdown with GFM input; MkDocs
with or without `pymdownx.slugs`), so a page's anchors are the union over the
site's styles: a fragment any of them produces is taken as present.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from copydesk.lazyre import lazy_compile
from copydesk.site.detect import ID_STYLES

if TYPE_CHECKING:
    from copydesk.parse import Node, ParsedFile

# Id styles (named in copydesk.site.detect, which the config's checks read
# without importing this module).
GENERATORS = ID_STYLES
# Not a slug rule: Hugo's `autoDefinitionTermID` gives definition list terms ids too.
DEFINITION_TERMS = "definition-terms"
_EXPLICIT_ID = lazy_compile(r"\s*\{:?\s*#([\w:.-]+)[^}]*\}\s*$")
# kramdown block IAL on the line after a heading: `{: #id .class}`.
_NEXT_LINE_IAL = lazy_compile(r"^\s*\{:\s*[^}]*?#([\w:.-]+)[^}]*\}\s*$")
# `\b(?:id|name)\s*=…` under re.IGNORECASE, spelt out (the letters `re` folds, the
# word boundary checked after the name): starting with a character set, it lets
# `re` skip to each possible first letter, 1.5x faster on large HTML blocks.
_HTML_ID = lazy_compile(
    "(?:[iI\u0130\u0131][dD](?<!\\w..)|[nN][aA][mM][eE](?<!\\w....))"
    r"""\s*=\s*["']([^"']+)["']"""
)
# Templates that write ids the source does not show: a shortcode or tag with an
# `id` argument, or one that includes another file (whose headings are unknown here).
# `\bid\s*[=:]` under re.IGNORECASE, spelt out as `_HTML_ID` is: 4x faster.
_ID_ARGUMENT = lazy_compile("[iI\u0130\u0131][dD](?<!\\w..)\\s*[=:]")
_INCLUDE_TAG = lazy_compile(
    r"\{[{%][<%]?-?\s*(?:include|include_relative|readfile|snippet)\b", re.IGNORECASE
)
# pymdownx.snippets includes; mkdocstrings/mkdocs-click `::: name` blocks render whole sections
_SNIPPET_LINE = lazy_compile(r"^(?:-{1,3}8<-{1,3}|:::[ \t]+[\w.-]+)", re.MULTILINE)
# An attribute list anywhere in the text (`**locale**{ #mkdocs-locale }`, kramdown's
# span IAL): an id on an inline element, which Python-Markdown and kramdown honour.
_INLINE_ID = lazy_compile(r"\{:?[ \t]*#([\w:.-]+)[^}\n]*\}")


class OpenIds(frozenset[str]):
    """The ids of a page whose templates write ids of their own: the ones the
    source shows, and any other may exist as well, so every fragment is in."""

    def __contains__(self, item: object) -> bool:
        return True


# A template span that is a code block: `{% highlight %}…`, `{% raw %}…`, `{{< highlight >}}…`.
_CODE_BLOCK = lazy_compile(
    r"\{%-?\s*(?:raw|comment|highlight|codeblock)\b|\{\{[<%]\s*(?:highlight|code-toggle|code)\b"
)
# The name of the shortcode a template span calls: `{{< clients x="y" >}}` → clients.
_SHORTCODE_NAME = lazy_compile(r"\{\{[<%]-?\s*([\w./-]+)")


def writes_ids(parsed: ParsedFile, writers: frozenset[str] = frozenset()) -> bool:
    """Whether templates or includes in the page may add ids copydesk cannot see.
    `writers`: the site's shortcodes whose templates write `id=` attributes."""
    text = parsed.document.text
    if writers and any(
        (name := _SHORTCODE_NAME.match(text, start)) and name.group(1) in writers
        for start, _ in parsed.templating
    ):
        return True
    body = parsed.document.body
    # Every snippet line holds "8<-" or ":::": most pages hold neither, and the
    # line-start search would try each line of the page.
    if ("8<-" in body or ":::" in body) and _SNIPPET_LINE.search(body):
        return True
    # a heading whose text the build writes (`## <!-- md:setting x -->`, a template)
    if "<!--" in text and any(
        "<!--" in str(node.attrs.get("raw", "")) for node in parsed.of_type("heading")
    ):
        return True
    # Searched in place (no copy of each span): a span starts with "{", so the
    # look back before an `id` never looks outside it.
    return any(
        (_ID_ARGUMENT.search(text, start, end) or _INCLUDE_TAG.match(text, start, end))
        and not _CODE_BLOCK.match(text, start)  # `id:` in highlighted code writes no id
        for start, end in parsed.templating
    )


def _github_char_kept(char: str) -> bool:
    # github-slugger removes every code point that is not a letter, mark,
    # number or connector punctuation ("_"), except "-" and the space.
    if char in "- ":
        return True
    category = unicodedata.category(char)
    return category[0] in "LMN" or category == "Pc"


# In ASCII the kept characters are letters, digits, "_" (the one Pc), "-" and the space.
_ASCII_DROPPED = lazy_compile(r"[^a-z0-9_ -]+")


def github_slug(text: str) -> str:
    """github-slugger: lowercase, drop punctuation, one '-' per space."""
    if text.isascii():  # nearly every heading: one regex instead of a lookup per character
        return _ASCII_DROPPED.sub("", text.lower()).replace(" ", "-")
    kept = "".join(char for char in text.lower() if _github_char_kept(char))
    return kept.replace(" ", "-")


def kramdown_slug(text: str) -> str:
    """kramdown `basic_generate_id`, then its 'section' fallback.

    Leading non-ASCII-letters go, then everything but [a-zA-Z0-9 -]
    (underscores and accented letters included), spaces become '-', lowercase.
    """
    generated = re.sub(r"^[^a-zA-Z]+", "", text)
    generated = re.sub(r"[^a-zA-Z0-9 -]", "", generated)
    generated = generated.replace(" ", "-").lower()
    return generated or "section"


def hugo_slug(text: str) -> str:
    """Hugo goldmark autoHeadingIDType "github": trim, '-' or ' ' → '-',
    keep '_', Unicode letters and decimal digits (lowercased), drop the rest."""
    if text.isascii():  # the same rule, as one regex: ASCII letters, digits, "_", "-", " "
        return _ASCII_DROPPED.sub("", text.strip().lower()).replace(" ", "-") or "heading"
    out: list[str] = []
    for char in text.strip():
        if char in "- ":
            out.append("-")
        elif char == "_" or char.isalpha() or unicodedata.category(char) == "Nd":
            out.append(char.lower())
    return "".join(out) or "heading"


def blackfriday_slug(text: str) -> str:
    """Blackfriday's SanitizedAnchorName (Hugo's `autoHeadingIDType =
    "blackfriday"`): letters and digits lowercased, every other run one '-'
    between them."""
    out: list[str] = []
    dash = False
    for char in text:
        if char.isalpha() or unicodedata.category(char)[0] == "N":
            if dash and out:
                out.append("-")
            dash = False
            out.append(char.lower())
        else:
            dash = True
    return "".join(out)


def slugify_slug(text: str) -> str:
    """`@sindresorhus/slugify`-like (Eleventy's `slugify` filter, many
    markdown-it-anchor setups): ASCII-folded, lowercase, every run of other
    characters one '-', none at either end."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


_SLUGGERS = {
    "slugify": slugify_slug,
    "blackfriday": blackfriday_slug,
    "github": github_slug,
    "docusaurus": github_slug,
    "kramdown": kramdown_slug,
    "hugo": hugo_slug,
}


def _dedupe(slug: str, generator: str, seen: dict[str, int], used: set[str]) -> str:
    """Each generator's rule for a repeated id: '-1', '-2', ... appended."""
    if generator == "kramdown":
        # kramdown counts per base id and does not check the suffixed result.
        if slug in seen:
            seen[slug] += 1
            return f"{slug}-{seen[slug]}"
        seen[slug] = 0
        return slug
    if generator in ("github", "docusaurus", "slugify"):
        result = slug
        while result in used:
            seen[slug] = seen.get(slug, 0) + 1
            result = f"{slug}-{seen[slug]}"
        return result
    result, suffix = slug, 1
    while result in used:  # hugo: the first free '-N', starting at 1
        result, suffix = f"{slug}-{suffix}", suffix + 1
    return result


def split_explicit_id(text: str, generator: str) -> tuple[str, str | None]:
    """`Title {#id}` → ("Title", "id") where the generator honours it.

    kramdown and Hugo (goldmark attributes) read a trailing `{#id}`; GitHub
    does not, so there the braces are part of the text.
    """
    if generator == "github":
        return text, None
    match = _EXPLICIT_ID.search(text)
    if not match:
        return text, None
    return text[: match.start()], match.group(1)


def heading_ids(texts: Iterable[str], generator: str) -> list[str]:
    """The ids a generator gives headings with these plain texts, in order."""
    if generator not in _SLUGGERS:
        raise ValueError(f"unknown generator {generator!r}; expected one of {GENERATORS}")
    slugger = _SLUGGERS[generator]
    seen: dict[str, int] = {}
    used: set[str] = set()
    ids: list[str] = []
    for text in texts:
        plain, explicit = split_explicit_id(text, generator)
        anchor = explicit or _dedupe(slugger(plain), generator, seen, used)
        used.add(anchor)
        ids.append(anchor)
    return ids


def heading_text(node: Node, generator: str, template: str = "") -> str:
    """The heading text each generator slugs.

    kramdown slugs the raw source of the heading (`*x*` loses its stars to
    the slug rules anyway); GitHub and Hugo slug the rendered text, code
    spans included. Hugo (goldmark) also counts an image's alt text.
    A template in the heading (`{{< param name >}}`) becomes `template`:
    what it writes is known only once the site is built.
    """
    if generator == "kramdown":
        return "".join(
            template if child.type in _TEMPLATES else str(child.attrs.get("raw", ""))
            for child in node.children
        )
    if generator == "docusaurus":
        generator = "github"
    parts: list[str] = []
    for child in node.children:
        if child.type == "text":
            parts.append(str(child.attrs.get("text", "")))
        elif child.type == "codespan":
            parts.append(str(child.attrs.get("code", "")))
        elif child.type in _TEMPLATES:
            parts.append(_template_stand_in(child, generator, template))
        elif child.type == "inline_html":
            continue
        elif child.type != "image" or generator == "hugo":
            parts.append(heading_text(child, generator, template))
    return "".join(parts)


_TEMPLATES = ("liquid", "shortcode")
# Stand for a template's output in a heading: letters only, so that every slug rule keeps them.
_PLACEHOLDER = "qqtemplateqq"
_HUGO_PLACEHOLDER = "qqhugoshortcodeqq"
# Hugo renders a `{{< >}}` shortcode after goldmark made the heading's id, so the id
# holds Hugo's placeholder for it: `finding-the-active-hahahugoshortcodes20hbhb`
# (`hahahugoshortcode-s20-hbhb` in older versions); `{{% %}}` output is Markdown, read first.
_HUGO_PLACEHOLDER_ID = r"hahahugoshortcode[\w-]*hbhb"


def _template_stand_in(child: Node, generator: str, template: str) -> str:
    if template and generator == "hugo" and str(child.attrs.get("raw", "")).startswith("{{<"):
        return _HUGO_PLACEHOLDER
    return template


class TemplatedIds(frozenset[str]):
    """The ids of a page with templates in its headings: the known ids, and
    any id a templated heading may get (`finding-the-active-.*` for
    "Finding the Active {{% param name %}}" or `{{ site.name }}`; Hugo's
    placeholder id for a `{{< param name >}}`, see `_HUGO_PLACEHOLDER_ID`)."""

    patterns: tuple[re.Pattern[str], ...] = ()

    def __contains__(self, item: object) -> bool:
        if frozenset.__contains__(self, item):
            return True
        return isinstance(item, str) and any(p.fullmatch(item) for p in self.patterns)


def templated_heading_patterns(headings: Sequence[Node], styles: tuple[str, ...]) -> list[str]:
    """For each heading with a template in it, the regex its id matches in each style."""
    patterns: list[str] = []
    for node in headings:
        if not any(child.type in _TEMPLATES for child in node.children):
            continue
        for style in styles:
            if style == DEFINITION_TERMS:
                continue
            text = heading_text(node, _text_style(style), _PLACEHOLDER).strip()
            for slug in style_ids([text], style):
                pattern = re.escape(slug).replace(_PLACEHOLDER, ".*")
                pattern = pattern.replace(_HUGO_PLACEHOLDER, _HUGO_PLACEHOLDER_ID)
                patterns.append(pattern + r"(?:[-_]\d+)?")
    return patterns


def python_markdown_slug(text: str) -> str:
    """Python-Markdown `toc` slugify (MkDocs' default): NFKD to ASCII, drop
    what is not a word character, space or '-', lowercase, runs of spaces and
    dashes to one '-'."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def pymdownx_slug(text: str) -> str:
    """`pymdownx.slugs.slugify(case="lower")`, common on MkDocs Material sites:
    like Python-Markdown's, but Unicode letters are kept."""
    value = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def _python_markdown_ids(texts: Iterable[str], slugger: object) -> list[str]:
    """`toc`'s unique(): a repeated id gets '_1', '_2', ..."""
    used: set[str] = set()
    ids: list[str] = []
    for text in texts:
        plain, explicit = split_explicit_id(text, "python-markdown")
        anchor = explicit or slugger(plain)  # type: ignore[operator]
        base, number = anchor, 0
        while anchor in used:
            number += 1
            anchor = f"{base}_{number}"
        used.add(anchor)
        ids.append(anchor)
    return ids


def style_ids(texts: list[str], style: str) -> list[str]:
    """Heading ids in one style (see `GENERATORS`), "python-markdown" included."""
    if style == "python-markdown":
        return _python_markdown_ids(texts, python_markdown_slug) + _python_markdown_ids(
            texts, pymdownx_slug
        )
    return heading_ids(texts, style)


def _text_style(style: str) -> str:
    # Python-Markdown slugs the rendered text, as GitHub does.
    if style == "blackfriday":
        return "hugo"
    return "github" if style in ("python-markdown", "docusaurus", "slugify") else style


def next_line_ids(parsed: ParsedFile) -> set[str]:
    """kramdown's `{: #id}` written on the line after a heading."""
    found: set[str] = set()
    if "{:" not in parsed.document.text:
        return found  # every match holds one: no need to split the text into lines
    for node in parsed.of_type("heading"):
        match = _NEXT_LINE_IAL.match(parsed.line_text(node.end_line + 1))
        if match:
            found.add(match.group(1))
    return found


def inline_ids(parsed: ParsedFile) -> list[str]:
    """`{#id}` attribute lists outside code (`_INLINE_ID` over `prose`).

    Blanking code only turns characters into spaces, so a match lies on a
    line whose own text has a `{`, then a `#`, then a `}`; only those lines'
    prose is made (most pages have none: making all of `prose` costs a copy
    of the text and a pass over every code span)."""
    lines = list(_INLINE_ID_LINE.finditer(parsed.document.text))
    if len(lines) > _FEW_LINES:
        return _INLINE_ID.findall(parsed.prose)
    found: list[str] = []
    for line in lines:
        found += _INLINE_ID.findall(parsed.prose_between(line.start(), line.end()))
    return found


# From the first `{` of a line to its last `}` after a `#`: where `_INLINE_ID` can match.
_INLINE_ID_LINE = lazy_compile(r"\{[^\n]*#[^\n]*\}")
_FEW_LINES = 8


def footnote_ids(parsed: ParsedFile) -> set[str]:
    """The ids each generator gives a footnote and its back-reference:
    kramdown/Python-Markdown `fn:label`, goldmark `fn:1` (its number),
    GitHub/remark `user-content-fn-label`."""
    found: set[str] = set()
    for node in parsed.of_type("footnote_item"):
        names = {str(node.attrs.get("key", "")), str(node.attrs.get("index") or "")} - {""}
        for name in names:
            for prefix in (
                "fn:",
                "fnref:",
                "fn-",
                "fnref-",
                "user-content-fn-",
                "user-content-fnref-",
            ):
                found.add(prefix + name)
                found.add(prefix + name.lower())
    return found


def anchors_of(
    parsed: ParsedFile, styles: str | Iterable[str], writers: frozenset[str] = frozenset()
) -> frozenset[str]:
    """Every fragment that lands somewhere in this file under any of `styles`:
    heading ids (generated and explicit), definition terms' ids where the
    site gives them, footnote ids, and `id=`/`name=` attributes written in
    raw HTML (a common manual anchor). A page whose templates write ids
    (`{{% def id="x" %}}`, an include, a shortcode of the site's in `writers`
    whose template writes `id=`) gets `OpenIds`: no fragment into it
    is reported, as a wrong finding costs more than a missed one; a heading
    with a template in it matches every id its literal parts allow."""
    styles = (styles,) if isinstance(styles, str) else tuple(styles)
    headings = parsed.of_type("heading")
    anchors: set[str] = set()
    for style in styles:
        if style == DEFINITION_TERMS:
            continue  # after the headings: terms share their ids' namespace
        texts = [heading_text(node, _text_style(style)).strip() for node in headings]
        anchors.update(style_ids(texts, style))
    if DEFINITION_TERMS in styles:
        anchors |= definition_term_ids(parsed, anchors)
    if any(style != "github" for style in styles):
        anchors |= next_line_ids(parsed)
    if any(s in ("python-markdown", "kramdown") for s in styles) and "{" in parsed.document.text:
        anchors.update(inline_ids(parsed))
    anchors |= footnote_ids(parsed)
    # One type at a time: each comes from the parse's index (two at once walk the tree).
    for node in (*parsed.of_type("inline_html"), *parsed.of_type("block_html")):
        anchors.update(_HTML_ID.findall(str(node.attrs.get("raw", ""))))
    if writes_ids(parsed, writers):
        return OpenIds(anchors)
    patterns = templated_heading_patterns(headings, styles)
    if patterns:
        found = TemplatedIds(anchors)
        found.patterns = tuple(re.compile(pattern) for pattern in patterns)
        return found
    return frozenset(anchors)


def definition_term_ids(parsed: ParsedFile, taken: set[str]) -> set[str]:
    """Ids of definition list terms (a line followed by a `: definition` line),
    slugged as Hugo's goldmark does headings; a term whose id a heading or an
    earlier term has gets `-1`, `-2`, ... (both forms are kept: the order of
    headings and terms is not tracked)."""
    found: set[str] = set()
    if "\n: " not in parsed.document.text:
        return found  # no definition line: most pages (the loop below is per line)
    terms = [
        (number, term)
        for number, term in _before_definitions(parsed.document.text)
        if term.strip() and not term.startswith(":")
    ]
    if not terms:
        return found
    used = set(taken)
    # Code blocks' first and last lines, in order (they do not overlap): a term's
    # line is looked up among them, not in a set of every line of code.
    code = parsed.of_type("block_code")
    firsts = [node.line for node in code]
    for number, term in terms:
        at = bisect_right(firsts, number) - 1
        if at < 0 or number > code[at].end_line:
            slug = hugo_slug(re.sub(r"[`*_\[\]]|\(.*?\)", "", term))
            anchor = _dedupe(slug, "hugo", {}, used)
            used.add(anchor)
            found.update((slug, anchor))
    return found


def _before_definitions(text: str) -> Iterator[tuple[int, str]]:
    """(1-based number, text) of each line that a line starting with ": "
    follows, in order: found by searching for "\n: " rather than by pairing
    every line of the page with the next."""
    number, counted = 1, 0  # the line number at offset `counted`
    at = text.find("\n: ")
    while at >= 0:
        number += text.count("\n", counted, at)
        counted = at
        yield number, text[text.rfind("\n", 0, at) + 1 : at]
        at = text.find("\n: ", at + 1)
