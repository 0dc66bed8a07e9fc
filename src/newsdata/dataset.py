"""Reading published releases: `newsdata.open(path)` and the Dataset it returns."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdata.errors import ReleaseDamagedError, ReleaseError
from newsdata.model import SCHEMA_VERSION, Article
from newsdata.release.manifest import DATAPACKAGE, PARQUET, PROVENANCE, arrow_schema
from newsdata.release.verify import ReleaseFiles, Verification, verify_release

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow as pa
    import pyarrow.parquet as pq

__all__ = ["Dataset", "info_text", "open_release", "release_info"]

_BATCH = 1024


class Dataset:
    """A published release: its metadata, provenance and records, read lazily."""

    def __init__(self, path: Path, *, verify: bool = False) -> None:
        self.path = path
        self._files = ReleaseFiles(path)
        self._row_groups: list[tuple[str, str]] | None = None
        try:
            self._read_metadata(verify)
        except ReleaseError:
            self._files.close()
            raise

    def _read_metadata(self, verify: bool) -> None:
        names = self._files.names()
        missing = [f.name for f in (DATAPACKAGE, PARQUET) if f.name not in names]
        if missing:
            problems = [f"{name} is missing" for name in missing]
            raise ReleaseDamagedError(self.path, problems, summary="not a newsdata release")
        if verify:
            # Before anything read from the files is believed (a damaged schemaVersion included).
            result = verify_release(self.path)
            if not result.intact:
                raise ReleaseDamagedError(self.path, result.problems)
        self.metadata: dict[str, Any] = self._json(DATAPACKAGE.name)
        self.provenance: dict[str, Any] = (
            self._json(PROVENANCE.name) if PROVENANCE.name in names else {}
        )
        facts = self.metadata.get("newsdata")
        self.schema_version = str(facts.get("schemaVersion", "")) if isinstance(facts, dict) else ""
        _check_schema(self.path, self.schema_version)

    def _json(self, name: str) -> dict[str, Any]:
        found = self._files.read_json(name)
        if not isinstance(found, dict):
            raise ReleaseDamagedError(self.path, [f"{name}: not a JSON object"])
        return found

    @property
    def version(self) -> str:
        """The release's version."""
        return str(self.metadata.get("version", ""))

    @property
    def name(self) -> str:
        """The dataset's name."""
        return str(self.metadata.get("name", ""))

    def __repr__(self) -> str:
        return f"<Dataset {self.name} {self.version}: {len(self)} articles from {self.path}>"

    def __len__(self) -> int:
        with self._parquet() as parquet:
            return int(parquet.metadata.num_rows)

    def verify(self) -> Verification:
        """Recompute every file's size and SHA-256, the row counts and the schema."""
        return verify_release(self.path)

    def to_arrow(self) -> pa.Table:
        """The whole table as a pyarrow Table."""
        with self._parquet() as parquet:
            return parquet.read()

    def to_pandas(self) -> pandas.DataFrame:
        """The whole table as a pandas DataFrame (needs pandas)."""
        _require("pandas", "to_pandas")
        frame: pandas.DataFrame = self.to_arrow().to_pandas()
        return frame

    def to_polars(self) -> polars.DataFrame:
        """The whole table as a polars DataFrame (needs polars)."""
        _require("polars", "to_polars")
        import polars

        frame = polars.from_arrow(self.to_arrow())
        assert isinstance(frame, polars.DataFrame)
        return frame

    def __iter__(self) -> Iterator[Article]:
        """Every record as an Article, in id order, one batch in memory at a time."""
        with self._parquet() as parquet:
            for batch in parquet.iter_batches(batch_size=_BATCH):
                for row in batch.to_pylist():
                    yield self._article(row)

    def get(self, article_id: str) -> Article | None:
        """The record with this id, reading only the row group that can hold it."""
        groups = self._group_ranges()
        index = bisect.bisect_left([high for _, high in groups], article_id)
        if index >= len(groups) or groups[index][0] > article_id:
            return None
        with self._parquet() as parquet:  # decoding the strings, too, can meet damage
            table = parquet.read_row_group(index)
            ids = table.column("id").to_pylist()
            position = bisect.bisect_left(ids, article_id)
            if position == len(ids) or ids[position] != article_id:
                return None
            return self._article(table.slice(position, 1).to_pylist()[0])

    def __getitem__(self, article_id: str) -> Article:
        found = self.get(article_id)
        if found is None:
            raise KeyError(article_id)
        return found

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and self.get(article_id) is not None

    def close(self) -> None:
        """Release the zip file, if the release is one."""
        self._files.close()

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _group_ranges(self) -> list[tuple[str, str]]:
        if self._row_groups is None:
            with self._parquet() as parquet:
                column = parquet.schema_arrow.get_field_index("id")
                ranges = []
                for group in range(parquet.metadata.num_row_groups):
                    stats = parquet.metadata.row_group(group).column(column).statistics
                    ranges.append((str(stats.min), str(stats.max)))
            self._row_groups = ranges
        return self._row_groups

    @contextmanager
    def _parquet(self) -> Iterator[pq.ParquetFile]:
        """The Parquet file, from the folder or straight out of the zip; damage is ReleaseError."""
        import pyarrow.parquet as pq

        # pre_buffer keeps every range it has read until the file is closed: iterating a
        # 200,000-row release grew RSS by 300 MB with it, and stays flat without it.
        local = self._files.local_path(PARQUET.name)
        if local is not None:
            with self._files.reading(PARQUET.name):
                yield self._articles_table(pq.ParquetFile(local, pre_buffer=False))
            return
        with self._files.open(PARQUET.name) as handle:
            yield self._articles_table(pq.ParquetFile(handle, pre_buffer=False))

    def _articles_table(self, parquet: pq.ParquetFile) -> pq.ParquetFile:
        """The Parquet file, once its footer holds every article column with its type and rows."""
        # A later minor schema may add columns; a damaged footer loses or retypes ours.
        found = parquet.schema_arrow
        wrong = [
            column.name
            for column in arrow_schema()
            if found.get_field_index(column.name) < 0
            or not found.field(column.name).type.equals(column.type)
        ]
        if wrong:
            problem = f"{PARQUET.name}: columns {', '.join(wrong)} missing or of another type"
            raise ReleaseDamagedError(self.path, [problem])
        if parquet.metadata.num_rows < 0:
            raise ReleaseDamagedError(self.path, [f"{PARQUET.name}: a negative row count"])
        return parquet

    def _article(self, row: dict[str, Any]) -> Article:
        """A record as an Article: one that no longer validates was damaged after verification."""
        from pydantic import ValidationError

        try:
            return Article.model_validate(row)
        except ValidationError as error:
            reason = error.errors()[0]["msg"]
            problem = f"{PARQUET.name}: record {row.get('id')} is not a valid article ({reason})"
            raise ReleaseDamagedError(self.path, [problem]) from error


