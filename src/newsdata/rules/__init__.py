"""The rule registry: every rule, in one visible table, by stable code.

A code is never renumbered or reused; a retired rule keeps its number, unused.
"""

from __future__ import annotations

from newsdata.rules.base import DocumentRule, FileContext, Rule
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
    "DocumentRule",
    "FileContext",
    "Rule",
    "all_rules",
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


def all_rules() -> list[Rule | CorpusRule]:
    """Every rule, ordered by code."""
    return sorted([*FILE_RULES, *CORPUS_RULES], key=lambda rule: rule.code)


RULES_BY_CODE: dict[str, Rule | CorpusRule] = {rule.code: rule for rule in all_rules()}
