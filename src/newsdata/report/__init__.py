"""Renderers: one per output format, each turning a Report into text."""

from __future__ import annotations

from collections.abc import Callable

from newsdata.diagnostics import Report
from newsdata.report.github import render_github
from newsdata.report.json import render_json
from newsdata.report.sarif import render_sarif
from newsdata.report.text import render_text

__all__ = ["FORMATS", "Renderer", "render"]

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
