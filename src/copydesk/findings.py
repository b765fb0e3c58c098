"""`Finding`: one lint result, positioned in the original file.

Immutable records (NamedTuples) rather than pydantic models or frozen
dataclasses: lint makes thousands of them and must start fast (a frozen
dataclass compiles its methods at import, and the dataclasses module pulls
in inspect: ~8 ms of a warm lint), and nothing here needs validating — the
engine builds every field itself.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

Severity = Literal["error", "warning", "info"]
# As ruff: "safe" keeps what a reader sees and is applied by `lint --fix`;
# "unsafe" changes it and is applied only with `--unsafe-fixes`.
Applicability = Literal["safe", "unsafe"]


class Replacement(NamedTuple):
    """A suggested edit: put `text` in place of the span (1-based, end exclusive).
    Never applied by lint; reporters show it (JSON, SARIF `fixes`)."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


class Fix(NamedTuple):
    """What `lint --fix` may do about a finding: edits of the original file, applied together.

    `removes`: the text the fix means to take out (a tracking parameter, an
    unused definition, a boilerplate paragraph); the run records it.
    `replaces`: words a rewrite swaps for others without taking anything out
    (a URL's `http`, the markup of an `<img>`, a misspelt fragment); not
    recorded, the diff shows them. The loss check accounts for exactly the
    words of both and refuses a fix that loses any other. Both are empty for
    a fix that only adds (an autolink).
    """

    edits: tuple[Replacement, ...]
    applicability: Applicability = "safe"
    removes: str = ""
    description: str = ""
    replaces: str = ""

    def as_dict(self) -> dict[str, Any]:
        # By hand, each edit a dict too: the JSON as `dataclasses.asdict` wrote it.
        return {
            "edits": [_replacement_dict(edit) for edit in self.edits],
            "applicability": self.applicability,
            "removes": self.removes,
            "description": self.description,
            "replaces": self.replaces,
        }


class Finding(NamedTuple):
    """1-based line and column; `end_column` is exclusive."""

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = "error"
    name: str = ""
    end_line: int | None = None
    end_column: int | None = None
    replacement: Replacement | None = None
    fix: Fix | None = None

    def as_dict(self) -> dict[str, Any]:
        """The fields in order (as `dataclasses.asdict` gave them), without
        `replacement` and `fix` when None: most findings keep their JSON as it
        always was."""
        data: dict[str, Any] = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "severity": self.severity,
            "name": self.name,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }
        if self.replacement is not None:
            data["replacement"] = _replacement_dict(self.replacement)
        if self.fix is not None:
            data["fix"] = self.fix.as_dict()
        return data

    def fixable(self, unsafe: bool = False) -> bool:
        """Whether `lint --fix` (with `--unsafe-fixes` when `unsafe`) would try this fix."""
        return self.fix is not None and (unsafe or self.fix.applicability == "safe")


def _replacement_dict(edit: Replacement) -> dict[str, Any]:
    return {
        "line": edit.line,
        "column": edit.column,
        "end_line": edit.end_line,
        "end_column": edit.end_column,
        "text": edit.text,
    }
