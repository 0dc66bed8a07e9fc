"""Renderers: one per output format, each turning a Report into text."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from newsdata.diagnostics import Report
from newsdata.errors import UsageError
from newsdata.report.github import render_github
from newsdata.report.json import render_json
from newsdata.report.sarif import render_sarif
from newsdata.report.statistics import render_statistics
from newsdata.report.text import render_text, use_color

__all__ = ["FORMATS", "Renderer", "ReportOutput", "render"]

Renderer = Callable[[Report, bool, bool], str]

#: Output formats by name: (report, strict, color) -> text.
FORMATS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "sarif": render_sarif,
}


def render(report: Report, fmt: str, *, strict: bool = False, color: bool = False) -> str:
    """The report in the named format."""
    return FORMATS[fmt](report, strict, color)


@dataclass(frozen=True)
class ReportOutput:
    """How a report is shown: a format, and whether warnings fail, colour, counts instead of
    findings, errors only. A combination that cannot be shown is a UsageError."""

    fmt: str
    strict: bool = False
    color: bool = False
    statistics: bool = False
    errors_only: bool = False

    @classmethod
    def chosen(
        cls, fmt: str | None, color: str, strict: bool, statistics: bool, errors_only: bool
    ) -> ReportOutput:
        """The output a command line asks for: with no format, `github` under GitHub Actions,
        else `text`; `color` (auto, always, never: see use_color) for text only."""
        fmt = fmt or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
        return cls(fmt, strict, use_color(color) and fmt == "text", statistics, errors_only)

    def __post_init__(self) -> None:
        if self.statistics and self.fmt not in ("text", "json"):
            raise UsageError("--statistics shows counts as text or json only")
        if self.errors_only and (self.fmt != "text" or self.statistics):
            raise UsageError("--errors-only applies to the text listing only")

    def render(self, report: Report) -> str:
        """The report as text in the chosen format."""
        if self.statistics:
            return render_statistics(report, self.fmt, strict=self.strict)
        if self.errors_only:
            return render_text(report, self.strict, self.color, errors_only=True)
        return render(report, self.fmt, strict=self.strict, color=self.color)
