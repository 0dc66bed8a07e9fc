"""The corpus rules' keys as a keyed shuffle-reduce, for corpora a cluster checks.

ND901 and ND902 group files by a fact's value (article id, body hash); ND903 pairs files that
share an LSH band key. `CorpusIndex` does both in one process's memory. Here the same work is
an executor's `shuffle_reduce` (execute/base.py): a chunk is a run of rows, numbered globally
in path order; a mapper sends each (key, row) to the partition its key hashes to, and a
reducer sorts its partition and emits the groups or candidate pairs whose keys landed there.
Every row of a key meets in one reducer, sorted by row, so the result is the in-memory one
by construction, whatever the chunk and partition counts: "first in path order" is the
lowest global row. Tests hold both paths equal (tests/test_shuffle.py).

Chunks and parts are numpy arrays (one record a key, never a Python object a row), and the
mapper and reducers are module-level functions, so Dask can pickle them by reference.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from newsdata.check.similarity import (
    BANDS,
    band_keys,
    bucket_pairs,
    entry_signatures,
    mix,
    signed_rows,
)

if TYPE_CHECKING:
    from newsdata.check.index import CorpusIndex
    from newsdata.execute.base import Executor

__all__ = [
    "KEYS",
    "BandPart",
    "Grouped",
    "Paired",
    "Shuffled",
    "band_mapper",
    "band_reducer",
    "key_chunks",
    "key_mapper",
    "key_reducer",
    "shuffle_layout",
    "shuffled",
    "shuffled_candidate_pairs",
    "shuffled_groups",
]

#: The facts whose shared values the corpus rules group (ND901, ND902).
KEYS = ("article_id", "body_hash")

#: Rows a map task takes: its signatures (512 bytes a row) and band records (544 bytes a row)
#: stay near 70 MB however large the corpus.
_ROWS_PER_CHUNK = 1 << 16
#: Band records a reducer sorts (17 bytes each): about 70 MB at most, as a reducer holds its
#: partition whole.
_RECORDS_PER_PARTITION = 1 << 22

BandChunk = tuple[int, npt.NDArray[np.uint32]]
Rows = npt.NDArray[np.int64]


class BandPart(NamedTuple):
    """Band records bound for one partition, a column each: one row's key in one band is
    17 bytes."""

    band: npt.NDArray[np.uint8]
    key: npt.NDArray[np.uint64]
    row: Rows

    @property
    def nbytes(self) -> int:
        """The bytes this part sends."""
        return sum(column.nbytes for column in self)

    @classmethod
    def joined(cls, parts: Sequence[BandPart]) -> BandPart:
        """The parts' records end to end (none for no parts)."""
        return cls(
            np.concatenate([np.zeros(0, np.uint8), *(part.band for part in parts)]),
            np.concatenate([np.zeros(0, np.uint64), *(part.key for part in parts)]),
            np.concatenate([np.zeros(0, np.int64), *(part.row for part in parts)]),
        )


class Paired(NamedTuple):
    """A band reducer's result: its candidate pairs (global rows, i < j, unique and sorted)
    and the bytes it was sent."""

    pairs: Rows
    received: int


class Grouped(NamedTuple):
    """A key reducer's result: its groups' rows end to end (each group sorted), where each
    group starts, and the bytes it was sent."""

    members: Rows
    starts: Rows
    received: int


@dataclass(frozen=True)
class Shuffled:
    """What the corpus rules read of the index, made by a shuffle: the groups of each key (as
    `CorpusIndex.groups` yields them) and the LSH candidate pairs (as `candidate_pairs` gives
    them; None without signatures), in the index's entry order."""

    groups: dict[str, list[list[int]]]
    pairs: Rows | None
    rows: int
    #: Bytes the mappers sent the reducers, over every shuffle.
    shuffled_bytes: int

    @property
    def bytes_per_article(self) -> float:
        """Shuffled bytes per row of the corpus (the figure docs/cluster.md scales up)."""
        return self.shuffled_bytes / self.rows if self.rows else 0.0


