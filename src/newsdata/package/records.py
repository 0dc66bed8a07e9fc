"""The packaged table: its Arrow schema, and articles turned into Arrow record batches."""

from __future__ import annotations

import datetime as dt
import json
import re
from array import array
from collections import deque
from collections.abc import Iterator, Sequence
from functools import cache
from itertools import accumulate
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdata.engine import record
from newsdata.errors import ReleaseError
from newsdata.model import SCHEMA_VERSION, Article
from newsdata.rawtext import parse_text
from newsdata.reading import decode
from newsdata.results import RECORD_COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "PARQUET_OPTIONS",
    "ROW_GROUP_SIZE",
    "arrow_schema",
    "authors_json",
    "column_chunks",
    "columns_batch",
    "csv_batch",
    "csv_write_options",
    "read_article",
    "record_columns",
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


@cache
def arrow_schema() -> pa.Schema:
    """The explicit Arrow schema of the articles table (matches schema/ and the model)."""
    import pyarrow as pa

    string = pa.string()
    fields = [
        pa.field("id", string, nullable=False),
        pa.field("title", string, nullable=False),
        pa.field("authors", pa.list_(pa.field("element", string, nullable=False)), nullable=False),
        pa.field("published", pa.date32(), nullable=False),
        pa.field("publication", string, nullable=False),
        pa.field("url", string, nullable=False),
        pa.field("body", string, nullable=False),
        pa.field("word_count", pa.int64(), nullable=False),
        pa.field("source_path", string, nullable=False),
        pa.field("source_sha256", string, nullable=False),
    ]
    assert tuple(f.name for f in fields) == RECORD_COLUMNS == tuple(Article.model_fields)
    return pa.schema(fields, metadata={"newsdata.schema_version": SCHEMA_VERSION})


def read_article(root: Path, relative: str) -> Article:
    """One validated raw file as a record (no rules run: validation already did that)."""
    import hashlib

    from pydantic import ValidationError

    data = (root / relative).read_bytes()
    text, _ = decode(data)
    try:
        return record(parse_text(text), relative, hashlib.sha256(data).hexdigest())
    except (ValueError, ValidationError) as error:
        raise ReleaseError(f"{relative} changed while packaging: it no longer parses") from error


def record_columns(root: Path, paths: Sequence[str]) -> dict[str, list[Any]]:
    """Records of several files as plain column lists (what a worker sends back)."""
    columns: dict[str, list[Any]] = {name: [] for name in RECORD_COLUMNS}
    for relative in paths:
        article = read_article(root, relative)
        for name in RECORD_COLUMNS:
            columns[name].append(getattr(article, name))
    return columns


def column_chunks(
    root: Path, paths: Sequence[str], jobs: int, size: int = ROW_GROUP_SIZE
) -> Iterator[dict[str, list[Any]]]:
    """Records in id order, `size` at a time, parsed on `jobs` processes (in order)."""
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    if jobs <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield record_columns(root, chunk)
        return
    from newsdata.parallel import freeze_inherited_heap, worker_context

    pool = worker_context().Pool(min(jobs, len(chunks)), freeze_inherited_heap)
    window = jobs + 1  # chunks in flight: memory stays bounded however large the corpus
    try:
        pending: deque[AsyncResult[dict[str, list[Any]]]] = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(record_columns, (root, chunk)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def columns_batch(columns: dict[str, list[Any]]) -> pa.RecordBatch:
    """Column lists as an Arrow record batch with the explicit schema."""
    import pyarrow as pa

    schema = arrow_schema()
    arrays = [_array(columns[field.name], field.type) for field in schema]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _array(values: list[Any], kind: pa.DataType) -> pa.Array:
    """An Arrow array of non-null values, built from its buffers.

    pa.array() would do, but its first call imports pandas (when installed) to ask whether the
    list is a pandas object: ~0.3 s of every release. RecordBatch.from_pydict is ~30x slower.
    """
    import pyarrow as pa

    if pa.types.is_string(kind):
        return _strings(values)
    if pa.types.is_list(kind):
        offsets = array("i", accumulate(map(len, values), initial=0))
        flat = _strings([item for items in values for item in items])
        return pa.ListArray.from_buffers(
            kind, len(values), [None, pa.py_buffer(offsets)], children=[flat]
        )
    if pa.types.is_date32(kind):
        days = array("i", [day.toordinal() - _EPOCH_ORDINAL for day in values])
        return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(days)])
    if pa.types.is_int64(kind):
        numbers = array("q", values)
        return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(numbers)])
    raise TypeError(f"no Arrow conversion for {kind}")  # the schema holds no other type


def _strings(values: list[str]) -> pa.Array:
    import pyarrow as pa

    joined = "".join(values)
    if joined.isascii():  # one encode, and each value's length in bytes is its length
        lengths, data = list(map(len, values)), joined.encode("ascii")
    else:
        encoded = [value.encode("utf-8") for value in values]
        lengths, data = list(map(len, encoded)), b"".join(encoded)
    if len(data) > _MAX_STRING_BYTES:
        raise ReleaseError("a row group holds over 2 GiB of text: lower max-file-size")
    offsets = array("i", accumulate(lengths, initial=0))
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.string(), len(values), buffers)


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_MAX_STRING_BYTES = 2**31 - 1  # Arrow's string type has 32-bit offsets


_JSON_ESCAPED = re.compile(r'[\x00-\x1f\\"]')  # what json.dumps(ensure_ascii=False) escapes


def authors_json(authors: list[str]) -> str:
    """`json.dumps(authors, ensure_ascii=False)`, without its machinery when no name needs an
    escape (nearly always)."""
    joined = '", "'.join(authors)
    if _JSON_ESCAPED.search(joined) is not None:
        return json.dumps(authors, ensure_ascii=False)
    return f'["{joined}"]' if authors else "[]"


def csv_write_options() -> Any:
    """How the CSV file is written: RFC 4180 line ends, quotes only where needed."""
    import pyarrow.csv as pacsv

    return pacsv.WriteOptions(eol="\r\n", quoting_style="needed")


def csv_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The same batch for CSV: authors as a JSON array of strings (the documented encoding)."""
    import pyarrow as pa

    authors = batch.column("authors").to_pylist()
    encoded = _strings([authors_json(a) for a in authors])
    index = batch.schema.get_field_index("authors")
    return batch.set_column(index, pa.field("authors", pa.string(), nullable=False), encoded)
