"""Rules declare what they need (the day, the document, signatures, their settings), and the
engine and the pipeline ask that: a rule of a new kind needs no edit of theirs."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
from pathlib import Path

import pytest

import newsdata
import newsdata.rules as rules_package
from newsdata.check.pipeline import RunOptions, validate
from newsdata.config import RuleSelection, Settings
from newsdata.rules import CorpusRule, Rule
from tests.conftest import TODAY
from tests.factory import PLANTED, article, plant_in_cache

SRC = Path(newsdata.__file__).parent
MARK = PLANTED


#: A plugin file of test-only rules: one that needs the day, and two corpus rules that say
#: whether the index holds the bodies' signatures (one needs them, one does not) and the run's
#: raw folder (a setting each reads for itself).
PLUGIN = """
import datetime as dt

from newsdata.diagnostics import Diagnostic, Severity
from newsdata.rules import CorpusRule, DailyRule, Needs


class OldNews(DailyRule):
    \"\"\"An article published more than a year before today.\"\"\"

    code = "XT101"
    name = "old-news"
    severity = Severity.WARNING

    def check_facts(self, files, today):
        year_ago = today - dt.timedelta(days=365)
        for path, facts in files:
            if facts.published and dt.date.fromisoformat(facts.published) < year_ago:
                yield self.found(path, facts.date_line, "old news")


class SignedBodies(CorpusRule):
    \"\"\"Says whether the index holds signatures, and the raw folder.\"\"\"

    code = "XT901"
    name = "signed-bodies"
    severity = Severity.WARNING
    needs = Needs.SIGNATURES

    def check_corpus(self, index, settings):
        entry = index.entries[0]
        message = f"signed {index.signatures is not None} under {settings.raw}"
        yield Diagnostic(entry.file.shown, None, None, self.code, self.name, self.severity, message)


class UnsignedBodies(SignedBodies):
    \"\"\"The same, from a rule that needs no signatures.\"\"\"

    code = "XT902"
    name = "unsigned-bodies"
    needs = Needs(0)


RULES = [OldNews, SignedBodies, UnsignedBodies]
"""


@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    path = tmp_path / "checks" / "test_rules.py"
    path.parent.mkdir()
    path.write_text(PLUGIN, "utf-8")
    return path


def _settings(plugin: Path, today: dt.date, *ignored: str) -> Settings:
    return Settings(
        today=today,
        selection=RuleSelection(select=("ND", "XT"), ignore=ignored),
        plugins=(plugin,),
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for number in range(3):
        (raw / f"{number}.txt").write_text(article(number), "utf-8")  # dated April 06, 2013
    return raw


def _messages(corpus: Path, cache: Path, settings: Settings) -> list[str]:
    report = validate([str(corpus)], settings, RunOptions(cache_dir=cache, jobs=1))
    return [d.message for d in report.diagnostics]


def test_every_rule_that_needs_the_day_is_judged_again_on_cached_files(
    corpus: Path, plugin: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    in_2013 = _settings(plugin, dt.date(2013, 5, 1))
    assert "old news" not in _messages(corpus, cache, in_2013)
    plant_in_cache(cache)
    later = _messages(corpus, cache, _settings(plugin, TODAY))
    assert later.count(MARK) == 3  # every file served from the cache...
    assert later.count("old news") == 3  # ...and judged on the new day
    again = _messages(corpus, cache, in_2013)
    assert again.count(MARK) == 3
    assert "old news" not in again


def test_a_rule_that_needs_the_day_is_judged_on_a_single_file_too(plugin: Path) -> None:
    found = newsdata.parse(article(1).encode(), "one.txt", _settings(plugin, TODAY))[1]
    assert [(d.code, d.path) for d in found if d.code == "XT101"] == [("XT101", "one.txt")]


def test_signatures_are_made_when_a_rule_needs_them(corpus: Path, plugin: Path) -> None:
    options = RunOptions(use_cache=False, jobs=1)

    def said(*ignored: str) -> list[str]:
        report = validate([str(corpus)], _settings(plugin, TODAY, "ND903", *ignored), options)
        return [d.message for d in report.diagnostics if d.code.startswith("XT9")]

    assert said() == ["signed True under raw"] * 2  # XT901 needs them: made for every rule
    assert said("XT901") == ["signed False under raw"]  # no rule needs them: not made


def _rule_class_names() -> set[str]:
    """Every rule class the rules package defines, the bases included."""
    names: set[str] = set()
    for module in (rules_package, *_rule_modules()):
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, (Rule, CorpusRule)):
                names.add(name)
    return names


def _rule_modules() -> list[object]:
    import importlib

    return [
        importlib.import_module(f"newsdata.rules.{path.stem}")
        for path in sorted((SRC / "rules").glob("*.py"))
        if path.stem != "__init__"
    ]


def _concrete_rule_names() -> set[str]:
    """The rule classes that are rules (they have a code), not bases."""
    return {
        name
        for module in _rule_modules()
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and issubclass(value, (Rule, CorpusRule))
        and "code" in vars(value)
    }


@pytest.mark.parametrize("module", ["check/engine.py", "check/pipeline.py", "check/parallel.py"])
def test_the_engine_imports_no_rule_of_its_own(module: str) -> None:
    tree = ast.parse((SRC / module).read_text("utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("newsdata.rules")
        for alias in node.names
    }
    concrete = _concrete_rule_names()
    assert "FutureDate" in concrete and "NearDuplicateBody" in concrete
    assert not imported & concrete
    # ...nor anything of a rule family's module (a constant of one rule, say).
    assert all(
        node.module in {"newsdata.rules", "newsdata.rules.base", "newsdata.rules.corpus"}
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("newsdata.rules")
    )


def test_no_isinstance_on_rule_classes_outside_the_rules() -> None:
    names = _rule_class_names()
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if (SRC / "rules") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance":
                classes = ast.walk(node.args[1])
                used = {n.id for n in classes if isinstance(n, ast.Name)} & names
                found.extend(f"{path.relative_to(SRC)}:{node.lineno} {sorted(used)}" for _ in used)
    assert found == []
