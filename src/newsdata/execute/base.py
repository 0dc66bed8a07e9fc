"""The executor seam: an ordered map of batches and a keyed shuffle-reduce."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from newsdata.errors import UsageError

if TYPE_CHECKING:
    from newsdata.config import Settings
    from newsdata.execute.local import Layout

__all__ = ["EXECUTORS", "BatchTask", "Executor", "ExecutorChoice", "OnDemand", "open_executor"]

EXECUTORS = ("local", "dask")

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
C = TypeVar("C")
P = TypeVar("P")


@dataclass(frozen=True)
class BatchTask(Generic[S, T, R]):
    """Work to map over batches: `setup` is sent to each worker once and made into that
    worker's state by `start(setup, number)` (the number of a worker process of the local
    pool, forked or not; None in the running process and on a cluster's workers);
    `run(state, batch)` does one batch. Both are module-level functions (pickled by
    reference), pure but for the state they build."""

    setup: S
    start: Callable[[S, int | None], Any]
    run: Callable[[Any, T], R]


class Executor(Protocol):
    """Where batches run. Results come back in the batches' order, whatever the workers'
    number or speed: what a run reports never depends on the executor."""

    name: str

    @property
    def workers(self) -> int: ...

    def layout(self, batches: int) -> Layout:
        """The workers a map of `batches` batches would use, and whether they are forked
        from this process (so inherit its open files)."""
        ...

    def map_ordered(self, task: BatchTask[S, T, R], batches: Sequence[T]) -> Iterator[R]:
        """`task.run` over every batch, results in the batches' order."""
        ...

    def shuffle_reduce(
        self,
        chunks: Sequence[C],
        mapper: Callable[[C, int], list[P]],
        reducer: Callable[[list[P]], R],
        partitions: int,
    ) -> list[R]:
        """`mapper(chunk, partitions)` splits each chunk into `partitions` parts by key;
        `reducer` gets partition j's part of every chunk, in the chunks' order; the results
        come back in partition order."""
        ...


@dataclass(frozen=True)
class ExecutorChoice:
    """`--executor` and `--cluster` (or `[tool.newsdata.cluster]`)."""

    name: str = "local"
    #: A Dask scheduler's address (tcp://host:8786, tls://...); none starts a LocalCluster.
    address: str | None = None
    #: Above this many rows the corpus rules' keys are shuffled on the cluster rather than
    #: grouped in this process's memory (both give the same findings: see docs/cluster.md).
    shuffle_above: int = 1_000_000

    def __post_init__(self) -> None:
        if self.name not in EXECUTORS:
            raise UsageError(
                f"unknown executor {self.name!r}: choose one of {', '.join(EXECUTORS)}"
            )
        if self.address is not None and self.name != "dask":
            raise UsageError("--cluster names a Dask scheduler: use it with --executor dask")


@contextmanager
def open_executor(choice: ExecutorChoice, jobs: int, settings: Settings) -> Iterator[Executor]:
    """The executor chosen, for one command (a LocalCluster it started is stopped after);
    a cluster's workers must decide as this process would with `settings`."""
    if choice.name == "local":
        from newsdata.execute.local import LocalExecutor

        yield LocalExecutor(jobs)
        return
    from newsdata.execute.cluster import dask_executor

    with dask_executor(choice, jobs, settings) as executor:
        yield executor


class OnDemand:
    """A run's executor, opened when first asked for (a run over a warm cache starts no
    cluster) and closed with the run."""

    def __init__(self, choice: ExecutorChoice, jobs: int, settings: Settings) -> None:
        self.choice = choice
        self._opening = (choice, jobs, settings)
        self._stack = ExitStack()
        self._executor: Executor | None = None

    def get(self) -> Executor:
        if self._executor is None:
            self._executor = self._stack.enter_context(open_executor(*self._opening))
        return self._executor

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> OnDemand:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
