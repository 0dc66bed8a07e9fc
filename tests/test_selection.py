"""A rule selection that selects nothing, or names no known rule, is a usage error (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdata.cli import cli
from newsdata.config import Settings, closest_code, rule_codes
from tests.conftest import CLEAN_ARTICLE


@pytest.fixture
def three_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder (the working directory) holding one file with three errors."""
    monkeypatch.chdir(tmp_path)
    text = CLEAN_ARTICLE.replace("April 06, 2013", "February 30, 2013")
    text = text.replace("The Moscow Times\n\nPresident", "\n\nPresident")
    text = text.replace("<https://www.themoscowtimes.com", "<htp:/www.themoscowtimes.com")
    (tmp_path / "bad.txt").write_text(text, "utf-8")
    return tmp_path / "bad.txt"


def test_the_file_has_errors(three_errors: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(three_errors)])
    assert result.exit_code == 1
    assert "3 errors" in result.output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--select", "ND999"], "--select: ND999 matches no rule (did you mean ND903?)"),
        (["--select", "ND0"], "--select: ND0 matches no rule (did you mean ND1?)"),
        (["--select", "nd61"], "--select: ND61 matches no rule (did you mean ND60?)"),
        (["--select", ""], "--select selects no rule"),
        (["--select", " , "], "--select selects no rule"),
        (["--ignore", "ND999"], "--ignore: ND999 matches no rule (did you mean ND903?)"),
        (["--select", "ND1", "--ignore", "ND1"], "the rule selection turns every rule off"),
    ],
)
def test_command_line_selection(three_errors: Path, options: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["validate", str(three_errors), *options])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: {message}")
    assert len(result.output.splitlines()) == 1


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("select = []", "[tool.newsdata] select selects no rule"),
        ('select = [""]', "[tool.newsdata] select selects no rule"),
        ('select = ["ND999"]', "[tool.newsdata] select: ND999 matches no rule"),
        ('ignore = ["ND999"]', "[tool.newsdata] ignore: ND999 matches no rule"),
        ('ignore = ["ND"]', "the rule selection turns every rule off"),
        ('[tool.newsdata.severity]\nND999 = "error"', "severity: ND999 matches no rule"),
        ('[tool.newsdata.severity]\n"" = "error"', "severity: '' is not one rule code or prefix"),
    ],
)
def test_configured_selection(three_errors: Path, table: str, message: str) -> None:
    (three_errors.parent / "pyproject.toml").write_text(f"[tool.newsdata]\n{table}\n")
    result = CliRunner().invoke(cli, ["validate", str(three_errors)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.splitlines()) == 1


def test_a_command_line_selection_is_checked_with_the_configured_ignores(
    three_errors: Path,
) -> None:
    (three_errors.parent / "pyproject.toml").write_text('[tool.newsdata]\nignore = ["ND3"]\n')
    # --select replaces the configured select, --ignore adds to the configured ignore: what is
    # left selects ND3 and ignores it (ignore wins a tie), so nothing would run.
    result = CliRunner().invoke(cli, ["validate", str(three_errors), "--select", "ND3"])
    assert result.exit_code == 2
    assert "turns every rule off" in result.output


@pytest.mark.parametrize("code", sorted(rule_codes()))
def test_every_known_code_and_its_prefixes_are_accepted(code: str) -> None:
    for length in range(2, len(code) + 1):
        chosen = Settings().with_cli(select=[code[:length]], ignore=[code.lower()])
        assert chosen.selection.select == (code[:length],)
        assert closest_code(code[:length], rule_codes()) == (code[:length] if length > 2 else None)


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("ND999", "ND903"), ("ND0", "ND1"), ("ND61", "ND60"), ("ND110", "ND110"), ("ND", None)],
)
def test_closest_code(typed: str, suggested: str | None) -> None:
    assert closest_code(typed, rule_codes()) == suggested
