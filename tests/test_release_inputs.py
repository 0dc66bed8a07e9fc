"""A release's inputs: a Parquet file named (hashed, counted) by provenance.json, not a list in
it; releases without a zip; provenance of a corpus listed from object storage, which never
holds a credential; and releases made before, with the list inline, still read."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import newsdata
from newsdata.check.pipeline import RunOptions
from newsdata.cli import cli
from newsdata.dataset import release_info
from newsdata.errors import ReleaseRefusedError
from newsdata.release import build_release
from newsdata.release.build import Release
from newsdata.release.manifest import INPUT_COLUMNS, inputs_schema
from newsdata.release.provenance import ObjectSource, ObjectVersion, bare_url
from newsdata.release.tables import Input, write_inputs
from newsdata.release.verify import verify_release
from tests.factory import working_repo

OPTIONS = RunOptions(use_cache=False, jobs=1)
PATHS = [f"raw/site/{n}.txt" for n in range(5)]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed data repository with five articles."""
    return working_repo(tmp_path / "repo", 5, monkeypatch)


def _build(
    repo: Path, out: str = "dist", *, zip: bool = True, source: ObjectSource | None = None
) -> Release:
    return build_release("1.0", repo / out, options=OPTIONS, root=repo, zip=zip, source=source)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_provenance_names_the_inputs_file_with_its_hash_and_rows(repo: Path) -> None:
    folder = _build(repo).path
    provenance = json.loads((folder / "provenance.json").read_text("utf-8"))
    inputs = folder / "inputs.parquet"
    assert provenance["inputs"] == {
        "path": "inputs.parquet",
        "bytes": inputs.stat().st_size,
        "sha256": _sha(inputs),
        "rows": 5,
    }
    assert "inputs.parquet" not in [o["path"] for o in provenance["outputs"]]
    table = pq.read_table(inputs)
    assert table.schema.equals(inputs_schema())
    required = [name for name, _, always, _ in INPUT_COLUMNS if always]
    assert [f.name for f in table.schema if not f.nullable] == required
    assert table.column_names == [name for name, *_ in INPUT_COLUMNS] == list(Input._fields)
    rows = table.to_pylist()
    assert sorted(r["path"] for r in rows) == PATHS
    assert [(r["id"], r["path"]) for r in rows] == sorted((r["id"], r["path"]) for r in rows)
    for row in rows:
        raw = repo / row["path"]
        assert (row["bytes"], row["sha256"]) == (raw.stat().st_size, _sha(raw))
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    resource = next(r for r in descriptor["resources"] if r["path"] == "inputs.parquet")
    assert resource["hash"] == f"sha256:{_sha(inputs)}"
    assert [f["name"] for f in resource["schema"]["fields"]] == table.column_names
    assert "`inputs.parquet`" in (folder / "README.md").read_text("utf-8")


_INPUTS = [
    Input("0" * 16, "raw/a.txt", 10, "a" * 64),
    Input("1" * 16, "raw/b.txt", 20, "b" * 64, '"etag-b"', "v2"),
    Input("2" * 16, "raw/c.txt", 30, "c" * 64, '"etag-c"', None),
]


def test_the_inputs_file_is_the_same_bytes_every_time_and_reads_back(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        write_inputs(tmp_path / name, _INPUTS)
    first, second = (tmp_path / name / "inputs.parquet" for name in ("a", "b"))
    assert first.read_bytes() == second.read_bytes()
    assert [Input(**row) for row in pq.read_table(first).to_pylist()] == _INPUTS


def test_two_builds_write_the_same_inputs_file(repo: Path) -> None:
    first, second = _build(repo, "a").path, _build(repo, "b").path
    assert (first / "inputs.parquet").read_bytes() == (second / "inputs.parquet").read_bytes()


def _refresh_hashes(folder: Path) -> None:
    """Make provenance.json and datapackage.json agree with inputs.parquet as it now is, so
    that only its rows and schema can tell the damage."""
    inputs = folder / "inputs.parquet"
    provenance_path = folder / "provenance.json"
    provenance = json.loads(provenance_path.read_text("utf-8"))
    provenance["inputs"].update(bytes=inputs.stat().st_size, sha256=_sha(inputs))
    provenance_path.write_text(json.dumps(provenance), "utf-8")
    descriptor_path = folder / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text("utf-8"))
    for resource in descriptor["resources"]:
        if resource["path"] in ("inputs.parquet", "provenance.json"):
            path = folder / resource["path"]
            resource.update(bytes=path.stat().st_size, hash=f"sha256:{_sha(path)}")
    descriptor_path.write_text(json.dumps(descriptor), "utf-8")


