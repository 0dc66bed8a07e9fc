"""GitHub Actions workflow commands: one annotation per finding, shown on the pull request."""

from __future__ import annotations

from newsdata.diagnostics import Diagnostic, Report
from newsdata.report.text import plural

__all__ = ["escape_data", "escape_property", "render_github"]


def escape_data(text: str) -> str:
    """Escape a workflow command's message (% and line breaks)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (also : and ,)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(diagnostic: Diagnostic) -> str:
    """`::error file=...,line=...,col=...,title=CODE rule::message`."""
    props = [f"file={escape_property(diagnostic.path)}"]
    if diagnostic.line is not None:
        props.append(f"line={diagnostic.line}")
    if diagnostic.column is not None:
        props.append(f"col={diagnostic.column}")
    props.append(f"title={escape_property(f'{diagnostic.code} {diagnostic.rule}')}")
    message = diagnostic.message + (f" (hint: {diagnostic.hint})" if diagnostic.hint else "")
    return f"::{diagnostic.severity.value} {','.join(props)}::{escape_data(message)}"


def render_github(report: Report, strict: bool, color: bool) -> str:
    """One annotation line per finding, then a plain summary line."""
    del color
    lines = [annotation(d) for d in report.diagnostics]
    verdict = "failed" if report.failed(strict=strict) else "passed"
    lines.append(
        f"newsdata: {plural(report.files, 'file')} checked, {plural(report.errors, 'error')}, "
        f"{plural(report.warnings, 'warning')}: {verdict}"
    )
    return "\n".join(lines) + "\n"
