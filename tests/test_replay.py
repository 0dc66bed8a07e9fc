"""A full run that nothing changed since the last one takes its verdict (check/replay.py).

The reference is a full, uncached run: whatever changed between two runs (or nothing), the
second run through the cache must report exactly what it reports.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from newsdata.check import replay
from newsdata.check.cache import CACHE_FILE
from newsdata.check.pipeline import RunOptions, validate
from newsdata.config import Settings
from newsdata.diagnostics import Report
from tests.factory import article, commit
from tests.test_partial import SETTINGS, answers, change, committed, findings, reads


def replays() -> AbstractContextManager[list[bool]]:
    """Whether full runs meanwhile took the last one's verdict (one entry a run that asked)."""
    return answers(replay, "replayed", lambda found: found is not None)


def full(repo: Path, cache: Path | None, settings: Settings = SETTINGS) -> Report:
    options = RunOptions(jobs=1, root=repo, use_cache=cache is not None, cache_dir=cache)
    return validate([str(repo / "raw")], settings, options)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for number in range(8):
        path = tmp_path / "repo" / "raw" / f"site{number % 2}" / f"{number}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(number), "utf-8")
    copy = tmp_path / "repo" / "raw" / "site1" / "copy.txt"
    copy.write_text(article(2), "utf-8")  # ND901 and ND902
    commit(tmp_path / "repo")
    return tmp_path / "repo"


def test_a_second_full_run_reads_nothing_and_reports_the_same(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = full(repo, cache)
    assert {d.code for d in first.diagnostics} == {"ND901", "ND902"}
    with replays() as used, reads() as opened:
        second = full(repo, cache)
    assert used == [True]
    assert opened == []
    assert findings(second) == findings(first) == findings(full(repo, None))


@pytest.mark.parametrize(
    "what",
    ["edit", "untracked", "commit", "delete", "fifo", "folder"],
)
def test_any_change_means_the_corpus_is_checked(repo: Path, tmp_path: Path, what: str) -> None:
    cache = tmp_path / "cache"
    full(repo, cache)
    site = repo / "raw" / "site0"
    if what == "edit":
        (site / "0.txt").write_text(article(5), "utf-8")  # a copy of 5.txt now
    elif what == "untracked":
        (site / "new.txt").write_text(article(3), "utf-8")
    elif what == "commit":
        (site / "0.txt").write_text(article(5), "utf-8")
        commit(repo, "edit")
    elif what == "delete":
        (repo / "raw" / "site1" / "copy.txt").unlink()
    elif what == "fifo":
        os.mkfifo(site / "pipe.txt")  # git does not see it; the walk does
    else:
        (site / "empty.txt").mkdir()  # nor this
    with replays() as used:
        again = full(repo, cache)
    assert used == [False]
    assert findings(again) == findings(full(repo, None))


def test_the_rules_of_the_day_are_judged_again(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = Settings(today=dt.date(2013, 4, 1))  # the articles are dated April 6, 2013
    assert "ND304" in {d.code for d in full(repo, cache, before).diagnostics}
    with replays() as used:
        later = full(repo, cache)
    assert used == [True]
    assert findings(later) == findings(full(repo, None))
    assert "ND304" not in {d.code for d in later.diagnostics}


def test_another_question_is_not_answered_with_the_last_verdict(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    full(repo, cache)
    fewer = SETTINGS.with_cli(select=["ND9"], ignore=["ND902"])
    with replays() as used:
        report = full(repo, cache, fewer)
    assert used == [False]
    assert {d.code for d in report.diagnostics} == {"ND901"}
    monkeypatch.chdir(repo / "raw")  # findings show other paths from elsewhere
    with replays() as used:
        assert findings(full(repo, cache)) == findings(full(repo, None))
    assert used == [False]


def test_a_damaged_verdict_is_not_used(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = full(repo, cache)
    with sqlite3.connect(cache / CACHE_FILE) as db:
        db.execute("UPDATE verdict SET findings = '[[1, 2]]'")
    db.close()
    with replays() as used:
        assert findings(full(repo, cache)) == findings(first)
    assert used == [False]


@hypothesis_settings(
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_full_run_through_the_cache_finds_what_an_uncached_one_finds(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    repo, cache, files = committed(tmp_path_factory, data)
    full(repo, cache)  # its verdict stored
    if data.draw(st.booleans(), label="change"):
        change(repo, files, data)
    assert findings(full(repo, cache)) == findings(full(repo, None))
