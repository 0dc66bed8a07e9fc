"""The data repository's root, and the corpus folder in it."""

from __future__ import annotations

import tomllib
from pathlib import Path

__all__ = ["DEFAULT_RAW", "find_root"]

DEFAULT_RAW = "raw"


def _has_newsdata_table(pyproject: Path) -> bool:
    try:
        with pyproject.open("rb") as handle:
            tool = tomllib.load(handle).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False
    return isinstance(tool, dict) and "newsdata" in tool


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