def _check_schema(path: Path, found: str) -> None:
    if not found:
        return
    try:
        major = int(found.split(".")[0])
    except ValueError:
        raise ReleaseError(f"{path}: unreadable schema version {found!r}") from None
    ours = int(SCHEMA_VERSION.split(".")[0])
    if major > ours:
        raise ReleaseError(
            f"{path} was made with record schema {found}; this newsdata reads schema "
            f"{ours}.x ({SCHEMA_VERSION}): upgrade newsdata to read it"
        )


def _require(module: str, method: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise ReleaseError(f"Dataset.{method}() needs {module}: pip install {module}")


def open_release(path: str | Path, *, verify: bool = True) -> Dataset:
    """Open a release folder, its zip, or its datapackage.json; by default check its hashes."""
    target = Path(path)
    if target.name == DATAPACKAGE.name:
        target = target.parent
    if not target.exists():
        raise ReleaseError(f"{target} does not exist")
    return Dataset(target, verify=verify)


def release_info(dataset: Dataset) -> dict[str, Any]:
    """What `newsdata info` shows: version, counts, dates, publications, provenance."""
    import pyarrow.compute as pc

    with dataset._parquet() as parquet:  # decoding the strings, too, can meet damage
        table = parquet.read(columns=["published", "publication", "word_count"])
        dates: dict[str, Any] = (
            pc.min_max(table.column("published")).as_py() if table.num_rows else {}
        )
        counts = pc.value_counts(table.column("publication")).to_pylist()
        words = int(pc.sum(table.column("word_count")).as_py() or 0)
    first, last = dates.get("min"), dates.get("max")
    publications = sorted(((c["values"], c["counts"]) for c in counts), key=lambda x: (-x[1], x[0]))
    provenance = dataset.provenance
    tool = provenance.get("tool", {})
    git = provenance.get("git", {})
    source = provenance.get("source")
    return {
        "name": dataset.name,
        "title": dataset.metadata.get("title"),
        "version": dataset.version,
        "created": dataset.metadata.get("created"),
        "schema_version": dataset.schema_version,
        "articles": table.num_rows,
        "words": words,
        "first_published": first.isoformat() if first is not None else None,
        "last_published": last.isoformat() if last is not None else None,
        "publications": [{"name": name, "articles": count} for name, count in publications],
        "licenses": dataset.metadata.get("licenses", []),
        "provenance": {
            "commit": git.get("commit"),
            "dirty": git.get("dirty"),
            "source": source.get("url") if isinstance(source, dict) else None,
            "tool": f"{tool.get('name', 'newsdata')} {tool.get('newsdata', '')}".strip(),
            "python": tool.get("python"),
            "pyarrow": tool.get("pyarrow"),
            "inputs": _input_count(provenance),
            "warnings": provenance.get("counts", {}).get("warnings"),
        },
    }


def _input_count(provenance: dict[str, Any]) -> object:
    """How many raw files made the release: its counts, else (a release made before the counts
    were written) the length of the list of inputs it held then; None if it says neither."""
    counted = provenance.get("counts", {}).get("files")
    listed = provenance.get("inputs")
    return len(listed) if counted is None and isinstance(listed, list) else counted


def info_text(facts: dict[str, Any]) -> str:
    """`release_info`'s facts as `newsdata info` shows them (the 20 largest publications)."""
    from newsdata.report.text import plural

    def counted(count: object, word: str) -> str:
        # An unverified release's provenance may not say: `? warnings`.
        return plural(count, word) if isinstance(count, int) else f"? {word}s"

    origin = facts["provenance"]
    lines = [
        f"{facts['name']} {facts['version']}  ({facts['title']})",
        f"  created          {facts['created']}",
        f"  schema version   {facts['schema_version']}",
        f"  articles         {facts['articles']} ({facts['words']} words)",
        f"  published        {facts['first_published']} to {facts['last_published']}",
        f"  built from       {origin['source']}"
        if origin["source"]
        else f"  built from       commit {origin['commit'] or 'unknown'}"
        + (" (dirty tree)" if origin["dirty"] else ""),
        f"  built with       {origin['tool']}, Python {origin['python']}, pyarrow "
        f"{origin['pyarrow']}; {counted(origin['inputs'], 'raw file')}, "
        f"{counted(origin['warnings'], 'warning')}",
        f"  publications     {len(facts['publications'])}",
    ]
    lines += [f"    {p['articles']:>8}  {p['name']}" for p in facts["publications"][:20]]
    if len(facts["publications"]) > 20:
        lines.append(f"    ... and {len(facts['publications']) - 20} more")
    return "\n".join(lines)