def shuffle_layout(workers: int, rows: int) -> tuple[int, int]:
    """Chunks and partitions for a shuffle over `rows` rows on `workers` workers.

    At least two of each per worker, so that every worker has work in both stages and a slow
    or lost task is half a worker's share; more once a chunk or a partition would outgrow its
    memory bound (above). Neither count changes the result, only how the work is cut.
    """
    floor = 2 * max(1, workers)
    chunks = min(max(floor, math.ceil(rows / _ROWS_PER_CHUNK)), max(1, rows))
    partitions = max(floor, math.ceil(rows * BANDS / _RECORDS_PER_PARTITION))
    return chunks, partitions


def shuffled(executor: Executor, index: CorpusIndex, keys: Sequence[str] = KEYS) -> Shuffled:
    """The index's groups of `keys` and its LSH candidates, shuffled on `executor`: what the
    pipeline sets as `index.shuffled` before the corpus rules run."""
    rows = len(index.entries)
    chunks, partitions = shuffle_layout(executor.workers, rows)
    groups: dict[str, list[list[int]]] = {}
    sent = 0
    for key in keys:
        values = [getattr(entry.facts, key) for entry in index.entries]
        groups[key], received = shuffled_groups(executor, values, chunks, partitions)
        sent += received
    pairs = None
    matrix = entry_signatures(index)
    if matrix is not None:
        pairs, received = shuffled_candidate_pairs(executor, matrix, chunks, partitions)
        sent += received
    return Shuffled(groups, pairs, rows, sent)


def _cuts(rows: int, chunks: int) -> list[tuple[int, int]]:
    """`chunks` runs of rows, as even as can be: (first row, end)."""
    bounds = np.linspace(0, rows, max(1, chunks) + 1).astype(np.int64).tolist()
    return list(pairwise(bounds))


def _by_partition(spread: npt.NDArray[np.uint64], partitions: int) -> tuple[Rows, Rows]:
    """The order that puts records in partition order (`spread`, their keys' hashes, modulo
    `partitions`), each partition's records in their order; and where each partition ends."""
    which = spread % np.uint64(partitions)
    # A stable sort of 16-bit integers is a radix sort: one linear pass.
    which = which.astype(np.uint16 if partitions <= 1 << 16 else np.int64)
    order = np.argsort(which, kind="stable")
    ends = np.cumsum(np.bincount(which, minlength=partitions))[:-1]
    return order, ends


def _runs(same_as_previous: npt.NDArray[np.bool_]) -> tuple[Rows, Rows]:
    """Where each run of equal sorted keys starts, and its length (for n keys, given the n - 1
    comparisons of each with the one before)."""
    starts = np.flatnonzero(np.concatenate(([True], ~same_as_previous)))
    lengths = np.diff(np.concatenate((starts, [len(same_as_previous) + 1])))
    return starts, lengths


# The band shuffle (ND903) ---------------------------------------------------------------------


def shuffled_candidate_pairs(
    executor: Executor, matrix: npt.NDArray[np.uint32], chunks: int, partitions: int
) -> tuple[Rows, int]:
    """`candidate_pairs(matrix)`, by a shuffle of band keys on `executor`; and the bytes
    shuffled."""
    cuts = _cuts(len(matrix), chunks)
    work: list[BandChunk] = [(first, matrix[first:end]) for first, end in cuts]
    done = executor.shuffle_reduce(work, band_mapper, band_reducer, partitions)
    found = [result.pairs for result in done if len(result.pairs)]
    pairs = np.unique(np.concatenate(found), axis=0) if found else np.zeros((0, 2), np.int64)
    return pairs.astype(np.int64, copy=False), sum(result.received for result in done)


def band_mapper(chunk: BandChunk, partitions: int) -> list[BandPart]:
    """A chunk's band records (rows without a signature have none), split by a mix of band
    and key: every row of a bucket goes to the same partition, from every chunk."""
    first, matrix = chunk
    signed = signed_rows(matrix)
    keys = band_keys(matrix[signed]).ravel()
    bands = np.tile(np.arange(BANDS, dtype=np.uint8), len(signed))
    rows = np.repeat(signed + first, BANDS)
    order, ends = _by_partition(mix(keys ^ mix(bands.astype(np.uint64))), partitions)
    columns = (np.split(column[order], ends) for column in (bands, keys, rows))
    return [BandPart(*part) for part in zip(*columns, strict=True)]


