"""Running batches of files on several cores, results in input order."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence

from newsdata.config import Settings
from newsdata.engine import BatchItem, Validator, check_batch
from newsdata.results import FileResult

__all__ = ["BATCH_SIZE", "default_jobs", "freeze_inherited_heap", "run_batches", "worker_context"]

#: Files per task: large enough to amortise inter-process traffic and numpy calls, small
#: enough that memory stays flat and the progress bar moves.
BATCH_SIZE = 256

_WORKER: tuple[Validator, bool, bool] | None = None
_BATCHES = [0]


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def freeze_inherited_heap() -> None:
    """A forked worker inherits the parent's heap (every path of the run): freezing it keeps
    the cyclic collector from walking (and copying, page by page) those objects again and
    again."""
    gc.freeze()


def _initialize(settings: Settings, signatures: bool, records: bool) -> None:
    global _WORKER
    _WORKER = (Validator(settings, defer_volatile=True), signatures, records)
    freeze_inherited_heap()
    gc.disable()  # per-file garbage is acyclic: the collector runs every 64 batches only


def _work(items: Sequence[BatchItem]) -> list[FileResult]:
    assert _WORKER is not None
    validator, signatures, records = _WORKER
    results = check_batch(validator, items, signatures=signatures, records=records)
    _BATCHES[0] += 1
    if _BATCHES[0] % 64 == 0:
        gc.collect()
    return results


def worker_context() -> multiprocessing.context.BaseContext:
    """Fork (fast: workers share this process's imports) unless rensa already ran here.

    rensa (Rust) keeps a thread pool once used; a process forked after that hangs on its first
    signature. Then workers come from a clean fork server instead, which imports newsdata once.
    As with any multiprocessing code, a script must then call validate() under
    `if __name__ == "__main__":`.
    """
    from newsdata.similarity import rensa_used

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and not rensa_used():
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["newsdata.parallel", "newsdata.similarity"])
    return context


def run_batches(
    settings: Settings,
    items: Sequence[BatchItem],
    *,
    jobs: int,
    signatures: bool,
    records: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Iterator[FileResult]:
    """Check every item, on `jobs` processes, yielding results in the items' order."""
    batches = [items[i : i + BATCH_SIZE] for i in range(0, len(items), BATCH_SIZE)]
    if jobs <= 1 or len(batches) <= 1:
        validator = Validator(settings, defer_volatile=True)
        for batch in batches:
            yield from check_batch(validator, batch, signatures=signatures, records=records)
            if progress:
                progress(len(batch))
        return
    context = worker_context()
    pool = context.Pool(min(jobs, len(batches)), _initialize, (settings, signatures, records))
    try:
        for batch, results in zip(batches, pool.imap(_work, batches), strict=True):
            yield from results
            if progress:
                progress(len(batch))
        pool.close()
    finally:
        pool.terminate()
        pool.join()
