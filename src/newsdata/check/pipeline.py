"""A validation run: walk -> cache -> check in parallel -> corpus rules -> report."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsdata.check import partial
from newsdata.check import replay as replay_verdict
from newsdata.check.cache import ResultCache, StatKey
from newsdata.check.caching import Unit, compute, from_cache
from newsdata.check.discovery import FilePath, discover
from newsdata.check.discovery import shown as shown_path
from newsdata.check.engine import Validator, at_severity
from newsdata.check.index import CorpusIndex, IndexEntry
from newsdata.check.results import FileHook, FileResult
from newsdata.check.similarity import SIGNATURE_BYTES
from newsdata.config import Settings
from newsdata.diagnostics import Diagnostic, Report
from newsdata.errors import CacheError
from newsdata.execute.base import OnDemand
from newsdata.execute.local import default_jobs
from newsdata.git import corpus_state
from newsdata.root import find_root
from newsdata.rules import Needs
from newsdata.storage import Listed, is_url, local_path, object_key

__all__ = ["Run", "RunFile", "RunOptions", "run", "source_path", "validate"]

CACHE_DIR_NAME = ".newsdata_cache"


@dataclass(frozen=True)
class RunOptions:
    """How to run a validation (not what to check: that is Settings)."""

    jobs: int | None = None
    use_cache: bool = True
    cache_dir: Path | None = None
    root: Path | None = None
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)
    #: The check stage's outward seam: told of every file checked afresh, with its parsed
    #: document, in the process that checked it (results.FileHook; a release's record writer).
    on_checked: FileHook | None = field(default=None, compare=False)
    #: Walk the whole corpus to compare the files named with it, even where the stored
    #: corpus index could serve (check/partial.py): the plain way, for reference.
    walk: bool = False


@dataclass(frozen=True)
class RunFile:
    """One file of a run: its path, whether it was named, and what checking it found."""

    path: FilePath
    named: bool
    stat: StatKey | None
    result: FileResult | None
    #: What the listing said of an object (its ETag and version); None for a local file.
    listed: Listed | None = None


@dataclass(frozen=True)
class Run:
    """A finished validation: the report, and each file's result (for packaging)."""

    report: Report
    files: tuple[RunFile, ...]
    root: Path


def validate(
    paths: Sequence[str | os.PathLike[str]],
    settings: Settings | None = None,
    options: RunOptions | None = None,
) -> Report:
    """Check the files under `paths` and, when they lie in the corpus, compare them with it."""
    with _collector_paused():
        return _run(paths, settings, options, replay=True).report


def run(
    paths: Sequence[str | os.PathLike[str]],
    settings: Settings | None = None,
    options: RunOptions | None = None,
) -> Run:
    """`validate`, also returning every file's result."""
    with _collector_paused():
        return _run(paths, settings, options)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the run, and as it was after.

    A run keeps a few objects per file to its end and makes no reference cycles, but every
    700 allocations the collector would walk the young ones, and ever more often the old ones,
    a visible share of a run over a warm cache. (Workers pause it likewise.)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run(
    paths: Sequence[str | os.PathLike[str]],
    settings: Settings | None,
    options: RunOptions | None,
    earlier: Sequence[str] = (),
    *,
    replay: bool = False,
) -> Run:
    """The run; with `replay`, a full run may take the last one's verdict (check/replay.py)
    and then returns no files (validate needs the report only)."""
    paths = [local_path(p) for p in paths]  # a file:// URL is the local path it names
    settings = settings or Settings()
    options = options or RunOptions()
    validator = Validator(settings, defer_volatile=True)
    root = (options.root or find_root(Path.cwd())).resolve()
    corpus = root / settings.raw
    named = [Unit(t, True) for t in discover(paths)]
    cache, notes = _open_cache(options, root, validator)
    notes[:0] = earlier
    delta = None
    if cache is not None and _by_neighbourhood(paths, named, corpus, validator, options):
        delta, note = partial.delta(corpus, cache)
        notes += [note] if note else []
    changed = delta.changed_files() if delta is not None else []
    if delta is not None and delta.may_be_all((u.target.file.identity for u in named), changed):
        delta = None
    if delta is None:
        units = _with_corpus(paths, named, corpus)
    else:
        units = partial.with_changed(named, changed)
    if options.on_checked is not None:
        _give_sources(units, root)
    notes += [f"no article file (*.txt) under {folder}" for folder in _empty_folders(paths, units)]
    walked = _walked_corpus(units, corpus) if delta is None else None
    replay = replay and walked is not None and cache is not None and all(u.named for u in units)
    executors = OnDemand(settings.cluster, options.jobs or default_jobs(), settings)
    try:
        found = None
        if replay and cache is not None:
            found = replay_verdict.replayed(cache, validator, paths, units, corpus)
        if found is not None:  # nothing changed since the last full run: its verdict
            return Run(Report.build(len(units), found, notes), (), root)
        signatures = _needs_signatures(validator, units, compared=delta is not None)
        if delta is not None and cache is not None:
            partial.take_unread(delta, units, cache, signatures)
        from_cache(cache, units, signatures, few=delta is not None)
        compute(settings, validator, units, options, cache, signatures, executors)
        if delta is not None and cache is not None:
            units += delta.neighbours(units, cache, signatures)
        report, index = _report(validator, units, executors, stored=delta is not None)
        if cache is not None and walked is not None:
            cache.prune({u.target.file.identity for u in units}, walked)
            # git's view after the reads: a file changed meanwhile is one git reports changed
            state = corpus_state(corpus, blobs=True, fresh=True)
            if state is not None and options.on_checked is None:
                notes += filter(None, [partial.store(cache, index, corpus, state)])
                if replay:
                    replay_verdict.save(cache, validator, paths, units, state, report.diagnostics)
    except partial.UntrustedIndexError as error:  # found out mid-run: walk the corpus instead
        assert cache is not None
        cache.close()
        notes += [*cache.problems, str(error)]
        return _run(paths, settings, replace(options, walk=True), notes)
    finally:
        executors.close()
        if cache is not None:
            cache.close()
            notes.extend(cache.problems)
    files = tuple(RunFile(u.target.file, u.named, u.stat, u.result, u.target.listed) for u in units)
    return Run(Report.build(report.files, report.diagnostics, notes), files, root)


