"""Benchmark reading a release: iterate every record with `newsdata.open`, watching memory.

    python bench/read.py RELEASE   # a release folder or zip, e.g. from bench/package.py

Run by hand. Reports records/s and the peak RSS while iterating all records as Article objects
(one Parquet batch in memory at a time), next to the RSS after opening, so a growth with the
number of records would show.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path


def rss_mb() -> float:
    """Current resident memory of this process, in MB (from /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark iterating a release.")
    parser.add_argument("release", type=Path)
    args = parser.parse_args()
    import newsdata

    start = time.perf_counter()
    dataset = newsdata.open(args.release, verify=False)
    opened = rss_mb()
    samples: list[tuple[int, float]] = []
    count = 0
    for count, _ in enumerate(dataset, start=1):
        if count % 20000 == 0:
            samples.append((count, rss_mb()))
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{count} records in {elapsed:.1f} s ({count / elapsed:.0f} records/s)")
    print(f"RSS after open {opened:.0f} MB; peak {peak:.0f} MB")
    print("RSS while iterating: " + ", ".join(f"{n // 1000}k: {mb:.0f} MB" for n, mb in samples))


if __name__ == "__main__":
    main()
