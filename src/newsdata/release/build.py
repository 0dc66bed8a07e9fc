"""`newsdata package`: validate, then write an immutable, reproducible, versioned release.

Everything (the folder, and its zip unless `zip=False`) is written in a temporary folder
beside the target and renamed into place at the end, so a failed or interrupted build (an
error, a full disk, Ctrl-C) leaves nothing behind (and the folder of a build killed outright
is removed by the next one: see scratch.py).
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from newsdata.check.parallel import default_jobs
from newsdata.check.pipeline import RunOptions, run
from newsdata.config import Settings
from newsdata.diagnostics import Report
from newsdata.errors import (
    ReleaseError,
    ReleaseRefusedError,
    UnrecordableFileError,
    ValidationFailedError,
)
from newsdata.model import SCHEMA_VERSION
from newsdata.release.archive import ReleaseZip
from newsdata.release.card import card_markdown
from newsdata.release.changelog import changelog_markdown
from newsdata.release.croissant import croissant_metadata
from newsdata.release.descriptor import datapackage
from newsdata.release.history import (
    History,
    check_history,
    choose_previous,
    read_previous,
    release_lock,
)
from newsdata.release.inputs import corpus_location, inputs_of, object_source
from newsdata.release.manifest import (
    CARD,
    CHANGELOG,
    CROISSANT,
    CSV,
    DATAPACKAGE,
    PARQUET,
    PROVENANCE,
    zip_order,
)
from newsdata.release.metadata import DatasetMetadata, load_metadata
from newsdata.release.provenance import (
    GitQuery,
    GitState,
    ObjectSource,
    Origin,
    created_at,
    plugin_versions,
    provenance_json,
    release_inputs,
    require_committed,
)
from newsdata.release.scratch import make_scratch, remove_abandoned, scratch_path
from newsdata.release.spool import RecordSpool
from newsdata.release.stats import ReleaseStats
from newsdata.release.tables import Input, write_inputs, write_tables
from newsdata.release.unrecordable import unrecordable_reason
from newsdata.release.version import Version
from newsdata.report.text import plural
from newsdata.root import find_root
from newsdata.schema import table_schema
from newsdata.storage import is_url

__all__ = ["Release", "build_release"]


@dataclass(frozen=True)
class Release:
    """A release written to disk."""

    path: Path
    zip_path: Path | None  # None: built with zip=False
    version: str
    articles: int
    warnings: int
    report: Report
    notes: tuple[str, ...]
    previous: Path | None = None  # the release the CHANGELOG compares with


def build_release(
    version: str,
    out: Path | None = None,
    settings: Settings | None = None,
    options: RunOptions | None = None,
    root: Path | None = None,
    *,
    previous: Path | None = None,
    allow_dirty: bool = False,
    on_wait: Callable[[Path], None] | None = None,
    zip: bool = True,
    source: ObjectSource | None = None,
) -> Release:
    """Validate the corpus and write `<out>/<name>-<version>/` and (unless not `zip`) its zip.

    `previous` names the release this one follows (default: the newest in `out`); a release
    whose inputs are not committed is refused unless `allow_dirty`; `on_wait` is told when
    another release into `out` must finish first. `source` is the object store the corpus
    was listed from: provenance then names it, and each input's ETag and version, instead of
    a git commit (and git is not asked whether the corpus is committed).
    """
    settings = settings or Settings()
    root = (root or find_root(Path.cwd())).resolve()
    meta = load_metadata(root)
    wanted = Version.parse(version)
    out = (out or root / "dist").resolve()
    if out.exists() and not out.is_dir():
        raise ReleaseRefusedError(f"{out} is a file, not a folder for releases: nothing written")
    named = read_previous(previous, meta.name) if previous is not None else None
    check_history(wanted, choose_previous(wanted, out, meta.name, named))  # fail fast
    with (
        contextlib.closing(GitQuery(root, release_inputs(root, settings))) as git,
        contextlib.closing(RecordSpool(out)) as spool,
    ):
        # One pass: validation also makes each file's record, set aside in the spool.
        options = replace(options or RunOptions(), root=root, on_checked=spool)
        corpus = corpus_location(root, settings)
        if is_url(corpus):  # each object fetched once, its record made from those bytes
            options = replace(options, use_cache=False)
        checked = run([corpus], settings, options)
        report = checked.report
        if report.errors:
            raise ValidationFailedError(
                f"the corpus has {plural(report.errors, 'error')}: nothing written", report
            )
        if source is None and is_url(corpus):
            source = object_source(str(corpus), checked.files)
        inputs = inputs_of(checked.files, source)
        if not inputs:
            raise ReleaseRefusedError(
                f"{corpus} holds no article files: a release needs at least one"
            )
        del checked  # every file's validation result: only the inputs are needed from here
        state = git.result() if source is None else GitState(None, None, None)
        if not allow_dirty and source is None:
            require_committed(state, root)
        jobs = options.jobs or default_jobs()
        # The previous release is chosen again under the lock: another release may have
        # been written into `out` meanwhile, and this one must follow it.
        with release_lock(out, on_wait):
            history = choose_previous(wanted, out, meta.name, named)
            check_history(wanted, history)
            origin = Origin(state, source, plugin_versions(settings))
            plan = _Plan(meta, wanted, history, inputs, report, origin)
            try:
                return _write(root, out, plan, jobs, spool, zip=zip)
            except UnrecordableFileError as error:
                validated = next(i.sha256 for i in inputs if i.path == error.path)
                reason = unrecordable_reason(root, error.path, settings, validated)
                raise ReleaseRefusedError(reason) from error


@dataclass(frozen=True)
class _Plan:
    """What a release is made of, once validation passed."""

    meta: DatasetMetadata
    version: Version
    history: History
    inputs: list[Input]
    report: Report
    origin: Origin  # the commit or object store, and the plugins


def _write(
    root: Path, out: Path, plan: _Plan, jobs: int, spool: RecordSpool, *, zip: bool
) -> Release:
    meta, version, report = plan.meta, plan.version, plan.report
    name = f"{meta.name}-{version}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        remove_abandoned(out)
    except OSError as error:
        raise ReleaseError(
            f"cannot make a folder in {out} ({error.strerror or error}): nothing was written"
        ) from error
    scratch = scratch_path(out, name)
    built_zip = scratch / f"{name}.zip" if zip else None
    try:
        make_scratch(scratch)
        folder = scratch / name
        moment = created_at(plan.origin.git)
        created = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        with (
            (
                ReleaseZip(folder, built_zip, moment) if built_zip else contextlib.nullcontext()
            ) as archive,
            ThreadPoolExecutor(2) as helpers,
        ):
            stats = _write_files(root, folder, plan, (jobs, spool), archive, helpers, created)
        target = out / name
        archive_path = out / f"{name}.zip" if built_zip else None
        _move_into_place(folder, target, built_zip, archive_path)
    except OSError as error:
        raise ReleaseError(f"writing the release failed ({error}): nothing was written") from error
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    history = plan.history
    return Release(
        target,
        archive_path,
        str(version),
        stats.articles,
        report.warnings,
        report,
        (*meta.warnings, *([history.note] if history.note else [])),
        history.previous.path if history.previous else None,
    )


def _write_files(
    root: Path,
    folder: Path,
    plan: _Plan,
    records: tuple[int, RecordSpool],
    archive: ReleaseZip | None,
    helpers: ThreadPoolExecutor,
    created: str,
) -> ReleaseStats:
    """Every file of the release into `folder`, and into `archive` (when zipped) in zip order.

    The zip holds the data files first (the CSV, then the articles' Parquet file), then the
    rest, in the manifest's zip order. Copying and CRC run without the GIL, so each data file
    is zipped on a helper thread as soon as it is complete (the CSV while the Parquet file is
    still being written), while this thread writes the text files. The inputs' Parquet file
    is written first, on this thread: a helper thread that a Ctrl-C caught starting would be
    left out of the pool's shutdown and could write into the folder after its removal.
    """
    jobs, spool = records
    write_inputs(folder, plan.inputs)
    zipped: list[Future[None]] = []

    def zip_later(name: str) -> None:
        if archive is not None:
            zipped.append(helpers.submit(archive.add, [name]))

    def csv_written(stats: ReleaseStats) -> None:
        zip_later(CSV.name)
        _write_notes(folder, plan, stats, created)

    stats = write_tables(root, folder, plan.inputs, jobs, spool, csv_written)
    for pending in zipped:
        pending.result()
    zip_later(PARQUET.name)
    _write_descriptors(folder, plan, stats, created)
    for pending in zipped:
        pending.result()
    if archive is not None:
        archive.add([f.name for f in zip_order() if f not in (CSV, PARQUET)])
    return stats


def _write_notes(folder: Path, plan: _Plan, stats: ReleaseStats, created: str) -> None:
    """The changelog and the card: they need no SHA-256 of the data files."""
    version, previous, report = plan.version, plan.history.previous, plan.report
    old = previous.fingerprints() if previous else {}
    new = {i.id: i.sha256 for i in plan.inputs}
    _write_text(
        folder / CHANGELOG.name,
        changelog_markdown(
            str(version), str(previous.version) if previous else None, old, new, created
        ),
    )
    fields = table_schema()["fields"]
    _write_text(
        folder / CARD.name,
        card_markdown(
            plan.meta, str(version), stats, fields, created, plan.origin, report.warnings
        ),
    )


def _write_descriptors(folder: Path, plan: _Plan, stats: ReleaseStats, created: str) -> None:
    """Croissant, provenance and the descriptor (all name the files' SHA-256)."""
    meta, version, report = plan.meta, str(plan.version), plan.report
    counts = {"files": len(plan.inputs), "articles": stats.articles, "warnings": report.warnings}
    _write_json(folder / CROISSANT.name, croissant_metadata(meta, version, created, folder))
    _write_json(
        folder / PROVENANCE.name, provenance_json(folder, version, created, plan.origin, counts)
    )
    _write_json(
        folder / DATAPACKAGE.name,
        datapackage(
            folder,
            meta,
            version,
            created,
            table_schema(),
            {
                "newsdata": {
                    "schemaVersion": SCHEMA_VERSION,
                    "warnings": report.warnings,
                    "articles": stats.articles,
                    "commit": plan.origin.git.commit,
                }
            },
        ),
    )


def _move_into_place(
    folder: Path, target: Path, built_zip: Path | None, archive: Path | None
) -> None:
    if target.exists() or (archive is not None and archive.exists()):
        raise ReleaseRefusedError(f"{target} appeared while building: nothing was written")
    folder.rename(target)
    if built_zip is None or archive is None:
        return
    try:
        built_zip.rename(archive)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


#: Lists of more objects than this are written one object per line.
_ONE_LINE_OBJECTS_ABOVE = 20


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Indented JSON, with long lists of objects written one object per line.

    This layout is part of the release format (a release is byte-identical for the same
    corpus): a long list (of plugins, say) diffs line by line between two releases; short
    lists stay indented as usual.
    """
    lines = ["{"]
    items = list(data.items())
    for position, (key, value) in enumerate(items):
        comma = "," if position < len(items) - 1 else ""
        if (
            isinstance(value, list)
            and len(value) > _ONE_LINE_OBJECTS_ABOVE
            and all(isinstance(v, dict) for v in value)
        ):
            body = ",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value)
            lines.append(f"  {json.dumps(key)}: [\n{body}\n  ]{comma}")
        else:
            text = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
            lines.append(f"  {json.dumps(key)}: {text}{comma}")
    lines.append("}")
    _write_text(path, "\n".join(lines) + "\n")
