"""The corpus index kept with the cache: what a run over a few files compares them with.

A run over the whole corpus in a git repository stores, in the cache's database, one row per
corpus file (its path relative to the corpus, content hash, git blob id, article id and body
hash) and, for each LSH band, every signed body's band key, sorted, with its row. With them
goes the state they describe: the corpus tree in HEAD, and the files that differed from that
tree in the working tree then (`dirty`).

A run over a few files (a pull request's) asks git what differs from that state, and looks
up, by key, the stored files that share an id, a body hash or a band key with the files it
checks (check/partial.py): indexed queries, never a load of every row. Rows, bands and state
are replaced in one transaction, and checked against each other when opened: an index that
does not add up is not used (the run walks the corpus, and rebuilds it).
"""

from __future__ import annotations

import bisect
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from newsdata.check.similarity import BANDS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["SCHEMA", "IndexRow", "StoredIndex", "StoredState"]

#: The index's tables, made with the cache's (check/cache.py).
SCHEMA = (
    "CREATE TABLE corpus (row INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, "
    "sha256 TEXT NOT NULL, blob TEXT, article_id TEXT, body_hash TEXT)",
    "CREATE INDEX corpus_blob ON corpus (blob)",
    "CREATE INDEX corpus_article_id ON corpus (article_id)",
    "CREATE INDEX corpus_body_hash ON corpus (body_hash)",
    "CREATE TABLE dirty (path TEXT PRIMARY KEY)",
    "CREATE TABLE bands (band INTEGER PRIMARY KEY, keys BLOB NOT NULL, rows BLOB NOT NULL)",
)
_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # SHA-1 or SHA-256 repositories
_KEY_BYTES = 8
_ROW_BYTES = 4
_PARAMETERS = 500  # values bound in one query (SQLite allows at least 999)


class IndexRow(NamedTuple):
    """One stored corpus file (its path relative to the corpus, with / separators)."""

    path: str
    sha256: str
    blob: str | None
    article_id: str | None
    body_hash: str | None


@dataclass(frozen=True)
class StoredState:
    """What the stored rows describe: the corpus tree in HEAD, and the files that differed
    from it in the working tree (their rows hold what was read then)."""

    tree: str
    dirty: frozenset[str]
    rows: int


class StoredIndex:
    """The stored corpus index in the cache's database (see the module's docstring)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def state(self) -> StoredState | None:
        """The state the index describes, or None when there is none or it does not add up
        (a count or a band of another length than the meta data says: a half-written or
        damaged update)."""
        meta = dict(self._db.execute("SELECT name, value FROM meta WHERE name LIKE 'corpus_%'"))
        tree, count, signed = (meta.get(f"corpus_{k}") for k in ("tree", "rows", "signed"))
        if tree is None or count is None or signed is None or not _OBJECT_ID.fullmatch(tree):
            return None  # (a tree id is handed to git: never anything but hex digits)
        (rows,) = self._db.execute("SELECT count(*) FROM corpus").fetchone()
        if rows != int(count):
            return None
        sizes = self._db.execute("SELECT length(keys), length(rows) FROM bands").fetchall()
        expected = [(int(signed) * _KEY_BYTES, int(signed) * _ROW_BYTES)] * BANDS
        if int(signed) and sizes != expected:
            return None
        dirty = frozenset(path for (path,) in self._db.execute("SELECT path FROM dirty"))
        return StoredState(str(tree), dirty, rows)

    def at_paths(self, paths: Iterable[str]) -> dict[str, IndexRow]:
        """The rows of these paths."""
        return {row.path: row for row in self._select("path", list(paths))}

    def with_blobs(self, blobs: Iterable[str]) -> dict[str, str]:
        """A content hash for each of these blob ids the index knows."""
        return {row.blob: row.sha256 for row in self._select("blob", list(blobs)) if row.blob}

    def sharing(self, column: str, values: Iterable[str]) -> list[IndexRow]:
        """The rows whose `column` (article_id, body_hash) is one of `values`."""
        assert column in ("article_id", "body_hash")
        return self._select(column, sorted(set(values)))

    def in_buckets(self, keys: npt.NDArray[np.uint64]) -> list[IndexRow]:
        """The rows that share a band key with any row of `keys` (bodies by bands): every
        member of each such bucket, however large."""
        members: set[int] = set()
        if self._db.execute("SELECT count(*) FROM bands").fetchone()[0] != BANDS:
            return []  # no body had a signature
        for band in range(BANDS):
            wanted = sorted(set(keys[:, band].tolist()))
            if not wanted:
                continue
            with (
                self._db.blobopen("bands", "keys", band, readonly=True) as stored,
                self._db.blobopen("bands", "rows", band, readonly=True) as rows,
            ):
                sorted_keys = _BlobKeys(stored)
                for key in wanted:
                    start = bisect.bisect_left(sorted_keys, key)
                    end = bisect.bisect_right(sorted_keys, key, lo=start)
                    if end > start:
                        rows.seek(start * _ROW_BYTES)
                        found = rows.read((end - start) * _ROW_BYTES)
                        members.update(
                            int.from_bytes(found[i : i + _ROW_BYTES], "little")
                            for i in range(0, len(found), _ROW_BYTES)
                        )
        return self._select("row", sorted(members))

    def _select(self, column: str, values: Sequence[object]) -> list[IndexRow]:
        found: list[IndexRow] = []
        for start in range(0, len(values), _PARAMETERS):
            part = values[start : start + _PARAMETERS]
            marks = ",".join("?" * len(part))
            query = (
                "SELECT path, sha256, blob, article_id, body_hash FROM corpus "
                f"WHERE {column} IN ({marks})"  # a fixed column name, placeholders only
            )
            found.extend(IndexRow(*row) for row in self._db.execute(query, part))
        return found

    def replace(
        self,
        tree: str,
        dirty: Iterable[str],
        rows: Sequence[IndexRow],
        keys: npt.NDArray[np.uint64] | None,
        signed: Sequence[int],
    ) -> None:
        """Store a whole corpus anew: `rows` in path order, `keys` the band keys of the rows
        `signed` (row numbers into `rows`), one row of keys each. One transaction."""
        import numpy as np

        with self._db:
            for table in ("corpus", "dirty", "bands"):
                self._db.execute(f"DELETE FROM {table}")
            self._db.executemany(
                "INSERT INTO corpus VALUES (?, ?, ?, ?, ?, ?)",
                ((number, *row) for number, row in enumerate(rows)),
            )
            self._db.executemany("INSERT INTO dirty VALUES (?)", ((p,) for p in sorted(dirty)))
            numbers = np.asarray(signed, dtype="<u4")
            if keys is not None and len(numbers):
                for band in range(BANDS):
                    order = np.argsort(keys[:, band], kind="stable")
                    self._db.execute(
                        "INSERT INTO bands VALUES (?, ?, ?)",
                        (
                            band,
                            keys[order, band].astype("<u8").tobytes(),
                            numbers[order].tobytes(),
                        ),
                    )
            meta = {"tree": tree, "rows": str(len(rows)), "signed": str(len(numbers))}
            self._db.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [(f"corpus_{name}", value) for name, value in meta.items()],
            )


class _BlobKeys:
    """A band's sorted keys, read eight bytes at a time from the stored blob: a sequence
    for bisect, which touches about twenty of them, not the whole band."""

    def __init__(self, blob: sqlite3.Blob) -> None:
        self._blob = blob
        self._length = len(blob) // _KEY_BYTES

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: int) -> int:
        self._blob.seek(index * _KEY_BYTES)
        return int.from_bytes(self._blob.read(_KEY_BYTES), "little")
