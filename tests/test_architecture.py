"""docs/architecture.md stays true: each module it names exists, and it names every module."""

from __future__ import annotations

import re

from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "newsdata"
DOC = (ROOT / "docs" / "architecture.md").read_text("utf-8")
#: Named in a table or the text as `folder/module.py` or `module.py` (or `report/`, `rules/`).
_NAMED = {
    name
    for name in re.findall(r"`((?:[a-z]+/)?[a-z_]+\.py)`", DOC)
    if not name.startswith("tests/")
}


def _modules() -> set[str]:
    return {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py" and "__pycache__" not in path.parts
    }


def test_every_module_named_exists() -> None:
    assert sorted(name for name in _NAMED if not (PACKAGE / name).is_file()) == []


def test_every_module_is_named_or_its_folder_is() -> None:
    folders = set(re.findall(r"`(?:src/newsdata/)?([a-z]+)/`", DOC))
    missing = [m for m in _modules() if m not in _NAMED and m.split("/")[0] not in folders]
    assert sorted(missing) == []


def test_the_stage_folders_are_the_ones_described() -> None:
    for folder in ("check", "release", "rules", "report"):
        assert (PACKAGE / folder / "__init__.py").is_file()
        assert f"src/newsdata/{folder}/" in DOC or f"`{folder}/`" in DOC
