"""newsdata's questions to git (git.py): the corpus folder's state, and one look per command."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdata import git as git_module
from newsdata.git import STATUS, corpus_state, git_output, one_look, tree_changes
from tests.factory import article, commit, git


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for number in range(3):
        path = tmp_path / "raw" / "site" / f"{number}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(number), "utf-8")
    commit(tmp_path)
    return tmp_path


def test_the_corpus_state_names_every_kind_of_change(repo: Path) -> None:
    (repo / "raw" / "site" / "0.txt").write_text("edited", "utf-8")  # modified
    (repo / "raw" / "site" / "1.txt").unlink()  # deleted
    (repo / "raw" / "new.txt").write_text("new", "utf-8")  # untracked
    (repo / ".gitignore").write_text("raw/ignored.txt\n")
    (repo / "raw" / "ignored.txt").write_text("ignored", "utf-8")  # ignored
    (repo / "elsewhere.txt").write_text("outside the corpus", "utf-8")
    state = corpus_state(repo / "raw")
    assert state is not None
    assert state.changed == {"site/0.txt", "site/1.txt", "new.txt", "ignored.txt"}
    assert state.tree == git(repo, "rev-parse", "HEAD:raw")
    assert state.blobs is None  # not asked for
    state = corpus_state(repo / "raw", blobs=True)
    assert state is not None and state.blobs is not None
    assert state.blobs["site/2.txt"] == git(repo, "rev-parse", "HEAD:raw/site/2.txt")


def test_tree_changes_give_the_new_blobs_and_refuse_an_unknown_tree(repo: Path) -> None:
    old = git(repo, "rev-parse", "HEAD:raw")
    (repo / "raw" / "site" / "0.txt").write_text("edited", "utf-8")
    (repo / "raw" / "site" / "2.txt").unlink()
    commit(repo, "change")
    new = git(repo, "rev-parse", "HEAD:raw")
    changes = tree_changes(repo, old, new)
    assert changes == {
        "site/0.txt": git(repo, "rev-parse", "HEAD:raw/site/0.txt"),
        "site/2.txt": None,
    }
    assert tree_changes(repo, "0" * 40, new) is None


@pytest.mark.parametrize(
    "setting",
    [
        ("config", "core.autocrlf", "true"),
        ("config", "core.eol", "crlf"),
        ("attributes", "*.txt text eol=crlf"),
        ("attributes", "* filter=lfs"),
    ],
)
def test_a_repository_that_converts_content_has_no_corpus_state(
    repo: Path, setting: tuple[str, ...]
) -> None:
    assert corpus_state(repo / "raw") is not None
    if setting[0] == "config":
        git(repo, "config", setting[1], setting[2])
    else:
        (repo / ".gitattributes").write_text(setting[1] + "\n")
    assert corpus_state(repo / "raw") is None


def test_one_look_asks_once_and_a_started_status_gives_the_plain_answer(repo: Path) -> None:
    (repo / "raw" / "new.txt").write_text("new", "utf-8")
    top = Path(git(repo, "rev-parse", "--show-toplevel"))
    plain = git_output(top, *STATUS)
    assert plain is not None and b"raw/new.txt" in plain
    with one_look(status_of=repo / "raw"):
        assert git_module._STARTED  # started before anyone asked
        assert git_output(top, *STATUS) == plain
        (repo / "raw" / "later.txt").write_text("later", "utf-8")
        assert git_output(top, *STATUS) == plain  # one look per command
    assert b"raw/later.txt" in (git_output(top, *STATUS) or b"")  # outside it: afresh


def _children() -> set[str]:
    """This process's child processes (Linux)."""
    tasks = Path("/proc/self/task")
    return {pid for task in tasks.iterdir() for pid in (task / "children").read_text().split()}


def test_a_started_status_nobody_asks_for_is_stopped(repo: Path) -> None:
    before = _children()
    with one_look(status_of=repo):
        assert len(git_module._STARTED) == 1
    assert git_module._STARTED == {}
    assert _children() == before  # stopped and reaped


def test_ls_tree_listing_is_read_as_git_lists_it(repo: Path) -> None:
    state = corpus_state(repo / "raw", blobs=True)
    assert state is not None and state.blobs is not None
    listed = git(repo, "ls-tree", "-r", "--full-tree", "--format=%(objectname) %(path)", state.tree)
    expected = dict(line.split(" ", 1)[::-1] for line in listed.splitlines())
    assert state.blobs == expected


def test_outside_a_repository_there_is_no_state(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    with one_look(status_of=tmp_path):
        assert git_module._STARTED == {}
        assert corpus_state(tmp_path / "raw") is None
