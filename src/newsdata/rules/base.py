"""What a rule is, and what it is given to look at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from newsdata.diagnostics import Diagnostic, Severity
from newsdata.discovery import Problem
from newsdata.rawtext import Document
from newsdata.reading import RawFile
from newsdata.registry import Registry

__all__ = ["DocumentRule", "FileContext", "Rule"]


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
    """A check with a stable code. Subclasses set the metadata and implement `check`.

    The class docstring is the rule's documentation (docs/rules.md is generated from it): a first
    line saying what it checks, then `Why:` and, where it helps, `Example:` and `Use instead:`.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    #: Extra documentation lines (for example a pattern list), shown under the docstring.
    details: ClassVar[tuple[str, ...]] = ()
    #: Whether the verdict depends on the day it is judged (then it is never cached).
    volatile: ClassVar[bool] = False

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        """The findings of this rule in one file."""
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

    def check(self, ctx: FileContext) -> Iterator[Diagnostic]:
        if ctx.doc is not None:
            yield from self.check_document(ctx, ctx.doc)

    def check_document(self, ctx: FileContext, doc: Document) -> Iterable[Diagnostic]:
        """The findings of this rule in one parsed file."""
        raise NotImplementedError
