"""How a file's result is kept in the cache's results table: one row, the facts as columns
(typed by their declarations in check/results.py), the findings as compact JSON. A row that is
not what `encode_result` writes decodes to None: a stored result is never trusted blindly."""

from __future__ import annotations

import json
from collections.abc import Sequence

from newsdata.check.results import FACTS, FileResult
from newsdata.diagnostics import Diagnostic, Severity

__all__ = [
    "FACT_COLUMNS",
    "INSERT_RESULT",
    "SELECT_RESULTS",
    "decode_findings",
    "decode_result",
    "encode_findings",
    "encode_result",
]

#: Each fact's column type, by the fact's Python type.
_SQL_TYPES = {str: "TEXT", int: "INT", bytes: "BLOB"}
FACT_COLUMNS = ", ".join(f"{name} {_SQL_TYPES[kind]}" for name, kind in FACTS.items())
INSERT_RESULT = f"INSERT OR REPLACE INTO results VALUES (?, ?{', ?' * len(FACTS)})"
#: A result's row in the order of FileResult's fields (findings, sha256, the facts), so that
#: a decoded row is the constructor's arguments.
SELECT_RESULTS = f"SELECT findings, sha256, {', '.join(FACTS)} FROM results"
#: What each value of such a row must be (SQLite returns int, never bool, for an INT).
_ROW_TYPES: tuple[type | tuple[type, ...], ...] = (
    (str, type(None)),
    str,
    *((kind, type(None)) for kind in FACTS.values()),
)


def encode_result(result: FileResult) -> tuple[object, ...]:
    """A result as a row of the results table (findings as compact JSON, or NULL)."""
    findings = encode_findings(result.findings) if result.findings else None
    return (result.sha256, findings, *[getattr(result, name) for name in FACTS])


def encode_findings(findings: Sequence[Diagnostic]) -> str:
    """Findings as compact JSON, without their path (the same content may be stored under
    one path and found under another)."""
    return json.dumps(
        [[d.line, d.column, d.code, d.rule, d.severity.value, d.message, d.hint] for d in findings],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode_result(row: Sequence[object]) -> FileResult | None:
    """A stored result (a row of SELECT_RESULTS), or None when anything in the row is not
    what encode_result writes."""
    if not all(map(isinstance, row, _ROW_TYPES)):
        return None
    try:
        return FileResult(decode_findings(row[0]), *row[1:])  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return None


def decode_findings(text: object) -> tuple[Diagnostic, ...]:
    """What encode_findings wrote (the path empty); ValueError or TypeError for anything else."""
    if text is None:
        return ()
    return tuple(
        Diagnostic(
            "",
            _int(line),
            _int(column),
            _str(code),
            _str(rule),
            Severity(severity),
            _str(message),
            _optional_str(hint),
        )
        for line, column, code, rule, severity, message, hint in json.loads(_str(text))
    )


def _optional_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _int(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an integer")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value