def test_verify_catches_a_flipped_byte_in_the_inputs_file(repo: Path) -> None:
    inputs = _build(repo).path / "inputs.parquet"
    data = bytearray(inputs.read_bytes())
    data[len(data) // 2] ^= 0x01
    inputs.write_bytes(bytes(data))
    problems = verify_release(inputs.parent).problems
    assert any(p.startswith("inputs.parquet: SHA-256") for p in problems), problems


def test_verify_catches_an_inputs_file_with_a_row_missing(repo: Path) -> None:
    folder = _build(repo).path
    rows = [Input(**row) for row in pq.read_table(folder / "inputs.parquet").to_pylist()]
    write_inputs(folder, rows[:-1])
    _refresh_hashes(folder)
    problems = verify_release(folder).problems
    assert problems == ["inputs.parquet: 4 rows, provenance.json says 5"]


def test_verify_catches_an_inputs_file_of_another_schema(repo: Path) -> None:
    folder = _build(repo).path
    table = pq.read_table(folder / "inputs.parquet").drop_columns(["etag"])
    pq.write_table(table, folder / "inputs.parquet")
    _refresh_hashes(folder)
    problems = verify_release(folder).problems
    assert problems == ["inputs.parquet: schema differs from the inputs schema"]


def test_package_no_zip_writes_the_folder_alone(repo: Path) -> None:
    runner = CliRunner()
    built = runner.invoke(cli, ["package", "--version", "1.0", "--no-zip"])
    assert built.exit_code == 0, built.output
    assert "Wrote dist/test-news-1.0.0/: 5 articles" in built.output
    assert sorted(p.name for p in (repo / "dist").iterdir() if not p.name.startswith(".")) == [
        "test-news-1.0.0"
    ]
    checked = runner.invoke(cli, ["verify", "dist/test-news-1.0.0"])
    assert checked.exit_code == 0, checked.output
    assert "intact" in checked.output
    described = runner.invoke(cli, ["info", "dist/test-news-1.0.0"])
    assert described.exit_code == 0, described.output
    assert "5 raw files" in described.output


def test_a_release_without_a_zip_has_the_same_files_byte_for_byte(repo: Path) -> None:
    zipped, alone = _build(repo, "a"), _build(repo, "b", zip=False)
    assert zipped.zip_path is not None and zipped.zip_path.is_file()
    assert alone.zip_path is None and not (repo / "b" / "test-news-1.0.0.zip").exists()
    files = sorted(p.relative_to(zipped.path) for p in zipped.path.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(alone.path) for p in alone.path.rglob("*") if p.is_file())
    for name in files:
        assert (zipped.path / name).read_bytes() == (alone.path / name).read_bytes(), name


#: A URL as a careless caller might pass it: user, password and a presigned query.
_SECRET_URL = "s3://AKIAEXAMPLEKEY:wJalrSECRET@news-bucket/corpus/?X-Amz-Signature=deadbeef99"
_SECRETS = ("AKIAEXAMPLEKEY", "wJalrSECRET", "X-Amz", "deadbeef99")


def _listing() -> dict[str, ObjectVersion]:
    return {path: ObjectVersion(f'"etag-{n}"', f"version-{n}") for n, path in enumerate(PATHS)}


def test_a_corpus_from_object_storage_names_its_bucket_prefix_and_objects(repo: Path) -> None:
    source = ObjectSource(_SECRET_URL, "s3", "news-bucket", "corpus/", _listing())
    release = _build(repo, source=source)
    folder = release.path
    provenance = json.loads((folder / "provenance.json").read_text("utf-8"))
    assert provenance["source"] == {
        "url": "s3://news-bucket/corpus/",
        "protocol": "s3",
        "bucket": "news-bucket",
        "prefix": "corpus/",
        "objects": 5,
    }
    assert provenance["git"] == {"commit": None, "dirty": None}
    rows = pq.read_table(folder / "inputs.parquet").to_pylist()
    listed = _listing()
    assert {r["path"]: ObjectVersion(r["etag"], r["version"]) for r in rows} == listed
    assert "from s3://news-bucket/corpus/ with newsdata" in (folder / "README.md").read_text()
    with newsdata.open(folder) as dataset:
        assert release_info(dataset)["provenance"]["source"] == "s3://news-bucket/corpus/"
    assert verify_release(folder).intact
    assert release.zip_path is not None
    every_byte = [p.read_bytes() for p in folder.rglob("*") if p.is_file()]
    with zipfile.ZipFile(release.zip_path) as archive:
        every_byte += [archive.read(name) for name in archive.namelist()]
    for secret in _SECRETS:
        assert not [data for data in every_byte if secret.encode() in data], secret


def test_an_input_missing_from_the_listing_is_refused(repo: Path) -> None:
    listing = _listing()
    del listing["raw/site/3.txt"]
    source = ObjectSource("s3://news-bucket/corpus/", "s3", "news-bucket", "corpus/", listing)
    with pytest.raises(ReleaseRefusedError, match=r"raw/site/3\.txt is not in the listing"):
        _build(repo, source=source)
    assert not (repo / "dist" / "test-news-1.0.0").exists()


@pytest.mark.parametrize(
    ("given", "bare"),
    [
        ("s3://bucket/prefix", "s3://bucket/prefix"),
        ("s3://key:secret@bucket/prefix/", "s3://bucket/prefix/"),
        ("s3://key@bucket/a/b", "s3://bucket/a/b"),
        ("gs://bucket/p?X-Goog-Signature=abc#frag", "gs://bucket/p"),
        ("https://u:p@host.example:9000/bucket/p?token=t", "https://host.example:9000/bucket/p"),
        ("file:///data/corpus", "file:///data/corpus"),
    ],
)
def test_bare_url_drops_credentials_and_queries(given: str, bare: str) -> None:
    assert bare_url(given) == bare
    source = ObjectSource(given, given.split(":")[0], "user:pw@bucket", "p")
    assert source.url == bare and source.bucket == "bucket"


def _as_made_before(folder: Path, rows: list[dict[str, object]]) -> None:
    """Turn a release into one made before inputs.parquet: the inputs listed in
    provenance.json, no inputs resource, the descriptor's hashes made to agree."""
    (folder / "inputs.parquet").unlink()
    provenance_path = folder / "provenance.json"
    provenance = json.loads(provenance_path.read_text("utf-8"))
    del provenance["source"]
    provenance["inputs"] = [
        {"path": r["path"], "bytes": r["bytes"], "sha256": r["sha256"], "id": r["id"]} for r in rows
    ]
    provenance_path.write_text(json.dumps(provenance, indent=2), "utf-8")
    descriptor_path = folder / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text("utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "inputs"]
    for resource in descriptor["resources"]:
        if resource["path"] == "provenance.json":
            resource.update(
                bytes=provenance_path.stat().st_size, hash=f"sha256:{_sha(provenance_path)}"
            )
    descriptor_path.write_text(json.dumps(descriptor, indent=2), "utf-8")


def test_a_release_with_the_inputs_inline_still_reads_and_is_followed(repo: Path) -> None:
    old = _build(repo, "old", zip=False).path
    _as_made_before(old, pq.read_table(old / "inputs.parquet").to_pylist())
    assert verify_release(old).problems == []
    with newsdata.open(old) as dataset:
        assert release_info(dataset)["provenance"]["inputs"] == 5
    runner = CliRunner()
    described = runner.invoke(cli, ["info", str(old)])
    assert described.exit_code == 0 and "5 raw files" in described.output, described.output
    new = build_release("1.1", repo / "dist", options=OPTIONS, root=repo, previous=old)
    assert new.previous == old
    changelog = (new.path / "CHANGELOG.md").read_text("utf-8")
    assert "Against 1.0.0: 0 added, 0 removed, 0 changed, 5 unchanged" in changelog
