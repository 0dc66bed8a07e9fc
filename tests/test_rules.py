"""Every rule, case by case: at least one article that trips it and one that does not.

Each case is the clean article below with one part changed. Cases given as text or bytes go
through `newsdata.articles.parse`; cases that need real files (special files, symlinks, size,
duplicates across files) build a small tree under `tmp_path` and go through
`newsdata.check.pipeline.validate`; an unreadable file (tests run as root, so `chmod 000` does
not stop reading) is given to the validator as the reader reports it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsdata.articles import parse
from newsdata.check.discovery import Target, printable
from newsdata.check.engine import Validator
from newsdata.check.pipeline import validate
from newsdata.check.reading import DEFAULT_MAX_FILE_SIZE, RawFile
from newsdata.config import Settings
from newsdata.diagnostics import Diagnostic, Severity
from newsdata.rules import all_rules

TODAY = dt.date(2026, 11, 27)
SETTINGS = Settings(today=TODAY)

TITLE = "Putin Urges Peace Talks to End Syria Massacre"
BYLINE = "By [Jane Doe](#)"
DATE = "April 06, 2013"
PUBLICATION = "The Moscow Times"
PARAGRAPHS = (
    "President Vladimir Putin said the civil war in Syria had become a massacre that must be "
    "stopped through peace talks between the government and the opposition.",
    "Speaking to German television in remarks released by the Kremlin on Friday, he rejected "
    "Western criticism of Russia for continuing to supply weapons to the government in Damascus.",
)
OTHER_PARAGRAPHS = (
    "Russia has been the main ally of the Syrian government, shielding it from United Nations "
    "sanctions over a crackdown on an uprising that turned into a civil war.",
    "In recent months, Moscow has sought to distance itself from the Syrian leadership, while "
    "refusing to back calls for a change of government imposed from abroad.",
)
URL = (
    "https://www.themoscowtimes.com/2013/04/06/putin-urges-peace-talks-to-end-syria-massacre-a23012"
)
OTHER_URL = "https://www.themoscowtimes.com/2013/04/06/russia-stands-by-damascus-a23013"
# The clean body with its last word changed: 5-gram Jaccard similarity ~0.93.
NEAR_PARAGRAPHS = (PARAGRAPHS[0], PARAGRAPHS[1].replace("Damascus.", "Syria."))
LABEL = "Original url:"

# Where the clean article's parts are (a block added after the URL starts at line 17).
TITLE_LINE, BYLINE_LINE, DATE_LINE, PUBLICATION_LINE = 1, 3, 5, 7
BODY_LINE, SECOND_PARAGRAPH_LINE, LABEL_LINE, URL_LINE, AFTER_URL_LINE = 9, 11, 13, 15, 17

# 60 Han characters and nothing else: 60 words, since each CJK character counts as one.
CHINESE_BODY = (
    "俄罗斯总统普京表示叙利亚内战已经演变成一场必须通过政府与反对派之间的和平谈判来制止的屠杀"
    "并重申俄方坚决反对外界要求巴沙"
)
JAPANESE_TITLE = "プーチン大統領\u3000シリア内戦は「虐殺」と非難"
JAPANESE_PARAGRAPH = (
    "プーチン大統領は、シリアの内戦が和平交渉によって止められなければならない「虐殺」になったと"
    "述べ、アサド大統領の退陣を求める声を改めて拒否した。ロシアは政府と反体制派の対話を支持している。"
)


def article(
    *,
    title: str | None = TITLE,
    byline: str | None = BYLINE,
    date: str | None = DATE,
    publication: str | None = PUBLICATION,
    paragraphs: Sequence[str] = PARAGRAPHS,
    label: str | None = LABEL,
    url: str | None = URL,
    after: Sequence[str] = (),
) -> str:
    """The clean article in the raw layout with some parts replaced; None leaves a part out."""
    parts = [title, byline, date, publication, *paragraphs, label]
    parts.append(None if url is None else f"<{url}>")
    parts.extend(after)
    return "\n\n".join(p for p in parts if p is not None) + "\n"


def body(first: str = PARAGRAPHS[0], second: str = PARAGRAPHS[1], *more: str) -> list[str]:
    """The clean article's paragraphs with the first or second replaced, or more added."""
    return [first, second, *more]


def raw(text: str) -> bytes:
    """UTF-8 bytes of text, where a lone surrogate `\\udcXX` becomes the invalid byte 0xXX."""
    return text.encode("utf-8", "surrogateescape")


CLEAN = article()


# ----------------------------------------------------------------------------------------------
# Inputs that are not a file's bytes.


