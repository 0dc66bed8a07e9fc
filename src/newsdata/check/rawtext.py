"""The raw layout: read an article file's text into its parts, and write a date and a byline
back (newsdata.articles writes a whole article).

The parser never raises: it returns whatever parts it could find, each with its line number, and
leaves judging them to the rules. See docs/raw-format.md for the layout.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from newsdata.words import has_alnum

__all__ = ["Block", "DateStatus", "Document", "parse_text", "render_byline", "render_date"]

MAX_PUBLICATION_LENGTH = 100
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DATE_FORMS = (
    re.compile(rf"^{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})$"),  # April 06, 2013
    re.compile(rf"^(?P<day>\d{{1,2}})\s+{_MONTH},?\s+(?P<year>\d{{4}})$"),  # 6 April 2013
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$"),  # 2013-04-06
)
# Short lines that try to be a date but fail to parse: a month name next to digits, or numbers
# joined by date separators.
_DATE_ATTEMPT = re.compile(
    r"^(?=.{4,40}$)(?:.*\b(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b.*\d"
    r"|.*\d.*\b(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b"
    r"|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4})",
    re.IGNORECASE,
)
_URL_SECTION = re.compile(r"^original\s+url\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_BYLINE = re.compile(r"^by(?:\s+|$)(?P<rest>.*)$", re.IGNORECASE)
_LINK = re.compile(r"\[(?P<name>(?:\\.|[^\\\]])*)\]\((?P<href>[^)]*)\)")
_AUTHOR_SEPARATOR = re.compile(r"\s*(?:,\s*and\s+|,|\s+and\s+|\s*&\s*|;)\s*")
_ESCAPED = re.compile(r"\\(.)")
_LINK_SPECIAL = re.compile(r"[\\\[\]]")


class DateStatus:
    """How the date line read: a real date, a date that does not exist, or no date at all."""

    OK = "ok"
    IMPOSSIBLE = "impossible"
    UNPARSEABLE = "unparseable"


class Block(NamedTuple):
    """A run of non-blank lines: its text (lines joined by newlines) and its first line number."""

    text: str
    line: int

    @property
    def line_count(self) -> int:
        """How many lines the block spans."""
        return self.text.count("\n") + 1


@dataclass
class Document:
    """What the parser found in one file, every part optional, every part with its line."""

    lines: list[str]
    title: Block | None = None
    byline: Block | None = None
    authors: list[str] = field(default_factory=list)
    date: Block | None = None
    published: dt.date | None = None
    date_status: str | None = None
    publication: Block | None = None
    paragraphs: list[Block] = field(default_factory=list)
    url_section: Block | None = None
    url: Block | None = None
    trailing: list[Block] = field(default_factory=list)
    merged_header_lines: list[Block] = field(default_factory=list)

    @cached_property
    def url_text(self) -> str | None:
        """The URL without its angle brackets, or None when the file gives none."""
        if self.url is None:
            return None
        return self.url.text.split("\n")[0].strip().removeprefix("<").removesuffix(">").strip()

    def text_blocks(self) -> list[Block]:
        """Every block of text a reader sees: title, byline, publication and paragraphs."""
        parts = [self.title, self.byline, self.publication, *self.paragraphs]
        return [part for part in parts if part is not None]

    @cached_property
    def body(self) -> str:
        """The body text as the record stores it (joined once: several rules read it)."""
        return "\n\n".join(p.text for p in self.paragraphs)


def split_blocks(text: str) -> tuple[list[str], list[Block]]:
    """Normalise line endings and strip lines, then group the non-blank lines into blocks."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n")]
    # One step per line, with no list per block: a block is a slice of the lines, and most
    # blocks are a single line (a paragraph), kept as it is.
    blocks: list[Block] = []
    first = 0  # the current block's first line number, 0 between blocks
    for number, line in enumerate(lines, start=1):
        if line:
            if not first:
                first = number
        elif first:
            joined = (
                lines[first - 1]
                if number - first == 1
                else "\n".join(lines[first - 1 : number - 1])
            )
            blocks.append(_new_block(Block, (joined, first)))
            first = 0
    if first:
        blocks.append(_new_block(Block, ("\n".join(lines[first - 1 :]), first)))
    return lines, blocks


# Every line of every file passes here, and most blocks are one paragraph each: they are built
# by tuple.__new__, the same object as Block(text, line) without the Python function a
# NamedTuple's constructor is. tests/test_parser.py checks split_blocks against a plain
# line-by-line definition.
_new_block = tuple.__new__


def parse_text(text: str) -> Document:
    """Read the raw layout permissively into a Document; never raises."""
    lines, blocks = split_blocks(text)
    doc = Document(lines=lines)
    body_blocks = _take_url_section(doc, blocks)
    queue = deque(_header_lines(doc, body_blocks))
    _take_header(doc, queue)
    doc.paragraphs = list(queue) + body_blocks[_header_block_count(body_blocks, doc) :]
    return doc


def _take_url_section(doc: Document, blocks: list[Block]) -> list[Block]:
    """Find the last `Original url:` block; return the blocks before it."""
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        first, _, rest_of_block = block.text.partition("\n")
        match = _URL_SECTION.match(first)
        if not match:
            continue
        doc.url_section = Block(first, block.line)
        after = blocks[index + 1 :]
        inline = match["rest"].strip() or rest_of_block.strip()
        if inline:
            doc.url = Block(inline.split("\n")[0], block.line + (0 if match["rest"].strip() else 1))
        elif after:
            doc.url, after = after[0], after[1:]
        doc.trailing = after
        return blocks[:index]
    return blocks


