"""Element ids of an HTML page: what a `#fragment` link can land on."""

from __future__ import annotations

from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            # `<a name=...>` is how older pages (and many generators) mark anchors.
            if value and (name == "id" or (name == "name" and tag == "a")):
                self.ids.add(value)


def html_ids(text: str) -> frozenset[str]:
    """Every `id` attribute, and `name` of `<a>`, in an HTML page."""
    parser = _Ids()
    parser.feed(text)
    parser.close()
    return frozenset(parser.ids)
