"""The packaged table: its Arrow schema, and articles turned into Arrow record batches."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator, Sequence
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdata.engine import record
from newsdata.errors import ReleaseError
from newsdata.model import SCHEMA_VERSION, Article
from newsdata.rawtext import parse_text
from newsdata.reading import decode

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "ROW_GROUP_SIZE",
    "arrow_schema",
    "column_chunks",
    "columns_batch",
    "csv_batch",
    "read_article",
    "record_columns",
]

#: Rows per Parquet row group (and per batch in memory): fixed, so files are reproducible.
ROW_GROUP_SIZE = 4096

COLUMNS = (
    "id",
    "title",
    "authors",
    "published",
    "publication",
    "url",
    "body",
    "word_count",
    "source_path",
    "source_sha256",
)


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
    assert tuple(f.name for f in fields) == COLUMNS == tuple(Article.model_fields)
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
    columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    for relative in paths:
        article = read_article(root, relative)
        for name in COLUMNS:
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

    return pa.RecordBatch.from_pydict(columns, schema=arrow_schema())


def csv_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The same batch for CSV: authors as a JSON array of strings (the documented encoding)."""
    import pyarrow as pa

    authors = batch.column("authors").to_pylist()
    encoded = pa.array([json.dumps(a, ensure_ascii=False) for a in authors], type=pa.string())
    index = batch.schema.get_field_index("authors")
    return batch.set_column(index, pa.field("authors", pa.string(), nullable=False), encoded)
