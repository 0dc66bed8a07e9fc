"""Runs over a few files of a corpus through the stored corpus index (check/partial.py).

The reference is a full, uncached run that walks the whole corpus (`--no-cache`): a run over
the same files through the index must give exactly its findings, whatever was edited, renamed,
deleted or added since the index was made, committed or not.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from newsdata.changes import changed_files
from newsdata.check import partial
from newsdata.check.cache import CACHE_FILE
from newsdata.check.pipeline import RunOptions, run
from newsdata.check.stored import StoredIndex, value_key, value_keys
from newsdata.config import Settings
from newsdata.diagnostics import Report
from tests.conftest import TODAY
from tests.factory import article, commit, git

SETTINGS = Settings(today=TODAY)

#: Paths of article files opened (for reading) in this process, while a test listens.
_OPENED: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    path = args[0] if args else None
    if _OPENED is not None and event == "open" and isinstance(path, str) and path.endswith(".txt"):
        _OPENED.append(path)


sys.addaudithook(_audit)


@contextmanager
def reads() -> Iterator[list[str]]:
    """The article files this process opens meanwhile (runs here use one process)."""
    global _OPENED
    _OPENED = []
    try:
        yield _OPENED
    finally:
        _OPENED = None


@contextmanager
def answers(owner: object, name: str, served: Callable[[Any], bool]) -> Iterator[list[bool]]:
    """Whether each call meanwhile of `owner.name` served (judged from what it returned)."""
    used: list[bool] = []
    plain = getattr(owner, name)

    def watched(*args: Any, **kwargs: Any) -> Any:
        found = plain(*args, **kwargs)
        used.append(served(found))
        return found

    setattr(owner, name, watched)
    try:
        yield used
    finally:
        setattr(owner, name, plain)


def through_index() -> AbstractContextManager[list[bool]]:
    """Whether runs meanwhile compared their files with the stored index (one entry a run)."""
    return answers(partial, "delta", lambda found: found[0] is not None)


def check(repo: Path, paths: list[Path], cache: Path | None) -> Report:
    """A run over `paths` (one process; with the cache in `cache`, or none at all)."""
    options = RunOptions(jobs=1, root=repo, use_cache=cache is not None, cache_dir=cache)
    return run([str(p) for p in paths], SETTINGS, options).report


def findings(report: Report) -> list[tuple[object, ...]]:
    return [(d.path, d.line, d.code, d.severity, d.message) for d in report.diagnostics] + [
        ("files", report.files)
    ]


def _one_word_changed(text: str) -> str:
    head, separator, body = text.partition("The Moscow Times\n\n")
    words = body.split(" ")
    words[len(words) // 3] = "zebra"
    return head + separator + " ".join(words)


def _url_of(text: str) -> str:
    return text.rstrip("\n").rsplit("\n", 1)[1]


def variant(kind: str, number: int, other: str) -> str:
    """A new article of some kind: new, a near-duplicate, or sharing the URL or body of
    `other`."""
    text = article(number)
    if kind == "near":
        return _one_word_changed(other)
    if kind == "same-url":
        return text.replace(_url_of(text), _url_of(other))
    if kind == "same-body":
        return other.replace(_url_of(other), _url_of(text))
    if kind == "copy":
        return other
    return text


def committed(
    folders: pytest.TempPathFactory, data: st.DataObject
) -> tuple[Path, Path, dict[Path, str]]:
    """A random corpus committed, and a cache a full run of it filled (the stored index)."""
    repo, cache = folders.mktemp("repo"), folders.mktemp("cache")
    files = build(repo, data)
    commit(repo)
    check(repo, [repo / "raw"], cache)
    return repo, cache, files


KINDS = st.sampled_from(["new", "new", "near", "same-url", "same-body", "copy"])
NAMES = st.text(alphabet="abxyz-_0", min_size=1, max_size=4)


def build(repo: Path, data: st.DataObject) -> dict[Path, str]:
    files: dict[Path, str] = {}
    count = data.draw(st.integers(3, 9), label="files")
    for number in range(count):
        site = data.draw(st.sampled_from(["a", "b", "b-c"]), label="site")
        path = repo / "raw" / site / f"{data.draw(NAMES, label='name')}-{number}.txt"
        others = list(files.values())
        kind = data.draw(KINDS, label="kind") if others else "new"
        other = data.draw(st.sampled_from(others)) if others else ""
        files[path] = variant(kind, number, other)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return files


def change(repo: Path, files: dict[Path, str], data: st.DataObject) -> None:
    """Edits, renames, deletions and additions; some committed, some not."""
    for step in range(data.draw(st.integers(1, 4), label="changes")):
        current = sorted(p for p in files if p.exists())
        what = data.draw(st.sampled_from(["edit", "rename", "delete", "add"]), label="what")
        if what != "add" and len(current) <= 2:
            what = "add"
        others = [files[p] for p in current]
        if what == "add":
            target = repo / "raw" / data.draw(st.sampled_from(["a", "b", "d"])) / f"n{step}.txt"
        else:
            target = data.draw(st.sampled_from(current), label="target")
        if what in ("edit", "add"):
            kind = data.draw(KINDS, label="kind")
            text = variant(kind, 100 + step, data.draw(st.sampled_from(others)))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
            files[target] = text
        elif what == "rename":
            moved = target.with_name(f"r{step}-{target.name}")
            target.rename(moved)
            files[moved] = files.pop(target)
        else:
            target.unlink()
            files.pop(target)
        if data.draw(st.booleans(), label="commit"):
            commit(repo, f"change {step}")


@hypothesis_settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_run_through_the_index_finds_what_an_uncached_full_run_finds(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    repo, cache, files = committed(tmp_path_factory, data)
    change(repo, files, data)
    current = sorted(p for p in files if p.exists())
    named = data.draw(
        st.lists(st.sampled_from(current), min_size=1, max_size=3, unique=True), label="named"
    )
    with through_index() as used:
        fast = check(repo, named, cache)
    assert used == [True]
    assert findings(fast) == findings(check(repo, named, None))


def corpus_repo(root: Path, count: int) -> Path:
    for number in range(count):
        path = root / "raw" / f"site{number % 3}" / f"{number:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(number), "utf-8")
    (root / "pyproject.toml").write_text("[tool.newsdata]\n")
    commit(root)
    git(root, "branch", "-M", "main")
    return root


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    """A committed corpus of 30 articles and a cache holding its stored index."""
    repo = corpus_repo(tmp_path / "repo", 30)
    cache = tmp_path / "cache"
    assert check(repo, [repo / "raw"], cache).files == 30
    return repo, cache


def pull_request(repo: Path) -> list[Path]:
    """A branch editing one article (now sharing its URL with another) and adding one; the
    files changed since main."""
    git(repo, "checkout", "-q", "-b", "pr")
    edited = repo / "raw" / "site1" / "004.txt"
    edited.write_text(variant("same-url", 200, article(7)), "utf-8")
    added = repo / "raw" / "site2" / "new.txt"
    added.write_text(_one_word_changed(article(11)), "utf-8")
    commit(repo, "pull request")
    return changed_files("main", [repo / "raw"])


def test_a_fresh_clone_with_the_cache_restored_reads_only_what_changed(
    indexed: tuple[Path, Path], tmp_path: Path
) -> None:
    repo, cache = indexed
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    restored = tmp_path / "restored"
    shutil.copytree(cache, restored)
    changed = pull_request(clone)
    assert [p.name for p in changed] == ["004.txt", "new.txt"]
    with through_index() as used, reads() as opened:
        report = check(clone, changed, restored)
    assert used == [True]
    assert sorted(Path(p).name for p in opened) == ["004.txt", "new.txt"]
    assert findings(report) == findings(check(clone, changed, None))
    codes = {(Path(d.path).name, d.code) for d in report.diagnostics}
    assert ("004.txt", "ND901") in codes  # the URL of 007.txt, which was not read
    assert ("new.txt", "ND903") in codes  # a near-duplicate of 011.txt


def test_a_committed_rename_is_not_read_and_keeps_its_verdict(indexed: tuple[Path, Path]) -> None:
    repo, cache = indexed
    git(repo, "mv", "raw/site0/003.txt", "raw/site0/renamed.txt")
    copied = variant("same-url", 301, article(3))  # new content, the URL of the renamed one
    (repo / "raw" / "site1" / "001.txt").write_text(copied, "utf-8")
    commit(repo, "rename")
    named = [repo / "raw" / "site0" / "renamed.txt", repo / "raw" / "site1" / "001.txt"]
    with through_index() as used, reads() as opened:
        report = check(repo, named, cache)
    assert used == [True]
    assert [Path(p).name for p in opened] == ["001.txt"]  # new content; the rename is known
    assert findings(report) == findings(check(repo, named, None))
    assert {d.code for d in report.diagnostics} == {"ND901"}


def test_a_deleted_file_leaves_the_index(indexed: tuple[Path, Path]) -> None:
    repo, cache = indexed
    copy = repo / "raw" / "site2" / "copy.txt"
    copy.write_text(article(5), "utf-8")
    commit(repo, "a copy")
    check(repo, [repo / "raw"], cache)  # the index now holds both
    (repo / "raw" / "site2" / "005.txt").unlink()  # not committed
    with through_index() as used:
        report = check(repo, [copy], cache)
    assert used == [True]
    assert report.diagnostics == ()  # the file it copied is gone
    git(repo, "rm", "-q", "--cached", "raw/site2/005.txt")
    commit(repo, "deleted")
    assert check(repo, [copy], cache).diagnostics == ()


def test_a_file_changed_but_not_committed_is_read_and_compared(
    indexed: tuple[Path, Path],
) -> None:
    repo, cache = indexed
    named = repo / "raw" / "site0" / "000.txt"
    other = repo / "raw" / "site2" / "008.txt"
    other.write_text(variant("same-body", 300, article(0)), "utf-8")  # unnamed, uncommitted
    with through_index() as used, reads() as opened:
        report = check(repo, [named], cache)
    assert used == [True]
    assert sorted(Path(p).name for p in opened) == ["008.txt"]
    assert findings(report) == findings(check(repo, [named], None))
    assert [d.code for d in report.diagnostics] == ["ND902"]


def _database(cache: Path) -> sqlite3.Connection:
    return sqlite3.connect(cache / CACHE_FILE)


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE meta SET value = '0000000000000000000000000000000000000000' "
        "WHERE name = 'corpus_tree'",
        "DELETE FROM corpus WHERE row = 3",
        "UPDATE lookups SET keys = substr(keys, 1, 16) WHERE name = 'band7'",
        "UPDATE lookups SET rows = substr(rows, 1, 4) WHERE name = 'article_id'",
        "DELETE FROM results",
        # A row gone, the count made to match: the lookups still name it.
        "DELETE FROM corpus WHERE path = 'site1/001.txt'; "
        "UPDATE meta SET value = '29' WHERE name = 'corpus_rows'",
        # A hostile cache: a git option where the tree id goes (--output would write a file).
        "UPDATE meta SET value = '--output=written-by-git' WHERE name = 'corpus_tree'",
    ],
    ids=[
        "foreign-tree",
        "half-written-rows",
        "half-written-bands",
        "half-written-lookup",
        "results-gone",
        "row-gone",
        "option",
    ],
)
def test_an_index_that_does_not_match_is_not_trusted_and_is_rebuilt(
    indexed: tuple[Path, Path], damage: str
) -> None:
    repo, cache = indexed
    (repo / "raw" / "site1" / "013.txt").write_text(variant("same-url", 313, article(1)), "utf-8")
    commit(repo, "the URL of 001")
    named = [repo / "raw" / "site1" / "013.txt"]
    with _database(cache) as db:
        db.executescript(damage)
    db.close()
    with through_index() as used:
        report = check(repo, named, cache)
    assert findings(report) == findings(check(repo, named, None))
    assert {d.code for d in report.diagnostics} == {"ND901"}
    with through_index() as again:
        assert findings(check(repo, named, cache)) == findings(report)
    assert not (repo / "written-by-git").exists()
    if damage.startswith("DELETE FROM results"):
        assert used == [True]  # found out at the neighbours, then walked
        assert any("the cache lacks" in note for note in report.notes)
    else:
        assert used == [False]
    assert again == [True]  # the walk stored it anew


def test_a_lookup_naming_a_row_the_index_lacks_is_not_trusted(
    indexed: tuple[Path, Path],
) -> None:
    _, cache = indexed
    with _database(cache) as db:
        (article_id,) = db.execute(
            "SELECT article_id FROM corpus WHERE path = 'site1/001.txt'"
        ).fetchone()
        db.execute("DELETE FROM corpus WHERE path = 'site1/001.txt'")
        with pytest.raises(sqlite3.IntegrityError, match="does not hold"):
            StoredIndex(db).sharing("article_id", [article_id])
    db.close()


def test_a_cache_from_another_repository_is_not_trusted(
    indexed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, cache = indexed
    other = corpus_repo(tmp_path / "other", 5)
    named = [other / "raw" / "site0" / "000.txt"]
    with through_index() as used:
        report = check(other, named, cache)
    assert used == [False]
    assert any("does not have" in note for note in report.notes)
    assert findings(report) == findings(check(other, named, None))


def test_outside_git_the_corpus_is_walked(tmp_path: Path) -> None:
    repo = corpus_repo(tmp_path / "repo", 6)
    shutil.rmtree(repo / ".git")
    cache = tmp_path / "cache"
    check(repo, [repo / "raw"], cache)
    (repo / "raw" / "site0" / "009.txt").write_text(article(1), "utf-8")
    named = [repo / "raw" / "site0" / "009.txt"]
    with through_index() as used:
        report = check(repo, named, cache)
    assert used == [False]
    assert {d.code for d in report.diagnostics} == {"ND901", "ND902"}


def test_content_conversion_keeps_git_out_of_it(indexed: tuple[Path, Path]) -> None:
    repo, cache = indexed
    (repo / ".gitattributes").write_text("*.txt text eol=crlf\n")
    commit(repo, "attributes")
    with through_index() as used:
        check(repo, [repo / "raw" / "site0" / "000.txt"], cache)
    assert used == [False]


def test_the_cli_check_of_a_pull_request_uses_the_index(
    indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from newsdata.cli import cli

    repo, cache = indexed
    pull_request(repo)
    monkeypatch.chdir(repo)
    with through_index() as used:
        result = CliRunner().invoke(
            cli,
            [
                "validate",
                "--changed-since",
                "main",
                "--cache-dir",
                os.path.relpath(cache),
                "-j",
                "1",
            ],
        )
    assert used == [True]
    assert result.exit_code == 1
    assert "ND901" in result.output
    assert str(Path("raw", "site1", "004.txt")) in result.output


@pytest.mark.parametrize("table", ["corpus", "sqlite_autoindex_corpus_1", "lookups", "dirty"])
def test_a_damaged_index_is_noticed_and_rebuilt(indexed: tuple[Path, Path], table: str) -> None:
    repo, cache = indexed
    (repo / "raw" / "site1" / "013.txt").write_text(variant("same-url", 313, article(1)), "utf-8")
    commit(repo, "the URL of 001")
    named = [repo / "raw" / "site1" / "013.txt"]
    with _database(cache) as db:
        (page,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", [table]
        ).fetchone()
    db.close()
    with (cache / CACHE_FILE).open("r+b") as handle:
        handle.seek((page - 1) * 4096)
        handle.write(b"\xff" * 4096)
    report = check(repo, named, cache)
    assert findings(report) == findings(check(repo, named, None))
    assert {d.code for d in report.diagnostics} == {"ND901"}
    check(repo, [repo / "raw"], cache)  # a full run stores it again
    with through_index() as used:
        again = check(repo, named, cache)
    assert used == [True]
    assert again.notes == ()
    assert findings(again) == findings(report)


@given(
    st.lists(
        st.one_of(
            st.text(max_size=40), st.text("0123456789abcdefABCDEF x_", min_size=16, max_size=40)
        )
    )
)
def test_lookup_keys_in_bulk_are_the_plain_keys(values: list[str]) -> None:
    assert value_keys(values).tolist() == [value_key(v) for v in values]
