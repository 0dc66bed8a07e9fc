"""`newsdata package`: validate, then write an immutable, reproducible, versioned release.

Everything is written in a temporary folder beside the target and renamed into place at the
end, so a failed or interrupted build (an error, a full disk, Ctrl-C) leaves nothing behind
(and the folder of a build killed outright is removed by the next one: see scratch.py).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from newsdata.check.discovery import encodable, printable
from newsdata.check.parallel import default_jobs
from newsdata.check.pipeline import Run, RunOptions, run
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
from newsdata.release.descriptor import datapackage, file_facts
from newsdata.release.history import History, choose_previous, read_previous, release_lock
from newsdata.release.manifest import (
    CARD,
    CHANGELOG,
    CROISSANT,
    CSV,
    DATAPACKAGE,
    PARQUET,
    PROVENANCE,
    hashed,
    zip_order,
)
from newsdata.release.metadata import DatasetMetadata, load_metadata
from newsdata.release.provenance import (
    GitQuery,
    GitState,
    created_at,
    library_versions,
    plugin_versions,
    release_inputs,
    require_committed,
)
from newsdata.release.scratch import make_scratch, remove_abandoned, scratch_path
from newsdata.release.spool import RecordSpool
from newsdata.release.stats import ReleaseStats
from newsdata.release.tables import Input, write_tables
from newsdata.release.unrecordable import unrecordable_reason
from newsdata.release.version import Version
from newsdata.report.text import plural
from newsdata.root import find_root
from newsdata.schema import table_schema

__all__ = ["Release", "build_release"]


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
) -> Release:
    """Validate the corpus and write `<out>/<name>-<version>/` and its zip.

    `previous` names the release this one follows (default: the newest in `out`); a release
    whose inputs are not committed is refused unless `allow_dirty`; `on_wait` is told when
    another release into `out` must finish first.
    """
    settings = settings or Settings()
    root = (root or find_root(Path.cwd())).resolve()
    meta = load_metadata(root)
    wanted = Version.parse(version)
    out = (out or root / "dist").resolve()
    if out.exists() and not out.is_dir():
        raise ReleaseRefusedError(f"{out} is a file, not a folder for releases: nothing written")
    named = read_previous(previous, meta.name) if previous is not None else None
    _check_history(wanted, choose_previous(wanted, out, meta.name, named))  # fail fast
    with (
        contextlib.closing(GitQuery(root, release_inputs(root, settings))) as git,
        contextlib.closing(RecordSpool(out)) as spool,
    ):
        # One pass: validation also makes each file's record, set aside in the spool.
        options = replace(options or RunOptions(), root=root, on_checked=spool)
        checked = run([root / settings.raw], settings, options)
        report = checked.report
        if report.errors:
            raise ValidationFailedError(
                f"the corpus has {plural(report.errors, 'error')}: nothing written", report
            )
        inputs = _inputs(checked)
        if not inputs:
            raise ReleaseRefusedError(
                f"{root / settings.raw} holds no article files: a release needs at least one"
            )
        del checked  # every file's validation result: only the inputs are needed from here
        state = git.result()
        if not allow_dirty:
            require_committed(state, root)
        jobs = options.jobs or default_jobs()
        # The previous release is chosen again under the lock: another release may have
        # been written into `out` meanwhile, and this one must follow it.
        with release_lock(out, on_wait):
            history = choose_previous(wanted, out, meta.name, named)
            _check_history(wanted, history)
            plan = _Plan(meta, wanted, history, inputs, report, state, plugin_versions(settings))
            try:
                return _write(root, out, plan, jobs, spool)
            except UnrecordableFileError as error:
                validated = next(i.sha256 for i in inputs if i.path == error.path)
                reason = unrecordable_reason(root, error.path, settings, validated)
                raise ReleaseRefusedError(reason) from error


def _check_history(wanted: Version, history: History) -> None:
    if history.previous is not None and history.previous.schema_version is not None:
        _check_schema_bump(wanted, history.previous.version, history.previous.schema_version)


def _check_schema_bump(wanted: Version, previous: Version, old: str) -> None:
    if (
        int(old.split(".")[0]) != int(SCHEMA_VERSION.split(".")[0])
        and wanted.major <= previous.major
    ):
        raise ReleaseRefusedError(
            f"the schema's major version changed ({old} -> {SCHEMA_VERSION}) since {previous}: "
            f"the release needs a major version bump (>= {previous.major + 1}.0.0)"
        )


def _inputs(checked: Run) -> list[Input]:
    found: list[Input] = []
    for file in checked.files:
        result = file.result
        relative = file.path.source
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
        found.append(Input(result.article_id, relative, file.stat[0], result.sha256))
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
    history: History
    inputs: list[Input]
    report: Report
    git: GitState
    #: The plugins whose rules checked the corpus (provenance.json names them).
    plugins: tuple[dict[str, str], ...] = ()


def _write(root: Path, out: Path, plan: _Plan, jobs: int, spool: RecordSpool) -> Release:
    meta, version, inputs, report = plan.meta, plan.version, plan.inputs, plan.report
    name = f"{meta.name}-{version}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        remove_abandoned(out)
    except OSError as error:
        raise ReleaseError(
            f"cannot make a folder in {out} ({error.strerror or error}): nothing was written"
        ) from error
    scratch = scratch_path(out, name)
    try:
        make_scratch(scratch)
        folder = scratch / name
        git = plan.git
        moment = created_at(git)
        created = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        with (
            ReleaseZip(folder, scratch / f"{name}.zip", moment) as archive,
            ThreadPoolExecutor(2) as helpers,
        ):
            # The zip holds the data files first (the CSV, then the Parquet file), then the
            # rest, in the manifest's zip order. Copying and CRC run without the GIL, so each
            # file is zipped on a helper thread as soon as it is complete (the CSV while the
            # Parquet file is still being written), while this thread writes the text files.
            zipped: list[Future[None]] = []

            def csv_written(stats: ReleaseStats) -> None:
                zipped.append(helpers.submit(archive.add, [CSV.name]))
                _write_notes(folder, plan, stats, created)

            stats = write_tables(root, folder, inputs, jobs, spool, csv_written)
            zipped[0].result()
            zipped.append(helpers.submit(archive.add, [PARQUET.name]))
            _write_descriptors(folder, plan, stats, created)
            zipped[1].result()
            archive.add([f.name for f in zip_order() if f not in (CSV, PARQUET)])
        target, archive_path = out / name, out / f"{name}.zip"
        _move_into_place(folder, target, scratch / f"{name}.zip", archive_path)
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
            plan.meta, str(version), stats, fields, created, plan.git.commit, report.warnings
        ),
    )


def _write_descriptors(folder: Path, plan: _Plan, stats: ReleaseStats, created: str) -> None:
    """Croissant, provenance and the descriptor (all name the files' SHA-256)."""
    meta, version, git, report = plan.meta, plan.version, plan.git, plan.report
    _write_json(folder / CROISSANT.name, croissant_metadata(meta, str(version), created, folder))
    _write_json(
        folder / PROVENANCE.name,
        _provenance(folder, version, created, git, plan.inputs, stats, report, plan.plugins),
    )
    _write_json(
        folder / DATAPACKAGE.name,
        datapackage(
            folder,
            meta,
            str(version),
            created,
            table_schema(),
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


def _provenance(
    folder: Path,
    version: Version,
    created: str,
    git: Any,
    inputs: Sequence[Input],
    stats: ReleaseStats,
    report: Report,
    plugins: Sequence[dict[str, str]] = (),
) -> dict[str, Any]:
    outputs = []
    for file in hashed():
        size, digest = file_facts(folder / file.name)
        outputs.append({"path": file.name, "bytes": size, "sha256": digest})
    return {
        "tool": {"name": "newsdata", **library_versions()},
        # Only when plugins checked the corpus: a release without stays byte-identical.
        **({"plugins": list(plugins)} if plugins else {}),
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


#: Lists of more objects than this are written one object per line.
_ONE_LINE_OBJECTS_ABOVE = 20


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Indented JSON, with long lists of objects written one object per line.

    This layout is part of the release format (a release is byte-identical for the same
    corpus): provenance.json lists every input, one line each, so two releases' inputs diff
    line by line; short lists stay indented as usual.
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
