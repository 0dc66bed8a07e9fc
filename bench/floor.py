"""What CPython alone costs here: open, read, SHA-256, decode and split every article.

    python bench/floor.py [--articles 20000] [--workdir /tmp/newsdata-bench]

Run by hand, on a corpus made by bench/validate.py. No newsdata code runs: this is the floor
under any pure-Python validator on this machine (the per-article cost on one core, and the
wall time on all cores), to set the validate benchmark's numbers against.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import time
from collections.abc import Sequence
from pathlib import Path


def _work(paths: Sequence[str]) -> int:
    lines = 0
    for path in paths:
        with open(path, "rb") as handle:  # noqa: PTH123 (the plain call is what is measured)
            data = handle.read()
        hashlib.sha256(data).hexdigest()
        lines += len([line.strip() for line in data.decode("utf-8").split("\n")])
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description="The floor under a pure-Python validator.")
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsdata-bench"))
    args = parser.parse_args()
    raw = args.workdir / str(args.articles) / "raw"
    paths = sorted(str(p) for p in raw.rglob("*.txt"))
    if not paths:
        raise SystemExit(f"no corpus in {raw}: run bench/validate.py first")
    _work(paths)  # warm the page cache
    start = time.perf_counter()
    _work(paths[:4000])
    one = (time.perf_counter() - start) / min(4000, len(paths)) * 1e6
    batches = [paths[i : i + 256] for i in range(0, len(paths), 256)]
    cores = len(os.sched_getaffinity(0))
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        sum(pool.imap(_work, batches))
    wall = time.perf_counter() - start
    print(f"{len(paths)} articles: read + SHA-256 + decode + split lines")
    print(f"  one core:            {one:6.1f} us per article")
    print(f"  {cores} cores:             {wall:6.2f} s wall")


if __name__ == "__main__":
    main()
