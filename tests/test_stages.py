"""The two stages and their one seam: checking imports nothing of releases, and a release hears
of each checked file only through the hook (results.FileHook)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsdata.check.discovery import FilePath
from newsdata.check.pipeline import RunOptions, run
from newsdata.check.rawtext import Document
from newsdata.check.results import FileResult
from newsdata.config import Settings
from tests.factory import article

_CHECK = """
import sys
from pathlib import Path
from newsdata.check.pipeline import RunOptions, validate
options = RunOptions(jobs=2, use_cache=True, cache_dir=Path(sys.argv[2]))
report = validate([sys.argv[1]], options=options)
assert report.files == 300, report.files
loaded = sorted(m for m in sys.modules if m.startswith(("newsdata.release", "pyarrow", "fsspec")))
print(loaded)
"""


def test_checking_imports_nothing_of_the_release_stage_and_no_arrow(tmp_path: Path) -> None:
    corpus = tmp_path / "raw"
    corpus.mkdir()
    for number in range(300):
        (corpus / f"{number}.txt").write_text(article(number), "utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _CHECK, str(corpus), str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@dataclass
class _Seen:
    """A worker side that notes each file it hears of, and hands the notes over per batch."""

    notes: list[tuple[str, str | None, bool]] = field(default_factory=list)

    def start(self, worker: int) -> None:
        self.notes.append(("worker", str(worker), False))

    def on_checked(self, file: FilePath, document: Document | None, result: FileResult) -> None:
        title = document.title.text if document is not None and document.title else None
        self.notes.append((file.source, title, result.sha256 is not None))

    def batch_done(self) -> list[tuple[str, str | None, bool]]:
        done, self.notes = self.notes, []
        return done


@dataclass
class _Hook:
    """A FileHook that collects what its worker sides saw."""

    seen: list[tuple[str, str | None, bool]] = field(default_factory=list)
    asked: list[tuple[int, int, bool]] = field(default_factory=list)

    def for_workers(self, workers: int, files: int, *, forked: bool) -> _Seen:
        self.asked.append((workers, files, forked))
        return _Seen()

    def collect(self, handoff: object) -> None:
        assert isinstance(handoff, list)
        self.seen.extend(handoff)


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_hook_hears_of_every_file_checked_with_its_document(tmp_path: Path, jobs: int) -> None:
    corpus = tmp_path / "raw"
    corpus.mkdir()
    for number in range(600):  # more than one batch, so that two workers run
        (corpus / f"{number:03}.txt").write_text(article(number), "utf-8")
    (corpus / "empty.txt").write_text("")
    hook = _Hook()
    options = RunOptions(jobs=jobs, use_cache=False, root=tmp_path, on_checked=hook)
    run([corpus], Settings(), options)
    files = [note for note in hook.seen if note[0] != "worker"]
    assert sorted(source for source, _, _ in files) == sorted(
        [f"raw/{n:03}.txt" for n in range(600)] + ["raw/empty.txt"]
    )
    titles = {source: title for source, title, _ in files}
    assert titles["raw/007.txt"] == article(7).split("\n", 1)[0]
    assert titles["raw/empty.txt"] is None
    workers = {number for kind, number, _ in hook.seen if kind == "worker"}
    if jobs == 1:  # checked here: one worker side, never started
        assert hook.asked == [(1, 601, False)] and workers == set()
    else:  # forked, or from a fork server once rensa ran in this process
        assert [asked[:2] for asked in hook.asked] == [(2, 601)]
        assert workers and workers <= {"0", "1"}
