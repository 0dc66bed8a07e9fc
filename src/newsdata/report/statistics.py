"""`--statistics`: how many findings each rule made, instead of every finding (as ruff does)."""

from __future__ import annotations

import json
from collections import Counter
from typing import NamedTuple

from newsdata.diagnostics import Report, Severity
from newsdata.report.text import summary_line

__all__ = ["RuleCount", "render_statistics", "rule_counts"]


class RuleCount(NamedTuple):
    """One rule's share of a report."""

    findings: int
    code: str
    rule: str
    severity: Severity


def rule_counts(report: Report) -> list[RuleCount]:
    """Findings per (code, severity), errors first, then the most frequent, then by code."""
    counts = Counter((d.code, d.rule, d.severity) for d in report.diagnostics)
    rows = [RuleCount(n, code, rule, severity) for (code, rule, severity), n in counts.items()]
    return sorted(rows, key=lambda r: (r.severity is not Severity.ERROR, -r.findings, r.code))


def render_statistics(report: Report, fmt: str, *, strict: bool = False) -> str:
    """The counts as an aligned table and the summary line (text), or a JSON array."""
    rows = rule_counts(report)
    if fmt == "json":
        objects = [
            {"code": r.code, "rule": r.rule, "severity": r.severity.value, "count": r.findings}
            for r in rows
        ]
        return json.dumps(objects, indent=2) + "\n"
    width = max((len(str(r.findings)) for r in rows), default=1)
    lines = [f"{r.findings:>{width}}  {r.code}  {r.severity.value:<7}  {r.rule}" for r in rows]
    return "\n".join([*lines, *([""] if lines else []), summary_line(report, strict)]) + "\n"
