"""`newsdata package` and `newsdata verify`: real releases built in temporary data repositories."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import newsdata.release.build as build_module
import newsdata.release.tables as tables_module
from newsdata.check.pipeline import RunOptions
from newsdata.cli import cli
from newsdata.config import RuleSelection, Settings
from newsdata.errors import ReleaseError, ReleaseRefusedError, ValidationFailedError
from newsdata.model import SCHEMA_VERSION
from newsdata.release import build_release
from newsdata.release.buffers import RECORD_COLUMNS, authors_json, pack_records, record_buffers
from newsdata.release.history import LOCK_FILE
from newsdata.release.manifest import arrow_schema
from newsdata.release.records import chunk_batch, release_batches
from newsdata.release.verify import verify_release
from tests.factory import (
    DATASET_PYPROJECT,
    article,
    commit,
    data_repo,
    frictionless_validate,
    git,
    working_repo,
)

PYPROJECT = DATASET_PYPROJECT
OPTIONS = RunOptions(use_cache=False, jobs=1)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed data repository with five articles."""
    return working_repo(tmp_path / "repo", 5, monkeypatch)


def _build(repo: Path, version: str = "1.0", out: str = "dist") -> Path:
    release = build_release(version, repo / out, options=OPTIONS, root=repo)
    return release.path


def test_release_layout(repo: Path) -> None:
    folder = _build(repo)
    assert folder.name == "test-news-1.0.0"
    assert (repo / "dist" / "test-news-1.0.0.zip").is_file()
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert names == [
        "CHANGELOG.md",
        "README.md",
        "croissant.json",
        "data/articles.csv",
        "data/articles.parquet",
        "datapackage.json",
        "inputs.parquet",
        "provenance.json",
    ]
    # no scratch folder left; the lock that serialises releases into dist/ stays (unlocked)
    assert [p.name for p in (repo / "dist").iterdir() if p.name.startswith(".")] == [LOCK_FILE]


def test_parquet_is_sorted_compressed_and_carries_the_schema_version(repo: Path) -> None:

    parquet = pq.ParquetFile(_build(repo) / "data" / "articles.parquet")
    ids = parquet.read(columns=["id"]).column("id").to_pylist()
    assert ids == sorted(ids) and len(ids) == 5
    metadata = parquet.metadata
    assert metadata.metadata[b"newsdata.schema_version"] == SCHEMA_VERSION.encode()
    assert metadata.row_group(0).column(0).compression == "ZSTD"
    assert str(parquet.schema_arrow.field("authors").type) == "list<element: string not null>"


def test_descriptor_has_sizes_hashes_and_primary_key(repo: Path) -> None:
    from newsdata.release.descriptor import file_facts

    folder = _build(repo)
    descriptor = json.loads((folder / "datapackage.json").read_text())
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert descriptor["version"] == "1.0.0"
    assert descriptor["licenses"] == [{"name": "CC-BY-4.0"}]
    for resource in descriptor["resources"]:
        size, digest = file_facts(folder / resource["path"])
        assert resource["bytes"] == size and resource["hash"] == f"sha256:{digest}"
    assert descriptor["resources"][0]["schema"]["primaryKey"] == ["id"]


def test_git_state_says_commit_dirty_and_time(repo: Path, tmp_path: Path) -> None:
    from newsdata.release.provenance import GitQuery, GitState

    def git_state(root: Path) -> GitState:
        with contextlib.closing(GitQuery(root)) as query:
            return query.result()

    clean = git_state(repo)
    assert clean.commit == git(repo, "rev-parse", "HEAD") and clean.dirty is False
    assert clean.commit_time == int(git(repo, "show", "-s", "--format=%ct", "HEAD"))
    (repo / "raw" / "site" / "new.txt").write_text("untracked\n")
    assert git_state(repo).dirty is True
    (repo / "notes.txt").write_text("outside the inputs\n")
    (repo / "raw" / "site" / "new.txt").unlink()
    assert git_state(repo).dirty is False
    assert git_state(tmp_path / "not-a-repo-at-all") == git_state(tmp_path)
    assert git_state(tmp_path).commit is None
    query = GitQuery(repo)  # closed unread (a build that stopped early): git is reaped
    query.close()
    assert all(run is None or run.returncode is not None for run in query._runs)


