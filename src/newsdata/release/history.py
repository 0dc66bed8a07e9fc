"""Release history: which earlier release a new one follows, and one release at a time per folder.

The previous release decides the CHANGELOG and the version-order check, so it is never left to
luck: it is the release named by the user (`--previous PATH`), else the newest one in the output
folder, and a release with none says so. Releases into one folder are serialised by a lock held
from choosing the previous release until the new one is renamed into place, so two concurrent
runs cannot both believe they are the first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from newsdata.errors import ReleaseError, ReleaseRefusedError, UsageError
from newsdata.model import SCHEMA_VERSION
from newsdata.release.manifest import DATAPACKAGE, PARQUET
from newsdata.release.verify import ReleaseFiles
from newsdata.release.version import Version, check_new_version, existing_releases

__all__ = [
    "LOCK_FILE",
    "History",
    "PreviousRelease",
    "check_history",
    "read_previous",
    "release_lock",
]

LOCK_FILE = ".newsdata.lock"


@dataclass(frozen=True)
class PreviousRelease:
    """An earlier release: where it is, its version and its record schema's version."""

    path: Path
    version: Version
    schema_version: str | None

    def fingerprints(self) -> dict[str, str]:
        """id -> source_sha256 of every record (from its folder or straight out of its zip)."""
        import pyarrow.parquet as pq

        files = ReleaseFiles(self.path)
        try:
            with files.open(PARQUET.name) as handle:
                table = pq.read_table(handle, columns=["id", "source_sha256"])
        finally:
            files.close()
        ids, digests = table.column("id").to_pylist(), table.column("source_sha256").to_pylist()
        return dict(zip(ids, digests, strict=True))


@dataclass(frozen=True)
class History:
    """The release a new one follows (None: the first), and what to tell the user about it."""

    previous: PreviousRelease | None
    note: str | None


def read_previous(path: Path, name: str) -> PreviousRelease:
    """The release at `path` (folder, zip or datapackage.json); UsageError if it is not one."""
    try:
        files = ReleaseFiles(path)
    except ReleaseError as error:
        raise UsageError(f"the previous release {path}: {error}") from None
    try:
        if not {DATAPACKAGE.name, PARQUET.name} <= files.names():
            raise UsageError(f"the previous release {path} is not a newsdata release")
        descriptor = files.read_json(DATAPACKAGE.name)
    except (OSError, ValueError, ReleaseError) as error:
        raise UsageError(f"the previous release {path} cannot be read ({error})") from None
    finally:
        files.close()
    if not isinstance(descriptor, dict):
        raise UsageError(f"the previous release {path} has no valid {DATAPACKAGE.name}")
    if descriptor.get("name") != name:
        raise UsageError(
            f"the previous release {path} is of dataset {descriptor.get('name')!r}, not {name!r}"
        )
    version = Version.parse(str(descriptor.get("version", "")))
    extra = descriptor.get("newsdata")
    schema = extra.get("schemaVersion") if isinstance(extra, dict) else None
    return PreviousRelease(path, version, str(schema) if schema is not None else None)


def choose_previous(
    wanted: Version, out: Path, name: str, named: PreviousRelease | None
) -> History:
    """The release `wanted` follows, after refusing a version that exists or is not newer.

    A named previous release is the only one `wanted` must beat (a 1.x maintenance release may
    follow 1.4 while 2.0 sits in the same folder); the same version in `out` is still refused.
    """
    existing = existing_releases(out, name)
    if named is not None:
        if wanted in existing:
            raise ReleaseRefusedError(f"version {wanted} already exists: {existing[wanted]}")
        check_new_version(wanted, {named.version: named.path})
        return History(named, None)
    newest = check_new_version(wanted, existing)
    if newest is None:
        return History(
            None,
            f"no previous release in {_shown(out)} (pass --previous PATH to name one): "
            "CHANGELOG.md says First release, version order not checked",
        )
    try:
        return History(read_previous(existing[newest], name), None)
    except UsageError as error:
        raise ReleaseRefusedError(f"{error}: move it away or name one with --previous") from None


def check_history(wanted: Version, history: History) -> None:
    """Refuse `wanted` when the record schema's major version changed since the previous
    release but the release's major version did not."""
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


@contextmanager
def release_lock(out: Path, on_wait: Callable[[Path], None] | None = None) -> Iterator[None]:
    """Hold `out/.newsdata.lock`: one release at a time into a folder, across processes.

    The lock is an OS file lock (flock), so a killed holder releases it; the file stays.
    `on_wait` is told when another release holds it, before this one waits.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(out / LOCK_FILE)
    try:
        out.mkdir(parents=True, exist_ok=True)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait is not None:
                on_wait(out / LOCK_FILE)
            lock.acquire()
    except OSError as error:
        raise ReleaseError(
            f"cannot make a folder in {out} ({error.strerror or error}): nothing was written"
        ) from error
    try:
        yield
    finally:
        lock.release()


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to here when inside it."""
    relative = os.path.relpath(path)
    return path.as_posix() + "/" if relative.startswith("..") else relative + "/"
