"""GitHub Actions workflow commands: one annotation per finding on the pull request.

`::error file=F,line=L,col=C,endLine=..,endColumn=..,title=CODE::message`.
GitHub parses these lines itself, so every value is escaped the way its
runner expects: in the message `%`, CR and LF; in a property value also `:`
and `,` (which would otherwise end the value). Paths are relative to the
repository root, where the runner resolves them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from copydesk.report.paths import repo_relative

if TYPE_CHECKING:
    from copydesk.findings import Finding

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The message part (after `::`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title): data escaping plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, root: Path) -> str:
    path = repo_relative(finding.path, root)
    props = [("file", path), ("line", str(finding.line)), ("col", str(finding.column))]
    if finding.end_line is not None:
        props.append(("endLine", str(finding.end_line)))
    # GitHub honours columns only for a single-line range.
    if finding.end_column is not None and finding.end_line in (None, finding.line):
        props.append(("endColumn", str(finding.end_column)))
    props.append(("title", finding.code))
    command = COMMANDS.get(finding.severity, "warning")
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{command} {joined}::{escape_data(finding.message)}"


def render_lines(findings: Iterable[Finding], root: Path) -> Iterator[str]:
    for finding in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code)):
        yield annotation(finding, root)
