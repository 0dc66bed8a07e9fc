"""Settings from `[tool.newsdata]` and the command line, and the select/ignore decision."""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
import re
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path, PureWindowsPath
from typing import Any

from newsdata.check.reading import DEFAULT_MAX_FILE_SIZE
from newsdata.diagnostics import Severity
from newsdata.errors import ConfigError, UsageError
from newsdata.execute.base import ExecutorChoice
from newsdata.storage import is_url

__all__ = [
    "RuleSelection",
    "Settings",
    "closest_code",
    "find_config",
    "load_settings",
    "parse_size",
    "rule_codes",
]

#: A rule code or prefix: newsdata's (ND301, ND3) or a plugin's (XY1, ABC123).
_CODE_PREFIX = re.compile(r"^[A-Z]{1,3}\d{0,4}$")
_NUMBER = re.compile(r"\d+$")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1000, "m": 1000**2, "g": 1000**3}
_KNOWN_KEYS = {
    "select",
    "ignore",
    "severity",
    "max-file-size",
    "registry",
    "raw",
    "near-duplicate-threshold",
    "plugins",
}


@dataclass(frozen=True)
class RuleSelection:
    """Which rules run and how severe their findings are, decided by code prefix.

    The longest matching prefix wins between `select` and `ignore` (ignore wins a tie), as in
    ruff; `severity` maps code prefixes to a severity, again longest prefix first. The empty
    prefix (`ALL`) matches every rule, plugins' included.
    """

    select: tuple[str, ...] = ("",)
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()

    def decide(self, code: str, default: Severity) -> Severity | None:
        """The severity a rule's findings get, or None when the rule is off."""
        return _decide(self, code, default)


@lru_cache(maxsize=4096)
def _decide(selection: RuleSelection, code: str, default: Severity) -> Severity | None:
    selected = _longest(code, selection.select)
    ignored = _longest(code, selection.ignore)
    if selected < 0 or ignored >= selected:
        return None
    best, severity = -1, default
    for prefix, level in selection.severity:
        if code.startswith(prefix) and len(prefix) > best:
            best, severity = len(prefix), level
    return severity


