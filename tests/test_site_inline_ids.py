"""`{#id}` attribute lists are read from prose (code blanked) as before, but
only on the lines that can hold one: the same ids as a search of all of
`prose`, on text where code hides a `{#id}`, makes one up when blanked, or
spans lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.parse import parse_document
from copydesk.read import document_from_bytes
from copydesk.site.ids import _INLINE_ID, anchors_of, inline_ids

TEXTS = [
    "# Title {#title}\n\nText **locale**{ #locale } and `code {#not-this}`.\n",
    "```\n{#in-fence}\n```\n\n{: #after-fence}\n",
    # Blanking the code span leaves `{      #made}`: prose holds a match the text does not.
    "A {`x` #made} here; `{#span}` there.\n",
    "{\n#split\n}\n\nNo brace and hash on one line.\n",
    "[link](/x{#url}) and <span>{#html}</span> and {#plain}\n",
    "".join(f"Line {n} {{: #id{n}}}\n\n" for n in range(12)),  # many: the whole prose
]


@pytest.mark.parametrize("text", TEXTS)
def test_inline_ids_are_those_of_the_whole_prose(text: str) -> None:
    parsed = parse_document(document_from_bytes(Path("page.md"), text.encode()))
    found = inline_ids(parsed)
    assert "prose" not in vars(parsed) or text == TEXTS[-1]  # a few lines: prose not made
    assert sorted(found) == sorted(_INLINE_ID.findall(parsed.prose))


def test_a_blanked_code_span_matches_as_in_prose() -> None:
    parsed = parse_document(document_from_bytes(Path("page.md"), TEXTS[2].encode()))
    assert "made" in anchors_of(parsed, ("kramdown",))
    assert "span" not in anchors_of(parsed, ("kramdown",))
