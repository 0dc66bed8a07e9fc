"""Truths declared once and read everywhere: unspaced scripts, rule docs, formats, doc links."""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdata.check.similarity import words
from newsdata.cli import cli
from newsdata.config import load_settings
from newsdata.errors import ConfigError, UsageError
from newsdata.release.metadata import load_metadata
from newsdata.root import find_root
from newsdata.rules.publication import looks_like_sentence
from newsdata.scaffold import init_repository
from newsdata.words import count_words
from tests.conftest import ROOT

# One letter of each script written without spaces (Thai, Lao, Myanmar, Khmer, hiragana,
# katakana, Han: extension A, unified, compatibility, extension B).
UNSPACED_SAMPLES = ["ก", "ກ", "က", "ក", "あ", "ア", "㐀", "日", "\uf900", "𠀀"]


@pytest.mark.parametrize("character", UNSPACED_SAMPLES)
def test_an_unspaced_character_is_one_word_everywhere(character: str) -> None:
    text = character * 30
    assert count_words(text) == 30  # word counting (ND601 and friends)
    assert len(words(text)) == 30  # shingling for near-duplicates (ND903)
    assert looks_like_sentence(text)  # the publication check: 30 characters read as a sentence
    assert not looks_like_sentence(character * 6)


def test_the_samples_cover_every_range() -> None:
    from newsdata.words import UNSPACED_RANGES

    for low, high in UNSPACED_RANGES:
        assert any(low <= ord(c) <= high for c in UNSPACED_SAMPLES), hex(low)


@pytest.mark.parametrize("text", ["한국일보 뉴스", "Ελληνικά νέα", "plain words"])
def test_spaced_scripts_are_not_unspaced(text: str) -> None:
    assert count_words(text) == 2
    assert len(words(text)) == 2


def _broken_pyproject(folder: Path, text: str = "[tool.newsdata\nselect = 1\n") -> Path:
    (folder / "pyproject.toml").write_text(text, encoding="utf-8")
    return folder


def test_every_reader_of_pyproject_says_the_same_about_a_broken_one(tmp_path: Path) -> None:
    """Settings, the dataset's metadata and `init` read pyproject.toml through one reader."""
    folder = _broken_pyproject(tmp_path)
    messages = []
    for read in (load_settings, load_metadata):
        with pytest.raises(ConfigError) as caught:
            read(folder)
        messages.append(str(caught.value))
    with pytest.raises(UsageError) as refused:
        init_repository(folder)
    assert messages[0] == messages[1] == str(refused.value).removesuffix(": fix it first")
    assert "is not valid TOML" in messages[0]


def test_a_tool_key_that_is_not_a_table_is_no_newsdata_table(tmp_path: Path) -> None:
    folder = _broken_pyproject(tmp_path, 'tool = "newsdata"\n')
    assert find_root(folder) == folder.resolve()  # no .git above tmp: the start
    assert load_metadata(folder).name  # defaults, no error
    with pytest.raises(UsageError, match="add them yourself"):
        init_repository(folder)  # appending [tool.newsdata] would break the file


def _rule_sections() -> dict[str, str]:
    """docs/rules.md's section of each rule: what follows its `name, default severity` line."""
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    sections = {}
    for chunk in re.split(r"\n### ", text)[1:]:
        code, _, rest = chunk.partition("\n\n")
        body = rest.partition("\n\n")[2]  # after "`name`, default severity **...**."
        sections[code] = re.split(r"\n## ", body)[0]
    return sections


def test_newsdata_rules_code_shows_the_rule_s_section_of_the_docs() -> None:
    from newsdata.rules import builtin_rules

    sections = _rule_sections()
    assert set(sections) == {rule.code for rule in builtin_rules()}
    for code, section in sections.items():
        result = CliRunner().invoke(cli, ["rules", code])
        assert result.exit_code == 0
        assert section.strip() in result.output, code


def _doc_references() -> set[tuple[str, str]]:
    """(file, docs path) for every docs/*.md or docs/*.json named in the code or the README,
    and every relative link between the docs."""
    found = set()
    for path in [*(ROOT / "src").rglob("*.py"), ROOT / "README.md", *(ROOT / "bench").rglob("*")]:
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            for name in re.findall(r"\bdocs/[\w./-]+\.(?:md|json)\b", text):
                found.add((path.name, name))
    for path in (ROOT / "docs").glob("*.md"):
        prose = re.sub(r"`[^`]*`", "", path.read_text(encoding="utf-8"))  # no code spans
        for link in re.findall(r"\]\((?![a-z]+:)([^)#\s]+)", prose):
            found.add((path.name, f"docs/{link}"))
    return found


def test_every_docs_reference_exists() -> None:
    references = _doc_references()
    assert ("README.md", "docs/reports.md") in references  # the search finds what it should
    missing = sorted(
        (where, name) for where, name in references if not (ROOT / name).resolve().exists()
    )
    assert missing == []


def test_every_report_format_is_offered_and_documented() -> None:
    from newsdata.report import FORMATS

    validate = cli.commands["validate"]
    choices = next(p.type for p in validate.params if p.name == "fmt")
    assert tuple(getattr(choices, "choices", ())) == tuple(FORMATS)
    reports = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    for name in FORMATS:
        assert f"## `{name}`" in reports, name


@given(st.lists(st.binary(max_size=64), min_size=1, max_size=6))
@settings(max_examples=50, deadline=None)
def test_remembered_file_facts_are_the_file_s_facts(versions: list[bytes]) -> None:
    """file_facts (remembered per file version) answers as read_facts and hashlib would, for
    every content one path holds in turn."""
    from newsdata.release.descriptor import file_facts, read_facts

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        for content in versions:
            path.write_bytes(content)
            expected = (len(content), hashlib.sha256(content).hexdigest())
            assert file_facts(path) == read_facts(path) == expected
            assert file_facts(path) == expected  # asked again: the remembered answer


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    st.dictionaries(
        st.text("abcdefg", max_size=6),  # the top-level keys are newsdata's own names
        _JSON_VALUES | st.lists(st.dictionaries(st.text(max_size=3), _JSON_VALUES), max_size=30),
        min_size=1,  # a release's JSON files are never empty objects
        max_size=4,
    )
)
@settings(max_examples=100, deadline=None)
def test_release_json_layout_holds_what_plain_json_holds(data: dict[str, object]) -> None:
    """provenance.json's layout (long lists of objects one object per line) is plain JSON:
    it reads back as the data, and without a long list it is json.dumps(indent=2) itself."""
    from newsdata.release.build import _write_json

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "provenance.json"
        _write_json(path, data)
        text = path.read_text(encoding="utf-8")
    assert json.loads(text) == data
    long_lists = [v for v in data.values() if isinstance(v, list) and len(v) > 20]
    if not any(all(isinstance(x, dict) for x in v) for v in long_lists):
        assert text == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
