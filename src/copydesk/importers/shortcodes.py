"""WordPress shortcodes (`[caption …]…[/caption]`, `[gallery ids="1,2"]`, `[code]…[/code]`).

Shortcodes are WordPress's own bracket syntax inside post text, not HTML, so
they are found with WordPress's own rule (a name after `[`, attributes up to
`]`, an optional `[/name]`) before the HTML is parsed. Each one becomes a
placeholder element (`<wp-shortcode data-index="3">`) whose inner HTML, if
any, stays in place, so the HTML5 parser still sees every tag; the
converter renders the placeholder from the `Shortcode` kept here. Code
shortcodes keep their inner text raw (it is code, not markup).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

# Shortcodes whose content is code: kept raw, never parsed as HTML.
CODE_NAMES = frozenset({"code", "sourcecode", "source", "syntaxhighlighter"})
# Shortcodes copydesk converts; any other is kept verbatim and listed for review.
KNOWN = frozenset({"caption", "wp_caption", "gallery", "embed", *CODE_NAMES})
_OPEN = re.compile(r"\[(\[?)([A-Za-z][\w-]*)(?![\w-])((?:[^\]\"']|\"[^\"]*\"|'[^']*')*?)(/?)\]")
_ATTR = re.compile(r"([\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"']+))|\"([^\"]*)\"|(\S+)")


@dataclass
class Shortcode:
    name: str
    attrs: dict[str, str]
    raw: str  # exactly as written, for verbatim output and the report
    inner: str = ""  # raw inner text (code shortcodes), else ""
    positional: list[str] = field(default_factory=list)
    open: str = ""  # the opening tag as written
    close: str = ""  # the closing tag as written ("" when there is none)


def parse_attrs(text: str) -> tuple[dict[str, str], list[str]]:
    attrs: dict[str, str] = {}
    positional: list[str] = []
    for match in _ATTR.finditer(text):
        if match[1]:
            value = next((v for v in (match[2], match[3], match[4]) if v is not None), "")
            attrs[match[1].lower()] = html.unescape(value)
        else:
            positional.append(html.unescape(match[5] if match[5] is not None else match[6]))
    return attrs, positional


def mark(content: str, names: frozenset[str] | None = None) -> tuple[str, list[Shortcode]]:
    """`content` with each shortcode replaced by a placeholder element; the shortcodes found.

    A shortcode with a closing tag wraps its content in `<wp-shortcode>`; one
    without becomes an empty `<wp-shortcode>`. Code shortcodes keep their
    inner text out of the HTML entirely. `[[name]]` is WordPress's escape for
    a literal shortcode and is kept as text.
    """
    found: list[Shortcode] = []
    out: list[str] = []
    position = 0
    while True:
        match = _OPEN.search(content, position)
        if match is None:
            break
        name = match[2].lower()
        closing = f"[/{match[2]}]"
        has_close = not match[4] and content.find(closing, match.end()) >= 0
        # An unknown bracketed word ("[sic]", "[toc]") is text unless it looks like a
        # shortcode: attributes, or a closing tag.
        plain_text = name not in KNOWN and not has_close and "=" not in match[3]
        if match[1] or plain_text or (names is not None and name not in names):
            out.append(content[position : match.end()])
            position = match.end()
            continue
        attrs, positional = parse_attrs(match[3])
        end = content.find(closing, match.end()) if has_close else -1
        index = len(found)
        if end < 0:
            shortcode = Shortcode(name, attrs, match[0], positional=positional, open=match[0])
            out.append(content[position : match.start()])
            out.append(f'<wp-shortcode data-index="{index}"></wp-shortcode>')
            position = match.end()
        else:
            inner = content[match.end() : end]
            raw = content[match.start() : end + len(closing)]
            shortcode = Shortcode(
                name, attrs, raw, positional=positional, open=match[0], close=closing
            )
            out.append(content[position : match.start()])
            if name in CODE_NAMES or name == "embed":
                shortcode.inner = inner
                out.append(f'<wp-shortcode data-index="{index}"></wp-shortcode>')
            else:
                out.append(f'<wp-shortcode data-index="{index}">{inner}</wp-shortcode>')
            position = end + len(closing)
        found.append(shortcode)
    out.append(content[position:])
    return "".join(out), found
