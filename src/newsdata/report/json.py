"""The JSON report: a stable contract, documented in docs/reports.md."""

from __future__ import annotations

import json

from newsdata.diagnostics import Report

__all__ = ["render_json"]


def render_json(report: Report, strict: bool, color: bool) -> str:
    """`{"valid", "summary": {"files", "errors", "warnings"}, "diagnostics": [...]}`."""
    del color
    return json.dumps(report.to_dict(strict=strict), ensure_ascii=False, indent=2) + "\n"