def band_reducer(parts: list[BandPart]) -> Paired:
    """The candidate pairs of the buckets in one partition: its records sorted by band and
    key, each bucket's pairs by the rule of `candidate_pairs` (check/similarity.py), which
    sorts a bucket's rows itself."""
    received = sum(part.nbytes for part in parts)
    band, key, row = BandPart.joined(parts)
    order = np.argsort(key)
    order = order[np.argsort(band[order], kind="stable")]  # bytes: a radix sort
    band, key = band[order], key[order]
    starts, lengths = _runs((band[1:] == band[:-1]) & (key[1:] == key[:-1]))
    found = bucket_pairs(row[order], starts, lengths)
    if not found:
        return Paired(np.zeros((0, 2), np.int64), received)
    return Paired(np.unique(np.concatenate(found), axis=0), received)


# The key shuffle (ND901, ND902) ---------------------------------------------------------------


def shuffled_groups(
    executor: Executor, values: Sequence[str | None], chunks: int, partitions: int
) -> tuple[list[list[int]], int]:
    """The groups of `CorpusIndex.groups` (rows sharing a non-empty value, 2 or more, sorted,
    in the order of their first rows), by a shuffle on `executor`; and the bytes shuffled."""
    work = key_chunks(values, chunks)
    done = executor.shuffle_reduce(work, key_mapper, key_reducer, partitions)
    groups = [group for result in done for group in _unpacked(result)]
    groups.sort(key=lambda group: group[0])
    return groups, sum(result.received for result in done)


def key_chunks(values: Sequence[str | None], chunks: int) -> list[npt.NDArray[np.void]]:
    """The values as `chunks` arrays of key records (row, length, the UTF-8 bytes as words),
    one record a non-empty value; None and "" are missing, as the index takes them.

    The words are zero-padded to one width for every chunk; the byte length beside them keeps
    values that differ only by trailing NULs apart, so equal records are equal values.
    """
    present = [
        (row, value.encode("utf-8", "surrogatepass")) for row, value in enumerate(values) if value
    ]
    width = max([8, *(len(data) for _, data in present)])
    words = -(-width // 8)
    record = np.dtype([("row", "<i8"), ("length", "<u4"), ("words", "<u8", (words,))])
    records = np.empty(len(present), dtype=record)
    records["row"] = [row for row, _ in present]
    records["length"] = [len(data) for _, data in present]
    padded = np.array([data for _, data in present], dtype=f"S{words * 8}")
    records["words"] = padded.view("<u8").reshape(len(present), words)
    first_rows = np.searchsorted(records["row"], [first for first, _ in _cuts(len(values), chunks)])
    return np.split(records, first_rows[1:])


def key_mapper(chunk: npt.NDArray[np.void], partitions: int) -> list[npt.NDArray[np.void]]:
    """A chunk's key records, split by a hash of the value's bytes (stable across processes,
    unlike Python's salted `hash`): every row of a value goes to the same partition."""
    spread = mix(chunk["length"].astype(np.uint64))
    for column in _columns(chunk):
        spread = mix(spread ^ column)
    order, ends = _by_partition(spread, partitions)
    return np.split(chunk[order], ends)


def key_reducer(parts: list[npt.NDArray[np.void]]) -> Grouped:
    """The groups of one partition: its records sorted by value then row; runs of one value
    of two or more rows."""
    received = sum(part.nbytes for part in parts)
    if not parts or not sum(len(part) for part in parts):
        return Grouped(np.zeros(0, np.int64), np.zeros(0, np.int64), received)
    records = np.concatenate(parts)
    columns = _columns(records)
    records = records[np.lexsort((records["row"], *reversed(columns), records["length"]))]
    same = records["length"][1:] == records["length"][:-1]
    for column in _columns(records):
        same &= column[1:] == column[:-1]
    _, lengths = _runs(same)
    shared = lengths >= 2
    members = records["row"][np.repeat(shared, lengths)]
    bounds = np.cumsum(lengths[shared]) - lengths[shared]
    return Grouped(members.astype(np.int64), bounds.astype(np.int64), received)


def _columns(records: npt.NDArray[np.void]) -> list[npt.NDArray[np.uint64]]:
    words: npt.NDArray[np.uint64] = records["words"]
    return [words[:, k] for k in range(words.shape[1])]


def _unpacked(result: Grouped) -> Iterable[list[int]]:
    for group in np.split(result.members, result.starts[1:]):
        if len(group):
            yield group.tolist()
