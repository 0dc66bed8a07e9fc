"""Checking batches of files on an executor (execute/), results in input order.

The per-file check is one function, `_check`, whichever executor runs it: this machine's
process pool or a Dask cluster's workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from newsdata.check.engine import Validator, check_batch
from newsdata.check.results import FileHook, FileResult, WorkerHook
from newsdata.config import Settings
from newsdata.execute.base import BatchTask
from newsdata.execute.local import LocalExecutor, default_jobs

if TYPE_CHECKING:
    from newsdata.check.discovery import Target
    from newsdata.execute.base import Executor

__all__ = ["BATCH_SIZE", "default_jobs", "run_batches"]

#: Files per task: large enough to amortise inter-process traffic and numpy calls, small
#: enough that memory stays flat and the progress bar moves.
BATCH_SIZE = 256


class _Setup(NamedTuple):
    """What every worker needs, sent once: the settings, whether to sign bodies, the hook's
    worker side, and the content hashes the cache knows."""

    settings: Settings
    signatures: bool
    hook: WorkerHook | None
    known: Container[str]


class _State(NamedTuple):
    validator: Validator
    signatures: bool
    hook: WorkerHook | None
    known: Container[str]


def _start(setup: _Setup, worker: int | None) -> _State:
    """A worker's state: its validator, and the hook's worker side told the number of a
    local pool's worker process."""
    if setup.hook is not None and worker is not None:
        setup.hook.start(worker)
    validator = Validator(setup.settings, defer_volatile=True)
    return _State(validator, setup.signatures, setup.hook, setup.known)


def _check(state: _State, items: Sequence[Target]) -> tuple[list[FileResult], object | None]:
    """A batch's results, and what the hook hands over for it."""
    results = check_batch(
        state.validator, items, signatures=state.signatures, hook=state.hook, known=state.known
    )
    return results, (state.hook.batch_done() if state.hook is not None else None)


def _handed_over(
    done: Iterable[tuple[Sequence[Target], tuple[list[FileResult], object | None]]],
    hook: FileHook | None,
    progress: Callable[[int], None] | None,
) -> Iterator[FileResult]:
    for batch, (results, handoff) in done:
        if hook is not None and handoff is not None:
            hook.collect(handoff)
        yield from results
        if progress:
            progress(len(batch))


def _absolute(item: Target) -> Target:
    """A target as a worker elsewhere reads it: from an absolute path (its working folder is
    not this process's). A worker on another machine needs the same path mounted there."""
    walked = item.file.walked
    if os.path.isabs(walked) or "://" in walked:
        return item
    return item._replace(file=item.file._replace(walked=os.path.abspath(walked)))


def run_batches(
    settings: Settings,
    items: Sequence[Target],
    *,
    jobs: int,
    signatures: bool,
    hook: FileHook | None = None,
    files: int = 0,
    known: Container[str] = frozenset(),
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> Iterator[FileResult]:
    """Check every item on the `executor` (default: `jobs` local processes), yielding results
    in the items' order; the `hook`'s worker side hears of each file where it is checked, and
    what it hands over for each batch goes to the hook here as the batches come (`files`: the
    run's size, for it). Files whose content hash is `known` get `reused` stand-ins (see
    engine.check_batch)."""
    executor = executor or LocalExecutor(jobs)
    if executor.name != "local":
        items = [_absolute(item) for item in items]
    batches = [items[i : i + BATCH_SIZE] for i in range(0, len(items), BATCH_SIZE)]
    workers, forked = executor.layout(len(batches))
    remote = hook.for_workers(workers, files, forked=forked) if hook is not None else None
    task = BatchTask(_Setup(settings, signatures, remote, known), _start, _check)
    done = executor.map_ordered(task, batches)
    yield from _handed_over(zip(batches, done, strict=True), hook, progress)
