"""Domain exceptions: the library raises these, only the CLI turns them into messages."""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "NewsdataError",
    "PathNotFoundError",
]


class NewsdataError(Exception):
    """Base class of every error newsdata raises on purpose."""


class ConfigError(NewsdataError):
    """The [tool.newsdata] configuration or a command-line option is invalid."""


class PathNotFoundError(NewsdataError):
    """A path given to a command does not exist."""
