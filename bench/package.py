"""Benchmark `newsdata package` against validation plus pyarrow's own writing time.

    python bench/package.py [--articles 20000] [--workdir /tmp/newsdata-bench] [--repeat 3]

Run by hand. On a clean synthetic corpus (no copies, so it packages), it reports the median of
`--repeat` interleaved runs of each:
* `newsdata validate` (cold, no cache) seconds;
* pyarrow alone writing the same table (already in memory) to Parquet (zstd) and CSV;
* `newsdata package` (cold, no cache) seconds, and peak memory (summed PSS of the process and
  its workers) sampled in one more run, as sampling slows what it measures;
* the ratio package / (validate + pyarrow), target <= 1.5.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate
from validate import BIN, compile_bytecode, measure, spread, summary, warm_page_cache


def pyarrow_write_seconds(raw: Path, repeat: int) -> tuple[float, int]:
    """Seconds pyarrow takes to write the corpus's table (built beforehand) to Parquet and CSV
    (the median of `repeat` writes)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from newsdata.release.buffers import RECORD_COLUMNS
    from newsdata.release.manifest import arrow_schema
    from newsdata.release.records import (
        PARQUET_OPTIONS,
        ROW_GROUP_SIZE,
        csv_batch,
        csv_write_options,
        record_values,
    )

    paths = sorted(p.relative_to(raw.parent).as_posix() for p in raw.rglob("*.txt"))
    values = record_values(raw.parent, paths)
    columns = {name: [row[i] for row in values] for i, name in enumerate(RECORD_COLUMNS)}
    table = pa.Table.from_batches([pa.RecordBatch.from_pydict(columns, schema=arrow_schema())])
    times = []
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(repeat):
            # The same files the release holds, with the same writer settings, one after the
            # other (what pyarrow alone costs; CSV's authors column encoded as in the release).
            start = time.perf_counter()
            pq.write_table(
                table, f"{scratch}/a.parquet", row_group_size=ROW_GROUP_SIZE, **PARQUET_OPTIONS
            )
            csv = pa.Table.from_batches([csv_batch(b) for b in table.to_batches()])
            pacsv.write_csv(csv, f"{scratch}/a.csv", csv_write_options())
            times.append(time.perf_counter() - start)
    return statistics.median(times), table.num_rows


def commit_corpus(work: Path) -> None:
    """Commit the corpus and its configuration, as a data repository's are: package refuses
    uncommitted inputs, and asks git about the tree while it validates."""
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.org"]
    if not (work / ".git").is_dir():
        subprocess.run(["git", "init", "-q", str(work)], check=True)
    (work / ".gitignore").write_text("dist/\n.newsdata_cache/\n")
    subprocess.run(["git", "add", "-A"], cwd=work, check=True)
    staged = subprocess.run(["git", "diff", "--cached", "--quiet"], cwd=work, check=False)
    if staged.returncode != 0:
        subprocess.run(["git", *identity, "commit", "-qm", "bench corpus"], cwd=work, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark newsdata package.")
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsdata-bench"))
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement (the median is shown)"
    )
    args = parser.parse_args()
    work = args.workdir / f"clean-{args.articles}"
    raw = work / "raw"
    if not raw.is_dir():
        print(f"generating {args.articles} clean articles in {raw} ...", flush=True)
        generate(raw, args.articles, copies=False)
    (work / "pyproject.toml").write_text(
        '[tool.newsdata]\n[tool.newsdata.dataset]\nname = "bench"\nlicense = "CC0-1.0"\n'
    )
    commit_corpus(work)
    warm_page_cache(raw)
    compile_bytecode()
    validate_command = [str(BIN / "newsdata"), "validate", "raw", "--no-cache", "--format", "json"]
    package_command = [str(BIN / "newsdata"), "package", "--version", "1.0", "--no-cache"]
    validate_runs, package_runs = [], []
    for _ in range(args.repeat):  # interleaved: a slow spell touches both alike
        validate_runs.append(measure(validate_command, work))
        shutil.rmtree(work / "dist", ignore_errors=True)
        package_runs.append(measure(package_command, work))
    shutil.rmtree(work / "dist", ignore_errors=True)
    _, package_rss, _ = measure(package_command, work, memory=True)  # memory: one more run
    validate, _, code = summary(validate_runs)
    package, _, package_code = summary(package_runs)
    writing, rows = pyarrow_write_seconds(raw, args.repeat)
    print(f"\n{rows} articles (validate exit {code}, package exit {package_code})")
    if package_code != 0:
        raise SystemExit("package failed: its time measures nothing (run it by hand to see why)")
    print(f"median of {args.repeat} interleaved runs (range in brackets); memory: one more run")
    print(f"  newsdata validate (cold):       {validate:6.2f} s {spread(validate_runs)}")
    print(f"  pyarrow writes Parquet + CSV:   {writing:6.2f} s")
    print(
        f"  newsdata package (cold):        {package:6.2f} s {spread(package_runs)}  "
        f"peak memory {package_rss / 2**20:.0f} MB"
    )
    print(
        f"  ratio package / (validate + pyarrow): {package / (validate + writing):5.2f}"
        "  (target <= 1.5)"
    )


if __name__ == "__main__":
    main()
