"""What checking files yields, in forms that cross processes: each file's result (its findings
and facts, which also fit in the cache), and the check stage's one outward seam, the hook that
is told of every file checked afresh (a release's record writer is one)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Protocol, get_args, get_type_hints

from newsdata.diagnostics import Diagnostic

if TYPE_CHECKING:
    from newsdata.check.discovery import FilePath
    from newsdata.check.rawtext import Document

__all__ = ["FACTS", "FileHook", "FileResult", "WorkerHook", "fact"]


def fact() -> Any:
    """Declares a field of FileResult a fact: None until the engine computes it, then kept in
    the cache (a column typed by the field's annotation: str, int or bytes) and reached by
    the corpus rules through the index (IndexEntry.facts)."""
    return field(default=None, metadata={"fact": True})


@dataclass(slots=True)
class FileResult:
    """One file's findings (without a path), and its facts: what the corpus rules compare and
    the rules that need the day (Needs.TODAY) judge, every run, without re-reading the file.

    A new fact is one field here (`name: T | None = fact()`, declared with the others, right
    after `sha256`) and the code that computes it (engine.check_context): the worker pipe, the
    cache and the corpus index carry every fact by these declarations.

    `published` and `date_line` are the stated date and its line; `signature` is the body's
    MinHash signature as bytes.
    """

    findings: tuple[Diagnostic, ...]
    sha256: str | None = None
    article_id: str | None = fact()
    body_hash: str | None = fact()
    url_line: int | None = fact()
    body_line: int | None = fact()
    date_line: int | None = fact()
    published: str | None = fact()
    signature: bytes | None = fact()
    #: Set by a worker instead of checking a file whose content the cache already has a
    #: result for (under another path, or with other file times): the caller takes that one.
    reused: bool = False

    def __reduce__(self) -> tuple[type[FileResult], tuple[Any, ...]]:
        # Pickled (from a worker to the main process) as the constructor's arguments: a
        # dataclass's default pickling builds a dict of its slots, much slower both ways.
        return FileResult, tuple(getattr(self, name) for name in _FIELDS)


_FIELDS = tuple(item.name for item in fields(FileResult))


def _facts() -> dict[str, type]:
    """Each fact's name and type (the annotation's, without None), in declaration order."""
    hints = get_type_hints(FileResult)
    found: dict[str, type] = {}
    for item in fields(FileResult):
        if item.metadata.get("fact"):
            (kind,) = (arg for arg in get_args(hints[item.name]) if arg is not type(None))
            found[item.name] = kind
    # The cache builds a result from a row by position: findings, sha256, then the facts.
    if _FIELDS[2 : 2 + len(found)] != tuple(found):
        raise TypeError("FileResult's facts must be declared together, right after sha256")
    return found


#: The facts of FileResult by name, with their types (str, int or bytes).
FACTS = _facts()


class WorkerHook(Protocol):
    """The hook's side in the process that checks files (a worker, or the running process):
    told of each file checked afresh, with the document it parsed."""

    def start(self, worker: int) -> None:
        """Before the first batch, in a worker process of the local pool: its number (0, 1,
        ...). Not called when the files are checked in the running process or on a cluster's
        workers (then `for_workers` was told `forked=False`)."""

    def on_checked(self, file: FilePath, document: Document | None, result: FileResult) -> None:
        """One file checked: `file.source` is its path relative to the data repository."""

    def batch_done(self) -> object | None:
        """After each batch: what to hand to FileHook.collect (pickled if it crosses)."""


class FileHook(Protocol):
    """The check stage's one outward seam, on the side of the process that runs the check.
    Files served from the cache are not read again, so the hook hears of none of them."""

    def for_workers(self, workers: int, files: int, *, forked: bool) -> WorkerHook:
        """The worker side, made before `workers` processes start (inherited by fork when
        `forked`, else pickled) for a run of `files` files."""

    def collect(self, handoff: object) -> None:
        """What a batch's WorkerHook.batch_done gave, in the order of the batches."""
