"""Configuration: `[tool.copydesk]` in pyproject.toml, or `.copydesk.toml`.

A file's configuration is the nearest one found walking up from its folder
(cached per folder), so a monorepo can hold several blogs with different
rules. Loading has two steps: `load_config` checks the engine's own keys
(select, ignore, severity, ...); `resolve` then checks every other name
against the registry, because rule options are declared by the rules
themselves (`Rule.options`). A typo is an error naming the file and the key,
never silence, with the nearest valid name when there is one. Hand validation
keeps pydantic out of `copydesk lint` start-up.

`SCHEMA` lists every engine key with its type, default and an example:
docs/configuration.md is generated from it (`copydesk.configdocs`), so a key
added here is documented, and a key missing here is an unknown key.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from copydesk.errors import CopydeskError
from copydesk.lazyre import lazy_compile
from copydesk.registry import Registry, RuleInfo

if TYPE_CHECKING:
    from copydesk.web.settings import LinkSettings

CONFIG_NAMES = (".copydesk.toml", "pyproject.toml")
SEVERITIES = ("error", "warning", "info")
_LIST_KEYS = ("select", "ignore", "extend-select", "exclude", "packs")


class Key(NamedTuple):
    """One engine key: what the reference says about it (`copydesk.configdocs`)."""

    name: str
    type: str
    default: str  # as TOML, or a phrase in parentheses
    doc: str
    example: str  # TOML lines


SCHEMA: tuple[Key, ...] = (
    Key(
        "select",
        "list of strings",
        "(every rule on by default)",
        "Rules to run, replacing the default set: codes (`CD101`), names "
        "(`missing-link-target`), code prefixes (`CD1`) or `ALL`. `--select` on the "
        "command line replaces it.",
        'select = ["CD1", "CD2", "missing-title"]',
    ),
    Key(
        "extend-select",
        "list of strings",
        "[]",
        "Rules to run besides the selected ones, such as opt-in rules. "
        "`--extend-select` adds more.",
        'extend-select = ["CD208"]',
    ),
    Key(
        "ignore",
        "list of strings",
        "[]",
        "Rules never to run, applied after `select` and `extend-select`. `--ignore` adds more.",
        'ignore = ["CD201", "CD104"]',
    ),
    Key(
        "severity",
        "table: rule -> error | warning | info",
        "{}",
        "Severity per rule (code or name). Only error-level findings make `copydesk lint` exit 1.",
        '[severity]\nCD203 = "error"\nmissing-alt-text = "info"',
    ),
    Key(
        "per-file-ignores",
        "table: glob -> list of strings",
        "{}",
        "Rules ignored in the files matching a glob, relative to the config file's "
        "folder (`**` spans folders; a pattern without `/` matches at any depth).",
        '[per-file-ignores]\n"drafts/**" = ["CD3"]\n"_posts/2012-*.md" = ["CD201"]',
    ),
    Key(
        "exclude",
        "list of strings",
        "[]",
        "Files and folders every command skips (same globs as `per-file-ignores`), "
        "whether found in a folder or named on the command line.",
        'exclude = ["_drafts/", "archive/**/*.md"]',
    ),
    Key(
        "packs",
        "list of strings",
        "[]",
        "Your own rule packs (YAML), relative to the config file; see "
        "[rule-packs.md](rule-packs.md). Their rules are listed by `copydesk rules`.",
        'packs = ["house-style.yml"]',
    ),
    Key(
        "rules",
        "table: rule -> table of options",
        "{}",
        "Options of one rule (code or name), over the shared top-level options; "
        "see [Rule options](#rule-options).",
        '[rules.CD104]\nphrases = ["here", "this link"]',
    ),
    Key(
        "baseline",
        "string (file name)",
        "(none)",
        "Default for `lint --baseline`, relative to the config file: only findings not "
        "recorded in it fail.",
        'baseline = ".copydesk-baseline.json"',
    ),
    Key(
        "max-file-size",
        "integer (bytes) or string",
        "10000000",
        "Larger files are named and skipped, from their size alone; `0`: no limit. "
        "Units: `kB`, `MB`, `GB` (powers of 1000). `--max-file-size` wins.",
        'max-file-size = "20 MB"',
    ),
    Key(
        "online",
        "boolean",
        "false",
        "Run the web link rules (they ask every linked server); `--online`/`--no-online` "
        "win. See the `[links]` table.",
        "online = true",
    ),
    Key(
        "cache-dir",
        "string (folder)",
        '".copydesk_cache"',
        "The one folder of copydesk's caches (`lint.json`: each file's results, reused while "
        "the file, its rules and its site are unchanged; `urls.json`: each site's URL index, "
        "reused per page while its size and times are unchanged, and its list of published "
        "pages with the URL each gets from its path and its generator's settings, reused while "
        "the site's files and front matter are; `links.json`: what "
        "`--online` learnt about each link), relative to the config's folder; "
        "`--cache-dir` wins, `--no-cache` neither reads nor writes it. `[links] cache-dir`, "
        "the link cache's former key, still works when this one is not set, with a "
        "deprecation note. See [ci.md](ci.md#caching-between-runs).",
        'cache-dir = ".cache/copydesk"',
    ),
    Key(
        "links",
        "table",
        "{}",
        "How the web link rules ask servers: see [The links table](#the-links-table).",
        '[links]\ntimeout = 5.0\nskip-hosts = ["localhost", "intranet.example.com"]',
    ),
)
ENGINE_KEYS = frozenset(key.name for key in SCHEMA)
# Larger posts are named and skipped: parsing costs memory a few times the size.
DEFAULT_MAX_FILE_SIZE = 10_000_000
_SIZE = lazy_compile(r"(\d+(?:\.\d+)?)\s*([kmg]?)b?", re.IGNORECASE)  # when a size is given


class ConfigError(CopydeskError):
    """The configuration has an unknown key, an unknown code or a bad value."""


class Overrides(NamedTuple):
    """Command-line choices; they win over every configuration file."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    max_file_size: int | None = None  # --max-file-size; None: the config's


