"""Release versions: semantic versions, and which existing releases a new one must beat."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from newsdata.errors import ReleaseRefusedError, UsageError

__all__ = ["Version", "check_new_version", "existing_releases"]

_SEMVER = re.compile(
    r"^v?(?P<major>0|[1-9]\d*)(?:\.(?P<minor>0|[1-9]\d*))?(?:\.(?P<patch>0|[1-9]\d*))?"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)


@dataclass(frozen=True, order=False)
class Version:
    """A semantic version. `1` and `1.0` are read as `1.0.0`; a leading `v` is dropped."""

    major: int
    minor: int
    patch: int
    pre: str = ""

    @classmethod
    def parse(cls, text: str) -> Version:
        """Read a version; UsageError names what is wrong."""
        match = _SEMVER.match(text.strip())
        if match is None:
            raise UsageError(
                f"version {text!r} is not a semantic version (MAJOR[.MINOR[.PATCH]][-PRE])"
            )
        minor, patch = match["minor"] or "0", match["patch"] or "0"
        return cls(int(match["major"]), int(minor), int(patch), match["pre"] or "")

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return f"{core}-{self.pre}" if self.pre else core

    def key(self) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
        """Sort key following semver precedence (a pre-release sorts before its release)."""
        parts: tuple[tuple[int, int | str], ...] = tuple(
            (0, int(p)) if p.isdigit() else (1, p) for p in self.pre.split(".") if self.pre
        )
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, parts)

    def __lt__(self, other: Version) -> bool:
        return self.key() < other.key()

    def __le__(self, other: Version) -> bool:
        return self.key() <= other.key()


def existing_releases(out: Path, name: str) -> dict[Version, Path]:
    """Releases of this dataset already in the output folder (folders or zips)."""
    found: dict[Version, Path] = {}
    if not out.is_dir():
        return found
    prefix = f"{name}-"
    for entry in out.iterdir():
        stem = entry.name.removesuffix(".zip")
        if not stem.startswith(prefix) or entry.name.startswith("."):
            continue
        try:
            version = Version.parse(stem[len(prefix) :])
        except UsageError:
            continue
        if entry.is_dir() or version not in found:
            found[version] = entry
    return found


def check_new_version(version: Version, existing: Mapping[Version, object]) -> Version | None:
    """The newest earlier release, after refusing a version that exists or is not newer."""
    if version in existing:
        raise ReleaseRefusedError(f"version {version} already exists: {existing[version]}")
    newest = max(existing, key=Version.key, default=None)
    if newest is not None and not newest < version:
        raise ReleaseRefusedError(
            f"version {version} is not greater than the newest release, {newest}"
        )
    return newest
