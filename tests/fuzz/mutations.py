"""Mutations of real inputs: the repository's fixtures and ../shared/seeds.

Generated posts explore shapes; mutated fixtures explore the edges of shapes
that already work. A mutation truncates at a boundary that matters to a
parser (a line end, inside front matter, inside a code fence, inside a link),
flips bytes, shuffles, drops or repeats lines, or splices a generated block
in at a line boundary.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from fuzz.strategies import block, odd_char

ROOT = Path(__file__).resolve().parents[2]
POST_SUFFIXES = (".md", ".markdown", ".txt")


@cache
def corpus() -> tuple[tuple[str, bytes], ...]:
    """(name, bytes) of every fixture post, and of the shared seeds when present."""
    roots = [ROOT / "fixtures", ROOT.parent / "shared" / "seeds"]
    files = []
    for root in roots:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and path.suffix in POST_SUFFIXES:
                    files.append((path.relative_to(root.parent).as_posix(), path.read_bytes()))
    return tuple(files)


_FENCE = re.compile(rb"^(```|~~~)[^\n]*\n.*?(?:^\1|\Z)", re.MULTILINE | re.DOTALL)
_LINK = re.compile(rb"!?\[[^\]\n]*\]\([^)\n]*\)|^\[[^\]\n]+\]:[^\n]*", re.MULTILINE)
_FRONT_MATTER = re.compile(rb"\A(?:\xef\xbb\xbf)?(---|\+\+\+)\r?\n.*?^\1", re.MULTILINE | re.DOTALL)


def boundaries(data: bytes) -> dict[str, list[int]]:
    """Cut points by kind; a kind that the file does not have is left out."""
    kinds: dict[str, list[int]] = {
        "line end": [m.start() for m in re.finditer(rb"\n", data)],
        "line start": [m.end() for m in re.finditer(rb"\n", data)],
    }
    front = _FRONT_MATTER.match(data)
    if front:
        kinds["front matter"] = list(range(1, front.end()))
    kinds["fence"] = [i for m in _FENCE.finditer(data) for i in range(m.start() + 1, m.end())]
    kinds["link"] = [i for m in _LINK.finditer(data) for i in range(m.start() + 1, m.end())]
    kinds["anywhere"] = list(range(len(data) + 1))
    return {kind: points for kind, points in kinds.items() if points}


@st.composite
def truncated(draw: st.DrawFn, data: bytes) -> bytes:
    points = boundaries(data)
    kind = draw(st.sampled_from(sorted(points)))
    return data[: draw(st.sampled_from(points[kind]))]


@st.composite
def byte_flips(draw: st.DrawFn, data: bytes) -> bytes:
    if not data:
        return data
    mutable = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(mutable) - 1))
        mutable[at] ^= draw(st.integers(1, 255))
    return bytes(mutable)


@st.composite
def line_edits(draw: st.DrawFn, data: bytes) -> bytes:
    """Shuffle a run of lines, drop one, repeat one, or splice in a generated block."""
    lines = data.split(b"\n")
    start = draw(st.integers(0, len(lines) - 1))
    end = draw(st.integers(start, min(len(lines), start + 6)))
    edit = draw(st.sampled_from(("shuffle", "drop", "repeat", "splice", "odd char")))
    if edit == "shuffle":
        lines[start:end] = draw(st.permutations(lines[start:end]))
    elif edit == "drop":
        del lines[start]
    elif edit == "repeat":
        lines.insert(start, lines[start])
    elif edit == "splice":
        lines[start:start] = draw(block).encode("utf-8").split(b"\n")
    else:
        line = lines[start].decode("utf-8", "surrogateescape")
        at = draw(st.integers(0, len(line)))
        lines[start] = (line[:at] + draw(odd_char) + line[at:]).encode("utf-8", "surrogateescape")
    return b"\n".join(lines)


@st.composite
def mutated_fixtures(draw: st.DrawFn) -> tuple[str, bytes]:
    """(fixture name, mutated bytes); one to three mutations stacked."""
    name, data = draw(st.sampled_from(corpus()))
    for _ in range(draw(st.integers(1, 3))):
        mutate = draw(st.sampled_from((truncated, truncated, byte_flips, line_edits, line_edits)))
        data = draw(mutate(data))
    return name, data
