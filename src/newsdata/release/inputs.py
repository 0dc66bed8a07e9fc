"""A release's inputs: where its corpus lies, and each file or object it is made of."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

from newsdata.check.discovery import encodable, printable
from newsdata.check.pipeline import RunFile
from newsdata.config import Settings
from newsdata.errors import ReleaseRefusedError
from newsdata.release.provenance import ObjectSource, ObjectVersion
from newsdata.release.tables import Input
from newsdata.storage import is_url

__all__ = ["corpus_location", "inputs_of", "object_source"]


def corpus_location(root: Path, settings: Settings) -> Path | str:
    """The corpus: `raw` under the data repository's root, or the object-storage URL that
    `raw` names."""
    return settings.raw if is_url(settings.raw) else root / settings.raw


def object_source(url: str, files: Sequence[RunFile]) -> ObjectSource:
    """The object store a corpus was listed from, and each object's listed ETag and version
    by its record's source_path (the object's key: the same path a checkout would give)."""
    protocol, _, rest = url.partition("://")
    bucket, _, prefix = rest.partition("/")
    listing = {
        file.path.source: ObjectVersion(file.listed.etag, file.listed.version)
        for file in files
        if file.listed is not None
    }
    return ObjectSource(url, protocol, bucket, prefix, listing)


def inputs_of(files: Sequence[RunFile], source: ObjectSource | None) -> list[Input]:
    """A release's inputs, in (id, path) order, from a validation run's files; refused (one
    line saying which file and why) when a file cannot become a record or two share an id."""
    found: list[Input] = []
    for file in files:
        result = file.result
        relative = file.path.source
        if not encodable(relative):
            raise ReleaseRefusedError(
                f"{printable(relative)}: the file name is not valid UTF-8, so it cannot be a "
                "record's source_path; rename it, even if ND110 is ignored"
            )
        if (
            result is None
            or result.article_id is None
            or result.sha256 is None
            or file.stat is None
        ):
            raise ReleaseRefusedError(
                f"{relative} cannot become a record (no URL, body or readable "
                "text); fix it, even if its rules are ignored"
            )
        listed = _listed(source, relative)
        found.append(Input(result.article_id, relative, file.stat[0], result.sha256, *listed))
    found.sort()
    for first, second in itertools.pairwise(found):
        if first.id == second.id:
            raise ReleaseRefusedError(
                f"{first.path} and {second.path} have the same id {first.id}: a "
                "release needs unique ids (ND901)"
            )
    return found


def _listed(source: ObjectSource | None, path: str) -> tuple[str | None, str | None]:
    """The listed ETag and version of the object behind input `path` (none for a local file)."""
    if source is None:
        return None, None
    try:
        return source.listing[path]
    except KeyError:
        raise ReleaseRefusedError(
            f"{path} is not in the listing of {source.url}: its ETag cannot be recorded"
        ) from None
