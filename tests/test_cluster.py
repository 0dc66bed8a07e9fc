"""validate and package on a real Dask cluster give what the local pool gives, byte for byte.

A LocalCluster on 127.0.0.1 (two worker processes, one thread each) serves the module; the
tests that kill or refuse workers start their own.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsdata.check.shuffle import shuffled_candidate_pairs
from newsdata.check.similarity import candidate_pairs
from newsdata.cli import main
from newsdata.execute.base import Executor
from tests.factory import DATASET_PYPROJECT, article, commit
from tests.s3server import S3Server, s3_bucket, s3_server
from tests.test_shuffle import signature_matrices, star_matrix

distributed = pytest.importorskip("distributed", reason="the cluster extra is in make test's")

pytestmark = pytest.mark.cluster
__all__ = ["s3_bucket", "s3_server"]  # the fixtures, used by name

_EPOCH = "1700000000"


def _local_cluster(workers: int = 2) -> distributed.LocalCluster:
    return distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
    )


@pytest.fixture(scope="module")
def cluster(s3_server: S3Server) -> Iterator[str]:
    """A scheduler's address, its two workers started and waiting (after the S3 server, so
    that they take its endpoint and credentials from the environment)."""
    with _local_cluster() as running:
        yield running.scheduler_address


def _near_copy(text: str) -> str:
    """The article at another URL with its last paragraph's first words changed: a
    near-duplicate."""
    lines = text.split("\n\n")
    lines[-3] = "Changed opening words here " + lines[-3]
    return "\n\n".join(lines).replace(">\n", "-updated>\n")


def _corpus(root: Path, count: int, *, clean: bool) -> Path:
    """A committed data repository of `count` articles in several folders; unless `clean`,
    with a duplicate URL, a duplicate body, near-duplicates and broken files."""
    raw = root / "raw"
    texts = {f"site{n % 3}/{n:04d}.txt": article(n) for n in range(count)}
    texts["site0/near-a.txt"] = _near_copy(article(7))
    if not clean:
        texts["site1/copy-of-5.txt"] = article(5)
        texts["site2/no-url.txt"] = article(11).split("Original url:")[0]
        texts["site2/bad-date.txt"] = article(12).replace("April 06, 2013", "Apirl 6 2013")
        texts["site2/latin1.txt"] = article(13).replace("Story", "Caf\xe9 story")
    for name, text in texts.items():
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        encoding = "latin-1" if "latin1" in name else "utf-8"
        path.write_bytes(text.encode(encoding))
    (root / "pyproject.toml").write_text(DATASET_PYPROJECT)
    (root / ".gitignore").write_text("dist/\n.newsdata_cache/\n")
    commit(root)
    return root


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


@pytest.fixture
def findings_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = _corpus(tmp_path / "repo", 300, clean=False)
    monkeypatch.chdir(repo)
    return repo


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_reports_are_byte_identical_on_the_local_pool_and_on_dask(
    findings_repo: Path, cluster: str, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    base = ["validate", "raw", "--format", fmt, "--no-cache"]
    local_code, local = _run(capsys, *base, "--jobs", "1")
    dask_code, on_dask = _run(capsys, *base, "--cluster", cluster)
    assert local_code == dask_code == 1
    assert on_dask == local
    for code in ("ND901", "ND902", "ND903"):  # the corpus rules ran on both
        assert code in local


def _uploaded(server: S3Server, bucket: str, repo: Path) -> str:
    """The repository's raw/ put in the bucket under the key prefix raw/; its URL."""
    files = {
        f"{bucket}/{path.relative_to(repo).as_posix()}": path.read_bytes()
        for path in sorted((repo / "raw").rglob("*.txt"))
    }
    server.filesystem().pipe(files)
    return f"{bucket}/raw/"


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_reports_on_dask_over_s3_are_the_local_pools(
    findings_repo: Path,
    cluster: str,
    s3_server: S3Server,
    s3_bucket: str,
    capsys: pytest.CaptureFixture[str],
    fmt: str,
) -> None:
    """The same corpus in a bucket (keys raw/...): the same report, byte for byte, once the
    objects' URLs are shown as the paths they would have in a checkout."""
    url = _uploaded(s3_server, s3_bucket, findings_repo)
    base = ["validate", "--format", fmt, "--no-cache"]
    _, local = _run(capsys, *base, "raw", "--jobs", "1")
    code, on_s3 = _run(capsys, *base, url, "--cluster", cluster)
    assert code == 1
    assert url in on_s3
    assert on_s3.replace(f"{s3_bucket}/", "") == local


