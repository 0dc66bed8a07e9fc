"""A file's facts are declared once (FileResult's `fact()` fields): the worker pipe, the cache
and the corpus index carry every one of them, so a new fact is one field plus its code."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import newsdata
from newsdata.check.cache import CACHE_FILE, ResultCache, stat_key
from newsdata.check.results import FACTS, FileResult
from tests.factory import article

SRC = Path(newsdata.__file__).parent

#: A corpus rule of a plugin that reports, on each file, the fact the test adds.
PLUGIN = """
from newsdata.diagnostics import Diagnostic, Severity
from newsdata.rules import CorpusRule


class ParagraphCount(CorpusRule):
    \"\"\"Says how many paragraphs each file has, as its facts in the index tell.\"\"\"

    code = "XF901"
    name = "paragraph-count"
    severity = Severity.WARNING

    def check_corpus(self, index, settings):
        for entry in index.entries:
            said = f"{entry.facts.paragraphs} paragraphs"
            shown = entry.file.shown
            yield Diagnostic(shown, None, None, self.code, self.name, self.severity, said)


RULES = [ParagraphCount]
"""

#: Two validations with a cache, each file checked by a worker process (a batch per file).
PROGRAM = """
import json
import sys
from pathlib import Path

import newsdata.check.parallel
from newsdata.config import RuleSelection, Settings
from newsdata.check.pipeline import RunOptions, validate

if __name__ == "__main__":
    newsdata.check.parallel.BATCH_SIZE = 1
    raw, cache, plugin = map(Path, sys.argv[1:])
    settings = Settings(selection=RuleSelection(select=("XF",)), plugins=(plugin,))
    report = validate([str(raw)], settings, RunOptions(cache_dir=cache, jobs=2, root=raw.parent))
    print(json.dumps(sorted(d.message for d in report.diagnostics)))
"""


def _with_a_new_fact(tmp_path: Path) -> Path:
    """A copy of newsdata with one more fact, `paragraphs`: its field and the code that
    computes it, nothing else."""
    copy = tmp_path / "src" / "newsdata"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    field = "    signature: bytes | None = fact()\n"
    _add_line(copy / "check" / "results.py", field, "    paragraphs: int | None = fact()\n")
    code = "        published=doc.published.isoformat() if doc.published else None,\n"
    _add_line(copy / "check" / "engine.py", code, "        paragraphs=len(doc.paragraphs),\n")
    return copy.parent


def _add_line(path: Path, after: str, line: str) -> None:
    source = path.read_text("utf-8")
    assert source.count(after) == 1, f"{path.name} changed: the test must say where a fact goes"
    path.write_text(source.replace(after, after + line), "utf-8")


def _validate(src: Path, raw: Path, cache: Path, plugin: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(raw), str(cache), str(plugin)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(src)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


def test_a_new_fact_is_one_field_and_its_code(tmp_path: Path) -> None:
    # The fact crosses from the worker processes, is stored in the cache (a column of its
    # own), and reaches a corpus rule through the index, fresh and cached alike.
    src = _with_a_new_fact(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    for number in range(3):
        (raw / f"{number}.txt").write_text(article(number), "utf-8")  # six paragraphs each
    plugin = tmp_path / "rules.py"
    plugin.write_text(PLUGIN, "utf-8")
    cache = tmp_path / "cache"
    assert _validate(src, raw, cache, plugin) == ["6 paragraphs"] * 3
    with sqlite3.connect(cache / CACHE_FILE) as db:
        db.execute("UPDATE results SET paragraphs = paragraphs + 100")
    db.close()
    assert _validate(src, raw, cache, plugin) == ["106 paragraphs"] * 3  # read from the cache


def test_the_cache_has_a_column_of_each_facts_type(tmp_path: Path) -> None:
    ResultCache(tmp_path, "key").close()
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        columns = [(name, kind) for _, name, kind, *_ in db.execute("PRAGMA table_info(results)")]
    db.close()
    declared = [f.name for f in dataclasses.fields(FileResult) if f.metadata.get("fact")]
    assert [name for name, _ in columns] == ["sha256", "findings", *declared]
    sql = {str: "TEXT", int: "INT", bytes: "BLOB"}
    assert columns[2:] == [(name, sql[FACTS[name]]) for name in declared]


def test_every_fact_comes_back_from_the_cache(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_text("x", "utf-8")
    samples = {str: "text", int: 7, bytes: b"\x00\xff"}
    facts = {name: samples[kind] for name, kind in FACTS.items()}
    stored = FileResult((), sha256="ab" * 32, **facts)  # type: ignore[arg-type]
    key = stat_key(file.stat())
    cache = ResultCache(tmp_path / "cache", "key")
    cache.store([(str(file), key, stored)])
    cache.close()
    again = ResultCache(tmp_path / "cache", "key")
    assert again.unchanged({str(file): key}) == {str(file): stored}
    again.close()


def test_a_stored_fact_of_the_wrong_type_is_a_miss(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_text("x", "utf-8")
    key = stat_key(file.stat())
    cache = ResultCache(tmp_path / "cache", "key")
    cache.store([(str(file), key, FileResult((), sha256="ab" * 32, url_line=3))])
    cache.close()
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as db:
        db.execute("UPDATE results SET url_line = 'three'")
    db.close()
    again = ResultCache(tmp_path / "cache", "key")
    assert again.unchanged({str(file): key}) == {}
    again.close()
