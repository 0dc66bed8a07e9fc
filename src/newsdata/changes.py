"""The article files added, modified or renamed since a git ref (`--changed-since`)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from newsdata.errors import ConfigError, UsageError
from newsdata.git import git_command, status_entries
from newsdata.storage import is_url

__all__ = ["changed_files", "changed_paths"]


def _git(root: Path, *args: str) -> list[str]:
    try:
        done = subprocess.run(
            git_command(root, *args), capture_output=True, check=False, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ConfigError(f"cannot run git: {error}") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ConfigError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return [p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def changed_files(ref: str, within: list[Path]) -> list[Path]:
    """`*.txt` files under `within` added, modified or renamed since `ref` (committed or not),
    and untracked ones; deleted files are left out."""
    if not within:
        return []
    start = within[0] if within[0].is_dir() else within[0].parent
    try:
        top = Path(_git(start, "rev-parse", "--show-toplevel")[0].strip())
    except ConfigError as error:
        raise ConfigError(f"--changed-since needs a git repository: {start} ({error})") from None
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except ConfigError:
        raise ConfigError(
            f"--changed-since: {ref!r} is not a commit, branch or tag in {top}; check the "
            f"name, or fetch it first (git fetch origin {ref.removeprefix('origin/')}; in "
            "GitHub Actions, actions/checkout with fetch-depth: 0)"
        ) from None
    # Committed since `ref` (a tree diff: what changed only), and what differs from HEAD in the
    # working tree (untracked files too, ignored ones not): one status, which the run asks too.
    names = _git(top, "diff-tree", "-r", "--name-only", "-z", "--no-renames", ref, "HEAD", "--")
    entries = status_entries(top)
    if entries is None:
        raise ConfigError(f"git status failed in {top}")
    names += [name for letters, name in entries if letters != "!!"]
    roots = [p.resolve() for p in within]
    found: list[Path] = []
    for name in sorted(set(names)):
        path = top / name
        if not name.endswith(".txt") or not path.exists():
            continue
        resolved = path.resolve()
        if any(resolved == r or r in resolved.parents for r in roots):
            found.append(path)
    return found


def changed_paths(ref: str, paths: Sequence[str], corpus: Path) -> list[str]:
    """`changed_files` under `paths` (the corpus if none), relative to the working folder."""
    urls = [p for p in paths if is_url(p)]
    if urls:  # git knows nothing of objects: it would find nothing changed, silently
        raise UsageError(f"--changed-since follows git, not object storage: {urls[0]}")
    within = [Path(p) for p in paths] or [corpus]
    return [os.path.relpath(p) for p in changed_files(ref, within)]