def _by_neighbourhood(
    paths: Sequence[str | os.PathLike[str]],
    named: list[Unit],
    corpus: Path,
    validator: Validator,
    options: RunOptions,
) -> bool:
    """Whether this run may compare the files named with the corpus through the stored
    index (check/partial.py) rather than a walk: some lie in the corpus, the corpus itself
    was not named, and every corpus rule judges a file by the files sharing a key with it."""
    if options.walk or options.on_checked is not None or not corpus.is_dir():
        return False
    if any(u.target.listed is not None for u in named):  # objects are compared by a walk
        return False
    real = os.path.realpath(corpus)
    if any(os.path.realpath(p) == real for p in paths if not is_url(p)):
        return False
    if not any(u.target.file.identity.startswith(real + os.sep) for u in named):
        return False
    return all(rule.neighbourhood for rule, _ in validator.corpus_rules)


def source_path(path: str, root: Path) -> str:
    """A file's path relative to the data repository's root, with / separators (as walked,
    not resolved: a symlinked corpus folder keeps its name); an object's key."""
    if is_url(path):
        return object_key(path)
    prefix = f"{root}{os.sep}"
    # Sliced when it lies under the root as given (always, when packaging): os.path.relpath
    # is slow, and this runs serially for every file, twice per release.
    relative = path[len(prefix) :] if path.startswith(prefix) else os.path.relpath(path, root)
    return relative.replace(os.sep, "/")


def _give_sources(units: list[Unit], root: Path) -> None:
    """Each file's path relative to the root, for a hook and a release (made once, here)."""
    for unit in units:
        file = unit.target.file
        source = file._replace(source=source_path(file.walked, root))
        unit.target = unit.target._replace(file=source)


def _with_corpus(
    paths: Sequence[str | os.PathLike[str]], named: list[Unit], corpus: Path
) -> list[Unit]:
    """The files named and, when some lie in the corpus, every other file of it (walked)."""
    real_corpus = os.path.realpath(corpus)
    inside = [u for u in named if u.target.file.identity.startswith(real_corpus + os.sep)]
    if not inside or not corpus.is_dir():
        return named
    if any(os.path.realpath(p) == real_corpus for p in paths if not is_url(p)):
        return named  # the corpus itself was named: every corpus file is already here
    by_identity = {u.target.file.identity: u for u in named}
    for target in discover([str(corpus)]):
        file = target.file
        if file.identity not in by_identity:
            shown = file._replace(shown=shown_path(file.walked))
            by_identity[file.identity] = Unit(target._replace(file=shown), False)
    return list(by_identity.values())


def _empty_folders(paths: Sequence[str | os.PathLike[str]], units: list[Unit]) -> list[str]:
    """The folders (and object-storage prefixes) given that hold no article file (a typo, or
    the wrong folder, would otherwise pass as a clean run over nothing)."""
    folders = [os.fspath(p) for p in paths if is_url(p) or os.path.isdir(p)]
    if not folders:
        return []
    return [
        folder
        for folder in folders
        if not any(u.named and _holds(folder, u.target.file.walked) for u in units)
    ]


