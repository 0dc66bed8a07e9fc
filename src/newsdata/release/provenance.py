"""Where a release came from: the commit or the object store, the tool, the inputs, the moment."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from newsdata.config import Settings
from newsdata.errors import UncommittedInputsError
from newsdata.git import git_command
from newsdata.model import SCHEMA_VERSION
from newsdata.release.descriptor import file_facts
from newsdata.release.manifest import INPUTS, hashed
from newsdata.storage import is_url

__all__ = [
    "GitQuery",
    "GitState",
    "ObjectSource",
    "ObjectVersion",
    "Origin",
    "bare_url",
    "created_at",
    "library_versions",
    "plugin_versions",
    "provenance_json",
    "release_inputs",
    "require_committed",
]


class ObjectVersion(NamedTuple):
    """What the listing said of one object: its ETag and version id (None: unversioned)."""

    etag: str | None
    version: str | None = None


@dataclass(frozen=True)
class ObjectSource:
    """The object-storage prefix a corpus was listed from, named instead of a git commit.

    `url` is kept bare (`s3://bucket/prefix`): any `user:password@` or query string (a
    presigned URL's signature) is dropped here, so no credential reaches provenance.json.
    `listing` maps each input's path (the record's source_path) to its listed ETag and version.
    """

    url: str
    protocol: str
    bucket: str
    prefix: str
    listing: Mapping[str, ObjectVersion] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", bare_url(self.url))
        object.__setattr__(self, "bucket", self.bucket.rpartition("@")[2])

    def describe(self) -> dict[str, Any]:
        """provenance.json's `source`: where the inputs were listed, and how many objects."""
        return {
            "url": self.url,
            "protocol": self.protocol,
            "bucket": self.bucket,
            "prefix": self.prefix,
            "objects": len(self.listing),
        }


def bare_url(url: str) -> str:
    """`url` without user, password, query or fragment: `s3://key:secret@b/p?X-Amz-...` is
    `s3://b/p`."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{parts.path}" if parts.scheme else parts.path


@dataclass(frozen=True)
class Origin:
    """What a release was built from: the git state (its commit is None for a corpus in
    object storage), the object store, and the plugins whose rules checked the corpus."""

    git: GitState
    source: ObjectSource | None = None
    plugins: tuple[dict[str, str], ...] = ()


def provenance_json(
    folder: Path, version: str, created: str, origin: Origin, counts: Mapping[str, int]
) -> dict[str, Any]:
    """provenance.json, once the files it hashes are written in `folder`.

    The inputs are not listed here (at 10 million files that would be gigabytes of JSON): the
    inputs Parquet file holds them, and this names it with its size, SHA-256 and rows.
    """
    size, digest = file_facts(folder / INPUTS.name)
    outputs = []
    for file in hashed():
        output_size, output_digest = file_facts(folder / file.name)
        outputs.append({"path": file.name, "bytes": output_size, "sha256": output_digest})
    git = origin.git
    return {
        "tool": {"name": "newsdata", **library_versions()},
        # Only when plugins checked the corpus: a release without stays byte-identical.
        **({"plugins": list(origin.plugins)} if origin.plugins else {}),
        "schemaVersion": SCHEMA_VERSION,
        "version": version,
        "created": created,
        "git": {"commit": git.commit, "dirty": git.dirty},
        "source": origin.source.describe() if origin.source else None,
        "invocation": ["newsdata", "package", "--version", version],
        "counts": dict(counts),
        "inputs": {"path": INPUTS.name, "bytes": size, "sha256": digest, "rows": counts["files"]},
        "outputs": outputs,
    }


@dataclass(frozen=True)
class GitState:
    """The data repository's commit, whether the work tree differs from it, and its time."""

    commit: str | None
    dirty: bool | None
    commit_time: int | None
    changes: tuple[str, ...] = ()  # `git status --porcelain` lines: what makes it dirty


