"""Ctrl-C and killed builds: one line, exit 130, and nothing half-written left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsdata.check.pipeline import RunOptions
from newsdata.release import build_release
from newsdata.release.history import LOCK_FILE
from tests.factory import DATASET_PYPROJECT, article

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds worker processes through /proc"
)

NEWSDATA = [str(Path(sys.executable).parent / "newsdata")]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data repository large enough that a run with two workers lasts a while."""
    root = tmp_path_factory.mktemp("large")
    (root / "pyproject.toml").write_text(DATASET_PYPROJECT)
    for folder in range(10):
        (root / "raw" / f"site{folder}").mkdir(parents=True)
    for number in range(5000):
        (root / "raw" / f"site{number % 10}" / f"{number}.txt").write_text(article(number))
    return root


def _workers(pid: int) -> list[int]:
    """The Python processes `pid` started (its pool's workers; git is left out)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == pid and b"git" not in command.split(b"\0")[0]:
            found.append(int(stat.parent.name))
    return found


def _interrupted(
    args: list[str], cwd: Path, ready: Callable[[int], bool]
) -> subprocess.CompletedProcess[str]:
    """Run newsdata, press Ctrl-C once `ready(pid)` (SIGINT to the whole process group, as a
    terminal does), and wait for it to end."""
    run = subprocess.Popen(
        [*NEWSDATA, *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "NEWSDATA_CACHE_DIR": str(cwd / "cache")},
    )
    while run.poll() is None and not ready(run.pid):
        time.sleep(0.002)  # leave the cores to the run
    assert run.poll() is None, "the run ended before it could be interrupted"
    os.killpg(run.pid, signal.SIGINT)
    try:
        out, err = run.communicate(timeout=120)  # not a speed check: a hang must fail, not stall
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        out, err = run.communicate()
        pytest.fail(f"still running two minutes after Ctrl-C: {err[-2000:]}")
    return subprocess.CompletedProcess(run.args, run.returncode, out, err)


#: `newsdata package` on the test corpus (not a git repository), into the folder appended.
PACKAGE = ["package", "--version", "1.0", "--jobs", "2", "--no-cache", "--allow-dirty", "--out"]


def _building(out: Path) -> list[str]:
    return [p.name for p in out.iterdir() if ".building-" in p.name] if out.exists() else []


def test_ctrl_c_during_validate_ends_with_one_line_and_exit_130(corpus: Path) -> None:
    done = _interrupted(
        ["validate", "raw", "--jobs", "2", "--no-cache"],
        corpus,
        lambda pid: len(_workers(pid)) >= 2,
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == "Interrupted.\n"


def test_ctrl_c_while_package_validates_leaves_nothing(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _interrupted(
        [*PACKAGE, str(out)],
        corpus,
        lambda pid: len(_workers(pid)) >= 2,
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == "Interrupted.\n"
    assert not out.exists() or _left(out) == []


def test_ctrl_c_while_package_writes_removes_its_building_folder(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = _interrupted(
        [*PACKAGE, str(out)],
        corpus,
        lambda pid: bool(_building(out)),
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == "Interrupted.\n"
    assert _left(out) == []


def _dead_pid() -> int:
    ended = subprocess.Popen(["true"])
    ended.wait()
    return ended.pid


def test_package_removes_build_folders_whose_builder_is_gone(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "raw" / "site").mkdir(parents=True)
    (root / "pyproject.toml").write_text(DATASET_PYPROJECT)
    (root / "raw" / "site" / "0.txt").write_text(article(0))
    out = root / "dist"
    killed = out / f".test-news-0.9.0.building-{_dead_pid()}-k1ll3d"
    running = out / f".test-news-0.9.1.building-{os.getpid()}-runn1n"
    rebooted = out / f".test-news-0.9.2.building-{os.getpid()}-r3b00t"
    elsewhere = out / f".test-news-0.9.3.building-{_dead_pid()}-3lsewh"
    unrelated = out / ".notes.building"
    markers = {rebooted: {"boot": "an-earlier-boot"}, elsewhere: {"host": "another-host"}}
    for folder in (killed, running, rebooted, elsewhere, unrelated):
        (folder / "test-news-0.9.0").mkdir(parents=True)
        (folder / "test-news-0.9.0" / "README.md").write_text("half-written\n")
        if folder in markers:
            (folder / ".builder.json").write_text(json.dumps(markers[folder]))
    options = RunOptions(use_cache=False, jobs=1)
    build_release("1.0", out, options=options, root=root, allow_dirty=True)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            *(running.name, elsewhere.name, unrelated.name),
            *(LOCK_FILE, "test-news-1.0.0", "test-news-1.0.0.zip"),
        ]
    )


def _left(out: Path) -> list[str]:
    """What a release left in its output folder, but the lock file that serialises releases."""
    return [p.name for p in out.iterdir() if p.name != LOCK_FILE]