def test_provenance_lists_every_raw_file_and_thecommit(repo: Path) -> None:
    import hashlib

    commit = git(repo, "rev-parse", "HEAD")
    folder = _build(repo)
    provenance = json.loads((folder / "provenance.json").read_text())
    assert provenance["git"] == {"commit": commit, "dirty": False}
    assert provenance["source"] is None
    assert provenance["counts"] == {"files": 5, "articles": 5, "warnings": 0}
    listed = pq.read_table(folder / "inputs.parquet").to_pylist()
    inputs = {i["path"]: i["sha256"] for i in listed}
    assert all(i["etag"] is None and i["version"] is None for i in listed)
    for number in range(5):
        path = f"raw/site/{number}.txt"
        assert inputs[path] == hashlib.sha256((repo / path).read_bytes()).hexdigest()
    assert {"newsdata", "python", "pyarrow", "pydantic"} <= set(provenance["tool"])


def test_rebuilding_the_same_commit_is_byte_identical(repo: Path) -> None:
    first, second = _build(repo, out="a"), _build(repo, out="b")
    for path in sorted(p for p in first.rglob("*") if p.is_file()):
        twin = second / path.relative_to(first)
        assert path.read_bytes() == twin.read_bytes(), path.name
    zip_a = repo / "a" / "test-news-1.0.0.zip"
    zip_b = repo / "b" / "test-news-1.0.0.zip"
    assert zip_a.read_bytes() == zip_b.read_bytes()


def test_records_from_validation_and_from_the_cache_make_the_same_release(
    repo: Path, tmp_path: Path
) -> None:
    # Cold: every record comes from the validation pass. Warm: validation is served from the
    # cache, so every record is made by the second pass.
    cold = build_release("1.0", repo / "a", options=OPTIONS, root=repo).path
    cache = RunOptions(cache_dir=tmp_path / "cache", jobs=1)
    build_release("1.0", repo / "warm-up", options=cache, root=repo)
    warm = build_release("1.0", repo / "b", options=cache, root=repo).path
    for path in sorted(p for p in cold.rglob("*") if p.is_file()):
        assert path.read_bytes() == (warm / path.relative_to(cold)).read_bytes(), path.name


def test_a_file_that_differs_from_what_validation_saw_is_refused(repo: Path) -> None:
    import pyarrow as pa

    def table(columns: dict[str, list[str]]) -> pa.Table:
        return pa.Table.from_pydict(columns, schema=pa.schema([(n, pa.string()) for n in columns]))

    inputs = [tables_module.Input("a" * 16, "raw/x.txt", 10, "0" * 64)]
    chunk = {"id": ["a" * 16], "source_path": ["raw/x.txt"], "source_sha256": ["1" * 64]}
    with pytest.raises(ReleaseError, match="changed while packaging"):
        list(tables_module.as_validated(iter([table(chunk)]), inputs))
    chunk["source_sha256"] = ["0" * 64]
    assert list(tables_module.as_validated(iter([table(chunk)]), inputs)) == [table(chunk)]
    with pytest.raises(ReleaseError, match="has no record"):
        list(tables_module.as_validated(iter([]), inputs))
    other = {"id": ["b" * 16], "source_path": ["raw/y.txt"], "source_sha256": ["0" * 64]}
    with pytest.raises(ReleaseError, match=r"raw/y\.txt is not the file validation saw"):
        list(tables_module.as_validated(iter([table(other)]), inputs))
    extra = {name: chunk[name] + other[name] for name in chunk}
    with pytest.raises(ReleaseError, match=r"raw/y\.txt is not the file validation saw"):
        list(tables_module.as_validated(iter([table(extra)]), inputs))


