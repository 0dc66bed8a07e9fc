"""A run's files through the cache: stored results taken by stat key (or, for the few files
of a run through the stored index, looked up), the rest checked in parallel and stored as they
come; a file whose content the cache knows under other file times is read and hashed, not
checked again."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from newsdata.check.cache import ResultCache, StatKey, listing_key, stat_key
from newsdata.check.discovery import FilePath, Target
from newsdata.check.engine import Validator
from newsdata.check.parallel import default_jobs, run_batches
from newsdata.check.results import FileHook, FileResult
from newsdata.config import Settings
from newsdata.execute.base import OnDemand

__all__ = ["Running", "Unit", "compute", "found_at", "from_cache", "lacks_signature"]


class Running(Protocol):
    """What `compute` needs of a run's options (pipeline.RunOptions)."""

    @property
    def jobs(self) -> int | None: ...
    @property
    def progress(self) -> Callable[[int, int], None] | None: ...
    @property
    def on_checked(self) -> FileHook | None: ...


@dataclass(slots=True)
class Unit:
    """One file of the run."""

    target: Target
    named: bool
    stat: StatKey | None = None
    result: FileResult | None = None


def from_cache(
    cache: ResultCache | None, units: list[Unit], signatures: bool, *, few: bool
) -> None:
    """Stored results of the files (yet without one) whose stat key is unchanged; `few`: look
    up their rows rather than read every row. An object's stat key is made from its listing
    (cache.listing_key): an unchanged object whose result is stored is never fetched."""
    units = [u for u in units if u.result is None]
    for unit in units:
        listed = unit.target.listed
        if listed is not None:
            unit.stat = listing_key(listed) if unit.target.problem is None else None
        elif unit.target.problem is None:
            try:
                unit.stat = stat_key(os.stat(unit.target.file.walked))
            except OSError:
                unit.stat = None
    if cache is None:
        return
    stats = {u.target.file.identity: u.stat for u in units if u.stat is not None}
    stored = cache.unchanged_at(stats) if few else cache.unchanged(stats)
    for unit in units:
        result = stored.get(unit.target.file.identity)
        if result is not None and lacks_signature(result, signatures):
            result = None  # stored by a run that had no need of it: compute it now
        if result is not None and result.findings:
            found_at(result, unit.target.file)
        unit.result = result


# Fresh results are written to the cache while the workers go on, at least this many at a time
# and a sixteenth of the run's at most: a large first run writes in fewer, larger transactions
# (each costs a sync), while the last batch, written after the workers are done, stays small.
_STORE_EVERY = 1024
_STORE_PARTS = 16


def compute(
    settings: Settings,
    validator: Validator,
    units: list[Unit],
    options: Running,
    cache: ResultCache | None,
    signatures: bool,
    executors: OnDemand | None = None,
) -> None:
    """Check the units without a result on the run's executor (default: local processes),
    storing the fresh results in the cache as they come."""
    todo = [u for u in units if u.result is None]
    if not todo:
        return
    jobs = options.jobs or default_jobs()
    done = len(units) - len(todo)
    progress = options.progress

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, len(units))

    hook = options.on_checked
    # A file whose times changed but whose content the cache knows (a fresh checkout, a
    # restored CI cache, a renamed or touched file) is read and hashed, not checked again.
    # A hook hears of every file checked, so with one every file is checked. (A cluster's
    # workers cannot ask this machine's cache: they check every file given to them.)
    executor = executors.get() if executors is not None else None
    local = executor is None or executor.name == "local"
    known = cache.known if cache is not None and hook is None and local else frozenset()
    results = run_batches(
        settings,
        [u.target for u in todo],
        jobs=jobs,
        signatures=signatures,
        hook=hook,
        files=len(units),
        known=known,
        progress=advance,
        executor=executor,
    )
    # Results are stored as they come, while this process would otherwise wait on the workers.
    fresh: list[tuple[str, StatKey, FileResult]] = []
    store_every = max(_STORE_EVERY, len(todo) // _STORE_PARTS)
    reused: list[Unit] = []
    for unit, result in zip(todo, results, strict=True):
        unit.result = result
        if result.reused:
            reused.append(unit)
        elif cache is not None and unit.stat is not None:
            fresh.append((unit.target.file.identity, unit.stat, result))
            if len(fresh) >= store_every:
                cache.store(fresh)
                fresh = []
    if cache is not None and fresh:
        cache.store(fresh)
    if cache is not None and reused:
        _take_reused(reused, cache, signatures=signatures)
        if any(u.result is None for u in reused):
            cache.known = frozenset()  # what is left is checked in full
            compute(settings, validator, units, options, cache, signatures, executors)


def _take_reused(reused: list[Unit], cache: ResultCache, *, signatures: bool) -> None:
    """Give reused files their stored results (and the cache their new stat keys); one whose
    stored result no longer decodes, or lacks a needed signature, is left without a result."""
    digests = {u.result.sha256 for u in reused if u.result is not None and u.result.sha256}
    stored = cache.results_for(sorted(digests))
    remembered: list[tuple[str, StatKey, FileResult]] = []
    taken: set[str] = set()
    for unit in reused:
        digest = unit.result.sha256 if unit.result else None
        result = stored.get(digest) if digest else None
        if result is not None and lacks_signature(result, signatures):
            result = None
        if result is not None and digest in taken:
            # A copy for each further file of the same content: each is reported, and
            # indexed, on its own (the index takes each file's signature away as it goes).
            result = replace(result)
        taken.add(digest or "")
        if result is not None and result.findings:
            found_at(result, unit.target.file)
        unit.result = result
        if result is not None and unit.stat is not None:
            remembered.append((unit.target.file.identity, unit.stat, result))
    if remembered:
        cache.store(remembered, results=False)


def lacks_signature(result: FileResult, signatures: bool) -> bool:
    """Whether a stored result lacks the signature this run needs (it was stored by a run that
    had no need of it): the file is then checked again."""
    return signatures and bool(result.body_hash) and result.signature is None


def found_at(result: FileResult, file: FilePath) -> None:
    """A stored result's findings put at the file's shown path: the cache keeps findings
    without one, as the same content may be stored under one path and found under another."""
    result.findings = tuple(replace(d, path=file.shown) for d in result.findings)
