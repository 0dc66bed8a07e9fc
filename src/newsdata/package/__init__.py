"""Releases: build them (`newsdata package`) and check them (`newsdata verify`)."""

from __future__ import annotations

from newsdata.package.build import Release, build_release

__all__ = ["Release", "build_release"]
