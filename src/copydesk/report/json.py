"""Machine output: a JSON list of findings, in the same order as the text report."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copydesk.findings import Finding


def render(findings: Iterable[Finding]) -> str:
    ordered = sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code))
    return json.dumps([f.as_dict() for f in ordered], indent=2, ensure_ascii=False)
