"""A run over a few files of a large corpus: the stored corpus index instead of the walk.

When the files named lie in the corpus (a pull request's), they are compared with all of it.
Walking, reading or loading the whole corpus for that costs what the corpus holds; this costs
what changed. git says what differs from the state the stored index describes (check/stored.py):
the files changed since its tree (a tree diff), and those git's status lists (`Delta`). Only
they, and the files named, are checked; a named file git vouches for (the blob in HEAD is one
the index knows) is not even read. Then the stored files that share an article id, a body
hash or an LSH band key with a named file (its neighbourhood) join the run with their stored
facts, and the corpus rules, given the named files, the changed ones and that neighbourhood,
find exactly what they would find in the whole corpus: every member of every group and
bucket a named file belongs to is there (tests/test_partial.py compares the two).

Outside git, with rule plugins whose corpus rules need the whole corpus, or without a stored
index that matches the repository, the run walks the corpus instead (and a run that walks all
of it stores the index anew: `store`).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from newsdata.check.cache import ResultCache, StoredDigests
from newsdata.check.caching import Unit, found_at, lacks_signature
from newsdata.check.discovery import FilePath, Target, encodable, shown
from newsdata.check.stored import IndexRow, StoredIndex, StoredState
from newsdata.git import CorpusState, corpus_state, tree_changes

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from newsdata.check.index import CorpusIndex
    from newsdata.check.results import FileResult

__all__ = [
    "Delta",
    "UntrustedIndexError",
    "delta",
    "store",
    "take_unread",
    "with_changed",
]


class UntrustedIndexError(Exception):
    """The stored index turned out not to be usable mid-run: the run walks the corpus instead
    (the message says why, as a note)."""


@contextmanager
def _reading(cache: ResultCache) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as error:
        cache.failed(error)  # a damaged database is rebuilt
        raise UntrustedIndexError(
            f"the stored corpus index cannot be read ({error}): rebuilt"
        ) from error


@dataclass(frozen=True)
class Delta:
    """How the corpus differs from what the stored index describes."""

    stored: StoredIndex
    walked: str  # the corpus folder as given, with a trailing separator
    real: str  # its real path, with a trailing separator
    #: Files changed in commits since the index's tree: each one's blob now (None: gone).
    committed: dict[str, str | None]
    #: Files that differ from HEAD in the working tree now (git's status).
    modified: frozenset[str]
    #: Files that differed from the index's tree when it was stored (their rows hold what
    #: was read then, which git cannot vouch for).
    dirty: frozenset[str]
    rows: int  # how many the index holds

    def may_be_all(self, identities: Iterable[str], changed: Sequence[Target]) -> bool:
        """Whether these files may be every file of the corpus (`changed`: the changed files
        there now): then the run is a full one (where a duplicate's first file in path order
        goes unreported), and walks."""
        inside = {i for i in identities if i.startswith(self.real)}
        untrusted = self.untrusted
        try:
            stale = len(self.stored.at_paths(untrusted))
        except sqlite3.Error:
            return True  # the walk finds out what is wrong with it
        return self.rows - stale + len(changed) <= len(inside)

    @cached_property
    def untrusted(self) -> frozenset[str]:
        """The files whose stored rows say nothing of their bytes now."""
        return frozenset(self.committed) | self.modified | self.dirty

    def changed_files(self) -> list[Target]:
        """The changed article files there now: checked too, as each may now share a key
        with a named file."""
        found: list[Target] = []
        for relative in sorted(self.untrusted):
            if not relative.endswith(".txt"):
                continue
            identity = self.real + relative.replace("/", os.sep)
            try:
                regular = stat.S_ISREG(os.lstat(identity).st_mode)
            except OSError:
                continue  # deleted
            if regular:  # a link repeats (or leaves) the corpus; a special file has no facts
                found.append(Target(self._path(relative)))
        return found

    def unread(self, targets: Sequence[Target], cache: ResultCache) -> dict[str, FileResult]:
        """Stored results, by identity, of the files git vouches for: unchanged since the
        index's tree (their row's content) or committed since as a blob the index knows."""
        by_path: dict[str, str] = {}  # identity -> path in the index
        by_blob: dict[str, str] = {}  # identity -> blob
        for target in targets:
            identity = target.file.identity
            if target.problem is not None or not identity.startswith(self.real):
                continue
            relative = identity[len(self.real) :].replace(os.sep, "/")
            if relative in self.committed:
                blob = self.committed[relative]
                if blob is not None and relative not in self.modified:
                    by_blob[identity] = blob
            elif relative not in self.untrusted:
                by_path[identity] = relative
        with _reading(cache):
            rows = self.stored.at_paths(by_path.values())
            blobs = self.stored.with_blobs(by_blob.values())
        digests = {i: rows[p].sha256 for i, p in by_path.items() if p in rows}
        digests.update({i: blobs[b] for i, b in by_blob.items() if b in blobs})
        results = cache.results_for(sorted(set(digests.values())))
        return {i: replace(results[d]) for i, d in digests.items() if d in results}

    def neighbours(self, units: Sequence[Unit], cache: ResultCache, signed: bool) -> list[Unit]:
        """The stored files sharing a key with a named file's result (neither a file of the
        run nor changed since), with their stored results; UntrustedIndexError when one of
        those results is missing."""
        named = [u.result for u in units if u.named and u.result is not None]
        skip = {u.target.file.identity for u in units}
        with _reading(cache):
            ids = [r.article_id for r in named if r.article_id]
            rows = self.stored.sharing("article_id", ids)
            rows += self.stored.sharing("body_hash", [r.body_hash for r in named if r.body_hash])
            if signed:
                rows += self.stored.in_buckets(_band_keys([r.signature for r in named]))
        wanted: dict[str, IndexRow] = {}
        for row in rows:
            identity = self.real + row.path.replace("/", os.sep)
            if row.path not in self.untrusted and identity not in skip:
                wanted[row.path] = row
        results = cache.results_for(sorted({row.sha256 for row in wanted.values()}))
        found: list[Unit] = []
        for path, row in sorted(wanted.items()):
            result = results.get(row.sha256)
            if result is None or lacks_signature(result, signed):
                raise UntrustedIndexError(
                    "the stored corpus index names results the cache lacks: rebuilt"
                )
            found.append(Unit(Target(self._path(path)), False, result=replace(result, findings=())))
        return found

    def _path(self, relative: str) -> FilePath:
        native = relative.replace("/", os.sep)
        walked = self.walked + native
        return FilePath(walked, self.real + native, shown(walked))


def delta(corpus: Path, cache: ResultCache) -> tuple[Delta | None, str | None]:
    """How the corpus differs from the stored index, or None (and why, when the index is
    there but not to be trusted) when there is no usable index."""
    state = corpus_state(corpus)
    if state is None:
        return None, None
    stored = cache.stored()
    try:
        known = stored.state()
    except (sqlite3.Error, ValueError, TypeError) as error:  # a damaged or foreign table
        if isinstance(error, sqlite3.Error):
            cache.failed(error)
        return None, f"the stored corpus index cannot be read ({error}): rebuilt"
    if known is None:
        return None, None
    committed = tree_changes(state.top, known.tree, state.tree)
    if committed is None:
        return None, (
            "the stored corpus index describes a tree this repository does not have "
            "(another repository's, or history since rewritten): not used, rebuilt"
        )
    cache.known = StoredDigests(cache.path)
    walked = os.fspath(corpus).rstrip(os.sep) + os.sep
    real = os.path.realpath(corpus) + os.sep
    return Delta(stored, walked, real, committed, state.changed, known.dirty, known.rows), None


def store(cache: ResultCache, index: CorpusIndex, corpus: Path, state: CorpusState) -> str | None:
    """Store the corpus index of a run that checked every file of the corpus, unless the one
    stored already describes this very state (the same tree, nothing else changed); a
    problem met doing so, as a note (the run's report stands without it). `state`: git's
    view after the run's reads, with the tree's blob ids."""
    if state.blobs is None:
        return None
    stored = cache.stored()
    try:
        known = stored.state()
    except (sqlite3.Error, ValueError, TypeError):
        known = None  # replaced below (or found damaged there)
    if known is not None and _same(known, state):
        return None
    blobs = state.blobs
    real = os.path.realpath(corpus) + os.sep
    rows: list[IndexRow] = []
    positions: list[int] = []
    for position, entry in enumerate(index.entries):
        facts, identity = entry.facts, entry.file.identity
        if not facts.sha256 or not identity.startswith(real) or not encodable(identity):
            continue
        relative = identity[len(real) :].replace(os.sep, "/")
        blob = None if relative in state.changed else blobs.get(relative)
        rows.append(IndexRow(relative, facts.sha256, blob, facts.article_id, facts.body_hash))
        positions.append(position)
    bands, signed = _stored_bands(index, positions)
    try:
        stored.replace(state.tree, state.changed, rows, bands, signed)
    except sqlite3.Error as error:
        cache.failed(error)  # a damaged database is rebuilt: the next full run stores it
        return f"corpus index not stored ({cache.path}): {error}"
    return None


def _same(known: StoredState, state: CorpusState) -> bool:
    return known.tree == state.tree and not known.dirty and not state.changed


def _stored_bands(
    index: CorpusIndex, positions: list[int]
) -> tuple[npt.NDArray[np.uint64] | None, npt.NDArray[np.uint32]]:
    """The band keys (one row a band) of the stored rows that have a signature, and those
    rows' numbers; `positions`: each stored row's entry in the index."""
    import numpy as np

    from newsdata.check.similarity import NUM_PERM, band_keys, signed_rows

    if index.signatures is None:
        return None, np.zeros(0, dtype=np.uint32)
    matrix = np.frombuffer(index.signatures, dtype="<u4").reshape(-1, NUM_PERM)
    order = index.signature_rows
    in_buffer = np.asarray(positions, dtype=np.int64)  # each stored row's signature
    if order is not None:
        in_buffer = np.asarray(order, dtype=np.int64)[in_buffer]
    has_signature = np.zeros(len(matrix), dtype=bool)
    has_signature[signed_rows(matrix)] = True
    signed = np.flatnonzero(has_signature[in_buffer])
    # The keys of every signature in the buffer, then those of the stored rows: a gather of
    # 32 keys a row, not of 128 values.
    keys = band_keys(matrix)[in_buffer[signed]]
    return np.ascontiguousarray(keys.T), signed.astype(np.uint32)


def _band_keys(signatures: Sequence[bytes | None]) -> npt.NDArray[np.uint64]:
    import numpy as np

    from newsdata.check.similarity import NUM_PERM, SIGNATURE_BYTES, band_keys, signed_rows

    present = [s for s in signatures if s and len(s) == SIGNATURE_BYTES]
    matrix = np.frombuffer(b"".join(present), dtype="<u4").reshape(-1, NUM_PERM)
    return band_keys(matrix[signed_rows(matrix)])


def with_changed(named: list[Unit], changed: Sequence[Target]) -> list[Unit]:
    """The files named, and the others changed since the stored index was made."""
    skip = {u.target.file.identity for u in named}
    return named + [Unit(t, False) for t in changed if t.file.identity not in skip]


def take_unread(delta: Delta, units: list[Unit], cache: ResultCache, signed: bool) -> None:
    """The stored results of the files git vouches for, taken without reading them."""
    stored = delta.unread([u.target for u in units], cache)
    for unit in units:
        result = stored.get(unit.target.file.identity)
        if result is None or lacks_signature(result, signed):
            continue
        if result.findings:
            found_at(result, unit.target.file)
        unit.result = result
