"""Plugins: the example of docs/plugins.md installed for real, and run end to end.

The plugin is installed as a distribution the way pip leaves one: a `*.dist-info` folder
(METADATA, entry_points.txt) beside the module, in a folder on the import path. Discovery is
importlib.metadata's own; nothing is mocked.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdata.cli import cli
from tests.conftest import ROOT
from tests.factory import DATASET_PYPROJECT, article, commit, data_repo, plant_in_cache

DOC = (ROOT / "docs" / "plugins.md").read_text("utf-8")
_FENCE = re.compile(r"^```(?P<lang>\w+)\n(?P<code>.*?)^```", re.S | re.M)
_BLOCKS = [(m["lang"], m["code"]) for m in _FENCE.finditer(DOC)]
#: The plugin module, as docs/plugins.md shows it.
PLUGIN = next(code for lang, code in _BLOCKS if lang == "python")
#: The plugin distribution's pyproject.toml, as docs/plugins.md shows it.
PROJECT = tomllib.loads(next(c for lang, c in _BLOCKS if lang == "toml" and "[project]" in c))
#: The local form, as docs/plugins.md shows it.
LOCAL = next(c for lang, c in _BLOCKS if lang == "toml" and "plugins =" in c)
MODULE = "house_rules"
_TITLE, _REST = article(0).split("\n", 1)
CAPITALS = f"{_TITLE.upper()}\n{_REST}"


def install(site: Path, version: str | None = None, source: str = PLUGIN) -> Path:
    """The example plugin installed into `site` as a distribution (entry point included)."""
    project = PROJECT["project"]
    name, version = project["name"], version or project["version"]
    for old in site.glob("*.dist-info"):
        shutil.rmtree(old)
    dist_info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", "utf-8"
    )
    entry_points = [
        line
        for group, points in project["entry-points"].items()
        for line in [f"[{group}]", *(f"{key} = {value}" for key, value in points.items())]
    ]
    (dist_info / "entry_points.txt").write_text("\n".join(entry_points) + "\n", "utf-8")
    (site / f"{MODULE}.py").write_text(source, "utf-8")
    return site


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The example plugin installed, on this process's import path and the subprocesses'."""
    folder = install(tmp_path / "site")
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setenv("PYTHONPATH", str(folder))
    yield folder
    sys.modules.pop(MODULE, None)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed data repository (the working directory): a title in capitals, one clean
    article, so both of the plugin's rules find something."""
    made = data_repo(tmp_path / "repo", DATASET_PYPROJECT, [CAPITALS, article(1)])
    monkeypatch.chdir(made)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return made


