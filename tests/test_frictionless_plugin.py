"""The frictionless_newsdata plugin: a Data Package with a Parquet list column (and the same
rows as CSV) passes the real `frictionless validate`, and bytes, hash, unique ids and list
item types are really checked."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import frictionless
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from frictionless.resources import TableResource

from frictionless_newsdata import ArrowParquetParser
from newsdata.schema import table_schema
from tests.factory import frictionless_validate

ARROW_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("published", pa.date32()),
        ("publication", pa.string()),
        ("url", pa.string()),
        ("body", pa.string()),
        ("word_count", pa.int64()),
        ("source_path", pa.string()),
        ("source_sha256", pa.string()),
    ]
)


def _rows() -> list[dict[str, Any]]:
    """Three articles: two authors, none, one."""
    authors: list[list[Any]] = [["Ann Smith", "Bo Li"], [], ["Cy Young"]]
    return [
        {
            "id": f"{index:x}" * 16,
            "title": f"Headline number {index}",
            "authors": names,
            "published": dt.date(2013, 4, 6 + index),
            "publication": "The Moscow Times",
            "url": f"https://www.themoscowtimes.com/2013/04/0{6 + index}/a-{index}",
            "body": "One paragraph.\n\nAnother one.",
            "word_count": 4,
            "source_path": f"themoscowtimes.com/2013/a-{index}.txt",
            "source_sha256": f"{index:x}" * 64,
        }
        for index, names in enumerate(authors, start=1)
    ]


def _resource(folder: Path, name: str, file: str, **extra: str) -> dict[str, Any]:
    data = (folder / file).read_bytes()
    return {
        "name": name,
        "path": file,
        **extra,
        "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "schema": table_schema(),
    }


def _package(
    folder: Path, rows: list[dict[str, Any]], arrow_schema: pa.Schema = ARROW_SCHEMA
) -> dict[str, Any]:
    """Write the Parquet file, the CSV file and datapackage.json; return the descriptor."""
    pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema), folder / "articles.parquet")
    with (folder / "articles.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ARROW_SCHEMA.names)
        writer.writeheader()
        for row in rows:
            authors = json.dumps(row["authors"], ensure_ascii=False)
            writer.writerow({**row, "authors": authors, "published": row["published"].isoformat()})
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "newsdata-articles",
        "resources": [
            _resource(
                folder,
                "articles-parquet",
                "articles.parquet",
                format="parquet",
                mediatype="application/vnd.apache.parquet",
            ),
            _resource(
                folder,
                "articles-csv",
                "articles.csv",
                format="csv",
                mediatype="text/csv",
                encoding="utf-8",
            ),
        ],
    }
    _save(folder, descriptor)
    return descriptor


def _save(folder: Path, descriptor: dict[str, Any]) -> Path:
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor, indent=2), "utf-8")
    return path


def _errors(folder: Path) -> dict[str, set[str]]:
    """Validate datapackage.json with the Python API: error types by resource name."""
    report = frictionless.validate(str(folder / "datapackage.json"))
    return {task.name: {error.type for error in task.errors} for task in report.tasks}


def test_frictionless_cli_and_api_accept_the_package(tmp_path: Path) -> None:
    _package(tmp_path, _rows())
    code, report = frictionless_validate(tmp_path)
    assert code == 0, report
    assert report["valid"] is True
    assert [task["name"] for task in report["tasks"]] == ["articles-parquet", "articles-csv"]
    assert _errors(tmp_path) == {"articles-parquet": set(), "articles-csv": set()}


def test_parquet_cells_are_python_values_and_csv_is_left_to_frictionless(
    tmp_path: Path,
) -> None:
    _package(tmp_path, _rows())
    package = frictionless.Package(str(tmp_path / "datapackage.json"))
    parquet = package.get_resource("articles-parquet")
    csv_resource = package.get_resource("articles-csv")
    assert isinstance(frictionless.system.create_parser(parquet), ArrowParquetParser)
    assert not isinstance(frictionless.system.create_parser(csv_resource), ArrowParquetParser)
    for resource in (parquet, csv_resource):
        assert isinstance(resource, TableResource)
        rows = resource.read_rows()
        assert [row["authors"] for row in rows] == [["Ann Smith", "Bo Li"], [], ["Cy Young"]]
        assert rows[0]["published"] == dt.date(2013, 4, 7)
        assert type(rows[0]["word_count"]) is int


@pytest.mark.parametrize(
    ("key", "value", "error"),
    [("bytes", 1, "byte-count"), ("hash", "sha256:" + "0" * 64, "hash-count")],
)
@pytest.mark.parametrize("resource", [0, 1], ids=["parquet", "csv"])
def test_a_wrong_bytes_or_hash_fails(
    tmp_path: Path, resource: int, key: str, value: object, error: str
) -> None:
    descriptor = _package(tmp_path, _rows())
    descriptor["resources"][resource][key] = value
    _save(tmp_path, descriptor)
    name = descriptor["resources"][resource]["name"]
    assert _errors(tmp_path)[name] == {error}


def test_the_cli_fails_on_a_wrong_parquet_hash(tmp_path: Path) -> None:
    descriptor = _package(tmp_path, _rows())
    descriptor["resources"][0]["hash"] = "sha256:" + "0" * 64
    _save(tmp_path, descriptor)
    code, report = frictionless_validate(tmp_path)
    assert code != 0
    assert report["valid"] is False
    assert [error["type"] for error in report["tasks"][0]["errors"]] == ["hash-count"]


def test_a_duplicate_id_fails(tmp_path: Path) -> None:
    rows = _rows()
    rows[2]["id"] = rows[0]["id"]
    _package(tmp_path, rows)
    for found in _errors(tmp_path).values():
        assert found == {"primary-key", "unique-error"}


def test_an_author_that_is_not_a_string_fails(tmp_path: Path) -> None:
    rows = _rows()
    for row in rows:
        row["authors"] = [7] if row is rows[0] else []
    arrow = ARROW_SCHEMA.set(2, pa.field("authors", pa.list_(pa.int64())))
    _package(tmp_path, rows, arrow)
    assert _errors(tmp_path) == {"articles-parquet": {"type-error"}, "articles-csv": {"type-error"}}
