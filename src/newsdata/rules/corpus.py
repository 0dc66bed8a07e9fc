"""Corpus rules (ND9xx): checks across files, run after every file was read."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from newsdata.diagnostics import Diagnostic, Severity
from newsdata.urls import article_id, canonical_url

__all__ = ["CorpusRule", "DuplicateBody", "DuplicateUrl", "Fingerprint", "fingerprint"]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the corpus rules compare: one file's id, canonical URL and body hash."""

    path: str
    line_url: int | None
    line_body: int | None
    article_id: str | None
    canonical_url: str | None
    body_hash: str | None


_SPACE = re.compile(r"\s+")


def body_hash(body: str) -> str:
    """Hash of the body as duplicates are compared: NFKC, case-folded, whitespace collapsed."""
    normalized = _SPACE.sub(" ", unicodedata.normalize("NFKC", body).casefold()).strip()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:32]


def fingerprint(
    path: str, url: str | None, url_line: int | None, body: str, body_line: int | None
) -> Fingerprint:
    """The fingerprint of one parsed file."""
    return Fingerprint(
        path=path,
        line_url=url_line,
        line_body=body_line,
        article_id=article_id(url) if url else None,
        canonical_url=canonical_url(url) if url else None,
        body_hash=body_hash(body) if body else None,
    )


class CorpusRule:
    """A rule over all files of a run; same metadata as a file rule."""

    code: str
    name: str
    severity: Severity
    details: tuple[str, ...] = ()

    def check_corpus(self, prints: Sequence[Fingerprint]) -> Iterable[Diagnostic]:
        """The findings of this rule across the run."""
        raise NotImplementedError

    def _groups(self, prints: Sequence[Fingerprint], key: str) -> Iterator[list[Fingerprint]]:
        groups: dict[str, list[Fingerprint]] = defaultdict(list)
        for item in prints:
            value = getattr(item, key)
            if value:
                groups[value].append(item)
        for group in groups.values():
            if len(group) > 1:
                yield sorted(group, key=lambda f: f.path)


class DuplicateUrl(CorpusRule):
    """Two files with the same canonical URL, hence the same id.

    Why: one article must be one record; the id is derived from the canonical URL (https, no
    `www.`, no tracking parameters, no fragment), so both files would claim the same id. The
    finding goes on every file of the group but the first in path order.
    """

    code = "ND901"
    name = "duplicate-url"
    severity = Severity.ERROR

    def check_corpus(self, prints: Sequence[Fingerprint]) -> Iterator[Diagnostic]:
        for group in self._groups(prints, "article_id"):
            first = group[0]
            for other in group[1:]:
                yield Diagnostic(
                    other.path,
                    other.line_url,
                    None,
                    self.code,
                    self.name,
                    self.severity,
                    f"same article as {first.path} (id {other.article_id})",
                    "delete one of the two files",
                )


class DuplicateBody(CorpusRule):
    """Two files with identical bodies (after Unicode, case and whitespace normalisation).

    Why: the same text under two URLs is a syndicated copy or a mistake; publishing both
    double-counts it. The finding goes on every file of the group but the first in path order.
    """

    code = "ND902"
    name = "duplicate-body"
    severity = Severity.ERROR

    def check_corpus(self, prints: Sequence[Fingerprint]) -> Iterator[Diagnostic]:
        for group in self._groups(prints, "body_hash"):
            first = group[0]
            for other in group[1:]:
                yield Diagnostic(
                    other.path,
                    other.line_body,
                    None,
                    self.code,
                    self.name,
                    self.severity,
                    f"the body is identical to that of {first.path}",
                    "keep one of the two articles",
                )
