"""`lint --fix --unsafe-fixes` over generated posts with fixable findings mixed in.

Properties: it never reports a bug, never changes a code span or code block
(their texts, in order, are the same after), leaves no fix behind that it
would apply (a finding that keeps a fix was refused or is in a reported
loop), and a second run changes nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from copydesk.autofix import fix_findings, write_fixed
from copydesk.engine import LintResult, lint_paths, relint
from copydesk.errors import CopydeskError
from copydesk.parse import parse_document
from copydesk.read import document_from_bytes
from copydesk.registry import load_registry
from fuzz.strategies import documents

_REGISTRY = load_registry()
ALL_RULES = ("CD1", "CD2", "CD3", "CD4")
FIXABLE = (
    "\nSee https://example.com/a?utm_source=x&b=1 now.\n",
    "\n[x](http://example.com/?fbclid=1) and `https://example.com/code`\n",
    "\nIt doesnâ€™t work in `CafÃ©` or CafÃ©.\n",
    "\n[unused]: https://example.com/unused\n",
    "\n<!-- copydesk-disable-next-line CD101 -->\nFine.\n",
    "\n{% link https://example.com/?utm_source=liquid %} and https://example.com/b\n",
    "\n```\nhttps://example.com/in-code?utm_source=x\n```\n",
    "\nLeave a Reply\n",
    "\nYour email address will not be published. Required fields are marked *\n",
    "\n> Your email address will not be published.\n",
    "\nYour email address will not be published {{ site.note }}.\n",
    "\n- Give it a clap 👏\n",
    "\nWe met at the the conference and utilize `the the` it.\n",
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("fix")


def _run(path: Path) -> tuple[LintResult, list[str]]:
    result = lint_paths([path], select=ALL_RULES, jobs=1, registry=_REGISTRY, reusable=True)
    first = result

    def again(paths: Sequence[Path], overlay: Mapping[Path, bytes]) -> LintResult:
        return relint(first, paths, overlay)

    result, outcome = fix_findings(result, again, unsafe=True)
    problems = write_fixed(outcome, [path.parent], {path: path.name})
    return result, [*outcome.notes, *problems]


def _code(data: bytes, path: Path) -> list[str] | None:
    try:
        parsed = parse_document(document_from_bytes(path, data))
    except CopydeskError:
        return None
    text = parsed.document.text
    return [
        text[parsed.offset(n.line, n.column) : parsed.offset(n.end_line, n.end_column)]
        for n in parsed.of_type("block_code", "codespan")
    ]


@settings(max_examples=max(10, settings.default.max_examples // 4))
@given(post=documents(max_blocks=4), extra=st.lists(st.sampled_from(FIXABLE), max_size=3))
def test_fix_keeps_code_settles_and_is_idempotent(
    workdir: Path, post: bytes, extra: list[str]
) -> None:
    shutil.rmtree(workdir / "site", ignore_errors=True)
    (workdir / "site").mkdir()
    path = workdir / "site" / "post.md"
    data = post + "".join(extra).encode("utf-8")
    path.write_bytes(data)
    note(repr(data))
    result, notes = _run(path)
    note("\n".join(notes))
    assert not result.internal_error, [str(error) for error in result.errors]
    after = path.read_bytes()
    assert _code(after, path) == _code(data, path)
    looped = any("loop" in line or "settle" in line for line in notes)
    if not looped:
        assert not [f for f in result.findings if f.fix is not None]
        again, _ = _run(path)
        assert path.read_bytes() == after
        assert not again.internal_error
