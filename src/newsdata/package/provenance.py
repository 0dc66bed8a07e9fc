"""Where a release came from: the commit, the tool, the inputs, the moment."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GitState", "created_at", "git_state", "library_versions"]


@dataclass(frozen=True)
class GitState:
    """The data repository's commit, whether the work tree differs from it, and its time."""

    commit: str | None
    dirty: bool | None
    commit_time: int | None


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_state(root: Path, inputs: tuple[str, ...] = ("raw", "pyproject.toml")) -> GitState:
    """The commit of HEAD in the data repository (None outside a git repository).

    The tree is dirty when what feeds the release (the corpus, the dataset configuration) has
    uncommitted changes, untracked files included; earlier releases lying around do not count.
    """
    commit = _git(root, "rev-parse", "HEAD")
    if commit is None:
        return GitState(None, None, None)
    status = _git(root, "status", "--porcelain", "--untracked-files=normal", "--", *inputs)
    when = _git(root, "show", "-s", "--format=%ct", "HEAD")
    return GitState(
        commit,
        bool(status) if status is not None else None,
        int(when) if when and when.isdigit() else None,
    )


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
