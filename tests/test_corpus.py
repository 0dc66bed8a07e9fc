"""Corpus-wide checks: full runs, pull-request runs against the whole corpus, --changed-since."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdata.check.pipeline import RunOptions, validate
from newsdata.cli import cli
from newsdata.config import Settings
from tests.conftest import TODAY
from tests.factory import article, commit, different_article

SETTINGS = Settings(today=TODAY)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data repository: pyproject.toml with [tool.newsdata], and raw/ with three articles."""
    (tmp_path / "pyproject.toml").write_text("[tool.newsdata]\n")
    raw = tmp_path / "raw"
    for name, number in (("a.txt", 1), ("c.txt", 2), ("e.txt", 3)):
        path = raw / "site" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(different_article(number), "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _codes(report_paths: list[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(Path(p).name, c) for p, c in report_paths}


def _run(*paths: str) -> set[tuple[str, str]]:
    report = validate(list(paths), SETTINGS, RunOptions(use_cache=False))
    return _codes([(d.path, d.code) for d in report.diagnostics])


def test_full_run_reports_all_but_the_first_of_a_group(repo: Path) -> None:
    (repo / "raw" / "site" / "b.txt").write_text(different_article(1), "utf-8")  # copy of a.txt
    (repo / "raw" / "site" / "d.txt").write_text(different_article(1), "utf-8")
    found = _run("raw")
    assert {("b.txt", "ND901"), ("b.txt", "ND902"), ("d.txt", "ND901"), ("d.txt", "ND902")} == {
        f for f in found if f[1] in {"ND901", "ND902"}
    }


def test_a_named_file_is_compared_with_the_whole_corpus(repo: Path) -> None:
    # The contributed file sorts before the one it copies: it is still the one reported.
    new = repo / "raw" / "site" / "0-new.txt"
    new.write_text(different_article(3), "utf-8")
    found = _run(str(new))
    assert found == {("0-new.txt", "ND901"), ("0-new.txt", "ND902")}


def test_only_named_files_are_reported(repo: Path) -> None:
    (repo / "raw" / "site" / "b.txt").write_text(different_article(1), "utf-8")
    new = repo / "raw" / "site" / "f.txt"
    new.write_text(different_article(4), "utf-8")
    assert _run(str(new)) == set()


def test_near_duplicate_of_a_corpus_file(repo: Path) -> None:
    new = repo / "raw" / "site" / "0-near.txt"
    text = different_article(2).replace("Original url:", "A closing sentence.\n\nOriginal url:")
    new.write_text(text.replace("/story-2", "/story-2-copy"), "utf-8")
    report = validate([str(new)], SETTINGS, RunOptions(use_cache=False))
    (finding,) = [d for d in report.diagnostics if d.code == "ND903"]
    assert finding.path == str(new)
    assert finding.message.endswith("similar to that of raw/site/c.txt (near-duplicate)")


def test_files_outside_the_corpus_are_compared_among_themselves(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "x.txt").write_text(different_article(1), "utf-8")
    assert _run(str(elsewhere)) == set()


def test_near_duplicate_threshold_is_configurable(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = different_article(2)
    paragraphs = text.split("\n\n")
    paragraphs[5] = "A different paragraph replaces one of the originals entirely here."
    (repo / "raw" / "site" / "z.txt").write_text(
        "\n\n".join(paragraphs).replace("story-2", "story-2b"), "utf-8"
    )
    strict = validate(
        ["raw"], Settings(today=TODAY, near_duplicate_threshold=0.99), RunOptions(use_cache=False)
    )
    loose = validate(
        ["raw"], Settings(today=TODAY, near_duplicate_threshold=0.3), RunOptions(use_cache=False)
    )
    assert "ND903" not in {d.code for d in strict.diagnostics}
    assert "ND903" in {d.code for d in loose.diagnostics}


def test_changed_since_checks_changed_files_against_everything(repo: Path) -> None:
    commit(repo)
    (repo / "raw" / "site" / "c.txt").write_text(
        different_article(2).replace("April 06, 2013", "February 30, 2013"), "utf-8"
    )
    (repo / "raw" / "site" / "new.txt").write_text(different_article(1), "utf-8")
    (repo / "notes.md").write_text("not an article")
    result = CliRunner().invoke(
        cli, ["validate", "--changed-since", "HEAD", "--format", "json", "--no-cache"]
    )
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert report["summary"]["files"] == 2
    found = {(Path(d["path"]).name, d["code"]) for d in report["diagnostics"]}
    assert ("c.txt", "ND303") in found
    assert ("new.txt", "ND901") in found and ("new.txt", "ND902") in found
    assert not any(name == "a.txt" for name, _ in found)


def test_changed_since_with_nothing_changed_passes(repo: Path) -> None:
    commit(repo)
    result = CliRunner().invoke(cli, ["validate", "--changed-since", "HEAD", "--no-cache"])
    assert result.exit_code == 0
    assert "Checked 0 files" in result.output


def test_changed_since_a_bad_ref_exits_2(repo: Path) -> None:
    commit(repo)
    result = CliRunner().invoke(cli, ["validate", "--changed-since", "no-such-ref"])
    assert result.exit_code == 2
    assert "'no-such-ref' is not a commit, branch or tag" in result.output
    assert "git fetch origin no-such-ref" in result.output


def test_jobs_1_and_2_give_identical_reports(repo: Path) -> None:
    raw = repo / "raw" / "bulk"
    raw.mkdir()
    for number in range(10, 700):
        text = different_article(number)
        if number % 50 == 0:
            text = different_article(number - 1).replace(f"story-{number - 1}", f"dup-{number}")
        if number % 60 == 0:
            text = different_article(number - 1)
        if number % 97 == 0:
            text = text.replace("April 06, 2013", "April 31, 2013")
        (raw / f"{number:04d}.txt").write_text(text, "utf-8")
    one = validate(["raw"], SETTINGS, RunOptions(use_cache=False, jobs=1))
    two = validate(["raw"], SETTINGS, RunOptions(use_cache=False, jobs=2))
    assert one.files == two.files == 693
    assert one.diagnostics == two.diagnostics
    assert {d.code for d in one.diagnostics} >= {"ND303", "ND901", "ND902"}


def test_article_factory_is_clean() -> None:
    from newsdata.articles import parse

    for number in (1, 2, 3):
        record, found = parse(different_article(number).encode(), settings=SETTINGS)
        assert record is not None and found == [], found
    assert article() == different_article(0)


@pytest.mark.parametrize("enabled", [True, False])
def test_a_run_leaves_the_garbage_collector_as_it_found_it(repo: Path, enabled: bool) -> None:
    # The run pauses Python's cyclic collector (its objects live to the end and make no
    # cycles); a program calling validate() must get the collector back as it had it, even
    # when the run fails.
    import gc

    (repo / "raw" / "a.txt").write_text(different_article(1), "utf-8")
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        assert validate(["raw"], SETTINGS, RunOptions(use_cache=False, jobs=1)).files >= 1
        assert gc.isenabled() is enabled
        with pytest.raises(TypeError):
            validate(["raw"], SETTINGS, RunOptions(use_cache=False, jobs="x"))  # type: ignore[arg-type]
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
