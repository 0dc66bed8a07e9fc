"""The Dask executor: batches on a Dask cluster's workers (the `cluster` extra).

Dask's distributed scheduler places the tasks, re-runs the tasks of a worker lost mid-run
elsewhere and moves the shuffle's parts between workers; newsdata adds only what makes the
result the same as the local executor's: results taken in the batches' order, a worker state
built once per thread from one broadcast setup, and workers refused at connect when their
newsdata or libraries differ from this process's (execute/identity.py).
"""

from __future__ import annotations

import gc
import logging
import operator
import threading
import uuid
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

from newsdata.errors import ExecutorError, UsageError
from newsdata.execute.base import BatchTask, ExecutorChoice
from newsdata.execute.identity import refuse_strangers
from newsdata.execute.local import Layout

if TYPE_CHECKING:
    from distributed import Client

    from newsdata.config import Settings

__all__ = ["DaskExecutor", "dask_executor"]

C = TypeVar("C")
P = TypeVar("P")
R = TypeVar("R")
T = TypeVar("T")

#: Batches in flight per worker: enough that no worker waits for the next, few enough that
#: results waiting to be taken in order stay a handful.
_AHEAD_PER_WORKER = 3
#: The environment of a LocalCluster's worker processes: Dask's, without its
#: MALLOC_TRIM_THRESHOLD_=65536, which makes glibc hand freed memory back to the system at
#: every turn; a batch's many small allocations then made tasks ~40% slower (20,000 articles:
#: 6.8 s of tasks against 4.8 s). A worker's memory is one batch's, freed after it.
_TRIM = "MALLOC_TRIM_THRESHOLD_"
#: Seconds to wait for a scheduler named by --cluster before saying it cannot be reached.
_CONNECT_TIMEOUT = 20


class DaskExecutor:
    """Batches as Dask tasks (a sliding window of them, results taken in order); the
    shuffle as map tasks whose parts the reducers fetch from the workers that made them."""

    name = "dask"

    def __init__(self, client: Client) -> None:
        self.client = client

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info(n_workers=-1)["workers"]))

    def layout(self, batches: int) -> Layout:
        """Never forked from this process: a worker's side of a hook hands everything back."""
        return Layout(self.workers, False)

    def map_ordered(self, task: BatchTask[Any, T, R], batches: Sequence[T]) -> Iterator[R]:
        from distributed import KilledWorker

        if not batches:
            return
        client = self.client
        [setup] = client.scatter([task.setup], broadcast=True, hash=False)
        token = uuid.uuid4().hex  # this map's state on each worker thread
        run = partial(_on_worker, task.start, task.run, token)
        pending = iter(batches)
        window = deque(
            client.submit(run, setup, batch, pure=False)
            for batch in islice(pending, self.workers * _AHEAD_PER_WORKER)
        )
        try:
            while window:
                result = window.popleft().result()
                for batch in islice(pending, 1):
                    window.append(client.submit(run, setup, batch, pure=False))
                yield result
        except KilledWorker as error:
            raise ExecutorError(
                f"the Dask cluster lost the workers running a batch too often ({error}): "
                "nothing was written; check the workers' memory and logs"
            ) from error
        finally:
            client.cancel([*window, setup])

    def shuffle_reduce(
        self,
        chunks: Sequence[C],
        mapper: Callable[[C, int], list[P]],
        reducer: Callable[[list[P]], R],
        partitions: int,
    ) -> list[R]:
        client = self.client
        scattered = client.scatter(list(chunks), hash=False)
        mapped = [client.submit(mapper, chunk, partitions, pure=False) for chunk in scattered]
        parts = [
            [client.submit(operator.getitem, m, j, pure=False) for m in mapped]
            for j in range(partitions)
        ]
        reduced = [client.submit(reducer, part, pure=False) for part in parts]
        try:
            return list(client.gather(reduced))
        finally:
            client.cancel([*reduced, *mapped, *scattered])


_LOCAL = threading.local()


def _on_worker(
    start: Callable[[Any, int | None], Any],
    run: Callable[[Any, T], R],
    token: str,
    setup: Any,
    batch: T,
) -> R:
    """On a worker thread: the map's state (made once per thread, as a worker process makes
    it once in the local pool: a hook's worker side is not shared between threads), then the
    batch."""
    if getattr(_LOCAL, "token", None) != token:
        _LOCAL.state = start(setup, None)
        _LOCAL.token = token
    # The cyclic collector paused for the batch, as the local pool's workers pause it: a
    # batch's garbage is acyclic, and the collector walking it cost ~8% of a task.
    paused = gc.isenabled()
    gc.disable()
    try:
        return run(_LOCAL.state, batch)
    finally:
        if paused:
            gc.enable()


@contextmanager
def dask_executor(choice: ExecutorChoice, jobs: int, settings: Settings) -> Iterator[DaskExecutor]:
    """A client of the scheduler at `choice.address`, or of a LocalCluster of `jobs` worker
    processes started here (and stopped after); workers unlike this process are refused."""
    try:
        import dask.config
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError(
            "--executor dask needs Dask's distributed scheduler: pip install 'newsdata[cluster]'"
        ) from None
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # Dask's start-up and shut-down chatter is not the report's
    cluster = None
    try:
        if choice.address is None:
            environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
            environ.pop(_TRIM, None)
            with (
                warnings.catch_warnings(),
                dask.config.set({"distributed.nanny.pre-spawn-environ": environ}),
            ):
                # Its scheduler's HTTP endpoint moves to a free port when 8787 is taken.
                warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
                cluster = LocalCluster(
                    n_workers=jobs,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
            client = Client(cluster)
        else:
            client = _connect(Client, choice.address)
        try:
            refuse_strangers(client, settings)
            yield DaskExecutor(client)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()
        quiet.setLevel(level)


def _connect(client: Callable[..., Client], address: str) -> Client:
    try:
        return client(address, timeout=_CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        raise UsageError(
            f"--cluster {address}: cannot reach a Dask scheduler there ({error})"
        ) from error
