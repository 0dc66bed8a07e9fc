"""`newsdata verify`: recompute a release's sizes, hashes, row counts and schema."""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from newsdata.errors import ReleaseDamagedError, ReleaseError
from newsdata.release.manifest import (
    CSV,
    DATAPACKAGE,
    INPUTS,
    PARQUET,
    PROVENANCE,
    RELEASE_FILES,
    arrow_schema,
    inputs_schema,
)

__all__ = ["ReleaseFiles", "Verification", "verify_release"]


class ReleaseFiles:
    """The files of a release, in a folder or in its zip, read the same way."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._prefix = ""
        if path.is_file() and path.name == DATAPACKAGE.name:
            self.folder: Path | None = path.parent
        elif path.is_dir():
            self.folder = path
        elif path.is_file() and (path.suffix == ".zip" or zipfile.is_zipfile(path)):
            self.folder = None
            with self.reading(None):
                self._zip = zipfile.ZipFile(path)
            tops = {name.split("/", 1)[0] for name in self._zip.namelist()}
            self._prefix = f"{tops.pop()}/" if len(tops) == 1 else ""
        elif path.exists():
            raise ReleaseError(f"{path} is not a release folder, zip or datapackage.json")
        else:
            raise ReleaseError(f"{path} does not exist")

    @contextmanager
    def reading(self, name: str | None) -> Iterator[None]:
        """Reading `name` (None: the zip itself), where damaged bytes become ReleaseDamagedError.

        The one place that names what a damaged zip, Parquet, CSV or JSON file raises.
        """
        try:
            yield
        except _damage() as error:
            reason = str(error) or type(error).__name__
            if name is None:
                problem = f"not a readable zip archive (damaged or truncated): {reason}"
            elif self._zip is not None:
                problem = f"{name}: damaged inside the zip ({reason})"
            else:
                problem = f"{name}: unreadable ({reason})"
            raise ReleaseDamagedError(self.path, [problem]) from error

    def names(self) -> set[str]:
        """Every file of the release, by its path inside the release."""
        if self._zip is not None:
            return {
                n[len(self._prefix) :]
                for n in self._zip.namelist()
                if n.startswith(self._prefix) and not n.endswith("/")
            }
        assert self.folder is not None
        return {
            p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*") if p.is_file()
        }

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        """A file of the release, opened for reading bytes; damage raises ReleaseDamagedError."""
        with self.reading(name):
            if self._zip is not None:
                with self._zip.open(self._prefix + name) as handle:
                    yield handle
                return
            assert self.folder is not None
            with (self.folder / name).open("rb") as handle:
                yield handle

    def read_json(self, name: str) -> Any:
        """A JSON file of the release."""
        with self.open(name) as handle:
            return json.loads(handle.read().decode("utf-8"))

    def local_path(self, name: str) -> Path | None:
        """The file on disk when the release is a folder (None inside a zip)."""
        return self.folder / name if self.folder is not None else None

    def close(self) -> None:
        """Release the zip file, if any."""
        if self._zip is not None:
            self._zip.close()


@dataclass
class Verification:
    """What verify found: every mismatch, named."""

    path: Path
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """Whether nothing was wrong."""
        return not self.problems


def _damage() -> tuple[type[Exception], ...]:
    """What reading damaged release bytes raises (pyarrow imported only once one is raised)."""
    import pyarrow as pa

    # UnicodeDecodeError and json.JSONDecodeError are ValueErrors, but a plain ValueError is
    # a bug, not damage; OSError covers pyarrow's "ZSTD decompression failed" and unreadable files.
    # zipfile raises NotImplementedError for a flipped version, method or flag field, and
    # RuntimeError for a flipped "encrypted" bit (newsdata writes neither); pyarrow raises
    # OverflowError turning a damaged date into a Python one.
    return (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        UnicodeDecodeError,
        json.JSONDecodeError,
        pa.ArrowException,
        OSError,
        NotImplementedError,
        RuntimeError,
        OverflowError,
    )


def _facts(files: ReleaseFiles, name: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with files.open(name) as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def verify_release(path: Path) -> Verification:
    """Check every resource's bytes and SHA-256, the row counts, the schema and stray files."""
    result = Verification(path)
    try:
        files = ReleaseFiles(path)
    except ReleaseDamagedError as error:
        # A release zip that no longer opens (a download cut short): a finding, not a misuse.
        result.problems.extend(error.problems)
        return result
    try:
        _check_files(files, result)
    finally:
        files.close()
    return result


def _check_files(files: ReleaseFiles, result: Verification) -> None:
    # Without a readable descriptor, what provenance.json lists and the tables are still checked.
    names = files.names()
    descriptor = _descriptor(files, names, result)
    resources: list[dict[str, Any]] = descriptor["resources"] if descriptor else []
    for resource in resources:
        with _noting(result):
            _check_resource(files, names, resource, result)
    provenance = _provenance(files, names, result)
    _check_provenance_outputs(files, names, provenance, result)
    counts = descriptor.get("newsdata") if descriptor else None
    _check_tables(
        files, names, counts.get("articles") if isinstance(counts, dict) else None, result
    )
    if INPUTS.name in names:  # a release made before the inputs left provenance.json has none
        listed = provenance.get("inputs") if provenance else None
        with _noting(result):
            _check_parquet(
                files, INPUTS.name, listed.get("rows") if isinstance(listed, dict) else None, result
            )
    if descriptor:
        # The manifest's files, and any other resource the descriptor lists.
        expected = {f.name for f in RELEASE_FILES} | {str(r.get("path")) for r in resources}
        for stray in sorted(names - expected):
            result.problems.append(f"{stray}: not part of the release (not in datapackage.json)")


