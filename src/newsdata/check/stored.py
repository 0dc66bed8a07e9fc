"""The corpus index kept with the cache: what a run over a few files compares them with.

A run over the whole corpus in a git repository stores, in the cache's database, one row per
corpus file (its path relative to the corpus, content hash, git blob id, article id and body
hash), and lookups: for the article ids, the body hashes, the blob ids and each LSH band, every
row's 64-bit key, sorted, with its row number. With them goes the state they describe: the
corpus tree in HEAD, and the files that differed from that tree in the working tree then
(`dirty`).

A run over a few files (a pull request's) asks git what differs from that state, and looks
up, by key, the stored files that share an id, a body hash or a band key with the files it
checks (check/partial.py): a binary search in each lookup, through SQLite's incremental blob
reads (about twenty keys read per search), never a load of every row. Rows, lookups and state
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

__all__ = ["SCHEMA", "IndexRow", "StoredIndex", "StoredState", "value_key", "value_keys"]

#: The index's tables, made with the cache's (check/cache.py). A lookup is kept as two blobs
#: (sorted keys, their rows) rather than as SQL indexes: made with one sort each, where the
#: random inserts into B-trees of 200,000 hashes cost more than the rows themselves.
SCHEMA = (
    "CREATE TABLE corpus (row INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, "
    "sha256 TEXT NOT NULL, blob TEXT, article_id TEXT, body_hash TEXT)",
    "CREATE TABLE dirty (path TEXT PRIMARY KEY)",
    "CREATE TABLE lookups (name TEXT PRIMARY KEY, keys BLOB NOT NULL, rows BLOB NOT NULL)",
)
_FACTS = ("article_id", "body_hash", "blob")  # looked up by value (bands: by band key)
_BANDS = tuple(f"band{band}" for band in range(BANDS))
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


def value_key(value: str) -> int:
    """A text value's 64-bit lookup key: its first 16 hex digits (ids and hashes are hex), or
    a hash of it. Equal values have equal keys; rows found by key are compared by value."""
    try:
        return int(value[:16], 16)
    except ValueError:
        import hashlib

        return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")


def value_keys(values: Sequence[str]) -> npt.NDArray[np.uint64]:
    """`value_key` of many values: of hex ones (ids and hashes, all of them in practice) in
    one pass through bytes.fromhex, not one int() call each (a third of storing the index of
    200,000 files); tests/test_partial.py checks it against value_key."""
    import numpy as np

    prefixes = [value[:16] for value in values]
    if all(len(prefix) == 16 for prefix in prefixes):
        try:
            digits = bytes.fromhex("".join(prefixes))
        except ValueError:
            digits = b""  # not all hex: one at a time
        if len(digits) == 8 * len(values):  # (fromhex skips spaces: none were there)
            return np.frombuffer(digits, dtype=">u8").astype(np.uint64)
    return np.fromiter(map(value_key, values), dtype=np.uint64, count=len(values))


class StoredIndex:
    """The stored corpus index in the cache's database (see the module's docstring)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def state(self) -> StoredState | None:
        """The state the index describes, or None when there is none or it does not add up
        (a count or a lookup of another length than the meta data says: a half-written or
        damaged update)."""
        meta = dict(self._db.execute("SELECT name, value FROM meta WHERE name LIKE 'corpus_%'"))
        tree, count, signed = (meta.get(f"corpus_{k}") for k in ("tree", "rows", "signed"))
        if tree is None or count is None or signed is None or not _OBJECT_ID.fullmatch(tree):
            return None  # (a tree id is handed to git: never anything but hex digits)
        (rows,) = self._db.execute("SELECT count(*) FROM corpus").fetchone()
        if rows != int(count):
            return None
        sizes = {
            name: (keys, numbers)
            for name, keys, numbers in self._db.execute(
                "SELECT name, length(keys), length(rows) FROM lookups"
            )
        }
        bands = [(int(signed) * _KEY_BYTES, int(signed) * _ROW_BYTES)] * BANDS
        if [sizes.get(name) for name in _BANDS] != (bands if int(signed) else [None] * BANDS):
            return None
        for name in _FACTS:
            keys, numbers = sizes.get(name, (-1, 0))
            if keys != numbers * 2 or numbers > rows * _ROW_BYTES:
                return None
        dirty = frozenset(path for (path,) in self._db.execute("SELECT path FROM dirty"))
        return StoredState(str(tree), dirty, rows)

    def at_paths(self, paths: Iterable[str]) -> dict[str, IndexRow]:
        """The rows of these paths."""
        return {row.path: row for row in self._select("path", list(paths))}

    def with_blobs(self, blobs: Iterable[str]) -> dict[str, str]:
        """A content hash for each of these blob ids the index knows."""
        return {row.blob: row.sha256 for row in self.sharing("blob", blobs) if row.blob}

    def sharing(self, column: str, values: Iterable[str]) -> list[IndexRow]:
        """The rows whose `column` (article_id, body_hash, blob) is one of `values`."""
        assert column in _FACTS
        wanted = set(values)
        found = self._rows({column: sorted({value_key(v) for v in wanted})})
        return [row for row in found if getattr(row, column) in wanted]

    def in_buckets(self, keys: npt.NDArray[np.uint64]) -> list[IndexRow]:
        """The rows that share a band key with any row of `keys` (bodies by bands): every
        member of each such bucket, however large."""
        return self._rows(
            {name: sorted(set(keys[:, band].tolist())) for band, name in enumerate(_BANDS)}
        )

    def _rows(self, keys: dict[str, list[int]]) -> list[IndexRow]:
        """The rows under any of these keys, in each named lookup."""
        members: set[int] = set()
        present = {name for (name,) in self._db.execute("SELECT name FROM lookups")}
        for name, wanted in keys.items():
            if not wanted or name not in present:
                continue  # (no bands: no body had a signature)
            (rowid,) = self._db.execute(
                "SELECT rowid FROM lookups WHERE name = ?", [name]
            ).fetchone()
            with (
                self._db.blobopen("lookups", "keys", rowid, readonly=True) as stored,
                self._db.blobopen("lookups", "rows", rowid, readonly=True) as rows,
            ):
                sorted_keys = _BlobKeys(stored)
                for key in wanted:
                    start = bisect.bisect_left(sorted_keys, key)
                    end = bisect.bisect_right(sorted_keys, key, lo=start)
                    if end > start:
                        rows.seek(start * _ROW_BYTES)
                        numbers = rows.read((end - start) * _ROW_BYTES)
                        members.update(
                            int.from_bytes(numbers[i : i + _ROW_BYTES], "little")
                            for i in range(0, len(numbers), _ROW_BYTES)
                        )
        found = self._select("row", sorted(members))
        if len(found) != len(members):  # rows and lookups out of step: not to be trusted
            raise sqlite3.IntegrityError("a lookup names rows the index does not hold")
        return found

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
        bands: npt.NDArray[np.uint64] | None,
        signed: npt.NDArray[np.uint32],
    ) -> None:
        """Store a whole corpus anew: `rows` in path order; `bands` the band keys (one row a
        band) of the rows `signed` (row numbers into `rows`). One transaction."""
        import numpy as np

        lookups: dict[str, tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]] = {}
        for column in _FACTS:
            values = [getattr(row, column) for row in rows]
            present = [n for n, value in enumerate(values) if value]
            keys = value_keys([values[n] for n in present])
            lookups[column] = (keys, np.asarray(present, dtype=np.uint32))
        if bands is not None and len(signed):
            lookups.update(
                zip(_BANDS, ((bands[band], signed) for band in range(BANDS)), strict=True)
            )
        with self._db:
            for table in ("corpus", "dirty", "lookups"):
                self._db.execute(f"DELETE FROM {table}")
            self._db.executemany(
                "INSERT INTO corpus VALUES (?, ?, ?, ?, ?, ?)",
                ((number, *row) for number, row in enumerate(rows)),
            )
            self._db.executemany("INSERT INTO dirty VALUES (?)", ((p,) for p in sorted(dirty)))
            for name, (keys, numbers) in lookups.items():
                order = np.argsort(keys)  # rows under one key are a set: any order
                self._db.execute(
                    "INSERT INTO lookups VALUES (?, ?, ?)",
                    (
                        name,
                        keys[order].astype("<u8").tobytes(),
                        numbers[order].astype("<u4").tobytes(),
                    ),
                )
            meta = {"tree": tree, "rows": str(len(rows)), "signed": str(len(signed))}
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
