"""`newsdata init`: what a new data repository starts with.

A `pyproject.toml` with the [tool.newsdata] tables, a `.gitignore` that keeps releases, previews
and the cache out of git, and the corpus folder `raw/`. Nothing a user wrote is overwritten:
an existing `pyproject.toml` without newsdata's tables gets them appended (as `poetry init`
does), an existing `.gitignore` gets only the lines it lacks.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from newsdata.check.pipeline import CACHE_DIR_NAME
from newsdata.config import newsdata_table, read_pyproject
from newsdata.errors import ConfigError, UsageError
from newsdata.release.metadata import default_name

__all__ = ["IGNORED", "Step", "init_repository", "pyproject_tables"]

#: What a data repository keeps out of git: releases, `make run`-style previews, the cache.
IGNORED = ("dist/", "preview/", f"{CACHE_DIR_NAME}/")

_TABLES = """\
# newsdata: how the corpus is checked (`newsdata validate raw/`) and released
# (`newsdata package --version 1.0`). Every key: https://github.com/newsdata/newsdata#configuration
[tool.newsdata]
raw = "raw"                     # the corpus folder: one article per *.txt file
# ignore = ["ND605"]            # rule codes or prefixes to skip
# registry = "publications.json"  # outlets of your own (shape: schema/publications.json)

[tool.newsdata.dataset]
name = "{name}"  # releases are named {name}-1.0.0/
title = "{title}"
description = "News articles, validated and packaged with newsdata."
# license = "CC-BY-4.0"         # an SPDX id, or {{ name = "other", title = "..." }}
# contributors = ["Jane Doe"]
# homepage = "https://example.org/{name}"
# keywords = ["news", "articles"]
# language = ["en"]             # the articles' languages (BCP 47), when known
"""


@dataclass(frozen=True)
class Step:
    """What `init` did to one path: `created`, `appended to` or `kept`, and why if kept."""

    path: Path
    action: str
    detail: str = ""


def pyproject_tables(name: str) -> str:
    """The [tool.newsdata] tables of a new data repository named `name`."""
    return _TABLES.format(name=name, title=name.replace("-", " ").capitalize())


def init_repository(folder: Path, name: str | None = None) -> list[Step]:
    """Make `folder` a data repository; what was done to each path, in order."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    tables = pyproject_tables(name or default_name(folder.resolve()))
    return [
        _pyproject(folder / "pyproject.toml", tables),
        _gitignore(folder / ".gitignore"),
        _corpus(folder / "raw"),
    ]


def _pyproject(path: Path, tables: str) -> Step:
    if not path.exists():
        path.write_text(tables, encoding="utf-8")
        return Step(path, "created")
    text = path.read_text(encoding="utf-8")
    try:
        current = read_pyproject(path)
    except ConfigError as error:
        raise UsageError(f"{error}: fix it first") from None
    if newsdata_table(current) is not None:
        return Step(path, "kept", "it already has [tool.newsdata]")
    joined = text + ("" if text.endswith("\n") or not text else "\n") + "\n" + tables
    try:
        tomllib.loads(joined)
    except tomllib.TOMLDecodeError:
        # e.g. `tool = {...}` written inline: appending tables would break the file
        raise UsageError(
            f"{path}: newsdata's tables cannot be appended safely; add them yourself:\n\n{tables}"
        ) from None
    path.write_text(joined, encoding="utf-8")
    return Step(path, "appended to", "[tool.newsdata] and [tool.newsdata.dataset]")


def _gitignore(path: Path) -> Step:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    present = {_pattern(line) for line in text.splitlines()}
    missing = [line for line in IGNORED if _pattern(line) not in present]
    if not missing:
        return Step(path, "kept", "it already ignores " + ", ".join(IGNORED))
    block = "# newsdata: releases, previews and the validation cache stay out of git\n"
    block += "".join(f"{line}\n" for line in missing)
    if not text:
        path.write_text(block, encoding="utf-8")
        return Step(path, "created")
    path.write_text(text + ("" if text.endswith("\n") else "\n") + block, encoding="utf-8")
    return Step(path, "appended to", ", ".join(missing))


def _pattern(line: str) -> str:
    """A .gitignore line reduced to the folder it ignores: `/dist/*`, `dist/`, `dist` alike."""
    return line.strip().lstrip("/").removesuffix("*").rstrip("/")


def _corpus(path: Path) -> Step:
    if path.is_dir():
        return Step(path, "kept", "it exists")
    if path.exists():
        raise UsageError(f"{path} exists and is not a folder: the corpus goes there")
    path.mkdir()
    return Step(path, "created", "put one article per *.txt file here")
