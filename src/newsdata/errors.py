"""Domain exceptions: the library raises these, only the CLI turns them into messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdata.diagnostics import Report

__all__ = [
    "CacheError",
    "ConfigError",
    "ExecutorError",
    "NewsdataError",
    "PathNotFoundError",
    "PluginError",
    "ReleaseDamagedError",
    "ReleaseError",
    "ReleaseRefusedError",
    "UncommittedInputsError",
    "UnrecordableFileError",
    "UsageError",
    "ValidationFailedError",
]


class NewsdataError(Exception):
    """Base class of every error newsdata raises on purpose."""


class CacheError(NewsdataError):
    """The validation cache cannot be opened or created (a run goes on without it)."""


class ConfigError(NewsdataError):
    """The [tool.newsdata] configuration or a command-line option is invalid."""


class PluginError(ConfigError):
    """A plugin's rules cannot be loaded, are not rules, or have a bad or clashing code."""


class PathNotFoundError(NewsdataError):
    """A path given to a command does not exist."""


class UsageError(NewsdataError):
    """A command was given an argument it cannot use."""


class ExecutorError(NewsdataError):
    """The executor cannot run the work as asked: a cluster's workers differ from this
    process, or lost a task too often."""


class ReleaseRefusedError(NewsdataError):
    """A release cannot be made as asked (the version exists, is older, or skips a rule)."""


class ReleaseError(NewsdataError):
    """Building or reading a release failed; nothing was left half-written."""


class UncommittedInputsError(UsageError):
    """A release's inputs differ from the commit it would name (pass allow_dirty to go on)."""


class UnrecordableFileError(ReleaseError):
    """A file that passed validation makes no record (the caller says why)."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} makes no record")
        self.path = path

    def __reduce__(self) -> tuple[type[UnrecordableFileError], tuple[str]]:
        # Raised in packaging's worker processes: pickled as its path, not its message.
        return UnrecordableFileError, (self.path,)


class ReleaseDamagedError(ReleaseError):
    """A release's files are damaged, missing, unreadable or not what its descriptor says."""

    def __init__(
        self, release: object, problems: list[str], summary: str = "release is damaged"
    ) -> None:
        super().__init__(f"{release}: {summary}: " + "; ".join(problems))
        self.problems = problems


class ValidationFailedError(NewsdataError):
    """The corpus has errors, so no release was written."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report
