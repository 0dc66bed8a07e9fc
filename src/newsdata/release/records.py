"""The packaged table: its Arrow schema, and records turned into Arrow record batches."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from functools import cache
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdata.articles import record
from newsdata.check.rawtext import parse_text
from newsdata.check.reading import decode
from newsdata.errors import UnrecordableFileError
from newsdata.model import Article
from newsdata.release.buffers import (
    RECORD_COLUMNS,
    ColumnBuffers,
    PackedRecords,
    authors_json,
    pack_records,
    record_row,
    text_buffers,
)
from newsdata.release.manifest import arrow_schema

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "PARQUET_OPTIONS",
    "ROW_GROUP_SIZE",
    "chunk_batch",
    "csv_batch",
    "csv_schema",
    "csv_write_options",
    "memory_pool",
    "read_article",
    "record_chunks",
    "record_values",
    "release_batches",
    "spool_schema",
]

#: Rows per Parquet row group (and per batch in memory): fixed, so files are reproducible.
ROW_GROUP_SIZE = 4096

#: How the Parquet file is written (the benchmark's pyarrow-alone baseline uses the same).
#: Only the low-cardinality columns are dictionary-encoded: for unique text (bodies, titles,
#: URLs, ids) the dictionary is built and then abandoned, time spent for nothing.
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "version": "2.6",
    "use_dictionary": ["publication", "authors.list.element"],
}


def read_article(root: Path, relative: str) -> Article:
    """One validated raw file as a record (no rules run: validation already did that)."""
    import hashlib

    from pydantic import ValidationError

    data = (root / relative).read_bytes()
    text, _ = decode(data)
    try:
        return record(parse_text(text), relative, hashlib.sha256(data).hexdigest())
    except (ValueError, ValidationError) as error:
        raise UnrecordableFileError(relative) from error


def record_values(root: Path, paths: Sequence[str]) -> list[tuple[Any, ...]]:
    """Records of several files, each as its values in RECORD_COLUMNS order."""
    out: list[tuple[Any, ...]] = []
    for relative in paths:
        article = read_article(root, relative)
        out.append(record_row(article))
    return out


def _packed(root: Path, paths: Sequence[str], buckets: int) -> PackedRecords:
    return pack_records(record_values(root, paths), buckets)


def record_chunks(
    root: Path, paths: Sequence[str], jobs: int, buckets: int, size: int = ROW_GROUP_SIZE
) -> Iterator[PackedRecords]:
    """The records of files (the ones validation did not read), `size` files at a time, made
    and packed on `jobs` processes."""
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    if jobs <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield _packed(root, chunk, buckets)
        return
    from newsdata.execute.local import start_pool, worker_context

    pool = start_pool(worker_context(), min(jobs, len(chunks)))
    window = jobs + 1  # chunks in flight: memory stays bounded however large the corpus
    try:
        pending: deque[AsyncResult[PackedRecords]] = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(_packed, (root, chunk, buckets)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def memory_pool() -> pa.MemoryPool:
    """The allocator for the release's tables and writers: the C library's.

    pyarrow's default (mimalloc in the wheels) hands freed memory back to the system at once,
    so each row group's fresh buffers cost page faults anew, in sorting a release's rows and in
    writing them.
    """
    import pyarrow as pa

    return pa.system_memory_pool()


@cache
def spool_schema() -> pa.Schema:
    """The schema of the record chunks kept while packaging: the table's columns, then the
    authors as JSON text (the CSV's column)."""
    import pyarrow as pa

    return arrow_schema().append(pa.field(_AUTHORS_JSON, pa.string(), nullable=False))


def chunk_batch(count: int, columns: Sequence[ColumnBuffers]) -> pa.RecordBatch:
    """A record batch (spool_schema) from the buffers `record_buffers` made: no Python object
    per value. pa.array() would also do, but its first call imports pandas (when installed) to
    ask whether the list is a pandas object, a cost paid by every release."""
    import pyarrow as pa

    schema = spool_schema()
    arrays = [_array(field.type, count, bufs) for field, bufs in zip(schema, columns, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _array(kind: pa.DataType, count: int, buffers: ColumnBuffers) -> pa.Array:
    import pyarrow as pa

    if pa.types.is_list(kind):
        lists, offsets, data = buffers
        items = int.from_bytes(lists[-4:], "little", signed=True)  # the last list offset
        flat = _array(pa.string(), items, (offsets, data))
        return pa.ListArray.from_buffers(kind, count, [None, pa.py_buffer(lists)], children=[flat])
    return pa.Array.from_buffers(kind, count, [None, *map(pa.py_buffer, buffers)])


def release_batches(table: pa.Table) -> tuple[pa.RecordBatch, pa.RecordBatch]:
    """A row group's rows (spool_schema) as one batch for the Parquet file and one for the CSV
    (authors as JSON text)."""
    import pyarrow as pa

    schema = arrow_schema()
    arrays = [column.combine_chunks(memory_pool()) for column in table.columns]
    parquet = pa.RecordBatch.from_arrays(arrays[: len(schema)], schema=schema)
    text = list(arrays[: len(schema)])
    text[_AUTHORS] = arrays[len(schema)]
    return parquet, pa.RecordBatch.from_arrays(text, schema=csv_schema())


@cache
def csv_schema() -> pa.Schema:
    """The CSV file's schema: the table's, with authors as JSON text."""
    import pyarrow as pa

    return arrow_schema().set(_AUTHORS, pa.field("authors", pa.string(), nullable=False))


def _strings(values: list[str]) -> pa.Array:
    import pyarrow as pa

    offsets, data = text_buffers(values)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.string(), len(values), buffers)


_AUTHORS = RECORD_COLUMNS.index("authors")
_AUTHORS_JSON = "authors_json"


def csv_write_options() -> Any:
    """How the CSV file is written: RFC 4180 line ends, quotes only where needed."""
    import pyarrow.csv as pacsv

    return pacsv.WriteOptions(eol="\r\n", quoting_style="needed")


def csv_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The same batch for CSV: authors as a JSON array of strings (the documented encoding)."""
    authors = batch.column("authors").to_pylist()
    encoded = _strings([authors_json(a) for a in authors])
    return batch.set_column(_AUTHORS, csv_schema().field(_AUTHORS), encoded)
