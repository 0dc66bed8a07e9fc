"""The local executor: this machine's process pool (or this process, for one job)."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from newsdata.execute.base import BatchTask

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

__all__ = [
    "Layout",
    "LocalExecutor",
    "default_jobs",
    "ignore_interrupts",
    "start_pool",
    "start_worker",
    "worker_context",
]

C = TypeVar("C")
P = TypeVar("P")
R = TypeVar("R")
T = TypeVar("T")

#: A worker process's task (its `run` and the state its `start` made), and its batch count.
_WORKER: tuple[Callable[[Any, Any], Any], Any] | None = None
_BATCHES = [0]


class Layout(NamedTuple):
    """How a map runs: on how many workers, and whether they are forked from this process
    (then they inherit its open files: a release's record makers write into theirs)."""

    workers: int
    forked: bool


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


def _initialize(
    run: Callable[[Any, Any], Any],
    start: Callable[[Any, int | None], Any],
    setup: Any,
    claimed: Synchronized[int],
) -> None:
    global _WORKER
    ignore_interrupts()
    with claimed.get_lock():  # each worker gets a number of its own
        number = claimed.value
        claimed.value += 1
    _WORKER = (run, start(setup, number))
    gc.freeze()  # see start_worker
    gc.disable()  # per-file garbage is acyclic: the collector runs every 64 batches only


def _work(batch: Any) -> Any:
    assert _WORKER is not None
    run, state = _WORKER
    done = run(state, batch)
    _BATCHES[0] += 1
    if _BATCHES[0] % 64 == 0:
        gc.collect()
    return done


class LocalExecutor:
    """Batches on this machine's worker processes (`jobs` of them), or in this process when
    there is one job or one batch; a shuffle-reduce in this process (numpy, in memory)."""

    name = "local"

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)

    @property
    def workers(self) -> int:
        return self.jobs

    def layout(self, batches: int) -> Layout:
        """The workers a map of `batches` batches would use."""
        if self.jobs <= 1 or batches <= 1:
            return Layout(1, False)
        forked = worker_context().get_start_method() == "fork"
        return Layout(min(self.jobs, batches), forked)

    def map_ordered(self, task: BatchTask[Any, T, R], batches: Sequence[T]) -> Iterator[R]:
        workers = self.layout(len(batches)).workers
        if workers <= 1:
            state = task.start(task.setup, None)
            for batch in batches:
                yield task.run(state, batch)
            return
        context = worker_context()
        setup = (task.run, task.start, task.setup, context.Value("i", 0))
        pool = start_pool(context, workers, _initialize, setup)
        try:
            yield from pool.imap(_work, batches)
            pool.close()
        finally:
            pool.terminate()
            pool.join()

    def shuffle_reduce(
        self,
        chunks: Sequence[C],
        mapper: Callable[[C, int], list[P]],
        reducer: Callable[[list[P]], R],
        partitions: int,
    ) -> list[R]:
        mapped = [mapper(chunk, partitions) for chunk in chunks]
        return [reducer([parts[j] for parts in mapped]) for j in range(partitions)]
