"""JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure).

One test suite; one test case per linted file, so a clean file shows as a
passing test; one `<failure>` per finding in it, and an `<error>` for a
file that could not be read. ElementTree does the escaping, so quotes,
ampersands and angle brackets in messages cannot break the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

if TYPE_CHECKING:
    from copydesk.engine import LintError
    from copydesk.findings import Finding

# Characters XML 1.0 cannot carry at all, escaped or not.
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Text with characters XML forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def render(
    findings: Iterable[Finding], files: Sequence[str], errors: Sequence[LintError] = ()
) -> str:
    by_file: dict[str, list[Finding]] = {path: [] for path in files}
    for finding in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code)):
        by_file.setdefault(finding.path, []).append(finding)
    broken: dict[str, list[LintError]] = {}
    for error in errors:
        broken.setdefault(error.path, []).append(error)
        by_file.setdefault(error.path, [])
    suite = ET.Element("testsuite", name="copydesk", tests=str(len(by_file)))
    failed = 0
    for path in sorted(by_file):
        name = xml_safe(path)
        case = ET.SubElement(suite, "testcase", classname="copydesk", name=name, file=name)
        case.set("time", "0")
        for finding in by_file[path]:
            message = xml_safe(finding.message)
            failure = ET.SubElement(case, "failure", message=message, type=finding.code)
            where = f"{finding.path}:{finding.line}:{finding.column}"
            detail = f"{finding.code} {finding.message} ({finding.severity})"
            failure.text = xml_safe(f"{where}: {detail}")
        for error in broken.get(path, []):
            element = ET.SubElement(case, "error", message=xml_safe(error.message))
            element.text = xml_safe(str(error))
        failed += bool(by_file[path])
    suite.set("failures", str(failed))
    suite.set("errors", str(len(broken)))
    suite.set("time", "0")
    suites = ET.Element("testsuites", name="copydesk")
    suites.append(suite)
    for key in ("tests", "failures", "errors"):
        suites.set(key, suite.get(key, "0"))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)
