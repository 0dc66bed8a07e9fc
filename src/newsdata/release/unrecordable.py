"""Why a file that passed validation makes no record: the findings the configuration hid."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from newsdata.articles import parse, record_gaps
from newsdata.check.rawtext import parse_text
from newsdata.check.reading import decode
from newsdata.config import RuleSelection, Settings
from newsdata.diagnostics import Diagnostic, Severity

__all__ = ["unrecordable_reason"]


def unrecordable_reason(root: Path, relative: str, settings: Settings, sha256: str) -> str:
    """The message for a file validation passed (its bytes had `sha256`) that makes no record:
    the rules whose errors the configuration ignores or lowers, and what the record needs."""
    try:
        data = (root / relative).read_bytes()
    except OSError as error:
        return f"{relative} cannot be read any more ({error.strerror or error}): nothing written"
    if hashlib.sha256(data).hexdigest() != sha256:
        return f"{relative} changed while packaging: it no longer parses; nothing written"
    needs = " and ".join(record_gaps(parse_text(decode(data)[0]))) or "valid parts"
    hidden = [_hidden(finding, settings) for finding in _default_errors(data, relative, settings)]
    reason = "; ".join(h for h in hidden if h) or "it was validated with rules turned off"
    return (
        f"{relative} cannot become a record: {reason}, but the record needs {needs}; "
        "fix the file (nothing written)"
    )


def _default_errors(data: bytes, relative: str, settings: Settings) -> list[Diagnostic]:
    """The file's errors under the default rule selection (every rule, default severities)."""
    _, findings = parse(data, relative, replace(settings, selection=RuleSelection()))
    return [f for f in findings if f.severity is Severity.ERROR]


def _hidden(finding: Diagnostic, settings: Settings) -> str | None:
    """How the configuration hides an error finding, or None if it does not."""
    decided = settings.selection.decide(finding.code, Severity.ERROR)
    if decided is Severity.ERROR:
        return None
    where = f"line {finding.line}: " if finding.line else ""
    how = "ignored by" if decided is None else "only a warning in"
    return f"{finding.code} {finding.rule} ({where}{finding.message}) is {how} your configuration"
