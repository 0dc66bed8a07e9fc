"""The smaller things users hit (issue 12, item 11): clear messages, colour, counts, wording."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdata.cli import cli
from tests.conftest import CLEAN_ARTICLE
from tests.factory import commit, different_article, without_root_file_powers

ANSI = "\x1b["
#: The bad date is an error (ND303); the doubled space in the publication a warning (ND602).
ERRORS_AND_WARNINGS = (
    different_article(7)
    .replace("April 06, 2013", "February 30, 2013")
    .replace("The Moscow Times\n", "The  Moscow Times\n", 1)
)


@pytest.fixture
def data_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data repository (the working directory) with one clean article and one bad one."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.newsdata]\n[tool.newsdata.dataset]\nname = "t"\n'
    )
    site = tmp_path / "raw" / "site"
    site.mkdir(parents=True)
    (site / "clean.txt").write_text(CLEAN_ARTICLE, "utf-8")
    (site / "bad.txt").write_text(ERRORS_AND_WARNINGS, "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_bad_file_has_an_error_and_a_warning(data_repo: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "raw", "--format", "json", "--no-cache"])
    codes = sorted(d["code"] for d in json.loads(result.output)["diagnostics"])
    assert codes == ["ND303", "ND602"]


def test_a_corpus_folder_outside_the_repository_is_a_usage_error(data_repo: Path) -> None:
    for raw in ("../..", "/etc", "raw/../../elsewhere"):
        (data_repo / "pyproject.toml").write_text(f'[tool.newsdata]\nraw = "{raw}"\n')
        result = CliRunner().invoke(cli, ["validate", "--changed-since", "HEAD"])
        assert result.exit_code == 2, raw
        assert f"raw: '{raw}'" in result.output


def test_a_corpus_folder_inside_the_repository_is_fine(data_repo: Path) -> None:
    (data_repo / "pyproject.toml").write_text('[tool.newsdata]\nraw = "raw/../raw/site"\n')
    result = CliRunner().invoke(cli, ["validate", "raw/site/clean.txt", "--no-cache"])
    assert result.exit_code == 0, result.output


def test_a_folder_without_article_files_is_a_warning(data_repo: Path) -> None:
    (data_repo / "empty").mkdir()
    (data_repo / "empty" / "notes.md").write_text("not an article")
    result = CliRunner().invoke(cli, ["validate", "empty", "--no-cache"])
    assert result.exit_code == 0
    assert "warning: no article file (*.txt) under empty" in result.output
    assert "Checked 0 files" in result.output


@pytest.fixture
def locked_corpus(tmp_path: Path) -> Iterator[Path]:
    """A corpus with a subfolder nobody may list or enter."""
    (tmp_path / "raw" / "open").mkdir(parents=True)
    (tmp_path / "raw" / "open" / "ok.txt").write_text(CLEAN_ARTICLE, "utf-8")
    (tmp_path / "raw" / "locked").mkdir()
    (tmp_path / "raw" / "locked" / "inside.txt").write_text(CLEAN_ARTICLE, "utf-8")
    (tmp_path / "raw" / "locked").chmod(0)
    yield tmp_path
    (tmp_path / "raw" / "locked").chmod(stat.S_IRWXU)  # so pytest can clean up


def _without_read_powers(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run newsdata as a process that permission bits apply to (tests may run as root)."""
    command = [str(Path(sys.executable).parent / "newsdata"), *args]
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        preexec_fn=without_root_file_powers,
        check=False,
    )


def test_a_folder_that_cannot_be_listed_is_reported_unreadable(locked_corpus: Path) -> None:
    result = _without_read_powers(
        ["validate", "raw", "--no-cache", "--format", "json"], locked_corpus
    )
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)["diagnostics"]
    assert [(d["path"], d["code"]) for d in found] == [("raw/locked", "ND108")]
    assert found[0]["message"] == "cannot list the folder: Permission denied"


def test_a_file_inside_a_locked_folder_is_reported_unreadable(locked_corpus: Path) -> None:
    target = "raw/locked/inside.txt"
    result = _without_read_powers(
        ["validate", target, "--no-cache", "--format", "json"], locked_corpus
    )
    assert result.returncode == 1, result.stderr
    (found,) = json.loads(result.stdout)["diagnostics"]
    assert (found["path"], found["code"]) == (target, "ND108")
    assert "Permission denied" in found["message"]
    assert "does not exist" not in found["message"]


@pytest.mark.parametrize(
    ("options", "env", "coloured"),
    [
        ([], {}, False),  # not a terminal
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (["--color", "always"], {"NO_COLOR": "1"}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        (["--color", "always"], {}, True),
    ],
)
def test_colour_follows_the_option_then_no_color_then_force_color(
    data_repo: Path, options: list[str], env: dict[str, str], coloured: bool
) -> None:
    runner = CliRunner(env={"NO_COLOR": None, "FORCE_COLOR": None, **env})
    result = runner.invoke(cli, ["validate", "raw", "--no-cache", *options])
    assert result.exit_code == 1
    assert (ANSI in result.output) is coloured


def test_statistics_count_each_rule(data_repo: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "raw", "--no-cache", "--statistics"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[:2] == ["1  ND303  error    impossible-date", "1  ND602  warning  odd-whitespace"]
    assert lines[-1] == "Checked 2 files: 1 error, 1 warning (failed)."
    assert "raw/site/bad.txt" not in result.output


def test_statistics_as_json(data_repo: Path) -> None:
    result = CliRunner().invoke(
        cli, ["validate", "raw", "--no-cache", "--statistics", "--format", "json"]
    )
    assert json.loads(result.output) == [
        {"code": "ND303", "rule": "impossible-date", "severity": "error", "count": 1},
        {"code": "ND602", "rule": "odd-whitespace", "severity": "warning", "count": 1},
    ]


def test_errors_only_lists_errors_and_counts_the_rest(data_repo: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "raw", "--no-cache", "--errors-only"])
    assert result.exit_code == 1
    assert "ND303" in result.output
    assert "ND602" not in result.output
    assert "(1 warning not listed: --errors-only)" in result.output
    assert result.output.endswith("Checked 2 files: 1 error, 1 warning (failed).\n")


@pytest.mark.parametrize(
    "options",
    [
        ["--statistics", "--format", "sarif"],
        ["--errors-only", "--format", "json"],
        ["--errors-only", "--statistics"],
    ],
)
def test_output_options_that_cannot_combine_are_usage_errors(
    data_repo: Path, options: list[str]
) -> None:
    result = CliRunner().invoke(cli, ["validate", "raw", "--no-cache", *options])
    assert result.exit_code == 2


def test_package_says_1_article_and_shows_relative_paths(data_repo: Path) -> None:
    (data_repo / "raw" / "site" / "bad.txt").unlink()
    commit(data_repo)
    result = CliRunner().invoke(cli, ["package", "--version", "1.0", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "Wrote dist/t-1.0.0/ and dist/t-1.0.0.zip: 1 article, 0 validation warnings." in (
        result.output
    )


def test_a_failed_package_lists_paths_as_validate_does(data_repo: Path) -> None:
    result = CliRunner().invoke(cli, ["package", "--version", "1.0", "--no-cache"])
    assert result.exit_code == 1
    assert result.output.startswith("raw/site/bad.txt\n")
    assert str(data_repo) not in result.output
