"""croissant.json: the ML Commons Croissant 1.0 description of a release.

datapackage.json already describes a release for Frictionless tools; Croissant is what ML
tooling reads (Hugging Face, Kaggle, OpenML, TFDS, `mlcroissant`). Both are written from the
same sources, the dataset metadata and the Table Schema generated from the Article model, so
that they cannot disagree about what a column means.

The Parquet file is the one that carries the record set: its `authors` column is a real list
and `published` a real date, so Croissant readers get typed values without parsing. The CSV is
listed as a second file (same rows, same order) so that it has a checksum too, but no record
set reads it: its authors are a JSON string, which Croissant 1.0 cannot turn back into a list.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from newsdata.release.descriptor import file_facts
from newsdata.release.manifest import CSV, PARQUET, ReleaseFile
from newsdata.release.metadata import DatasetMetadata
from newsdata.schema import table_schema

__all__ = ["CONFORMS_TO", "CONTEXT", "RECORD_SET", "croissant_metadata"]

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"

#: The @context of the Croissant 1.0 specification, plus the two terms (`samplingRate`,
#: `equivalentProperty`) that mlcroissant's own 1.0 context adds: without them it warns that the
#: context "is not standard". Only term definitions, so a superset is harmless.
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

#: The record set's @id, and so the name `mlcroissant.Dataset.records()` takes.
RECORD_SET = "articles"

#: Table Schema types -> Croissant data types. `array` is an array of strings (the only array
#: in the schema), written as a repeated sc:Text field.
_DATA_TYPES = {
    "string": "sc:Text",
    "array": "sc:Text",
    "date": "sc:Date",
    "integer": "sc:Integer",
}

#: Columns whose Table Schema type (string) undersells them: `sc:URL` tells ML tools the value
#: is a link, and still reads as text.
_SEMANTIC_TYPES = {"url": "sc:URL"}

#: When the dataset has no homepage: a relative reference to the release folder that holds
#: croissant.json. The spec wants a `url`, and this one is true wherever the folder is copied.
PLACEHOLDER_URL = "./"


def croissant_metadata(
    meta: DatasetMetadata, version: str, created: str, folder: Path
) -> dict[str, Any]:
    """The Croissant JSON-LD of the release in `folder`, whose data files are already written.

    `created` is the release's ISO 8601 timestamp (as in datapackage.json), so the document is
    as reproducible as the rest of the release. Checksums are read from `folder`, which is why
    this must run after the data files are final.
    """
    document: dict[str, Any] = {
        # A copy: readers such as mlcroissant add keys (@base) to the context they are given.
        "@context": copy.deepcopy(CONTEXT),
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": meta.name,
        "alternateName": meta.title,
        "description": meta.description,
        "url": meta.homepage or PLACEHOLDER_URL,
        "version": version,
        "datePublished": created,
        "citeAs": meta.citation
        or f"{meta.title}, version {version} ({created[:4]}). Built with newsdata.",
        "keywords": list(meta.keywords),
        "creator": [_person(contributor) for contributor in meta.contributors],
        "distribution": [
            _file_object(
                folder,
                PARQUET,
                "application/x-parquet",
                "The articles, one row each, sorted by id: the file the record set reads.",
            ),
            _file_object(
                folder,
                CSV,
                "text/csv",
                "The same rows as the Parquet file, as UTF-8 CSV (CRLF); authors are a JSON "
                "array string.",
            ),
        ],
        "recordSet": [_record_set()],
    }
    if meta.language:
        # Unknown stays out: a default such as "en" would be a claim about the articles.
        document["inLanguage"] = list(meta.language)
    license_ = _license(meta.license)
    if license_ is not None:
        document["license"] = license_
    if not document["creator"]:
        del document["creator"]
    return document


def _license(license_: dict[str, str] | None) -> str | dict[str, str] | None:
    """A URL when the metadata has one, else the id as text (with its title, if any).

    No license gives no `license` property at all: mlcroissant then warns, which is the truth
    (nothing was granted), where a made-up value would be a claim.
    """
    if license_ is None:
        return None
    if license_.get("path"):
        return license_["path"]
    if license_.get("title"):
        return {
            "@type": "sc:CreativeWork",
            "name": license_["name"],
            "description": license_["title"],
        }
    return license_["name"]


def _person(contributor: dict[str, str]) -> dict[str, str]:
    """A Frictionless contributor as a schema.org Person (name, and email/url when given)."""
    person = {"@type": "sc:Person", "name": contributor["title"]}
    if contributor.get("email"):
        person["email"] = contributor["email"]
    if contributor.get("path"):
        person["url"] = contributor["path"]
    return person


def _file_object(
    folder: Path, file: ReleaseFile, encoding: str, description: str
) -> dict[str, Any]:
    """A FileObject with a relative contentUrl, so the release can move without edits."""
    relative = file.name
    size, digest = file_facts(folder / relative)
    return {
        "@type": "cr:FileObject",
        "@id": relative,
        "name": relative.rsplit("/", 1)[-1],
        "description": description,
        "contentUrl": relative,
        "contentSize": f"{size} B",
        "encodingFormat": encoding,
        "sha256": digest,
    }


def _record_set() -> dict[str, Any]:
    """One field per column of the Table Schema, read from the Parquet file by column name."""
    fields = [_field(spec) for spec in table_schema()["fields"]]
    return {
        "@type": "cr:RecordSet",
        "@id": RECORD_SET,
        "name": RECORD_SET,
        "description": "News articles, one record per article.",
        "key": {"@id": f"{RECORD_SET}/id"},
        "field": fields,
    }


def _field(spec: dict[str, Any]) -> dict[str, Any]:
    name = str(spec["name"])
    kind = str(spec["type"])
    description = str(spec.get("description", ""))
    if kind == "array":
        # The Table Schema's note is about the CSV; this field reads the Parquet list column.
        description = description.replace(" In CSV: a JSON array of strings.", "")
    field: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": f"{RECORD_SET}/{name}",
        "name": name,
        "description": description,
        "dataType": _SEMANTIC_TYPES.get(name) or _data_type(name, kind),
        "source": {"fileObject": {"@id": PARQUET.name}, "extract": {"column": name}},
    }
    if kind == "array":
        field["repeated"] = True
    return field


def _data_type(name: str, kind: str) -> str:
    """The Croissant type of a Table Schema type; a new type in the model must be mapped here."""
    try:
        return _DATA_TYPES[kind]
    except KeyError:
        raise ValueError(
            f"column {name!r} has Table Schema type {kind!r}, which croissant.py does not map"
        ) from None
