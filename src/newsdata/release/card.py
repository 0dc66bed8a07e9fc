"""README.md of a release: the dataset card, with the front matter the Hugging Face Hub reads."""

from __future__ import annotations

import json
import re

from newsdata.release.manifest import (
    CHANGELOG,
    CROISSANT,
    CSV,
    DATAPACKAGE,
    INPUTS,
    PARQUET,
    PROVENANCE,
    ReleaseFile,
)
from newsdata.release.metadata import OTHER_LICENSE, DatasetMetadata, spdx_expression
from newsdata.release.provenance import Origin
from newsdata.release.stats import ReleaseStats

__all__ = ["FILES_SHOWN", "card_markdown", "hub_license", "markdown_text", "size_category"]

#: The card's table of the release's files (every one but the card itself), in its order.
FILES_SHOWN: dict[ReleaseFile, str] = {
    PARQUET: "the table, zstd-compressed Parquet, rows sorted by `id`",
    CSV: "the same rows as UTF-8 CSV (RFC 4180); `authors` is a JSON array",
    DATAPACKAGE: "Frictionless Data Package v2 descriptor: sizes, SHA-256, Table Schema",
    PROVENANCE: "the commit (or object store), the tool versions, the counts, the files' SHA-256",
    INPUTS: "every input raw file (id, path, bytes, SHA-256; ETag and version from object storage)",
    CROISSANT: "ML Commons Croissant metadata",
    CHANGELOG: "ids added, removed and changed since the previous release",
}

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


#: Characters that mean something inside a line of markdown (CommonMark, GFM tables and
#: strikethrough, the Hub's `$` math): each is backslash-escaped, which CommonMark renders as the
#: character itself. One pass of re.sub, so an escape added is never escaped again.
_INLINE = re.compile(r"[\\`*_\[\]<>&|~#$]")
#: What starts a block at the beginning of a line: a list, a quote, a setext underline, an
#: ordered list's "1." or "1)".
_LINE_START = re.compile(r"^(\d{0,9})([-+=>.)])")


def markdown_text(text: str, *, one_line: bool = False) -> str:
    """User text as markdown that renders as exactly that text (escaped, never rewritten).

    `one_line` is for a table cell or a heading, which cannot hold a line break: breaks become
    `<br>`, which renders as one.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Leading blanks are dropped by markdown in a paragraph line, but four of them after a blank
    # line would start a code block.
    escaped = [_LINE_START.sub(r"\1\\\2", _INLINE.sub(r"\\\g<0>", line.lstrip())) for line in lines]
    return ("<br>" if one_line else "\n").join(escaped)


def hub_license(license_: dict[str, str] | None) -> str:
    """The Hub's `license:` id: a lowercase SPDX id ("cc-by-4.0"), "other" or "unknown".

    An expression ("CC-BY-4.0 OR MIT"), a LicenseRef or an id not on the SPDX list is "other";
    the card's text gives the license as configured.
    """
    if license_ is None:
        return "unknown"
    canonical = spdx_expression(license_["name"])
    if canonical is None or " " in canonical or canonical.startswith("LicenseRef-"):
        return OTHER_LICENSE
    return canonical.lower()


def _front_matter(meta: DatasetMetadata, stats: ReleaseStats) -> str:
    lines = [
        f"pretty_name: {_yaml(meta.title)}",
        f"license: {_yaml(hub_license(meta.license))}",
        *_yaml_list("language", meta.language),
        f"size_categories:\n- {size_category(stats.articles)}",
        "task_categories:\n- text-classification\n- summarization",
        *_yaml_list("tags", meta.keywords),
        "configs:\n- config_name: default\n  data_files:\n  - split: train\n"
        f"    path: {PARQUET.name}",
    ]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _yaml_list(key: str, values: tuple[str, ...]) -> list[str]:
    """`key:` and its items; nothing at all for no items (unknown is left out, not guessed)."""
    if not values:
        return []
    return [f"{key}:", *(f"- {_yaml(value)}" for value in values)]


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar: JSON's string syntax is a subset of it.

    U+2028 and U+2029 are escaped too: JSON allows them raw, YAML 1.1 reads them as line breaks.
    """
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def card_markdown(
    meta: DatasetMetadata,
    version: str,
    stats: ReleaseStats,
    fields: list[dict[str, object]],
    created: str,
    origin: Origin,
    warnings: int,
) -> str:
    """The dataset card."""
    # `name` (checked: [a-z0-9._-]), the version and the commit need no escaping, even in code.
    name = f"{meta.name}-{version}"
    license_line = markdown_text(_license_text(meta), one_line=True)
    license_text = markdown_text(_license_text(meta))
    publications = "".join(
        f"| {markdown_text(pub, one_line=True)} | {count} |\n"
        for pub, count in sorted(stats.publications.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    files = "".join(f"| `{file.name}` | {what} |\n" for file, what in FILES_SHOWN.items())
    years = "".join(f"| {year} | {count} |\n" for year, count in sorted(stats.years.items()))
    schema_rows = "".join(
        f"| `{f['name']}` | {f['type']} | "
        f"{markdown_text(str(f.get('description', '')), one_line=True)} |\n"
        for f in fields
    )
    citation = (
        meta.citation or f"{meta.title}, version {version} ({created[:4]}). Built with newsdata."
    )
    return f"""{_front_matter(meta, stats)}
# {markdown_text(meta.title, one_line=True)} {version}

{markdown_text(meta.description)}

- **Articles:** {stats.articles} ({stats.words} words)
- **Published:** {stats.first} to {stats.last}
- **Publications:** {len(stats.publications)}
- **Built:** {created} from {_built_from(origin)} with newsdata; {warnings} validation
  warning(s) at build time
- **License:** {license_line}

## Files

| file | what |
|---|---|
{files}
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
df = pd.read_parquet("{name}/{PARQUET.name}")

import polars as pl
df = pl.read_parquet("{name}/{PARQUET.name}")

import duckdb
duckdb.sql("SELECT publication, count(*) FROM '{name}/{PARQUET.name}' GROUP BY 1")

import datasets
ds = datasets.load_dataset("parquet", data_files="{name}/{PARQUET.name}")["train"]

import frictionless  # with newsdata installed, Parquet is read through pyarrow
frictionless.validate("{name}/{DATAPACKAGE.name}")
```

## License

{license_text}

## Citation

{markdown_text(citation)}
"""


def _built_from(origin: Origin) -> str:
    """The commit, or the object store's bare URL (user text: escaped, not in a code span)."""
    if origin.source is not None:
        return markdown_text(origin.source.url, one_line=True)
    return f"commit `{origin.git.commit or 'unknown'}`"


def _license_text(meta: DatasetMetadata) -> str:
    if meta.license is None:
        return "none given (ask the maintainers before reuse)"
    title = meta.license.get("title")
    name = meta.license["name"]
    return f"{name}: {title}" if title else name