def _longest(code: str, prefixes: Sequence[str]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


@dataclass(frozen=True)
class Settings:
    """Everything a validation run needs to know besides the paths."""

    selection: RuleSelection = field(default_factory=RuleSelection)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    registry_files: tuple[Path, ...] = ()
    raw: str = "raw"
    near_duplicate_threshold: float = 0.8
    today: dt.date | None = None
    config_path: Path | None = None
    #: Plugin files (`plugins` in [tool.newsdata]), each a Python file defining RULES.
    plugins: tuple[Path, ...] = ()
    #: Where the work runs ([tool.newsdata.cluster], --executor, --cluster): never a
    #: per-file result's concern, so in no cache key.
    cluster: ExecutorChoice = field(default_factory=ExecutorChoice)

    def with_cli(
        self,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        max_file_size: str | None = None,
        executor: str | None = None,
        cluster: str | None = None,
    ) -> Settings:
        """These settings overridden by command-line options (--select replaces, --ignore
        adds; --executor and --cluster replace the config's; --cluster alone means dask)."""
        if executor is not None or cluster is not None:
            name = executor or ("dask" if cluster is not None else self.cluster.name)
            address = cluster if cluster is not None else self.cluster.address
            self = replace(self, cluster=replace(self.cluster, name=name, address=address))
        if max_file_size is not None:
            self = replace(self, max_file_size=parse_size(max_file_size, "--max-file-size"))
        chosen = self.selection
        codes = rule_codes(self.plugins)
        if select:
            chosen = replace(chosen, select=_selected(select, "--select", codes))
        if ignore:
            chosen = replace(chosen, ignore=chosen.ignore + _prefixes(ignore, "--ignore", codes))
        return replace(self, selection=chosen)


def _selected(
    values: Sequence[str] | object, where: str, codes: Collection[str]
) -> tuple[str, ...]:
    """`select`: code prefixes, at least one (an empty selection would silently check nothing)."""
    chosen = _prefixes(values, where, codes)
    if not chosen:
        raise ConfigError(
            f"{where} selects no rule: give codes or prefixes such as ND3 (or ALL for every rule)"
        )
    return chosen


def _prefixes(
    values: Sequence[str] | object, where: str, codes: Collection[str]
) -> tuple[str, ...]:
    """Rule codes or prefixes (comma-separated items allowed), each matching one of `codes`;
    ALL is the empty prefix, which matches every rule."""
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise ConfigError(f"{where} must be a list of rule codes or prefixes")
    out: list[str] = []
    for value in values:
        for item in str(value).split(","):
            code = item.strip().upper()
            if code == "ALL":
                out.append("")
                continue
            if not code:
                continue
            if not _CODE_PREFIX.match(code):
                raise ConfigError(
                    f"{where}: {item.strip()!r} is not a rule code or prefix (such as ND3 or ND301)"
                )
            _check_known(code, where, codes)
            out.append(code)
    return tuple(out)


def rule_codes(plugin_files: Sequence[Path] = ()) -> frozenset[str]:
    """The code of every rule newsdata knows, the installed plugins' and those of the plugin
    files included (a typo in a selection must not pass unseen)."""
    from newsdata.rules import rule_table

    return frozenset(rule_table(plugin_files).by_code)


def _check_known(prefix: str, where: str, codes: Collection[str]) -> None:
    if any(code.startswith(prefix) for code in codes):
        return
    closest = closest_code(prefix, codes)
    hint = f" (did you mean {closest}?)" if closest else ""
    raise ConfigError(f"{where}: {prefix} matches no rule{hint}; `newsdata rules` lists them")


def closest_code(prefix: str, codes: Collection[str]) -> str | None:
    """The known code or prefix of the same length most like `prefix` (the most similar, as
    difflib judges, then the nearest in number), to suggest for a typo."""
    candidates = sorted({code[: len(prefix)] for code in codes if len(code) >= len(prefix)})
    typed = _NUMBER.search(prefix)
    if not candidates or typed is None:
        return None

    def likeness(candidate: str) -> tuple[float, int]:
        similarity = difflib.SequenceMatcher(None, prefix, candidate).ratio()
        number = _NUMBER.search(candidate)
        distance = abs(int(number[0]) - int(typed[0])) if number else 10**4
        return similarity, -distance

    return max(candidates, key=likeness)


def parse_size(value: object, where: str = "max-file-size") -> int:
    """A byte count from an integer or a string such as `2MB`, `512k` or `1MiB`."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(f"{where}: expected a size such as 2097152, '2MiB' or '500kB'")
    number, unit = float(match[1]), (match[2] or "").lower()
    base = 1024 if "i" in unit else 1
    factor = _UNITS[unit[:1]] if base == 1 else 1024 ** ("kmg".index(unit[0]) + 1)
    size = int(number * factor)
    if size <= 0:
        raise ConfigError(f"{where}: the size must be positive")
    return size


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.newsdata] table, walking up from start."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and newsdata_table(read_pyproject(candidate)) is not None:
            return candidate
    return None


def read_pyproject(path: Path) -> dict[str, Any]:
    """A pyproject.toml's content; one that cannot be read or parsed is a ConfigError."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML ({error})") from error


def newsdata_table(pyproject: Mapping[str, object]) -> object | None:
    """The [tool.newsdata] value of a read pyproject.toml (a table, unless written wrong), or
    None when there is none."""
    tool = pyproject.get("tool", {})
    return tool.get("newsdata") if isinstance(tool, dict) else None


def load_settings(start: Path | None = None) -> Settings:
    """Settings from the nearest [tool.newsdata], or the defaults when there is none."""
    path = find_config((start or Path.cwd()).resolve())
    if path is None:
        return Settings()
    table = newsdata_table(read_pyproject(path))
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.newsdata] must be a table")
    return settings_from_table(table, path)


