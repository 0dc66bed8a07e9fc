"""croissant.json: a real release described for ML tools, checked by mlcroissant itself.

The release is built once per module, exactly as tests/test_package.py builds one (a committed
data repository in a temporary folder), and croissant.json is written into it with
`croissant_metadata`. Tests that tamper with it work on a copy of the release folder.

Two layers of mlcroissant are exercised, because they check different things:
`mlcroissant validate` (and `mlcroissant.Dataset(...)`) checks the document alone — required
properties, checksums present, references between nodes — and never opens the data files;
`records()` (and `mlcroissant load`) reads them, and only then are checksums and column names
checked. A tampered sha256 or a missing column passes the first and fails the second.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest

from newsdata.check.pipeline import RunOptions
from newsdata.release import build_release
from newsdata.release.croissant import CONFORMS_TO, PLACEHOLDER_URL, croissant_metadata
from newsdata.release.metadata import DatasetMetadata
from newsdata.schema import table_schema
from tests.factory import DATASET_PYPROJECT, article, data_repo

pytestmark = [
    # mlcroissant's dependencies, not ours: rdflib's JSON-LD parser and pandas 3's deprecations.
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index"),
]

PYPROJECT = DATASET_PYPROJECT
OPTIONS = RunOptions(use_cache=False, jobs=1)
MLCROISSANT = Path(sys.executable).parent / "mlcroissant"
#: Any network access would go to this dead proxy and fail: the tests must not need one.
OFFLINE = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Offline for the whole module; the CLI's download cache (unused: the files are local) in
    a temporary folder. The in-process mlcroissant read CROISSANT_CACHE at import, but it only
    caches remote files, and there are none."""
    cache = tmp_path_factory.mktemp("croissant-cache")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {**OFFLINE, "CROISSANT_CACHE": str(cache)}.items():
            patch.setenv(key, value)
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        yield dict(os.environ)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Path:
    """A release of five articles (the first with two authors), with croissant.json in it."""
    texts = [article(number) for number in range(5)]
    texts[0] = texts[0].replace("By [Jane Doe](#)", "By [Jane Doe](#) and [John Roe](#)")
    root = data_repo(tmp_path_factory.mktemp("croissant") / "repo", PYPROJECT, texts)
    built = build_release("1.0", root / "dist", options=OPTIONS, root=root)  # writes croissant.json
    return built.path


def _created(folder: Path) -> str:
    return str(json.loads((folder / "datapackage.json").read_text("utf-8"))["created"])


def _document(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "croissant.json").read_text("utf-8"))
    return data


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    assert MLCROISSANT.is_file(), f"the mlcroissant CLI is not installed beside {sys.executable}"
    return subprocess.run(
        [str(MLCROISSANT), *args], capture_output=True, text=True, env=env, timeout=60
    )


def _tampered(release: Path, tmp_path: Path, change: Any) -> Path:
    """A copy of the release whose croissant.json went through `change(document)`."""
    copied = tmp_path / release.name
    shutil.copytree(release, copied)
    document = _document(copied)
    change(document)
    path = copied / "croissant.json"
    path.write_text(json.dumps(document, indent=2), "utf-8")
    return path


def _causes(error: BaseException) -> str:
    """The messages of an exception and of everything that caused it."""
    messages = []
    current: BaseException | None = error
    while current is not None:
        messages.append(f"{type(current).__name__}: {current}")
        current = current.__cause__ or current.__context__
    return "\n".join(messages)


def _field(document: dict[str, Any], name: str) -> dict[str, Any]:
    fields = document["recordSet"][0]["field"]
    found: dict[str, Any] = next(f for f in fields if f["name"] == name)
    return found


# --- the official validator ---


def test_validate_cli_accepts_the_release(release: Path, env: dict[str, str]) -> None:
    done = _cli(env, "validate", "--jsonld", str(release / "croissant.json"))
    assert done.returncode == 0, done.stderr
    # absl logs "E<date>" for errors and "W<date>" for warnings. Not even a warning: the
    # @context is the standard one, and license, citeAs, datePublished and version are there.
    assert not re.search(r"^[EW]\d{4} ", done.stderr, re.MULTILINE), done.stderr
    assert "error" not in done.stderr.lower()
    assert "Done." in done.stderr