def test_reports_are_identical_with_the_corpus_rules_shuffled_on_the_cluster(
    findings_repo: Path, cluster: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """shuffle-above = 0: ND901/ND902 groups and ND903 candidates come from the shuffle."""
    base = ["validate", "raw", "--format", "json", "--no-cache"]
    _, local = _run(capsys, *base, "--jobs", "1")
    pyproject = findings_repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.newsdata.cluster]\nshuffle-above = 0\n")
    code, shuffled = _run(capsys, *base, "--cluster", cluster)
    assert code == 1
    assert shuffled == local


@pytest.fixture(scope="module")
def dask_executor(cluster: str) -> Iterator[object]:
    from newsdata.config import Settings
    from newsdata.execute.base import ExecutorChoice, open_executor

    with open_executor(ExecutorChoice("dask", cluster), 2, Settings()) as executor:
        yield executor


# The LocalCluster's scheduler runs on a thread of this process and calls `random` while
# examples are drawn; the strategies themselves draw from hypothesis and a seeded numpy
# generator only, so the examples stay reproducible.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
@given(signature_matrices(), st.integers(1, 6), st.integers(1, 6))
@example(star_matrix(), 4, 3)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_banding_shuffled_on_dask_equals_the_single_machine_candidates(
    dask_executor: Executor, matrix: np.ndarray, chunks: int, partitions: int
) -> None:
    pairs, _ = shuffled_candidate_pairs(dask_executor, matrix, chunks, partitions)
    assert pairs.tolist() == candidate_pairs(matrix).tolist()


