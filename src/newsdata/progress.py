"""The progress bar of long runs (stderr, terminals only), drawn with rich."""

from __future__ import annotations

import sys
import time
from typing import Any

__all__ = ["ProgressBar", "progress_bar"]

#: A run is long, and earns a bar, when it is still going after this many seconds.
LONG_RUN_SECONDS = 1.0


class ProgressBar:
    """Called with (done, total) as batches finish; draws nothing for short runs."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if time.monotonic() - self._started < LONG_RUN_SECONDS or done >= total:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self._bar = Progress(
                "validating",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("validate", total=total)
        self._bar.update(self._task, completed=done)
        if done >= total:
            self._bar.stop()


def progress_bar() -> ProgressBar | None:
    """A progress bar on stderr when stderr is a terminal (None elsewhere: logs stay clean)."""
    return ProgressBar() if sys.stderr.isatty() else None