@contextmanager
def _noting(result: Verification) -> Iterator[None]:
    """Damage one check finds becomes a problem of the result, and the other checks go on."""
    try:
        yield
    except ReleaseDamagedError as error:
        result.problems.extend(p for p in error.problems if p not in result.problems)


def _descriptor(
    files: ReleaseFiles, names: set[str], result: Verification
) -> dict[str, Any] | None:
    """datapackage.json, when it is there, readable and lists its resources (else a problem)."""
    if DATAPACKAGE.name not in names:
        result.problems.append(f"{DATAPACKAGE.name}: missing")
        return None
    with _noting(result):
        descriptor = files.read_json(DATAPACKAGE.name)
        resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
        if isinstance(resources, list) and all(isinstance(r, dict) for r in resources):
            return cast("dict[str, Any]", descriptor)
        result.problems.append(f"{DATAPACKAGE.name}: not a readable descriptor (no resource list)")
    return None


def _check_resource(
    files: ReleaseFiles, names: set[str], resource: dict[str, Any], result: Verification
) -> None:
    name = str(resource.get("path"))
    if name not in names:
        result.problems.append(f"{name}: missing")
        return
    size, digest = _facts(files, name)
    if size != resource.get("bytes"):
        result.problems.append(f"{name}: {size} bytes, the descriptor says {resource.get('bytes')}")
    if f"sha256:{digest}" != resource.get("hash"):
        result.problems.append(
            f"{name}: SHA-256 {digest} differs from the descriptor's "
            f"{str(resource.get('hash')).removeprefix('sha256:')}"
        )
    result.checked.append(name)


def _check_provenance_outputs(
    files: ReleaseFiles, names: set[str], provenance: dict[str, Any] | None, result: Verification
) -> None:
    """The files provenance.json hashes (its outputs and its inputs' file) not checked yet."""
    outputs = list(provenance["outputs"]) if provenance else []
    listed = provenance.get("inputs") if provenance else None
    if isinstance(listed, dict):  # older releases list the inputs themselves, no file
        outputs.append(listed)
    for output in outputs:
        name = str(output.get("path"))
        if name in result.checked:
            continue
        if name not in names:
            result.problems.append(f"{name}: missing")
            continue
        with _noting(result):
            size, digest = _facts(files, name)
            if size != output.get("bytes") or digest != output.get("sha256"):
                problem = f"{name}: differs from {PROVENANCE.name} (bytes or SHA-256)"
                result.problems.append(problem)
            result.checked.append(name)


def _provenance(
    files: ReleaseFiles, names: set[str], result: Verification
) -> dict[str, Any] | None:
    """provenance.json, when it is there, readable and lists its outputs (else a problem)."""
    if PROVENANCE.name not in names:
        return None
    with _noting(result):
        provenance = files.read_json(PROVENANCE.name)
        outputs = provenance.get("outputs") if isinstance(provenance, dict) else None
        if isinstance(outputs, list) and all(isinstance(o, dict) for o in outputs):
            return cast("dict[str, Any]", provenance)
        result.problems.append(f"{PROVENANCE.name}: unreadable (no list of outputs)")
    return None


def _check_tables(files: ReleaseFiles, names: set[str], rows: object, result: Verification) -> None:
    if PARQUET.name in names:
        with _noting(result):
            _check_parquet(files, PARQUET.name, rows, result)
    if CSV.name in names:
        with _noting(result):
            _check_csv(files, CSV.name, rows, result)


#: Each Parquet file of a release: its schema, the schema's name, and who says its row count.
_PARQUET_FILES = {
    PARQUET.name: (arrow_schema, "the article schema", "the descriptor"),
    INPUTS.name: (inputs_schema, "the inputs schema", PROVENANCE.name),
}


def _check_parquet(files: ReleaseFiles, name: str, rows: object, result: Verification) -> None:
    """A Parquet file's footer: its schema, and its row count against `rows` (None: unsaid)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema_of, what, says = _PARQUET_FILES[name]
    with files.open(name) as handle:
        try:
            parquet = pq.ParquetFile(handle)  # reads the footer only, never the whole file
            schema, found = parquet.schema_arrow, parquet.metadata.num_rows
        except (pa.ArrowException, OSError, ValueError) as error:
            result.problems.append(f"{name}: not a readable Parquet file ({error})")
            return
    if not schema.remove_metadata().equals(schema_of().remove_metadata()):
        result.problems.append(f"{name}: schema differs from {what}")
    if rows is not None and found != rows:
        result.problems.append(f"{name}: {found} rows, {says} says {rows}")


def _check_csv(files: ReleaseFiles, name: str, rows: object, result: Verification) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    columns = tuple(arrow_schema().names)
    as_text = pacsv.ConvertOptions(column_types=dict.fromkeys(columns, pa.string()))
    # Bodies hold line breaks inside quoted cells: without this, a CSV larger than one read
    # block (1 MB) is split mid-cell and reads as broken.
    multi_line = pacsv.ParseOptions(newlines_in_values=True)
    found = 0
    with files.open(name) as handle:
        try:
            reader = pacsv.open_csv(handle, parse_options=multi_line, convert_options=as_text)
            header = tuple(reader.schema.names)
            for batch in reader:
                found += batch.num_rows
        except (pa.ArrowException, OSError, ValueError) as error:
            result.problems.append(f"{name}: not readable CSV ({error})")
            return
    if header != columns:
        result.problems.append(f"{name}: header {list(header)} differs from the article schema")
    if rows is not None and found != rows:
        result.problems.append(f"{name}: {found} rows, the descriptor says {rows}")
