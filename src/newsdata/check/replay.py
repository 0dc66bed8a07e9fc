"""A full run over a corpus nothing changed in since the last one: that run's verdict again.

A full run in a git repository (the whole corpus checked, with the cache) stores its verdict
in the cache: the findings that do not depend on the day, the facts of every file (for the
rules that do), and the state it was made in: the corpus tree in HEAD, the files that
differed from it with their stat keys, and a digest of the walk (every path found and what
stops reading it). The next full run walks the corpus as ever. When the walk gives the same
digest, git reports the same tree and the same changed files with the same stat keys, and the
run was asked the same way (the same paths from the same working folder: the cache itself is
kept per rule set and tool version), the stored verdict is this run's: the day's rules are
judged again from the stored facts, and no file is read, no result loaded, no corpus rule run.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from newsdata.check.cache import ResultCache, stat_key
from newsdata.check.results import FACTS
from newsdata.check.rows import decode_findings, decode_result, encode_findings
from newsdata.diagnostics import Diagnostic
from newsdata.git import CorpusState, corpus_state

if TYPE_CHECKING:
    from newsdata.check.caching import Unit
    from newsdata.check.engine import Validator

__all__ = ["replayed", "save"]

#: A file's facts as stored (its table: check/cache.py): what a rule of the day may read, the
#: signature aside, in the order of a row of the results table (check/rows.py), which decodes
#: them.
_FACTS = ("sha256", *(name for name in FACTS if name != "signature"))


def _asked(validator: Validator, paths: Sequence[str | os.PathLike[str]], real: str) -> str:
    """How a run was asked for: the paths as given and from which working folder (the paths
    its findings show depend on both), which corpus, and everything a verdict depends on
    beyond the files: the cache's key (per-file checking), and the corpus rules, the rules of
    the day and their settings (the code of all of them is in the cache key's digest)."""
    settings = validator.settings
    material = [
        str(Path.cwd()),
        real,
        [os.fspath(p) for p in paths],
        validator.cache_key(),
        [(r.code, s.value) for r, s in validator.volatile_rules],
        [(r.code, s.value) for r, s in validator.corpus_rules],
        settings.near_duplicate_threshold,
        str(settings.selection),
        _code_digest(),
    ]
    text = json.dumps(material, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


@cache
def _code_digest() -> str:
    """The code that turns facts into corpus findings, beyond the cache key's digest."""
    folder = Path(__file__).parent
    return hashlib.sha256(b"".join((folder / n).read_bytes() for n in _CODE)).hexdigest()


_CODE = ("index.py", "replay.py", "pipeline.py")


def _state(units: Sequence[Unit], corpus: CorpusState, real: str) -> str:
    """The state a verdict holds for: the walk's digest, the tree, the changed files' stats."""
    targets = [u.target for u in units]
    walk = hashlib.sha256()
    for part in (
        [t.file.walked for t in targets],
        [t.file.identity for t in targets],
        [f"{n}\1{t.problem}\1{t.detail}" for n, t in enumerate(targets) if t.problem],
    ):
        walk.update("\0".join(part).encode("utf-8", "surrogateescape") + b"\1")
    changed: dict[str, object] = {}
    for relative in sorted(corpus.changed):
        try:
            changed[relative] = stat_key(Path(real, relative).stat())
        except OSError:
            changed[relative] = None  # deleted
    return json.dumps([walk.hexdigest(), corpus.tree, changed], ensure_ascii=False)


def replayed(
    cache: ResultCache,
    validator: Validator,
    paths: Sequence[str | os.PathLike[str]],
    units: Sequence[Unit],
    corpus: Path,
) -> list[Diagnostic] | None:
    """The stored verdict's findings, the day's rules judged again, when it holds for this
    full run (see the module's docstring); else None."""
    state = corpus_state(corpus)
    if state is None:
        return None
    real = os.path.realpath(corpus) + os.sep
    try:
        row = cache.db.execute(
            "SELECT state, findings, facts FROM verdict WHERE asked = ?",
            [_asked(validator, paths, real)],
        ).fetchone()
    except sqlite3.Error as error:
        cache.failed(error)  # a damaged database is rebuilt (with a warning)
        return None
    if row is None or row[0] != _state(units, state, real):
        return None
    try:
        found = [
            replace(finding, path=_text(path))
            for path, encoded in json.loads(row[1])
            for finding in decode_findings(encoded)
        ]
        stored = [(shown, decode_result((None, *f, None))) for shown, *f in json.loads(row[2])]
    except (ValueError, TypeError):
        return None  # not what save wrote: the run checks instead
    dated = [(shown, facts) for shown, facts in stored if isinstance(shown, str) and facts]
    if len(dated) != len(stored):
        return None
    return found + validator.check_volatile(dated)


def save(
    cache: ResultCache,
    validator: Validator,
    paths: Sequence[str | os.PathLike[str]],
    units: Sequence[Unit],
    state: CorpusState,
    findings: Sequence[Diagnostic],
) -> None:
    """Store a full run's verdict: its findings (those of the day's rules aside), its files'
    facts, and `state`, git's view after the run's reads."""
    real = os.path.realpath(state.top / state.prefix) + os.sep
    daily = {rule.code for rule, _ in validator.volatile_rules}
    by_path: dict[str, list[Diagnostic]] = {}
    for finding in findings:
        if finding.code not in daily:
            by_path.setdefault(finding.path, []).append(finding)
    kept = [[path, encode_findings(found)] for path, found in by_path.items()]
    facts = [
        [u.target.file.shown, *(getattr(u.result, name) for name in _FACTS)]
        for u in units
        if u.result is not None and daily
    ]
    row = [
        _asked(validator, paths, real),
        _state(units, state, real),
        json.dumps(kept),
        json.dumps(facts),
    ]
    try:
        with cache.db:
            cache.db.execute("DELETE FROM verdict")
            cache.db.execute("INSERT INTO verdict VALUES (?, ?, ?, ?)", row)
    except sqlite3.Error as error:
        cache.failed(error)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not a path")
    return value
