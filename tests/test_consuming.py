"""Reading releases: newsdata.open, newsdata info, Hugging Face, and docs/consuming.md, run."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsdata
from newsdata.check.pipeline import RunOptions
from newsdata.cli import cli
from newsdata.errors import ReleaseError
from newsdata.release import build_release
from tests.conftest import ROOT
from tests.factory import article, data_repo

PYPROJECT = '[tool.newsdata.dataset]\nname = "newsdata-sample"\nlicense = "CC-BY-4.0"\n'


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real release of six long articles, built once for this module: its CSV is larger than
    the 1 MB blocks readers read CSV in, with line breaks inside quoted cells across block
    boundaries (a reader that mishandles them fails here)."""
    texts = [_long(article(number), number) for number in range(6)]
    texts[2] = texts[2].replace("By [Jane Doe](#)", "By [Jane Doe](#) and [Ann Poe](#)")
    root = data_repo(tmp_path_factory.mktemp("repo"), PYPROJECT, texts)
    built = build_release(
        "1.0", root / "dist", options=RunOptions(use_cache=False, jobs=1), root=root
    )
    return built.path


def _long(text: str, number: int) -> str:
    filler = "\n\n".join(f"Paragraph {k} of story {number}, with words in it." for k in range(4000))
    return text.replace("Original url:", f"{filler}\n\nOriginal url:")


def test_the_release_csv_spans_several_read_blocks(release: Path) -> None:
    assert (release / "data" / "articles.csv").stat().st_size > 2**20


@pytest.mark.parametrize("kind", ["folder", "zip", "datapackage.json"])
def test_open_every_kind_of_path(release: Path, kind: str) -> None:
    path = {
        "folder": release,
        "zip": release.parent / f"{release.name}.zip",
        "datapackage.json": release / "datapackage.json",
    }[kind]
    with newsdata.open(path) as dataset:
        assert dataset.version == "1.0.0"
        assert len(dataset) == 6
        records = list(dataset)
        assert [r.id for r in records] == sorted(r.id for r in records)
        assert dataset[records[3].id] == records[3]
        assert dataset.get("0" * 16) is None
        assert dataset.provenance["counts"]["articles"] == 6
        assert dataset.to_arrow().num_rows == 6
        assert dataset.to_pandas().shape == (6, 10)
        assert dataset.to_polars().shape == (6, 10)


def test_open_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match="does not exist"):
        newsdata.open(tmp_path / "nothing")


def test_open_a_tampered_resource_names_it(release: Path, tmp_path: Path) -> None:
    copy = tmp_path / release.name
    shutil.copytree(release, copy)
    csv = copy / "data" / "articles.csv"
    csv.write_bytes(csv.read_bytes().replace(b"Jane Doe", b"Jane Dough", 1))
    with pytest.raises(ReleaseError, match=r"data/articles\.csv: .*differs"):
        newsdata.open(copy)
    assert len(newsdata.open(copy, verify=False)) == 6


def test_open_a_release_with_a_newer_major_schema(release: Path, tmp_path: Path) -> None:
    copy = tmp_path / release.name
    shutil.copytree(release, copy)
    descriptor = json.loads((copy / "datapackage.json").read_text())
    descriptor["newsdata"]["schemaVersion"] = "2.0.0"
    (copy / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(ReleaseError, match=r"record schema 2\.0\.0.*upgrade newsdata"):
        newsdata.open(copy, verify=False)


def test_open_a_folder_that_is_not_a_release(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match="not a newsdata release"):
        newsdata.open(tmp_path, verify=False)


def test_info_text_and_json(release: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(cli, ["info", str(release)])
    assert text.exit_code == 0, text.output
    assert "newsdata-sample 1.0.0" in text.output
    assert "articles         6" in text.output
    data = json.loads(runner.invoke(cli, ["info", str(release), "--format", "json"]).output)
    assert data["articles"] == 6
    assert data["first_published"] == data["last_published"] == "2013-04-06"
    assert data["publications"] == [{"name": "The Moscow Times", "articles": 6}]
    assert data["provenance"]["inputs"] == 6
    missing = runner.invoke(cli, ["info", str(release.parent / "nope")])
    assert missing.exit_code == 2 and missing.output.startswith("Error:")


def test_info_text_is_the_librarys_rendering_of_release_info(release: Path) -> None:
    from newsdata.dataset import info_text, release_info

    with newsdata.open(release) as dataset:
        facts = release_info(dataset)
    text = info_text(facts)
    assert text.splitlines()[3] == f"  articles         6 ({facts['words']} words)"
    assert CliRunner().invoke(cli, ["info", str(release)]).output == text + "\n"
    # An unverified release's provenance may not count its warnings.
    facts["provenance"]["warnings"] = None
    assert ", ? warnings" in info_text(facts)


def test_card_front_matter_is_what_the_hub_reads(release: Path) -> None:
    import yaml

    text = (release / "README.md").read_text()
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["configs"] == [
        {
            "config_name": "default",
            "data_files": [{"split": "train", "path": "data/articles.parquet"}],
        }
    ]
    assert front["license"] == "cc-by-4.0"
    assert front["size_categories"] == ["n<1K"]
    assert "language" not in front and front["pretty_name"]  # none configured: none claimed


def test_hugging_face_datasets_loads_rows_offline(
    release: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import datasets

    ds = datasets.load_dataset(
        "parquet",
        data_files=str(release / "data" / "articles.parquet"),
        split="train",
        cache_dir=str(tmp_path / "cache"),
    )
    assert ds.num_rows == 6
    assert ds.features["published"].dtype == "date32"
    assert ds.features["word_count"].dtype == "int64"
    authors = ds.features["authors"]
    assert getattr(authors, "feature", None) is not None and authors.feature.dtype == "string"
    assert sorted(len(a) for a in ds["authors"]) == [1, 1, 1, 1, 1, 2]


def _recipes() -> list[str]:
    text = (ROOT / "docs" / "consuming.md").read_text("utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_docs_have_a_recipe_per_tool() -> None:
    joined = "\n".join(_recipes())
    for tool in (
        "import newsdata",
        "import pandas",
        "import polars",
        "import duckdb",
        "import datasets",
        "import frictionless",
        "import csv",
        "zipfile",
    ):
        assert tool in joined


@pytest.mark.parametrize("index", range(len(_recipes())))
def test_docs_recipe_runs(
    release: Path, tmp_path: Path, index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.chdir(tmp_path)
    # The recipes' own path (make run's preview), here a release with multi-line cells across
    # the CSV readers' blocks; tests/test_doc_blocks.py runs them on the preview itself.
    (tmp_path / "preview").mkdir()
    (tmp_path / "preview" / release.name).symlink_to(release)
    (tmp_path / "preview" / f"{release.name}.zip").symlink_to(
        release.parent / f"{release.name}.zip"
    )
    code = _recipes()[index]
    exec(compile(code, f"docs/consuming.md recipe {index + 1}", "exec"), {})
