"""Instructions per article of the per-file work, counted by valgrind: a number that does not vary.

    python bench/instructions.py [--src DIR ...] [--workdir /tmp/newsdata-bench] [--top 25]

Run by hand, on a corpus made by bench/validate.py. Timings on a shared 2-core machine vary
by 20% and more from run to run (5x between sessions has been seen), which hides a change of a
few per cent. valgrind's callgrind counts the instructions a process executes instead: the same
count for the same code and input, whatever else the machine is doing.

Each `--src` (a source folder holding the `newsdata` package; default: this checkout's `src`)
checks the corpus's first 256 and first 768 articles in one process, as a worker does (read,
parse, every rule, fingerprints, MinHash signatures, in batches of 256), under callgrind. The
difference of the two counts, divided by 512, is the cost of one article, without Python's
start and imports. With `--top`, the C functions that spend most of it are listed.

Compare two versions with a second work tree: `git worktree add /tmp/before HEAD~1`, then
`python bench/instructions.py --src /tmp/before/src --src src`.

Caveat: under valgrind OpenSSL cannot use the CPU's SHA instructions, so SHA-256's share is
larger than on the real CPU.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SMALL, LARGE = 256, 768

# Runs in the measured process: the per-file work of a worker, on the first `count` articles.
_PROGRAM = """
import gc, sys
source, raw, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, source)
from pathlib import Path
import newsdata
from newsdata.check.discovery import Target
from newsdata.check.engine import Validator, check_batch
assert newsdata.__file__.startswith(source), newsdata.__file__
items = [Target.at(str(p)) for p in sorted(Path(raw).rglob("*.txt"))[:count]]
validator = Validator(defer_volatile=True)
check_batch(validator, items[:64], signatures=True)  # compiles the regexes, loads numpy, rensa
gc.disable()
for start in range(0, len(items), 256):
    check_batch(validator, items[start : start + 256], signatures=True)
"""


def count(source: Path, raw: Path, outs: dict[int, Path]) -> dict[int, int]:
    """Instructions executed by the program above, for each number of articles in `outs` (the
    runs go side by side, one per core)."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(_PROGRAM)
    try:
        runs = [
            subprocess.Popen(
                [
                    "valgrind",
                    "--tool=callgrind",
                    f"--callgrind-out-file={out}",
                    sys.executable,
                    handle.name,
                    str(source),
                    str(raw),
                    str(articles),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for articles, out in outs.items()
        ]
        for run in runs:
            _, errors = run.communicate()
            if run.returncode != 0:
                raise SystemExit(f"valgrind failed: {errors.decode(errors='replace')[-2000:]}")
    finally:
        Path(handle.name).unlink()
    counts: dict[int, int] = {}
    for articles, out in outs.items():
        summary = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE)
        if summary is None:
            raise SystemExit(f"no instruction count in {out}")
        counts[articles] = int(summary.group(1))
    return counts


def by_function(out: Path) -> collections.Counter[str]:
    """Instructions by C function (self cost), as callgrind_annotate lists them."""
    listing = subprocess.run(
        ["callgrind_annotate", "--inclusive=no", "--threshold=100", str(out)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    counts: collections.Counter[str] = collections.Counter()
    for line in listing.splitlines():
        match = re.match(r"\s*([\d,]+) \([ \d.]+%\)\s+(\S.*)", line)
        if match and "PROGRAM TOTALS" not in line:
            name = re.sub(r"^.*/", "", match.group(2).split(" [")[0])
            library = re.sub(r"^.*/", "", match.group(2).split(" [")[-1]).rstrip("]")
            counts[f"{name} ({library})"] += int(match.group(1).replace(",", ""))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description="Instructions per article, by callgrind.")
    parser.add_argument("--src", type=Path, action="append", help="source folder (repeatable)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsdata-bench"))
    parser.add_argument("--articles", type=int, default=20000, help="which bench corpus")
    parser.add_argument("--top", type=int, default=0, help="list the costliest C functions")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    raw = args.workdir / str(args.articles) / "raw"
    if not any(raw.rglob("*.txt")):
        raise SystemExit(f"no corpus in {raw}: run bench/validate.py first")
    sources = args.src or [Path(__file__).resolve().parent.parent / "src"]
    with tempfile.TemporaryDirectory() as scratch:
        for source in sources:
            small_out, large_out = Path(scratch, "small.out"), Path(scratch, "large.out")
            counts = count(source.resolve(), raw, {SMALL: small_out, LARGE: large_out})
            small, large = counts[SMALL], counts[LARGE]
            per_article = (large - small) / (LARGE - SMALL)
            print(f"{source}: {per_article:,.0f} instructions per article")
            if args.top:
                before, after = by_function(small_out), by_function(large_out)
                spent = collections.Counter({k: after[k] - before.get(k, 0) for k in after})
                for name, instructions in spent.most_common(args.top):
                    share = instructions / (large - small) * 100
                    print(f"  {instructions / (LARGE - SMALL):10,.0f}  {share:5.1f}%  {name}")


if __name__ == "__main__":
    main()