# The header (title, byline, date, publication) is at most the first four blocks. When header
# fields were not separated by blank lines, each line of those blocks still counts as a field.
_HEADER_FIELDS = 4


def _header_lines(doc: Document, blocks: list[Block]) -> list[Block]:
    lines: list[Block] = []
    for block in blocks[:_HEADER_FIELDS]:
        if len(lines) >= _HEADER_FIELDS:
            break
        if (
            "\n" in block.text  # more than one line
            and len(lines) < _HEADER_FIELDS - 1
            and (not _is_paragraph(block) or (not lines and _second_line_is_header(block)))
        ):
            doc.merged_header_lines.append(block)
            lines.extend(
                Block(text, block.line + offset)
                for offset, text in enumerate(block.text.split("\n"))
            )
        else:
            lines.append(block)
    return lines


def _second_line_is_header(block: Block) -> bool:
    """Whether a long title is glued to the byline or date on the next line."""
    lines = block.text.split("\n")
    if len(lines) < 2:
        return False
    return bool(_BYLINE.match(lines[1])) or _date_status(lines[1]) == DateStatus.OK


def _is_paragraph(block: Block) -> bool:
    return any(len(line) > MAX_PUBLICATION_LENGTH for line in block.text.split("\n"))


def _header_block_count(blocks: list[Block], doc: Document) -> int:
    """How many of the leading blocks the header expansion consumed."""
    count, taken = 0, 0
    for block in blocks[:_HEADER_FIELDS]:
        if taken >= _HEADER_FIELDS:
            break
        is_split = block in doc.merged_header_lines
        taken += block.line_count if is_split else 1
        count += 1
    return count


def _take_header(doc: Document, queue: deque[Block]) -> None:
    """Consume title, byline, date and publication from the front of the queue."""
    if queue and not _starts_body_less_header(queue):
        doc.title = queue.popleft()
    if queue and _BYLINE.match(queue[0].text) and "\n" not in queue[0].text:
        doc.byline = queue.popleft()
        doc.authors = parse_authors(doc.byline.text)
    if queue and (status := _date_status(queue[0].text)) is not None:
        doc.date = queue.popleft()
        doc.date_status = status
        doc.published = parse_date(doc.date.text)
    if queue and "\n" not in queue[0].text and len(queue[0].text) <= MAX_PUBLICATION_LENGTH:
        doc.publication = queue.popleft()


def _starts_body_less_header(queue: deque[Block]) -> bool:
    """Whether the first block is already the byline or the date, so the title is missing."""
    first = queue[0].text
    if _date_status(first) is not None:
        return True
    if _BYLINE.match(first) and len(queue) > 1:
        return _date_status(queue[1].text) is not None
    return False


def _date_status(text: str) -> str | None:
    """OK, IMPOSSIBLE or UNPARSEABLE for a line meant as a date; None for a line that is not."""
    if "\n" in text:
        return None
    parts = _date_parts(text)
    if parts is not None:
        try:
            dt.date(*parts)
        except ValueError:
            return DateStatus.IMPOSSIBLE
        return DateStatus.OK
    return DateStatus.UNPARSEABLE if _DATE_ATTEMPT.match(text) else None


def _date_parts(text: str) -> tuple[int, int, int] | None:
    for form in _DATE_FORMS:
        match = form.match(text)
        if match is None:
            continue
        month_text = match["month"]
        month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text.lower())
        if month is None:
            return None
        return int(match["year"]), month, int(match["day"])
    return None


def parse_date(text: str) -> dt.date | None:
    """The date a date line names, or None when it names none (or an impossible one)."""
    parts = _date_parts(text)
    if parts is None:
        return None
    try:
        return dt.date(*parts)
    except ValueError:
        return None


def parse_authors(byline: str) -> list[str]:
    """Author names from a byline: `By [A](#), [B](#) and C` gives ["A", "B", "C"]."""
    match = _BYLINE.match(byline)
    rest = match["rest"] if match else byline
    names: list[str] = []
    position = 0
    for link in _LINK.finditer(rest):
        names.extend(_plain_names(rest[position : link.start()]))
        name = link["name"]
        if "\\" in name:
            name = _ESCAPED.sub(r"\1", name)
        name = name.strip()
        if name:
            names.append(name)
        position = link.end()
    names.extend(_plain_names(rest[position:]))
    return names


def _plain_names(text: str) -> list[str]:
    # A plain name has a letter or digit: leftovers such as the ")" of a link whose target
    # itself holds parentheses are not authors.
    if not text or not has_alnum(text):
        return []  # only separators (", ", " and "): the common case between links
    parts = (part.strip() for part in _AUTHOR_SEPARATOR.split(text))
    return [part for part in parts if has_alnum(part)]


def render_date(day: dt.date) -> str:
    """The layout's date line: `April 06, 2013`."""
    return f"{_MONTH_NAMES[day.month - 1]} {day.day:02d}, {day.year:04d}"


def render_byline(authors: list[str]) -> str:
    """The layout's byline: `By [A](#), [B](#) and [C](#)`."""
    links = ["[" + _LINK_SPECIAL.sub(r"\\\g<0>", name) + "](#)" for name in authors]
    joined = links[0] if len(links) == 1 else ", ".join(links[:-1]) + " and " + links[-1]
    return f"By {joined}"
