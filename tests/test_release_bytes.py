"""A release's bytes stay the same for the same corpus, commit and SOURCE_DATE_EPOCH.

The golden values below were recorded from the code as it stood before the release manifest
(issue 13), and recorded again when the inputs moved from provenance.json to inputs.parquet
(issue 15: the data files, CHANGELOG.md and croissant.json kept their bytes). A few bytes
depend on the libraries, not on newsdata: Parquet's footers name the pyarrow that wrote them,
provenance.json names the versions, the files that list those files' SHA-256 change with
them, and zlib's version shapes the zip's deflated entries. So:

- with the libraries the golden values were recorded with (GOLDEN_VERSIONS), every file and
  the zip must match exactly;
- with any libraries, every file must match once those library-made bytes are set aside
  (Parquet compared by schema, key-value metadata, row groups and rows; the JSON files with
  the versions and the two hashes blanked), and the zip must hold exactly the release's files,
  byte for byte, in the recorded order, with the recorded timestamps, modes and methods.

Run this module as a script (`python -m tests.test_release_bytes`) to print the values for
the libraries installed, e.g. to add a set for a new pyarrow after checking the change.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from newsdata.check.pipeline import RunOptions
from newsdata.release import build_release
from tests.factory import DATASET_PYPROJECT, article, data_repo

_EPOCH = "1700000000"
_COMMIT_DATE = "2023-11-14T22:13:20+00:00"
_FOLDER = "test-news-1.2.3"

GOLDEN_VERSIONS: dict[str, str] = {
    "newsdata": "0.1.0",
    "python": "3.11.7",
    "pyarrow": "26.0.1",
    "pydantic": "2.14.4",
    "zlib": "1.2.13",
}
#: SHA-256 of each file of the release folder, and of the zip (key "zip").
GOLDEN_EXACT: dict[str, str] = {
    "CHANGELOG.md": "6b976da9c6a897e33f68f757b77e25d85923637049d3664a1b4f03c33de172d2",
    "README.md": "6c948bf9e7fccb73f178d1750db732a5539aa7e23bb73030590698c85babdfa3",
    "croissant.json": "e5e0c76bfa53d296e410e739b02610d87194903b9eccd4b3c4ae9119b3e1d9f7",
    "data/articles.csv": "d91c66a66a4d04408192b6ad504c990998792fe544a09115bdd43afe2098fd99",
    "data/articles.parquet": "706757f6a7401b7c134666817584a5d787605ac4a2252eb8e2b0ab42c213424b",
    "datapackage.json": "8527574042f1367c1dc0c3d386cf6f82be81870cf3698999f876f48d5ad22141",
    "inputs.parquet": "068bb5106405c5c2cd4b86e222096d86c0fcf1fc675f3178ab034804de703b0c",
    "provenance.json": "f3d5a64e4cb3e8c275d9330e73d756a6dd6e5e343d510aa49a57faef6e4656c4",
    "zip": "7b171a2270402b1d3cd31fe6e246156814c1f38a2e8c6ea7d220e9ee249a8cc8",
}
#: SHA-256 of each file with the library-made bytes set aside (see _neutral).
GOLDEN_NEUTRAL: dict[str, str] = {
    "CHANGELOG.md": "6b976da9c6a897e33f68f757b77e25d85923637049d3664a1b4f03c33de172d2",
    "README.md": "6c948bf9e7fccb73f178d1750db732a5539aa7e23bb73030590698c85babdfa3",
    "croissant.json": "c338b28027c5bf5e36148c2cb633a1f9f65619f8f9d66ffb0ae62c710bce34dd",
    "data/articles.csv": "d91c66a66a4d04408192b6ad504c990998792fe544a09115bdd43afe2098fd99",
    "data/articles.parquet": "63e523cb553235c45d458d03e9476c5f31b571455d9a2b9d2aeaba1ef80653ec",
    "datapackage.json": "70e439dd77c55a42a92abcc1ca4949fce31bd033d28963a966b6bad75480c4a3",
    "inputs.parquet": "58443ff7f50e6e0ec2de5bbbed7f70c4f9e3b24324d93fec7b2b5d3e488cb782",
    "provenance.json": "47585ae31ef69c07a250e4b5a0e492e6954a748068bce72efebdb27255e83c84",
}
#: The zip's entries, in order: (name, date_time, external_attr, compress_type).
GOLDEN_ENTRIES: list[tuple[str, tuple[int, ...], int, int]] = [
    ("test-news-1.2.3/data/articles.csv", (2023, 11, 14, 22, 13, 20), 2175008768, 0),
    ("test-news-1.2.3/data/articles.parquet", (2023, 11, 14, 22, 13, 20), 2175008768, 0),
    ("test-news-1.2.3/CHANGELOG.md", (2023, 11, 14, 22, 13, 20), 2175008768, 8),
    ("test-news-1.2.3/README.md", (2023, 11, 14, 22, 13, 20), 2175008768, 8),
    ("test-news-1.2.3/croissant.json", (2023, 11, 14, 22, 13, 20), 2175008768, 8),
    ("test-news-1.2.3/datapackage.json", (2023, 11, 14, 22, 13, 20), 2175008768, 8),
    ("test-news-1.2.3/inputs.parquet", (2023, 11, 14, 22, 13, 20), 2175008768, 0),
    ("test-news-1.2.3/provenance.json", (2023, 11, 14, 22, 13, 20), 2175008768, 8),
]


def _versions() -> dict[str, str]:
    import pyarrow
    import pydantic

    import newsdata

    return {
        "newsdata": newsdata.__version__,
        "python": platform.python_version(),
        "pyarrow": pyarrow.__version__,
        "pydantic": pydantic.VERSION,
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
    }


def _build(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    # A fixed commit time makes the commit id (named in the card and provenance) fixed too.
    monkeypatch.setenv("GIT_AUTHOR_DATE", _COMMIT_DATE)
    monkeypatch.setenv("GIT_COMMITTER_DATE", _COMMIT_DATE)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _EPOCH)
    repo = data_repo(tmp / "repo", DATASET_PYPROJECT, [article(n) for n in range(12)])
    options = RunOptions(use_cache=False, jobs=1)
    release = build_release("1.2.3", repo / "dist", options=options, root=repo)
    return release.path, release.zip_path


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _exact(folder: Path, archive: Path) -> dict[str, str]:
    found = {
        p.relative_to(folder).as_posix(): _sha(p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    return {**found, "zip": _sha(archive.read_bytes())}


def _neutral(folder: Path) -> dict[str, str]:
    """Each file's SHA-256 with what the libraries' versions decide set aside."""
    import pyarrow.parquet as pq

    found: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".parquet":
            parquet = pq.ParquetFile(path)
            meta = parquet.metadata
            facts = {
                "schema": str(parquet.schema_arrow),
                "metadata": {k.decode(): v.decode() for k, v in (meta.metadata or {}).items()},
                "groups": [meta.row_group(g).num_rows for g in range(meta.num_row_groups)],
                "rows": parquet.read().to_pylist(),
            }
            found[name] = _sha(json.dumps(facts, sort_keys=True, default=str).encode())
        elif path.suffix == ".json":
            blanked = _blank(json.loads(path.read_bytes()))  # keys stay in their order
            found[name] = _sha(json.dumps(blanked, ensure_ascii=False).encode())
        else:
            found[name] = _sha(path.read_bytes())
    return found


#: Files whose bytes hold a library's version: their sizes and hashes are blanked where listed.
_VERSIONED = {"data/articles.parquet", "inputs.parquet", "provenance.json"}


def _blank(document: Any) -> Any:
    if isinstance(document, dict):
        if "tool" in document:  # provenance.json: the versions
            document["tool"] = {"name": document["tool"].get("name")}
        named = document.get("path", document.get("contentUrl"))
        if named in _VERSIONED:
            for key in ("bytes", "hash", "sha256", "contentSize"):
                if key in document:
                    document[key] = "?"
        return {key: _blank(value) for key, value in document.items()}
    if isinstance(document, list):
        return [_blank(item) for item in document]
    return document


def _entries(archive: Path) -> list[tuple[str, tuple[int, ...], int, int]]:
    with zipfile.ZipFile(archive) as opened:
        return [
            (i.filename, tuple(i.date_time), i.external_attr, i.compress_type)
            for i in opened.infolist()
        ]


def test_a_release_is_byte_identical_to_the_recorded_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, archive = _build(tmp_path, monkeypatch)
    assert folder.name == _FOLDER
    assert _neutral(folder) == GOLDEN_NEUTRAL
    assert _entries(archive) == GOLDEN_ENTRIES
    with zipfile.ZipFile(archive) as opened:
        for name in opened.namelist():
            inside = name.removeprefix(f"{_FOLDER}/")
            assert opened.read(name) == (folder / inside).read_bytes(), inside
    if _versions() == GOLDEN_VERSIONS:
        assert _exact(folder, archive) == GOLDEN_EXACT


def _print_golden(tmp: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        folder, archive = _build(tmp, patch)
        for name, value in (
            ("GOLDEN_VERSIONS", _versions()),
            ("GOLDEN_EXACT", _exact(folder, archive)),
            ("GOLDEN_NEUTRAL", _neutral(folder)),
            ("GOLDEN_ENTRIES", _entries(archive)),
        ):
            print(f"{name} = {value!r}")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        _print_golden(Path(scratch))
    sys.exit(0)
