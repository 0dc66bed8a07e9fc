"""The fsspec filesystem for a URL, configured by the environment and fsspec's own
configuration only.

newsdata passes no storage options: credentials and endpoints come from where the filesystem
looks itself (for s3fs: `AWS_*` variables, `~/.aws/`, an instance role; `FSSPEC_S3_ENDPOINT_URL`
or `fsspec.config.conf["s3"]`), never from pyproject.toml, so none is in a Target, a report or
a task sent to a worker. fsspec keeps one instance per protocol and options in each process
(and thread), so asking again costs a dictionary lookup.
"""

from __future__ import annotations

import importlib
from contextlib import suppress
from functools import cache
from typing import TYPE_CHECKING

from newsdata.errors import UsageError

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

__all__ = ["EXTRA", "filesystem", "storage_errors"]

#: What to install for object storage.
EXTRA = "pip install 'newsdata[cluster]'"


def filesystem(url: str) -> tuple[AbstractFileSystem, str]:
    """The filesystem a URL is on, and the URL's path within it (its protocol stripped)."""
    try:
        import fsspec.core
    except ImportError:
        raise UsageError(f"{url}: reading object storage needs fsspec: {EXTRA}") from None
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except ImportError as error:  # the protocol's own package (s3fs, gcsfs...) is missing
        raise UsageError(f"{url}: {error} ({EXTRA} installs s3fs)") from None
    except ValueError as error:  # a protocol fsspec does not know
        raise UsageError(f"{url}: {error}") from None
    return fs, path


@cache
def storage_errors() -> tuple[type[BaseException], ...]:
    """What a store that cannot be reached, or refuses us, raises: OSError (fsspec's own, and
    s3fs's translation of S3's answers), and the S3 client's errors that s3fs lets through
    (botocore's: no endpoint, no credentials), when it is installed."""
    errors: list[type[BaseException]] = [OSError]
    with suppress(ImportError):
        errors.append(importlib.import_module("botocore.exceptions").BotoCoreError)
    return tuple(errors)
