"""Turning the paths a user gives into the article files to check, safely.

Folders are walked recursively for `*.txt`. Symlinks are never followed out of the folder given;
FIFOs, sockets and devices are reported and never opened; a folder named `*.txt` is reported too.
"""

from __future__ import annotations

import enum
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsdata.errors import PathNotFoundError

__all__ = ["Problem", "Target", "discover"]

ARTICLE_SUFFIX = ".txt"


class Problem(enum.Enum):
    """Why a path that looks like an article cannot be read as one."""

    SPECIAL_FILE = "special"
    DIRECTORY = "directory"
    SYMLINK_OUTSIDE = "symlink-outside"
    SYMLINK_BROKEN = "symlink-broken"


@dataclass(frozen=True, slots=True)
class Target:
    """One article path to check: how to show it, where it is, and what stops reading it."""

    display: str
    path: str
    relative: str
    problem: Problem | None = None
    detail: str = ""


def discover(paths: Sequence[str | os.PathLike[str]]) -> list[Target]:
    """Every article file under the given paths, in a stable order, with unreadable ones marked."""
    targets: list[Target] = []
    for given in paths:
        text = os.fspath(given)
        if not os.path.lexists(text):
            raise PathNotFoundError(f"path does not exist: {text}")
        if os.path.isdir(text):
            targets.extend(_walk(text))
        else:
            targets.append(_explicit_file(text))
    unique: dict[str, Target] = {}
    for target in targets:
        unique.setdefault(target.display, target)
    return list(unique.values())


def _explicit_file(given: str) -> Target:
    name = Path(given).name
    if os.path.islink(given) and not os.path.exists(given):
        return Target(given, given, name, Problem.SYMLINK_BROKEN, _link_error(given))
    return Target(given, given, name)


def _walk(root: str) -> Iterator[Target]:
    real_root = os.path.realpath(root)
    stack = [""]
    while stack:
        relative_dir = stack.pop()
        directory = os.path.join(root, relative_dir) if relative_dir else root
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            detail = error.strerror or "cannot be listed"
            yield Target(directory, directory, relative_dir, Problem.SPECIAL_FILE, detail)
            continue
        subdirs: list[str] = []
        for entry in entries:
            relative = os.path.join(relative_dir, entry.name) if relative_dir else entry.name
            target = _classify(root, real_root, entry, relative)
            if target is not None:
                yield target
            if entry.is_dir(follow_symlinks=False):
                subdirs.append(relative)
        stack.extend(reversed(subdirs))


def _classify(root: str, real_root: str, entry: os.DirEntry[str], relative: str) -> Target | None:
    display = os.path.join(root, relative)
    is_article_name = entry.name.endswith(ARTICLE_SUFFIX)
    if entry.is_symlink():
        return _classify_symlink(display, real_root, relative, is_article_name)
    if entry.is_dir(follow_symlinks=False):
        if is_article_name:
            return Target(display, entry.path, relative, Problem.DIRECTORY, "a folder")
        return None
    if not is_article_name:
        return None
    mode = entry.stat(follow_symlinks=False).st_mode
    if not stat.S_ISREG(mode):
        return Target(display, entry.path, relative, Problem.SPECIAL_FILE, _kind(mode))
    return Target(display, entry.path, relative)


def _classify_symlink(
    display: str, real_root: str, relative: str, is_article_name: bool
) -> Target | None:
    try:
        status = os.stat(display)
    except OSError:
        if not is_article_name:
            return None
        return Target(display, display, relative, Problem.SYMLINK_BROKEN, _link_error(display))
    resolved = os.path.realpath(display)
    inside = resolved == real_root or resolved.startswith(real_root + os.sep)
    if stat.S_ISDIR(status.st_mode):
        # A folder link inside the tree only repeats files the walk reaches anyway.
        if inside:
            return None
        return Target(display, display, relative, Problem.SYMLINK_OUTSIDE, resolved)
    if not is_article_name:
        return None
    if not inside:
        return Target(display, display, relative, Problem.SYMLINK_OUTSIDE, resolved)
    if not stat.S_ISREG(status.st_mode):
        return Target(display, display, relative, Problem.SPECIAL_FILE, _kind(status.st_mode))
    return Target(display, display, relative)


def _link_error(path: str) -> str:
    try:
        os.stat(path)
    except OSError as error:
        return error.strerror or "cannot be resolved"
    return "cannot be resolved"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"
