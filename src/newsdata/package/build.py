"""`newsdata package`: validate, then write an immutable, reproducible, versioned release.

Everything is written in a temporary folder beside the target and renamed into place at the
end, so a failed or interrupted build (an error, a full disk, Ctrl-C) leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import json
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from newsdata.config import Settings
from newsdata.diagnostics import Report
from newsdata.discovery import encodable, printable
from newsdata.errors import ReleaseError, ReleaseRefusedError, ValidationFailedError
from newsdata.model import SCHEMA_VERSION
from newsdata.package.archive import ReleaseZip
from newsdata.package.card import card_markdown
from newsdata.package.changelog import changelog_markdown, release_fingerprints
from newsdata.package.croissant import croissant_metadata
from newsdata.package.descriptor import datapackage, file_facts
from newsdata.package.metadata import DatasetMetadata, load_metadata
from newsdata.package.provenance import GitQuery, GitState, created_at, library_versions
from newsdata.package.records import (
    PARQUET_OPTIONS,
    ROW_GROUP_SIZE,
    arrow_schema,
    csv_schema,
    csv_write_options,
    memory_pool,
    record_chunks,
    release_batches,
)
from newsdata.package.spool import RecordSpool
from newsdata.package.stats import ReleaseStats
from newsdata.package.version import Version, check_new_version, existing_releases
from newsdata.parallel import default_jobs
from newsdata.pipeline import Run, RunOptions, run, source_path
from newsdata.results import PackedRecords, record_buckets
from newsdata.root import find_root
from newsdata.schema import table_schema

__all__ = ["Release", "build_release"]

DATA_FILES = ("data/articles.parquet", "data/articles.csv")


@dataclass(frozen=True)
class Release:
    """A release written to disk."""

    path: Path
    zip_path: Path
    version: str
    articles: int
    warnings: int
    report: Report
    notes: tuple[str, ...]


class _Input(NamedTuple):
    """One raw file going into the release (tuples sort by id, then path)."""

    id: str
    path: str
    bytes: int
    sha256: str


def build_release(
    version: str,
    out: Path | None = None,
    settings: Settings | None = None,
    options: RunOptions | None = None,
    root: Path | None = None,
) -> Release:
    """Validate the corpus and write `<out>/<name>-<version>/` and its zip."""
    settings = settings or Settings()
    root = (root or find_root(Path.cwd())).resolve()
    meta = load_metadata(root)
    wanted = Version.parse(version)
    out = (out or root / "dist").resolve()
    if out.exists() and not out.is_dir():
        raise ReleaseRefusedError(f"{out} is a file, not a folder for releases: nothing written")
    existing = existing_releases(out, meta.name)
    previous = check_new_version(wanted, existing)
    if previous is not None:
        _check_schema_bump(wanted, previous, existing[previous])
    with (
        contextlib.closing(GitQuery(root, (settings.raw, "pyproject.toml"))) as git,
        contextlib.closing(RecordSpool(out)) as spool,
    ):
        # One pass: validation also makes each file's record, set aside in the spool.
        writing_libraries = _BackgroundImport("pyarrow.parquet")
        sink = _Sink(spool, writing_libraries)
        options = replace(options or RunOptions(), root=root, records=sink)
        checked = run([root / settings.raw], settings, options)
        writing_libraries.join()
        report = checked.report
        if report.errors:
            raise ValidationFailedError(
                f"the corpus has {report.errors} error(s): nothing written", report
            )
        inputs = _inputs(checked)
        if not inputs:
            raise ReleaseRefusedError(
                f"{root / settings.raw} holds no article files: a release needs at least one"
            )
        del checked  # every file's validation result: only the inputs are needed from here
        jobs = options.jobs or default_jobs()
        plan = _Plan(meta, wanted, previous, existing, inputs, report, git.result())
        return _write(root, out, plan, jobs, spool)


class _Sink:
    """The spool as validation's record sink; the writing libraries' import starts with the
    first records, when the workers exist (nothing forks while it runs)."""

    def __init__(self, spool: RecordSpool, libraries: _BackgroundImport) -> None:
        self._spool = spool
        self._libraries = libraries

    def add(self, packed: PackedRecords) -> None:
        self._libraries.start()
        self._spool.add(packed)

    def worker_files(self, count: int) -> list[tuple[int, int]]:
        return self._spool.worker_files(count)


class _BackgroundImport:
    """Import modules on a thread while the main one waits for the validation workers:
    pyarrow takes 0.3-0.5 s to import, which packaging would otherwise spend after validation.

    Started only once the workers exist, and joined before anything forks again: a process
    forked while another thread is importing could inherit a module lock nobody releases.
    """

    def __init__(self, *modules: str) -> None:
        self._thread = threading.Thread(target=self._run, args=modules, daemon=True)
        self._started = False

    @staticmethod
    def _run(*modules: str) -> None:
        for module in modules:
            with contextlib.suppress(Exception):  # the real import reports it, in the main thread
                importlib.import_module(module)

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def join(self) -> None:
        if self._started:
            self._thread.join()


def _check_schema_bump(wanted: Version, previous: Version, path: Path) -> None:
    old = _schema_version_of(path)
    if old is None:
        return
    if (
        int(old.split(".")[0]) != int(SCHEMA_VERSION.split(".")[0])
        and wanted.major <= previous.major
    ):
        raise ReleaseRefusedError(
            f"the schema's major version changed ({old} -> {SCHEMA_VERSION}) since {previous}: "
            f"the release needs a major version bump (>= {previous.major + 1}.0.0)"
        )


def _schema_version_of(release: Path) -> str | None:
    descriptor = release / "datapackage.json"
    if not descriptor.is_file():
        return None
    try:
        data = json.loads(descriptor.read_text("utf-8"))
        return str(data["newsdata"]["schemaVersion"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _inputs(checked: Run) -> list[_Input]:
    found: list[_Input] = []
    for file in checked.files:
        result = file.result
        relative = source_path(file.path, checked.root)
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
        found.append(_Input(result.article_id, relative, file.stat[0], result.sha256))
    found.sort()
    for first, second in itertools.pairwise(found):
        if first.id == second.id:
            raise ReleaseRefusedError(
                f"{first.path} and {second.path} have the same id {first.id}: a "
                "release needs unique ids (ND901)"
            )
    return found


@dataclass(frozen=True)
class _Plan:
    """What a release is made of, once validation passed."""

    meta: DatasetMetadata
    version: Version
    previous: Version | None
    existing: dict[Version, Path]
    inputs: list[_Input]
    report: Report
    git: GitState


def _write(root: Path, out: Path, plan: _Plan, jobs: int, spool: RecordSpool) -> Release:
    meta, version, inputs, report = plan.meta, plan.version, plan.inputs, plan.report
    name = f"{meta.name}-{version}"
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{name}.building-", dir=out))
    try:
        folder = scratch / name
        git = plan.git
        moment = created_at(git)
        created = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        stats = _write_tables(root, folder, inputs, jobs, spool)
        with (
            contextlib.closing(ReleaseZip(folder, scratch / f"{name}.zip", moment)) as archive,
            ThreadPoolExecutor(1 + len(DATA_FILES)) as helpers,
        ):
            # The data files go into the zip on one thread while the others hash them (the
            # metadata files need their SHA-256) and this one writes the metadata files; those
            # follow the data files into the zip. Copying, CRC and SHA-256 all run without the
            # GIL.
            zipping = helpers.submit(archive.add, sorted(DATA_FILES))
            list(helpers.map(file_facts, [folder / name for name in DATA_FILES]))
            _write_metadata(folder, plan, git, stats, created)
            zipping.result()
            archive.add(archive.remaining(DATA_FILES))
        target, archive_path = out / name, out / f"{name}.zip"
        _move_into_place(folder, target, scratch / f"{name}.zip", archive_path)
    except KeyboardInterrupt:
        raise ReleaseError("interrupted: nothing was written") from None
    except OSError as error:
        raise ReleaseError(f"writing the release failed ({error}): nothing was written") from error
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Release(
        target, archive_path, str(version), stats.articles, report.warnings, report, meta.warnings
    )


def _write_metadata(folder: Path, plan: _Plan, git: Any, stats: ReleaseStats, created: str) -> None:
    """CHANGELOG.md, the card, croissant.json, provenance.json and datapackage.json."""
    meta, version, previous, inputs, report = (
        plan.meta,
        plan.version,
        plan.previous,
        plan.inputs,
        plan.report,
    )
    old = release_fingerprints(plan.existing[previous] / DATA_FILES[0]) if previous else {}
    new = {i.id: i.sha256 for i in inputs}
    _write_text(
        folder / "CHANGELOG.md",
        changelog_markdown(str(version), str(previous) if previous else None, old, new, created),
    )
    schema = table_schema()
    _write_text(
        folder / "README.md",
        card_markdown(
            meta, str(version), stats, schema["fields"], created, git.commit, report.warnings
        ),
    )
    _write_json(folder / "croissant.json", croissant_metadata(meta, str(version), created, folder))
    _write_json(
        folder / "provenance.json",
        _provenance(folder, version, created, git, inputs, stats, report),
    )
    _write_json(
        folder / "datapackage.json",
        datapackage(
            folder,
            meta,
            str(version),
            created,
            schema,
            {
                "newsdata": {
                    "schemaVersion": SCHEMA_VERSION,
                    "warnings": report.warnings,
                    "articles": stats.articles,
                    "commit": git.commit,
                }
            },
        ),
    )


def _move_into_place(folder: Path, target: Path, built_zip: Path, archive: Path) -> None:
    if target.exists() or archive.exists():
        raise ReleaseRefusedError(f"{target} appeared while building: nothing was written")
    folder.rename(target)
    try:
        built_zip.rename(archive)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise


def _write_tables(
    root: Path, folder: Path, inputs: Sequence[_Input], jobs: int, spool: RecordSpool
) -> ReleaseStats:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    (folder / "data").mkdir(parents=True)
    stats = ReleaseStats()
    # Files whose validation came from the cache were not read in this run: their records
    # are made now (in parallel, small chunks for balance) and join the others in the spool.
    missing = [i.path for i in inputs if i.path not in spool.paths]
    buckets = spool.buckets or record_buckets(len(inputs))
    for packed in record_chunks(root, missing, jobs, buckets, ROW_GROUP_SIZE // 4):
        spool.add(packed)
    with (
        pq.ParquetWriter(
            folder / DATA_FILES[0], arrow_schema(), memory_pool=memory_pool(), **PARQUET_OPTIONS
        ) as parquet,
        pacsv.CSVWriter(
            folder / DATA_FILES[1],
            csv_schema(),
            write_options=csv_write_options(),
            memory_pool=memory_pool(),
        ) as table,
        ThreadPoolExecutor(2, thread_name_prefix="newsdata-write") as writers,
    ):
        # pyarrow encodes, compresses and writes without the GIL: the Parquet and the CSV
        # writer each take a thread, while this one prepares the next row group. Rows are
        # regrouped into fixed-size row groups: the files depend on nothing but the rows.
        writing: list[Future[None]] = []
        for rows in _as_validated(_regrouped(spool.tables(ROW_GROUP_SIZE)), inputs):
            stats.add_columns(
                {name: rows.column(name).to_pylist() for name in ReleaseStats.COLUMNS}
            )
            batch, text = release_batches(rows)
            for done in writing:
                done.result()  # in order, one row group at a time per file; errors surface
            writing = [
                writers.submit(parquet.write_batch, batch, row_group_size=ROW_GROUP_SIZE),
                writers.submit(table.write_batch, text),
            ]
        for done in writing:
            done.result()
    return stats


_KEYS = ("id", "source_path", "source_sha256")


def _as_validated(tables: Iterator[Any], inputs: Sequence[_Input]) -> Iterator[Any]:
    """The row tables, checked against what validation saw: same files, same order, same
    bytes (a file edited while packaging is refused, not published half-checked)."""
    done = 0
    for rows in tables:
        found = list(zip(*(rows.column(name).to_pylist() for name in _KEYS), strict=True))
        wanted = [(i.id, i.path, i.sha256) for i in inputs[done : done + len(found)]]
        done += len(found)
        if found != wanted:  # whole tables compared at once; a row is looked for only now
            pairs = enumerate(zip(found, wanted, strict=False))
            row = next((n for n, (got, want) in pairs if got != want), len(wanted))
            if row < len(wanted) and found[row][:2] == wanted[row][:2]:
                raise ReleaseError(f"{found[row][1]} changed while packaging: nothing written")
            bad = found[row][1]  # the first row that differs, or one more than validation saw
            raise ReleaseError(f"{bad} is not the file validation saw there: nothing written")
        yield rows
    if done < len(inputs):
        raise ReleaseError(f"{inputs[done].path} has no record: nothing written")


def _regrouped(tables: Iterator[Any]) -> Iterator[Any]:
    """Tables of any sizes, re-cut into tables of exactly ROW_GROUP_SIZE rows (the last
    excepted)."""
    import pyarrow as pa

    pending = None
    for table in tables:
        pending = (
            table
            if pending is None
            else pa.concat_tables([pending, table], memory_pool=memory_pool())
        )
        while pending.num_rows >= ROW_GROUP_SIZE:
            yield pending.slice(0, ROW_GROUP_SIZE)
            pending = pending.slice(ROW_GROUP_SIZE)
    if pending is not None and pending.num_rows:
        yield pending


def _provenance(
    folder: Path,
    version: Version,
    created: str,
    git: Any,
    inputs: Sequence[_Input],
    stats: ReleaseStats,
    report: Report,
) -> dict[str, Any]:
    outputs = []
    for relative in (*DATA_FILES, "README.md", "CHANGELOG.md", "croissant.json"):
        size, digest = file_facts(folder / relative)
        outputs.append({"path": relative, "bytes": size, "sha256": digest})
    return {
        "tool": {"name": "newsdata", **library_versions()},
        "schemaVersion": SCHEMA_VERSION,
        "version": str(version),
        "created": created,
        "git": {"commit": git.commit, "dirty": git.dirty},
        "invocation": ["newsdata", "package", "--version", str(version)],
        "counts": {"files": len(inputs), "articles": stats.articles, "warnings": report.warnings},
        "inputs": [
            {"path": i.path, "bytes": i.bytes, "sha256": i.sha256, "id": i.id} for i in inputs
        ],
        "outputs": outputs,
    }


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


_JSON_LINE = json.JSONEncoder(ensure_ascii=False)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Indented JSON, with long lists of objects written one object per line.

    Python's json module falls back to a slow pure-Python encoder when indenting; the inputs of a
    large corpus are instead encoded one compact line each, by the fast C encoder.
    """
    lines = ["{"]
    items = list(data.items())
    encode = _JSON_LINE.encode  # one encoder: json.dumps(..., ensure_ascii=False) makes one a call
    for position, (key, value) in enumerate(items):
        comma = "," if position < len(items) - 1 else ""
        if isinstance(value, list) and len(value) > 20 and all(isinstance(v, dict) for v in value):
            body = ",\n".join("    " + encode(v) for v in value)
            lines.append(f"  {json.dumps(key)}: [\n{body}\n  ]{comma}")
        else:
            text = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
            lines.append(f"  {json.dumps(key)}: {text}{comma}")
    lines.append("}")
    _write_text(path, "\n".join(lines) + "\n")