def test_source_date_epoch_sets_created(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    descriptor = json.loads((_build(repo) / "datapackage.json").read_text())
    assert descriptor["created"] == "2023-11-14T22:13:20Z"


def test_an_error_in_the_corpus_writes_nothing(repo: Path) -> None:
    (repo / "raw" / "site" / "bad.txt").write_text(
        article(9).replace("April 06, 2013", "April 31, 2013"), "utf-8"
    )
    with pytest.raises(ValidationFailedError) as failure:
        _build(repo)
    assert failure.value.report.errors == 1
    assert not (repo / "dist").exists() or list((repo / "dist").iterdir()) == []


def test_existing_and_older_versions_are_refused(repo: Path) -> None:
    _build(repo, "1.1")
    before = sorted(p.name for p in (repo / "dist").iterdir())
    for version in ("1.1", "1.1.0", "1.0.9", "0.5"):
        with pytest.raises(ReleaseRefusedError):
            _build(repo, version)
    assert sorted(p.name for p in (repo / "dist").iterdir()) == before
    assert _build(repo, "1.2").name == "test-news-1.2.0"


def test_a_schema_major_change_needs_a_major_version(repo: Path) -> None:
    folder = _build(repo, "1.0")
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["newsdata"]["schemaVersion"] = "0.9.0"
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(ReleaseRefusedError, match="major version bump"):
        _build(repo, "1.1")
    assert _build(repo, "2.0").name == "test-news-2.0.0"


def test_changelog_lists_added_removed_and_changed_ids(repo: Path) -> None:
    from newsdata.urls import article_id

    _build(repo, "1.0")
    (repo / "raw" / "site" / "0.txt").unlink()
    (repo / "raw" / "site" / "1.txt").write_text(article(1).replace("Jane Doe", "John Roe"))
    (repo / "raw" / "site" / "9.txt").write_text(article(9), "utf-8")
    commit(repo, "edit")
    changelog = (_build(repo, "1.1") / "CHANGELOG.md").read_text()

    def id_of(number: int) -> str:
        return article_id(f"https://www.themoscowtimes.com/2013/04/06/story-{number}")

    assert "Against 1.0.0: 1 added, 1 removed, 1 changed, 3 unchanged" in changelog
    added = changelog.split("### Added")[1].split("###")[0]
    removed = changelog.split("### Removed")[1].split("###")[0]
    changed = changelog.split("### Changed")[1]
    assert id_of(9) in added and id_of(0) in removed and id_of(1) in changed
    first = (repo / "dist" / "test-news-1.0.0" / "CHANGELOG.md").read_text()
    assert "First release: 5 articles." in first


def test_a_failure_while_writing_leaves_nothing(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build_module.ReleaseZip, "add", full_disk)
    with pytest.raises(ReleaseError, match="No space left on device"):
        _build(repo)
    assert [p.name for p in (repo / "dist").iterdir()] == [LOCK_FILE]


def test_an_interrupted_build_leaves_nothing(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module.ReleaseZip, "add", interrupt)
    with pytest.raises(KeyboardInterrupt):  # the caller's to handle (the CLI: exit 130)
        _build(repo)
    assert [p.name for p in (repo / "dist").iterdir()] == [LOCK_FILE]


def test_verify_passes_an_intact_release_folder_and_zip(repo: Path) -> None:
    folder = _build(repo)
    assert verify_release(folder).intact
    assert verify_release(folder.parent / f"{folder.name}.zip").intact


def test_verify_catches_a_flipped_byte(repo: Path) -> None:
    parquet = _build(repo) / "data" / "articles.parquet"
    data = bytearray(parquet.read_bytes())
    data[len(data) // 2] ^= 0xFF
    parquet.write_bytes(bytes(data))
    problems = verify_release(parquet.parents[1]).problems
    assert any(p.startswith("data/articles.parquet: SHA-256") for p in problems)


def test_built_croissant_passes_mlcroissant(repo: Path) -> None:
    folder = _build(repo)
    cli_path = Path(sys.executable).parent / "mlcroissant"
    done = subprocess.run(
        [str(cli_path), "validate", "--jsonld", str(folder / "croissant.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_verify_catches_a_missing_file(repo: Path) -> None:
    folder = _build(repo)
    (folder / "README.md").unlink()
    assert "README.md: missing" in verify_release(folder).problems


def test_verify_reads_a_csv_larger_than_one_read_block(tmp_path: Path) -> None:
    # Bodies hold line breaks inside quoted CSV cells: a CSV over pyarrow's 1 MB read block
    # was once split mid-cell by verify's reader and reported as broken.
    filler = "\n\n".join(
        f"Paragraph {k} of a long story, with words to fill it." for k in range(600)
    )
    texts = [article(n).replace("Original url:", f"{filler}\n\nOriginal url:") for n in range(40)]
    root = data_repo(tmp_path / "long", PYPROJECT, texts)
    folder = build_release("1.0", root / "dist", options=OPTIONS, root=root).path
    assert (folder / "data" / "articles.csv").stat().st_size > 2**20
    for target in (folder, folder.parent / f"{folder.name}.zip"):
        result = verify_release(target)
        assert result.intact, result.problems


def test_verify_catches_an_extra_row(repo: Path) -> None:
    folder = _build(repo)
    csv = folder / "data" / "articles.csv"
    lines = csv.read_bytes().split(b"\r\n")
    csv.write_bytes(csv.read_bytes() + lines[1] + b"\r\n")
    problems = verify_release(folder).problems
    assert "data/articles.csv: 6 rows, the descriptor says 5" in problems
    assert any("data/articles.csv: 6" in p or "bytes" in p for p in problems)


def test_cli_package_and_verify(repo: Path) -> None:
    runner = CliRunner()
    built = runner.invoke(cli, ["package", "--version", "1.0", "--no-cache"])
    assert built.exit_code == 0, built.output
    assert "Wrote dist/test-news-1.0.0/ and dist/test-news-1.0.0.zip: 5 articles" in built.output
    again = runner.invoke(cli, ["package", "--version", "1.0", "--no-cache"])
    assert again.exit_code == 1
    assert "already exists" in again.output
    bad = runner.invoke(cli, ["package", "--version", "one", "--no-cache"])
    assert bad.exit_code == 2
    intact = runner.invoke(cli, ["verify", "dist/test-news-1.0.0.zip"])
    assert intact.exit_code == 0 and "intact" in intact.output
    (repo / "dist" / "test-news-1.0.0" / "CHANGELOG.md").write_text("tampered")
    broken = runner.invoke(cli, ["verify", "dist/test-news-1.0.0"])
    assert broken.exit_code == 1
    assert "CHANGELOG.md: differs from provenance.json" in broken.output
    missing = runner.invoke(cli, ["verify", "dist/nothing-here"])
    assert missing.exit_code == 2


def test_cli_package_prints_findings_on_errors(repo: Path) -> None:
    (repo / "raw" / "site" / "bad.txt").write_text(
        article(9).replace("April 06, 2013", "April 31, 2013"), "utf-8"
    )
    result = CliRunner().invoke(cli, ["package", "--version", "1.0", "--no-cache"])
    assert result.exit_code == 1
    assert "ND303" in result.output
    assert "nothing written" in result.output


def test_missing_license_is_a_warning(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.newsdata.dataset]\nname = "x"\n')
    commit(repo)
    result = CliRunner().invoke(cli, ["package", "--version", "1.0", "--no-cache"])
    assert result.exit_code == 0
    assert "warning: no license in [tool.newsdata.dataset]" in result.output


@pytest.mark.parametrize("reader", ["pandas", "polars", "duckdb"])
def test_tools_read_parquet_and_csv_with_the_documented_types(repo: Path, reader: str) -> None:
    folder = _build(repo)
    parquet, csv = folder / "data" / "articles.parquet", folder / "data" / "articles.csv"
    code = READERS[reader].format(parquet=parquet, csv=csv)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


READERS = {
    "pandas": """
import json, pandas as pd, datetime as dt
p = pd.read_parquet(r"{parquet}")
c = pd.read_csv(r"{csv}", converters={{"authors": json.loads}}, parse_dates=["published"],
                keep_default_na=False)
assert list(p.columns) == list(c.columns)
assert len(p) == len(c) == 5
assert p["authors"].map(list).tolist() == c["authors"].tolist()
assert str(p["word_count"].dtype) == "int64" and str(c["word_count"].dtype) == "int64"
assert p["id"].tolist() == c["id"].tolist() == sorted(p["id"])
assert [d.isoformat() for d in p["published"]] == [d.date().isoformat() for d in c["published"]]
assert p["body"].tolist() == c["body"].tolist()
print("ok")
""",
    "polars": """
import polars as pl
p = pl.read_parquet(r"{parquet}")
c = pl.read_csv(r"{csv}", try_parse_dates=True).with_columns(
    pl.col("authors").str.json_decode(pl.List(pl.String)))
assert p.schema["authors"] == pl.List(pl.String) == c.schema["authors"]
assert p.schema["published"] == pl.Date == c.schema["published"]
assert p.schema["word_count"] == pl.Int64 == c.schema["word_count"]
assert p.equals(c)
print("ok")
""",
    "duckdb": """
import duckdb
p = duckdb.sql("SELECT * FROM read_parquet('{parquet}') ORDER BY id")
c = duckdb.sql("SELECT * EXCLUDE (authors), from_json(authors, '[\\"VARCHAR\\"]') AS authors "
               "FROM read_csv('{csv}', header=true, auto_detect=true) ORDER BY id")
types = dict(zip(p.columns, map(str, p.types)))
assert types["authors"] == "VARCHAR[]" and types["published"] == "DATE"
assert types["word_count"] == "BIGINT"
ctypes = dict(zip(c.columns, map(str, c.types)))
assert ctypes["published"] == "DATE" and ctypes["word_count"] == "BIGINT"
assert ctypes["authors"] == "VARCHAR[]"
rows_p = sorted(p.fetchall())
cols = p.columns
rows_c = sorted(duckdb.sql("SELECT " + ", ".join(cols) + " FROM c").fetchall())
assert rows_p == rows_c and len(rows_p) == 5
print("ok")
""",
}


def test_frictionless_validate_passes_on_a_built_release(repo: Path) -> None:
    folder = _build(repo)
    code, report = frictionless_validate(folder)
    assert code == 0, json.dumps(report)[-2000:]
    assert report["valid"] is True
    checked = {task["name"]: task for task in report["tasks"]}
    assert checked["articles"]["valid"] and checked["articles-csv"]["valid"]
    assert checked["articles"]["stats"]["rows"] == 5
    assert checked["inputs"]["valid"] and checked["inputs"]["stats"]["rows"] == 5


def test_frictionless_catches_a_tampered_parquet(repo: Path) -> None:
    import frictionless

    folder = _build(repo)
    parquet = folder / "data" / "articles.parquet"
    parquet.write_bytes(parquet.read_bytes()[:-1] + b"\x00")
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert not report.valid


def test_records_are_the_same_on_one_or_two_processes(repo: Path) -> None:
    from newsdata.release.records import record_chunks

    paths = [f"raw/site/{n}.txt" for n in range(5)]
    one = list(record_chunks(repo, paths, jobs=1, buckets=4, size=2))
    two = list(record_chunks(repo, paths, jobs=2, buckets=4, size=2))
    assert one == two
    assert [len(packed.sources) for packed in two] == [2, 2, 1]
    assert all(packed.buckets == 4 for packed in two)


@given(st.lists(st.text(max_size=12), max_size=4))
@settings(max_examples=300)
def test_authors_json_is_json_dumps(authors: list[str]) -> None:
    assert authors_json(authors) == json.dumps(authors, ensure_ascii=False)


_NAMES = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)


@given(
    st.lists(
        st.tuples(_NAMES, st.lists(_NAMES, max_size=3), st.dates(), st.integers(0, 2**62)),
        max_size=6,
    )
)
@settings(max_examples=100)
def test_record_buffers_match_pyarrow_conversion(
    rows: list[tuple[str, list[str], Any, int]],
) -> None:
    import pyarrow as pa

    columns = {name: [row[0] for row in rows] for name in RECORD_COLUMNS}
    columns["authors"] = [row[1] for row in rows]
    columns["published"] = [row[2] for row in rows]
    columns["word_count"] = [row[3] for row in rows]
    records = list(zip(*(columns[name] for name in RECORD_COLUMNS), strict=True))
    batch = chunk_batch(*record_buffers(records))
    batch.validate(full=True)
    expected = pa.RecordBatch.from_pydict(columns, schema=arrow_schema())
    parquet, csv = release_batches(pa.Table.from_batches([batch]))
    assert parquet.equals(expected)
    assert csv.column("authors").to_pylist() == [authors_json(a) for a in columns["authors"]]


def test_packaging_never_imports_pandas(repo: Path) -> None:
    # pyarrow imports pandas (when installed) on its first conversion of a Python list, ~0.3 s
    # of every release: the table is built from Arrow buffers instead.
    code = (
        "import sys; from pathlib import Path; from newsdata.release import build_release; "
        "from newsdata.check.pipeline import RunOptions; "
        "build_release('1.0', Path('dist'), options=RunOptions(use_cache=False, jobs=1), "
        "root=Path('.')); print('pandas' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
    assert (repo / "dist" / "test-news-1.0.0.zip").is_file()


@pytest.mark.parametrize("positional_io", [True, False], ids=["pread", "lseek"])
def test_the_spool_gives_back_every_record_in_id_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, positional_io: bool
) -> None:
    if not positional_io:  # as on Windows, which has no os.pread / os.pwrite
        monkeypatch.delattr(os, "pread", raising=False)
        monkeypatch.delattr(os, "pwrite", raising=False)
    import datetime as dt
    import random

    from newsdata.release.spool import RecordSpool

    rng = random.Random(7)
    ids = [f"{rng.getrandbits(64):016x}" for _ in range(3000)] + ["00" * 8] * 40  # one bucket
    day = dt.date(2020, 1, 1)
    rows = [
        (i, f"t{n}", [], day, "p", "u", "b", 1, f"raw/{n}.txt", "0" * 64) for n, i in enumerate(ids)
    ]
    spool = RecordSpool(tmp_path / "missing" / "deeper")  # in the nearest existing folder
    with contextlib.closing(spool):
        for start in range(0, len(rows), 300):
            spool.add(pack_records(rows[start : start + 300], 8))
        assert spool.paths == {row[8] for row in rows}
        assert spool.buckets == 8
        with pytest.raises(ValueError, match="buckets"):
            spool.add(pack_records(rows[:1], 4))  # another order: refused
        tables = list(spool.tables(1000))
    assert all(table.num_rows >= 1000 for table in tables[:-1])
    got = [
        pair
        for table in tables
        for pair in zip(
            table.column("id").to_pylist(), table.column("source_path").to_pylist(), strict=True
        )
    ]
    assert got == sorted((row[0], row[8]) for row in rows)
    assert list(tmp_path.iterdir()) == []  # the scratch file never had a name


@pytest.fixture
def big_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A corpus of more files than one batch (so two workers share it), and its release
    built on one process."""
    from newsdata.check.parallel import BATCH_SIZE

    texts = [article(n) for n in range(BATCH_SIZE + 40)]
    root = data_repo(tmp_path / "big", PYPROJECT, texts)
    monkeypatch.chdir(root)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return root, build_release("1.0", root / "a", options=OPTIONS, root=root).path


def _assert_same_files(one: Path, two: Path) -> None:
    for path in sorted(p for p in one.rglob("*") if p.is_file()):
        assert path.read_bytes() == (two / path.relative_to(one)).read_bytes(), path.name


def test_records_that_cannot_be_set_aside_are_a_release_error(tmp_path: Path) -> None:
    # A worker writing its records into a spool file (a full disk, say) fails the
    # release with a message, not a traceback; and the error crosses processes intact.
    import datetime as dt
    import pickle

    from newsdata.release.buffers import store_records

    row = ("0" * 16, "t", [], dt.date(2020, 1, 1), "p", "u", "b", 1, "raw/a.txt", "0" * 64)
    packed = pack_records([row], 1)
    (tmp_path / "read-only").write_bytes(b"")
    fd = os.open(tmp_path / "read-only", os.O_RDONLY)  # writing to it fails, as a full disk does
    try:
        with pytest.raises(ReleaseError, match="setting records aside failed") as caught:
            store_records(packed, 1, fd, 0)
    finally:
        os.close(fd)
    assert str(pickle.loads(pickle.dumps(caught.value))) == str(caught.value)


def test_records_made_by_worker_processes_make_the_same_release(
    big_repo: tuple[Path, Path],
) -> None:
    root, one = big_repo
    two = build_release("1.0", root / "b", options=RunOptions(use_cache=False, jobs=2), root=root)
    assert two.articles == len(list((root / "raw").rglob("*.txt")))
    _assert_same_files(one, two.path)


def test_records_written_by_forked_workers_make_the_same_release(
    big_repo: tuple[Path, Path],
) -> None:
    # In a fresh process (nothing has forked a thread pool yet), forked workers write their
    # records into the spool's scratch files themselves instead of sending them over.
    root, one = big_repo
    code = (
        "from pathlib import Path\n"
        "from newsdata.release import build_release\n"
        "from newsdata.release.spool import RecordSpool\n"
        "from newsdata.check.pipeline import RunOptions\n"
        "kept = []\n"
        "add = RecordSpool.add\n"
        "def spy(self, packed):\n"
        "    kept.append((len(packed.chunks), len(packed.stored)))\n"
        "    add(self, packed)\n"
        "RecordSpool.add = spy\n"
        "if __name__ == '__main__':\n"
        "    build_release('1.0', Path('b'), options=RunOptions(use_cache=False, jobs=2),"
        " root=Path('.'))\n"
        "    print(sum(c for c, _ in kept), sum(s for _, s in kept))\n"
    )
    (root / "build.py").write_text(code)
    done = subprocess.run(
        [sys.executable, "build.py"], cwd=root, capture_output=True, text=True, check=True
    )
    handed, stored = map(int, done.stdout.split())
    assert (handed, stored > 0) == (0, True)
    _assert_same_files(one, root / "b" / one.name)


def test_many_buckets_and_small_row_groups_keep_every_row_in_id_order(
    big_repo: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Records spread over many buckets (some empty), regrouped into many small row groups:
    # the same rows as the one-bucket release, in id order, in both files.
    import csv

    import newsdata.release.buffers

    root, one = big_repo
    monkeypatch.setattr(newsdata.release.buffers, "ROWS_PER_BUCKET", 8)
    monkeypatch.setattr(tables_module, "ROW_GROUP_SIZE", 50)
    two = build_release("1.0", root / "b", options=RunOptions(use_cache=False, jobs=2), root=root)
    small = pq.ParquetFile(two.path / "data" / "articles.parquet")
    assert small.metadata.num_row_groups == -(-two.articles // 50)
    rows = small.read()
    assert rows.equals(pq.read_table(one / "data" / "articles.parquet"))
    ids = rows.column("id").to_pylist()
    assert ids == sorted(ids) and len(set(ids)) == len(ids) == two.articles
    with (two.path / "data" / "articles.csv").open(newline="", encoding="utf-8") as handle:
        assert [r["id"] for r in csv.DictReader(handle)] == ids


def test_zip_entries_are_the_data_files_then_the_rest(repo: Path) -> None:
    import zipfile

    folder = _build(repo)
    with zipfile.ZipFile(repo / "dist" / f"{folder.name}.zip") as archive:
        names = [name.split("/", 1)[1] for name in archive.namelist()]
    data = sorted(n for n in names if n.startswith("data/"))
    assert names == data + sorted(n for n in names if not n.startswith("data/"))
    assert data == ["data/articles.csv", "data/articles.parquet"]


def test_a_file_name_that_is_not_utf8_is_refused(repo: Path) -> None:
    # ND110 makes validation fail; with ND110 ignored, the release still refuses the name,
    # which could not be a record's source_path.
    import os

    (repo / "raw" / "site" / os.fsdecode(b"caf\xe9.txt")).write_text(article(9), "utf-8")
    with pytest.raises(ValidationFailedError):
        _build(repo)
    settings = Settings(selection=RuleSelection(ignore=("ND110",)))
    with pytest.raises(ReleaseRefusedError, match=r"caf\\xe9\.txt: the file name is not valid"):
        build_release("1.0", repo / "dist", settings=settings, options=OPTIONS, root=repo)
    assert not (repo / "dist").exists() or list((repo / "dist").iterdir()) == []


def test_an_empty_corpus_and_an_out_that_is_a_file_are_refused(repo: Path) -> None:
    (repo / "afile").write_text("x")
    with pytest.raises(ReleaseRefusedError, match="is a file, not a folder"):
        build_release("1.0", repo / "afile", options=OPTIONS, root=repo)
    for path in (repo / "raw" / "site").iterdir():
        path.unlink()
    with pytest.raises(ReleaseRefusedError, match="holds no article files"):
        _build(repo)
    assert not (repo / "dist").exists() or list((repo / "dist").iterdir()) == []


def test_verify_reports_a_truncated_zip(repo: Path) -> None:
    _build(repo)
    archive = repo / "dist" / "test-news-1.0.0.zip"
    archive.write_bytes(archive.read_bytes()[:5000])
    result = CliRunner().invoke(cli, ["verify", str(archive)])
    assert result.exit_code == 1, result.output
    assert "not a readable zip archive (damaged or truncated)" in result.output


def test_a_symlinked_corpus_folder_keeps_its_name_in_the_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "site").mkdir(parents=True)
    for number in range(3):
        (elsewhere / "site" / f"{number}.txt").write_text(article(number), "utf-8")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "raw").symlink_to(elsewhere)
    monkeypatch.chdir(root)
    # not a git repository: released anyway, as --allow-dirty does
    release = build_release("1.0", root / "dist", options=OPTIONS, root=root, allow_dirty=True)
    listed = pq.read_table(release.path / "inputs.parquet", columns=["path"])
    assert sorted(listed.column("path").to_pylist()) == [f"raw/site/{n}.txt" for n in range(3)]
    assert verify_release(release.zip_path).intact
