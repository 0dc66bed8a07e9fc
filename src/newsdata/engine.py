"""The validation pipeline: walk -> read -> parse -> rules -> report."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from newsdata.config import Settings
from newsdata.diagnostics import Diagnostic, Report, Severity
from newsdata.discovery import Target, discover
from newsdata.rawtext import parse_text
from newsdata.reading import RawFile, decode, read_raw
from newsdata.registry import Registry, builtin_registry, load_registry_file
from newsdata.rules import CORPUS_RULES, FILE_RULES, CorpusRule, FileContext, Rule
from newsdata.rules.corpus import Fingerprint, fingerprint

if TYPE_CHECKING:
    from newsdata.model import Article

__all__ = ["FileResult", "Validator", "parse", "validate"]


@dataclass(frozen=True, slots=True)
class FileResult:
    """What checking one file produced: its findings and what the corpus rules compare."""

    diagnostics: tuple[Diagnostic, ...]
    fingerprint: Fingerprint | None


class Validator:
    """Applies the selected rules, with their configured severities, to files and corpora."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.today = self.settings.today or dt.datetime.now(dt.UTC).date()
        self.registry = _registry(self.settings)
        self.file_rules = _enabled(self.settings, FILE_RULES)
        self.corpus_rules = _enabled(self.settings, CORPUS_RULES)

    def context(self, display: str, raw: RawFile, target: Target | None = None) -> FileContext:
        """The rules' view of one file, parsed when its bytes can be read as text."""
        base = FileContext(
            path=display,
            raw=raw,
            registry=self.registry,
            today=self.today,
            max_file_size=self.settings.max_file_size,
            problem=target.problem if target else None,
            problem_detail=target.detail if target else "",
        )
        if raw.data is None or raw.is_blank or raw.is_binary:
            return base
        text, bad = decode(raw.data)
        doc = parse_text(text)
        return replace(base, text=text, bad_utf8=tuple(bad), doc=doc, lines=doc.lines)

    def check_context(self, ctx: FileContext) -> FileResult:
        """Run the file rules on one file."""
        found = [
            d
            for rule, severity in self.file_rules
            for d in _with_severity(rule.check(ctx), severity)
        ]
        doc = ctx.doc
        print_ = None
        if doc is not None and doc.url_text and doc.paragraphs:
            print_ = fingerprint(
                ctx.path,
                doc.url_text,
                doc.url.line if doc.url else None,
                doc.body,
                doc.paragraphs[0].line,
            )
        return FileResult(tuple(found), print_)

    def check_target(self, target: Target) -> FileResult:
        """Read and check one file found by discovery."""
        if target.problem is not None:
            raw = RawFile(size=0)
        else:
            raw = read_raw(target.path, self.settings.max_file_size)
        return self.check_context(self.context(target.display, raw, target))

    def check_corpus(self, prints: Sequence[Fingerprint]) -> list[Diagnostic]:
        """Run the corpus rules across all fingerprints of a run."""
        return [
            d
            for rule, severity in self.corpus_rules
            for d in _with_severity(rule.check_corpus(prints), severity)
        ]


def _registry(settings: Settings) -> Registry:
    registry = builtin_registry()
    extra = [p for path in settings.registry_files for p in load_registry_file(path)]
    return registry.extended(extra) if extra else registry


_R = TypeVar("_R", Rule, CorpusRule)


def _enabled(settings: Settings, rules: Iterable[_R]) -> list[tuple[_R, Severity]]:
    chosen: list[tuple[_R, Severity]] = []
    for rule in rules:
        severity = settings.selection.decide(rule.code, rule.severity)
        if severity is not None:
            chosen.append((rule, severity))
    return chosen


def _with_severity(found: Iterable[Diagnostic], severity: Severity) -> Iterable[Diagnostic]:
    for diagnostic in found:
        yield (
            diagnostic
            if diagnostic.severity == severity
            else replace(diagnostic, severity=severity)
        )


def validate(paths: Sequence[str | os.PathLike[str]], settings: Settings | None = None) -> Report:
    """Check every article file under the given paths; raises PathNotFoundError for a bad path."""
    validator = Validator(settings)
    targets = discover(paths)
    results = [validator.check_target(target) for target in targets]
    found = [d for result in results for d in result.diagnostics]
    prints = [r.fingerprint for r in results if r.fingerprint is not None]
    found.extend(validator.check_corpus(prints))
    return Report.build(files=len(targets), diagnostics=found)


def parse(
    data: bytes, path: str = "<memory>", settings: Settings | None = None
) -> tuple[Article | None, list[Diagnostic]]:
    """Read one raw file's bytes: the record (None if a required part is missing) and findings."""
    validator = Validator(settings)
    raw = RawFile(size=len(data), data=data)
    ctx = validator.context(path, raw)
    result = validator.check_context(ctx)
    return _article(ctx, path), list(result.diagnostics)


def _article(ctx: FileContext, path: str) -> Article | None:
    from pydantic import ValidationError

    from newsdata.model import Article

    doc = ctx.doc
    if doc is None or doc.title is None or doc.published is None or doc.publication is None:
        return None
    try:
        return Article.create(
            title=doc.title.text,
            authors=doc.authors,
            published=doc.published,
            publication=doc.publication.text,
            url=doc.url_text or "",
            body=doc.body,
            source_path=path,
            source_sha256=ctx.raw.sha256,
        )
    except ValidationError:
        return None
