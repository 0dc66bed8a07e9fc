"""Dataset metadata: what the card and croissant.json claim, checked ids, escaped user text."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from newsdata.cli import cli
from newsdata.release.card import card_markdown, hub_license
from newsdata.release.metadata import DATASET_KEYS, DatasetMetadata, load_metadata
from newsdata.release.provenance import GitState, Origin
from newsdata.release.stats import ReleaseStats
from newsdata.schema import table_schema
from tests.conftest import ROOT
from tests.factory import article, data_repo

_ORIGIN = Origin(GitState("abc123", False, None))

QUOTED_X = '"x"'
LINKNAIJA = "LinkNaija | Nigeria's Latest News"

#: Publication names that are markdown if not escaped: tables, emphasis, code, links, HTML,
#: entities, headings, lists, escapes of escapes.
TRICKY_NAMES = [
    LINKNAIJA,
    "A | B | C",
    "a\\|b",
    "back\\slash\\",
    "`code` and *stars* and _under_ and ~~strike~~",
    "[link](https://example.org) ![image](x.png)",
    "<b>bold</b> &amp; &copy; <https://example.org>",
    "# not a heading #",
    "- not a list",
    "+ not a list",
    "> not a quote",
    "1. not a list",
    "2) not a list",
    "===",
    "---",
    "$x^2$ costs $5",
    "Le Monde | 世界 | 日本経済新聞",
]


def _card_body(markdown: str) -> str:
    """The card without its YAML front matter."""
    return markdown.split("---\n", 2)[2]


def _front_matter(markdown: str) -> dict[str, object]:
    front = yaml.safe_load(markdown.split("---\n", 2)[1])
    assert isinstance(front, dict)
    return front


def _cell_text(inline: Token) -> str:
    """The text a cell renders to: escapes resolved, `<br>` as a line break.

    Markup (emphasis, links, HTML) adds no text, so markup made of user text shows as a text
    that differs from the original.
    """
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "html_inline" and child.content == "<br>":
            parts.append("\n")
    return "".join(parts)


def _tables(markdown: str) -> dict[str, list[list[str]]]:
    """Every table of a markdown text, by its first header cell: rows of cell texts."""
    tables: dict[str, list[list[str]]] = {}
    rows: list[list[str]] = []
    in_cell = False
    for token in MarkdownIt("commonmark").enable("table").parse(markdown):
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "inline" and in_cell:
            rows[-1].append(_cell_text(token))
        elif token.type == "table_close":
            tables[rows[0][0]] = rows
    return tables


def _card(publications: list[str], title: str = "Test news") -> str:
    stats = ReleaseStats(
        articles=len(publications),
        words=100,
        first=dt.date(2013, 4, 6),
        last=dt.date(2013, 4, 6),
        publications=Counter(publications),
        years=Counter({2013: len(publications)}),
    )
    meta = DatasetMetadata(name="test-news", title=title, description="d", license=None)
    fields = table_schema()["fields"]
    return card_markdown(meta, "1.0.0", stats, fields, "2026-01-01T00:00:00Z", _ORIGIN, 0)


def _package(root: Path, dataset: str, publication: str = "The Moscow Times") -> str:
    """`newsdata package` in a fresh data repository; its output (exit 0 asserted)."""
    texts = [article(n).replace("The Moscow Times", publication) for n in range(3)]
    data_repo(root, f'[tool.newsdata.dataset]\nname = "test-news"\n{dataset}', texts)
    result = CliRunner().invoke(
        cli, ["package", "--version", "1.0", "--no-cache", "--out", str(root / "dist")]
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return root


# Language


def test_unconfigured_language_is_not_claimed(in_tmp: Path) -> None:
    _package(in_tmp, 'license = "CC-BY-4.0"\n')
    release = in_tmp / "dist" / "test-news-1.0.0"
    assert "language" not in _front_matter((release / "README.md").read_text("utf-8"))
    croissant = json.loads((release / "croissant.json").read_text("utf-8"))
    assert "inLanguage" not in croissant


def test_configured_languages_are_in_card_and_croissant(in_tmp: Path) -> None:
    output = _package(in_tmp, 'license = "CC-BY-4.0"\nlanguage = ["zh-Hant", "ja"]\n')
    warnings = [line for line in output.splitlines() if line.startswith("warning:")]
    assert [w for w in warnings if "no previous release" not in w] == []
    release = in_tmp / "dist" / "test-news-1.0.0"
    assert _front_matter((release / "README.md").read_text("utf-8"))["language"] == [
        "zh-Hant",
        "ja",
    ]
    croissant = json.loads((release / "croissant.json").read_text("utf-8"))
    assert croissant["inLanguage"] == ["zh-Hant", "ja"]


def test_an_invalid_language_tag_warns_on_screen(in_tmp: Path) -> None:
    output = _package(in_tmp, 'license = "MIT"\nlanguage = ["en", "english", "en_US"]\n')
    assert "warning: [tool.newsdata.dataset] language 'english' is not a BCP 47" in output
    assert "language 'en_US' is not a BCP 47" in output and "did you mean 'en-US'" in output
    assert "language 'en' " not in output


@pytest.mark.parametrize("code", ["en", "zh", "ja", "zh-Hant", "pt-BR", "yue", "sr-Latn"])
def test_valid_language_tags_do_not_warn(tmp_path: Path, code: str) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.newsdata.dataset]\nlicense = "MIT"\nlanguage = ["{code}"]\n'
    )
    assert load_metadata(tmp_path).warnings == ()


# License


def test_an_unknown_license_warns_on_screen(in_tmp: Path) -> None:
    output = _package(in_tmp, 'license = "NOT-A-LICENSE"\n')
    assert "warning: [tool.newsdata.dataset] license 'NOT-A-LICENSE' is not an SPDX" in output
    front = _front_matter((in_tmp / "dist" / "test-news-1.0.0" / "README.md").read_text("utf-8"))
    assert front["license"] == "other"


@pytest.mark.parametrize(
    "license_",
    [
        '"MIT"',
        '"CC-BY-4.0"',
        '"CC-BY-4.0 OR MIT"',
        '"Apache-2.0 WITH LLVM-exception"',
        '"LicenseRef-publishers"',
        '{ name = "other", title = "Texts remain the publishers\' property" }',
        '{ name = "CC-BY-SA-4.0", path = "https://creativecommons.org/licenses/by-sa/4.0/" }',
    ],
)
def test_spdx_licenses_and_other_do_not_warn(tmp_path: Path, license_: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.newsdata.dataset]\nlicense = {license_}\n")
    assert load_metadata(tmp_path).warnings == ()


@pytest.mark.parametrize(
    ("name", "hub"),
    [
        ("CC-BY-4.0", "cc-by-4.0"),
        ("mit", "mit"),
        ("Apache-2.0", "apache-2.0"),
        ("CC-BY-4.0 OR MIT", "other"),
        ("LicenseRef-publishers", "other"),
        ("other", "other"),
        ("NOT-A-LICENSE", "other"),
    ],
)
def test_hub_license_id(name: str, hub: str) -> None:
    assert hub_license({"name": name}) == hub


def test_no_license_is_unknown_on_the_hub() -> None:
    assert hub_license(None) == "unknown"


# Escaped user text


@pytest.mark.parametrize("name", TRICKY_NAMES)
def test_publication_names_render_as_written_in_the_card_table(name: str) -> None:
    card = _card([name, "Other"])
    table = _tables(_card_body(card))["publication"]
    assert all(len(row) == 2 for row in table), table
    assert sorted(row[0] for row in table[1:]) == sorted([name, "Other"])


#: Markdown's punctuation, blanks, letters in several scripts, and any other printable character.
_NAME_CHARS = st.sampled_from(list("\\`*_[]<>&|~#$!()-+=.:;'\"{} \tab1é世")) | st.characters(
    blacklist_categories=("Cc", "Cs", "Zl", "Zp")
)


@given(st.text(_NAME_CHARS, min_size=1).map(str.strip).filter(bool))
def test_any_one_line_name_renders_as_written(name: str) -> None:
    # Stripped: a cell's outer blanks are not its text (markdown trims them).
    table = _tables(_card_body(_card([name, "Other"])))["publication"]
    assert all(len(row) == 2 for row in table), table
    assert sorted(row[0] for row in table[1:]) == sorted([name, "Other"])


def test_a_line_break_in_a_name_stays_in_its_cell() -> None:
    table = _tables(_card_body(_card(["two\nlines", "x\r\ny"])))["publication"]
    assert [row[0] for row in table[1:]] == ["two\nlines", "x\ny"]
    assert all(len(row) == 2 for row in table)


def test_every_card_table_keeps_its_columns() -> None:
    tables = _tables(_card_body(_card(TRICKY_NAMES)))
    assert set(tables) == {"file", "publication", "year", "column"}
    for rows in tables.values():
        assert len({len(row) for row in rows}) == 1, rows
    assert [row[0] for row in tables["column"][1:]] == [
        str(field["name"]) for field in table_schema()["fields"]
    ]


@pytest.mark.parametrize("title", ["News | Views", "# *Not* `code` <b>", "C# & F#"])
def test_title_renders_as_written_in_heading_and_front_matter(title: str) -> None:
    card = _card(["x"], title=title)
    heading = next(
        t for t in MarkdownIt("commonmark").parse(_card_body(card)) if t.type == "inline"
    )
    assert _cell_text(heading) == f"{title} 1.0.0"
    assert _front_matter(card)["pretty_name"] == title


def test_a_real_release_card_keeps_a_name_with_a_pipe(in_tmp: Path) -> None:
    _package(in_tmp, 'license = "CC-BY-4.0"\n', publication=LINKNAIJA)
    card = (in_tmp / "dist" / "test-news-1.0.0" / "README.md").read_text("utf-8")
    assert _tables(_card_body(card))["publication"][1:] == [[LINKNAIJA, "3"]]


def test_keywords_are_yaml_strings_whatever_they_hold() -> None:
    meta = DatasetMetadata(
        name="x", title="X", description="d", license=None, keywords=("a: b", "#c", "- d")
    )
    stats = ReleaseStats(articles=1, first=dt.date(2013, 1, 1), last=dt.date(2013, 1, 1))
    card = card_markdown(meta, "1.0.0", stats, [], "2026-01-01T00:00:00Z", _ORIGIN, 0)
    assert _front_matter(card)["tags"] == ["a: b", "#c", "- d"]


# Documentation


def _readme_dataset_keys() -> list[str]:
    """The first column of the README's table of [tool.newsdata.dataset] keys."""
    rows = _tables((ROOT / "README.md").read_text("utf-8"))["key"]
    return [row[0] for row in rows[1:]]


def test_readme_documents_every_dataset_key() -> None:
    assert sorted(_readme_dataset_keys()) == sorted(DATASET_KEYS)


def test_every_documented_key_is_accepted(tmp_path: Path) -> None:
    values = {"contributors": "[]", "keywords": "[]", "language": "[]"}
    table = "".join(f"{key} = {values.get(key, QUOTED_X)}\n" for key in _readme_dataset_keys())
    (tmp_path / "pyproject.toml").write_text(f"[tool.newsdata.dataset]\n{table}")
    load_metadata(tmp_path)
