"""README.md of a release: the dataset card, with the front matter the Hugging Face Hub reads."""

from __future__ import annotations

from newsdata.package.metadata import DatasetMetadata
from newsdata.package.stats import ReleaseStats

__all__ = ["card_markdown", "size_category"]

_SIZES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
)


def size_category(rows: int) -> str:
    """The Hub's size category for a row count."""
    return next((label for limit, label in _SIZES if rows < limit), "n>10M")


def _front_matter(meta: DatasetMetadata, stats: ReleaseStats) -> str:
    license_name = (meta.license or {}).get("name", "unknown").lower()
    hub_license = license_name if license_name != "unknown" else "unknown"
    languages = "".join(f"- {code}\n" for code in meta.language)
    tags = "".join(f"- {k}\n" for k in meta.keywords)
    return (
        "---\n"
        f"pretty_name: {_yaml(meta.title)}\n"
        f"license: {_yaml(hub_license)}\n"
        f"language:\n{languages}"
        f"size_categories:\n- {size_category(stats.articles)}\n"
        "task_categories:\n- text-classification\n- summarization\n"
        f"tags:\n{tags}"
        "configs:\n- config_name: default\n  data_files:\n  - split: train\n"
        "    path: data/articles.parquet\n"
        "---\n"
    )


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def card_markdown(
    meta: DatasetMetadata,
    version: str,
    stats: ReleaseStats,
    fields: list[dict[str, object]],
    created: str,
    commit: str | None,
    warnings: int,
) -> str:
    """The dataset card."""
    name = f"{meta.name}-{version}"
    license_text = _license_text(meta)
    publications = "".join(
        f"| {pub.replace('|', '/')} | {count} |\n"
        for pub, count in sorted(stats.publications.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    years = "".join(f"| {year} | {count} |\n" for year, count in sorted(stats.years.items()))
    schema_rows = "".join(
        f"| `{f['name']}` | {f['type']} | {str(f.get('description', '')).replace('|', '/')} |\n"
        for f in fields
    )
    return f"""{_front_matter(meta, stats)}
# {meta.title} {version}

{meta.description}

- **Articles:** {stats.articles} ({stats.words} words)
- **Published:** {stats.first} to {stats.last}
- **Publications:** {len(stats.publications)}
- **Built:** {created} from commit `{commit or "unknown"}` with newsdata; {warnings} validation
  warning(s) at build time
- **License:** {license_text}

## Files

| file | what |
|---|---|
| `data/articles.parquet` | the table, zstd-compressed Parquet, rows sorted by `id` |
| `data/articles.csv` | the same rows as UTF-8 CSV (RFC 4180); `authors` is a JSON array |
| `datapackage.json` | Frictionless Data Package v2 descriptor: sizes, SHA-256, Table Schema |
| `provenance.json` | every input raw file (path, bytes, SHA-256), the commit, the tool versions |
| `croissant.json` | ML Commons Croissant metadata |
| `CHANGELOG.md` | ids added, removed and changed since the previous release |

Check a copy with `newsdata verify {name}` (sizes, hashes, rows and schema).

## Publications

| publication | articles |
|---|---|
{publications}
## Articles per year

| year | articles |
|---|---|
{years}
## Schema

| column | type | description |
|---|---|---|
{schema_rows}
## Loading

```python
import newsdata
dataset = newsdata.open("{name}")            # checks the hashes; dataset.to_pandas(), ...

import pandas as pd
df = pd.read_parquet("{name}/data/articles.parquet")

import polars as pl
df = pl.read_parquet("{name}/data/articles.parquet")

import duckdb
duckdb.sql("SELECT publication, count(*) FROM '{name}/data/articles.parquet' GROUP BY 1")

import datasets
ds = datasets.load_dataset("parquet", data_files="{name}/data/articles.parquet")["train"]

import frictionless  # with newsdata installed, Parquet is read through pyarrow
frictionless.validate("{name}/datapackage.json")
```

## License

{license_text}

## Citation

{meta.citation or f"{meta.title}, version {version} ({created[:4]}). Built with newsdata."}
"""


def _license_text(meta: DatasetMetadata) -> str:
    if meta.license is None:
        return "none given (ask the maintainers before reuse)"
    title = meta.license.get("title")
    name = meta.license["name"]
    return f"{name}: {title}" if title else name
