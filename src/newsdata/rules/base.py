"""What a rule is, and what it is given to look at."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from newsdata.check.discovery import Problem
from newsdata.check.rawtext import Document
from newsdata.check.reading import RawFile
from newsdata.diagnostics import Diagnostic, Severity
from newsdata.publications import Registry

if TYPE_CHECKING:
    from newsdata.check.results import FileResult

__all__ = ["DailyRule", "DocumentRule", "FileContext", "Needs", "Rule"]


class Needs(enum.Flag):
    """What a rule needs to be judged: the engine and the pipeline ask this, never the class."""

    #: The file as read (bytes, text, what discovery found): judged on every file.
    BYTES = enum.auto()
    #: The parsed document: judged only on files that parse.
    DOCUMENT = enum.auto()
    #: The day it is judged on: judged from the file's facts (a FileResult, cached or fresh)
    #: on every run, so a cached file is judged again as the days pass.
    TODAY = enum.auto()
    #: (Corpus rules) the MinHash signatures of the bodies, in the corpus index.
    SIGNATURES = enum.auto()


@dataclass(slots=True)
class FileContext:
    """One file as the rules see it: its bytes, its text and its parsed parts (when readable)."""

    path: str
    raw: RawFile
    registry: Registry
    today: dt.date
    max_file_size: int
    problem: Problem | None = None
    problem_detail: str = ""
    text: str | None = None
    bad_utf8: tuple[int, ...] = ()
    doc: Document | None = None
    #: Whether the bytes look binary (judged once, when the context is made).
    binary: bool = False
    #: Whether the bytes hold C0 control characters or DEL (judged once, likewise).
    control_bytes: bool = False
    #: The file's path as found (before any escaping for reports).
    name: str = ""


class Rule:
    """A check with a stable code. Subclasses set the metadata, declare what they need, and
    implement the matching method: `check` (Needs.BYTES, the default), `check_document`
    (Needs.DOCUMENT, see DocumentRule) or `check_facts` (Needs.TODAY, see DailyRule).

    The class docstring is the rule's documentation (docs/rules.md is generated from it): a first
    line saying what it checks, then `Why:` and, where it helps, `Example:` and `Use instead:`.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    #: Extra documentation lines (for example a pattern list), shown under the docstring.
    details: ClassVar[tuple[str, ...]] = ()
    #: What the rule is judged from; the engine runs it accordingly (see Needs).
    needs: ClassVar[Needs] = Needs.BYTES

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        """The findings of this rule in one file."""
        raise NotImplementedError

    def check_document(self, ctx: FileContext, doc: Document) -> Iterable[Diagnostic]:
        """The findings of this rule in one parsed file (a rule that needs Needs.DOCUMENT is
        given only parsed files, here)."""
        return self.check(ctx)

    def check_facts(
        self, files: Sequence[tuple[str, FileResult]], today: dt.date
    ) -> Iterable[Diagnostic]:
        """The findings of this rule from files' facts, judged on `today`: a rule that needs
        Needs.TODAY is judged here (and only here), once per run over all the files judged,
        each given with the path its findings carry."""
        raise NotImplementedError

    def found(
        self,
        path: str,
        line: int | None,
        message: str,
        *,
        column: int | None = None,
        hint: str | None = None,
    ) -> Diagnostic:
        """A diagnostic of this rule, with its default severity."""
        return Diagnostic(path, line, column, self.code, self.name, self.severity, message, hint)


class DocumentRule(Rule):
    """A rule that needs the parsed document; it stays silent on unreadable files."""

    needs = Needs.DOCUMENT

    def check(self, ctx: FileContext) -> Iterator[Diagnostic]:
        if ctx.doc is not None:
            yield from self.check_document(ctx, ctx.doc)

    def check_document(self, ctx: FileContext, doc: Document) -> Iterable[Diagnostic]:
        """The findings of this rule in one parsed file."""
        raise NotImplementedError


class DailyRule(Rule):
    """A rule whose verdict depends on the day: judged from the file's facts, never its text,
    so that the engine judges it again on every run, files served from the cache included."""

    needs = Needs.TODAY
