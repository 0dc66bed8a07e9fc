"""Corpus rules (ND9xx): checks across files, run after every file was read."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, ClassVar

from newsdata.check.index import CorpusIndex
from newsdata.diagnostics import Diagnostic, Severity
from newsdata.rules.base import Needs

if TYPE_CHECKING:
    from newsdata.config import Settings

__all__ = ["CorpusRule", "DuplicateBody", "DuplicateUrl", "NearDuplicateBody", "body_hash"]


_WHITESPACE = b" \t\n\r\x0b\x0c"


def body_hash(body: str) -> str:
    """Hash of the body as duplicates are compared: NFKC, case-folded, whitespace ignored."""
    if not unicodedata.is_normalized("NFKC", body):
        body = unicodedata.normalize("NFKC", body)  # also turns no-break spaces into spaces
    folded = body.casefold().encode("utf-8", "surrogatepass").translate(None, _WHITESPACE)
    return hashlib.sha256(folded).hexdigest()[:32]


class CorpusRule:
    """A rule over all files of a run; same metadata as a file rule."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    details: ClassVar[tuple[str, ...]] = ()
    #: Beyond the index's per-file facts: Needs.SIGNATURES, if the rule compares bodies' MinHash
    #: signatures (a run computes them only when an enabled rule needs them).
    needs: ClassVar[Needs] = Needs(0)
    #: True when the rule's findings on a file depend only on the files that share its
    #: article id, body hash or an LSH band key with it: a run over a few files of a large
    #: corpus then gives it just those (check/partial.py). A rule that needs the whole corpus
    #: (a count, say) keeps the default, and such runs walk the corpus for it.
    neighbourhood: ClassVar[bool] = False

    def check_corpus(self, index: CorpusIndex, settings: Settings) -> Iterable[Diagnostic]:
        """The findings of this rule across the run (reading its own settings, if any)."""
        raise NotImplementedError

    def _duplicates(
        self, index: CorpusIndex, key: str, line: str, message: str, hint: str
    ) -> Iterator[Diagnostic]:
        """One finding per reported member of each group sharing `key`; `message` may use
        {other} (the other file) and {value} (the shared value)."""
        for members in index.groups(key):
            for entry, other in index.reported(members):
                yield Diagnostic(
                    entry.file.shown,
                    getattr(entry.facts, line),
                    None,
                    self.code,
                    self.name,
                    self.severity,
                    message.format(other=other.file.shown, value=getattr(entry.facts, key)),
                    hint,
                )


class DuplicateUrl(CorpusRule):
    """Two files with the same canonical URL, hence the same id.

    Why: one article must be one record; the id is derived from the canonical URL (https, no
    `www.`, no tracking parameters, no fragment), so both files would claim the same id. In a
    full run the finding goes on every file of the group but the first in path order; when only
    some files of the corpus are named, on each named file that duplicates any other.
    """

    code = "ND901"
    name = "duplicate-url"
    severity = Severity.ERROR
    neighbourhood = True

    def check_corpus(self, index: CorpusIndex, settings: Settings) -> Iterator[Diagnostic]:
        return self._duplicates(
            index,
            "article_id",
            "url_line",
            "same article as {other} (id {value})",
            "delete one of the two files",
        )


class DuplicateBody(CorpusRule):
    """Two files with identical bodies (ignoring Unicode form, case and whitespace).

    Why: the same text under two URLs is a syndicated copy or a mistake; publishing both
    double-counts it. In a full run the finding goes on every file of the group but the first
    in path order; when only some files are named, on each named file that duplicates another.
    """

    code = "ND902"
    name = "duplicate-body"
    severity = Severity.ERROR
    neighbourhood = True

    def check_corpus(self, index: CorpusIndex, settings: Settings) -> Iterator[Diagnostic]:
        return self._duplicates(
            index,
            "body_hash",
            "body_line",
            "the body is identical to that of {other}",
            "keep one of the two articles",
        )


class NearDuplicateBody(CorpusRule):
    """Two files whose bodies are near-duplicates (word 5-gram Jaccard similarity >= 0.8).

    The Jaccard similarity of the bodies' word 5-gram shingles is estimated with MinHash
    signatures and LSH; the threshold is `near-duplicate-threshold` in [tool.newsdata].

    Why: a lightly edited copy (a syndicated story with a new intro, a corrected re-post) is
    still the same article; publishing both skews counts and leaks test data into training.
    A warning, since some near-copies are legitimate updates. Identical bodies are ND902.
    Each file is reported once, naming its most similar partner.
    """

    code = "ND903"
    name = "near-duplicate-body"
    severity = Severity.WARNING
    needs = Needs.SIGNATURES
    neighbourhood = True

    def check_corpus(self, index: CorpusIndex, settings: Settings) -> Iterator[Diagnostic]:
        from newsdata.check.similarity import similar_pairs

        best: dict[int, tuple[float, int]] = {}
        for i, j, score in similar_pairs(index, settings.near_duplicate_threshold):
            for mine, other in ((i, j), (j, i)):
                if index.full and other > mine:
                    continue  # in a full run the earlier file of a pair is not reported
                if not index.entries[mine].named:
                    continue
                current = best.get(mine)
                if current is None or (score, -other) > (current[0], -current[1]):
                    best[mine] = (score, other)
        for mine, (score, other) in sorted(best.items()):
            entry = index.entries[mine]
            yield Diagnostic(
                entry.file.shown,
                entry.facts.body_line,
                None,
                self.code,
                self.name,
                self.severity,
                f"the body is {score:.0%} similar to that of {index.entries[other].file.shown}"
                " (near-duplicate)",
                "keep one of the two articles, unless both are meant to be kept",
            )
