"""Releases: build them (`newsdata package`) and check them (`newsdata verify`).

The builder is imported only when asked for: reading or verifying a release (which imports
this package) must not load the validation engine and its rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsdata.release.build import Release, build_release

__all__ = ["Release", "build_release"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from newsdata.release import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
