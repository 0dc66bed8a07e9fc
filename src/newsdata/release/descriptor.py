"""datapackage.json: the Frictionless Data Package v2 descriptor of a release."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from newsdata.release.manifest import (
    CSV,
    INPUT_COLUMNS,
    INPUTS,
    PARQUET,
    PROVENANCE,
    ReleaseFile,
    described,
)
from newsdata.release.metadata import DatasetMetadata

__all__ = ["PROFILE", "datapackage", "file_facts", "inputs_table_schema", "read_facts"]

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"


#: Facts already read, by path and file version (modification time and size): the descriptor,
#: Croissant and provenance each describe every data file, which is read once.
_FACTS: dict[tuple[str, int, int], tuple[int, str]] = {}


def file_facts(path: Path) -> tuple[int, str]:
    """Size in bytes and SHA-256 (hex) of a file: read_facts, remembered per file version."""
    status = path.stat()
    key = (str(path), status.st_mtime_ns, status.st_size)
    if key not in _FACTS:
        _FACTS[key] = read_facts(path)
    return _FACTS[key]


def read_facts(path: Path) -> tuple[int, str]:
    """Size in bytes and SHA-256 (hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _resource(folder: Path, file: ReleaseFile, table_schema: dict[str, Any]) -> dict[str, Any]:
    size, digest = file_facts(folder / file.name)
    name, properties = _RESOURCES[file]
    extra = dict(properties)
    if extra["type"] == "table":
        extra["schema"] = table_schema
    return {"name": name, "path": file.name, **extra, "bytes": size, "hash": f"sha256:{digest}"}


#: What datapackage.json says of each file the manifest marks `described`: its resource name
#: and its properties (a table's Table Schema follows them).
_RESOURCES: dict[ReleaseFile, tuple[str, dict[str, Any]]] = {
    PARQUET: (
        "articles",
        {"type": "table", "format": "parquet", "mediatype": "application/vnd.apache.parquet"},
    ),
    CSV: (
        "articles-csv",
        {
            "type": "table",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {
                "$schema": "https://datapackage.org/profiles/2.0/tabledialect.json",
                "header": True,
                "delimiter": ",",
                "lineTerminator": "\r\n",
                "quoteChar": '"',
                "doubleQuote": True,
            },
        },
    ),
    INPUTS: (
        "inputs",
        {
            "type": "table",
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            "description": "Every raw file the release was built from, one row each, by id.",
        },
    ),
    PROVENANCE: (
        "provenance",
        {
            "type": "json",
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
            "description": "Where this release came from: see the README.",
        },
    ),
}


def inputs_table_schema() -> dict[str, Any]:
    """The Table Schema of the inputs' Parquet file (from INPUT_COLUMNS, as its Arrow schema)."""
    fields = [
        {
            "name": name,
            "description": description,
            "type": kind,
            "constraints": {"required": always, **({"unique": True} if name == "id" else {})},
        }
        for name, kind, always, description in INPUT_COLUMNS
    ]
    return {
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "fields": fields,
        "primaryKey": ["id"],
        "missingValues": [],
    }


def datapackage(
    folder: Path,
    meta: DatasetMetadata,
    version: str,
    created: str,
    table_schema: dict[str, Any],
    extra: dict[str, Any],
) -> dict[str, Any]:
    """The descriptor of the files already written in `folder`."""
    schemas = {INPUTS: inputs_table_schema()}
    resources = [_resource(folder, f, schemas.get(f, table_schema)) for f in described()]
    descriptor: dict[str, Any] = {
        "$schema": PROFILE,
        "name": meta.name,
        "title": meta.title,
        "description": meta.description,
        "version": version,
        "created": created,
        "keywords": list(meta.keywords),
        "licenses": [meta.license] if meta.license else [],
        "contributors": list(meta.contributors),
        "sources": [
            {
                "title": f"Raw article files of the newsdata corpus (see {PROVENANCE.name})",
                "path": PROVENANCE.name,
            }
        ],
        "resources": resources,
        **extra,
    }
    if meta.homepage:
        descriptor["homepage"] = meta.homepage
    return descriptor
