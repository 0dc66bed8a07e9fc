"""The `newsdata` command: every format and every exit code, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newsdata.cli import cli, main
from newsdata.errors import UsageError
from tests.conftest import CLEAN_ARTICLE, ROOT, SEED


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _bad_article(folder: Path) -> Path:
    path = folder / "bad.txt"
    head, _, _ = CLEAN_ARTICLE.partition("President Vladimir")
    body = (
        "Moscow's city council approved a new budget on Thursday after a long debate about "
        "spending on public transport, schools and the renovation of old housing blocks. "
        "The mayor said the plan would add new bus lanes, repair bridges over the river and "
        "hire more teachers, while opposition members warned that the city could not afford it."
    )
    text = head.replace("April 06, 2013", "February 30, 2013") + body + "\n\n"
    text += "Original url:\n\n<https://www.themoscowtimes.com/2013/02/28/budget-a1>\n"
    path.write_text(text, "utf-8")
    return path


def test_seed_passes_with_its_two_warnings(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", str(SEED)])
    assert result.exit_code == 0, result.output
    assert "9:4  warning  ND602" in result.output
    assert "17  warning  ND601" in result.output
    assert result.output.rstrip().endswith("Checked 1 file: 0 errors, 2 warnings (passed).")


def test_text_groups_findings_under_the_file(runner: CliRunner, corpus: Path) -> None:
    bad = _bad_article(corpus)
    result = runner.invoke(cli, ["validate", str(corpus)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == str(bad)
    assert "error    ND303 'February 30, 2013' is not a real date  [impossible-date]" in lines[1]
    assert lines[-1] == "Checked 2 files: 1 error, 0 warnings (failed)."


def test_json_report_is_the_documented_contract(runner: CliRunner, corpus: Path) -> None:
    _bad_article(corpus)
    result = runner.invoke(cli, ["validate", str(corpus) + "/", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert set(report) == {"valid", "summary", "diagnostics"}
    assert report["valid"] is False
    assert report["summary"] == {"files": 2, "errors": 1, "warnings": 0}
    (finding,) = report["diagnostics"]
    assert {k: finding[k] for k in ("path", "line", "column", "code", "rule", "severity")} == {
        "path": str(corpus) + "/bad.txt",
        "line": 5,
        "column": None,
        "code": "ND303",
        "rule": "impossible-date",
        "severity": "error",
    }
    assert finding["message"] == "'February 30, 2013' is not a real date"


def test_json_report_validates_against_its_schema(runner: CliRunner, corpus: Path) -> None:
    import jsonschema

    _bad_article(corpus)
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text("utf-8"))
    result = runner.invoke(cli, ["validate", str(SEED), str(corpus), "--format", "json"])
    jsonschema.validate(json.loads(result.output), schema)


def test_github_annotations_are_escaped(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "a,b:c%d"
    folder.mkdir()
    _bad_article(folder)
    result = runner.invoke(cli, ["validate", str(folder), "--format", "github"])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    escaped = str(folder).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
    assert first == (
        f"::error file={escaped}/bad.txt,line=5,title=ND303 impossible-date::"
        "'February 30, 2013' is not a real date"
    )


def test_strict_fails_on_warnings(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["validate", str(SEED)]).exit_code == 0
    result = runner.invoke(cli, ["validate", str(SEED), "--strict"])
    assert result.exit_code == 1
    assert "(failed, warnings fail under --strict)" in result.output


@pytest.mark.parametrize(
    ("options", "codes"),
    [
        ([], {"ND601", "ND602"}),
        (["--select", "ND6"], {"ND601", "ND602"}),
        (["--select", "ND601"], {"ND601"}),
        (["--ignore", "ND601"], {"ND602"}),
        (["--ignore", "ND6"], set()),
        (["--select", "ND6", "--ignore", "ND60", "--select", "ND602"], {"ND602"}),
        (["--ignore", "nd601,ND602"], set()),
    ],
)
def test_select_and_ignore(runner: CliRunner, options: list[str], codes: set[str]) -> None:
    result = runner.invoke(cli, ["validate", str(SEED), "--format", "json", *options])
    assert {d["code"] for d in json.loads(result.output)["diagnostics"]} == codes


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "does/not/exist"],
        ["validate"],
        ["validate", "raw", "--format", "xml"],
        ["validate", "raw", "--select", "XYZ1"],
        ["validate", "raw", "--max-file-size", "lots"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2_with_one_line(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "Error" in result.output


def test_missing_path_message(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "does/not/exist"])
    assert result.output.strip() == "Error: path does not exist: does/not/exist"


def test_bad_config_exits_2(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.newsdata]\nselect = ["ND1"]\ncolour = 1\n')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["validate", str(SEED)])
    assert result.exit_code == 2
    assert result.output.strip().endswith("unknown key(s) in [tool.newsdata]: colour")


def test_config_is_read_from_the_nearest_pyproject(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.newsdata]\nignore = ["ND601"]\n[tool.newsdata.severity]\nND602 = "error"\n'
    )
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    result = runner.invoke(cli, ["validate", str(SEED), "--format", "json"])
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert [(d["code"], d["severity"]) for d in report["diagnostics"]] == [("ND602", "error")]


def test_main_returns_exit_codes() -> None:
    assert main(["validate", str(SEED)]) == 0
    assert main(["validate", "does/not/exist"]) == 2
    assert main(["validate", str(SEED), "--strict"]) == 1


def test_schema_check_passes_on_the_committed_schema(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema", "--check", "--dir", str(ROOT / "schema")])
    assert result.exit_code == 0, result.output


def test_schema_check_names_drifted_files(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["schema", "--dir", str(tmp_path)]).exit_code == 0
    (tmp_path / "VERSION").write_text("0.0.1\n")
    result = runner.invoke(cli, ["schema", "--check", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "VERSION: differs from the model" in result.output


def test_rules_lists_every_rule(runner: CliRunner) -> None:
    from newsdata.rules import all_rules

    result = runner.invoke(cli, ["rules", "--format", "json"])
    assert [r["code"] for r in json.loads(result.output)] == [r.code for r in all_rules()]


def test_every_command_has_help_and_docs(runner: CliRunner) -> None:
    reference = (ROOT / "docs" / "cli.md").read_text("utf-8")
    readme = (ROOT / "README.md").read_text("utf-8")
    for name, command in cli.commands.items():
        assert command.help, name
        assert f"## `newsdata {name}`" in reference
        assert f"newsdata {name}" in readme, f"README lacks a usage section for {name}"
        assert runner.invoke(cli, [name, "--help"]).exit_code == 0


def test_rules_explains_one_rule(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["rules", "nd601"])
    assert result.exit_code == 0
    assert result.output.startswith("ND601 split-paragraph (default severity: warning)")
    assert "**Why**: a blank line inside a sentence" in result.output
    unknown = runner.invoke(cli, ["rules", "ND999"])
    assert unknown.exit_code == 2
    assert "no rule 'ND999'" in unknown.output


def test_every_module_stays_under_400_lines() -> None:
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text("utf-8").splitlines())
        for path in (ROOT / "src" / "newsdata").rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 400} == {}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fmt": "sarif", "statistics": True}, "--statistics shows counts as text or json only"),
        ({"fmt": "json", "errors_only": True}, "--errors-only applies to the text listing only"),
        ({"fmt": "text", "statistics": True, "errors_only": True}, "--errors-only applies"),
    ],
)
def test_a_report_output_that_cannot_be_shown_is_the_librarys_usage_error(
    options: dict[str, Any], message: str
) -> None:
    from newsdata.report import ReportOutput

    with pytest.raises(UsageError, match=message):
        ReportOutput(**options)


def test_the_rules_listing_and_explanation_are_rendered_by_the_library(runner: CliRunner) -> None:
    from newsdata.docgen import rule_explanation, rule_listing, rule_row
    from newsdata.rules import builtin_rules

    rows = [rule_row(rule) for rule in builtin_rules()]
    assert runner.invoke(cli, ["rules"]).output == rule_listing(rows)
    nd605 = next(row for row in rows if row["code"] == "ND605")
    assert runner.invoke(cli, ["rules", "nd605"]).output == rule_explanation(nd605)


@pytest.mark.parametrize(
    ("fmt", "actions", "expected"),
    [
        (None, "true", ("github", False)),
        (None, None, ("text", True)),
        ("json", None, ("json", False)),
    ],
)
def test_a_report_output_chosen_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
    fmt: str | None,
    actions: str | None,
    expected: tuple[str, bool],
) -> None:
    from newsdata.report import ReportOutput

    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    if actions is not None:
        monkeypatch.setenv("GITHUB_ACTIONS", actions)
    output = ReportOutput.chosen(fmt, "always", False, False, False)
    assert (output.fmt, output.color) == expected  # colour for the text listing only
