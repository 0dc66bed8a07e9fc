"""The human report: findings grouped by file, coloured on a terminal, and a summary line."""

from __future__ import annotations

import os
import sys
from itertools import groupby
from typing import Any

import click

from newsdata.diagnostics import Diagnostic, Report, Severity

__all__ = ["COLOR_CHOICES", "plural", "render_text", "summary_line", "use_color"]

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow"}

#: The answers to `--color`: see `use_color`.
COLOR_CHOICES = ("auto", "always", "never")


def use_color(choice: str, stream: Any = None) -> bool:
    """Whether to colour: `always`/`never` as asked; `auto` honours NO_COLOR, then FORCE_COLOR
    (https://no-color.org, https://force-color.org: set and not empty), then whether the
    stream is a terminal."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool((stream or sys.stdout).isatty())


def _position(diagnostic: Diagnostic) -> str:
    if diagnostic.line is None:
        return "-"
    if diagnostic.column is None:
        return str(diagnostic.line)
    return f"{diagnostic.line}:{diagnostic.column}"


def plural(n: int, word: str) -> str:
    """`1 file`, `2 files`: a count and its noun (nouns with a plain -s plural)."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def summary_line(report: Report, strict: bool) -> str:
    """`Checked 3 files: 1 error, 2 warnings.`"""
    verdict = "failed" if report.failed(strict=strict) else "passed"
    return (
        f"Checked {plural(report.files, 'file')}: {plural(report.errors, 'error')}, "
        f"{plural(report.warnings, 'warning')} ({verdict}"
        f"{', warnings fail under --strict' if strict and report.warnings else ''})."
    )


def render_text(report: Report, strict: bool, color: bool, *, errors_only: bool = False) -> str:
    """Findings grouped by file, then the summary line; with `errors_only`, warnings are
    counted in the summary but not listed (thousands of them would scroll the errors away)."""

    def style(
        text: str,
        fg: str | None = None,
        *,
        bold: bool = False,
        underline: bool = False,
        dim: bool = False,
    ) -> str:
        if not color:
            return text
        return click.style(text, fg=fg, bold=bold, underline=underline, dim=dim)

    out: list[str] = []
    listed = report.diagnostics
    if errors_only:
        listed = tuple(d for d in listed if d.severity is Severity.ERROR)
    for path, group in groupby(listed, key=lambda d: d.path):
        out.append(style(path, bold=True, underline=True))
        for d in group:
            severity = style(f"{d.severity.value:<7}", fg=_COLORS[d.severity])
            code = style(d.code, bold=True)
            out.append(f"  {_position(d):>7}  {severity}  {code} {d.message}  [{d.rule}]")
            if d.hint:
                out.append(style(f"{'':>18}hint: {d.hint}", dim=True))
        out.append("")
    hidden = len(report.diagnostics) - len(listed)
    if hidden:
        out.append(f"({plural(hidden, 'warning')} not listed: --errors-only)")
    out.append(style(summary_line(report, strict), bold=True))
    return "\n".join(out) + "\n"