class GitQuery:
    """The commit of HEAD in the data repository, whether the tree is dirty, and the commit's
    time (all None outside a git repository), asked at once and read later: git (its status
    walks the whole corpus) runs while the corpus is validated.

    The tree is dirty when what feeds the release (the corpus, the dataset configuration) has
    uncommitted changes, untracked files included; earlier releases lying around do not count.
    """

    def __init__(self, root: Path, inputs: tuple[str, ...] = ("raw", "pyproject.toml")) -> None:
        status = ("status", "--porcelain", "--untracked-files=normal", "--", *inputs)
        self._runs = [
            _start(root, *args)
            for args in (("rev-parse", "HEAD"), status, ("show", "-s", "--format=%ct", "HEAD"))
        ]

    def result(self) -> GitState:
        """What git answered (waiting for it if need be)."""
        commit, status, when = (_finish(run) for run in self._runs)
        if commit is None:
            return GitState(None, None, None)
        return GitState(
            commit,
            bool(status) if status is not None else None,
            int(when) if when and when.isdigit() else None,
            tuple(line.strip() for line in status.splitlines()) if status else (),
        )

    def close(self) -> None:
        """Stop and reap whatever git is still running (a build that stopped early)."""
        for run in self._runs:
            if run is not None and run.returncode is None:  # not read by result()
                _stop(run)


def _start(root: Path, *args: str) -> subprocess.Popen[str] | None:
    try:
        return subprocess.Popen(
            git_command(root, *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
        )
    except OSError:
        return None


def _finish(run: subprocess.Popen[str] | None) -> str | None:
    if run is None:
        return None
    try:
        out, _ = run.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        _stop(run)
        return None
    return out.strip() if run.returncode == 0 else None


def release_inputs(root: Path, settings: Settings) -> tuple[str, ...]:
    """What feeds a release, as git pathspecs: the corpus, the configuration, the registries
    and the plugin files."""
    registries = [
        os.path.relpath(path.resolve(), root)
        for path in (*settings.registry_files, *settings.plugins)
        if path.resolve().is_relative_to(root)
    ]
    corpus = () if is_url(settings.raw) else (settings.raw,)  # objects are not in git
    return (*corpus, "pyproject.toml", *registries)


_SHOWN_CHANGES = 10


def require_committed(git: GitState, root: Path) -> None:
    """Refuse a release whose inputs are not all committed: it could not name its source.

    Outside a git repository (or without git, or before the first commit) nothing is
    committed, so that is refused too: provenance.json would have no commit to name.
    """
    advice = 'pass --allow-dirty to release anyway (provenance.json then says "dirty": true)'
    if git.commit is None:
        raise UncommittedInputsError(
            f"{root} has no git commit (not a git repository, no commit yet, or no git): "
            f"a release names the commit it was built from; commit the corpus, or {advice}"
        )
    if git.dirty is None:
        raise UncommittedInputsError(
            f"git could not say whether the release's inputs are committed; {advice}"
        )
    if git.dirty:
        shown = [f"  {line}" for line in git.changes[:_SHOWN_CHANGES]]
        if len(git.changes) > _SHOWN_CHANGES:
            shown.append(f"  ... and {len(git.changes) - _SHOWN_CHANGES} more")
        raise UncommittedInputsError(
            "the release's inputs have uncommitted changes (`git status`):\n"
            + "\n".join(shown)
            + f"\ncommit them, or {advice}"
        )


def _stop(run: subprocess.Popen[str]) -> None:
    """End a git still running, as gently as it allows: SIGTERM lets git remove any lock file
    it holds (SIGKILL would not); only a git that ignores it for seconds is killed."""
    run.terminate()
    try:
        run.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        run.kill()
        run.communicate()


def created_at(git: GitState) -> dt.datetime:
    """SOURCE_DATE_EPOCH if set, else the commit time of HEAD, else now (UTC, to the second)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    if git.commit_time is not None:
        return dt.datetime.fromtimestamp(git.commit_time, dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def library_versions() -> dict[str, str]:
    """Versions of what shaped the bytes of a release."""
    import pyarrow
    import pydantic

    from newsdata import __version__

    return {
        "newsdata": __version__,
        "python": platform.python_version(),
        "pyarrow": pyarrow.__version__,
        "pydantic": pydantic.VERSION,
    }


def plugin_versions(settings: Settings) -> tuple[dict[str, str], ...]:
    """The plugins whose rules check the corpus: each entry point's name, distribution and
    version, each plugin file's path and SHA-256."""
    from newsdata.rules import rule_table

    return tuple(plugin.describe() for plugin in rule_table(settings.plugins).plugins)
