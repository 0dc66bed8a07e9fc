"""SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards."""

from __future__ import annotations

import inspect
import json
import os
from urllib.parse import quote

from newsdata import __version__
from newsdata.diagnostics import Diagnostic, Report
from newsdata.storage import is_url

__all__ = ["render_sarif"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DOCS = "https://github.com/newsdata/newsdata/blob/main/docs/rules.md"


def _rules() -> list[dict[str, object]]:
    from newsdata.rules import all_rules

    described: list[dict[str, object]] = []
    for rule in all_rules():
        doc = inspect.cleandoc(type(rule).__doc__ or "")
        described.append(
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": doc.splitlines()[0] if doc else rule.name},
                "fullDescription": {"text": doc or rule.name},
                "helpUri": f"{DOCS}#{rule.code.lower()}",
                "defaultConfiguration": {"level": rule.severity.value},
            }
        )
    return described


def _uri(path: str) -> str:
    """A relative reference for a local path; an object's URL kept a URL (its `scheme://`
    unquoted, the rest quoted as a path)."""
    if is_url(path):
        scheme, _, rest = path.partition("://")
        return f"{scheme}://{quote(rest)}"
    return quote(path.replace(os.sep, "/"))


def _result(diagnostic: Diagnostic, rule_index: dict[str, int]) -> dict[str, object]:
    location: dict[str, object] = {"artifactLocation": {"uri": _uri(diagnostic.path)}}
    if diagnostic.line is not None:
        region: dict[str, int] = {"startLine": diagnostic.line}
        if diagnostic.column is not None:
            region["startColumn"] = diagnostic.column
        location["region"] = region
    message = diagnostic.message + (f" (hint: {diagnostic.hint})" if diagnostic.hint else "")
    return {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index[diagnostic.code],
        "level": diagnostic.severity.value,
        "message": {"text": message},
        "locations": [{"physicalLocation": location}],
    }


def render_sarif(report: Report, strict: bool, color: bool) -> str:
    """One SARIF run: the rules as the tool's driver, each finding as a result."""
    del strict, color
    rules = _rules()
    rule_index = {str(rule["id"]): i for i, rule in enumerate(rules)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "newsdata",
                        "version": __version__,
                        "informationUri": "https://github.com/newsdata/newsdata",
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, rule_index) for d in report.diagnostics],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
