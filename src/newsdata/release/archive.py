"""A reproducible zip of a release: entries in a fixed order, fixed timestamps and modes."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Sequence
from pathlib import Path

__all__ = ["ReleaseZip"]

# Data files are stored, not deflated: Parquet is compressed already, and deflating the CSV
# would cost seconds for a copy of what the Parquet file holds in a fifth of the space.
# Stored entries also stream and seek straight out of the zip.
_STORED_SUFFIXES = {".parquet", ".csv", ".zip"}
# The text files (descriptor, card, provenance) compress well even at level 1, at half the
# time of level 6.
_LEVEL = 1


class ReleaseZip:
    """The zip of a release folder, as `<folder name>/...` entries, byte for byte reproducible.

    Entries are added in the order given (a build adds the data files first, while it still
    writes the metadata files, then those), with the same timestamp, mode and system.
    """

    def __init__(self, folder: Path, target: Path, created: dt.datetime) -> None:
        self._folder = folder
        self._stamp = max(created, dt.datetime(1980, 1, 1, tzinfo=dt.UTC)).timetuple()[:6]
        self._file = target.open("wb")
        self._archive = zipfile.ZipFile(self._file, "w", compresslevel=_LEVEL)

    def __enter__(self) -> ReleaseZip:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()

    def add(self, relatives: Sequence[str]) -> None:
        """Add these files of the folder (paths relative to it, with / separators), in order."""
        for relative in relatives:
            path = self._folder / relative
            info = zipfile.ZipInfo(f"{self._folder.name}/{relative}", date_time=self._stamp)
            info.external_attr = 0o100644 << 16
            info.create_system = 3  # Unix, whatever the host, so the bytes do not depend on it
            stored = path.suffix in _STORED_SUFFIXES
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info._compresslevel = _LEVEL  # type: ignore[attr-defined]  # open("w") reads only this
            # The size beforehand, as ZipFile.write gives it: a file over 2 GiB (the CSV of a
            # corpus of some 400,000 articles) then gets ZIP64 fields instead of an error.
            info.file_size = path.stat().st_size
            with path.open("rb") as source, self._archive.open(info, "w") as sink:
                while chunk := source.read(1 << 20):
                    sink.write(chunk)

    def close(self) -> None:
        """Write the central directory and close the file."""
        try:
            self._archive.close()
        finally:
            self._file.close()

    def discard(self) -> None:
        """Close the file unfinished (the build failed or was interrupted: its folder goes).

        Even mid-entry: a Ctrl-C inside zipfile's writing of an entry leaves it with an open
        handle, and closing it then raises (at once, or later from its __del__)."""
        self._archive.fp = None  # ZipFile.close(), its __del__'s too, then does nothing
        self._file.close()
