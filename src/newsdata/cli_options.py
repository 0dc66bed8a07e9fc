"""The options several `newsdata` commands share (cli.py's commands use them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from newsdata.execute.base import EXECUTORS
from newsdata.report.text import COLOR_CHOICES

__all__ = [
    "COLOR",
    "EXIT_CLEAN",
    "EXIT_FINDINGS",
    "EXIT_INTERRUPTED",
    "EXIT_USAGE",
    "TEXT_OR_JSON",
    "executor_options",
    "jobs_option",
]

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # the shell's code for a command ended by SIGINT (128 + 2)

TEXT_OR_JSON = click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="Output format.",
)


#: `--color auto|always|never`: see `newsdata.report.text.use_color`.
COLOR = click.option(
    "--color",
    type=click.Choice(COLOR_CHOICES),
    default="auto",
    show_default=True,
    help="Colour the text report: auto colours a terminal, unless NO_COLOR is set "
    "(FORCE_COLOR colours a pipe too).",
)


def executor_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--executor and --cluster (the same in [tool.newsdata.cluster])."""
    command = click.option(
        "--cluster",
        metavar="ADDRESS",
        default=None,
        help="A Dask scheduler's address, e.g. tls://scheduler:8786 (implies --executor dask).",
    )(command)
    return click.option(
        "--executor",
        type=click.Choice(EXECUTORS),
        default=None,
        help="Where files are checked: local processes, or a Dask cluster (a LocalCluster of "
        "--jobs workers without --cluster) [default: from config, else local].",
    )(command)


def jobs_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--jobs/-j N`: the worker processes of a command that validates."""
    return click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help=help)