def settings_from_table(table: Mapping[str, object], path: Path) -> Settings:
    """Settings from the content of a [tool.newsdata] table (path: where it was read)."""
    unknown = sorted(set(table) - _KNOWN_KEYS - {"dataset", "cluster"})
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) in [tool.newsdata]: {', '.join(unknown)}")
    where = f"{path}: [tool.newsdata]"
    plugins = tuple(path.parent / p for p in _paths(table.get("plugins", []), f"{where} plugins"))
    codes = rule_codes(plugins)
    selection = RuleSelection(
        select=_selected(table.get("select", ["ALL"]), f"{where} select", codes),
        ignore=_prefixes(table.get("ignore", []), f"{where} ignore", codes),
        severity=_severities(table.get("severity", {}), f"{where} severity", codes),
    )
    registry_list = _paths(table.get("registry", []), f"{where} registry")
    return Settings(
        selection=selection,
        max_file_size=parse_size(
            table.get("max-file-size", DEFAULT_MAX_FILE_SIZE), f"{where} max-file-size"
        ),
        registry_files=tuple(path.parent / r for r in registry_list),
        raw=_corpus_folder(table.get("raw", "raw"), f"{where} raw"),
        near_duplicate_threshold=_fraction(
            table.get("near-duplicate-threshold", 0.8), f"{where} near-duplicate-threshold"
        ),
        config_path=path,
        plugins=plugins,
        cluster=_cluster(table.get("cluster", {}), f"{path}: [tool.newsdata.cluster]"),
    )


_CLUSTER_KEYS = {"executor", "address", "shuffle-above"}


def _cluster(value: object, where: str) -> ExecutorChoice:
    """[tool.newsdata.cluster]: executor, address (a scheduler's, never a credential) and
    shuffle-above (rows)."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(value) - _CLUSTER_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s): {', '.join(unknown)}")
    above = value.get("shuffle-above", ExecutorChoice.shuffle_above)
    if isinstance(above, bool) or not isinstance(above, int) or above < 0:
        raise ConfigError(f"{where} shuffle-above: expected a number of rows, 0 or more")
    address = value.get("address")
    try:
        return ExecutorChoice(
            _string(value.get("executor", "local"), f"{where} executor"),
            _string(address, f"{where} address") if address is not None else None,
            above,
        )
    except UsageError as error:
        raise ConfigError(f"{where}: {error}") from None


def _paths(value: object, where: str) -> list[str]:
    """A path or a list of paths (relative to the pyproject.toml)."""
    paths = [value] if isinstance(value, str) else value
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise ConfigError(f"{where}: expected a path or a list of paths")
    return paths


def _string(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: expected a non-empty string")
    return value


def _corpus_folder(value: object, where: str) -> str:
    """The corpus folder: a relative path that stays inside the data repository, so that
    validate never walks the folders above it."""
    folder = _string(value, where)
    if is_url(folder):
        return folder  # a corpus in object storage (docs/storage.md)
    normal = posixpath.normpath(folder.replace("\\", "/"))
    if posixpath.isabs(normal) or PureWindowsPath(folder).drive:
        raise ConfigError(f"{where}: {folder!r} must be a path relative to the data repository")
    if normal == ".." or normal.startswith("../"):
        raise ConfigError(
            f"{where}: {folder!r} leads out of the data repository; keep the corpus inside it"
        )
    return folder


def _fraction(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise ConfigError(f"{where}: expected a number above 0 and at most 1")
    return float(value)


def _severities(
    value: object, where: str, codes: Collection[str]
) -> tuple[tuple[str, Severity], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f'{where}: expected a table of CODE = "error" | "warning"')
    out: list[tuple[str, Severity]] = []
    for code, level in value.items():
        prefixes = _prefixes([code], where, codes)
        if len(prefixes) != 1:
            raise ConfigError(f"{where}: {code!r} is not one rule code or prefix")
        (prefix,) = prefixes
        try:
            out.append((prefix, Severity(str(level).lower())))
        except ValueError:
            raise ConfigError(f'{where}: {code} = {level!r}: use "error" or "warning"') from None
    return tuple(out)
