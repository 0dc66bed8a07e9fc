"""`newsdata init`: a new data repository that validates, packages and keeps dist/ out of git."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdata.cli import cli
from newsdata.errors import UsageError
from newsdata.scaffold import IGNORED, init_repository
from tests.factory import article, commit, git


def test_init_then_validate_package_and_git_status_shows_no_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "my-news"
    monkeypatch.delenv("NEWSDATA_CACHE_DIR")  # the cache goes where a user's would: the repo
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    runner = CliRunner()
    made = runner.invoke(cli, ["init", str(root)])
    assert made.exit_code == 0, made.output
    assert "Created" in made.output and "pyproject.toml" in made.output
    assert (root / "raw").is_dir()
    (root / "raw" / "site").mkdir()
    (root / "raw" / "site" / "story.txt").write_text(article(1), "utf-8")
    commit(root, "first article")
    monkeypatch.chdir(root)
    checked = runner.invoke(cli, ["validate", "raw/"])
    assert checked.exit_code == 0, checked.output
    built = runner.invoke(cli, ["package", "--version", "1.0"])
    assert built.exit_code == 0, built.output
    assert "Wrote dist/my-news-1.0.0/" in built.output
    assert (root / ".newsdata_cache").is_dir() and (root / "dist" / "my-news-1.0.0").is_dir()
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""


def test_init_appends_to_a_pyproject_without_newsdata_and_keeps_the_rest(tmp_path: Path) -> None:
    project = tmp_path / "pyproject.toml"
    original = '[project]\nname = "scraper"\n\n[tool.ruff]\nline-length = 100'
    project.write_text(original)
    (tmp_path / ".gitignore").write_text("/dist/*\n*.pyc\n")
    steps = init_repository(tmp_path, "scraped-news")
    assert [(s.path.name, s.action) for s in steps] == [
        ("pyproject.toml", "appended to"),
        (".gitignore", "appended to"),
        ("raw", "created"),
    ]
    text = project.read_text()
    assert text.startswith(original + "\n")
    config = tomllib.loads(text)
    assert config["project"]["name"] == "scraper"
    assert config["tool"]["newsdata"]["dataset"]["name"] == "scraped-news"
    gitignore = (tmp_path / ".gitignore").read_text()
    assert gitignore.startswith("/dist/*\n*.pyc\n")  # `/dist/*` already ignores dist
    assert "\ndist/" not in gitignore and "preview/\n" in gitignore
    assert ".newsdata_cache/\n" in gitignore


def test_init_never_overwrites(tmp_path: Path) -> None:
    init_repository(tmp_path)
    (tmp_path / "pyproject.toml").write_text((tmp_path / "pyproject.toml").read_text() + "# mine\n")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    steps = init_repository(tmp_path, "another-name")
    assert [s.action for s in steps] == ["kept", "kept", "kept"]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
    assert all(line in (tmp_path / ".gitignore").read_text().splitlines() for line in IGNORED)


def test_init_refuses_what_it_cannot_extend_safely(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("tool = { black = { line-length = 88 } }\n")
    with pytest.raises(UsageError, match="add them yourself"):
        init_repository(tmp_path)
    assert (tmp_path / "pyproject.toml").read_text() == "tool = { black = { line-length = 88 } }\n"
    (tmp_path / "pyproject.toml").write_text("not = toml = at all")
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 2 and "is not valid TOML" in result.output
