"""Rule discovery: the `copydesk.rules` entry point group plus declarative packs.

Built-in rule modules and third-party plugins register the same way, so the
engine has one path for both. An entry point's value is a module (every
`Rule` subclass defined in it is a rule) or a single class. Loading imports
the rule modules (they are small) but constructs no rule: the engine builds
only the rules a run selects. Two rules with one code, or one name, are an
error that names both sources, because silently shadowing a rule hides it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TypeGuard

from copydesk.errors import CopydeskError
from copydesk.rules.base import Rule

ENTRY_POINT_GROUP = "copydesk.rules"
BUILTIN_CODE = re.compile(r"^CD\d{3}$")
ANY_CODE = re.compile(r"^[A-Z][A-Z0-9]*\d+$")


class RuleConflict(CopydeskError):
    """Two rules claim the same code or name, or a plugin does not load."""


@dataclass(frozen=True)
class RuleInfo:
    """A registered rule class and where it came from (for messages and docs)."""

    cls: type[Rule]
    source: str

    @property
    def code(self) -> str:
        return self.cls.code

    @property
    def name(self) -> str:
        return self.cls.name


@dataclass
class Registry:
    """Every known rule by code, with a name -> code index."""

    rules: dict[str, RuleInfo] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def add(self, info: RuleInfo) -> None:
        code, name = info.code, info.name
        if code in self.rules:
            raise RuleConflict(
                info.source, f"rule code {code} is also defined by {self.rules[code].source}"
            )
        if name in self.names:
            other = self.rules[self.names[name]]
            raise RuleConflict(
                info.source, f"rule name '{name}' ({code}) is also used by {other.source}"
            )
        self.rules[code] = info
        self.names[name] = code

    def extended(self, infos: Iterable[RuleInfo]) -> Registry:
        """A copy with more rules (a config's own packs), leaving this one intact."""
        copy = Registry(dict(self.rules), dict(self.names))
        for info in infos:
            copy.add(info)
        return copy

    def lookup(self, code_or_name: str) -> RuleInfo | None:
        code = self.names.get(code_or_name, code_or_name.upper())
        return self.rules.get(code)

    def sorted(self) -> list[RuleInfo]:
        return [self.rules[code] for code in sorted(self.rules)]


def load_registry(with_plugins: bool = True) -> Registry:
    """Entry-point rules (built-in and plugins) and the shipped packs."""
    from copydesk.packs import load_pack, shipped_packs

    registry = Registry()
    if with_plugins:
        for info in entry_point_rules():
            registry.add(info)
    for pack in shipped_packs():
        for info in load_pack(pack):
            registry.add(info)
    return registry


def entry_point_rules() -> Iterator[RuleInfo]:
    from copydesk.plugins import entry_points

    for point in sorted(entry_points(ENTRY_POINT_GROUP), key=lambda ep: ep.value):
        source = f"entry point '{point.name} = {point.value}'"
        try:
            loaded = point.load()
        except Exception as error:  # a broken plugin must name itself, not crash the run
            raise RuleConflict(
                source, f"cannot load rules: {type(error).__name__}: {error}"
            ) from error
        for cls in rule_classes(loaded):
            yield RuleInfo(cls, f"{cls.__module__}.{cls.__qualname__} (entry point '{point.name}')")


def rule_classes(loaded: object) -> list[type[Rule]]:
    """The concrete rules in a module, or the class itself."""
    if isinstance(loaded, ModuleType):
        found = [
            obj
            for obj in vars(loaded).values()
            if _is_rule(obj) and obj.__module__ == loaded.__name__
        ]
        return sorted(found, key=lambda cls: cls.code)
    if _is_rule(loaded):
        return [loaded]
    raise TypeError(f"{loaded!r} is neither a module nor a Rule subclass")


def _is_rule(obj: object) -> TypeGuard[type[Rule]]:
    return (
        isinstance(obj, type)
        and issubclass(obj, Rule)
        and obj is not Rule
        and isinstance(getattr(obj, "code", None), str)
    )
