"""Listing a corpus in object storage: one listing of a URL prefix, its article objects as
targets in key order (the path order of a run over object storage).

Each target carries what the listing said of its object (`Listed`: size, ETag, version): the
cache's key for it (so an unchanged object is never fetched), and what its bytes are checked
against when they come (storage/fetch.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsdata.check.discovery import ARTICLE_SUFFIX, FilePath, Target, printable
from newsdata.errors import PathNotFoundError, UsageError
from newsdata.storage import Listed
from newsdata.storage.filesystems import filesystem, storage_errors

__all__ = ["list_objects", "listed"]


def list_objects(url: str) -> list[Target]:
    """The article objects (keys ending `.txt`) under a URL prefix, or the one object it
    names, sorted by key; each named by its full URL (`s3://bucket/key`)."""
    fs, root = filesystem(url)
    try:
        found: Mapping[str, Mapping[str, Any]] = fs.find(root, detail=True)
    except FileNotFoundError:
        raise PathNotFoundError(f"no such bucket or location: {url}") from None
    except PermissionError:
        message = f"{url}: permission denied (check the credentials it is read with)"
        raise UsageError(message) from None
    except storage_errors() as error:
        raise UsageError(f"cannot list {url}: {error}") from None
    base = url.rstrip("/")
    targets: list[Target] = []
    for key in sorted(found):
        info = found[key]
        if info.get("type", "file") != "file" or not key.endswith(ARTICLE_SUFFIX):
            continue
        # The key below the prefix, put after the URL as given (s3://bucket/raw/ + site/a.txt)
        # rather than fsspec's own spelling of it (memory:// adds a slash, say).
        inside = root and key.startswith(root)
        object_url = base + key[len(root) :] if inside else fs.unstrip_protocol(key)
        file = FilePath(object_url, object_url, printable(object_url))
        targets.append(Target(file, listed=listed(info)))
    return targets


def listed(info: Mapping[str, Any]) -> Listed:
    """What a listing (or `fs.info`) says of an object: its size, ETag and version."""
    etag = info.get("ETag") or info.get("etag")
    version = info.get("VersionId") or info.get("generation")
    return Listed(
        int(info.get("size") or 0),
        str(etag).strip('"') if etag else None,
        str(version) if version else None,
    )
