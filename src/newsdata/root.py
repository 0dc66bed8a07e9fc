"""The data repository's root, and the corpus folder in it."""

from __future__ import annotations

from pathlib import Path

from newsdata.config import newsdata_table, read_pyproject
from newsdata.errors import ConfigError

__all__ = ["DEFAULT_RAW", "find_root"]

DEFAULT_RAW = "raw"


def _has_newsdata_table(pyproject: Path) -> bool:
    try:
        return newsdata_table(read_pyproject(pyproject)) is not None
    except ConfigError:
        return False  # an unreadable pyproject.toml marks no root; reading settings says why


def find_root(start: Path) -> Path:
    """The data repository's root: the nearest folder, walking up from start, that holds a
    pyproject.toml with a [tool.newsdata] table, else the nearest with a .git, else start."""
    start = start.resolve()
    folders = (start, *start.parents)
    for folder in folders:
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _has_newsdata_table(candidate):
            return folder
    for folder in folders:
        if (folder / ".git").exists():
            return folder
    return start
