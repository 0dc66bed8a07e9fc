"""What checking one file yields, in a form that crosses processes and fits in the cache."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsdata.diagnostics import Diagnostic

__all__ = ["RECORD_COLUMNS", "FileResult"]

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
    made from the very bytes that were checked, with `source_path` left empty.
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
