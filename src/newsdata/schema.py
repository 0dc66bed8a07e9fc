"""The files in schema/, generated from the Article model: JSON Schema, Table Schema, version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsdata.model import SCHEMA_VERSION, Article
from newsdata.publications import builtin_registry

__all__ = ["SCHEMA_FILES", "check_schema_dir", "schema_files", "table_schema", "write_schema_dir"]

SCHEMA_ID = "https://newsdata.dev/schema/article/{version}.json"

#: What `newsdata schema --write` puts in schema/, by file name.
SCHEMA_FILES = (
    "article.schema.json",
    "article.tableschema.json",
    "publications.json",
    "VERSION",
)

_TABLE_TYPES = {"string": "string", "integer": "integer", "array": "array"}


def json_schema() -> dict[str, Any]:
    """The record's JSON Schema (2020-12), from the pydantic model."""
    schema = Article.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID.format(version=SCHEMA_VERSION),
        "version": SCHEMA_VERSION,
        **schema,
    }


def table_schema() -> dict[str, Any]:
    """The Frictionless Table Schema of the packaged table, from the pydantic model."""
    properties = Article.model_json_schema(mode="serialization")["properties"]
    required = set(Article.model_json_schema(mode="serialization").get("required", []))
    fields = [_table_field(name, spec, name in required) for name, spec in properties.items()]
    return {
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "fields": fields,
        "primaryKey": ["id"],
        "missingValues": [],
    }


def _table_field(name: str, spec: dict[str, Any], required: bool) -> dict[str, Any]:
    kind = spec.get("type")
    field: dict[str, Any] = {"name": name, "description": spec.get("description", "")}
    constraints: dict[str, Any] = {"required": required}
    if spec.get("format") == "date":
        field["type"] = "date"
    elif kind == "array":
        field["type"] = "array"
        field["arrayItem"] = {"type": spec["items"].get("type", "string")}
        field["description"] += " In CSV: a JSON array of strings."
    else:
        field["type"] = _TABLE_TYPES[str(kind)]
    for source, target in (
        ("pattern", "pattern"),
        ("minLength", "minLength"),
        ("maxLength", "maxLength"),
        ("minimum", "minimum"),
    ):
        if source in spec:
            constraints[target] = spec[source]
    if name == "id":
        constraints["unique"] = True
    field["constraints"] = constraints
    return field


def schema_files() -> dict[str, str]:
    """The content of every generated file in schema/, by file name."""

    def dump(value: object) -> str:
        return json.dumps(value, indent=2, ensure_ascii=False) + "\n"

    return {
        "article.schema.json": dump(json_schema()),
        "article.tableschema.json": dump(table_schema()),
        "publications.json": dump(builtin_registry().to_dict()),
        "VERSION": SCHEMA_VERSION + "\n",
    }


def write_schema_dir(directory: Path) -> list[str]:
    """Write the generated files; return the names of those that changed."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, content in schema_files().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            changed.append(name)
    return changed


def check_schema_dir(directory: Path) -> list[str]:
    """The names of generated files that are missing or differ from the model."""
    drifted = []
    for name, content in schema_files().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            drifted.append(name)
    return drifted
