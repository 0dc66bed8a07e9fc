"""Workers refused unless they would decide exactly as this process: same newsdata code and
rules (plugins included), same libraries behind the verdicts and the records."""

from __future__ import annotations

import importlib.metadata
from typing import TYPE_CHECKING

from newsdata.errors import ExecutorError

if TYPE_CHECKING:
    from distributed import Client

    from newsdata.config import Settings

__all__ = ["identity", "refuse_strangers"]

#: Libraries whose version changes a release's bytes (records are laid out as Arrow buffers
#: on the workers; pyarrow's wheels bundle the zstd it compresses with, so its version names
#: that too) or the cluster's own protocol.
_RELEASE_LIBRARIES = ("pyarrow", "distributed", "cloudpickle")


def identity(settings: Settings) -> dict[str, object]:
    """What must match between this process and every worker. The validator's cache key
    already digests the checking code, the rules and plugins (their code), the settings that
    decide per-file results and the verdict libraries (engine.Validator.cache_key)."""
    from newsdata import __version__
    from newsdata.check.engine import Validator

    versions: dict[str, str | None] = {}
    for name in _RELEASE_LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "newsdata": __version__,
        "checking": Validator(settings, defer_volatile=True).cache_key(),
        "libraries": versions,
    }


def _worker_identity(settings: Settings) -> dict[str, object]:
    """On a worker: its identity, or why it has none (a plugin file it cannot load, say)."""
    try:
        return identity(settings)
    except Exception as error:  # any failure there is the refusal's reason
        return {"error": f"{type(error).__name__}: {error}"}


def refuse_strangers(client: Client, settings: Settings) -> None:
    """Raise ExecutorError naming every worker whose identity differs from this process's."""
    mine = identity(settings)
    theirs = client.run(_worker_identity, settings)
    if not theirs:
        raise ExecutorError("the Dask cluster has no workers: start some, or use a LocalCluster")
    strangers = []
    for address, found in sorted(theirs.items()):
        if found != mine:
            strangers.append(f"{address} ({_difference(mine, found)})")
    if strangers:
        raise ExecutorError(
            "refusing the Dask cluster: these workers would not decide as this process does: "
            + "; ".join(strangers)
            + ". Install the same newsdata, plugins and libraries on every worker."
        )


def _difference(mine: dict[str, object], found: dict[str, object]) -> str:
    if "error" in found:
        return f"cannot check there: {found['error']}"
    if found.get("newsdata") != mine["newsdata"]:
        return f"newsdata {found.get('newsdata')}, here {mine['newsdata']}"
    if found.get("checking") != mine["checking"]:
        return "a different newsdata code digest, rules, plugins or verdict libraries"
    theirs = found.get("libraries")
    ours = mine["libraries"]
    assert isinstance(ours, dict)
    if isinstance(theirs, dict):
        for name, version in ours.items():
            if theirs.get(name) != version:
                return f"{name} {theirs.get(name)}, here {version}"
    return "a different identity"