def _holds(folder: str, walked: str) -> bool:
    """Whether a file walked lies in a folder given (or is the object a URL given names)."""
    if is_url(folder):
        return walked == folder or walked.startswith(folder.rstrip("/") + "/")
    return walked.startswith(folder.rstrip(os.sep) + os.sep)


def _walked_corpus(units: list[Unit], corpus: Path) -> str | None:
    """The corpus folder's real path (with a trailing separator) when this run walked all of
    it, so that a file of it not seen is gone; else None. A run that holds objects from
    object storage is no walk of the corpus: no git state, stored index or verdict is kept of
    it (a git state says nothing of objects)."""
    if any(u.target.listed is not None for u in units):
        return None
    inside = os.path.realpath(corpus) + os.sep
    if corpus.is_dir() and any(u.target.file.identity.startswith(inside) for u in units):
        return inside
    return None


def _open_cache(
    options: RunOptions, root: Path, validator: Validator
) -> tuple[ResultCache | None, list[str]]:
    """The run's cache, or None and why not: a read-only or full disk still validates."""
    if not options.use_cache:
        return None, []
    env = os.environ.get("NEWSDATA_CACHE_DIR")
    directory = options.cache_dir or (Path(env) if env else root / CACHE_DIR_NAME)
    try:
        return ResultCache(directory, validator.cache_key()), []
    except CacheError as error:
        return None, [str(error)]


def _needs_signatures(validator: Validator, units: list[Unit], *, compared: bool) -> bool:
    """Whether this run compares bodies for near-duplicates (a single file has nothing to be
    compared with, so it skips the signature, and numpy with it; `compared`: the files are
    compared with a stored corpus)."""
    return (compared or len(units) > 1) and any(
        Needs.SIGNATURES in rule.needs for rule, _ in validator.corpus_rules
    )


#: The fact each built-in corpus rule groups files by (ND903 reads the signatures).
_GROUPED_BY = {"ND901": "article_id", "ND902": "body_hash"}


def _shuffle_if_large(index: CorpusIndex, validator: Validator, executors: OnDemand) -> None:
    """On a cluster, above `shuffle-above` rows, the corpus rules' groups and near-duplicate
    candidates come from a shuffle on the workers (check/shuffle.py) instead of this
    process's memory: the same findings by construction (tests/test_shuffle.py), only where
    the band keys' sort happens differs."""
    choice = executors.choice
    if choice.name == "local" or len(index.entries) <= choice.shuffle_above:
        return
    from newsdata.check.shuffle import shuffled

    codes = {rule.code for rule, _ in validator.corpus_rules}
    keys = [key for code, key in _GROUPED_BY.items() if code in codes]
    index.shuffled = shuffled(executors.get(), index, keys)


def _report(
    validator: Validator, units: list[Unit], executors: OnDemand, *, stored: bool
) -> tuple[Report, CorpusIndex]:
    """The findings of the files named, and the corpus rules over all the run's files (with
    `stored`, the named files are compared with a stored corpus, not all here)."""
    found: list[Diagnostic] = []
    entries: list[IndexEntry] = []
    checked = [(u, r) for u in units if (r := u.result) is not None]
    width = SIGNATURE_BYTES
    signed = any(r.signature for _, r in checked)
    judged_today = bool(validator.volatile_rules)
    dated: list[tuple[str, FileResult]] = []  # the named files' facts, judged on today's date
    # Signatures move into one buffer (0xFF rows match nothing), each file's bytes dropped as
    # they are copied: the cache has them already, and the index needs no object per file.
    signatures = bytearray(b"\xff") * (width * len(checked)) if signed else None
    for row, (unit, result) in enumerate(checked):
        file = unit.target.file
        if unit.named:
            if result.findings:  # most files have none
                found.extend(result.findings)
            if judged_today:
                dated.append((file.shown, result))
        entries.append(IndexEntry(file, unit.named, result))
        if signatures is not None and result.signature and len(result.signature) == width:
            signatures[row * width : (row + 1) * width] = result.signature
        result.signature = None
    found.extend(validator.check_volatile(dated))
    full = not stored and all(u.named for u in units)
    index = CorpusIndex(entries, full=full, signatures=signatures)
    _shuffle_if_large(index, validator, executors)
    settings = validator.settings
    for rule, severity in validator.corpus_rules:
        for diagnostic in rule.check_corpus(index, settings):
            found.append(at_severity(diagnostic, severity))
    return Report.build(files=sum(1 for u in units if u.named), diagnostics=found), index
