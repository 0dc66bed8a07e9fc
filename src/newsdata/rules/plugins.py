"""Users' own rules: plugins from the `newsdata.rules` entry-point group and plugin files.

A distribution declares an entry point in the group `newsdata.rules`; it loads a rule class, a
rule instance, or a list or tuple of them. A plugin file (named in `[tool.newsdata] plugins`)
is a Python file whose `RULES` is such a list. A rule is a subclass of `Rule`, `DocumentRule`
or `CorpusRule` (or an instance of one) with its own code, name and severity; docs/plugins.md
shows a complete plugin.

Loading is checked as a whole: a plugin that cannot be loaded, or whose rules are not rules,
use the `ND` prefix or clash with another rule's code, is a `PluginError` naming it, never
skipped.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsdata.diagnostics import Severity
from newsdata.errors import PluginError
from newsdata.rules.base import DocumentRule, Needs, Rule
from newsdata.rules.corpus import CorpusRule

__all__ = ["ENTRY_POINT_GROUP", "PLUGIN_CODE", "Plugin", "entry_point_plugins", "file_plugin"]

#: The entry-point group a distribution declares its rules in.
ENTRY_POINT_GROUP = "newsdata.rules"
#: A plugin rule's code: capital letters then digits, as flake8's (`XY1`, `ABC123`); `ND` is
#: newsdata's own.
PLUGIN_CODE = re.compile(r"^[A-Z]{1,3}[0-9]{1,4}$")


@dataclass(frozen=True)
class Plugin:
    """One plugin: what it is called, which version of it, and the rules it brings.

    `identity` names the exact version (the distribution and its version, or the file's
    SHA-256): it goes into the validation cache's key and into a release's provenance.
    """

    name: str
    identity: tuple[tuple[str, str], ...]
    rules: tuple[Rule | CorpusRule, ...]
    #: How messages name it: the entry point and its distribution, or the file.
    where: str = ""

    def describe(self) -> dict[str, str]:
        """The plugin as provenance.json and the cache key name it."""
        return {"name": self.name, **dict(self.identity)}


def entry_point_plugins() -> tuple[Plugin, ...]:
    """The plugins installed in this environment (each entry point of `newsdata.rules`)."""
    # Found again only when the import path changes: a lookup costs ~7 ms, and the
    # installed distributions do not change under a running process.
    return _entry_point_plugins(tuple(sys.path))


@lru_cache(maxsize=8)
def _entry_point_plugins(path: tuple[str, ...]) -> tuple[Plugin, ...]:
    del path  # the cache key only
    found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    return tuple(_from_entry_point(entry) for entry in sorted(found, key=lambda e: e.name))


def _from_entry_point(entry: importlib.metadata.EntryPoint) -> Plugin:
    dist = entry.dist
    distribution = dist.name if dist is not None else "?"
    version = dist.version if dist is not None else "?"
    where = f"plugin {entry.name!r} (entry point {entry.value} of {distribution} {version})"
    try:
        loaded = entry.load()
    except Exception as error:  # a plugin's import may raise anything; it is named, not hidden
        raise PluginError(f"{where} cannot be loaded: {type(error).__name__}: {error}") from error
    identity = (("distribution", distribution), ("version", version))
    return Plugin(entry.name, identity, _rules(loaded, where), where)


def file_plugin(path: Path) -> Plugin:
    """The plugin in a Python file (its `RULES`), loaded once per content."""
    where = f"plugin file {path}"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PluginError(f"{where} cannot be read: {error.strerror or error}") from error
    return _file_plugin(path, hashlib.sha256(data).hexdigest())


@lru_cache(maxsize=32)
def _file_plugin(path: Path, digest: str) -> Plugin:
    where = f"plugin file {path}"
    # A module name of its own per content, so that an edited file is loaded anew; it stays
    # in sys.modules, where dataclasses and pickle look a class's module up.
    module_name = f"newsdata_plugin_{re.sub(r'[^0-9A-Za-z_]', '_', path.stem)}_{digest[:12]}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"{where} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # a plugin's import may raise anything; it is named, not hidden
        del sys.modules[module_name]
        raise PluginError(f"{where} cannot be loaded: {type(error).__name__}: {error}") from error
    if not hasattr(module, "RULES"):
        raise PluginError(f"{where} defines no RULES (a list of its rule classes)")
    rules = _rules(module.RULES, where)
    return Plugin(str(path), (("sha256", digest),), rules, where)


def _rules(loaded: object, where: str) -> tuple[Rule | CorpusRule, ...]:
    """The rules a plugin brings: a class, an instance, or a list or tuple of them."""
    items: Iterable[object] = loaded if isinstance(loaded, list | tuple) else [loaded]
    rules = tuple(_rule(item, where) for item in items)
    if not rules:
        raise PluginError(f"{where} brings no rule")
    return rules


def _rule(item: object, where: str) -> Rule | CorpusRule:
    if isinstance(item, type) and issubclass(item, Rule | CorpusRule):
        kind: type[Rule | CorpusRule] = item
        try:
            item = kind()
        except Exception as error:  # the plugin's own constructor
            raise PluginError(
                f"{where}: {kind.__name__}() fails: {type(error).__name__}: {error}"
            ) from error
    if not isinstance(item, Rule | CorpusRule):
        raise PluginError(
            f"{where}: {item!r} is not a rule (a subclass of newsdata.rules.Rule, DocumentRule "
            "or CorpusRule)"
        )
    _check_rule(item, where)
    return item


def _check_rule(rule: Rule | CorpusRule, where: str) -> None:
    label = type(rule).__name__
    code = getattr(rule, "code", None)
    if not isinstance(code, str) or not PLUGIN_CODE.match(code):
        raise PluginError(
            f"{where}: {label}.code {code!r} is not a rule code (1-3 capital letters, then "
            "1-4 digits, such as XY101)"
        )
    if code.startswith("ND"):
        raise PluginError(f"{where}: {label}.code {code}: the prefix ND is newsdata's own")
    name = getattr(rule, "name", None)
    if not isinstance(name, str) or not name:
        raise PluginError(f"{where}: {label}.name must be a non-empty string")
    if not isinstance(getattr(rule, "severity", None), Severity):
        raise PluginError(f"{where}: {label}.severity must be Severity.ERROR or Severity.WARNING")
    if _abstract(rule):
        raise PluginError(f"{where}: {label} does not implement its check")


def _abstract(rule: Rule | CorpusRule) -> bool:
    """Whether the rule lacks the method the engine calls on it, given what it needs."""
    if isinstance(rule, CorpusRule):
        return type(rule).check_corpus is CorpusRule.check_corpus
    kind = type(rule)
    if Needs.TODAY in rule.needs:
        return kind.check_facts is Rule.check_facts
    if Needs.DOCUMENT in rule.needs:  # given check_document, which may call check
        bare = kind.check_document in (Rule.check_document, DocumentRule.check_document)
        return bare and kind.check in (Rule.check, DocumentRule.check)
    return kind.check is Rule.check


def unique_codes(plugins: Sequence[Plugin], taken: Iterable[str]) -> None:
    """Refuse two rules with one code (plugins' against the built-in rules and each other)."""
    owner = dict.fromkeys(taken, "newsdata")
    for plugin in plugins:
        for rule in plugin.rules:
            if rule.code in owner:
                raise PluginError(
                    f"{plugin.where}: {type(rule).__name__}.code {rule.code} is taken "
                    f"(by {owner[rule.code]})"
                )
            owner[rule.code] = plugin.where
