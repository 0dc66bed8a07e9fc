"""Records set aside while the corpus is validated, read back in id order for writing.

Packaging used to read and parse every file twice: once to validate it, once to make its
record. Now the validation workers also make each file's record from the very bytes they
checked, pickle them by id bucket (256 buckets by the first byte of the id; ids are hash
prefixes, so the buckets are even) and hand the bytes over; the spool appends them to an
anonymous scratch file. Reading bucket after bucket, each sorted, gives the whole table in id
order while only one bucket is ever in memory, however large the corpus.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from newsdata.errors import ReleaseError
from newsdata.results import RECORD_BUCKETS, RECORD_COLUMNS, PackedRecords, pack_records

__all__ = ["RecordSpool"]

_ID = RECORD_COLUMNS.index("id")
_PATH = RECORD_COLUMNS.index("source_path")


class RecordSpool:
    """Records by id bucket in one anonymous scratch file (gone when closed, or on a crash)."""

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
        self._chunks: list[list[tuple[int, int]]] = [[] for _ in range(RECORD_BUCKETS)]
        self.paths: set[str] = set()  # source paths that have a record here

    def close(self) -> None:
        """Drop every record (the scratch file has no name, so nothing is left behind)."""
        self._file.close()

    def add(self, packed: PackedRecords) -> None:
        """Keep a batch's records (a `RunOptions.records` callback)."""
        try:
            offset = self._file.seek(0, os.SEEK_END)
            for bucket, data in packed.chunks:
                self._file.write(data)
                self._chunks[bucket].append((offset, len(data)))
                offset += len(data)
        except OSError as error:
            message = f"setting records aside failed ({error}): nothing written"
            raise ReleaseError(message) from error
        self.paths.update(packed.sources)

    def add_columns(self, columns: dict[str, list[Any]]) -> None:
        """Keep the records of a column chunk (as `record_columns` makes them)."""
        self.add(pack_records(zip(*(columns[name] for name in RECORD_COLUMNS), strict=True)))

    def columns(self, size: int) -> Iterator[dict[str, list[Any]]]:
        """Every record in (id, source_path) order, as column chunks of about `size` rows."""
        rows: list[tuple[Any, ...]] = []
        for chunks in self._chunks:
            found: list[tuple[Any, ...]] = []
            for offset, length in chunks:
                self._file.seek(offset)
                found.extend(pickle.loads(self._file.read(length)))
            found.sort(key=lambda values: (values[_ID], values[_PATH]))
            rows.extend(found)
            if len(rows) >= size:
                yield _as_columns(rows)
                rows = []
        if rows:
            yield _as_columns(rows)


def _as_columns(rows: Sequence[tuple[Any, ...]]) -> dict[str, list[Any]]:
    return {name: [values[i] for values in rows] for i, name in enumerate(RECORD_COLUMNS)}
