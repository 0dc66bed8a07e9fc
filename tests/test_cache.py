"""The validation cache: hits, misses, invalidation, and caches that must not be trusted."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from newsdata.cache import CACHE_FILE
from newsdata.config import RuleSelection, Settings
from newsdata.pipeline import RunOptions, validate
from tests.conftest import TODAY
from tests.factory import article

SETTINGS = Settings(today=TODAY)
MARK = "planted in the cache"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for number in range(3):
        (raw / f"{number}.txt").write_text(article(number), "utf-8")
    return raw


def _run(corpus: Path, cache: Path, settings: Settings = SETTINGS) -> list[str]:
    report = validate([str(corpus)], settings, RunOptions(cache_dir=cache, jobs=1))
    return [d.message for d in report.diagnostics]


def _plant(cache: Path) -> None:
    """Put a fake finding into every cached result: it shows up only if the cache is used."""
    finding = [[1, None, "ND201", "missing-title", "error", MARK, None]]
    with sqlite3.connect(cache / CACHE_FILE) as db:
        db.execute("UPDATE results SET findings = ?", (json.dumps(finding),))


def test_second_run_uses_the_cache(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _run(corpus, cache) == []
    _plant(cache)
    assert _run(corpus, cache) == [MARK] * 3


def test_an_edited_file_is_checked_again(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(corpus, cache)
    _plant(cache)
    edited = corpus / "1.txt"
    edited.write_text(article(1).replace("April 06, 2013", "April 31, 2013"), "utf-8")
    messages = _run(corpus, cache)
    assert messages.count(MARK) == 2
    assert "'April 31, 2013' is not a real date" in messages


def test_a_changed_rule_set_drops_the_cache(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(corpus, cache)
    _plant(cache)
    other = Settings(today=TODAY, selection=RuleSelection(ignore=("ND602",)))
    assert _run(corpus, cache, other) == []


def test_a_corrupt_cache_is_rebuilt(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(corpus, cache)
    (cache / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    assert _run(corpus, cache) == []
    _plant(cache)  # the rebuilt cache is a working database again
    assert _run(corpus, cache) == [MARK] * 3


def test_a_foreign_cache_is_ignored(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(corpus, cache)
    _plant(cache)
    with sqlite3.connect(cache / CACHE_FILE) as db:
        db.execute("UPDATE meta SET value = 'someone else' WHERE name = 'key'")
    assert _run(corpus, cache) == []


def test_a_malformed_row_is_a_miss(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(corpus, cache)
    with sqlite3.connect(cache / CACHE_FILE) as db:
        db.execute('UPDATE results SET findings = \'[["not", "a", "finding"]]\'')
    assert _run(corpus, cache) == []


def test_no_cache_writes_nothing(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    validate([str(corpus)], SETTINGS, RunOptions(cache_dir=cache, use_cache=False))
    assert not cache.exists()


def test_cache_folder_is_git_ignored(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(corpus, cache)
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"


def test_future_dates_are_judged_on_the_day_of_the_run(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    later = corpus / "later.txt"
    later.write_text(
        article(7)
        .replace("April 06, 2013", "December 25, 2026")
        .replace("2013/04/06", "2026/12/25"),
        "utf-8",
    )
    assert any("in the future" in m for m in _run(corpus, cache))
    next_year = Settings(today=TODAY.replace(year=2027))
    assert not any("in the future" in m for m in _run(corpus, cache, next_year))


def test_results_cached_without_a_signature_are_not_trusted_for_near_duplicates(
    tmp_path: Path,
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    original = article(1)
    (raw / "a.txt").write_text(original, "utf-8")
    near = original.replace("story-1", "story-1-copy").replace(
        "Original url:", "One more closing sentence.\n\nOriginal url:"
    )
    (raw / "b.txt").write_text(near, "utf-8")
    cache = tmp_path / "cache"
    no_near = Settings(today=TODAY, selection=RuleSelection(ignore=("ND903",)))
    validate([str(raw / "a.txt")], SETTINGS, RunOptions(cache_dir=cache, jobs=1))  # one file
    validate([str(raw)], no_near, RunOptions(cache_dir=cache, jobs=1))  # no signatures needed
    report = validate([str(raw)], SETTINGS, RunOptions(cache_dir=cache, jobs=1))
    assert [d.code for d in report.diagnostics] == ["ND903"]
