"""The release's tables: every record, in id order, written to Parquet and CSV at once; and
the inputs, one row per raw file, written to their own Parquet file."""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from newsdata.errors import ReleaseError
from newsdata.release.buffers import record_buckets, text_buffers
from newsdata.release.manifest import CSV, INPUTS, PARQUET, arrow_schema, inputs_schema
from newsdata.release.records import (
    PARQUET_OPTIONS,
    ROW_GROUP_SIZE,
    csv_schema,
    csv_write_options,
    memory_pool,
    record_chunks,
    release_batches,
)
from newsdata.release.spool import RecordSpool
from newsdata.release.stats import ReleaseStats

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["Input", "as_validated", "write_inputs", "write_tables"]


class Input(NamedTuple):
    """One raw file going into the release (tuples sort by id, then path).

    Its fields are the columns of inputs.parquet, in order (`INPUT_COLUMNS`); `etag` and
    `version` are the listed object's, for a corpus in object storage.
    """

    id: str
    path: str
    bytes: int
    sha256: str
    etag: str | None = None
    version: str | None = None


#: Rows per row group of inputs.parquet: 10 million inputs make some 150 groups, and one
#: group's Python values (a few tens of MB) are all that is converted at a time.
INPUT_ROWS_PER_GROUP = 65_536

#: How inputs.parquet is written: fixed options, so the bytes depend only on the rows (Parquet
#: holds no timestamp). No dictionaries: ids, paths, hashes and ETags are all distinct.
_INPUT_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "version": "2.6",
    "use_dictionary": False,
}


