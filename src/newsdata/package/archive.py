"""A reproducible zip of a release: sorted entries, fixed timestamps and modes."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

__all__ = ["write_zip"]

# Data files are stored, not deflated: Parquet is compressed already, and deflating the CSV
# cost 1.3 s per 100 MB (level 1) for a copy of what the Parquet file holds in a fifth of the
# space. Stored entries also stream and seek straight out of the zip.
_STORED_SUFFIXES = {".parquet", ".csv", ".zip"}
_LEVEL = 6  # the text files (descriptor, card, provenance) compress well; 9 costs twice the time


def write_zip(folder: Path, target: Path, created: dt.datetime) -> None:
    """Zip `folder` as `<folder name>/...` into `target`, byte for byte reproducibly."""
    stamp = max(created, dt.datetime(1980, 1, 1, tzinfo=dt.UTC)).timetuple()[:6]
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    with zipfile.ZipFile(target, "w", compresslevel=_LEVEL) as archive:
        for path in files:
            name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o100644 << 16
            info.create_system = 3  # Unix, whatever the host, so the bytes do not depend on it
            stored = path.suffix in _STORED_SUFFIXES
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info._compresslevel = _LEVEL  # type: ignore[attr-defined]  # open("w") reads only this
            with path.open("rb") as source, archive.open(info, "w") as sink:
                while chunk := source.read(1 << 20):
                    sink.write(chunk)
