"""Rule documentation from the rules themselves: `copydesk rules` and docs/rules.md.

The docstring is the single source: a summary paragraph, then the four
headings every rule has (What it does / Why is this bad? / Example /
Use instead). Generating docs/rules.md from it means the docs cannot drift
from the code; a test regenerates it and fails when the file is stale.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from copydesk.errors import CopydeskError
from copydesk.registry import Registry, RuleInfo

HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead")
# Optional, for fixable rules: what `lint --fix` does, and when it declines.
FIX = "Fix"
_HEADING = re.compile(r"^(What it does|Why is this bad\?|Example|Use instead|Fix):?[ \t]*(.*)$")


def fixability(cls: Any) -> str:
    """ "safe", "unsafe" (applied only with --unsafe-fixes), "yes" (a plugin's bare
    True: its fixes say) or "no"."""
    if isinstance(cls.fixable, str) and cls.fixable:
        return cls.fixable
    return "yes" if cls.fixable else "no"


def sections(info: RuleInfo) -> tuple[str, dict[str, str]]:
    """(summary paragraph, {heading: text}) from a rule's docstring."""
    lines = inspect.cleandoc(info.cls.__doc__ or "").splitlines()
    summary: list[str] = []
    found: dict[str, list[str]] = {}
    current: list[str] = summary
    for line in lines:
        match = _HEADING.match(line)
        if match:
            current = found.setdefault(match.group(1), [])
            if match.group(2):
                current.append(match.group(2))
        else:
            current.append(line)
    text = {key: "\n".join(value).strip() for key, value in found.items()}
    return "\n".join(summary).strip(), text


def origin(info: RuleInfo) -> str:
    """Where a rule comes from, without machine-specific paths."""
    if info.source.startswith("pack "):
        return f"pack `{Path(info.source[5:]).name}`"
    return f"`{info.cls.__module__}`"


def run(args: argparse.Namespace) -> int:
    """`copydesk rules [CODE] [--json]`: 0, or 2 for an unknown rule or a bad config."""
    from copydesk.registry import load_registry

    try:
        registry = load_registry()
        if args.markdown:  # docs/rules.md: shipped rules only, whatever the folder's config
            sys.stdout.write(markdown(registry))
            return 0
        registry = with_config_packs(registry, Path(args.config) if args.config else None)
    except CopydeskError as error:
        print(f"copydesk: {error}", file=sys.stderr)
        return 2
    infos = registry.sorted()
    if args.rule is not None:
        info = registry.lookup(args.rule)
        if info is None:
            print(f"copydesk: unknown rule '{args.rule}' (see `copydesk rules`)", file=sys.stderr)
            return 2
        infos = [info]
    if args.json:
        import json

        data = [as_json(info) for info in infos]
        print(json.dumps(data[0] if args.rule else data, indent=2, ensure_ascii=False))
    elif args.rule:
        sys.stdout.write(explain(infos[0]))
    else:
        print("\n".join(rule_rows(registry)))
    return 0


def with_config_packs(registry: Registry, config_file: Path | None) -> Registry:
    """The registry plus the packs named by the configuration lint would use here."""
    from copydesk.config import ConfigFinder
    from copydesk.packs import load_pack

    config = ConfigFinder(config_file).for_dir(Path.cwd().resolve())
    for pack in config.packs:
        registry = registry.extended(load_pack(pack))
    return registry


def as_json(info: RuleInfo) -> dict[str, Any]:
    """One rule for `copydesk rules --json`: what a tool needs to show or select it."""
    cls = info.cls
    summary, parts = sections(info)
    return {
        "code": cls.code,
        "name": cls.name,
        "severity": cls.severity,
        "summary": getattr(cls, "summary", "") or summary.split("\n")[0],
        "default": cls.default,
        "fixable": fixability(cls) != "no",
        "fix": fixability(cls),
        "scope": cls.scope,
        "source": origin(info).replace("`", ""),
        "options": dict(cls.options),
        "docs": {heading: parts.get(heading, "") for heading in HEADINGS},
    }


def rule_rows(registry: Registry) -> Iterator[str]:
    for info in registry.sorted():
        cls = info.cls
        summary = getattr(cls, "summary", "") or sections(info)[0].split("\n")[0]
        opt_in = "" if cls.default else " (opt-in)"
        fix = " [*]" if fixability(cls) != "no" else ""
        yield f"{cls.code:<9} {cls.name:<32} {cls.severity:<8} {summary}{opt_in}{fix}"


def explain(info: RuleInfo) -> str:
    """The plain-text docs of one rule, for `copydesk rules CODE`."""
    cls = info.cls
    summary, parts = sections(info)
    fix = fixability(cls)
    lines = [f"{cls.code} {cls.name} ({cls.severity}{'' if fix == 'no' else f', fix: {fix}'})", ""]
    lines += [summary, ""] if summary else []
    for heading in HEADINGS:
        title = heading if heading.endswith("?") else f"{heading}:"
        lines += [title, _indent(parts.get(heading, "(missing)")), ""]
    if FIX in parts:
        lines += [f"{FIX}:", _indent(parts[FIX]), ""]
    if cls.options:
        lines.append("Options:")
        lines += [f"    {key} = {value!r}" for key, value in cls.options.items()]
    return "\n".join(lines).rstrip() + "\n"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


def markdown(registry: Registry) -> str:
    """docs/rules.md: built-in rules and shipped packs (never local plugins)."""
    shipped = [info for info in registry.sorted() if info.cls.__module__.startswith("copydesk.")]
    out = [
        "# Rules",
        "",
        "<!-- Generated by `make docs` (copydesk rules --markdown). Do not edit. -->",
        "",
        "| code | name | severity | summary |",
        "|---|---|---|---|",
    ]
    for info in shipped:
        summary = (getattr(info.cls, "summary", "") or sections(info)[0]).replace("|", "\\|")
        anchor = f"{info.code.lower()}-{info.name}"
        out.append(f"| [{info.code}](#{anchor}) | {info.name} | {info.cls.severity} | {summary} |")
    for info in shipped:
        out += ["", *_rule_markdown(info)]
    return "\n".join(out) + "\n"


def _rule_markdown(info: RuleInfo) -> Iterator[str]:
    cls = info.cls
    summary, parts = sections(info)
    yield f"## {cls.code} {cls.name}"
    yield ""
    if summary:
        yield summary
        yield ""
    fixable = fixability(cls)
    enabled = "yes" if cls.default else "no (opt-in: `extend-select`)"
    yield (
        f"Severity: {cls.severity} · Fixable: {fixable} · On by default: {enabled}"
        f" · Source: {origin(info)}"
    )
    if cls.options:
        yield ""
        yield "Options: " + ", ".join(f"`{k}` (default `{v!r}`)" for k, v in cls.options.items())
    for heading in HEADINGS:
        yield ""
        yield f"### {heading}"
        yield ""
        body = parts.get(heading, "")
        if heading in ("Example", "Use instead") and body:
            yield "```markdown"
            yield body
            yield "```"
        else:
            yield body
    if FIX in parts:
        yield ""
        yield f"### {FIX}"
        yield ""
        yield parts[FIX]
