"""Records set aside while the corpus is validated, read back in id order for writing.

Packaging used to read and parse every file twice: once to validate it, once to make its
record. Now the validation workers also make each file's record from the very bytes they
checked, lay each bucket's records out as Arrow buffers (buckets by the leading bits of the
id; ids are hash prefixes, so the buckets are even) and hand the bytes over; the spool appends
them to an anonymous scratch file. Reading bucket after bucket, each sorted, gives the whole
table in id order while only a bucket or two is ever in memory, however large the corpus; and
the table is built from the buffers, with no Python object per value.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from newsdata.errors import ReleaseError
from newsdata.results import MAX_TEXT_BYTES, PackedRecords

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["RecordSpool"]

_ORDER = [("id", "ascending"), ("source_path", "ascending")]


class RecordSpool:
    """Records by bucket in one anonymous scratch file (gone when closed, or on a crash)."""

    def __init__(self, directory: Path | None = None) -> None:
        # Beside the release (the nearest folder that exists), not in /tmp: the spool is as
        # large as the corpus's text, and /tmp is often small or held in memory.
        where = directory
        while where is not None and not where.is_dir():
            where = where.parent if where.parent != where else None
        try:
            self._file: IO[bytes] = tempfile.TemporaryFile(dir=where)  # noqa: SIM115 (close())
        except OSError as error:
            raise ReleaseError(f"cannot make a scratch file in {where}: {error}") from error
        self._chunks: dict[int, list[tuple[int, int]]] = {}
        #: How many buckets the records are spread over (set by the first batch kept).
        self.buckets: int | None = None
        self.paths: set[str] = set()  # source paths that have a record here

    def close(self) -> None:
        """Drop every record (the scratch file has no name, so nothing is left behind)."""
        self._file.close()

    def add(self, packed: PackedRecords) -> None:
        """Keep a batch's records (a `RunOptions.records` callback)."""
        if self.buckets is None:
            self.buckets = packed.buckets
        elif packed.buckets != self.buckets:  # the order of the table depends on it
            raise ValueError(f"records in {packed.buckets} buckets, not {self.buckets}")
        try:
            offset = self._file.seek(0, os.SEEK_END)
            for bucket, data in packed.chunks:
                self._file.write(data)
                self._chunks.setdefault(bucket, []).append((offset, len(data)))
                offset += len(data)
        except OSError as error:
            message = f"setting records aside failed ({error}): nothing written"
            raise ReleaseError(message) from error
        self.paths.update(packed.sources)

    def tables(self, size: int) -> Iterator[pa.Table]:
        """Every record in (id, source_path) order, as tables of at least `size` rows (but
        the last), each holding whole buckets."""
        import pyarrow as pa

        from newsdata.package.records import chunk_batch, spool_schema

        batches: list[pa.RecordBatch] = []
        rows = 0
        for bucket in sorted(self._chunks):
            for offset, length in self._chunks[bucket]:
                self._file.seek(offset)
                batch = chunk_batch(*pickle.loads(self._file.read(length)))
                batches.append(batch)
                rows += batch.num_rows
            if rows >= size:
                yield _sorted(pa.Table.from_batches(batches, schema=spool_schema()))
                batches, rows = [], 0
        if rows:
            yield _sorted(pa.Table.from_batches(batches, schema=spool_schema()))


def _sorted(table: pa.Table) -> pa.Table:
    if table.nbytes > MAX_TEXT_BYTES:  # a column of it could not be one Arrow array
        raise ReleaseError("a row group holds over 2 GiB of text: lower max-file-size")
    import pyarrow.compute as pc

    from newsdata.package.records import memory_pool

    # Made contiguous first: `take` over a table of many small chunks was measured 10-30
    # times slower than the copy and the take together.
    pool = memory_pool()
    order = pc.sort_indices(table, sort_keys=_ORDER, memory_pool=pool)
    return pc.take(table.combine_chunks(pool), order, memory_pool=pool)
