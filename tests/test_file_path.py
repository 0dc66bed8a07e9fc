"""One path type: a file's FilePath, made by discovery, is what the run, the corpus index, the
hook and a release receive, and findings are built at its shown path."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsdata.check.discovery import FilePath, Target
from newsdata.check.engine import Validator, check_batch
from newsdata.check.pipeline import RunOptions, run
from newsdata.check.rawtext import Document
from newsdata.check.results import FileResult
from newsdata.config import RuleSelection, Settings
from tests.factory import article


@dataclass
class _Seen:
    files: list[FilePath] = field(default_factory=list)

    def start(self, worker: int) -> None:
        pass

    def on_checked(self, file: FilePath, document: Document | None, result: FileResult) -> None:
        self.files.append(file)

    def batch_done(self) -> list[FilePath]:
        done, self.files = self.files, []
        return done


@dataclass
class _Hook:
    files: list[FilePath] = field(default_factory=list)

    def for_workers(self, workers: int, files: int, *, forked: bool) -> _Seen:
        return _Seen()

    def collect(self, handoff: object) -> None:
        assert isinstance(handoff, list)
        self.files.extend(handoff)


#: A plugin's corpus rule that tells what its index entries hold as their path.
PLUGIN = """
from newsdata.diagnostics import Diagnostic, Severity
from newsdata.rules import CorpusRule


class Paths(CorpusRule):
    \"\"\"Names each file's path as the index holds it.\"\"\"

    code = "XP901"
    name = "paths"
    severity = Severity.WARNING

    def check_corpus(self, index, settings):
        for entry in index.entries:
            said = repr((type(entry.file).__name__, *entry.file))
            shown = entry.file.shown
            yield Diagnostic(shown, None, None, self.code, self.name, self.severity, said)


RULES = [Paths]
"""


def test_the_run_the_hook_and_the_index_receive_the_files_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The corpus folder is a link: where the walk found a file, its real path and how it is
    # shown differ, and each part of the run takes the one it needs from the same FilePath.
    real = tmp_path / "elsewhere"
    real.mkdir()
    (real / "a.txt").write_text(article(1), "utf-8")
    (real / "b.txt").write_text(article(2), "utf-8")
    (tmp_path / "raw").symlink_to(real)
    plugin = tmp_path / "paths_plugin.py"
    plugin.write_text(PLUGIN, "utf-8")
    monkeypatch.chdir(tmp_path)
    hook = _Hook()
    settings = Settings(selection=RuleSelection(select=("XP",)), plugins=(plugin,))
    options = RunOptions(jobs=1, use_cache=False, root=tmp_path, on_checked=hook)
    checked = run(["raw"], settings, options)

    expected = [
        FilePath(f"raw/{name}", str(real.resolve() / name), f"raw/{name}", f"raw/{name}")
        for name in ("a.txt", "b.txt")
    ]
    assert [file.path for file in checked.files] == expected
    assert sorted(hook.files) == expected
    # The index holds the very same FilePath (a plugin's corpus rule sees it).
    told = sorted((d.path, d.message) for d in checked.report.diagnostics)
    assert told == [
        (file.shown, repr(("FilePath", file.walked, file.identity, file.shown, file.source)))
        for file in expected
    ]


def test_findings_are_built_at_the_shown_path(tmp_path: Path) -> None:
    # Not built without a path and given one later: a worker's findings already carry it.
    (tmp_path / "empty.txt").write_text("")
    walked = str(tmp_path / "empty.txt")
    target = Target(FilePath(walked, walked, "shown/empty.txt"))
    (result,) = check_batch(Validator(Settings()), [target], signatures=False)
    assert result.findings
    assert {d.path for d in result.findings} == {"shown/empty.txt"}
