"""`Finding`: one lint result, positioned in the original file.

A plain frozen dataclass rather than a pydantic model: lint makes thousands
of them and must start fast, and nothing here needs validating — the engine
builds every field itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Replacement:
    """A suggested edit: put `text` in place of the span (1-based, end exclusive).
    Never applied by lint; reporters show it (JSON, SARIF `fixes`)."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True, slots=True)
class Finding:
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

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.replacement is None:  # most findings: keep their JSON as it always was
            del data["replacement"]
        return data