def test_python_api_loads_without_issues(release: Path, env: dict[str, str]) -> None:
    dataset = mlc.Dataset(jsonld=release / "croissant.json")
    issues = dataset.metadata.ctx.issues
    assert not issues.errors
    assert not issues.warnings
    assert dataset.metadata.name == "test-news"
    assert dataset.metadata.version == "1.0.0"
    assert [r.id for r in dataset.metadata.record_sets] == ["articles"]


def test_records_are_the_parquet_rows(release: Path, env: dict[str, str]) -> None:
    dataset = mlc.Dataset(jsonld=release / "croissant.json")
    records = list(dataset.records("articles"))
    table = pq.read_table(release / "data" / "articles.parquet").to_pylist()
    assert len(records) == 5 == len(table)

    def text(value: bytes) -> str:
        return value.decode("utf-8")

    ids = [text(r["articles/id"]) for r in records]
    assert ids == [row["id"] for row in table] == sorted(ids)
    for record, row in zip(records, table, strict=True):
        assert text(record["articles/title"]) == row["title"]
        assert [text(a) for a in record["articles/authors"]] == row["authors"]
        assert record["articles/published"].date() == row["published"]
        assert text(record["articles/publication"]) == row["publication"]
        assert text(record["articles/url"]) == row["url"]
        assert text(record["articles/body"]) == row["body"]
        assert record["articles/word_count"] == row["word_count"]
        assert isinstance(record["articles/word_count"], int)
        assert text(record["articles/source_path"]) == row["source_path"]
        assert text(record["articles/source_sha256"]) == row["source_sha256"]
    by_path = {text(r["articles/source_path"]): r for r in records}
    first = by_path["raw/site/0.txt"]
    assert [text(a) for a in first["articles/authors"]] == ["Jane Doe", "John Roe"]
    assert [text(a) for a in by_path["raw/site/1.txt"]["articles/authors"]] == ["Jane Doe"]
    assert first["articles/published"].date() == dt.date(2013, 4, 6)
    assert text(first["articles/url"]) == "https://www.themoscowtimes.com/2013/04/06/story-0"


# --- the validator really checks ---


