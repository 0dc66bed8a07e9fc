"""Corpora in object storage: fsspec URLs (`s3://bucket/prefix/`, `gs://...`, `memory://...`)
as the check stage's inputs.

Nothing here imports fsspec, so a run over local paths never loads it: a URL is recognised,
and what its listing said of an object is held, without it. `storage/listing.py` (the list)
and `storage/fetch.py` (the bytes) import it, only when a URL is given.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

__all__ = ["Listed", "is_url", "local_path", "object_key"]

#: `scheme://`: two characters at least, so that a Windows drive (`C:/...`) is never one.
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+)://")


class Listed(NamedTuple):
    """What the listing said of one object: checked again when its bytes come (an object
    rewritten since is refused), and its key in the cache (check/cache.py `listing_key`).
    It travels to the workers inside each Target: plain values, never a credential."""

    size: int
    #: The ETag, quotes stripped (a plain MD5 of the bytes for most objects); None if none.
    etag: str | None = None
    #: The object's version, when the listing gave one (a version-aware filesystem); else None.
    version: str | None = None


def _scheme(path: str | os.PathLike[str]) -> str | None:
    found = _SCHEME.match(os.fspath(path))
    return found.group(1).lower() if found else None


def is_url(path: str | os.PathLike[str]) -> bool:
    """Whether a path given is an object-storage URL (`scheme://...`, any scheme but
    `file`: a `file://` URL is a local path, see `local_path`)."""
    scheme = _scheme(path)
    return scheme is not None and scheme != "file"


def local_path(path: str | os.PathLike[str]) -> str:
    """A `file://` URL as the local path it names (walked as any other); other paths as given."""
    text = os.fspath(path)
    if _scheme(text) != "file":
        return text
    parts = urlsplit(text)
    if parts.netloc not in ("", "localhost"):
        return text  # a file on another host: left as given, and not found
    return unquote(parts.path) or "/"


def object_key(url: str) -> str:
    """An object's key, the URL's path after its bucket (`s3://b/raw/x.txt` -> `raw/x.txt`):
    a record's source_path, the same path the corpus would have in a checkout."""
    rest = url.split("://", 1)[1] if "://" in url else url
    return rest.partition("/")[2]
