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
from collections.abc import Collection, Sequence
from contextlib import closing
from pathlib import Path

from newsdata.diagnostics import Diagnostic, Severity
from newsdata.discovery import encodable
from newsdata.results import FileResult

__all__ = ["CACHE_FILE", "ResultCache", "StatKey", "stat_key"]

CACHE_FILE = "validate.sqlite3"
_FORMAT = "newsdata-cache-2"
_CACHE_KIB = 64 * 1024  # SQLite page cache of the connection
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
        #: Problems met while reading or writing (the run goes on without the cache).
        self.problems: list[str] = []
        #: The content hashes the cache holds results for (filled by `unchanged`).
        self.known: frozenset[str] = frozenset()
        self._spare: dict[object, Sequence[object]] = {}  # rows by content hash, see unchanged
        self._stored: list[tuple[str, str]] = []  # (path, content hash) of every file row
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
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        db = self._connect()
        self._create(db)
        return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        # A cache, not a record: no fsync (the WAL checkpoints of a 200,000-file first run spent
        # seconds in them). A crash of the machine may corrupt it; a corrupt cache is rebuilt.
        db.execute("PRAGMA synchronous=OFF")
        # Results are keyed by content hash, so inserts land all over the table: with SQLite's
        # default 2 MB page cache, a 200,000-file corpus spent seconds re-reading pages.
        db.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
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
                "CREATE TABLE results (sha256 TEXT PRIMARY KEY, findings TEXT, article_id TEXT, "
                "body_hash TEXT, url_line INT, body_line INT, date_line INT, published TEXT, "
                "signature BLOB)"
            )
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)", [("format", _FORMAT), ("key", self.key)]
            )

    def unchanged(self, stats: dict[str, StatKey]) -> dict[str, FileResult]:
        """Stored results of the files whose stat key is unchanged since they were stored."""
        found: dict[str, FileResult] = {}
        try:
            # Two table scans joined here: ~40% faster than SQLite's join on the hash key.
            results = {row[0]: row for row in self._db.execute("SELECT * FROM results")}
            self.known = frozenset(results)
            used: set[object] = set()
            for row in self._db.execute("SELECT * FROM files"):
                self._stored.append((row[0], row[5]))
                key = stats.get(row[0])
                stored = results.get(row[5])
                if key is None or key != row[1:5] or stored is None:
                    continue
                result = decode_result(stored)
                if result is not None:
                    found[row[0]] = result
                    used.add(row[5])
        except (sqlite3.DatabaseError, IndexError) as error:  # IndexError: rows of another shape
            self.problems.append(f"cache not read ({self.path}): {error}")
            return {}
        # The rows no file was matched to by its stat key stay at hand: files whose times
        # changed (a fresh checkout) may turn out to hold that content (see results_for).
        self._spare = {digest: row for digest, row in results.items() if digest not in used}
        return found

    def results_for(self, digests: Sequence[str]) -> dict[str, FileResult]:
        """Stored results by content hash (those that decode)."""
        found: dict[str, FileResult] = {}
        for digest in digests:
            row = self._spare.pop(digest, None)
            if row is not None and (result := decode_result(row)) is not None:
                found[digest] = result
        missing = [d for d in digests if d not in found]
        try:
            for start in range(0, len(missing), _QUERY_PARAMETERS):
                part = missing[start : start + _QUERY_PARAMETERS]
                marks = ",".join("?" * len(part))
                query = f"SELECT * FROM results WHERE sha256 IN ({marks})"  # placeholders only
                for row in self._db.execute(query, part):
                    result = decode_result(row)
                    if result is not None:
                        found[str(row[0])] = result
        except (sqlite3.DatabaseError, IndexError) as error:
            self.problems.append(f"cache not read ({self.path}): {error}")
            return {}
        return found

    def prune(self, seen: Collection[str], inside: str) -> None:
        """Forget the files under `inside` that this run did not see (deleted ones), and the
        results no file refers to any more (old versions of edited files), once they make up a
        twentieth of the cache: it stays about as large as the corpus. Files elsewhere (another
        folder checked with the same cache) keep theirs."""
        gone = [path for path, _ in self._stored if path.startswith(inside) and path not in seen]
        elsewhere = {digest for path, digest in self._stored if not path.startswith(inside)}
        unreferenced = sum(1 for digest in self._spare if digest not in elsewhere)
        if len(gone) + unreferenced < max(PRUNE_AT_LEAST, len(self.known) // 20):
            return
        try:
            with self._db:
                self._db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in gone])
                self._db.execute(
                    "DELETE FROM results WHERE sha256 NOT IN (SELECT sha256 FROM files)"
                )
        except sqlite3.DatabaseError as error:
            self.problems.append(f"cache not pruned ({self.path}): {error}")

    def store(
        self, entries: Sequence[tuple[str, StatKey, FileResult]], *, results: bool = True
    ) -> None:
        """Remember results (by content hash) and the stat keys of the files they came from;
        without `results`, only the stat keys (of files whose results are stored already)."""
        # A path that is not valid UTF-8 cannot be stored as text: that file is checked anew
        # each run (ND110 reports its name).
        kept = [(path, key, r) for path, key, r in entries if r.sha256 and encodable(path)]
        rows = [(path, *key, result.sha256) for path, key, result in kept]
        by_digest = {r.sha256: r for _, _, r in kept} if results else {}
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?)", rows)
                self._db.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?,?,?)",
                    [encode_result(r) for r in by_digest.values()],
                )
        except sqlite3.DatabaseError as error:
            # A cache that cannot be written only makes the next run slower; say so.
            self.problems.append(f"cache not written ({self.path}): {error}")

    def close(self) -> None:
        """Close the database."""
        with closing(self._db):
            pass


