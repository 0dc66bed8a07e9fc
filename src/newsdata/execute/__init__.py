"""Where the work runs: the executor seam.

The check stage asks an `Executor` for two things only: an ordered map of batches (each file
checked by the same code, wherever it runs) and a keyed shuffle-reduce (the corpus rules'
groups and near-duplicate candidates). `local` is this machine's process pool; `dask` is a
Dask cluster (`newsdata[cluster]`), started here as a LocalCluster or reached at an address.
"""

from newsdata.execute.base import BatchTask, Executor, ExecutorChoice, open_executor

__all__ = ["BatchTask", "Executor", "ExecutorChoice", "open_executor"]
