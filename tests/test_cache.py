"""The validation cache: hits, misses, invalidation, and caches that must not be trusted."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

import newsdata.check.cache as cache_module
import newsdata.check.engine as engine_module
from newsdata.check.cache import CACHE_FILE
from newsdata.check.pipeline import RunOptions, validate
from newsdata.config import RuleSelection, Settings
from newsdata.diagnostics import Report
from tests.conftest import TODAY
from tests.factory import PLANTED, article, plant_in_cache, without_root_file_powers

SETTINGS = Settings(today=TODAY)
MARK = PLANTED


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


def test_second_run_uses_the_cache(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _run(corpus, cache) == []
    plant_in_cache(cache)
    assert _run(corpus, cache) == [MARK] * 3


def test_an_edited_file_is_checked_again(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(corpus, cache)
    plant_in_cache(cache)
    edited = corpus / "1.txt"
    edited.write_text(article(1).replace("April 06, 2013", "April 31, 2013"), "utf-8")
    messages = _run(corpus, cache)
    assert messages.count(MARK) == 2
    assert "'April 31, 2013' is not a real date" in messages


def test_a_changed_rule_set_drops_the_cache(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(corpus, cache)
    plant_in_cache(cache)
    other = Settings(today=TODAY, selection=RuleSelection(ignore=("ND602",)))
    assert _run(corpus, cache, other) == []


@pytest.mark.parametrize("name", ["python", *engine_module.VERDICT_LIBRARIES])
def test_another_version_of_python_or_a_verdict_library_drops_the_cache(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # ftfy, anyascii, rensa and numpy decide ND109, ND502 and ND903: after an upgrade, results
    # stored by the old versions must not be reused.
    cache = tmp_path / "cache"
    _run(corpus, cache)
    plant_in_cache(cache)
    assert _run(corpus, cache) == [MARK] * 3
    upgraded = {**engine_module.verdict_versions(), name: "999.0"}
    monkeypatch.setattr(engine_module, "verdict_versions", lambda: upgraded)
    assert _run(corpus, cache) == []


def test_the_verdict_libraries_are_installed_and_not_imported_for_the_key() -> None:
    # A misspelt name would always read as "not installed" and never change the key. The key
    # is computed on validate's hot path: it reads metadata, it does not import the libraries.
    script = (
        "import sys\n"
        "from newsdata.check.engine import VERDICT_LIBRARIES, Validator, verdict_versions\n"
        "Validator().cache_key()\n"
        "print(sorted(n for n in VERDICT_LIBRARIES if n in sys.modules))\n"
        "print(sorted(n for n, v in verdict_versions().items() if v is None))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == ["[]", "[]"]


def test_a_corrupt_cache_is_rebuilt(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(corpus, cache)
    (cache / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    assert _run(corpus, cache) == []
    plant_in_cache(cache)  # the rebuilt cache is a working database again
    assert _run(corpus, cache) == [MARK] * 3


def test_a_foreign_cache_is_ignored(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(corpus, cache)
    plant_in_cache(cache)
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


def _touch_all(corpus: Path, when: int = 2_000_000_000) -> None:
    for path in corpus.iterdir():
        os.utime(path, (when, when))


def test_touched_and_renamed_files_reuse_results_by_content(corpus: Path, tmp_path: Path) -> None:
    # New file times (a fresh checkout, a restored CI cache) or a new name: the file is read
    # and hashed, and its stored result is taken, not checked again.
    cache = tmp_path / "cache"
    _run(corpus, cache)
    plant_in_cache(cache)
    _touch_all(corpus)
    (corpus / "2.txt").rename(corpus / "renamed.txt")
    assert _run(corpus, cache) == [MARK] * 3
    with sqlite3.connect(cache / CACHE_FILE) as db:
        (mtimes,) = db.execute("SELECT count(*) FROM files WHERE mtime = ?", (2 * 10**18,))
    assert mtimes == (3,)  # the new stat keys are remembered: the next run reads nothing


def test_a_copied_corpus_reuses_the_cache(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(corpus, cache)
    plant_in_cache(cache)
    copy = tmp_path / "elsewhere" / "raw"
    shutil.copytree(corpus, copy)
    assert _run(copy, cache) == [MARK] * 3


def test_files_with_the_same_content_reused_keep_their_own_findings(
    corpus: Path, tmp_path: Path
) -> None:
    # Two files share a content hash, so one stored result: each still gets its findings and
    # its place in the near-duplicate index.
    shutil.copy(corpus / "0.txt", corpus / "copy.txt")
    text = article(0)
    last = text.rindex(".\n\nOriginal url:")  # the body's last word changed: a near copy
    near = text[: last - 1] + "x" + text[last:]
    # Named to come first: the later of the two identical files must keep its signature.
    (corpus / "0-near.txt").write_text(near.replace("story-0", "story-near"), "utf-8")
    cache = tmp_path / "cache"
    first = validate([str(corpus)], SETTINGS, RunOptions(cache_dir=cache, jobs=1))
    assert {d.code for d in first.diagnostics} == {"ND901", "ND902", "ND903"}
    _touch_all(corpus)
    second = validate([str(corpus)], SETTINGS, RunOptions(cache_dir=cache, jobs=1))
    assert second.diagnostics == first.diagnostics


def test_a_reused_result_that_does_not_decode_is_checked_again(
    corpus: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    _run(corpus, cache)
    with sqlite3.connect(cache / CACHE_FILE) as db:
        db.execute("UPDATE results SET findings = 'not json'")
    _touch_all(corpus)
    assert _run(corpus, cache) == []
    plant_in_cache(cache)
    assert _run(corpus, cache) == [MARK] * 3  # checked again, stored again, used again


def test_a_known_content_under_a_name_that_is_not_utf8_is_still_reported(
    corpus: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    _run(corpus, cache)
    bad = os.fsencode(corpus) + b"/caf\xe9.txt"
    with open(bad, "wb") as handle:  # noqa: PTH123 (a bytes path)
        handle.write((corpus / "0.txt").read_bytes())
    report = validate([str(corpus)], SETTINGS, RunOptions(cache_dir=cache, jobs=1))
    assert "ND110" in {d.code for d in report.diagnostics}


def _rows(cache: Path) -> tuple[set[str], int]:
    with sqlite3.connect(cache / CACHE_FILE) as db:
        paths = {Path(row[0]).name for row in db.execute("SELECT path FROM files")}
        (results,) = db.execute("SELECT count(*) FROM results").fetchone()
    return paths, results


def test_the_cache_forgets_deleted_files_and_old_contents(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "PRUNE_AT_LEAST", 1)
    cache = tmp_path / "cache"
    options = RunOptions(cache_dir=cache, jobs=1, root=tmp_path)  # raw/ is the corpus
    validate([str(corpus)], SETTINGS, options)
    assert _rows(cache) == ({"0.txt", "1.txt", "2.txt"}, 3)
    (corpus / "1.txt").write_text(article(7), "utf-8")
    (corpus / "2.txt").unlink()
    validate([str(corpus)], SETTINGS, options)
    assert _rows(cache) == ({"0.txt", "1.txt"}, 2)


def test_pruning_keeps_what_other_folders_stored(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "PRUNE_AT_LEAST", 1)
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "note.txt").write_text(article(9), "utf-8")
    cache = tmp_path / "cache"
    options = RunOptions(cache_dir=cache, jobs=1, root=tmp_path)
    validate([str(other)], SETTINGS, options)
    validate([str(corpus)], SETTINGS, options)
    (corpus / "2.txt").unlink()
    validate([str(corpus)], SETTINGS, options)  # prunes 2.txt, not note.txt
    assert _rows(cache) == ({"0.txt", "1.txt", "note.txt"}, 3)
    plant_in_cache(cache)
    report = validate([str(other)], SETTINGS, options)
    assert [d.message for d in report.diagnostics] == [MARK]


def test_a_small_amount_of_staleness_is_left_alone(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    options = RunOptions(cache_dir=cache, jobs=1, root=tmp_path)
    validate([str(corpus)], SETTINGS, options)
    (corpus / "2.txt").unlink()
    validate([str(corpus)], SETTINGS, options)
    assert _rows(cache) == ({"0.txt", "1.txt", "2.txt"}, 3)  # under PRUNE_AT_LEAST: no work


def test_a_result_survives_the_trip_from_a_worker() -> None:
    # Results cross from worker processes by pickle, through their own compact __reduce__:
    # every field, findings included, must come back equal.
    import dataclasses
    import pickle

    from newsdata.check.results import FACTS, FileResult
    from newsdata.diagnostics import Diagnostic, Severity

    finding = Diagnostic("a.txt", 3, 7, "ND601", "split-paragraph", Severity.WARNING, "m", "h")
    samples = {str: "2013-04-06", int: 9, bytes: bytes(range(256)) * 2}
    values = {
        "findings": (finding,),
        "sha256": "ab" * 32,
        **{name: samples[kind] for name, kind in FACTS.items()},
        "reused": True,
    }
    assert set(values) == {f.name for f in dataclasses.fields(FileResult)}
    result = FileResult(**values)  # type: ignore[arg-type]
    back = pickle.loads(pickle.dumps(result))
    assert back == result
    assert back.findings[0] == finding and back.findings[0] is not finding


def _report(corpus: Path, cache: Path) -> Report:
    return validate([str(corpus)], SETTINGS, RunOptions(cache_dir=cache, jobs=1))


def _overwrite(path: Path, offset: int) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(b"\xff" * 4096)


STORED_TABLES = {"corpus", "dirty", "lookups", "verdict"}


def _damages(cache: Path) -> dict[str, Callable[[Path], object]]:
    """Ways a cache file gets damaged: 4 KiB of 0xFF over the header and over each table and
    index the cache reads or writes, garbage, a truncation."""
    with sqlite3.connect(cache / CACHE_FILE) as db:
        # (meta's primary-key index is never read or written after the cache is made: damage
        # there changes nothing, and nothing notices it.)
        # The stored corpus index's and verdict's tables are read and written in git
        # repositories only (tests/test_partial.py and tests/test_replay.py damage them there).
        roots = {
            name: page
            for name, page, table in db.execute(
                "SELECT name, rootpage, tbl_name FROM sqlite_master WHERE name != ?",
                ["sqlite_autoindex_meta_1"],
            )
            if table not in STORED_TABLES
        }
    # Closed now: left to the garbage collector, its closing (which deletes the WAL file)
    # could fall inside the copytree of the healthy cache below.
    db.close()
    ways: dict[str, Callable[[Path], object]] = {
        f"0xFF over {name}": partial(_overwrite, offset=(page - 1) * 4096)
        for name, page in {"the header": 1, **roots}.items()
    }
    ways["garbage"] = lambda path: path.write_bytes(b"this is not a database" * 100)
    ways["truncated to 10 bytes"] = lambda path: os.truncate(path, 10)
    return ways


def test_a_damaged_cache_is_rebuilt_once(corpus: Path, tmp_path: Path) -> None:
    # One warning on the run that finds the damage (one file edited: the run reads the cache
    # and writes to it); the cache is rebuilt, and the next run is clean and uses it.
    healthy = tmp_path / "healthy"
    assert _report(corpus, healthy).notes == ()
    edited = corpus / "1.txt"
    for number, (name, damage) in enumerate(_damages(healthy).items()):
        cache = tmp_path / f"damaged-{number}"
        shutil.copytree(healthy, cache)
        damage(cache / CACHE_FILE)
        edited.write_text(article(100 + number), "utf-8")
        found = _report(corpus, cache)
        assert found.diagnostics == (), name
        assert len(found.notes) == 1, (name, found.notes)
        assert "cache was damaged" in found.notes[0], (name, found.notes)
        again = _report(corpus, cache)
        assert again.notes == (), (name, again.notes)
        plant_in_cache(cache)  # the rebuilt cache holds the results, and this run reads them
        assert _run(corpus, cache) == [MARK] * 3, name


def _cli_validate(
    root: Path, *, limit: int | None = None, unprivileged: bool = False
) -> subprocess.CompletedProcess[str]:
    """`newsdata validate raw --cache-dir cache` in a process that cannot write files beyond
    `limit` bytes (writes fail with EFBIG, as on a full disk), or (`unprivileged`) that file
    permissions stop even when the tests run as root."""

    def constrain() -> None:  # runs in the child, before newsdata starts
        if limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        if unprivileged:
            without_root_file_powers()

    code = "import sys; from newsdata.cli import main; sys.exit(main())"
    return subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "validate",
            "raw",
            "--cache-dir",
            "cache",
            "--jobs",
            "1",
        ],
        cwd=root,
        preexec_fn=constrain,
        capture_output=True,
        text=True,
        check=False,
    )


def _data_repository(root: Path, files: int) -> Path:
    raw = root / "raw"
    raw.mkdir(parents=True)
    for number in range(files):
        (raw / f"{number}.txt").write_text(article(number), "utf-8")
    (raw / "bad.txt").write_text(article(999).replace("April 06, 2013", "April 31, 2013"))
    return root


def _assert_full_report_and_one_warning(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stderr  # the findings' exit code
    assert "'April 31, 2013' is not a real date" in done.stdout
    assert "1 error" in done.stdout.splitlines()[-1]
    (warning,) = done.stderr.splitlines()
    assert warning.startswith("warning: cache not "), warning
    return warning


@pytest.mark.parametrize(
    ("limit", "files", "failing"),
    [
        (0, 3, "used"),  # not even the cache folder's .gitignore
        (5_000, 3, "used"),  # the database cannot be created
        (40_000, 3, "used"),
        (131_072, 120, "written"),  # created, but the results do not fit
    ],
)
def test_a_cache_that_cannot_be_written_costs_only_a_warning(
    tmp_path: Path, limit: int, files: int, failing: str
) -> None:
    root = _data_repository(tmp_path, files)
    warning = _cli_validate(root, limit=limit)
    assert f"cache not {failing}" in _assert_full_report_and_one_warning(warning)
    # Nothing half-made is left to trip the next run: it makes the cache and uses it.
    assert _cli_validate(root).stderr == ""
    assert _cli_validate(root).stderr == ""
    assert (root / "cache" / ".gitignore").read_text().endswith("*\n")


def test_a_read_only_cache_costs_only_a_warning(tmp_path: Path) -> None:
    root = _data_repository(tmp_path, 3)
    assert _cli_validate(root).returncode == 1  # a healthy cache
    (root / "cache").chmod(0o555)
    try:
        done = _cli_validate(root, unprivileged=True)
    finally:
        (root / "cache").chmod(0o755)
    _assert_full_report_and_one_warning(done)