def encode_result(result: FileResult) -> tuple[object, ...]:
    """A result as a row of the results table (findings as compact JSON, or NULL)."""
    findings = None
    if result.findings:
        findings = json.dumps(
            [
                [d.line, d.column, d.code, d.rule, d.severity.value, d.message, d.hint]
                for d in result.findings
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
    return (
        result.sha256,
        findings,
        result.article_id,
        result.body_hash,
        result.url_line,
        result.body_line,
        result.date_line,
        result.published,
        result.signature,
    )


def decode_result(row: Sequence[object]) -> FileResult | None:
    """A stored result, or None when anything in the row is not what encode_result writes.

    (Every value's type is checked inline: this runs once per file of every cached run.)
    """
    if len(row) != _RESULT_COLUMNS:
        return None
    digest, findings, article_id, body_hash, url_line, body_line, date_line, published, sig = row
    if not (
        isinstance(digest, str)
        and (article_id is None or isinstance(article_id, str))
        and (body_hash is None or isinstance(body_hash, str))
        and (published is None or isinstance(published, str))
        and (sig is None or isinstance(sig, bytes))
        and (url_line is None or type(url_line) is int)  # not a bool: exactly int
        and (body_line is None or type(body_line) is int)
        and (date_line is None or type(date_line) is int)
    ):
        return None
    try:
        return FileResult(
            findings=_findings(findings),
            sha256=digest,
            article_id=article_id,
            body_hash=body_hash,
            url_line=url_line,
            body_line=body_line,
            date_line=date_line,
            published=published,
            signature=sig,
        )
    except (ValueError, TypeError):
        return None


_RESULT_COLUMNS = 9
_QUERY_PARAMETERS = 500
#: Stale entries (gone files, unreferenced results) tolerated before the cache is pruned.
PRUNE_AT_LEAST = 100  # values bound in one query (SQLite allows at least 999)


def _findings(text: object) -> tuple[Diagnostic, ...]:
    if text is None:
        return ()
    return tuple(
        Diagnostic(
            "",
            _int(line),
            _int(column),
            _str(code),
            _str(rule),
            Severity(severity),
            _str(message),
            _optional_str(hint),
        )
        for line, column, code, rule, severity, message, hint in json.loads(_str(text))
    )


def _optional_str(value: object) -> str | None:
    return None if value is None else _str(value)


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
