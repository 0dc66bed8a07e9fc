"""`newsdata package --out URL`: a release built here, then uploaded to object storage.

Object stores have no rename and no lock, so the release is built whole in a local staging
folder (as any release: checked, then moved into place), and only then uploaded, file by file
in the manifest's order with `datapackage.json` last: a reader that finds the descriptor finds
every file it lists. The releases already at the URL decide the version order as a local
folder's would (the newest is fetched to be the CHANGELOG's previous release, unless
`--previous` names one), and an existing version is refused twice: before the build and
again just before the upload.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from newsdata.errors import ReleaseError, ReleaseRefusedError, UsageError
from newsdata.release.manifest import DATAPACKAGE
from newsdata.release.version import Version, check_new_version
from newsdata.storage import is_url
from newsdata.storage.filesystems import filesystem, storage_errors

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

    from newsdata.check.pipeline import RunOptions
    from newsdata.config import Settings
    from newsdata.release.build import Release

__all__ = ["Published", "package_release", "publish"]


class Published(NamedTuple):
    """A release written, and where its folder and zip are (local paths, or URLs)."""

    release: Release
    folder: str
    zip: str | None
    #: The release CHANGELOG.md compares with (a path, or the URL it was fetched from).
    previous: str | None


def package_release(
    version: str,
    out: str | os.PathLike[str] | None,
    settings: Settings,
    options: RunOptions,
    *,
    previous: Path | None = None,
    allow_dirty: bool = False,
    on_wait: Callable[[Path], None] | None = None,
    zip: bool = True,
) -> Published:
    """`newsdata package`: build_release into a local folder, or into object storage when
    `out` is a URL (built in a staging folder, then uploaded: see `publish`)."""
    from newsdata.release.build import build_release
    from newsdata.release.metadata import load_metadata
    from newsdata.root import find_root

    def build(folder: Path | None, after: Path | None) -> Release:
        return build_release(
            version,
            folder,
            settings,
            options,
            previous=after,
            allow_dirty=allow_dirty,
            on_wait=on_wait,
            zip=zip,
        )

    if out is None or not is_url(out):
        release = build(Path(out) if out is not None else None, previous)
        shown = str(release.zip_path) if release.zip_path else None
        before = str(release.previous) if release.previous else None
        return Published(release, str(release.path), shown, before)
    url = os.fspath(out).rstrip("/")
    name = load_metadata(find_root(Path.cwd())).name
    release = publish(url, name, version, build, previous)
    zipped = f"{url}/{release.zip_path.name}" if release.zip_path else None
    compared: str | None = None
    if release.previous is not None:  # the newest at the URL (fetched), or the one named
        named = previous is not None
        compared = str(release.previous) if named else f"{url}/{release.previous.name}"
    return Published(release, f"{url}/{release.path.name}", zipped, compared)


def publish(
    url: str,
    name: str,
    version: str,
    build: Callable[[Path, Path | None], Release],
    previous: Path | None = None,
) -> Release:
    """Build with `build(staging_out, previous)` and upload the release to `url`; the
    Release returned names the uploaded folder and zip by their URLs' paths."""
    fs, base = filesystem(url)
    base = base.rstrip("/")
    wanted = Version.parse(version)
    staging = Path(tempfile.mkdtemp(prefix="newsdata-publish-"))
    try:
        existing = _remote_releases(fs, base, name)
        if previous is None:
            newest = check_new_version(wanted, existing)  # refused early: nothing built
            if newest is not None:
                previous = _fetch(fs, existing[newest], staging / "previous")
        elif wanted in existing:
            raise ReleaseRefusedError(f"version {wanted} already exists: {url}")
        release = build(staging / "out", previous)
        if wanted in _remote_releases(fs, base, name):  # another upload won meanwhile
            raise ReleaseRefusedError(f"version {wanted} was uploaded meanwhile: nothing written")
        _upload(fs, release, base)
        return release
    except storage_errors() as error:
        raise ReleaseError(f"{url}: {error}") from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remote_releases(fs: AbstractFileSystem, base: str, name: str) -> dict[Version, str]:
    """The releases of this dataset at the URL (folders, or zips alone), by version."""
    found: dict[Version, str] = {}
    try:
        entries = fs.ls(base, detail=True)
    except FileNotFoundError:
        return found
    for entry in entries:
        leaf = entry["name"].rstrip("/").rsplit("/", 1)[-1]
        stem = leaf.removesuffix(".zip")
        if not stem.startswith(f"{name}-"):
            continue
        try:
            version = Version.parse(stem[len(name) + 1 :])
        except UsageError:
            continue
        if entry["type"] == "directory" or version not in found:
            found[version] = entry["name"]
    return found


def _fetch(fs: AbstractFileSystem, remote: str, into: Path) -> Path:
    """The previous release, fetched whole (its data file is compared for the CHANGELOG)."""
    into.mkdir(parents=True)
    target = into / remote.rstrip("/").rsplit("/", 1)[-1]
    fs.get(remote.rstrip("/") + "/", str(target), recursive=True)
    return target


def _upload(fs: AbstractFileSystem, release: Release, base: str) -> None:
    """The release's files in order, its descriptor last, then its zip."""
    folder = release.path
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    descriptor = folder / DATAPACKAGE.name
    for path in [*(p for p in files if p != descriptor), descriptor]:
        fs.put_file(str(path), f"{base}/{folder.name}/{path.relative_to(folder).as_posix()}")
    if release.zip_path is not None:
        fs.put_file(str(release.zip_path), f"{base}/{release.zip_path.name}")
