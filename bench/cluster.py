"""Benchmark validation on the local process pool against a Dask LocalCluster on the same cores.

    python bench/cluster.py [--articles 200000] [--workdir /tmp/newsdata-cluster-bench]
                            [--jobs 2] [--repeat 3]

Run by hand (never by the tests). It generates (or reuses) a synthetic corpus, then times
`newsdata validate raw --no-cache --format json` (each measurement repeated, interleaved, the
median shown) on:

* the local pool (`--executor local --jobs N`);
* Dask (`--executor dask --jobs N`: a LocalCluster of N worker processes, one thread each,
  started and stopped by the command, its start-up included);
* Dask with the corpus rules' keys shuffled on the cluster (`shuffle-above = 0`).

and reports wall time, the driver's peak memory (the newsdata process alone: the scheduler
runs in it, the workers do not), the ratio to the local pool (target: Dask within 1.5x), that
the three JSON reports are byte-identical, and the shuffle's bytes per article. Driver memory
per million articles is the slope between two sizes (run it at 20,000 and at 200,000).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate

BIN = Path(sys.executable).parent
TARGET = 1.5


def _memory(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(command: list[str], cwd: Path, report: Path) -> tuple[float, int]:
    """Wall seconds and the driver's peak resident memory; the report written to `report`."""
    peak = 0
    done = threading.Event()
    start = time.perf_counter()
    with report.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _memory(process.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = process.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed with exit code {code}")
    return elapsed, peak


def shuffled_bytes(raw: Path, sample: int) -> float:
    """Bytes a shuffle of the corpus rules' keys moves per article, measured on `sample`
    articles of the corpus (in this process: what is shuffled does not depend on where)."""
    from newsdata.check.discovery import discover
    from newsdata.check.engine import Validator, check_batch
    from newsdata.check.index import CorpusIndex, IndexEntry
    from newsdata.check.shuffle import shuffled
    from newsdata.check.similarity import SIGNATURE_BYTES
    from newsdata.execute.local import LocalExecutor

    targets = discover([str(raw)])[:sample]
    validator = Validator(defer_volatile=True)
    results = []
    for start in range(0, len(targets), 256):
        batch = targets[start : start + 256]
        results += check_batch(validator, batch, signatures=True)
    unsigned = b"\xff" * SIGNATURE_BYTES
    signatures = bytearray(b"".join(r.signature or unsigned for r in results))
    entries = [IndexEntry(t.file, True, r) for t, r in zip(targets, results, strict=True)]
    index = CorpusIndex(entries, full=True, signatures=signatures)
    return shuffled(LocalExecutor(1), index).bytes_per_article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsdata-cluster-bench"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=20_000, help="articles for the shuffle")
    args = parser.parse_args()

    work = args.workdir / str(args.articles)
    raw = work / "raw"
    if not raw.is_dir():
        print(f"generating {args.articles:,} articles in {raw} ...", flush=True)
        generate(raw, args.articles)
    (work / "pyproject.toml").write_text("[tool.newsdata]\nraw = 'raw'\n")
    shuffled = work / "shuffled"
    shuffled.mkdir(exist_ok=True)
    if not (shuffled / "raw").exists():
        (shuffled / "raw").symlink_to(raw)  # the same files, under another configuration
    (shuffled / "pyproject.toml").write_text(
        "[tool.newsdata]\nraw = 'raw'\n[tool.newsdata.cluster]\nshuffle-above = 0\n"
    )
    base = [str(BIN / "newsdata"), "validate", "--no-cache", "--format", "json"]
    jobs = ["--jobs", str(args.jobs)]
    setups = {
        "local pool": (work, [*base, "raw", "--executor", "local", *jobs]),
        "dask LocalCluster": (work, [*base, "raw", "--executor", "dask", *jobs]),
        "dask, keys shuffled": (shuffled, [*base, "raw", "--executor", "dask", *jobs]),
    }
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name in setups}
    for _ in range(args.repeat):
        for name, (cwd, command) in setups.items():
            runs[name].append(measure(command, cwd, work / f"{name}.json"))
    reports = {name: (work / f"{name}.json").read_bytes() for name in setups}
    local = statistics.median(t for t, _ in runs["local pool"])
    print(f"\n{args.articles:,} articles, {args.jobs} workers, median of {args.repeat}:\n")
    print("| executor | wall s | driver peak MB | x local pool |")
    print("|---|---|---|---|")
    for name, measured in runs.items():
        wall = statistics.median(t for t, _ in measured)
        peak = max(m for _, m in measured) / 2**20
        print(f"| {name} | {wall:.2f} | {peak:.0f} | {wall / local:.2f} |")
    same = len(set(reports.values())) == 1
    print(f"\nJSON reports byte-identical: {same} (target: Dask within {TARGET}x the pool)")
    sample = min(args.sample, args.articles)
    print(f"shuffled: {shuffled_bytes(raw, sample):.0f} bytes per article ({sample:,} sampled)")


if __name__ == "__main__":
    main()
