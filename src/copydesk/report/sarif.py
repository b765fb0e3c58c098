"""SARIF 2.1.0 for code scanning: one run, every known rule, one result per finding.

GitHub code scanning reads `ruleId`, `message.text`, `level` and a physical
location whose URI is relative to the repository root (`%SRCROOT%`). The rule
list carries every registered rule, not just those that fired, so a viewer can
explain a rule from the log alone; `ruleIndex` points into that list.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from copydesk import __version__
from copydesk.report.paths import repo_relative

if TYPE_CHECKING:
    from copydesk.findings import Finding
    from copydesk.registry import RuleInfo

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/copydesk/copydesk"
RULES_DOC_URI = f"{INFORMATION_URI}/blob/main/docs/rules.md"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def render(findings: Iterable[Finding], rules: Mapping[str, RuleInfo], root: Path) -> str:
    """The SARIF log as JSON text; `root` is the repository root (git toplevel).

    A file name that is not UTF-8 reaches messages as lone surrogates (Python's
    `surrogateescape`), which no UTF-8 file can hold: they become U+FFFD in the
    text (its URI keeps the real bytes, percent-encoded)."""
    text = json.dumps(sarif_log(findings, rules, root), indent=2, ensure_ascii=False)
    return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def file_uri(path: str, root: Path) -> str:
    """A finding's path as a URI reference relative to `root` (RFC 3986): each
    byte of the name as on disk percent-encoded unless unreserved, so spaces,
    accents, `%`, `#` and `?` (and names that are not UTF-8) stay one path."""
    return quote(os.fsencode(repo_relative(path, root)))


def sarif_log(
    findings: Iterable[Finding], rules: Mapping[str, RuleInfo], root: Path
) -> dict[str, Any]:
    ordered = sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code))
    descriptors = [rule_descriptor(rules[code]) for code in sorted(rules)]
    # A finding of a rule the registry does not know (should not happen) still
    # gets a descriptor, so that every ruleIndex is valid.
    for finding in ordered:
        if finding.code not in rules and all(d["id"] != finding.code for d in descriptors):
            descriptors.append(_bare_descriptor(finding))
    index = {descriptor["id"]: i for i, descriptor in enumerate(descriptors)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "copydesk",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": [result(f, index[f.code], root) for f in ordered],
            }
        ],
    }


def rule_descriptor(info: RuleInfo) -> dict[str, Any]:
    from copydesk.ruledocs import HEADINGS, sections

    cls = info.cls
    summary, parts = sections(info)
    short = getattr(cls, "summary", "") or summary.split("\n")[0] or cls.name
    full = summary or short
    text = "\n\n".join(_text_section(h, parts[h]) for h in HEADINGS if parts.get(h))
    markdown = "\n\n".join(_markdown_section(h, parts[h]) for h in HEADINGS if parts.get(h))
    descriptor: dict[str, Any] = {
        "id": cls.code,
        "name": cls.name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": text or full, "markdown": markdown or full},
        "defaultConfiguration": {"level": LEVELS.get(cls.severity, "warning")},
        "properties": {"tags": [cls.name], "fixable": bool(cls.fixable)},
    }
    if cls.__module__.startswith("copydesk."):  # only shipped rules are in docs/rules.md
        descriptor["helpUri"] = f"{RULES_DOC_URI}#{cls.code.lower()}-{cls.name}"
    return descriptor


def _text_section(heading: str, body: str) -> str:
    return f"{heading}{'' if heading.endswith('?') else ':'}\n{body}"


def _markdown_section(heading: str, body: str) -> str:
    if heading in ("Example", "Use instead"):
        return f"**{heading}**\n\n```markdown\n{body}\n```"
    return f"**{heading}**\n\n{body}"


def _bare_descriptor(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.code,
        "name": finding.name or finding.code,
        "shortDescription": {"text": finding.name or finding.code},
    }


def result(finding: Finding, rule_index: int, root: Path) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": physical_location(finding, root)}],
    }
    if finding.fix is not None or finding.replacement is not None:
        data["fixes"] = [fix(finding, root)]
    return data


def fix(finding: Finding, root: Path) -> dict[str, Any]:
    """The finding's fix (its edits, with whether `lint --fix` applies it) or its
    suggested replacement (one span, new text) as a SARIF fix."""
    if finding.fix is not None:
        edits = finding.fix.edits
        safe = finding.fix.applicability == "safe"
        text = "copydesk lint --fix" + ("" if safe else " --unsafe-fixes")
        if finding.fix.removes:
            text += f" removes '{finding.fix.removes}'"
    else:
        assert finding.replacement is not None
        edits = (finding.replacement,)
        text = f"use '{finding.replacement.text}'"
    artifact = {"uri": file_uri(finding.path, root), "uriBaseId": "%SRCROOT%"}
    replacements = [
        {
            "deletedRegion": {
                "startLine": edit.line,
                "startColumn": edit.column,
                "endLine": edit.end_line,
                "endColumn": edit.end_column,
            },
            "insertedContent": {"text": edit.text},
        }
        for edit in edits
    ]
    return {
        "description": {"text": text},
        "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
    }


def physical_location(finding: Finding, root: Path) -> dict[str, Any]:
    artifact = {"uri": file_uri(finding.path, root), "uriBaseId": "%SRCROOT%"}
    region: dict[str, int] = {"startLine": finding.line, "startColumn": finding.column}
    if finding.end_line is not None:
        region["endLine"] = finding.end_line
    if finding.end_column is not None:
        region["endColumn"] = finding.end_column
    return {"artifactLocation": artifact, "region": region}
