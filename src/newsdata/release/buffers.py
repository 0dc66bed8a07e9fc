"""The records of a release as Arrow buffers, made where files are checked and set aside in
the release's spool: column layout, id buckets, and positioned reads and writes of scratch files."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from newsdata.errors import ReleaseError

__all__ = [
    "MAX_TEXT_BYTES",
    "RECORD_COLUMNS",
    "ROWS_PER_BUCKET",
    "ColumnBuffers",
    "PackedRecords",
    "authors_json",
    "bucket_of",
    "pack_records",
    "read_at",
    "record_buckets",
    "record_buffers",
    "record_row",
    "store_records",
    "text_buffers",
]

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

#: Rows a spool bucket aims at: records are kept in buckets by the leading bits of their id (a
#: hash prefix, so the buckets fill evenly), and reading the buckets in turn gives the table in
#: id order with one bucket in memory. Few, large buckets keep the per-chunk costs small.
ROWS_PER_BUCKET = 4096
MAX_TEXT_BYTES = 2**31 - 1  # Arrow's string type has 32-bit offsets
MAX_BUCKETS = 256
_ID = RECORD_COLUMNS.index("id")
_SOURCE = RECORD_COLUMNS.index("source_path")
_AUTHORS = RECORD_COLUMNS.index("authors")
_PUBLISHED = RECORD_COLUMNS.index("published")
_WORD_COUNT = RECORD_COLUMNS.index("word_count")
_INDEXES = range(len(RECORD_COLUMNS))
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_JSON_ESCAPED = re.compile(r'[\x00-\x1f\\"]')  # what json.dumps(ensure_ascii=False) escapes

#: One column's Arrow buffers: offsets and UTF-8 data for text; list offsets, offsets and data
#: for a list of text; the values for a date (days since 1970, int32) or a count (int64).
ColumnBuffers = tuple[bytes, ...]


def record_row(article: object) -> tuple[Any, ...]:
    """A record's values in RECORD_COLUMNS order (how records travel to the buffers)."""
    return tuple(getattr(article, name) for name in RECORD_COLUMNS)


def record_buckets(files: int) -> int:
    """How many buckets records of a corpus of `files` files are spread over (a power of two)."""
    buckets = 1
    while buckets < MAX_BUCKETS and buckets * ROWS_PER_BUCKET < files:
        buckets *= 2
    return buckets


def bucket_of(record_id: str, buckets: int) -> int:
    """The bucket of a record: the leading bits of its (hexadecimal) id."""
    return (int(record_id[:2], 16) * buckets) >> 8


@dataclass(frozen=True, slots=True)
class PackedRecords:
    """The records of a batch, bucket by bucket, as pickled Arrow buffers made in the process
    that checked the files: the process that writes the release builds Arrow arrays from them
    without a Python object per value.

    Each bucket's chunk is either handed over (`chunks`: bucket, bytes) or was already written
    by the worker into a scratch file of the spool (`stored`: bucket, file, offset, length),
    which spares the pipe the corpus's text.
    """

    buckets: int
    chunks: tuple[tuple[int, bytes], ...]
    sources: tuple[str, ...]
    stored: tuple[tuple[int, int, int, int], ...] = ()


def pack_records(records: Iterable[tuple[Any, ...]], buckets: int) -> PackedRecords:
    """Records (values in RECORD_COLUMNS order) grouped by bucket, each group as Arrow buffers."""
    by_bucket: dict[int, list[tuple[Any, ...]]] = {}
    sources: list[str] = []
    for values in records:
        by_bucket.setdefault(bucket_of(values[_ID], buckets), []).append(values)
        sources.append(values[_SOURCE])
    chunks = tuple(
        (bucket, pickle.dumps(record_buffers(rows), protocol=pickle.HIGHEST_PROTOCOL))
        for bucket, rows in sorted(by_bucket.items())
    )
    return PackedRecords(buckets, chunks, tuple(sources))


def record_buffers(rows: Sequence[tuple[Any, ...]]) -> tuple[int, list[ColumnBuffers]]:
    """Rows as Arrow buffers, one entry per column of RECORD_COLUMNS and then the authors as
    JSON text (the CSV's encoding of the list)."""
    columns = [_column_buffers(index, [row[index] for row in rows]) for index in _INDEXES]
    columns.append(text_buffers([authors_json(row[_AUTHORS]) for row in rows]))
    return len(rows), columns


def _column_buffers(index: int, values: list[Any]) -> ColumnBuffers:
    if index == _AUTHORS:
        lists = array("i", accumulate(map(len, values), initial=0)).tobytes()
        return (lists, *text_buffers([name for names in values for name in names]))
    if index == _PUBLISHED:
        return (array("i", [day.toordinal() - _EPOCH_ORDINAL for day in values]).tobytes(),)
    if index == _WORD_COUNT:
        return (array("q", values).tobytes(),)
    return text_buffers(values)


def text_buffers(values: Sequence[str]) -> tuple[bytes, bytes]:
    """Text values as Arrow string buffers: int32 offsets and the UTF-8 data."""
    joined = "".join(values)
    if joined.isascii():  # one encode, and each value's length in bytes is its length
        lengths, data = list(map(len, values)), joined.encode("ascii")
    else:
        encoded = [value.encode("utf-8") for value in values]
        lengths, data = list(map(len, encoded)), b"".join(encoded)
    if len(data) > MAX_TEXT_BYTES:
        raise ReleaseError("a batch of records holds over 2 GiB of text: lower max-file-size")
    return array("i", accumulate(lengths, initial=0)).tobytes(), data


def store_records(
    packed: PackedRecords, file: int, fd: int, offset: int
) -> tuple[PackedRecords, int]:
    """The records with their chunks written from `offset` on into a spool's scratch file
    (`file`, open as `fd`) instead of carried along, and the offset after them."""
    stored: list[tuple[int, int, int, int]] = []
    try:
        for bucket, data in packed.chunks:
            view = memoryview(data)
            while view:
                written = _write_at(fd, view, offset)
                view, offset = view[written:], offset + written
            stored.append((bucket, file, offset - len(data), len(data)))
    except OSError as error:
        raise ReleaseError(f"setting records aside failed ({error}): nothing written") from None
    return PackedRecords(packed.buckets, (), packed.sources, (*packed.stored, *stored)), offset


def _write_at(fd: int, data: memoryview, offset: int) -> int:
    if hasattr(os, "pwrite"):
        return os.pwrite(fd, data, offset)
    os.lseek(fd, offset, os.SEEK_SET)  # Windows: only this process writes the spool there
    return os.write(fd, data)


def read_at(fd: int, length: int, offset: int) -> bytes:
    """`length` bytes of a file from `offset` (os.pread where there is one)."""
    if hasattr(os, "pread"):
        return os.pread(fd, length, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, length)


def authors_json(authors: list[str]) -> str:
    """`json.dumps(authors, ensure_ascii=False)`, without its machinery when no name needs an
    escape (nearly always)."""
    joined = '", "'.join(authors)
    if _JSON_ESCAPED.search(joined) is not None:
        return json.dumps(authors, ensure_ascii=False)
    return f'["{joined}"]' if authors else "[]"
