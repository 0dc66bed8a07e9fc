"""The release manifest: every file a release holds, in one table, and the articles' columns.

Build, verify, the reader, the card, Croissant and the descriptor iterate this table or take
a file from it by name; no other module spells a release file's name. Adding a release file is
one row here plus the function that writes it (see `writer`).

Reading a release needs this module and pyarrow, never the writer's modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from newsdata.model import SCHEMA_VERSION, Article

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "CARD",
    "CHANGELOG",
    "CROISSANT",
    "CSV",
    "DATAPACKAGE",
    "INPUTS",
    "INPUT_COLUMNS",
    "PARQUET",
    "PROVENANCE",
    "RELEASE_FILES",
    "ReleaseFile",
    "arrow_schema",
    "described",
    "hashed",
    "inputs_schema",
    "zip_order",
]


@dataclass(frozen=True)
class ReleaseFile:
    """One file of every release."""

    name: str  # its path inside the release folder (and, under the folder's name, the zip)
    writer: str  # the function that makes its bytes, as "module:function"
    described: bool  # a resource of datapackage.json (with its size and SHA-256)
    hashed: bool  # an output of provenance.json (with its size and SHA-256)
    zip_position: int  # its place in the zip (the data files first: zipped while writing)


PARQUET = ReleaseFile(
    "data/articles.parquet", "newsdata.release.tables:write_tables", True, True, 1
)
CSV = ReleaseFile("data/articles.csv", "newsdata.release.tables:write_tables", True, True, 0)
# The inputs are provenance, not data: beside provenance.json, outside data/, so that tools
# globbing data/*.parquet (the Hub's default splits, DuckDB) never mix them with the articles.
# provenance.json names it with its SHA-256 and rows, instead of listing it among the outputs.
INPUTS = ReleaseFile("inputs.parquet", "newsdata.release.tables:write_inputs", True, False, 6)
PROVENANCE = ReleaseFile(
    "provenance.json", "newsdata.release.provenance:provenance_json", True, False, 7
)
CARD = ReleaseFile("README.md", "newsdata.release.card:card_markdown", False, True, 3)
CHANGELOG = ReleaseFile(
    "CHANGELOG.md", "newsdata.release.changelog:changelog_markdown", False, True, 2
)
CROISSANT = ReleaseFile(
    "croissant.json", "newsdata.release.croissant:croissant_metadata", False, True, 4
)
DATAPACKAGE = ReleaseFile(
    "datapackage.json", "newsdata.release.descriptor:datapackage", False, False, 5
)

#: Every file of a release. This order is the order of datapackage.json's resources and of
#: provenance.json's outputs; `zip_position` orders the zip.
RELEASE_FILES = (PARQUET, CSV, INPUTS, PROVENANCE, CARD, CHANGELOG, CROISSANT, DATAPACKAGE)

#: The columns of inputs.parquet, one row per raw file: name, Table Schema type, whether every
#: row has a value, and what it is. ETag and version are those of the object listed when the
#: corpus came from object storage, null for a file of a local (git) corpus.
INPUT_COLUMNS: tuple[tuple[str, str, bool, str], ...] = (
    ("id", "string", True, "The id of the article made from the file."),
    ("path", "string", True, "The file's path (the record's source_path)."),
    ("bytes", "integer", True, "The file's size in bytes."),
    ("sha256", "string", True, "The SHA-256 of the file's bytes (the record's source_sha256)."),
    ("etag", "string", False, "The object's ETag, as listed; null for a local file."),
    ("version", "string", False, "The object's version id, as listed; null when unversioned."),
)


def described() -> tuple[ReleaseFile, ...]:
    """The files datapackage.json lists as resources, in its order."""
    return tuple(f for f in RELEASE_FILES if f.described)


def hashed() -> tuple[ReleaseFile, ...]:
    """The files provenance.json lists as outputs, in its order."""
    return tuple(f for f in RELEASE_FILES if f.hashed)


def zip_order() -> tuple[ReleaseFile, ...]:
    """Every file, in the zip's order."""
    return tuple(sorted(RELEASE_FILES, key=lambda f: f.zip_position))


@cache
def arrow_schema() -> pa.Schema:
    """The explicit Arrow schema of the articles table (matches schema/ and the model)."""
    import pyarrow as pa

    string = pa.string()
    fields = [
        pa.field("id", string, nullable=False),
        pa.field("title", string, nullable=False),
        pa.field("authors", pa.list_(pa.field("element", string, nullable=False)), nullable=False),
        pa.field("published", pa.date32(), nullable=False),
        pa.field("publication", string, nullable=False),
        pa.field("url", string, nullable=False),
        pa.field("body", string, nullable=False),
        pa.field("word_count", pa.int64(), nullable=False),
        pa.field("source_path", string, nullable=False),
        pa.field("source_sha256", string, nullable=False),
    ]
    assert tuple(f.name for f in fields) == tuple(Article.model_fields)
    return pa.schema(fields, metadata={"newsdata.schema_version": SCHEMA_VERSION})


@cache
def inputs_schema() -> pa.Schema:
    """The explicit Arrow schema of inputs.parquet (INPUT_COLUMNS)."""
    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int64()}
    return pa.schema(
        [
            pa.field(name, types[kind], nullable=not always)
            for name, kind, always, _ in INPUT_COLUMNS
        ]
    )