@dataclass(frozen=True)
class Tree:
    """Files built under `tmp_path/corpus`; `build` returns the path whose findings count."""

    build: Callable[[Path], Path]


@dataclass(frozen=True)
class Unread:
    """A file as the reader reports it (what `read_raw` returns when opening it fails)."""

    raw: RawFile


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _regular(corpus: Path) -> Path:
    return _write(corpus / "article.txt", CLEAN)


def _in_subfolder(corpus: Path) -> Path:
    (corpus / "2013").mkdir()
    return _write(corpus / "2013" / "story.txt", CLEAN)


def _too_large(corpus: Path) -> Path:
    return _write(corpus / "huge.txt", CLEAN + "\n" * DEFAULT_MAX_FILE_SIZE)


def _latin1_name(corpus: Path) -> Path:
    name = os.fsdecode(b"caf\xe9.txt")  # a Latin-1 name: not UTF-8
    return _write(corpus / name, CLEAN)


def _utf8_name(corpus: Path) -> Path:
    return _write(corpus / "café 東京.txt", CLEAN)


def _fifo(corpus: Path) -> Path:
    path = corpus / "pipe.txt"
    os.mkfifo(path)
    return path


def _link_to_fifo(corpus: Path) -> Path:
    os.mkfifo(corpus / "pipe")
    link = corpus / "pipe.txt"
    link.symlink_to(corpus / "pipe")
    return link


def _folder(corpus: Path) -> Path:
    path = corpus / "folder.txt"
    path.mkdir()
    _write(path / "inside.txt", CLEAN)
    return path


def _link_outside(corpus: Path) -> Path:
    outside = _write(corpus.parent / "outside.txt", CLEAN)
    link = corpus / "link.txt"
    link.symlink_to(outside)
    return link


def _folder_link_outside(corpus: Path) -> Path:
    outside = corpus.parent / "elsewhere"
    outside.mkdir()
    _write(outside / "story.txt", CLEAN)
    link = corpus / "elsewhere"
    link.symlink_to(outside, target_is_directory=True)
    return link


def _link_loop(corpus: Path) -> Path:
    first, second = corpus / "a.txt", corpus / "b.txt"
    first.symlink_to(second)
    second.symlink_to(first)
    return first


def _link_dangling(corpus: Path) -> Path:
    link = corpus / "gone.txt"
    link.symlink_to(corpus / "missing.txt")
    return link


def _link_inside(corpus: Path) -> Path:
    target = _write(corpus / "real.txt", CLEAN)
    link = corpus / "alias.txt"
    link.symlink_to(target)
    return link


def _pair(first: str, second: str, *, report_first: bool = False) -> Callable[[Path], Path]:
    """Two articles, a.txt and b.txt; the findings of b.txt (or of a.txt) count."""

    def build(corpus: Path) -> Path:
        a = _write(corpus / "a.txt", first)
        b = _write(corpus / "b.txt", second)
        return a if report_first else b

    return build


# ----------------------------------------------------------------------------------------------
# The table: (code, case id, input, fires?, expected line or None).

Source = str | bytes | Tree | Unread


def fires(code: str, case: str, source: Source, line: int | None):
    return pytest.param(code, source, True, line, id=f"{code}-fires-{case}")


def passes(code: str, case: str, source: Source):
    return pytest.param(code, source, False, None, id=f"{code}-passes-{case}")


SAME_URL = URL.replace("https://www.", "http://") + "/?utm_source=x#top"
UNREADABLE = RawFile(size=0, read_error="Permission denied")

CASES = [
    # ND101 invalid-utf8
    fires(
        "ND101",
        "latin1-byte-in-body",
        raw(article(paragraphs=body("Caf\udce9 " + PARAGRAPHS[0]))),
        BODY_LINE,
    ),
    fires(
        "ND101", "cp1252-quote-in-title", raw(article(title="Putin\udc92s Peace Talks")), TITLE_LINE
    ),
    fires(
        "ND101",
        "crlf-file",
        raw(article(paragraphs=body(second="Caf\udce9 " + PARAGRAPHS[1])).replace("\n", "\r\n")),
        SECOND_PARAGRAPH_LINE,
    ),
    passes("ND101", "accents-as-utf8", article(paragraphs=body("Café " + PARAGRAPHS[0]))),
    passes("ND101", "clean", CLEAN),
    # ND102 empty-file
    fires("ND102", "no-bytes", b"", None),
    fires("ND102", "bom-and-whitespace", b"\xef\xbb\xbf \n\t\r\n  \n", None),
    passes("ND102", "clean", CLEAN),
    passes("ND102", "clean-with-bom", b"\xef\xbb\xbf" + CLEAN.encode()),
    # ND103 binary-file
    fires("ND103", "png-header", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, None),
    fires("ND103", "all-bytes", bytes(range(256)) * 4, None),
    passes("ND103", "clean", CLEAN),
    passes("ND103", "one-nul-in-text", article(paragraphs=body(PARAGRAPHS[0] + "\x00"))),
    # ND104 control-character
    fires(
        "ND104",
        "bell-in-body",
        article(paragraphs=body(second="\x07" + PARAGRAPHS[1])),
        SECOND_PARAGRAPH_LINE,
    ),
    fires("ND104", "nul-in-title", article(title=TITLE + "\x00"), TITLE_LINE),
    fires("ND104", "c1-control-in-title", article(title="Putin\x92s Peace Talks"), TITLE_LINE),
    passes("ND104", "tab-in-body", article(paragraphs=body(PARAGRAPHS[0].replace(" ", "\t", 1)))),
    passes("ND104", "crlf-line-endings", CLEAN.replace("\n", "\r\n")),
    passes("ND104", "clean", CLEAN),
    # ND105 file-too-large
    fires("ND105", "over-the-limit", Tree(_too_large), None),
    passes("ND105", "clean", Tree(_regular)),
    # ND110 file-name-not-utf8
    fires("ND110", "latin-1-name", Tree(_latin1_name), None),
    passes("ND110", "utf-8-name", Tree(_utf8_name)),
    passes("ND110", "ascii-name", Tree(_regular)),
    # ND106 not-a-regular-file
    fires("ND106", "fifo", Tree(_fifo), None),
    fires("ND106", "symlink-to-fifo", Tree(_link_to_fifo), None),
    fires("ND106", "folder-named-txt", Tree(_folder), None),
    passes("ND106", "regular-file", Tree(_regular)),
    passes("ND106", "file-in-plain-folder", Tree(_in_subfolder)),
    # ND107 unsafe-symlink
    fires("ND107", "leads-outside", Tree(_link_outside), None),
    fires("ND107", "folder-link-leads-outside", Tree(_folder_link_outside), None),
    fires("ND107", "loop", Tree(_link_loop), None),
    fires("ND107", "dangling", Tree(_link_dangling), None),
    passes("ND107", "link-inside-tree", Tree(_link_inside)),
    passes("ND107", "regular-file", Tree(_regular)),
    # ND108 unreadable-file
    fires("ND108", "permission-denied", Unread(UNREADABLE), None),
    fires("ND108", "io-error", Unread(RawFile(size=0, read_error="Input/output error")), None),
    passes("ND108", "read-fine", Unread(RawFile(size=len(CLEAN), data=CLEAN.encode()))),
    passes("ND108", "regular-file", Tree(_regular)),
    # ND109 mojibake
    fires(
        "ND109",
        "cp1252-decoded-utf8",
        article(paragraphs=body("The cafÃ© owner said he didnâ€™t know. " + PARAGRAPHS[0])),
        BODY_LINE,
    ),
    fires("ND109", "in-title", article(title="Putinâ€™s Call for Peace Talks"), TITLE_LINE),
    passes(
        "ND109",
        "curly-quotes",
        article(
            paragraphs=body("“It has to be stopped,” he said — it’s ‘a massacre’… " + PARAGRAPHS[0])
        ),
    ),
    passes(
        "ND109",
        "japanese-and-chinese",
        article(title=JAPANESE_TITLE, paragraphs=body(JAPANESE_PARAGRAPH, CHINESE_BODY + "。")),
    ),
    passes("ND109", "clean", CLEAN),
    # ND201 missing-title
    fires("ND201", "starts-with-byline", article(title=None), 1),
    fires("ND201", "starts-with-date", article(title=None, byline=None), 1),
    passes("ND201", "clean", CLEAN),
    passes("ND201", "japanese-title", article(title=JAPANESE_TITLE)),
    # ND202 missing-byline
    # the date moves up to line 3
    fires("ND202", "no-byline", article(byline=None), 3),
    passes("ND202", "clean", CLEAN),
    passes("ND202", "plain-names", article(byline="By Jane Doe and John Roe")),
    # ND210 author-is-web-address
    fires("ND210", "share-link", article(byline="By [www.facebook.com](#)"), BYLINE_LINE),
    fires(
        "ND210",
        "profile-url",
        article(byline="By [Jane Doe](#) and https://twitter.com/janedoe"),
        BYLINE_LINE,
    ),
    passes("ND210", "initials", article(byline="By [Dana A. Ford](#), [James S.A. Corey](#)")),
    passes("ND210", "organisation", article(byline="By [CNN Wire](#)")),
    passes("ND210", "clean", CLEAN),
    # ND203 malformed-byline
    fires("ND203", "empty-link", article(byline="By [](#)"), BYLINE_LINE),
    fires("ND203", "by-alone", article(byline="By"), BYLINE_LINE),
    fires("ND203", "by-comma", article(byline="By ,"), BYLINE_LINE),
    passes("ND203", "plain-names", article(byline="By Jane Doe and John Roe")),
    passes(
        "ND203", "links-and-plain", article(byline="By [Jane Doe](#), [John Roe](#) and Ann Poe")
    ),
    passes("ND203", "clean", CLEAN),
    # ND204 missing-publication
    # the first paragraph moves up to line 7
    fires("ND204", "no-publication", article(publication=None), 7),
    passes("ND204", "clean", CLEAN),
    # ND205 missing-body
    # `Original url:` moves up to line 9
    fires("ND205", "no-paragraphs", article(paragraphs=[]), 9),
    passes("ND205", "clean", CLEAN),
    # ND206 missing-url-section
    fires("ND206", "no-url-section", article(label=None, url=None), SECOND_PARAGRAPH_LINE),
    passes("ND206", "clean", CLEAN),
    passes("ND206", "label-without-colon", article(label="ORIGINAL URL")),
    # ND207 missing-url
    fires("ND207", "label-then-nothing", article(url=None), LABEL_LINE),
    passes("ND207", "clean", CLEAN),
    passes("ND207", "url-on-label-line", article(label=f"{LABEL} <{URL}>", url=None)),
    # ND208 content-after-url
    fires("ND208", "block-after-url", article(after=["Share this article"]), AFTER_URL_LINE),
    passes("ND208", "clean", CLEAN),
    # ND209 header-not-separated
    fires(
        "ND209", "title-and-byline", article(title=f"{TITLE}\n{BYLINE}", byline=None), TITLE_LINE
    ),
    fires(
        "ND209",
        "whole-header",
        article(
            title=f"{TITLE}\n{BYLINE}\n{DATE}\n{PUBLICATION}",
            byline=None,
            date=None,
            publication=None,
        ),
        1,
    ),
    passes("ND209", "clean", CLEAN),
    # ND301 missing-date
    # the publication moves up to line 5
    fires("ND301", "no-date", article(date=None), 5),
    passes("ND301", "clean", CLEAN),
    passes("ND301", "iso-date", article(date="2013-04-06")),
    # ND302 unparseable-date
    fires("ND302", "slashes", article(date="06/04/2013"), DATE_LINE),
    fires("ND302", "ordinal-day", article(date="April 6th, 2013"), DATE_LINE),
    fires("ND302", "weekday", article(date="Saturday, April 06, 2013"), DATE_LINE),
    passes("ND302", "day-month-year", article(date="6 April 2013")),
    passes("ND302", "abbreviated-month", article(date="Apr. 6, 2013")),
    passes("ND302", "iso-date", article(date="2013-04-06")),
    passes("ND302", "clean", CLEAN),
    # ND303 impossible-date
    fires("ND303", "february-30", article(date="February 30, 2013"), DATE_LINE),
    fires("ND303", "month-13", article(date="2013-13-01"), DATE_LINE),
    passes("ND303", "leap-day", article(date="February 29, 2012")),
    passes("ND303", "clean", CLEAN),
    # ND304 future-date (today is 2026-11-27)
    fires("ND304", "two-days-ahead", article(date="November 29, 2026"), DATE_LINE),
    passes("ND304", "tomorrow-is-tolerated", article(date="November 28, 2026")),
    passes("ND304", "today", article(date="2026-11-27")),
    passes("ND304", "clean", CLEAN),
    # ND305 date-before-founding (The Moscow Times: 1992)
    fires("ND305", "year-before", article(date="December 31, 1991"), DATE_LINE),
    passes("ND305", "founding-year", article(date="January 01, 1992")),
    # The Guardian of Lagos (1983), not of London (1821): the URL tells which
    fires(
        "ND305",
        "same-name-outlet-by-its-url",
        article(
            date="April 06, 1980",
            publication="The Guardian",
            url="https://guardian.ng/news/1980/04/06/story/",
        ),
        DATE_LINE,
    ),
    passes(
        "ND305",
        "same-name-outlet-by-its-url",
        article(
            date="April 06, 1980",
            publication="The Guardian",
            url="https://www.theguardian.com/world/1980/apr/06/story",
        ),
    ),
    passes(
        "ND305", "unknown-publication", article(date="April 06, 1900", publication="Moscowtimes")
    ),
    passes("ND305", "clean", CLEAN),
    # ND306 url-date-mismatch (the URL says 2013-04-06)
    fires("ND306", "three-days-off", article(date="April 09, 2013"), DATE_LINE),
    fires(
        "ND306",
        "compact-date-in-url",
        article(url="https://www.themoscowtimes.com/news/20130410/putin-urges-peace-talks"),
        DATE_LINE,
    ),
    fires(
        "ND306",
        "year-month-then-day",
        article(publication="Xinhua", url="http://www.xinhuanet.com/world/2013-04/09/c_1124.htm"),
        DATE_LINE,
    ),
    passes("ND306", "clean", CLEAN),
    passes("ND306", "one-day-off-is-nd307", article(date="April 07, 2013")),
    passes(
        "ND306",
        "long-numeric-id",
        article(
            publication="Yonhap News Agency",
            url="https://en.yna.co.kr/view/AEN20190820002300325",
        ),
    ),
    passes(
        "ND306",
        "numeric-slug",
        article(url="https://www.themoscowtimes.com/news/2013041012345-putin-peace-talks"),
    ),
    # ND307 url-date-off-by-one
    fires("ND307", "day-after", article(date="April 07, 2013"), DATE_LINE),
    fires("ND307", "day-before", article(date="April 05, 2013"), DATE_LINE),
    passes("ND307", "clean", CLEAN),
    passes("ND307", "no-date-in-url", article(url="https://www.themoscowtimes.com/news/a23012")),
    # ND401 invalid-url
    fires("ND401", "no-scheme", article(url=URL.removeprefix("https://")), URL_LINE),
    fires("ND401", "missing-colon", article(url=URL.replace("https://", "https//")), URL_LINE),
    fires("ND401", "ftp-scheme", article(url=URL.replace("https://", "ftp://")), URL_LINE),
    fires("ND401", "space-in-host", article(url="https://www.themoscow times.com/a1"), URL_LINE),
    fires("ND401", "credentials", article(url=URL.replace("https://", "https://u:p@")), URL_LINE),
    passes("ND401", "clean", CLEAN),
    passes(
        "ND401", "http-with-port", article(url=URL.replace("https://www.", "http://") + ":8080")
    ),
    passes("ND401", "trailing-dot-host", article(url=URL.replace(".com/", ".com./"))),
    # ND402 tracking-parameters
    fires("ND402", "utm-source", article(url=URL + "?utm_source=tw&utm_medium=social"), URL_LINE),
    fires("ND402", "fbclid", article(url=URL + "?fbclid=IwAR0abc"), URL_LINE),
    passes("ND402", "ordinary-query", article(url=URL + "?page=2")),
    passes("ND402", "clean", CLEAN),
    # ND501 publication-domain-mismatch
    fires("ND501", "guardian-on-moscow-times", article(publication="The Guardian"), URL_LINE),
    fires(
        "ND501",
        "lookalike-domain",
        article(publication="CNN", url="https://www.notcnn.com/2013/04/06/world/syria"),
        URL_LINE,
    ),
    passes(
        "ND501",
        "cnn-subdomain",
        article(
            publication="CNN",
            url="https://edition.cnn.com/2013/04/06/world/meast/syria-putin/index.html",
        ),
    ),
    passes(
        "ND501",
        "upper-case-host",
        article(publication="CNN", url="https://EDITION.CNN.COM/2013/04/06/world/index.html"),
    ),
    passes("ND501", "alias", article(publication="Moscow Times")),
    passes(
        "ND501",
        "same-name-outlet-elsewhere",
        article(publication="The Guardian", url="https://guardian.ng/news/2013/04/06/story/"),
    ),
    passes(
        "ND501",
        "news-agency-republished",
        article(publication="Reuters", url="https://finance.yahoo.com/news/putin-syria-123.html"),
    ),
    passes(
        "ND501",
        "on-an-aggregator",
        article(publication="The Guardian", url="https://www.msn.com/en-gb/news/world/ar-AA1"),
    ),
    fires(
        "ND501",
        "agency-alias-elsewhere-still-known",
        article(publication="Moscow Times", url="https://finance.yahoo.com.evil.example/x"),
        URL_LINE,
    ),
    passes("ND501", "clean", CLEAN),
    # ND502 unknown-publication
    fires("ND502", "unrelated-name", article(publication="Daily Planet"), PUBLICATION_LINE),
    passes(
        "ND502",
        "name-resembles-host",
        article(publication="LinkNaija", url="https://www.linknaija.com/2013/04/06/putin-syria"),
    ),
    passes("ND502", "registered-any-case", article(publication="the moscow  times")),
    passes(
        "ND502",
        "initials-without-the",
        article(publication="The Sydney Morning Herald", url="https://www.smh.com.au/world/1"),
    ),
    passes(
        "ND502",
        "native-name-in-the-registry",
        article(publication="朝日新聞", url="https://www.asahi.com/articles/ASR4.html"),
    ),
    passes(
        "ND502",
        "cyrillic-name-transliterates-to-host",
        article(publication="Коммерсантъ", url="https://www.kommersant.ru/doc/2013/04/06/1"),
    ),
    passes(
        "ND502",
        "greek-name-transliterates-to-host",
        article(publication="Η Καθημερινή", url="https://www.kathimerini.gr/world/2013/1"),
    ),
    fires(
        "ND502",
        "cyrillic-name-on-another-host",
        article(publication="Коммерсантъ", url="https://www.example.org/2013/04/06/a"),
        PUBLICATION_LINE,
    ),
    passes(
        "ND502",
        "on-an-aggregator",
        article(publication="Daily Planet", url="https://n.news.naver.com/article/001/0014"),
    ),
    passes("ND502", "clean", CLEAN),
    # ND503 publication-looks-like-sentence
    fires(
        "ND503",
        "sentence",
        article(publication="Putin said the war in Syria must stop."),
        PUBLICATION_LINE,
    ),
    fires(
        "ND503",
        "many-words",
        article(publication="President Vladimir Putin said on Friday that the war must end"),
        PUBLICATION_LINE,
    ),
    fires(
        "ND503",
        "chinese-sentence",
        article(publication="普京表示叙利亚内战已经演变成一场屠杀，必须通过和平谈判来制止。"),
        PUBLICATION_LINE,
    ),
    passes("ND503", "blog-off", article(publication="BLOG OFF!")),
    passes("ND503", "drk-ev", article(publication="DRK e.V.")),
    passes("ND503", "clean", CLEAN),
    # ND601 split-paragraph
    fires(
        "ND601",
        "blank-line-mid-sentence",
        article(
            paragraphs=body(
                PARAGRAPHS[0].removesuffix(".") + ", and Russia will not back calls for Assad",
                "to step down, insisting that the opposition should sit down for talks. "
                + PARAGRAPHS[1],
            )
        ),
        BODY_LINE,
    ),
    passes("ND601", "clean", CLEAN),
    passes(
        "ND601",
        "closing-quote-then-lower-case",
        article(
            paragraphs=body(PARAGRAPHS[0] + " “It has to be stopped”", "iPhone " + PARAGRAPHS[1])
        ),
    ),
    passes("ND601", "japanese", article(paragraphs=body(JAPANESE_PARAGRAPH, JAPANESE_PARAGRAPH))),
    passes(
        "ND601",
        "german-closing-quote",
        article(paragraphs=body(PARAGRAPHS[0] + " „Es muss aufhören.“", "dann " + PARAGRAPHS[1])),
    ),
    # ND602 odd-whitespace
    fires(
        "ND602",
        "double-space-in-publication",
        article(publication="The  Moscow Times"),
        PUBLICATION_LINE,
    ),
    fires(
        "ND602",
        "no-break-space-in-title",
        article(title="Putin Urges\u00a0Peace Talks"),
        TITLE_LINE,
    ),
    fires(
        "ND602", "zero-width-space-in-byline", article(byline="By [Jane\u200bDoe](#)"), BYLINE_LINE
    ),
    fires(
        "ND602",
        "two-ideographic-spaces",
        article(title="プーチン大統領\u3000\u3000シリア"),
        TITLE_LINE,
    ),
    passes("ND602", "single-ideographic-space", article(title=JAPANESE_TITLE)),
    passes(
        "ND602",
        "french-typography",
        article(
            title="Syrie\u00a0: Poutine appelle à des pourparlers «\u00a0de paix\u00a0»\u202f!"
        ),
    ),
    fires(
        "ND602",
        "no-break-space-between-words-of-a-french-title",
        article(title="Syrie\u00a0: Poutine\u00a0appelle à la paix"),
        TITLE_LINE,
    ),
    passes("ND602", "clean", CLEAN),
    # ND603 html-remnant
    fires("ND603", "tag-in-body", article(paragraphs=body("<p>" + PARAGRAPHS[0])), BODY_LINE),
    fires(
        "ND603",
        "entity-in-second-paragraph",
        article(paragraphs=body(second=PARAGRAPHS[1] + " Tom &amp; Jerry.")),
        SECOND_PARAGRAPH_LINE,
    ),
    fires("ND603", "nbsp-in-title", article(title="Putin Urges&nbsp;Peace Talks"), TITLE_LINE),
    fires("ND603", "numeric-entity", article(title="Putin&#39;s Peace Talks"), TITLE_LINE),
    passes(
        "ND603",
        "ampersand-and-angles",
        article(paragraphs=body("AT&T: 5 < 6 > 4. " + PARAGRAPHS[0])),
    ),
    passes("ND603", "not-an-entity", article(paragraphs=body(PARAGRAPHS[0] + " &notanentity;"))),
    passes("ND603", "clean", CLEAN),
    # ND604 short-body
    fires(
        "ND604", "teaser", article(paragraphs=["Only a teaser survived the extraction."]), BODY_LINE
    ),
    passes("ND604", "sixty-chinese-characters", article(paragraphs=[CHINESE_BODY])),
    passes("ND604", "clean", CLEAN),
    # ND605 boilerplate
    fires(
        "ND605",
        "newsletter-prompt",
        article(paragraphs=body(*PARAGRAPHS, "Sign up for our newsletter.")),
        LABEL_LINE,
    ),
    fires(
        "ND605",
        "read-more",
        article(paragraphs=["Read more: Putin on Syria", *PARAGRAPHS]),
        BODY_LINE,
    ),
    fires(
        "ND605",
        "read-more-in-german",
        article(paragraphs=["Lesen Sie auch: Putin und Syrien", *PARAGRAPHS]),
        BODY_LINE,
    ),
    fires(
        "ND605",
        "read-more-in-russian",
        article(paragraphs=["Читайте также: Путин о Сирии", *PARAGRAPHS]),
        BODY_LINE,
    ),
    fires(
        "ND605",
        "related-in-chinese",
        article(paragraphs=["相关阅读：普京谈叙利亚", *PARAGRAPHS]),
        BODY_LINE,
    ),
    fires(
        "ND605",
        "editor-credit",
        article(paragraphs=[PARAGRAPHS[0], "【责任编辑：严玉洁】", PARAGRAPHS[1]]),
        SECOND_PARAGRAPH_LINE,
    ),
    passes(
        "ND605",
        "a-sentence-about-an-editor",
        article(paragraphs=[*PARAGRAPHS, "编辑部表示，将继续关注此事。"]),
    ),
    fires(
        "ND605",
        "advertisement",
        article(paragraphs=[PARAGRAPHS[0], "Advertisement", PARAGRAPHS[1]]),
        SECOND_PARAGRAPH_LINE,
    ),
    passes(
        "ND605",
        "long-paragraph-mentioning-newsletter",
        article(
            paragraphs=body(
                *PARAGRAPHS,
                "The Kremlin said its weekly newsletter would carry the full interview, and "
                "readers could sign up on its website to receive the transcript in English "
                "and Russian later this month.",
            )
        ),
    ),
    passes(
        "ND605",
        "news-about-cookies",
        article(paragraphs=body(*PARAGRAPHS, "The cookie maker said it would accept the offer.")),
    ),
    passes("ND605", "clean", CLEAN),
    # ND901 duplicate-url
    fires(
        "ND901",
        "same-canonical-url",
        Tree(_pair(CLEAN, article(paragraphs=OTHER_PARAGRAPHS, url=SAME_URL))),
        URL_LINE,
    ),
    passes(
        "ND901",
        "not-on-the-first-file",
        Tree(_pair(CLEAN, article(paragraphs=OTHER_PARAGRAPHS, url=SAME_URL), report_first=True)),
    ),
    passes(
        "ND901",
        "different-urls",
        Tree(_pair(CLEAN, article(paragraphs=OTHER_PARAGRAPHS, url=OTHER_URL))),
    ),
    # ND902 duplicate-body
    fires("ND902", "same-body-other-url", Tree(_pair(CLEAN, article(url=OTHER_URL))), BODY_LINE),
    fires(
        "ND902",
        "same-body-but-case-and-spaces",
        Tree(
            _pair(
                CLEAN,
                article(
                    url=OTHER_URL, paragraphs=[p.upper().replace(" ", "  ") for p in PARAGRAPHS]
                ),
            )
        ),
        BODY_LINE,
    ),
    passes(
        "ND902",
        "not-on-the-first-file",
        Tree(_pair(CLEAN, article(url=OTHER_URL), report_first=True)),
    ),
    passes(
        "ND902",
        "different-bodies",
        Tree(_pair(CLEAN, article(paragraphs=OTHER_PARAGRAPHS, url=OTHER_URL))),
    ),
    # ND903 near-duplicate-body
    fires(
        "ND903",
        "one-word-changed",
        Tree(_pair(CLEAN, article(url=OTHER_URL, paragraphs=NEAR_PARAGRAPHS))),
        BODY_LINE,
    ),
    passes(
        "ND903",
        "not-on-the-first-file",
        Tree(_pair(CLEAN, article(url=OTHER_URL, paragraphs=NEAR_PARAGRAPHS), report_first=True)),
    ),
    passes(
        "ND903",
        "identical-is-nd902-not-nd903",
        Tree(_pair(CLEAN, article(url=OTHER_URL))),
    ),
    passes(
        "ND903",
        "different-bodies",
        Tree(_pair(CLEAN, article(paragraphs=OTHER_PARAGRAPHS, url=OTHER_URL))),
    ),
]


def findings(source: Source, tmp_path: Path) -> list[Diagnostic]:
    """The diagnostics a case produces for the one file it is about."""
    if isinstance(source, str | bytes):
        data = source.encode("utf-8") if isinstance(source, str) else source
        _, found = parse(data, settings=SETTINGS)
        return found
    if isinstance(source, Unread):
        validator = Validator(SETTINGS)
        context = validator.context(source.raw, Target.at("unread.txt"))
        return list(validator.check_context(context).findings)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    target = source.build(corpus)
    report = validate([str(corpus)], SETTINGS)
    return [d for d in report.diagnostics if d.path == printable(str(target))]


@pytest.mark.parametrize(("code", "source", "expected", "line"), CASES)
def test_rule(code: str, source: Source, expected: bool, line: int | None, tmp_path: Path) -> None:
    found = findings(source, tmp_path)
    lines = [d.line for d in found if d.code == code]
    summary = [(d.code, d.line, d.message) for d in found]
    if not expected:
        assert not lines, f"{code} fired: {summary}"
        return
    assert lines, f"{code} did not fire: {summary}"
    assert line in lines, f"{code} fired at line(s) {lines}, not {line}: {summary}"


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    table = {(case.values[0], case.values[2]) for case in CASES}
    for rule in all_rules():
        assert (rule.code, True) in table, f"{rule.code} has no failing case"
        assert (rule.code, False) in table, f"{rule.code} has no passing case"
    assert {code for code, _ in table} == {rule.code for rule in all_rules()}