def test_dangling_reference_fails_validate_cli(
    release: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    def change(document: dict[str, Any]) -> None:
        _field(document, "title")["source"]["fileObject"]["@id"] = "data/missing.parquet"

    done = _cli(env, "validate", "--jsonld", str(_tampered(release, tmp_path, change)))
    assert done.returncode == 1
    assert "data/missing.parquet" in done.stderr
    assert "doesn't exist" in done.stderr


def test_missing_checksum_fails_validation(release: Path, env: dict[str, str]) -> None:
    document = _document(release)
    del document["distribution"][0]["sha256"]
    with pytest.raises(mlc.ValidationError, match="md5', 'sha256"):
        mlc.Dataset(jsonld=document)


def test_tampered_sha256_fails_loading(release: Path, tmp_path: Path, env: dict[str, str]) -> None:
    def change(document: dict[str, Any]) -> None:
        document["distribution"][0]["sha256"] = "0" * 64

    path = _tampered(release, tmp_path, change)
    with pytest.raises(mlc.GenerationError) as caught:
        list(mlc.Dataset(jsonld=path).records("articles"))
    assert "Hash of downloaded file" in _causes(caught.value)
    assert "0" * 64 in _causes(caught.value)
    # The CLI that reads the data fails the same way.
    done = _cli(env, "load", "--jsonld", str(path), "--record_set", "articles")
    assert done.returncode == 1
    assert "Hash of downloaded file" in done.stderr


def test_tampered_data_file_fails_loading(
    release: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    path = _tampered(release, tmp_path, lambda document: None)
    parquet = path.parent / "data" / "articles.parquet"
    parquet.write_bytes(parquet.read_bytes() + b"\0")
    with pytest.raises(mlc.GenerationError) as caught:
        list(mlc.Dataset(jsonld=path).records("articles"))
    assert "Hash of downloaded file" in _causes(caught.value)


def test_missing_column_fails_loading(release: Path, tmp_path: Path, env: dict[str, str]) -> None:
    def change(document: dict[str, Any]) -> None:
        _field(document, "title")["source"]["extract"]["column"] = "headline"

    path = _tampered(release, tmp_path, change)
    with pytest.raises(mlc.GenerationError) as caught:
        list(mlc.Dataset(jsonld=path).records("articles"))
    assert 'Column "headline" does not exist' in _causes(caught.value)


# --- the shape of the document ---


def test_document_shape(release: Path) -> None:
    document = _document(release)
    assert document["@type"] == "sc:Dataset"
    assert document["conformsTo"] == CONFORMS_TO == "http://mlcommons.org/croissant/1.0"
    assert document["@context"]["cr"] == "http://mlcommons.org/croissant/"
    assert document["name"] == "test-news"
    assert document["version"] == "1.0.0"
    assert document["datePublished"] == _created(release)
    assert document["license"] == "CC-BY-4.0"
    assert document["url"] == PLACEHOLDER_URL
    assert document["creator"] == [{"@type": "sc:Person", "name": "Jane Doe"}]
    assert document["keywords"] == ["news", "articles", "text", "corpus"]
    assert document["citeAs"].startswith("Test news, version 1.0.0 (")


def test_distribution_checksums_are_the_files(release: Path) -> None:
    files = _document(release)["distribution"]
    assert [f["contentUrl"] for f in files] == ["data/articles.parquet", "data/articles.csv"]
    assert [f["encodingFormat"] for f in files] == ["application/x-parquet", "text/csv"]
    for entry in files:
        data = (release / entry["contentUrl"]).read_bytes()
        assert entry["@type"] == "cr:FileObject"
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["contentSize"] == f"{len(data)} B"


def test_fields_follow_the_table_schema(release: Path) -> None:
    record_set = _document(release)["recordSet"][0]
    assert record_set["@id"] == "articles"
    assert record_set["key"] == {"@id": "articles/id"}
    schema = table_schema()["fields"]
    assert [f["name"] for f in record_set["field"]] == [f["name"] for f in schema]
    types = {f["name"]: f["dataType"] for f in record_set["field"]}
    assert types == {
        "id": "sc:Text",
        "title": "sc:Text",
        "authors": "sc:Text",
        "published": "sc:Date",
        "publication": "sc:Text",
        "url": "sc:URL",
        "body": "sc:Text",
        "word_count": "sc:Integer",
        "source_path": "sc:Text",
        "source_sha256": "sc:Text",
    }
    for field, spec in zip(record_set["field"], schema, strict=True):
        assert field["@id"] == f"articles/{spec['name']}"
        assert field["source"] == {
            "fileObject": {"@id": "data/articles.parquet"},
            "extract": {"column": spec["name"]},
        }
        assert field["description"]
        assert spec["description"].startswith(field["description"])
        assert field.get("repeated", False) is (spec["name"] == "authors")
    assert "CSV" not in _field(_document(release), "authors")["description"]


@pytest.mark.parametrize(
    ("license_", "expected"),
    [
        (None, None),
        ({"name": "CC-BY-4.0"}, "CC-BY-4.0"),
        (
            {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"},
            "https://creativecommons.org/licenses/by/4.0/",
        ),
        (
            {"name": "other", "title": "Texts remain the property of their publishers"},
            {
                "@type": "sc:CreativeWork",
                "name": "other",
                "description": "Texts remain the property of their publishers",
            },
        ),
    ],
)
def test_metadata_variants_validate(
    release: Path, env: dict[str, str], license_: dict[str, str] | None, expected: Any
) -> None:
    meta = DatasetMetadata(
        name="x",
        title="X",
        description="d",
        license=license_,
        contributors=(
            {"title": "Jane Doe", "email": "jane@example.org"},
            {"title": "Team", "path": "https://example.org/team"},
        ),
        homepage="https://example.org/x",
        citation="Cite me.",
    )
    document = croissant_metadata(meta, "2.1.0", "2024-05-06T07:08:09Z", release)
    assert document.get("license") == expected
    assert document["url"] == "https://example.org/x"
    assert document["citeAs"] == "Cite me."
    assert document["creator"] == [
        {"@type": "sc:Person", "name": "Jane Doe", "email": "jane@example.org"},
        {"@type": "sc:Person", "name": "Team", "url": "https://example.org/team"},
    ]
    dataset = mlc.Dataset(jsonld=copy.deepcopy(document))
    warnings = dataset.metadata.ctx.issues.warnings
    if license_ is None:
        # No license is reported, not invented: a warning, not an error.
        assert any("license" in w for w in warnings)
    else:
        assert not warnings
        assert dataset.metadata.license
    assert dataset.metadata.date_published == dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)


def test_no_contributors_means_no_creator(release: Path) -> None:
    meta = DatasetMetadata(name="x", title="X", description="d", license=None)
    document = croissant_metadata(meta, "1.0.0", "2024-05-06T07:08:09Z", release)
    assert "creator" not in document
    mlc.Dataset(jsonld=copy.deepcopy(document))
