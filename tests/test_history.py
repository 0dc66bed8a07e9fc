"""Release history: the previous release named or found (never by luck), one release at a time
into a folder, and no release from uncommitted inputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from filelock import FileLock

from newsdata.check.pipeline import RunOptions
from newsdata.cli import cli
from newsdata.config import load_settings
from newsdata.errors import ReleaseRefusedError, UncommittedInputsError, UsageError
from newsdata.release import build_release
from newsdata.release.history import LOCK_FILE
from tests.factory import DATASET_PYPROJECT, article, commit, git, working_repo

OPTIONS = RunOptions(use_cache=False, jobs=1)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed data repository with three articles."""
    return working_repo(tmp_path / "repo", 3, monkeypatch)


def _changelog(release: Path) -> str:
    return (release / "CHANGELOG.md").read_text("utf-8")


def _add_article(repo: Path, number: int) -> None:
    (repo / "raw" / "site" / f"{number}.txt").write_text(article(number), "utf-8")
    commit(repo, f"article {number}")


# --- a) the previous release: named with --previous, else found in --out, else said ---------


@pytest.mark.parametrize("form", ["folder", "zip", "datapackage.json"])
def test_previous_names_the_release_a_fresh_checkout_follows(repo: Path, form: str) -> None:
    first = build_release("1.0", repo / "published", options=OPTIONS, root=repo)
    _add_article(repo, 7)
    named = {
        "folder": first.path,
        "zip": first.zip_path,
        "datapackage.json": first.path / "datapackage.json",
    }[form]
    # dist/ is empty, as on a fresh CI checkout: the named release is the previous one
    second = build_release("1.1", options=OPTIONS, root=repo, previous=named)
    assert "Against 1.0.0: 1 added, 0 removed, 0 changed, 3 unchanged" in _changelog(second.path)
    assert second.previous == named
    assert not any("no previous release" in note for note in second.notes)


