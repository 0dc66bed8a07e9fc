"""What checking one file yields, in a form that crosses processes and fits in the cache."""

from __future__ import annotations

from dataclasses import dataclass

from newsdata.diagnostics import Diagnostic

__all__ = ["FileResult"]


@dataclass(slots=True)
class FileResult:
    """One file's findings (without a path) and what the corpus rules compare.

    `published` and `date_line` let the date-dependent rule (future dates) be re-judged every
    day without re-reading the file; `signature` is the body's MinHash signature as bytes.
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
