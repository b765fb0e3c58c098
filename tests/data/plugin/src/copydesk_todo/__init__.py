"""A third-party copydesk rule: notes to self must not be published."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from copydesk.parse import Node
from copydesk.rules.base import Context, Rule, Violation


class TodoLeft(Rule):
    """A TODO note is left in the text.

    What it does: reports the word TODO in paragraphs.
    Why is this bad? Readers see the author's notes to self.
    Example: TODO: add the benchmark numbers.
    Use instead: The benchmark takes 3 seconds.
    """

    code: ClassVar[str] = "TODO001"
    name: ClassVar[str] = "todo-left"
    summary: ClassVar[str] = "TODO note left in the post"
    severity = "warning"
    targets: ClassVar[tuple[str, ...]] = ("text",)

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        start = str(node.attrs.get("text", node.attrs.get("raw", ""))).find("TODO")
        if start >= 0:
            yield Violation(node.line, node.column + start, "TODO note left in the post")
