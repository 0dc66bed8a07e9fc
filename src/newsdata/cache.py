"""The validation cache: per-file results and the corpus index, kept between runs.

One SQLite database in `.newsdata_cache/` (or `--cache-dir`, `NEWSDATA_CACHE_DIR`). Results
are stored under the SHA-256 of the file's bytes and are valid only for the tool version and
the rule-set key they were made with; a file whose size, mtime, ctime and inode are unchanged
is not even read again (as git's index does). A cache made by another version, another rule
set, or that fails to open or decode, is thrown away and rebuilt: never trusted. SQLite (not
pickle) keeps a hostile cache file from running code.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path

from newsdata.diagnostics import Diagnostic, Severity
from newsdata.results import FileResult

__all__ = ["CACHE_FILE", "ResultCache", "StatKey", "stat_key"]

CACHE_FILE = "validate.sqlite3"
_FORMAT = "newsdata-cache-1"
StatKey = tuple[int, int, int, int]


def stat_key(status: os.stat_result) -> StatKey:
    """What must not change for a file to be trusted unread: size, mtime, ctime, inode."""
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


class ResultCache:
    """Per-file results by content hash, and the stat keys that let unchanged files go unread."""

    def __init__(self, directory: Path, key: str) -> None:
        self.directory = directory
        self.path = directory / CACHE_FILE
        self.key = key
        self.rebuilt = False
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        ignore = self.directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# created by newsdata: the cache is never committed\n*\n")
        try:
            db = self._connect()
            if self._meta(db) == {"format": _FORMAT, "key": self.key}:
                return db
            db.close()
        except (sqlite3.DatabaseError, ValueError, TypeError):
            pass
        self.rebuilt = True
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        db = self._connect()
        self._create(db)
        return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @staticmethod
    def _meta(db: sqlite3.Connection) -> dict[str, str]:
        rows = db.execute("SELECT name, value FROM meta").fetchall()
        return {str(name): str(value) for name, value in rows}

    def _create(self, db: sqlite3.Connection) -> None:
        with db:
            db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT)")
            db.execute(
                "CREATE TABLE files (path TEXT PRIMARY KEY, size INT, mtime INT, ctime INT, "
                "ino INT, sha256 TEXT)"
            )
            db.execute(
                "CREATE TABLE results (sha256 TEXT PRIMARY KEY, result TEXT, signature BLOB)"
            )
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)", [("format", _FORMAT), ("key", self.key)]
            )

    def known_files(self) -> dict[str, tuple[StatKey, str]]:
        """Every file seen before: its stat key and content hash, by real path."""
        try:
            rows = self._db.execute("SELECT path, size, mtime, ctime, ino, sha256 FROM files")
            return {str(r[0]): ((r[1], r[2], r[3], r[4]), str(r[5])) for r in rows}
        except sqlite3.DatabaseError:
            return {}

    def results(self, digests: Iterable[str]) -> dict[str, FileResult]:
        """Stored results for these content hashes (missing or undecodable ones are left out)."""
        wanted = list(dict.fromkeys(digests))
        found: dict[str, FileResult] = {}
        try:
            for start in range(0, len(wanted), 900):
                chunk = wanted[start : start + 900]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT sha256, result, signature FROM results WHERE sha256 IN ({marks})"
                for digest, text, signature in self._db.execute(query, chunk):
                    result = decode_result(str(digest), text, signature)
                    if result is not None:
                        found[str(digest)] = result
        except sqlite3.DatabaseError:
            return {}
        return found

    def store(self, entries: Sequence[tuple[str, StatKey, FileResult]]) -> None:
        """Remember results (by content hash) and the stat keys of the files they came from."""
        rows = [(path, *key, result.sha256) for path, key, result in entries if result.sha256]
        results = {r.sha256: r for _, _, r in entries if r.sha256}
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?)", rows)
                self._db.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?,?,?)",
                    [(digest, encode_result(r), r.signature) for digest, r in results.items()],
                )
        except sqlite3.DatabaseError:
            return  # a cache that cannot be written is only a slower next run

    def close(self) -> None:
        """Close the database."""
        with closing(self._db):
            pass


def encode_result(result: FileResult) -> str:
    """A result as compact JSON (the signature is stored apart, as bytes)."""
    return json.dumps(
        [
            [
                [d.line, d.column, d.code, d.rule, d.severity.value, d.message, d.hint]
                for d in result.findings
            ],
            result.article_id,
            result.body_hash,
            result.url_line,
            result.body_line,
            result.date_line,
            result.published,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode_result(digest: str, text: object, signature: object) -> FileResult | None:
    """A stored result, or None when anything in it is not what encode_result writes."""
    try:
        data = json.loads(str(text))
        findings_data, article_id, body_hash, url_line, body_line, date_line, published = data
        findings = tuple(
            Diagnostic(
                "",
                _int(line),
                _int(column),
                _str(code),
                _str(rule),
                Severity(severity),
                _str(message),
                None if hint is None else _str(hint),
            )
            for line, column, code, rule, severity, message, hint in findings_data
        )
        if signature is not None and not isinstance(signature, bytes):
            return None
        return FileResult(
            findings=findings,
            sha256=digest,
            article_id=None if article_id is None else _str(article_id),
            body_hash=None if body_hash is None else _str(body_hash),
            url_line=_int(url_line),
            body_line=_int(body_line),
            date_line=_int(date_line),
            published=None if published is None else _str(published),
            signature=signature,
        )
    except (ValueError, TypeError):
        return None


def _int(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an integer")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value