def test_no_previous_release_is_said_on_screen(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["package", "--version", "1.0", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert (
        "warning: no previous release in dist/ (pass --previous PATH to name one): "
        "CHANGELOG.md says First release, version order not checked"
    ) in result.output
    assert "First release" in _changelog(repo / "dist" / "test-news-1.0.0")
    _add_article(repo, 7)
    found = CliRunner().invoke(cli, ["package", "--version", "1.1", "--no-cache"])
    assert found.exit_code == 0, found.output
    assert "no previous release" not in found.output
    assert "CHANGELOG.md: changes since dist/test-news-1.0.0." in found.output


def test_cli_previous_from_another_folder(repo: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["package", "--version", "1.0", "--out", "old"]).exit_code == 0
    _add_article(repo, 7)
    result = runner.invoke(
        cli, ["package", "--version", "1.1", "--previous", "old/test-news-1.0.0.zip"]
    )
    assert result.exit_code == 0, result.output
    assert "CHANGELOG.md: changes since old/test-news-1.0.0.zip." in result.output
    assert "Against 1.0.0: 1 added" in _changelog(repo / "dist" / "test-news-1.1.0")


def test_a_release_found_only_as_a_zip_is_the_previous_one(repo: Path) -> None:
    first = build_release("1.0", options=OPTIONS, root=repo)
    shutil.rmtree(first.path)  # only the zip was kept (or downloaded)
    _add_article(repo, 7)
    second = build_release("1.1", options=OPTIONS, root=repo)
    assert "Against 1.0.0: 1 added" in _changelog(second.path)


@pytest.mark.parametrize("kind", ["missing", "empty folder", "not a zip", "other dataset"])
def test_a_previous_that_is_not_a_release_is_a_usage_error(repo: Path, kind: str) -> None:
    target = repo / "elsewhere"
    if kind == "empty folder":
        target.mkdir()
    elif kind == "not a zip":
        target = repo / "notes.zip"
        target.write_text("not a zip")
    elif kind == "other dataset":
        other = build_release("0.1", repo / "other", options=OPTIONS, root=repo).path
        descriptor = json.loads((other / "datapackage.json").read_text())
        descriptor["name"] = "someone-else"
        (other / "datapackage.json").write_text(json.dumps(descriptor))
        target = other
    with pytest.raises(UsageError, match="previous release"):
        build_release("1.0", options=OPTIONS, root=repo, previous=target)
    result = CliRunner().invoke(
        cli, ["package", "--version", "1.0", "--no-cache", "--previous", str(target)]
    )
    assert result.exit_code == 2, result.output
    assert "Error: the previous release" in result.output
    assert "Traceback" not in result.output
    assert not (repo / "dist").exists()


def test_a_previous_with_a_higher_version_is_the_version_order_error(repo: Path) -> None:
    newer = build_release("2.0", repo / "old", options=OPTIONS, root=repo).path
    with pytest.raises(ReleaseRefusedError, match=r"not greater than the newest release, 2\.0\.0"):
        build_release("1.5", options=OPTIONS, root=repo, previous=newer)
    result = CliRunner().invoke(
        cli, ["package", "--version", "1.5", "--no-cache", "--previous", str(newer)]
    )
    assert result.exit_code == 1
    assert "not greater than the newest release, 2.0.0" in result.output


def test_a_named_previous_allows_a_maintenance_release_beside_a_newer_one(repo: Path) -> None:
    one = build_release("1.0", options=OPTIONS, root=repo)
    build_release("2.0", options=OPTIONS, root=repo)
    _add_article(repo, 7)
    patch = build_release("1.0.1", options=OPTIONS, root=repo, previous=one.path)
    assert "Against 1.0.0: 1 added" in _changelog(patch.path)
    with pytest.raises(ReleaseRefusedError, match="already exists"):
        build_release("2.0", options=OPTIONS, root=repo, previous=one.path)


# --- b) one release at a time into a folder ---------------------------------------------------


def test_a_release_waits_for_another_into_the_same_folder_and_follows_it(repo: Path) -> None:
    """Another release holds dist/'s lock: `package` says it waits, and once the other release
    (1.0) is in place, the new one (1.1) names it as previous instead of "First release"."""
    _add_article(repo, 7)
    staged = build_release("1.0", repo / "staging", options=OPTIONS, root=repo)
    dist = repo / "dist"
    dist.mkdir()
    newsdata = Path(sys.executable).parent / "newsdata"
    with FileLock(dist / LOCK_FILE):
        waiting = subprocess.Popen(
            [str(newsdata), "package", "--version", "1.1", "--no-cache"],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert waiting.stderr is not None
        said = waiting.stderr.readline()  # blocks until the child says something, or ends
        assert said.startswith("Waiting for another release into dist/"), said
        # the other release finishes while the lock is held: moved into place as it would be
        staged.path.rename(dist / staged.path.name)
        staged.zip_path.rename(dist / staged.zip_path.name)
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert "CHANGELOG.md: changes since dist/test-news-1.0.0." in out
    changelog = _changelog(dist / "test-news-1.1.0")
    assert "Against 1.0.0: 0 added, 0 removed, 0 changed, 4 unchanged" in changelog


# --- c) no release from uncommitted inputs, unless --allow-dirty -----------------------------


def test_an_untracked_article_refuses_the_release(repo: Path) -> None:
    (repo / "raw" / "site" / "new.txt").write_text(article(8), "utf-8")
    with pytest.raises(UncommittedInputsError, match=r"\?\? raw/site/new\.txt"):
        build_release("1.0", options=OPTIONS, root=repo)
    result = CliRunner().invoke(cli, ["package", "--version", "1.0", "--no-cache"])
    assert result.exit_code == 2, result.output
    assert "uncommitted changes" in result.output and "raw/site/new.txt" in result.output
    assert "--allow-dirty" in result.output
    assert not (repo / "dist" / "test-news-1.0.0").exists()
    anyway = CliRunner().invoke(cli, ["package", "--version", "1.0", "--no-cache", "--allow-dirty"])
    assert anyway.exit_code == 0, anyway.output
    provenance = json.loads((repo / "dist" / "test-news-1.0.0" / "provenance.json").read_text())
    assert provenance["git"]["dirty"] is True


def test_modified_config_and_registry_refuse_the_release(repo: Path) -> None:
    registry = {"publications": []}
    (repo / "publications.json").write_text(json.dumps(registry))
    config = repo / "pyproject.toml"
    config.write_text('[tool.newsdata]\nregistry = "publications.json"\n\n' + config.read_text())
    commit(repo, "registry")
    settings = load_settings()
    assert settings.registry_files
    assert build_release("1.0", settings=settings, options=OPTIONS, root=repo).path.is_dir()
    (repo / "publications.json").write_text(json.dumps(registry, indent=2))
    with pytest.raises(UncommittedInputsError, match=r"M publications\.json"):
        build_release("1.1", settings=settings, options=OPTIONS, root=repo)
    git(repo, "checkout", "publications.json")
    config.write_text(config.read_text().replace("Test news", "Test news, edited"))
    with pytest.raises(UncommittedInputsError, match=r"M pyproject\.toml"):
        build_release("1.1", options=OPTIONS, root=repo)


def test_many_uncommitted_files_are_listed_up_to_ten(repo: Path) -> None:
    for number in range(10, 25):
        (repo / "raw" / "site" / f"{number}.txt").write_text(article(number), "utf-8")
    with pytest.raises(UncommittedInputsError) as refused:
        build_release("1.0", options=OPTIONS, root=repo)
    message = str(refused.value)
    assert message.count("?? raw/site/") == 10 and "... and 5 more" in message


def test_outside_a_git_repository_needs_allow_dirty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "plain"
    (root / "raw" / "site").mkdir(parents=True)
    (root / "pyproject.toml").write_text(DATASET_PYPROJECT)
    (root / "raw" / "site" / "0.txt").write_text(article(0), "utf-8")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["package", "--version", "1.0", "--no-cache"])
    assert result.exit_code == 2
    assert "has no git commit" in result.output and "--allow-dirty" in result.output
    release = build_release("1.0", options=OPTIONS, root=root, allow_dirty=True)
    provenance = json.loads((release.path / "provenance.json").read_text())
    assert provenance["git"] == {"commit": None, "dirty": None}
