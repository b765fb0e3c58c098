"""Rule discovery: the `copydesk.rules` entry point group plus declarative packs.

Built-in rule modules and third-party plugins register the same way, so the
engine has one path for both. An entry point's value is a module (every
`Rule` subclass defined in it is a rule) or a single class. Loading constructs
no rule: the engine builds only the rules a run selects. Nor does it import
the built-in rule modules or compile the shipped packs: what choosing and
configuring a rule needs (code, name, default, severity, options...) comes
from copydesk.ruletable's generated table, and a rule's class is imported the
first time something asks for it (`RuleInfo.cls`), so a run of `--select
CD111`, or with nothing to lint, does not pay for the other rule modules.
Plugins are imported when the registry loads, as before. Two rules with one
code, or one name, are an error that names both sources, because silently
shadowing a rule hides it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeGuard

from copydesk.errors import CopydeskError
from copydesk.rules.base import Rule

if TYPE_CHECKING:
    from copydesk.ruletable import Row

ENTRY_POINT_GROUP = "copydesk.rules"


class RuleConflict(CopydeskError):
    """Two rules claim the same code or name, or a plugin does not load."""


class RuleMeta(NamedTuple):
    """What selecting, configuring and listing a rule need, without its class."""

    code: str
    name: str
    default: bool
    severity: str
    online: bool
    scope: str
    options: Mapping[str, Any]
    option_choices: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, rule: type[Rule]) -> RuleMeta:
        return cls(
            rule.code,
            rule.name,
            rule.default,
            rule.severity,
            rule.online,
            rule.scope,
            dict(rule.options),
            dict(rule.option_choices),
        )


class RuleInfo:
    """A registered rule: its metadata, where it came from (for messages and
    docs), and its class, given or imported on first use from `where`:
    ("module", module name, class name) or ("pack", pack file, code)."""

    __slots__ = ("_cls", "meta", "source", "where")

    def __init__(
        self,
        cls: type[Rule] | None,
        source: str,
        meta: RuleMeta | None = None,
        where: tuple[str, str, str] | None = None,
    ) -> None:
        if cls is None and (meta is None or where is None):
            raise TypeError("a rule without its class needs its metadata and where it is")
        self._cls = cls
        self.source = source
        self.meta = meta if meta is not None else RuleMeta.of(cls)  # type: ignore[arg-type]
        self.where = where

    def __repr__(self) -> str:
        return f"RuleInfo({self.code}, {self.source!r})"

    @property
    def cls(self) -> type[Rule]:
        if self._cls is None:
            self._cls = _import_rule(self)
        return self._cls

    @property
    def loaded(self) -> bool:
        """Whether the class is here (given, or imported by now)."""
        return self._cls is not None

    @property
    def code(self) -> str:
        return self.meta.code

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def default(self) -> bool:
        return self.meta.default

    @property
    def severity(self) -> str:
        return self.meta.severity

    @property
    def online(self) -> bool:
        return self.meta.online

    @property
    def scope(self) -> str:
        return self.meta.scope

    @property
    def options(self) -> Mapping[str, Any]:
        return self.meta.options

    @property
    def option_choices(self) -> Mapping[str, tuple[str, ...]]:
        return self.meta.option_choices


class Registry:
    """Every known rule by code, with a name -> code index."""

    __slots__ = ("names", "rules")

    def __init__(
        self, rules: dict[str, RuleInfo] | None = None, names: dict[str, str] | None = None
    ) -> None:
        self.rules = rules if rules is not None else {}
        self.names = names if names is not None else {}

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
    from copydesk.ruletable import builtin_table, shipped_packs

    table = builtin_table()
    registry = Registry()
    if with_plugins:
        for info in entry_point_rules(table.modules if table else {}):
            registry.add(info)
    for pack in shipped_packs():
        rows = table.pack_rows(pack) if table else None
        for info in _pack_rules(pack) if rows is None else _lazy_pack(pack, rows):
            registry.add(info)
    return registry


def entry_point_rules(known: Mapping[str, Sequence[Row]] | None = None) -> Iterator[RuleInfo]:
    """Each entry point's rules; a module in `known` (the built-in table) is not imported."""
    from copydesk.plugins import entry_points

    for point in sorted(entry_points(ENTRY_POINT_GROUP), key=lambda ep: ep.value):
        rows = known.get(point.value) if known else None
        if rows is not None:
            for row in rows:
                where = ("module", point.value, row[0])
                source = f"{point.value}.{row[0]} (entry point '{point.name}')"
                yield RuleInfo(None, source, RuleMeta(*row[1:]), where)
            continue
        source = f"entry point '{point.name} = {point.value}'"
        try:
            loaded = point.load()
        except Exception as error:  # a broken plugin must name itself, not crash the run
            raise RuleConflict(
                source, f"cannot load rules: {type(error).__name__}: {error}"
            ) from error
        for cls in rule_classes(loaded):
            yield RuleInfo(cls, f"{cls.__module__}.{cls.__qualname__} (entry point '{point.name}')")


def _pack_rules(pack: Path) -> list[RuleInfo]:
    from copydesk.packs import load_pack

    return load_pack(pack)


def _lazy_pack(pack: Path, rows: Sequence[Row]) -> Iterator[RuleInfo]:
    for row in rows:
        yield RuleInfo(None, f"pack {pack}", RuleMeta(*row[1:]), ("pack", str(pack), row[1]))


def _import_rule(info: RuleInfo) -> type[Rule]:
    """A table rule's class, checked against the table (a stale table must not
    quietly select or configure a rule otherwise than its class says)."""
    assert info.where is not None
    kind, place, name = info.where
    if kind == "pack":
        cls = _pack_classes(place)[name]
    else:
        import importlib

        cls = getattr(importlib.import_module(place), name)
    if RuleMeta.of(cls) != info.meta:
        raise RuleConflict(
            info.source,
            "differs from copydesk's rule table: run `python -m copydesk.ruletable`",
        )
    return cls


@functools.cache
def _pack_classes(pack: str) -> dict[str, type[Rule]]:
    return {info.code: info.cls for info in _pack_rules(Path(pack))}


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
