"""`newsdata package` when things go wrong: git locks, stale builds, unrecordable files."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdata.check.pipeline import RunOptions
from newsdata.cli import cli
from newsdata.errors import UnrecordableFileError
from newsdata.release import build_release
from newsdata.release.history import LOCK_FILE
from tests.factory import DATASET_PYPROJECT, article, commit, data_repo, git, working_repo

OPTIONS = RunOptions(use_cache=False, jobs=1)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed data repository with five articles, the working directory."""
    return working_repo(tmp_path / "repo", 5, monkeypatch)


def test_package_asks_git_without_taking_its_index_lock(repo: Path) -> None:
    # Files whose times changed but not their content (a checkout, a touch): a plain
    # `git status` refreshes their entries in .git/index, under .git/index.lock. Asked with
    # no optional locks, git leaves the index (and its lock) alone.
    for path in (repo / "raw").rglob("*.txt"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    index = (repo / ".git" / "index").read_bytes()
    release = build_release("1.0", repo / "dist", options=OPTIONS, root=repo)
    assert (repo / ".git" / "index").read_bytes() == index
    provenance = json.loads((release.path / "provenance.json").read_text())
    assert provenance["git"] == {"commit": git(repo, "rev-parse", "HEAD"), "dirty": False}


def test_package_works_while_another_git_holds_the_index_lock(repo: Path) -> None:
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"")  # as a `git commit` running beside it would hold it
    release = build_release("1.0", repo / "dist", options=OPTIONS, root=repo)
    provenance = json.loads((release.path / "provenance.json").read_text())
    assert provenance["git"] == {"commit": git(repo, "rev-parse", "HEAD"), "dirty": False}
    assert lock.read_bytes() == b""  # the other git's lock, untouched
    lock.unlink()


def test_a_package_that_cannot_write_leaves_no_lock_in_the_repository(repo: Path) -> None:
    (repo / "a-file").write_text("not a folder\n")
    result = CliRunner().invoke(cli, ["package", "--version", "1.0", "--out", "a-file/dist"])
    assert result.exit_code == 2
    assert "a-file" in result.output
    assert "nothing was written" in result.output
    assert "Traceback" not in result.output
    assert not (repo / ".git" / "index.lock").exists()
    assert git(repo, "status", "--porcelain") == "?? a-file"


def _with_impossible_date(tmp_path: Path, config: str) -> Path:
    texts = [article(0), article(1).replace("April 06, 2013", "February 30, 2013")]
    root = data_repo(tmp_path / "dated", config + DATASET_PYPROJECT, texts)
    (root / "raw" / "site" / "1.txt").rename(root / "raw" / "bad.txt")
    commit(root, "bad.txt")
    return root


@pytest.mark.parametrize(
    ("config", "how"),
    [
        ('[tool.newsdata]\nignore = ["ND303"]\n', "is ignored by your configuration"),
        (
            '[tool.newsdata.severity]\nND303 = "warning"\n',
            "is only a warning in your configuration",
        ),
    ],
)
def test_a_file_hidden_rules_keep_from_being_a_record_is_named_with_the_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, how: str
) -> None:
    root = _with_impossible_date(tmp_path, config)
    monkeypatch.chdir(root)
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", "raw"]).exit_code == 0
    result = runner.invoke(cli, ["package", "--version", "1.0"])
    assert result.exit_code == 1
    assert "raw/bad.txt cannot become a record: ND303 impossible-date (line 5:" in result.output
    assert how in result.output
    assert "the record needs a valid date" in result.output
    assert "changed while packaging" not in result.output
    assert not (root / "dist").exists() or _left(root / "dist") == []


def test_the_error_for_a_file_without_record_crosses_processes_with_its_path() -> None:
    error = pickle.loads(pickle.dumps(UnrecordableFileError("raw/bad.txt")))
    assert isinstance(error, UnrecordableFileError)
    assert error.path == "raw/bad.txt"


def _left(out: Path) -> list[str]:
    """What a release left in its output folder, but the lock file that serialises releases."""
    return [p.name for p in out.iterdir() if p.name != LOCK_FILE]