# The default of a table key: empty, and shared by every Config, so never to be changed.
_NO_TABLE: Mapping[str, Any] = MappingProxyType({})


class Config(NamedTuple):
    """One configuration file's content (or the defaults when there is none).

    An immutable record, as a NamedTuple: a frozen dataclass compiles six
    methods when its module is imported, ~1 ms of every run's start-up."""

    path: Path | None
    root: Path
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    severity: Mapping[str, str] = _NO_TABLE
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    packs: tuple[Path, ...] = ()
    settings: Mapping[str, Any] = _NO_TABLE
    rule_options: Mapping[str, Mapping[str, Any]] = _NO_TABLE
    baseline: Path | None = None  # `lint --baseline` default, relative to this file
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; 0: no limit
    # Check links on the web (`lint --online`); off by default: a pre-commit
    # hook must never wait for the network.
    online: bool = False
    # The folder of every cache, relative to the config's folder (`lint --cache-dir` wins).
    cache_dir: str = ".copydesk_cache"
    # The `[links]` table: cache, limits, quarantine, per-host settings (None: defaults).
    links: LinkSettings | None = None

    @property
    def source(self) -> str:
        return str(self.path) if self.path else "(defaults)"

    def relative(self, path: Path, real: str | None = None) -> str:
        """`path` relative to this config's folder, for globs. `real`: its real
        path when the caller knows it (a walk that follows no link): string
        work instead of a `realpath` per file."""
        if real is not None and os.sep == "/":
            root = str(self.root)
            prefix = root if root.endswith("/") else root + "/"
            if real.startswith(prefix):
                return real[len(prefix) :]
        try:  # realpath, not resolve(): a symlink loop must not raise (reading names it)
            return Path(real or os.path.realpath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def is_excluded(self, path: Path, real: str | None = None) -> bool:
        """Whether an `exclude` pattern matches `path` (`real`: see `relative`)."""
        if not self.exclude:  # the common case, asked of every file a walk finds
            return False
        relative = self.relative(path, real)
        return any(matches_glob(pattern, relative) for pattern in self.exclude)


# --- reading ------------------------------------------------------------------


def read_table(path: Path) -> dict[str, Any] | None:
    """The copydesk table of a config file; None for a pyproject without one."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(path, f"cannot read config: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(path, f"config is not valid TOML: {error}") from None
    if path.name != "pyproject.toml":
        tool = data.get("tool")
        if isinstance(tool, dict) and "copydesk" in tool:
            raise ConfigError(
                path,
                "[tool.copydesk] belongs in pyproject.toml; in .copydesk.toml write the "
                "keys at the top level (drop the header)",
            )
        return data
    tool = data.get("tool", {})
    table = tool.get("copydesk") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else None


def load_config(path: Path) -> Config:
    """Read and check the engine keys of one config file (pyproject or .copydesk.toml)."""
    path = path.resolve()
    table = read_table(path)
    if table is None:
        if path.name == "pyproject.toml":
            return Config(path=path, root=path.parent)
        raise ConfigError(path, "no configuration found")
    return config_from_table(path, table)


def config_from_table(path: Path, table: Mapping[str, Any]) -> Config:
    root = path.parent
    lists = {key: _str_list(path, key, table[key]) for key in _LIST_KEYS if key in table}
    select = lists.get("select")
    return Config(
        path=path,
        root=root,
        select=tuple(select) if select is not None else None,
        ignore=tuple(lists.get("ignore", ())),
        extend_select=tuple(lists.get("extend-select", ())),
        severity=_severity_table(path, table.get("severity", {})),
        per_file_ignores=_per_file_ignores(path, table.get("per-file-ignores", {})),
        exclude=tuple(lists.get("exclude", ())),
        packs=tuple((root / item).resolve() for item in lists.get("packs", ())),
        settings={key: value for key, value in table.items() if key not in ENGINE_KEYS},
        rule_options=_rule_tables(path, table.get("rules", {})),
        baseline=_baseline(path, table.get("baseline")),
        max_file_size=_max_file_size(path, table.get("max-file-size", DEFAULT_MAX_FILE_SIZE)),
        online=_bool(path, "online", table.get("online", False)),
        cache_dir=_cache_dir(path, table),
        links=_links(path, table["links"]) if "links" in table else None,
    )


def parse_size(value: object) -> int:
    """Bytes from `10000000`, `"10 MB"`, `"500kB"` or `"1.5 GB"` (powers of 1000);
    `ValueError` for anything else."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    match = _SIZE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"not a size: {value!r} (e.g. 10000000 or '10 MB')")
    scale = {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}[match[2].lower()]
    return int(float(match[1]) * scale)


def _max_file_size(path: Path, value: Any) -> int:
    try:
        return parse_size(value)
    except ValueError as error:
        raise ConfigError(path, f"'max-file-size': {error}") from None


def _bool(path: Path, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(path, f"'{key}' must be true or false")
    return value


def _cache_dir(path: Path, table: Mapping[str, Any]) -> str:
    """`cache-dir`: the one folder of every cache (lint, URL index, links).
    `[links] cache-dir`, its former key for the link cache alone, still sets
    it when `cache-dir` does not, with a one-line note."""
    value = table.get("cache-dir")
    links = table.get("links")
    old = links.get("cache-dir") if isinstance(links, dict) else None
    if old is not None:
        ignored = "; ignored: cache-dir is set" if value is not None else ""
        _note_once(
            f"copydesk: {path}: [links] cache-dir is deprecated, use the top-level "
            f"cache-dir (one folder holds every cache){ignored}"
        )
        value = old if value is None else value
    if value is None:
        return ".copydesk_cache"
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, "'cache-dir' must be a folder name")
    return value


_NOTED: set[str] = set()


def _note_once(note: str) -> None:
    """A deprecation note on stderr, once per run however often the config is read."""
    if note not in _NOTED:
        _NOTED.add(note)
        print(note, file=sys.stderr)


def _links(path: Path, value: Any) -> LinkSettings:
    from copydesk.web.settings import link_settings

    return link_settings(path, value)


def _baseline(path: Path, value: Any) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(path, "'baseline' must be a file name")
    return (path.parent / value).resolve()


def _str_list(path: Path, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(path, f"'{key}' must be a list of strings")
    return value


def _table(path: Path, key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(path, f"'{key}' must be a table")
    return value


def _severity_table(path: Path, value: Any) -> dict[str, str]:
    table = _table(path, "severity", value)
    for code, level in table.items():
        if level not in SEVERITIES:
            hint = did_you_mean(str(level), SEVERITIES)
            raise ConfigError(
                path, f"severity.{code}: '{level}' is not error, warning or info{hint}"
            )
    return dict(table)


def _per_file_ignores(path: Path, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    table = _table(path, "per-file-ignores", value)
    return tuple(
        (glob, tuple(_str_list(path, f"per-file-ignores.{glob}", codes)))
        for glob, codes in table.items()
    )


def _rule_tables(path: Path, value: Any) -> dict[str, Mapping[str, Any]]:
    table = _table(path, "rules", value)
    return {key: _table(path, f"rules.{key}", options) for key, options in table.items()}


# --- discovery ----------------------------------------------------------------


class ConfigFinder:
    """Nearest configuration for a file, cached per folder.

    With an explicit `--config FILE`, that file applies to everything.
    """

    def __init__(self, explicit: Path | None = None, cwd: Path | None = None) -> None:
        self._explicit = load_config(explicit) if explicit else None
        self._default = Config(path=None, root=(cwd or Path.cwd()).resolve())
        self._by_dir: dict[Path, Config] = {}
        self._resolved: dict[Path, Path] = {}

    def for_file(self, path: Path) -> Config:
        if self._explicit:
            return self._explicit
        if os.path.islink(path):  # its config is the one beside the file it points to
            # realpath, not resolve(): a symlink loop must reach reading, which names it
            return self.for_dir(Path(os.path.realpath(path)).parent)
        folder = path.parent  # resolved once per folder: realpath stats every component
        resolved = self._resolved.get(folder)
        if resolved is None:
            resolved = self._resolved[folder] = folder.resolve()
        return self.for_dir(resolved)

    def for_dir(self, directory: Path) -> Config:
        if self._explicit:
            return self._explicit
        cached = self._by_dir.get(directory)
        if cached is None:
            cached = self._lookup(directory)
            self._by_dir[directory] = cached
        return cached

    def _lookup(self, directory: Path) -> Config:
        folder = str(directory)  # asked of every folder a walk enters: no Path per name
        for name in CONFIG_NAMES:
            if os.path.isfile(os.path.join(folder, name)):
                candidate = directory / name
                table = read_table(candidate)
                if table is not None:
                    return config_from_table(candidate, table)
        parent = directory.parent
        return self._default if parent == directory else self.for_dir(parent)


# --- resolution against the registry ------------------------------------------


class ActiveRule(NamedTuple):
    """A selected rule with its merged options and effective severity."""

    info: RuleInfo
    settings: Mapping[str, Any]
    severity: str


class Resolved(NamedTuple):
    """What one configuration means for a run: which rules, how strict, where."""

    config: Config
    registry: Registry
    active: tuple[ActiveRule, ...]
    severity: Mapping[str, str]
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...]

    def ignored_for(self, path: Path) -> frozenset[str]:
        """Codes that per-file-ignores switch off for this file."""
        if not self.per_file_ignores:
            return frozenset()
        relative = self.config.relative(path)
        codes: set[str] = set()
        for glob, ignored in self.per_file_ignores:
            if matches_glob(glob, relative):
                codes |= ignored
        return frozenset(codes)


def resolve(config: Config, registry: Registry, overrides: Overrides) -> Resolved:
    """Validate a config against the known rules and pick the active ones."""
    if config.packs:  # copydesk.packs compiles patterns: imported only when needed
        from copydesk.packs import load_pack

        for pack in config.packs:
            registry = registry.extended(load_pack(pack))
    where = config.source
    selected = _selection(config, registry, overrides)
    severity = {
        _one_code(where, f"severity.{key}", key, registry): level
        for key, level in config.severity.items()
    }
    per_file = tuple(
        (glob, frozenset(expand(where, f"per-file-ignores.{glob}", codes, registry)))
        for glob, codes in config.per_file_ignores
    )
    options = _options(config, registry)
    active = tuple(
        ActiveRule(info, options[info.code], severity.get(info.code, info.severity))
        for info in registry.sorted()
        if info.code in selected
    )
    return Resolved(config, registry, active, severity, per_file)


def _selection(config: Config, registry: Registry, overrides: Overrides) -> set[str]:
    where = config.source
    if overrides.select is not None:
        chosen = expand("command line", "--select", overrides.select, registry)
    elif config.select is not None:
        chosen = expand(where, "select", config.select, registry)
    else:
        chosen = {code for code, info in registry.rules.items() if info.default}
    chosen |= expand(where, "extend-select", config.extend_select, registry)
    chosen |= expand("command line", "--extend-select", overrides.extend_select, registry)
    chosen -= expand(where, "ignore", config.ignore, registry)
    chosen -= expand("command line", "--ignore", overrides.ignore, registry)
    return chosen


def expand(where: object, key: str, selectors: Iterable[str], registry: Registry) -> set[str]:
    """Codes for selectors: ALL, a code, a rule name, or a code prefix (CD1)."""
    codes: set[str] = set()
    for selector in selectors:
        if selector.upper() == "ALL":
            codes |= set(registry.rules)
            continue
        info = registry.lookup(selector)
        if info:
            codes.add(info.code)
            continue
        prefixed = {code for code in registry.rules if code.startswith(selector.upper())}
        if not prefixed or not re.match(r"^[A-Za-z]+\d*$", selector):
            raise ConfigError(where, f"{key}: {_unknown_rule(selector, registry)}")
        codes |= prefixed
    return codes


def _one_code(where: object, key: str, selector: str, registry: Registry) -> str:
    info = registry.lookup(selector)
    if not info:
        raise ConfigError(where, f"{key}: {_unknown_rule(selector, registry)}")
    return info.code


def _unknown_rule(selector: str, registry: Registry) -> str:
    """`unknown rule code 'CD1O1'; did you mean 'CD101'?` (codes and names alike)."""
    if re.match(r"^[A-Za-z]+\w*\d$", selector):
        # A code is a typo of another only when one character differs (CD1O1, CD10l):
        # CD999 is not "close" to CD492 however similar the strings look.
        code = selector.upper()
        near = sorted(
            known
            for known in registry.rules
            if len(known) == len(code)
            and sum(a != b for a, b in zip(known, code, strict=True)) == 1
        )
        hint = f"; did you mean '{near[0]}'?" if near else ""
    else:
        hint = did_you_mean(selector, registry.names)
    return f"unknown rule code '{selector}'{hint}"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the nearest candidate, or nothing when none is close."""
    import difflib

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _options(config: Config, registry: Registry) -> dict[str, dict[str, Any]]:
    """Per rule: declared defaults <- shared top-level settings <- its own table."""
    declared = {name for info in registry.rules.values() for name in info.options}
    for key in config.settings:
        if key not in declared:
            hint = did_you_mean(key, [*ENGINE_KEYS, *declared])
            raise ConfigError(config.source, f"unknown key '{key}'{hint}")
    own = {
        _one_code(config.source, f"rules.{key}", key, registry): table
        for key, table in config.rule_options.items()
    }
    from copydesk.site.detect import site_choices

    shared_choices = site_choices()
    for key, value in config.settings.items():
        if key in shared_choices and value not in shared_choices[key]:
            _bad_choice(config.source, key, value, shared_choices[key])
    merged: dict[str, dict[str, Any]] = {}
    for code, info in registry.rules.items():
        defaults = info.options
        values = dict(defaults)
        values.update({k: v for k, v in config.settings.items() if k in defaults})
        for key, value in own.get(code, {}).items():
            if key not in defaults:
                hint = did_you_mean(key, defaults)
                raise ConfigError(config.source, f"rules.{code}: unknown option '{key}'{hint}")
            values[key] = value
        choices = {**shared_choices, **info.option_choices}
        for key in values:
            _check_type(config.source, code, key, defaults[key], values[key])
            if key in choices and values[key] not in choices[key]:
                _bad_choice(config.source, f"rules.{code}.{key}", values[key], choices[key])
        merged[code] = values
    return merged


def _bad_choice(where: str, key: str, value: Any, choices: Sequence[str]) -> None:
    """An option with a fixed set of values, given another one: refused before any file."""
    hint = did_you_mean(str(value), choices) or f"; use one of {', '.join(choices)}"
    raise ConfigError(where, f"{key}: unknown value {value!r}{hint}")


def _check_type(where: str, code: str, key: str, default: Any, value: Any) -> None:
    """A value must have the kind of its default (a number for a number, ...)."""
    if default is None or value is default:
        return
    kinds: tuple[type, ...]
    if isinstance(default, bool):
        kinds = (bool,)
    elif isinstance(default, int | float):
        kinds = (int, float)
    elif isinstance(default, list | tuple):
        kinds = (list, tuple)
    else:
        kinds = (type(default),)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise ConfigError(where, f"{key} (for {code}): expected {kinds[0].__name__}, got {value!r}")


# --- globs --------------------------------------------------------------------


def glob_regex(pattern: str) -> re.Pattern[str]:
    """`**` spans folders, `*` and `?` stay within one; a trailing `/` means a folder."""
    out, index = [], 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(out).rstrip("/") + "(?:/.*)?$")


_GLOBS: dict[str, re.Pattern[str]] = {}


def matches_glob(pattern: str, relative: str) -> bool:
    """A pattern with no `/` matches a name at any depth (like .gitignore)."""
    regex = _GLOBS.get(pattern)
    if regex is None:
        regex = _GLOBS[pattern] = glob_regex(pattern.lstrip("/"))
    if regex.match(relative):
        return True
    if "/" not in pattern.rstrip("/"):
        parts = relative.split("/")
        return any(regex.match("/".join(parts[i:])) for i in range(1, len(parts)))
    return False


def selectors(values: Sequence[str] | None) -> tuple[str, ...] | None:
    """Comma-separated command-line lists (`--select CD1,CD201`) as a tuple."""
    if values is None:
        return None
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())
