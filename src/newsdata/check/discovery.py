"""Turning the paths a user gives into the article files to check, safely.

Folders are walked recursively for `*.txt`. Symlinks are never followed out of the folder given;
FIFOs, sockets and devices are reported and never opened; a folder named `*.txt` is reported too.
An object-storage URL (`s3://bucket/prefix/`) is listed instead (storage/listing.py); a
`file://` URL is the local path it names.
"""

from __future__ import annotations

import enum
import os
import stat
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from newsdata.errors import PathNotFoundError
from newsdata.storage import Listed, is_url, local_path

__all__ = ["FilePath", "Problem", "Target", "discover", "encodable", "printable", "shown"]

ARTICLE_SUFFIX = ".txt"


class Problem(enum.Enum):
    """Why a path that looks like an article cannot be read as one."""

    SPECIAL_FILE = "special"
    DIRECTORY = "directory"
    SYMLINK_OUTSIDE = "symlink-outside"
    SYMLINK_BROKEN = "symlink-broken"
    UNREADABLE = "unreadable"


class FilePath(NamedTuple):
    """A file's path, in the three forms a run needs; the one type that names a file from the
    walk to the report (the run, the index, the cache's keys and a release all take it)."""

    #: Where the walk found it (through a symlinked corpus folder, say): where it is read, what
    #: ND110 judges, and whence a release names its source (pipeline.source_path).
    walked: str
    #: Its real path (symlinks resolved; a bad link's own path): its identity in a run and in
    #: the cache, and the corpus index's order.
    identity: str
    #: How reports show it: the path as given or walked (relative to the working folder for a
    #: corpus file that was not named), bytes that are not UTF-8 as `\\xNN` escapes.
    shown: str
    #: Relative to the data repository's root, with / separators: set by a run that has a
    #: hook (pipeline.source_path), a release's `source_path`; else empty.
    source: str = ""

    @classmethod
    def at(cls, walked: str, identity: str) -> FilePath:
        """The path as walked, shown as it was given."""
        return cls(walked, identity, printable(walked))


class Target(NamedTuple):
    """One article file to check: its path, and what stops reading it."""

    file: FilePath
    problem: Problem | None = None
    detail: str = ""
    #: An object in object storage: what its listing said of it (None for a local file).
    listed: Listed | None = None

    @classmethod
    def at(cls, path: str) -> Target:
        """A file named by its path alone (its identity too: no run compares it)."""
        return cls(FilePath.at(path, path))


def discover(paths: Sequence[str | os.PathLike[str]]) -> list[Target]:
    """Every article file under the given paths, in a stable order, with unreadable ones marked."""
    targets: list[Target] = []
    for given in paths:
        if is_url(given):
            from newsdata.storage.listing import list_objects

            targets.extend(list_objects(os.fspath(given)))
            continue
        text = local_path(given)
        try:
            os.lstat(text)
        except (FileNotFoundError, NotADirectoryError):
            raise PathNotFoundError(f"path does not exist: {text}") from None
        except OSError as error:  # a folder on the way cannot be searched: say why
            reason = error.strerror or str(error)
            detail = f"cannot reach the file (a folder on its way: {reason})"
            targets.append(Target(FilePath.at(text, text), Problem.UNREADABLE, detail))
            continue
        if os.path.isdir(text):
            targets.extend(_walk(text))
        else:
            targets.append(_explicit_file(text))
    unique: dict[str, Target] = {}
    for target in targets:
        unique.setdefault(target.file.walked, target)
    return list(unique.values())


def _explicit_file(given: str) -> Target:
    if os.path.islink(given) and not os.path.exists(given):
        detail = _link_error(given)
        return Target(FilePath.at(given, os.path.abspath(given)), Problem.SYMLINK_BROKEN, detail)
    return Target(FilePath.at(given, os.path.realpath(given)))


def _walk(root: str) -> Iterator[Target]:
    real_root = os.path.realpath(root)
    stack = [""]
    while stack:
        relative_dir = stack.pop()
        directory = os.path.join(root, relative_dir) if relative_dir else root
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            detail = f"cannot list the folder: {error.strerror or error}"
            real = os.path.join(real_root, relative_dir)
            yield Target(FilePath.at(directory, real), Problem.UNREADABLE, detail)
            continue
        subdirs: list[str] = []
        # Joined by hand: os.path.join per entry was a third of the walk on a large corpus.
        prefix = relative_dir + os.sep if relative_dir else ""
        root_prefix, real_prefix = _with_sep(root), _with_sep(real_root)
        for entry in entries:
            relative = prefix + entry.name
            target = _classify(root_prefix, real_prefix, entry, relative)
            if target is not None:
                yield target
            if entry.is_dir(follow_symlinks=False):
                subdirs.append(relative)
        stack.extend(reversed(subdirs))


def _with_sep(path: str) -> str:
    return path if path.endswith(os.sep) else path + os.sep


def _classify(
    root_prefix: str, real_prefix: str, entry: os.DirEntry[str], relative: str
) -> Target | None:
    display = root_prefix + relative
    real = real_prefix + relative  # no link on the way: the walk follows none
    is_article_name = entry.name.endswith(ARTICLE_SUFFIX)
    if entry.is_symlink():
        real_root = real_prefix.removesuffix(os.sep) or os.sep
        return _classify_symlink(display, real_root, relative, is_article_name)
    if entry.is_dir(follow_symlinks=False):
        if is_article_name:
            return Target(FilePath.at(display, real), Problem.DIRECTORY, "a folder")
        return None
    if not is_article_name:
        return None
    if entry.is_file(follow_symlinks=False):  # most entries: built here, without FilePath.at
        return Target(FilePath(display, real, printable(display)))
    kind = _kind(entry.stat(follow_symlinks=False).st_mode)
    return Target(FilePath.at(display, real), Problem.SPECIAL_FILE, kind)


def _classify_symlink(
    display: str, real_root: str, relative: str, is_article_name: bool
) -> Target | None:
    own = os.path.join(real_root, relative)
    try:
        status = os.stat(display)
    except OSError:
        if not is_article_name:
            return None
        return Target(FilePath.at(display, own), Problem.SYMLINK_BROKEN, _link_error(display))
    resolved = os.path.realpath(display)
    inside = resolved == real_root or resolved.startswith(real_root + os.sep)
    if stat.S_ISDIR(status.st_mode):
        # A folder link inside the tree only repeats files the walk reaches anyway.
        if inside:
            return None
        return Target(FilePath.at(display, own), Problem.SYMLINK_OUTSIDE, resolved)
    if not is_article_name:
        return None
    if not inside:
        return Target(FilePath.at(display, own), Problem.SYMLINK_OUTSIDE, resolved)
    if not stat.S_ISREG(status.st_mode):
        return Target(FilePath.at(display, own), Problem.SPECIAL_FILE, _kind(status.st_mode))
    return Target(FilePath.at(display, resolved))


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


def encodable(path: str) -> bool:
    """Whether a path is valid text: on Linux a file name is any bytes, and Python keeps the
    bytes that are not UTF-8 as lone surrogates, which no UTF-8 output can hold."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(path: str) -> str:
    """How reports show a corpus file that was not named: relative to the working folder
    when it lies below it, else as walked; bytes that are not UTF-8 as `\\xNN` escapes."""
    relative = os.path.relpath(path)
    return printable(path if relative.startswith("..") else relative)


def printable(path: str) -> str:
    """The path as reports show it: bytes that are not UTF-8 as `\\xNN` escapes."""
    if path.isascii() or encodable(path):
        return path
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
