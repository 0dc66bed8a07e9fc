"""Fetching a batch's objects: concurrently, in one call, never past the size limit, and each
checked against its listing (an object rewritten since it was listed is refused, not mixed in).

A refused or failed object becomes a RawFile with a read error, reported as an unreadable
file (ND108) like a local file that cannot be read; one over the limit by its listed size is
not fetched at all, and is reported as too large (ND105) like a local one.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newsdata.check.reading import RawFile
from newsdata.storage import Listed
from newsdata.storage.filesystems import filesystem, storage_errors
from newsdata.storage.listing import listed as listing_of

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

__all__ = ["fetch_objects", "fetched"]

_PLAIN_MD5 = re.compile(r"[0-9a-f]{32}")
_DELETED = "the object was deleted since it was listed: run again"


class _Fetched:
    """How many objects this process has fetched: tests read it (an unchanged object whose
    verdict is cached is never fetched)."""

    count = 0


fetched = _Fetched()


def fetch_objects(objects: Sequence[tuple[str, Listed]], max_size: int) -> list[RawFile]:
    """The bytes of each object (its URL and its listing), in the order given: the objects of
    one filesystem fetched together, concurrently where it can (s3fs, gcsfs)."""
    raws = [RawFile(size=listed.size) for _, listed in objects]  # too large: never fetched
    wanted: dict[str, list[int]] = defaultdict(list)
    for i, (url, listed) in enumerate(objects):
        if listed.size <= max_size:
            wanted[url.split("://", 1)[0]].append(i)
    for indices in wanted.values():
        for i, raw in zip(indices, _fetch([objects[i] for i in indices], max_size), strict=True):
            raws[i] = raw
    return raws


def _fetch(objects: Sequence[tuple[str, Listed]], max_size: int) -> list[RawFile]:
    """Objects of one filesystem: one `cat_ranges` call (it runs the reads concurrently on an
    async filesystem, and unlike `cat` never takes a key holding `*`, `?` or `[` for a glob)."""
    fs, _ = filesystem(objects[0][0])
    paths = [filesystem(url)[1] for url, _ in objects]  # fsspec's cached instance: cheap
    # One byte past the limit at most (an object that grew since it was listed is not read
    # whole). An empty object is asked for whole: a range of one has no byte to give (416).
    ends = [max_size + 1 if listed.size else None for _, listed in objects]
    starts = [0 if end is not None else None for end in ends]
    blobs = fs.cat_ranges(paths, starts, ends, on_error="return")
    fetched.count += len(paths)
    return [
        _checked(fs, path, listed, blob)
        for path, (_, listed), blob in zip(paths, objects, blobs, strict=True)
    ]


def _checked(fs: AbstractFileSystem, path: str, listed: Listed, blob: object) -> RawFile:
    """An object's bytes as read, or why they are refused."""
    if isinstance(blob, FileNotFoundError):
        return RawFile(size=0, read_error=_DELETED)
    if not isinstance(blob, bytes):
        return RawFile(size=0, read_error=f"cannot fetch the object: {blob}")
    data = blob
    if len(data) != listed.size:
        return _refused(f"{listed.size:,} bytes when listed, {len(data):,} now")
    etag = listed.etag
    if etag and _PLAIN_MD5.fullmatch(etag) and hashlib.md5(data).hexdigest() == etag:
        return RawFile(size=len(data), data=data)
    if etag is None and listed.version is None:
        return RawFile(size=len(data), data=data)  # nothing more to compare than the size
    # A multipart upload's ETag (with "-"), or one that is not the bytes' MD5 (encrypted with
    # a KMS key): the object's present ETag and version, asked of the store again.
    changed = _changed(fs, path, listed)
    return _refused(changed) if changed else RawFile(size=len(data), data=data)


def _changed(fs: AbstractFileSystem, path: str, listed: Listed) -> str | None:
    """How the object differs now from its listing, or None if it does not."""
    fs.invalidate_cache(path)  # the listing's own entry would answer otherwise
    try:
        now = listing_of(fs.info(path))
    except FileNotFoundError:
        return "it is gone"
    except storage_errors() as error:
        return f"its listing cannot be checked: {error}"
    if now.etag != listed.etag:
        return f"ETag {listed.etag} when listed, {now.etag} now"
    if listed.version is not None and now.version != listed.version:
        return f"version {listed.version} when listed, {now.version} now"
    return None


def _refused(reason: str) -> RawFile:
    return RawFile(
        size=0, read_error=f"the object changed since it was listed ({reason}): run again"
    )
