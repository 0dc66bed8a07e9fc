"""The release manifest is the one table of a release's files, and reading needs no writer."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from newsdata.check.pipeline import RunOptions
from newsdata.release import build_release
from newsdata.release.buffers import RECORD_COLUMNS
from newsdata.release.card import FILES_SHOWN
from newsdata.release.manifest import (
    CARD,
    RELEASE_FILES,
    arrow_schema,
    described,
    hashed,
    zip_order,
)
from tests.factory import working_repo

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        repo = working_repo(tmp_path_factory.mktemp("manifest") / "repo", 4, patch)
        options = RunOptions(use_cache=False, jobs=1)
        return build_release("1.0", repo / "dist", options=options, root=repo).path


def _spellings(path: Path) -> list[tuple[str, int]]:
    """The release file names a module spells as (part of) a string in its code (docstrings
    and prose aside: a literal equal to a name, or one that holds it as a path or code)."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if id(node) in docstrings or "://" in node.value:  # a URL may end with a file's name
            continue
        for file in RELEASE_FILES:
            text, name = node.value, file.name
            spelled = (
                text == name
                or f"/{name}" in text
                or f"`{name}`" in text
                or f"'{name}'" in text
                or f'"{name}"' in text
                or text.startswith(f"{name}:")
            )
            if spelled:
                found.append((name, node.lineno))
    return found


def test_no_release_file_name_is_spelled_outside_the_manifest() -> None:
    spelled = {
        f"{path.relative_to(SRC)}:{line}: {name}"
        for path in SRC.rglob("*.py")
        if path.name != "manifest.py"
        for name, line in _spellings(path)
    }
    assert not spelled
    manifest = SRC / "newsdata" / "release" / "manifest.py"
    assert sorted(name for name, _ in _spellings(manifest)) == sorted(f.name for f in RELEASE_FILES)


def test_a_release_holds_the_manifest_files_in_its_orders(release: Path) -> None:
    names = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    assert names == {f.name for f in RELEASE_FILES}
    with zipfile.ZipFile(release.parent / f"{release.name}.zip") as archive:
        entries = [n.removeprefix(f"{release.name}/") for n in archive.namelist()]
    assert entries == [f.name for f in zip_order()]
    descriptor = json.loads((release / "datapackage.json").read_text("utf-8"))
    assert [r["path"] for r in descriptor["resources"]] == [f.name for f in described()]
    provenance = json.loads((release / "provenance.json").read_text("utf-8"))
    assert [o["path"] for o in provenance["outputs"]] == [f.name for f in hashed()]


def test_the_manifest_names_real_writers_and_the_card_shows_every_other_file() -> None:
    for file in RELEASE_FILES:
        module, function = file.writer.split(":")
        assert callable(getattr(importlib.import_module(module), function)), file.writer
    assert sorted(f.name for f in FILES_SHOWN) == sorted(f.name for f in RELEASE_FILES if f != CARD)
    assert sorted(f.zip_position for f in RELEASE_FILES) == list(range(len(RELEASE_FILES)))
    assert tuple(arrow_schema().names) == RECORD_COLUMNS


#: What reading or verifying a release must not load: the validator and the release writer.
_WRITERS = (
    "newsdata.check.engine",
    "newsdata.rules",
    "newsdata.check.parallel",
    "newsdata.check.pipeline",
    "newsdata.check.cache",
    "newsdata.check.results",
    "newsdata.release.buffers",
    "newsdata.release.build",
    "newsdata.release.tables",
    "newsdata.release.records",
    "newsdata.release.spool",
)

_READ = """
import sys
from pathlib import Path
import newsdata
from newsdata.release.verify import verify_release
for path in sys.argv[1:]:
    assert verify_release(Path(path)).intact
    with newsdata.open(path) as dataset:
        assert len(list(dataset)) == 4 and dataset.verify().intact
        assert dataset.get(next(iter(dataset)).id) is not None
print("\\n".join(sorted(sys.modules)))
"""


def test_reading_and_verifying_a_release_imports_no_rule_engine_or_writer(release: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _READ, str(release), str(release.parent / f"{release.name}.zip")],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = done.stdout.split()
    assert "newsdata.dataset" in loaded and "newsdata.release.verify" in loaded
    assert [m for m in loaded if m.startswith(_WRITERS)] == []
