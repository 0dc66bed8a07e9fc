"""How newsdata asks git about the user's repository: read-only, taking no lock.

Besides the command line (`git_command`), the state of the corpus folder as git knows it
(`corpus_state`): the tree it has in HEAD, which of its files differ from that tree in the
working tree, and each tracked file's blob id. The stored corpus index (check/stored.py) keys
on these, so that a run learns what changed without reading what did not.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "STATUS",
    "CorpusState",
    "corpus_state",
    "git_command",
    "git_output",
    "one_look",
    "status_entries",
    "tree_changes",
]

#: `git status` as newsdata asks it: every file that differs from HEAD, untracked and ignored
#: ones listed one by one, in the whole repository (one look serves every question).
STATUS = (
    "status",
    "--porcelain=v1",
    "-z",
    "--no-renames",
    "--untracked-files=all",
    "--ignored=matching",
)
_ANSWERS: dict[tuple[str, ...], bytes | None] | None = None
_STARTED: dict[tuple[str, ...], Callable[..., bytes | None]] = {}


@contextmanager
def one_look(status_of: Path | None = None) -> Iterator[None]:
    """Within it, each git query runs once, its answer reused: a command asks the working
    tree's status twice (the files changed since a ref, and what differs from the stored
    corpus index), and on a large tree each look costs most of a pull-request check. Outside
    it (the library, a long-lived process), every query runs afresh.

    With `status_of` (a folder in the repository), the status of its repository is asked at
    once, in the background, and collected when first asked for: on a large tree it is most
    of a pull-request check, and git works on it while this process imports the checking code
    and asks git its other questions."""
    global _ANSWERS
    _ANSWERS = {}
    if status_of is not None and (top := git_output(status_of, "rev-parse", "--show-toplevel")):
        top_folder = os.fsdecode(top.strip())
        _STARTED[(top_folder, *STATUS)] = _background(Path(top_folder), *STATUS)
    try:
        yield
    finally:
        _ANSWERS = None
        for collect in _STARTED.values():  # not asked for after all (a usage error, say)
            collect(stop=True)
        _STARTED.clear()


def _background(root: Path, *args: str) -> Callable[..., bytes | None]:
    """Start a git query now; what it prints, when the returned function is called (the
    answer the query gets run in the foreground: tests/test_git.py). Its output goes to a
    temporary file, so that git never waits on a full pipe meanwhile."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by collect)
    try:
        process = subprocess.Popen(
            git_command(root, *args),
            stdout=output,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **_ENVIRONMENT},
        )
    except OSError:
        output.close()
        return lambda stop=False: None

    def collect(stop: bool = False) -> bytes | None:
        try:
            if stop:
                process.kill()
            process.wait(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with output:
            output.seek(0)
            return output.read() if process.returncode == 0 else None

    return collect


def git_command(root: Path, *args: str) -> list[str]:
    """The command line of a read-only git query in `root`.

    With --no-optional-locks git takes no lock for it: `git status` (and `git diff`) otherwise
    refresh the index under .git/index.lock, so a git stopped at the wrong moment would leave
    the user's repository locked (`git mv` and `git commit` then fail until it is deleted).
    """
    return ["git", "--no-optional-locks", "-C", str(root), *args]


def git_output(root: Path, *args: str) -> bytes | None:
    """What a read-only git query prints, or None when git is missing or the query fails."""
    key = (str(root), *args)
    if _ANSWERS is not None and key in _ANSWERS:
        return _ANSWERS[key]
    started = _STARTED.pop(key, None)
    found = started() if started is not None else _run(root, *args)
    if _ANSWERS is not None:
        _ANSWERS[key] = found
    return found


_ENVIRONMENT = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def _run(root: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(
            git_command(root, *args),
            capture_output=True,
            check=False,
            timeout=300,
            env={**os.environ, **_ENVIRONMENT},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _names(output: bytes) -> list[str]:
    return [os.fsdecode(name) for name in output.split(b"\0") if name]


@dataclass(frozen=True)
class CorpusState:
    """The corpus folder as git sees it now.

    `tree` is the corpus folder's tree in HEAD; `changed` the files under it (relative to it,
    with / separators) whose working-tree state differs from that tree: modified, staged,
    deleted, untracked or ignored. Every other file there holds exactly its blob in `tree`.
    """

    top: Path
    prefix: str  # the corpus folder relative to `top`, with / separators and a trailing /
    tree: str
    changed: frozenset[str]

    #: The blob id of every regular file of `tree` (relative to the corpus), when asked for.
    blobs: dict[str, str] | None = None


#: An entry of `git ls-tree -r -z`: a regular file's blob id and path (links, submodules and
#: other modes aside).
_REGULAR = re.compile("100(?:644|755) blob ([0-9a-f]+)\t([^\0]*)")


def _blob_ids(listing: bytes) -> dict[str, str]:
    text = listing.decode("utf-8", "surrogateescape")  # as os.fsdecode, in one call
    return {path: blob for blob, path in _REGULAR.findall(text)}


def corpus_state(corpus: Path, *, blobs: bool = False, fresh: bool = False) -> CorpusState | None:
    """The corpus folder's state in its git repository, or None when git cannot vouch for the
    files' bytes: no repository, no commit, the folder not in HEAD (or reached through a link),
    or a repository that converts content between its blobs and the working tree (line
    endings, filters, encodings: then a blob id does not name the bytes on disk). With
    `blobs`, the tree's blob ids too (listed while git looks at the working tree); `fresh`: the
    working tree as it is now (after a run's reads), not as the command first saw it."""
    real = os.path.realpath(corpus)
    output = git_output(Path(real), "rev-parse", "--show-toplevel")
    if output is None:
        return None
    top = Path(os.fsdecode(output.strip()))
    relative = os.path.relpath(real, top)
    if relative.startswith("..") or _converts(top):
        return None
    prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
    output = git_output(top, "rev-parse", "--verify", "-q", f"HEAD:{prefix}")
    if output is None:
        return None
    tree = output.strip().decode("ascii")
    listing = _background(top, "ls-tree", "-r", "-z", "--full-tree", tree) if blobs else None
    entries = status_entries(top, fresh=fresh)
    listed = listing() if listing is not None else None
    if entries is None or (blobs and listed is None):
        return None
    changed = frozenset(name.removeprefix(prefix) for _, name in entries if name.startswith(prefix))
    return CorpusState(top, prefix, tree, changed, _blob_ids(listed) if listed else None)


def status_entries(top: Path, *, fresh: bool = False) -> list[tuple[str, str]] | None:
    """Each file that differs from HEAD, as (git's two status letters, path from `top`);
    `fresh`: asked now, not the command's earlier look (one_look)."""
    status = _run(top, *STATUS) if fresh else git_output(top, *STATUS)
    if status is None:
        return None
    return [(name[:2], name[3:]) for name in _names(status)]


def tree_changes(top: Path, old: str, new: str) -> dict[str, str | None] | None:
    """The files that differ between two trees: each one's blob in `new` (None: not there).
    None when `old` is not a tree of this repository (another repository's, or history since
    rewritten)."""
    output = git_output(top, "diff-tree", "-r", "-z", "--no-renames", old, new)
    if output is None:
        return None
    fields = output.split(b"\0")
    changes: dict[str, str | None] = {}
    for info, name in zip(fields[0::2], fields[1::2], strict=False):
        # ":old-mode new-mode old-blob new-blob status"
        parts = info.split(b" ")
        if len(parts) != 5:
            continue
        new_mode, new_blob = parts[1], parts[3].decode("ascii")
        regular = new_mode in (b"100644", b"100755")
        changes[os.fsdecode(name)] = new_blob if regular else None
    return changes


#: The attributes that make git convert content between a blob and the working tree.
_CONVERTING = {"text", "eol", "crlf", "filter", "ident", "working-tree-encoding"}
_ATTRIBUTE = re.compile(r"^[-!]?([A-Za-z0-9_.-]+)")


def _converts(top: Path) -> bool:
    """Whether git may convert this repository's files on checkout or commit: core.autocrlf
    or core.eol=crlf set, or an attributes file that names a converting attribute (checked
    conservatively: any such attribute on any pattern)."""
    config = git_output(top, "config", "--get-regexp", r"^core\.(autocrlf|eol|attributesfile)$")
    files: list[Path] = []
    for line in (config or b"").decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(" ")
        if name == "core.autocrlf" and value.lower() in ("true", "input", "yes", "on", "1"):
            return True
        if name == "core.eol" and value.lower() == "crlf":
            return True
        if name == "core.attributesfile":
            files.append(Path(value).expanduser())
    info = git_output(top, "rev-parse", "--git-path", "info/attributes")
    if info is not None:
        files.append(top / os.fsdecode(info.strip()))
    xdg = os.environ.get("XDG_CONFIG_HOME")
    home = Path(xdg) if xdg else Path("~/.config").expanduser()
    files += [home / "git" / "attributes", Path("/etc/gitattributes")]
    tracked = git_output(top, "ls-files", "-z", "--", ":(glob)**/.gitattributes")
    files += [top / name for name in _names(tracked or b"")]
    files += [top / ".gitattributes"]
    return any(_names_converting(path) for path in files)


def _names_converting(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        for word in words[1:]:
            match = _ATTRIBUTE.match(word)
            if match and match.group(1).split("=")[0] in _CONVERTING:
                return True
    return False