def _validate(*args: str) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(cli, ["validate", "raw", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)["diagnostics"]


def _codes(*args: str) -> list[str]:
    return sorted(str(d["code"]) for d in _validate(*args)[1])


def test_the_installed_plugin_finds_per_file_and_corpus_findings(site: Path, repo: Path) -> None:
    status, found = _validate()
    assert status == 0  # warnings only
    by_code = {d["code"]: d for d in found}
    assert set(by_code) == {"XY1", "XY901"}
    assert by_code["XY1"]["path"] == "raw/site/0.txt"
    assert by_code["XY1"]["line"] == 1
    assert by_code["XY1"]["rule"] == "title-in-capitals"
    assert "fewer than 3" in str(by_code["XY901"]["message"])


def test_plugin_rules_are_selected_ignored_and_given_a_severity(site: Path, repo: Path) -> None:
    assert _codes("--select", "XY1") == ["XY1"]
    assert _codes("--select", "XY") == ["XY1", "XY901"]
    assert _codes("--select", "ND") == []
    assert _codes("--ignore", "XY1") == ["XY901"]
    with (repo / "pyproject.toml").open("a") as pyproject:
        pyproject.write('\n[tool.newsdata.severity]\nXY1 = "error"\n')
    status, found = _validate()
    assert status == 1
    assert {d["code"]: d["severity"] for d in found}["XY1"] == "error"


def test_a_second_run_uses_the_cache(site: Path, repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _codes("--cache-dir", str(cache))
    plant_in_cache(cache)
    assert first == ["XY1", "XY901"]
    # The per-file finding XY1 came from the cache (planted over), the corpus rule ran again.
    assert _codes("--cache-dir", str(cache)) == ["ND201", "ND201", "XY901"]


def _newsdata(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """newsdata in a fresh interpreter (which finds the plugin through PYTHONPATH)."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "newsdata"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def _codes_of(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode in (0, 1), done.stderr
    return sorted(d["code"] for d in json.loads(done.stdout)["diagnostics"])


def test_another_plugin_version_drops_the_cache(site: Path, repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    command = ("validate", "raw", "--format", "json", "--cache-dir", str(cache))
    assert _codes_of(_newsdata(*command, cwd=repo)) == ["XY1", "XY901"]
    plant_in_cache(cache)
    assert _codes_of(_newsdata(*command, cwd=repo)).count("ND201") == 2  # the cache is used
    install(site, version="1.1.0")
    assert _codes_of(_newsdata(*command, cwd=repo)) == ["XY1", "XY901"]


def test_forked_workers_run_the_plugin_rules(site: Path, repo: Path) -> None:
    """More files than one batch, two workers: each worker checks with the plugin's rules."""
    for number in range(2, 300):
        text = CAPITALS.replace("0", str(number)) if number % 100 == 0 else article(number)
        (repo / "raw" / "site" / f"{number}.txt").write_text(text, "utf-8")
    done = _newsdata("validate", "raw", "--format", "json", "--jobs", "2", cwd=repo)
    found = [d["path"] for d in json.loads(done.stdout)["diagnostics"] if d["code"] == "XY1"]
    assert sorted(found) == ["raw/site/0.txt", "raw/site/100.txt", "raw/site/200.txt"]


def test_sarif_lists_the_plugin_rules(site: Path, repo: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "raw", "--format", "sarif"])
    run = json.loads(result.output)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_id = {rule["id"]: rule for rule in rules}
    assert by_id["XY1"]["shortDescription"]["text"] == "A title written in capitals."
    assert by_id["XY901"]["defaultConfiguration"]["level"] == "warning"
    for finding in run["results"]:
        assert rules[finding["ruleIndex"]]["id"] == finding["ruleId"]


def test_newsdata_rules_lists_and_explains_plugin_rules(site: Path, repo: Path) -> None:
    listed = CliRunner().invoke(cli, ["rules"])
    assert re.search(r"^XY1\s+warning\s+title-in-capitals\s+A title written", listed.output, re.M)
    rows = json.loads(CliRunner().invoke(cli, ["rules", "--format", "json"]).output)
    assert {"XY1", "XY901"} <= {row["code"] for row in rows}
    explained = CliRunner().invoke(cli, ["rules", "xy901"])
    assert explained.output.startswith("XY901 too-few-articles (default severity: warning)")


def test_a_release_names_the_plugin_in_its_provenance(site: Path, repo: Path) -> None:
    result = CliRunner().invoke(cli, ["package", "--version", "1.0"])
    assert result.exit_code == 0, result.output
    provenance = json.loads((repo / "dist" / "test-news-1.0.0" / "provenance.json").read_text())
    assert provenance["plugins"] == [
        {"name": "house", "distribution": "newsdata-house-rules", "version": "1.0.0"}
    ]


def test_a_release_without_plugins_has_no_plugins_key(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["package", "--version", "1.0"])
    assert result.exit_code == 0, result.output
    assert "plugins" not in (repo / "dist" / "test-news-1.0.0" / "provenance.json").read_text()


def test_the_plugin_file_form(repo: Path, tmp_path: Path) -> None:
    """The local form exactly as docs/plugins.md shows it; an edit to the file is seen."""
    checks = repo / "checks"
    checks.mkdir()
    (checks / "house_rules.py").write_text(PLUGIN, "utf-8")
    (repo / "pyproject.toml").write_text(LOCAL + "\n" + DATASET_PYPROJECT, "utf-8")
    cache = ("--cache-dir", str(tmp_path / "cache"))
    assert _codes(*cache) == ["XY1", "XY901"]
    assert _codes(*cache, "--select", "XY1") == ["XY1"]
    edited = PLUGIN.replace('"the title is in capitals"', '"SHOUTING"')
    (checks / "house_rules.py").write_text(edited, "utf-8")
    found = _validate(*cache)[1]
    assert [d["message"] for d in found if d["code"] == "XY1"] == ["SHOUTING"]
    commit(repo)
    (checks / "house_rules.py").write_text(PLUGIN, "utf-8")  # an uncommitted plugin file
    refused = CliRunner().invoke(cli, ["package", "--version", "1.0"])
    assert refused.exit_code == 2
    assert "M checks/house_rules.py" in refused.output
    commit(repo)
    result = CliRunner().invoke(cli, ["package", "--version", "1.0"])
    assert result.exit_code == 0, result.output
    provenance = json.loads((repo / "dist" / "test-news-1.0.0" / "provenance.json").read_text())
    (named,) = provenance["plugins"]
    assert named["name"] == str(checks / "house_rules.py")
    assert re.fullmatch(r"[0-9a-f]{64}", named["sha256"])


_BROKEN = [
    ("raise RuntimeError('no database')", "cannot be loaded: RuntimeError: no database"),
    ("RULES = [42]", "42 is not a rule"),
    ("RULES = []", "brings no rule"),
    (PLUGIN.replace('"XY1"', '"ND999"'), "the prefix ND is newsdata's own"),
    (PLUGIN.replace('"XY1"', '"xy-1"'), "'xy-1' is not a rule code"),
    (PLUGIN.replace('"XY901"', '"XY1"'), "TooFewArticles.code XY1 is taken (by plugin 'house'"),
    (
        "from newsdata.rules import Rule\nclass Lazy(Rule):\n    code = 'XY5'\n"
        "    name = 'lazy'\n    severity = __import__('newsdata').Severity.ERROR\nRULES = [Lazy]",
        "Lazy does not implement its check",
    ),
    (
        "from newsdata.rules import DailyRule\nclass Idle(DailyRule):\n    code = 'XY6'\n"
        "    name = 'idle'\n    severity = __import__('newsdata').Severity.ERROR\n"
        "    def check(self, ctx):\n        return []\nRULES = [Idle]",
        "Idle does not implement its check",  # it needs the day: check_facts, not check
    ),
]


@pytest.mark.parametrize(("source", "message"), _BROKEN, ids=[m for _, m in _BROKEN])
def test_a_broken_plugin_is_a_usage_error_naming_it(
    source: str, message: str, site: Path, repo: Path
) -> None:
    install(site, source=source)
    for command in (["validate", "raw"], ["rules"]):
        done = _newsdata(*command, cwd=repo)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "plugin 'house' (entry point house_rules:RULES of newsdata-house-rules" in (
            done.stderr
        )
        assert message in done.stderr
        assert "Traceback" not in done.stderr


def test_two_plugins_with_one_code_clash(site: Path, repo: Path) -> None:
    """The same rules as a plugin file too: the file's codes are the distribution's."""
    (repo / "house.py").write_text(PLUGIN, "utf-8")
    with (repo / "pyproject.toml").open("a") as pyproject:
        pyproject.write('\n[tool.newsdata]\nplugins = ["house.py"]\n')
    done = _newsdata("validate", "raw", cwd=repo)
    assert done.returncode == 2
    assert (
        f"plugin file {repo / 'house.py'}: TitleInCapitals.code XY1 is taken (by plugin 'house'"
        in (done.stderr)
    )


@pytest.mark.parametrize(
    ("listed", "message"),
    [
        ('["missing.py"]', "missing.py cannot be read"),
        ("[1]", "plugins: expected a path or a list of paths"),
    ],
)
def test_a_bad_plugin_file_entry_is_a_usage_error(repo: Path, listed: str, message: str) -> None:
    with (repo / "pyproject.toml").open("a") as pyproject:
        pyproject.write(f"\n[tool.newsdata]\nplugins = {listed}\n")
    result = CliRunner().invoke(cli, ["validate", "raw"])
    assert result.exit_code == 2
    assert message in result.output


def test_no_plugin_means_newsdata_rules_only(repo: Path) -> None:
    assert _codes() == []
