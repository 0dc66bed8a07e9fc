"""Records set aside while the corpus is validated, read back in id order for writing.

So that packaging reads and parses every file once, the validation workers also make each
file's record from the very bytes they checked, lay each bucket's records out as Arrow buffers
(buckets by the leading bits of the id; ids are hash prefixes, so the buckets are even) and
write them into an anonymous scratch file of the spool's (inherited when they were forked; else
they hand the bytes over and the spool writes them). Reading bucket after bucket, each sorted,
gives the whole table in id order while only a bucket or two is ever in memory, however large
the corpus; and the table is built from the buffers, with no Python object per value.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from newsdata.articles import record
from newsdata.check.results import FileResult
from newsdata.errors import ReleaseError
from newsdata.release.buffers import (
    MAX_TEXT_BYTES,
    PackedRecords,
    pack_records,
    read_at,
    record_buckets,
    record_row,
    store_records,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from newsdata.check.discovery import FilePath
    from newsdata.check.rawtext import Document

__all__ = ["RecordMaker", "RecordSpool"]

_ORDER = [("id", "ascending"), ("source_path", "ascending")]


class RecordSpool:
    """Records by bucket in anonymous scratch files (gone when closed, or on a crash): one for
    the records handed over, and one for each forked worker that writes its own.

    It is the check stage's hook (results.FileHook) while a release validates its corpus:
    its worker side, a RecordMaker, makes each checked file's record where it was checked.
    """

    def __init__(self, directory: Path | None = None) -> None:
        # Beside the release (the nearest folder that exists), not in /tmp: the spool is as
        # large as the corpus's text, and /tmp is often small or held in memory.
        where = directory
        while where is not None and not where.is_dir():
            where = where.parent if where.parent != where else None
        self._where = where
        self._files: list[IO[bytes]] = []
        self._new_file()
        self._end = 0  # the next free offset of the first file
        #: bucket -> (file, offset, length) of each of its chunks, in the order they came
        self._chunks: dict[int, list[tuple[int, int, int]]] = {}
        #: How many buckets the records are spread over (set by the first batch kept).
        self.buckets: int | None = None
        self.paths: set[str] = set()  # source paths that have a record here

    def _new_file(self) -> None:
        try:
            self._files.append(tempfile.TemporaryFile(dir=self._where))  # noqa: SIM115 (close())
        except OSError as error:
            raise ReleaseError(f"cannot make a scratch file in {self._where}: {error}") from error

    def close(self) -> None:
        """Drop every record (the scratch files have no name, so nothing is left behind)."""
        for file in self._files:
            file.close()

    def for_workers(self, workers: int, files: int, *, forked: bool) -> RecordMaker:
        """The record makers' side (a FileHook's): forked workers get a scratch file each
        (its descriptor inherited), into which they write their records themselves."""
        buckets = record_buckets(files)
        if not forked:
            return RecordMaker(buckets, ())
        start = len(self._files)
        for _ in range(workers):
            self._new_file()
        own = [(index, self._files[index].fileno()) for index in range(start, start + workers)]
        return RecordMaker(buckets, own)

    def collect(self, handoff: object) -> None:
        """A batch's records, from a RecordMaker (a FileHook's)."""
        assert isinstance(handoff, PackedRecords)
        self.add(handoff)

    def add(self, packed: PackedRecords) -> None:
        """Keep a batch's records."""
        if self.buckets is None:
            self.buckets = packed.buckets
        elif packed.buckets != self.buckets:  # the order of the table depends on it
            raise ValueError(f"records in {packed.buckets} buckets, not {self.buckets}")
        stored, self._end = store_records(packed, 0, self._files[0].fileno(), self._end)
        for bucket, file, offset, length in stored.stored:
            self._chunks.setdefault(bucket, []).append((file, offset, length))
        self.paths.update(packed.sources)

    def tables(self, size: int) -> Iterator[pa.Table]:
        """Every record in (id, source_path) order, as tables of at least `size` rows (but
        the last), each holding whole buckets."""
        import pyarrow as pa

        from newsdata.release.records import chunk_batch, spool_schema

        batches: list[pa.RecordBatch] = []
        rows = 0
        for bucket in sorted(self._chunks):
            for file, offset, length in self._chunks[bucket]:
                data = read_at(self._files[file].fileno(), length, offset)
                if len(data) != length:
                    raise ReleaseError("a scratch file of set-aside records came back short")
                batch = chunk_batch(*pickle.loads(data))
                batches.append(batch)
                rows += batch.num_rows
            if rows >= size:
                group = _sorted(pa.Table.from_batches(batches, schema=spool_schema()))
                batches, rows = [], 0  # dropped before the group goes out: memory stays low
                yield group
        if rows:
            yield _sorted(pa.Table.from_batches(batches, schema=spool_schema()))


def _sorted(table: pa.Table) -> pa.Table:
    if table.nbytes > MAX_TEXT_BYTES:  # a column of it could not be one Arrow array
        raise ReleaseError("a row group holds over 2 GiB of text: lower max-file-size")
    import pyarrow.compute as pc

    from newsdata.release.records import memory_pool

    # Made contiguous first: `take` over a table of many small chunks is much slower than the
    # copy and the take together.
    pool = memory_pool()
    order = pc.sort_indices(table, sort_keys=_ORDER, memory_pool=pool)
    return pc.take(table.combine_chunks(pool), order, memory_pool=pool)


class RecordMaker:
    """A release's records, made from each file's parsed document where the file was checked,
    laid out as Arrow buffers a batch at a time (the spool's results.WorkerHook)."""

    def __init__(self, buckets: int, files: Sequence[tuple[int, int]]) -> None:
        self._buckets = buckets
        self._files = list(files)  # (the spool's index of a scratch file, its descriptor)
        self._own: tuple[int, int] | None = None
        self._offset = 0
        self._rows: list[tuple[Any, ...]] = []

    def start(self, worker: int) -> None:
        """In a forked worker: take its own scratch file."""
        if worker < len(self._files):
            self._own = self._files[worker]

    def on_checked(self, file: FilePath, document: Document | None, result: FileResult) -> None:
        """Make the file's record, if it makes one (a file that makes none is found, and
        said why, when the release is written)."""
        row = _row(document, file.source, result.sha256)
        if row is not None:
            self._rows.append(row)

    def batch_done(self) -> PackedRecords:
        """The batch's records, written into this worker's own scratch file if it has one."""
        packed, self._rows = pack_records(self._rows, self._buckets), []
        if self._own is not None:
            index, fd = self._own
            packed, self._offset = store_records(packed, index, fd, self._offset)
        return packed


def _row(document: Document | None, source: str, sha256: str | None) -> tuple[Any, ...] | None:
    """A file's record as column values, or None if it makes none."""
    from pydantic import ValidationError

    if document is None or sha256 is None:
        return None
    try:
        article = record(document, source, sha256)
    except (ValueError, ValidationError):
        return None
    return record_row(article)
