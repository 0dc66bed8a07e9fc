"""The validation cache: per-file results and the corpus index, kept between runs.

One SQLite database in `.newsdata_cache/` (or `--cache-dir`, `NEWSDATA_CACHE_DIR`). Results
are stored under the SHA-256 of the file's bytes and are valid only for the tool version and
the rule-set key they were made with; a file whose size, mtime, ctime and inode are unchanged
is not even read again (as git's index does); an object in object storage, whose listing
stands for its stat (`listing_key`), is not even fetched again. A cache made under another key (see
Validator.cache_key) is thrown away and rebuilt: never trusted. One that SQLite finds damaged,
on opening or later in the run, is rebuilt too, with one warning. One that cannot be opened
or written (a full disk, a read-only folder) costs one warning, never the run. SQLite (not
pickle) keeps a hostile cache file from running code.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Collection, Container, Sequence
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

from newsdata.check.discovery import encodable
from newsdata.check.results import FileResult
from newsdata.check.rows import (
    FACT_COLUMNS,
    INSERT_RESULT,
    SELECT_RESULTS,
    decode_result,
    encode_result,
)
from newsdata.check.stored import SCHEMA, StoredIndex
from newsdata.errors import CacheError
from newsdata.storage import Listed

__all__ = ["CACHE_FILE", "ResultCache", "StatKey", "StoredDigests", "listing_key", "stat_key"]

CACHE_FILE = "validate.sqlite3"
#: The last full run's verdict (check/replay.py): one row.
_VERDICT = "CREATE TABLE verdict (asked TEXT PRIMARY KEY, state TEXT, findings TEXT, facts TEXT)"
_FORMAT = "newsdata-cache-6"
_CACHE_KIB = 64 * 1024  # SQLite page cache of the connection
StatKey = tuple[int, int, int, int]


def stat_key(status: os.stat_result) -> StatKey:
    """What must not change for a file to be trusted unread: size, mtime, ctime, inode."""
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def listing_key(listed: Listed) -> StatKey | None:
    """An object's stat key, from its listing (an object has no os.stat): its size, 63 bits
    of its ETag, 63 bits of its version (0 without one), and 0. A new ETag or version is a
    new key: the object is fetched again. None when the listing gave neither (a filesystem
    without them, such as memory://): nothing vouches for such an object unread, so it is
    fetched every run (its content hash may still spare checking it again)."""
    if listed.etag is None and listed.version is None:
        return None
    return (listed.size, _bits63(listed.etag), _bits63(listed.version), 0)


def _bits63(text: str | None) -> int:
    """63 bits of a string's BLAKE2b hash (a positive SQLite integer); 0 for None."""
    if text is None:
        return 0
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


class ResultCache:
    """Per-file results by content hash, and the stat keys that let unchanged files go unread."""

    def __init__(self, directory: Path, key: str) -> None:
        self.directory = directory
        self.path = directory / CACHE_FILE
        self.key = key
        #: Problems met while reading or writing (the run goes on without the cache).
        self.problems: list[str] = []
        #: The content hashes the cache holds results for (filled by `unchanged`).
        self.known: Container[str] = frozenset()
        self._spare: dict[object, Sequence[object]] = {}  # rows by content hash, see unchanged
        self._stored: list[tuple[str, str]] = []  # (path, content hash) of every file row
        self._writable = True  # until a write fails: one warning, not one per batch
        try:
            self._db = self._open()
        except (sqlite3.Error, OSError) as error:
            raise CacheError(f"cache not used ({self.path}): {_reason(error)}") from error

    def _open(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        ignore = self.directory / ".gitignore"
        if not ignore.exists():
            try:
                ignore.write_text("# created by newsdata: the cache is never committed\n*\n")
            except OSError:
                ignore.unlink(missing_ok=True)  # not left empty: the next run writes it again
                raise
        try:
            db = self._connect()
            try:
                meta = self._meta(db)
                ours = (meta.get("format"), meta.get("key")) == (_FORMAT, self.key)
            except sqlite3.Error:
                db.close()
                raise
            if ours:
                return db
            db.close()  # another version's or rule set's: stale, not damaged
        except sqlite3.DatabaseError as error:
            if not _damaged(error):
                raise
            self.problems.append(f"cache was damaged ({self.path}: {error}): rebuilt")
        return self._fresh()

    def _fresh(self) -> sqlite3.Connection:
        """A new, empty database in place of whatever was there."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        db = self._connect()
        try:
            self._create(db)
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _rebuild(self, error: sqlite3.Error) -> bool:
        """Discard a database found damaged while in use and start an empty one (this run's
        results go into it); False when that fails too (the run goes on without a cache)."""
        with suppress(sqlite3.Error):
            self._db.close()
        try:
            self._db = self._fresh()
        except (sqlite3.Error, OSError) as failure:
            self._writable = False
            self.problems.append(f"cache not used ({self.path}): {_reason(failure)}")
            return False
        self.problems.append(f"cache was damaged ({self.path}: {error}): rebuilt")
        return True

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error:
            db.close()
            raise
        # A cache, not a record: no fsync (the WAL checkpoints of a 200,000-file first run spent
        # seconds in them). A crash of the machine may corrupt it; a corrupt cache is rebuilt.
        db.execute("PRAGMA synchronous=OFF")
        # Results are keyed by content hash, so inserts land all over the table: with SQLite's
        # default 2 MB page cache, a 200,000-file corpus spent seconds re-reading pages.
        db.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
        return db

    @staticmethod
    def _meta(db: sqlite3.Connection) -> dict[str, str]:
        tables = db.execute("SELECT name FROM sqlite_master WHERE name = 'meta'").fetchall()
        if not tables:
            return {}  # another program's database, or an empty file: not ours
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
                f"CREATE TABLE results (sha256 TEXT PRIMARY KEY, findings TEXT, {FACT_COLUMNS})"
            )
            for statement in (*SCHEMA, _VERDICT):
                db.execute(statement)
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)", [("format", _FORMAT), ("key", self.key)]
            )

    @property
    def db(self) -> sqlite3.Connection:
        """The database, for the stored corpus index and verdict (check/stored.py, replay.py)."""
        return self._db

    def stored(self) -> StoredIndex:
        """The corpus index kept in this database (check/stored.py)."""
        return StoredIndex(self._db)

    def unchanged_at(self, stats: dict[str, StatKey]) -> dict[str, FileResult]:
        """`unchanged` for a few files: their rows looked up, not every row read."""
        found: dict[str, FileResult] = {}
        paths = list(stats)
        try:
            for start in range(0, len(paths), _QUERY_PARAMETERS):
                part = paths[start : start + _QUERY_PARAMETERS]
                marks = ",".join("?" * len(part))
                query = f"SELECT * FROM files WHERE path IN ({marks})"  # placeholders only
                rows = self._db.execute(query, part)
                digests = {row[0]: row[5] for row in rows if stats[row[0]] == row[1:5]}
                results = self.results_for(sorted(set(digests.values())))
                found.update(
                    (path, replace(results[digest]))
                    for path, digest in digests.items()
                    if digest in results
                )
        except (sqlite3.Error, IndexError) as error:
            self._unreadable(error)
            return {}
        return found

    def unchanged(self, stats: dict[str, StatKey]) -> dict[str, FileResult]:
        """Stored results of the files whose stat key is unchanged since they were stored."""
        found: dict[str, FileResult] = {}
        try:
            # Two table scans joined here: faster than SQLite's join on the hash key.
            results = {row[1]: row for row in self._db.execute(SELECT_RESULTS)}
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
        except (sqlite3.Error, IndexError) as error:  # IndexError: rows of another shape
            self._unreadable(error)
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
                query = f"{SELECT_RESULTS} WHERE sha256 IN ({marks})"  # placeholders only
                for row in self._db.execute(query, part):
                    result = decode_result(row)
                    if result is not None:
                        found[str(row[1])] = result
        except (sqlite3.Error, IndexError) as error:
            self._unreadable(error)
            return {}
        return found

    def _unreadable(self, error: Exception) -> None:
        self.known = frozenset()
        self._spare = {}
        self._stored = []  # nothing is pruned on the word of a cache that cannot be read
        if isinstance(error, sqlite3.Error) and _damaged(error):
            self._rebuild(error)
        else:
            self.problems.append(f"cache not read ({self.path}): {error}")

    def prune(self, seen: Collection[str], inside: str) -> None:
        """Forget the files under `inside` that this run did not see (deleted ones), and the
        results no file refers to any more (old versions of edited files), once they make up a
        twentieth of the cache: it stays about as large as the corpus. Files elsewhere (another
        folder checked with the same cache) keep theirs."""
        gone = [path for path, _ in self._stored if path.startswith(inside) and path not in seen]
        elsewhere = {digest for path, digest in self._stored if not path.startswith(inside)}
        unreferenced = sum(1 for digest in self._spare if digest not in elsewhere)
        stored = len(self.known) if isinstance(self.known, frozenset) else 0
        if len(gone) + unreferenced < max(PRUNE_AT_LEAST, stored // 20):
            return
        if not self._writable:
            return
        try:
            with self._db:
                self._db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in gone])
                self._db.execute(
                    "DELETE FROM results WHERE sha256 NOT IN (SELECT sha256 FROM files) "
                    "AND sha256 NOT IN (SELECT sha256 FROM corpus)"
                )
        except sqlite3.Error as error:
            self._unwritable(error, "not pruned")

    def store(
        self, entries: Sequence[tuple[str, StatKey, FileResult]], *, results: bool = True
    ) -> None:
        """Remember results (by content hash) and the stat keys of the files they came from;
        without `results`, only the stat keys (of files whose results are stored already)."""
        # A path that is not valid UTF-8 cannot be stored as text: that file is checked anew
        # each run (ND110 reports its name).
        if not self._writable:
            return
        kept = [(path, key, r) for path, key, r in entries if r.sha256 and encodable(path)]
        try:
            self._insert(kept, results=results)
        except sqlite3.Error as error:
            if self._unwritable(error, "not written"):
                try:  # rebuilt: these files' results go into the new database, whole
                    self._insert(kept, results=True)
                except sqlite3.Error as again:
                    self._unwritable(again, "not written")

    def _insert(self, kept: Sequence[tuple[str, StatKey, FileResult]], *, results: bool) -> None:
        rows = [(path, *key, result.sha256) for path, key, result in kept]
        by_digest = {r.sha256: r for _, _, r in kept} if results else {}
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?)", rows)
            self._db.executemany(
                INSERT_RESULT,
                [encode_result(r) for r in by_digest.values()],
            )

    def failed(self, error: sqlite3.Error) -> None:
        """Deal with an error met by another user of the database (the stored corpus index):
        a damaged database is rebuilt, empty; else it is left as it is."""
        if _damaged(error):
            self._rebuild(error)

    def _unwritable(self, error: sqlite3.Error, what: str) -> bool:
        """Deal with a failed write: True when the database was damaged and is rebuilt (to be
        written again); else further writes are skipped, and the run goes on without them."""
        if _damaged(error) and self._rebuild(error):
            return True
        # A cache that cannot be written (a full disk, a read-only folder) only makes the
        # next run slower: one warning, and no more attempts.
        self._writable = False
        self.problems.append(f"cache {what} ({self.path}): {_reason(error)}")
        return False

    def close(self) -> None:
        """Close the database."""
        with suppress(sqlite3.Error):
            self._db.close()


def _damaged(error: sqlite3.Error) -> bool:
    """Whether SQLite says the file is not (or no longer) a database: to be thrown away."""
    code = getattr(
        error, "sqlite_errorcode", None
    )  # extended codes: the primary one is the low byte
    return code is not None and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _reason(error: BaseException) -> str:
    """One line for a failed open or write (an OSError's message names the errno, not the path)."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)


_QUERY_PARAMETERS = 500
#: Stale entries (gone files, unreferenced results) tolerated before the cache is pruned.
PRUNE_AT_LEAST = 100  # values bound in one query (SQLite allows at least 999)


class StoredDigests:
    """The content hashes the cache holds results for, asked of its database one at a time:
    for a run over a few files, which should not load every hash. Each process (a worker
    too) opens its own read-only connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    def __contains__(self, digest: object) -> bool:
        if self._db is None or self._pid != os.getpid():
            uri = f"{self.path.absolute().as_uri()}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, timeout=30)
            self._pid = os.getpid()
        try:
            query = "SELECT 1 FROM results WHERE sha256 = ? LIMIT 1"
            return self._db.execute(query, (digest,)).fetchone() is not None
        except sqlite3.Error:
            return False  # checked afresh instead

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path, "_db": None, "_pid": 0}