def test_executor_dask_without_an_address_starts_a_local_cluster(
    findings_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["validate", "raw", "--format", "json", "--no-cache"]
    _, local = _run(capsys, *base, "--jobs", "1")
    code, on_dask = _run(capsys, *base, "--executor", "dask", "--jobs", "2")
    assert code == 1
    assert on_dask == local


def _release_hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def release_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean corpus of 301 articles, the working folder, releases dated by the epoch."""
    repo = _corpus(tmp_path / "repo", 300, clean=True)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _EPOCH)
    return repo


def test_release_files_are_byte_identical_on_the_local_pool_and_on_dask(
    release_repo: Path, cluster: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = release_repo
    base = ["package", "--version", "1.0", "--no-cache"]
    assert _run(capsys, *base, "--out", "local", "--jobs", "1")[0] == 0
    assert _run(capsys, *base, "--out", "dask", "--cluster", cluster)[0] == 0
    local, on_dask = _release_hashes(repo / "local"), _release_hashes(repo / "dask")
    assert len(local) >= 8 and any(name.endswith(".zip") for name in local)
    assert on_dask == local


#: Release files that name where the corpus came from (a commit, or a bucket and each
#: object's ETag): the only ones a release from object storage may differ in.
_NAMING_THE_SOURCE = {
    "provenance.json",
    "inputs.parquet",
    "datapackage.json",  # it holds provenance.json's hash
    "README.md",  # the card names the commit or the bucket
}


def test_a_release_from_s3_on_dask_has_the_local_pools_data_files(
    release_repo: Path,
    cluster: str,
    s3_server: S3Server,
    s3_bucket: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = release_repo
    base = ["package", "--version", "1.0", "--no-cache", "--no-zip"]
    assert _run(capsys, *base, "--out", "local", "--jobs", "1")[0] == 0
    url = _uploaded(s3_server, s3_bucket, repo)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(f'[tool.newsdata]\nraw = "{url}"\n\n' + pyproject.read_text())
    assert _run(capsys, *base, "--out", "s3", "--cluster", cluster, "--allow-dirty")[0] == 0
    local, on_s3 = _release_hashes(repo / "local"), _release_hashes(repo / "s3")
    assert local.keys() == on_s3.keys()
    differ = {name.rsplit("/", 1)[-1] for name in local if local[name] != on_s3[name]}
    assert differ <= _NAMING_THE_SOURCE
    folder = repo / "s3" / "test-news-1.0.0"
    provenance = json.loads((folder / "provenance.json").read_text())
    assert provenance["source"]["url"] == url
    assert provenance["source"]["bucket"] == s3_bucket.removeprefix("s3://")
    assert provenance["source"]["objects"] == 301
    assert "newsdata-test-secret" not in json.dumps(provenance)


def test_a_worker_killed_mid_run_changes_nothing(
    findings_repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One of two workers is killed (SIGKILL) as the first batch comes back: the scheduler
    runs its batches again elsewhere, and the report is the same."""
    from newsdata.check import parallel
    from newsdata.check.pipeline import RunOptions, validate
    from newsdata.config import load_settings
    from newsdata.execute.base import ExecutorChoice
    from newsdata.report import render

    monkeypatch.setattr(parallel, "BATCH_SIZE", 16)  # many batches: some are in flight
    settings = load_settings()
    local = validate(["raw"], settings, RunOptions(jobs=1, use_cache=False))
    with _local_cluster() as running, distributed.Client(running) as client:
        pids = client.run(os.getpid)
        victim = sorted(pids.values())[0]
        killed: list[int] = []

        def kill_once(done: int, total: int) -> None:
            if not killed:
                os.kill(victim, signal.SIGKILL)
                killed.append(done)

        choice = ExecutorChoice("dask", running.scheduler_address)
        options = RunOptions(use_cache=False, progress=kill_once)
        on_dask = validate(["raw"], _with(settings, choice), options)
        assert killed and killed[0] < 300  # killed while most batches were still to come
        assert victim not in client.run(os.getpid).values()  # it really died
    assert render(on_dask, "json") == render(local, "json")


def _with(settings: object, choice: object) -> object:
    from dataclasses import replace

    return replace(settings, cluster=choice)  # type: ignore[type-var]


def test_a_worker_with_other_newsdata_code_is_refused(
    findings_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker importing an edited copy of newsdata (one rule's message changed) is named
    and refused before any file is checked."""
    import newsdata

    copy = tmp_path / "other-src"
    shutil.copytree(Path(newsdata.__file__).parent, copy / "newsdata")
    rule = copy / "newsdata" / "rules" / "text.py"
    rule.write_text(rule.read_text() + "\n# an edit: this worker's rules differ\n")
    with (
        distributed.LocalCluster(
            n_workers=0, host="127.0.0.1", dashboard_address=None
        ) as scheduler,
        distributed.Client(scheduler) as client,
    ):
        env = {**os.environ, "PYTHONPATH": str(copy)}
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_worker",
                scheduler.scheduler_address,
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            client.wait_for_workers(1, timeout=60)
            address = next(iter(client.scheduler_info(n_workers=-1)["workers"]))
            code = main(["validate", "raw", "--cluster", scheduler.scheduler_address])
            err = capsys.readouterr().err
        finally:
            worker.terminate()
            worker.wait(30)
    assert code == 2
    assert "refusing the Dask cluster" in err and address in err
    assert "code digest" in err


def test_executor_dask_without_the_extra_is_a_usage_error(findings_repo: Path) -> None:
    """Without distributed installed (here: its import blocked), a clear message and exit 2."""
    script = (
        "import sys; sys.modules['distributed'] = None\n"
        "from newsdata.cli import main\n"
        "sys.exit(main(['validate', 'raw', '--executor', 'dask', '--no-cache']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "pip install 'newsdata[cluster]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unreachable_scheduler_is_a_usage_error(
    findings_repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdata.execute import cluster as dask_side

    monkeypatch.setattr(dask_side, "_CONNECT_TIMEOUT", 2)
    started = time.monotonic()
    code = main(["validate", "raw", "--no-cache", "--cluster", "tcp://127.0.0.1:9"])
    assert code == 2
    assert "cannot reach a Dask scheduler" in capsys.readouterr().err
    assert time.monotonic() - started < 60
