"""The one finding type every rule produces and every renderer consumes."""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

__all__ = ["Diagnostic", "Report", "Severity"]


class Severity(enum.StrEnum):
    """How much a finding matters: errors fail a run, warnings only under --strict."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in one file: where, which rule, how bad, and what to do."""

    path: str
    line: int | None
    column: int | None
    code: str
    rule: str
    severity: Severity
    message: str
    hint: str | None = None

    def __reduce__(self) -> tuple[type[Diagnostic], tuple[Any, ...]]:
        # Pickled as the constructor's arguments (see FileResult.__reduce__).
        return Diagnostic, tuple(getattr(self, name) for name in _DIAGNOSTIC_FIELDS)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order by file, then position (file-level findings first), then code."""
        return (self.path, self.line or 0, self.column or 0, self.code, self.message)

    def to_dict(self) -> dict[str, object]:
        """The JSON report's diagnostic object (a stable contract, see docs/reports.md)."""
        out: dict[str, object] = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
        }
        if self.hint:
            out["hint"] = self.hint
        return out


_DIAGNOSTIC_FIELDS = tuple(f.name for f in fields(Diagnostic))


@dataclass(frozen=True)
class Report:
    """The outcome of validating a set of files."""

    files: int
    diagnostics: tuple[Diagnostic, ...] = field(default_factory=tuple)
    #: Things worth telling that are not findings (a cache that could not be written...).
    notes: tuple[str, ...] = ()

    @classmethod
    def build(
        cls, files: int, diagnostics: Iterable[Diagnostic], notes: Iterable[str] = ()
    ) -> Report:
        """A report with its diagnostics in a stable, reproducible order."""
        ordered = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
        return cls(files=files, diagnostics=ordered, notes=tuple(notes))

    def with_paths_relative_to(self, folder: Path) -> Report:
        """The same report with the paths under folder, in paths and messages (a duplicate
        names its twin), shown relative to it, as `validate` shows the paths it was given
        (`package` finds the corpus by absolute path)."""
        prefix = f"{folder}{os.sep}"

        def shown(d: Diagnostic) -> Diagnostic:
            path = d.path.removeprefix(prefix)
            return replace(d, path=path, message=d.message.replace(prefix, ""))

        return replace(self, diagnostics=tuple(shown(d) for d in self.diagnostics))

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)

    def failed(self, *, strict: bool = False) -> bool:
        """Whether the run fails: any error, or any warning when strict."""
        return self.errors > 0 or (strict and self.warnings > 0)

    def to_dict(self, *, strict: bool = False) -> dict[str, object]:
        """The JSON report (documented in docs/reports.md)."""
        return {
            "valid": not self.failed(strict=strict),
            "summary": {"files": self.files, "errors": self.errors, "warnings": self.warnings},
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }
