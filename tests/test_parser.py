"""The raw-layout parser: round trips, hostile bytes, and the layout's accepted variations."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdata.articles import parse, render
from newsdata.check.rawtext import (
    _BYLINE,
    _URL_SECTION,
    _date_status,
    parse_authors,
    parse_date,
    parse_text,
    split_blocks,
)
from newsdata.model import Article
from tests.conftest import CLEAN_ARTICLE, SEED

_TEXT = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))


def _one_line(max_size: int = 80) -> st.SearchStrategy[str]:
    return (
        st.text(_TEXT, min_size=1, max_size=max_size)
        .map(str.strip)
        .filter(lambda s: bool(s) and "\n" not in s)
    )


# A title that reads as a byline or a date is read as one: the layout cannot tell them apart
# (documented in docs/raw-format.md), so generated titles avoid that shape.
titles = _one_line().filter(
    lambda s: not _BYLINE.match(s) and _date_status(s) is None and not _URL_SECTION.match(s)
)
paragraphs = st.lists(_one_line(120), min_size=1, max_size=3).map("\n".join)
bodies = st.lists(paragraphs, min_size=1, max_size=5).map("\n\n".join)
urls = st.from_regex(
    r"https?://[a-z0-9]{1,12}\.[a-z]{2,6}(/[A-Za-z0-9._~-]{1,12}){0,4}/?", fullmatch=True
)
articles = st.builds(
    dict,
    title=titles,
    authors=st.lists(_one_line(40), max_size=4),
    published=st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)),
    publication=_one_line(100),
    url=urls,
    body=bodies,
)


def _article(fields: dict[str, object], text: str) -> Article:
    import hashlib

    return Article.create(
        **fields,  # type: ignore[arg-type]
        source_path="a.txt",
        source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


@given(articles)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_parse_of_render_gives_back_the_article(fields: dict[str, object]) -> None:
    draft = _article(fields, "")
    text = render(draft)
    article = _article(fields, text)
    parsed, _ = parse(text.encode("utf-8"), path="a.txt")
    assert parsed == article


@given(st.binary(max_size=4000))
@settings(max_examples=300)
def test_any_bytes_never_raise(data: bytes) -> None:
    article, diagnostics = parse(data)
    assert article is None or isinstance(article, Article)
    assert all(d.code.startswith("ND") for d in diagnostics)


@given(st.text(max_size=3000))
@settings(max_examples=300)
def test_any_text_never_raises(text: str) -> None:
    article, diagnostics = parse(text.encode("utf-8"))
    assert article is None or article.body.strip()
    assert all(d.line is None or d.line >= 1 for d in diagnostics)


def test_seed_parses_into_its_fields() -> None:
    article, diagnostics = parse(SEED.read_bytes(), path="seed.txt")
    assert article is not None
    assert article.title == "Putin Urges Peace Talks to End Syria 'Massacre'"
    assert article.authors == ["The Moscow Times"]
    assert article.published == dt.date(2013, 4, 6)
    assert article.publication == "The  Moscow Times"
    assert article.url.startswith("https://www.themoscowtimes.com/2013/04/06/")
    assert len(article.paragraphs) == 13
    assert article.word_count == 408
    assert {d.code for d in diagnostics} == {"ND601", "ND602"}


@pytest.mark.parametrize(
    ("variant", "transform"),
    [
        ("crlf", lambda t: t.replace("\n", "\r\n")),
        ("bom", lambda t: "\ufeff" + t),
        ("leading and trailing blank lines", lambda t: "\n\n\n" + t + "\n\n\n"),
        ("trailing spaces", lambda t: t.replace("\n", "  \n")),
        ("bare url", lambda t: t.replace("<https", "https").replace("a23012>", "a23012")),
        ("several blank lines", lambda t: t.replace("\n\n", "\n\n\n\n")),
        ("no final newline", lambda t: t.rstrip("\n")),
    ],
)
def test_accepted_variations_parse_to_the_same_record(variant: str, transform: object) -> None:
    assert callable(transform)
    reference, _ = parse(CLEAN_ARTICLE.encode())
    article, diagnostics = parse(transform(CLEAN_ARTICLE).encode("utf-8"))
    assert reference is not None and article is not None, variant
    assert article.model_dump(exclude={"source_sha256"}) == reference.model_dump(
        exclude={"source_sha256"}
    )
    assert diagnostics == [], variant


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By [The Moscow Times](#)", ["The Moscow Times"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("By [A](#), [B](#) and [C](#)", ["A", "B", "C"]),
        ("By Jane Doe, John Roe, and Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"]),
        ('By [Amanda "Tania Mae" Tan](#)', ['Amanda "Tania Mae" Tan']),
        ("By [Lauren del Valle](#), [Dana A. Ford](#)", ["Lauren del Valle", "Dana A. Ford"]),
        (r"By [A \[x\] B](#)", ["A [x] B"]),
        ("By [Jane Doe](https://en.wikipedia.org/wiki/Jane_(writer))", ["Jane Doe"]),
        ("By", []),
    ],
)
def test_bylines(byline: str, authors: list[str]) -> None:
    assert parse_authors(byline) == authors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("April 06, 2013", dt.date(2013, 4, 6)),
        ("April 6, 2013", dt.date(2013, 4, 6)),
        ("2013-04-06", dt.date(2013, 4, 6)),
        ("Apr 6, 2013", dt.date(2013, 4, 6)),
        ("6 April 2013", dt.date(2013, 4, 6)),
        ("February 30, 2013", None),
        ("Smarch 3, 2013", None),
    ],
)
def test_dates(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


def test_header_fields_on_consecutive_lines_are_still_read() -> None:
    text = "Title here\nBy Jane Doe\nApril 06, 2013\nThe Moscow Times\n\nBody text.\n\n"
    doc = parse_text(text + "Original url:\n\n<https://themoscowtimes.com/a>\n")
    assert doc.title is not None and doc.title.text == "Title here"
    assert doc.authors == ["Jane Doe"]
    assert doc.published == dt.date(2013, 4, 6)
    assert doc.publication is not None and doc.publication.line == 4
    assert [p.text for p in doc.paragraphs] == ["Body text."]


def test_a_long_line_after_the_date_is_body_not_publication() -> None:
    long_line = "word " * 30
    doc = parse_text(
        f"Title\n\nApril 06, 2013\n\n{long_line}\n\nOriginal url:\n\n<https://x.com/a>"
    )
    assert doc.publication is None
    assert [p.text for p in doc.paragraphs] == [long_line.strip()]


def test_url_on_the_same_line_as_the_section() -> None:
    doc = parse_text("T\n\nApril 06, 2013\n\nP\n\nBody.\n\nOriginal url: <https://x.com/a>\n")
    assert doc.url_text == "https://x.com/a"


def test_missing_title_is_not_invented() -> None:
    doc = parse_text(
        "By Jane Doe\n\nApril 06, 2013\n\nPub\n\nBody.\n\nOriginal url:\n\nhttps://x.com"
    )
    assert doc.title is None
    assert doc.authors == ["Jane Doe"]


def test_render_writes_the_layout() -> None:
    article, _ = parse(CLEAN_ARTICLE.encode())
    assert article is not None
    assert render(article) == CLEAN_ARTICLE


def test_parse_and_render_live_together_in_one_public_module() -> None:
    import newsdata
    from newsdata import articles
    from newsdata.check import engine

    assert newsdata.parse is articles.parse and newsdata.render is articles.render
    # The engine only checks; the record a file makes is the articles module's.
    assert not any(hasattr(engine, name) for name in ("parse", "record", "record_gaps"))


def test_rendering_an_article_imports_no_rule_or_engine() -> None:
    code = (
        "import sys, newsdata\n"
        "from newsdata.model import Article\n"
        "newsdata.render\n"
        "print(sorted(m for m in sys.modules if m.startswith(('newsdata.check.engine', "
        "'newsdata.rules'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_long_title_glued_to_its_byline_is_still_split() -> None:
    title = "A very long headline " * 6
    doc = parse_text(
        f"{title.strip()}\nBy Jane Doe\n\nApril 06, 2013\n\nPub\n\nBody.\n\nOriginal url:\n\n<https://x.com/a>"
    )
    assert doc.title is not None and doc.title.text == title.strip()
    assert doc.authors == ["Jane Doe"]
    assert [b.line for b in doc.merged_header_lines] == [1]


@given(st.text(st.sampled_from("ab1 _-—\n\t.東ア가ไ\u3000\xa0’\x01&é\x1c"), max_size=40))
@settings(max_examples=300)
def test_fast_word_count_matches_the_definition(text: str) -> None:
    from newsdata.words import count_words, count_words_plainly, has_words

    expected = count_words_plainly(text)
    assert count_words(text) == expected
    assert has_words(text, 3) == (expected >= 3)


@given(
    st.text(st.sampled_from("ab1 _-.,’é\xa0\n東ไ\u3000"), max_size=120),
    st.integers(min_value=1, max_value=8),
)
@settings(max_examples=300)
def test_word_threshold_matches_the_definition_past_the_prefix(text: str, count: int) -> None:
    # has_words splits a prefix of 16 characters a word first: texts longer than that, with
    # tokens cut at its end, must still get the definition's answer.
    from newsdata.words import count_words_plainly, has_words

    assert has_words(text, count) == (count_words_plainly(text) >= count)


@given(st.text(st.characters(max_codepoint=127), max_size=40))
@settings(max_examples=300)
def test_ascii_word_count_matches_the_definition(text: str) -> None:
    from newsdata.words import count_words, count_words_plainly

    assert count_words(text) == count_words_plainly(text)


@given(st.text(st.sampled_from("ab \n\t\u3000\xa0."), min_size=1, max_size=12))
@settings(max_examples=300)
def test_body_check_matches_the_layout_definition(body: str) -> None:
    from newsdata.model import _well_formed_body

    by_definition = all(
        line and line == line.strip()
        for paragraph in body.split("\n\n")
        for line in paragraph.split("\n")
    )
    assert _well_formed_body(body) == by_definition


def _blocks_line_by_line(text: str) -> list[tuple[str, int]]:
    """The definition split_blocks implements: runs of non-blank stripped lines."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[tuple[str, int]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate((line.strip() for line in text.split("\n")), start=1):
        if line:
            start = start if current else number
            current.append(line)
        elif current:
            blocks.append(("\n".join(current), start))
            current = []
    if current:
        blocks.append(("\n".join(current), start))
    return blocks


@given(st.text(st.sampled_from("ab \n\r\t\x0b\x0c\x1c\x85\u2028\u3000\xa0\ufeff"), max_size=60))
def test_blocks_are_the_runs_of_non_blank_lines(text: str) -> None:
    lines, blocks = split_blocks(text)
    assert [(b.text, b.line) for b in blocks] == _blocks_line_by_line(text)
    assert all(
        type(b).__name__ == "Block" and b.line_count == b.text.count("\n") + 1 for b in blocks
    )
    assert (
        len(lines)
        == text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    )