def test_clean_article_has_no_findings() -> None:
    record, found = parse(CLEAN.encode("utf-8"), settings=SETTINGS)
    assert found == []
    assert record is not None
    assert record.title == TITLE
    assert record.authors == ["Jane Doe"]
    assert record.published == dt.date(2013, 4, 6)
    assert record.publication == PUBLICATION
    assert record.body == "\n\n".join(PARAGRAPHS)


def test_clean_articles_on_disk_have_no_findings(tmp_path: Path) -> None:
    _write(tmp_path / "a.txt", CLEAN)
    _write(tmp_path / "b.txt", article(paragraphs=OTHER_PARAGRAPHS, url=OTHER_URL))
    report = validate([str(tmp_path)], SETTINGS)
    assert list(report.diagnostics) == []


def test_clean_article_lines_are_where_the_table_expects() -> None:
    lines = article(after=["After."]).split("\n")
    assert lines[TITLE_LINE - 1] == TITLE
    assert lines[BYLINE_LINE - 1] == BYLINE
    assert lines[DATE_LINE - 1] == DATE
    assert lines[PUBLICATION_LINE - 1] == PUBLICATION
    assert lines[BODY_LINE - 1] == PARAGRAPHS[0]
    assert lines[SECOND_PARAGRAPH_LINE - 1] == PARAGRAPHS[1]
    assert lines[LABEL_LINE - 1] == LABEL
    assert lines[URL_LINE - 1] == f"<{URL}>"
    assert lines[AFTER_URL_LINE - 1] == "After."


_CODE = re.compile(r"^ND\d{3}$")
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_rule_metadata(rule: object) -> None:
    doc = type(rule).__dict__.get("__doc__")
    assert isinstance(doc, str)
    assert doc.strip(), "empty docstring"
    first = doc.strip().splitlines()[0]
    assert first.endswith("."), f"the docstring's first line does not end with a period: {first!r}"
    assert _CODE.match(rule.code), rule.code
    assert _KEBAB.match(rule.name), rule.name
    assert isinstance(rule.severity, Severity)


def test_rule_codes_and_names_are_unique() -> None:
    rules = all_rules()
    codes = [rule.code for rule in rules]
    names = [rule.name for rule in rules]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert codes == sorted(codes)
