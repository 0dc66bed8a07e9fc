"""The corpus index: what the corpus rules compare, for every file of a run.

A run names some files (PATH...) and, when they lie in the corpus, compares them with every
file of the corpus. In a *full* run (every corpus file named) a finding goes on every file of a
group but the first in path order; in a *partial* run (a pull request's files) each named file
that duplicates any other file gets the finding, and only named files are reported.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from newsdata.check.discovery import FilePath
    from newsdata.check.results import FileResult
    from newsdata.check.shuffle import Shuffled

__all__ = ["CorpusIndex", "IndexEntry"]


class IndexEntry(NamedTuple):
    """One file in the index: its path, whether it was named, and its facts (every fact of
    FileResult; its findings are not the corpus rules' concern, and its signature is in
    CorpusIndex.signatures)."""

    file: FilePath
    named: bool
    facts: FileResult


class CorpusIndex:
    """All files of a run, in path order, with the grouping rules of full and partial runs.

    `signatures` holds the MinHash signatures of the entries as given, one fixed-width row each
    (a row of 0xFF bytes for an entry without one): one buffer, not an object per file.
    """

    def __init__(
        self,
        entries: Sequence[IndexEntry],
        *,
        full: bool,
        signatures: bytearray | None = None,
    ) -> None:
        order = sorted(range(len(entries)), key=lambda i: entries[i].file.identity)
        self.entries = [entries[i] for i in order]
        self.full = full
        self.signatures = signatures
        #: Row of `signatures` for each entry (None when the entries came in path order).
        self.signature_rows = None if order == list(range(len(order))) else order
        #: The groups and LSH candidates as an executor's shuffle made them
        #: (check/shuffle.py), set by a run that shuffles; None: computed here, in memory.
        self.shuffled: Shuffled | None = None

    def groups(self, key: str) -> Iterator[list[int]]:
        """Indices of entries sharing a value of the fact `key` (article_id, body_hash), 2 or
        more, in the order of their first members."""
        if self.shuffled is not None and key in self.shuffled.groups:
            yield from self.shuffled.groups[key]
            return
        values = list(map(attrgetter(f"facts.{key}"), self.entries))
        # Counted in C first: duplicates are rare, so only their members are collected.
        shared = {value for value, count in Counter(values).items() if count > 1 and value}
        if not shared:
            return
        found: dict[str, list[int]] = defaultdict(list)
        for index, value in enumerate(values):
            if value in shared:
                found[value].append(index)
        yield from found.values()

    def reported(self, members: Sequence[int]) -> Iterator[tuple[IndexEntry, IndexEntry]]:
        """(file that gets the finding, the other file it names) for one group."""
        if self.full:
            first = self.entries[members[0]]
            for index in members[1:]:
                if self.entries[index].named:
                    yield self.entries[index], first
            return
        for index in members:
            entry = self.entries[index]
            if entry.named:
                other = next(i for i in members if i != index)
                yield entry, self.entries[other]
