"""Running batches of files on several cores, results in input order."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from newsdata.check.engine import Validator, check_batch
from newsdata.check.results import FileHook, FileResult, WorkerHook
from newsdata.config import Settings

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

    from newsdata.check.discovery import Target

__all__ = [
    "BATCH_SIZE",
    "default_jobs",
    "ignore_interrupts",
    "run_batches",
    "start_pool",
    "start_worker",
    "worker_context",
]

#: Files per task: large enough to amortise inter-process traffic and numpy calls, small
#: enough that memory stays flat and the progress bar moves.
BATCH_SIZE = 256

#: A worker process's validator, whether it makes signatures, its hook, and the known hashes.
_WORKER: tuple[Validator, bool, WorkerHook | None, Container[str]] | None = None
_BATCHES = [0]


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def ignore_interrupts() -> None:
    """In a worker process: Ctrl-C is the parent's alone. It ends the pool (pool.terminate)
    and says "Interrupted." once; a worker that took the SIGINT too would print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # blocked by start_pool while forking
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def start_worker() -> None:
    """A pool's plain initializer: interrupts ignored, and the inherited heap frozen.

    A forked worker inherits the parent's heap (every path of the run): freezing it keeps the
    cyclic collector from walking (and copying, page by page) those objects again and again.
    """
    ignore_interrupts()
    gc.freeze()


def start_pool(
    context: multiprocessing.context.BaseContext,
    processes: int,
    initializer: Callable[..., None] = start_worker,
    initargs: tuple[object, ...] = (),
) -> multiprocessing.pool.Pool:
    """A pool of worker processes that never see Ctrl-C (see start_worker).

    SIGINT stays blocked while the workers are forked: one that came before its initializer
    ran would still have Python's handler. A Ctrl-C meanwhile waits, and reaches this process
    once the pool exists.
    """
    if not hasattr(signal, "pthread_sigmask"):  # not on POSIX
        return context.Pool(processes, initializer, initargs)
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return context.Pool(processes, initializer, initargs)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _initialize(
    settings: Settings,
    signatures: bool,
    hook: WorkerHook | None,
    known: Container[str],
    claimed: Synchronized[int] | None = None,
) -> None:
    global _WORKER
    ignore_interrupts()
    _WORKER = (Validator(settings, defer_volatile=True), signatures, hook, known)
    if hook is not None and claimed is not None:
        with claimed.get_lock():  # each worker gets a number of its own
            number = claimed.value
            claimed.value += 1
        hook.start(number)
    gc.freeze()  # see start_worker
    gc.disable()  # per-file garbage is acyclic: the collector runs every 64 batches only


def _work(items: Sequence[Target]) -> tuple[list[FileResult], object | None]:
    assert _WORKER is not None
    validator, signatures, hook, known = _WORKER
    done = _checked(validator, items, signatures=signatures, hook=hook, known=known)
    _BATCHES[0] += 1
    if _BATCHES[0] % 64 == 0:
        gc.collect()
    return done


def _checked(
    validator: Validator,
    items: Sequence[Target],
    *,
    signatures: bool,
    hook: WorkerHook | None,
    known: Container[str],
) -> tuple[list[FileResult], object | None]:
    """A batch's results, and what the hook hands over for it."""
    results = check_batch(validator, items, signatures=signatures, hook=hook, known=known)
    return results, (hook.batch_done() if hook is not None else None)


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


def worker_context() -> multiprocessing.context.BaseContext:
    """Fork (fast: workers share this process's imports) unless rensa already ran here.

    rensa (Rust) keeps a thread pool once used; a process forked after that hangs on its first
    signature. Then workers come from a clean fork server instead, which imports newsdata once.
    As with any multiprocessing code, a script must then call validate() under
    `if __name__ == "__main__":`.
    """
    from newsdata.check.similarity import rensa_used

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and not rensa_used():
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["newsdata.check.parallel", "newsdata.check.similarity"])
    return context


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
) -> Iterator[FileResult]:
    """Check every item, on `jobs` processes, yielding results in the items' order; the
    `hook`'s worker side hears of each file where it is checked, and what it hands over for
    each batch goes to the hook here as the batches come (`files`: the run's size, for it).
    Files whose content hash is `known` get `reused` stand-ins (see engine.check_batch)."""
    batches = [items[i : i + BATCH_SIZE] for i in range(0, len(items), BATCH_SIZE)]
    if jobs <= 1 or len(batches) <= 1:
        validator = Validator(settings, defer_volatile=True)
        local = hook.for_workers(1, files, forked=False) if hook is not None else None
        done = (
            _checked(validator, b, signatures=signatures, hook=local, known=known) for b in batches
        )
        yield from _handed_over(zip(batches, done, strict=True), hook, progress)
        return
    context = worker_context()
    workers = min(jobs, len(batches))
    forked = context.get_start_method() == "fork"
    remote = hook.for_workers(workers, files, forked=forked) if hook is not None else None
    setup = (settings, signatures, remote, known, context.Value("i", 0))
    pool = start_pool(context, workers, _initialize, setup)
    try:
        mapped = pool.imap(_work, batches)
        yield from _handed_over(zip(batches, mapped, strict=True), hook, progress)
        pool.close()
    finally:
        pool.terminate()
        pool.join()
