"""The folder a release is built in, beside its target, and the removal of abandoned ones.

A release is built in `<out>/.<name>-<version>.building-<pid>-<random>/` and renamed into
place; an error or Ctrl-C removes the folder, but a builder killed outright (SIGKILL, a power
cut) cannot. Its pid in the name, and the host and boot in a marker file, let a later build
tell such a folder from one another build is still writing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
from pathlib import Path

__all__ = ["make_scratch", "remove_abandoned", "scratch_path"]

_MARKER = ".builder.json"
_SCRATCH = re.compile(r"\..+\.building-(\d+)-[^/]+")


def scratch_path(out: Path, name: str) -> Path:
    """Where to build release `name` in `out`: a new name, not made yet.

    Named before it is made, so that the builder can remove it however it stops: a Ctrl-C
    while it is being made (between mkdir and its name being known) would otherwise leave it.
    """
    return out / f".{name}.building-{os.getpid()}-{secrets.token_hex(8)}"


def make_scratch(scratch: Path) -> None:
    """Make the build folder, marked with its builder (see `_abandoned`)."""
    scratch.mkdir(mode=0o700)
    (scratch / _MARKER).write_text(json.dumps(_builder()), encoding="utf-8")


def remove_abandoned(out: Path) -> list[Path]:
    """Remove the build folders in `out` whose builder is gone; the ones removed."""
    removed = []
    for entry in out.iterdir():
        match = _SCRATCH.fullmatch(entry.name)
        if match and entry.is_dir() and _abandoned(entry, int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _builder() -> dict[str, str | None]:
    return {"host": socket.gethostname(), "boot": _boot_id()}


def _boot_id() -> str | None:
    """This boot of the machine (Linux): a pid of an earlier boot names no live process."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text("ascii").strip()
    except OSError:
        return None


def _abandoned(scratch: Path, pid: int) -> bool:
    """Whether the process that made the folder is gone. A folder made on another host (a
    shared disk) is never judged; one without a marker (killed just after making it) is
    judged by its pid alone."""
    marker: dict[str, str | None] = {}
    with contextlib.suppress(OSError, ValueError):
        marker = json.loads((scratch / _MARKER).read_text("utf-8"))
    if not isinstance(marker, dict):
        marker = {}
    here = _builder()
    if marker.get("host", here["host"]) != here["host"]:
        return False
    if marker.get("boot") and here["boot"] and marker["boot"] != here["boot"]:
        return True
    return not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: no signal, only the question whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OverflowError:
        return False
    return True
