"""Clean, mutually distinct articles for tests that need several files."""

from __future__ import annotations

import ctypes
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

_WORDS = (
    "government minister parliament election budget river city council school hospital court "
    "report police market company bank energy climate water storm harvest festival museum "
    "railway bridge airport harbour university teacher doctor farmer village region border "
    "treaty summit vote law tax price wage strike union protest record season match coach"
).split()


def article(number: int = 0) -> str:
    """A clean article whose URL and body depend on `number` (different numbers differ)."""
    rng = random.Random(number)
    paragraphs = []
    for _ in range(6):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(18, 30))]
        paragraphs.append(" ".join(words).capitalize() + ".")
    return (
        "\n\n".join(
            [
                f"Story number {number} about the {rng.choice(_WORDS)}",
                "By [Jane Doe](#)",
                "April 06, 2013",
                "The Moscow Times",
                *paragraphs,
                "Original url:",
                f"<https://www.themoscowtimes.com/2013/04/06/story-{number}>",
            ]
        )
        + "\n"
    )


def different_article(number: int) -> str:
    """Alias that reads better in corpus tests."""
    return article(number)


def git(repo: Path, *args: str) -> str:
    """Run git in a test repository (with a throwaway identity); its output, stripped."""
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def commit(repo: Path, message: str = "corpus") -> str:
    """Commit everything (initialising the repository if needed); the new commit's id."""
    if not (repo / ".git").exists():
        git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message, "--allow-empty")
    return git(repo, "rev-parse", "HEAD")


def data_repo(root: Path, pyproject: str, texts: list[str]) -> Path:
    """A committed data repository: pyproject.toml, and raw/site/<n>.txt for each text."""
    (root / "raw" / "site").mkdir(parents=True)
    (root / "pyproject.toml").write_text(pyproject)
    (root / ".gitignore").write_text("dist/\n.newsdata_cache/\n")
    for number, text in enumerate(texts):
        (root / "raw" / "site" / f"{number}.txt").write_text(text, "utf-8")
    commit(root)
    return root


def working_repo(root: Path, count: int, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed data repository with `count` articles, made the working directory, with
    SOURCE_DATE_EPOCH unset (releases take their time from the commit)."""
    made = data_repo(root, DATASET_PYPROJECT, [article(n) for n in range(count)])
    monkeypatch.chdir(made)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return made


#: A data repository's dataset table, for tests that build releases.
DATASET_PYPROJECT = """[tool.newsdata.dataset]
name = "test-news"
title = "Test news"
license = "CC-BY-4.0"
contributors = ["Jane Doe"]
"""


def frictionless_validate(folder: Path) -> tuple[int, dict[str, Any]]:
    """The real `frictionless validate --json` on a folder's datapackage.json: exit code, report."""
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "frictionless"),
            "validate",
            "--json",
            "datapackage.json",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return done.returncode, json.loads(done.stdout)


def without_root_file_powers() -> None:
    """For a child process, before exec (`preexec_fn`): drop the capabilities that let root
    pass any permission check on files (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from the
    bounding set, so it meets permission bits as any user does while keeping uid 0 (it can
    still reach the interpreter). Does nothing to a user that never had them."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
    for capability in (cap_dac_override, cap_dac_read_search):
        libc.prctl(pr_capbset_drop, capability, 0, 0, 0)


#: The message of the finding `plant_in_cache` puts into every cached result.
PLANTED = "planted in the cache"


def plant_in_cache(cache: Path) -> None:
    """Put a fake finding (ND201, message PLANTED) into every result of a validation cache
    folder: it shows up in a report only if the run used the cache. The last full run's
    verdict goes (check/replay.py): it would give that run's findings without any result."""
    import sqlite3

    from newsdata.check.cache import CACHE_FILE

    finding = [[1, None, "ND201", "missing-title", "error", PLANTED, None]]
    db = sqlite3.connect(cache / CACHE_FILE)
    try:
        with db:
            db.execute("UPDATE results SET findings = ?", (json.dumps(finding),))
            db.execute("DELETE FROM verdict")
    finally:
        db.close()