def write_inputs(folder: Path, inputs: Sequence[Input]) -> None:
    """Write inputs.parquet: one row per raw file, in the order given (id, then path)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = inputs_schema()
    path = folder / INPUTS.name
    path.parent.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(path, schema, **_INPUT_OPTIONS) as writer:
        for start in range(0, len(inputs), INPUT_ROWS_PER_GROUP):
            rows = inputs[start : start + INPUT_ROWS_PER_GROUP]
            columns = [_column(c.type, [row[n] for row in rows]) for n, c in enumerate(schema)]
            writer.write_table(
                pa.Table.from_arrays(columns, schema=schema), row_group_size=INPUT_ROWS_PER_GROUP
            )


def write_tables(
    root: Path,
    folder: Path,
    inputs: Sequence[Input],
    jobs: int,
    spool: RecordSpool,
    csv_written: Callable[[ReleaseStats], None],
) -> ReleaseStats:
    """Write the Parquet and CSV files of `inputs`' records (from the spool, or read now for
    files validation did not read); `csv_written` is called, with the complete counts, once
    the CSV file is complete, while the Parquet file may still be being written."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    for written in (PARQUET, CSV):
        (folder / written.name).parent.mkdir(parents=True, exist_ok=True)
    stats = ReleaseStats()
    # Files whose validation came from the cache were not read in this run: their records
    # are made now (in parallel, small chunks for balance) and join the others in the spool.
    missing = [i.path for i in inputs if i.path not in spool.paths]
    buckets = spool.buckets or record_buckets(len(inputs))
    for packed in record_chunks(root, missing, jobs, buckets, ROW_GROUP_SIZE // 4):
        spool.add(packed)
    with (
        pq.ParquetWriter(
            folder / PARQUET.name, arrow_schema(), memory_pool=memory_pool(), **PARQUET_OPTIONS
        ) as parquet,
        pacsv.CSVWriter(
            folder / CSV.name,
            csv_schema(),
            write_options=csv_write_options(),
            memory_pool=memory_pool(),
        ) as table,
        ThreadPoolExecutor(1, thread_name_prefix="newsdata-parquet") as parquet_thread,
        ThreadPoolExecutor(1, thread_name_prefix="newsdata-csv") as csv_thread,
    ):
        # pyarrow encodes, compresses and writes without the GIL: each file has a writer
        # thread of its own, which takes the row groups in order, while this thread prepares
        # the next one. The CSV writer, much faster, runs ahead of the Parquet one (each keeps
        # at most _PENDING row groups waiting: memory stays bounded) and so is done early.
        # Rows are regrouped into fixed-size row groups: the files depend only on the rows.
        to_parquet: deque[Future[None]] = deque()
        to_csv: deque[Future[None]] = deque()
        for rows in as_validated(regrouped(spool.tables(ROW_GROUP_SIZE)), inputs):
            stats.add_columns(
                {name: rows.column(name).to_pylist() for name in ReleaseStats.COLUMNS}
            )
            batch, text = release_batches(rows)
            _wait(to_parquet, _PENDING - 1)
            to_parquet.append(
                parquet_thread.submit(parquet.write_batch, batch, row_group_size=ROW_GROUP_SIZE)
            )
            _wait(to_csv, _PENDING - 1)
            to_csv.append(csv_thread.submit(table.write_batch, text))
            memory_pool().release_unused()  # the C library keeps freed row groups otherwise
        _wait(to_csv, 0)
        table.close()
        csv_written(stats)
        _wait(to_parquet, 0)
    return stats


def _column(kind: pa.DataType, values: list[Any]) -> pa.Array:
    """A column of inputs.parquet, built from Arrow buffers: pa.array() would import pandas
    (see records.chunk_batch). Nulls (no ETag, no version) get a validity bitmap."""
    import pyarrow as pa

    validity = None
    if None in values:
        bits = bytearray(-(-len(values) // 8))
        for row, value in enumerate(values):
            if value is not None:
                bits[row >> 3] |= 1 << (row & 7)
        validity = pa.py_buffer(bits)
        values = ["" if value is None else value for value in values]
    if pa.types.is_integer(kind):
        buffers: tuple[bytes, ...] = (array("q", values).tobytes(),)
    else:
        buffers = text_buffers(values)
    return pa.Array.from_buffers(kind, len(values), [validity, *map(pa.py_buffer, buffers)])


_PENDING = 2  # row groups a writer thread may have waiting
_KEYS = ("id", "source_path", "source_sha256")


def _wait(pending: deque[Future[None]], keep: int) -> None:
    """Wait for the oldest writes until at most `keep` are pending (errors surface here)."""
    while len(pending) > keep:
        pending.popleft().result()


def as_validated(tables: Iterator[Any], inputs: Sequence[Input]) -> Iterator[Any]:
    """The row tables, checked against what validation saw: same files, same order, same
    bytes (a file edited while packaging is refused, not published half-checked)."""
    done = 0
    for rows in tables:
        found = list(zip(*(rows.column(name).to_pylist() for name in _KEYS), strict=True))
        wanted = [(i.id, i.path, i.sha256) for i in inputs[done : done + len(found)]]
        done += len(found)
        if found != wanted:  # whole tables compared at once; a row is looked for only now
            pairs = enumerate(zip(found, wanted, strict=False))
            row = next((n for n, (got, want) in pairs if got != want), len(wanted))
            if row < len(wanted) and found[row][:2] == wanted[row][:2]:
                raise ReleaseError(f"{found[row][1]} changed while packaging: nothing written")
            bad = found[row][1]  # the first row that differs, or one more than validation saw
            raise ReleaseError(f"{bad} is not the file validation saw there: nothing written")
        yield rows
    if done < len(inputs):
        raise ReleaseError(f"{inputs[done].path} has no record: nothing written")


def regrouped(tables: Iterator[Any]) -> Iterator[Any]:
    """Tables of any sizes, re-cut into tables of exactly ROW_GROUP_SIZE rows (the last
    excepted)."""
    import pyarrow as pa

    pending = None
    for table in tables:
        pending = (
            table
            if pending is None
            else pa.concat_tables([pending, table], memory_pool=memory_pool())
        )
        while pending.num_rows >= ROW_GROUP_SIZE:
            yield pending.slice(0, ROW_GROUP_SIZE)
            pending = pending.slice(ROW_GROUP_SIZE)
    if pending is not None and pending.num_rows:
        yield pending
