"""What checking one file yields, in a form that crosses processes and fits in the cache."""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from newsdata.diagnostics import Diagnostic

__all__ = ["RECORD_BUCKETS", "RECORD_COLUMNS", "FileResult", "PackedRecords", "pack_records"]

#: The record's columns, in the order of the model's fields and of the packaged table.
RECORD_COLUMNS = (
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


@dataclass(slots=True)
class FileResult:
    """One file's findings (without a path) and what the corpus rules compare.

    `published` and `date_line` let the date-dependent rule (future dates) be re-judged every
    day without re-reading the file; `signature` is the body's MinHash signature as bytes.
    `record` (packaging only, never cached) is the file's record as a tuple of column values,
    made from the very bytes that were checked.
    """

    findings: tuple[Diagnostic, ...]
    sha256: str | None = None
    article_id: str | None = None
    body_hash: str | None = None
    url_line: int | None = None
    body_line: int | None = None
    date_line: int | None = None
    published: str | None = None
    signature: bytes | None = None
    record: tuple[Any, ...] | None = None


#: Records are kept in this many buckets by the first byte of their id (a hash prefix, so the
#: buckets fill evenly): reading the buckets in turn gives the table in id order.
RECORD_BUCKETS = 256
_ID = RECORD_COLUMNS.index("id")
_SOURCE = RECORD_COLUMNS.index("source_path")


@dataclass(frozen=True, slots=True)
class PackedRecords:
    """The records of a batch, pickled bucket by bucket in the process that made them, so that
    the process keeping them only appends bytes (no unpickling and pickling again)."""

    chunks: tuple[tuple[int, bytes], ...]
    sources: tuple[str, ...]


def pack_records(records: Iterable[tuple[Any, ...]]) -> PackedRecords:
    """Records (values in RECORD_COLUMNS order) grouped and pickled by id bucket."""
    by_bucket: dict[int, list[tuple[Any, ...]]] = {}
    sources: list[str] = []
    for values in records:
        by_bucket.setdefault(int(values[_ID][:2], 16), []).append(values)
        sources.append(values[_SOURCE])
    chunks = tuple(
        (bucket, pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
        for bucket, rows in sorted(by_bucket.items())
    )
    return PackedRecords(chunks, tuple(sources))
