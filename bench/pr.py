"""Benchmark the pull-request check, `newsdata validate --changed-since main`, as CI runs it.

    python bench/pr.py [--sizes 2000,20000,200000] [--workdir /tmp/newsdata-bench]
                       [--repeat 3] [--cold]

Run by hand. For each corpus size N it builds (or reuses) a clean synthetic corpus of N articles
committed on `main` in a git repository under `--workdir`, warms the cache there with a full
validation of `main`, and keeps a copy of that cache: what CI restores for a pull request. A
branch `pr` edits one article and adds one. Then, interleaved, `--repeat` times each:

* in the original checkout (the files' mtimes known to the cache): the cache restored, then the
  check timed;
* as CI runs it: a fresh `git clone` (every file written anew, so new mtimes), the cache
  restored into it, `pr` checked out, and the check timed (cloning is not timed).

It prints the median time of each, and peak memory (PSS summed over the process tree) sampled in
one more run of each, as sampling slows what it measures. With `--cold`, it also times one full
validation of `main` with an empty cache and one with the warm cache (nothing changed).
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import article, generate, vocabulary
from validate import BIN, compile_bytecode, measure, spread, warm_page_cache

CACHE = ".newsdata_cache"
# gc.autoDetach off: git's background gc, started after a large commit, repacks the objects a
# local clone is copying at that moment ("failed to copy file").
IDENTITY = [
    "-c",
    "user.name=bench",
    "-c",
    "user.email=bench@example.org",
    "-c",
    "gc.autoDetach=false",
]
Run = tuple[float, int, int]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *IDENTITY, *args], cwd=repo, check=True, stdout=subprocess.DEVNULL)


def check_command(*, cache: Path | str = CACHE) -> list[str]:
    """The pull-request check, its cache folder named (so NEWSDATA_CACHE_DIR cannot move it)."""
    return [str(BIN / "newsdata"), "validate", "--changed-since", "main", "--cache-dir", str(cache)]


def commit_corpus(repo: Path, articles: int) -> None:
    """A clean corpus of `articles` files committed on `main`, as a data repository keeps it;
    an existing one is reused (generating and committing 200,000 files takes minutes)."""
    if not (repo / "raw").is_dir():
        print(f"generating {articles} clean articles in {repo / 'raw'} ...", flush=True)
        generate(repo / "raw", articles, copies=False)
    if not (repo / ".git").is_dir():
        git(repo.parent, "init", "-q", "-b", "main", str(repo))
    has_main = ["git", "rev-parse", "--verify", "-q", "main"]
    if subprocess.run(has_main, cwd=repo, capture_output=True, check=False).returncode == 0:
        git(repo, "checkout", "-q", "main")  # reused: back from a previous run's branch
    (repo / ".gitignore").write_text(f"dist/\n{CACHE}/\n")
    (repo / "pyproject.toml").write_text(
        '[tool.newsdata]\n[tool.newsdata.dataset]\nname = "bench"\nlicense = "CC0-1.0"\n'
    )
    git(repo, "add", "-A")
    staged = subprocess.run(["git", "diff", "--cached", "--quiet"], cwd=repo, check=False)
    if staged.returncode != 0:
        git(repo, "commit", "-qm", "bench corpus")
        git(repo, "gc", "-q")  # one pack: each clone copies it instead of N loose objects


def make_branch(repo: Path, articles: int) -> None:
    """Branch `pr` from `main`, made anew: one article edited, one added (both clean)."""
    git(repo, "checkout", "-q", "-B", "pr", "main")
    edited = sorted((repo / "raw").rglob("*.txt"))[articles // 2]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("\n\nOriginal url:", " Edited.\n\nOriginal url:", 1), "utf-8")
    rng = random.Random(articles)
    vocab = vocabulary(rng)
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocab))))
    added = repo / "raw" / "site-new" / f"article-{articles:07d}.txt"
    added.parent.mkdir(exist_ok=True)
    added.write_text(article(rng, vocab, weights, articles), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "edit one article, add one")


def restore(snapshot: Path, repo: Path) -> None:
    """The cache as CI restores it: exactly what the full run of `main` left."""
    shutil.rmtree(repo / CACHE, ignore_errors=True)
    shutil.copytree(snapshot, repo / CACHE)


def fresh_clone(repo: Path, scratch: Path, snapshot: Path) -> Path:
    """A new clone on `pr` (with a local `main`, as `--changed-since main` names it), every file
    written now, and the cache folder restored."""
    clone = scratch / "clone"
    shutil.rmtree(clone, ignore_errors=True)
    git(scratch, "clone", "-q", "--branch", "main", str(repo), str(clone))
    git(clone, "checkout", "-q", "pr")
    restore(snapshot, clone)
    warm_page_cache(clone / "raw")  # a checkout just wrote them: in memory, as in CI
    return clone


@dataclass
class Row:
    articles: int
    original: list[Run]
    original_memory: int
    ci: list[Run]
    ci_memory: int
    cold: Run | None = None
    warm_full: Run | None = None


def bench_size(workdir: Path, articles: int, repeat: int, *, cold: bool) -> Row:
    repo = workdir / f"pr-{articles}"
    repo.mkdir(parents=True, exist_ok=True)
    commit_corpus(repo, articles)
    warm_page_cache(repo / "raw")
    full = [str(BIN / "newsdata"), "validate", "raw", "--cache-dir", CACHE]
    cold_run = warm_run = None
    with tempfile.TemporaryDirectory(dir=workdir) as temporary:
        scratch = Path(temporary)
        if cold:
            print(f"{articles}: cold full validation ...", flush=True)
            cold_run = measure([*full[:-1], str(scratch / "empty-cache")], repo)
        print(f"{articles}: warming the cache on main ...", flush=True)
        shutil.rmtree(repo / CACHE, ignore_errors=True)
        code = measure(full, repo)[2]
        if code not in (0, 1):
            raise SystemExit(f"warming the cache failed (exit {code}): run {full} in {repo}")
        if cold:
            warm_run = measure(full, repo)
        snapshot = scratch / "cache-of-main"
        shutil.copytree(repo / CACHE, snapshot)
        make_branch(repo, articles)
        warm_page_cache(repo / "raw")
        original: list[Run] = []
        ci: list[Run] = []
        for _ in range(repeat):  # interleaved: a slow spell touches both alike
            restore(snapshot, repo)
            original.append(measure(check_command(), repo))
            clone = fresh_clone(repo, scratch, snapshot)
            ci.append(measure(check_command(), clone))
        restore(snapshot, repo)
        original_memory = measure(check_command(), repo, memory=True)[1]
        clone = fresh_clone(repo, scratch, snapshot)
        ci_memory = measure(check_command(), clone, memory=True)[1]
        restore(snapshot, repo)
    for runs in (original, ci):
        if runs[-1][2] != 0:
            raise SystemExit(f"the check exited {runs[-1][2]}: run {check_command()} in {repo}")
    return Row(articles, original, original_memory, ci, ci_memory, cold_run, warm_run)


def show(rows: list[Row], repeat: int) -> None:
    print("\nnewsdata validate --changed-since main (one article edited, one added), warm cache")
    print(f"median of {repeat} interleaved runs (range in brackets); memory: one more run\n")
    print("| corpus | in the original checkout | as CI runs it (fresh clone, cache restored) |")
    print("|---|---|---|")
    for row in rows:
        original = statistics.median(r[0] for r in row.original)
        ci = statistics.median(r[0] for r in row.ci)
        print(
            f"| {row.articles:,} | {original:.2f} s {spread(row.original)}, "
            f"{row.original_memory / 2**20:.0f} MB | {ci:.2f} s {spread(row.ci)}, "
            f"{row.ci_memory / 2**20:.0f} MB |"
        )
    if rows[0].cold is not None:
        print("\nfull validation of main (one run each)\n")
        print("| corpus | cold (empty cache) | warm (nothing changed) |")
        print("|---|---|---|")
        for row in rows:
            assert row.cold is not None and row.warm_full is not None
            print(f"| {row.articles:,} | {row.cold[0]:.2f} s | {row.warm_full[0]:.2f} s |")
    largest, smallest = rows[-1], rows[0]
    if len(rows) > 1:
        ratio = statistics.median(r[0] for r in largest.ci) / statistics.median(
            r[0] for r in smallest.ci
        )
        print(f"\nCI check at {largest.articles:,} / at {smallest.articles:,}: {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the pull-request check.")
    parser.add_argument(
        "--sizes", default="2000,20000,200000", help="corpus sizes, comma-separated"
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsdata-bench"))
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement (the median is shown)"
    )
    parser.add_argument("--cold", action="store_true", help="also time full validations")
    args = parser.parse_args()
    compile_bytecode()
    sizes = [int(size) for size in args.sizes.split(",")]
    rows = [bench_size(args.workdir, n, args.repeat, cold=args.cold) for n in sizes]
    show(rows, args.repeat)


if __name__ == "__main__":
    main()
