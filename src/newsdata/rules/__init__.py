"""The rule registry: every rule, in one visible table, by stable code.

A code is never renumbered or reused; a retired rule keeps its number, unused. Plugins (see
rules/plugins.py) add their rules to the same table: `rule_table()` is newsdata's rules and
the plugins' together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from newsdata.rules.base import DailyRule, DocumentRule, FileContext, Needs, Rule
from newsdata.rules.corpus import CorpusRule, DuplicateBody, DuplicateUrl, NearDuplicateBody
from newsdata.rules.dates import (
    DateBeforeFounding,
    FutureDate,
    ImpossibleDate,
    MissingDate,
    UnparseableDate,
    UrlDateMismatch,
    UrlDateOffByOne,
)
from newsdata.rules.files import (
    BinaryFile,
    ControlCharacter,
    EmptyFile,
    FileNameNotUtf8,
    FileTooLarge,
    InvalidUtf8,
    Mojibake,
    NotARegularFile,
    UnreadableFile,
    UnsafeSymlink,
)
from newsdata.rules.plugins import Plugin, entry_point_plugins, file_plugin, unique_codes
from newsdata.rules.publication import (
    PublicationDomainMismatch,
    PublicationLooksLikeSentence,
    UnknownPublication,
)
from newsdata.rules.structure import (
    AuthorIsWebAddress,
    ContentAfterUrl,
    HeaderNotSeparated,
    MalformedByline,
    MissingBody,
    MissingByline,
    MissingPublication,
    MissingTitle,
    MissingUrl,
    MissingUrlSection,
)
from newsdata.rules.text import Boilerplate, HtmlRemnant, OddWhitespace, ShortBody, SplitParagraph
from newsdata.rules.urls import InvalidUrl, TrackingParameters

__all__ = [
    "CORPUS_RULES",
    "FILE_RULES",
    "RULES_BY_CODE",
    "CorpusRule",
    "DailyRule",
    "DocumentRule",
    "FileContext",
    "Needs",
    "Plugin",
    "Rule",
    "RuleTable",
    "all_rules",
    "builtin_rules",
    "rule_table",
    "use_plugin_files",
]

#: Rules that look at the bytes of a file; they run on every file.
FILE_RULES: tuple[Rule, ...] = (
    InvalidUtf8(),
    EmptyFile(),
    BinaryFile(),
    ControlCharacter(),
    FileTooLarge(),
    NotARegularFile(),
    UnsafeSymlink(),
    UnreadableFile(),
    Mojibake(),
    FileNameNotUtf8(),
    MissingTitle(),
    MissingByline(),
    MalformedByline(),
    MissingPublication(),
    MissingBody(),
    MissingUrlSection(),
    MissingUrl(),
    ContentAfterUrl(),
    HeaderNotSeparated(),
    AuthorIsWebAddress(),
    MissingDate(),
    UnparseableDate(),
    ImpossibleDate(),
    FutureDate(),
    DateBeforeFounding(),
    UrlDateMismatch(),
    UrlDateOffByOne(),
    InvalidUrl(),
    TrackingParameters(),
    PublicationDomainMismatch(),
    UnknownPublication(),
    PublicationLooksLikeSentence(),
    SplitParagraph(),
    OddWhitespace(),
    HtmlRemnant(),
    ShortBody(),
    Boilerplate(),
)

#: Rules that compare files with each other; they run once per validation.
CORPUS_RULES: tuple[CorpusRule, ...] = (
    DuplicateUrl(),
    DuplicateBody(),
    NearDuplicateBody(),
)


def builtin_rules() -> list[Rule | CorpusRule]:
    """newsdata's own rules (the ones docs/rules.md documents), ordered by code."""
    return sorted([*FILE_RULES, *CORPUS_RULES], key=lambda rule: rule.code)


#: newsdata's own rules by code (plugins' rules are in `rule_table().by_code`).
RULES_BY_CODE: dict[str, Rule | CorpusRule] = {rule.code: rule for rule in builtin_rules()}


@dataclass(frozen=True)
class RuleTable:
    """Every rule of a run: newsdata's own and the plugins', each by its unique code."""

    file_rules: tuple[Rule, ...]
    corpus_rules: tuple[CorpusRule, ...]
    plugins: tuple[Plugin, ...] = ()

    @cached_property
    def by_code(self) -> dict[str, Rule | CorpusRule]:
        """Every rule by code, ordered by code."""
        rules: list[Rule | CorpusRule] = [*self.file_rules, *self.corpus_rules]
        rules.sort(key=lambda rule: rule.code)
        return {rule.code: rule for rule in rules}


def rule_table(plugin_files: Sequence[Path] = ()) -> RuleTable:
    """newsdata's rules, the installed plugins' and those of `plugin_files` (PluginError when a
    plugin cannot be loaded, is not a rule or has a bad or clashing code)."""
    plugins = (*entry_point_plugins(), *(file_plugin(path) for path in plugin_files))
    return _table(plugins)


@lru_cache(maxsize=8)
def _table(plugins: tuple[Plugin, ...]) -> RuleTable:
    unique_codes(plugins, RULES_BY_CODE)
    brought = [rule for plugin in plugins for rule in plugin.rules]
    return RuleTable(
        file_rules=(*FILE_RULES, *(r for r in brought if isinstance(r, Rule))),
        corpus_rules=(*CORPUS_RULES, *(r for r in brought if isinstance(r, CorpusRule))),
        plugins=plugins,
    )


#: The plugin files of the settings last put to use in this process (see use_plugin_files).
_FILES_IN_USE: list[tuple[Path, ...]] = [()]


def use_plugin_files(plugin_files: Sequence[Path]) -> RuleTable:
    """The rule table with these plugin files, remembered as the ones in use (by all_rules:
    a report lists the rules of the run that made it)."""
    table = rule_table(plugin_files)
    _FILES_IN_USE[0] = tuple(plugin_files)
    return table


def all_rules() -> list[Rule | CorpusRule]:
    """Every rule in use, ordered by code: newsdata's, the installed plugins' and those of the
    plugin files last put to use."""
    return list(rule_table(_FILES_IN_USE[0]).by_code.values())
