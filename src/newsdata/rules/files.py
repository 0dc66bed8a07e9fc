"""File and encoding rules (ND1xx): can the file be read as UTF-8 text at all?"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import PurePath

from newsdata.check.discovery import Problem, encodable, printable
from newsdata.check.rawtext import Document
from newsdata.diagnostics import Diagnostic, Severity
from newsdata.rules.base import DocumentRule, FileContext, Rule

__all__ = [
    "BinaryFile",
    "ControlCharacter",
    "EmptyFile",
    "FileNameNotUtf8",
    "FileTooLarge",
    "InvalidUtf8",
    "Mojibake",
    "NotARegularFile",
    "UnreadableFile",
    "UnsafeSymlink",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")
_MAX_PER_FILE = 20


class InvalidUtf8(Rule):
    """The file is not valid UTF-8.

    Why: every tool downstream reads the corpus as UTF-8; a stray Latin-1 or Windows-1252 byte
    turns into a replacement character or a crash there.
    Use instead: re-save the file as UTF-8 (`iconv -f WINDOWS-1252 -t UTF-8`).
    """

    code = "ND101"
    name = "invalid-utf8"
    severity = Severity.ERROR

    def check(self, ctx: FileContext) -> Iterator[Diagnostic]:
        data = ctx.raw.data or b""
        for offset in ctx.bad_utf8:
            line_start = data.rfind(b"\n", 0, offset) + 1
            line = data.count(b"\n", 0, offset) + 1
            column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
            yield self.found(
                ctx.path,
                line,
                f"invalid UTF-8 byte 0x{data[offset]:02x}",
                column=column,
                hint="re-encode the file as UTF-8",
            )


class EmptyFile(Rule):
    """The file is empty or holds only whitespace.

    Why: an empty file is an article that failed to download or was truncated.
    """

    code = "ND102"
    name = "empty-file"
    severity = Severity.ERROR

    def check(self, ctx: FileContext) -> Iterator[Diagnostic]:
        if ctx.raw.is_blank:
            yield self.found(ctx.path, None, "the file is empty")


class BinaryFile(Rule):
    """The file is binary, not text (many NUL, control or non-UTF-8 bytes at its start).

    Why: an image, archive or office document saved with a `.txt` name is not an article.
    """

    code = "ND103"
    name = "binary-file"
    severity = Severity.ERROR

    def check(self, ctx: FileContext) -> Iterator[Diagnostic]:
        if ctx.binary:
            yield self.found(ctx.path, None, "the file is binary, not UTF-8 text")


class ControlCharacter(Rule):
    """The text contains NUL or another control character (tab and line breaks aside).

    Why: control characters are invisible in most editors, break CSV and terminal output, and
    usually mean a broken conversion.
    Use instead: delete the character.
    """

    code = "ND104"
    name = "control-character"
    severity = Severity.ERROR

    def check(self, ctx: FileContext) -> Iterator[Diagnostic]:
        if not _has_control(ctx):
            return
        count = 0
        lines = ctx.doc.lines if ctx.doc is not None else []
        for number, line in enumerate(lines, start=1):
            for match in _CONTROL.finditer(line):
                count += 1
                if count > _MAX_PER_FILE:
                    return
                yield self.found(
                    ctx.path,
                    number,
                    f"control character U+{ord(match.group()):04X} in the text",
                    column=match.start() + 1,
                    hint="delete it",
                )


def _has_control(ctx: FileContext) -> bool:
    """A quick screen on the bytes: C0 controls and DEL directly, C1 controls (U+0080-U+009F,
    UTF-8 C2 80-C2 9F) only when a C2 byte is there at all."""
    data = ctx.raw.data
    if ctx.text is None or data is None:
        return False
    if ctx.control_bytes:
        return True
    return b"\xc2" in data and _CONTROL.search(ctx.text) is not None


class FileTooLarge(Rule):
    """The file is larger than the size limit (`max-file-size`, 2 MiB by default).

    Why: a news article is a few kilobytes; a file this big is a dump or a mistake, and reading
    it would slow every run. newsdata reads no further than the limit.
    """

    code = "ND105"
    name = "file-too-large"
    severity = Severity.ERROR

    def check(self, ctx: FileContext) -> Iterator[Diagnostic]:
        if ctx.raw.size > ctx.max_file_size:
            yield self.found(
                ctx.path,
                None,
                f"the file is {ctx.raw.size:,} bytes, over the {ctx.max_file_size:,}-byte limit",
                hint="split it, or raise max-file-size in [tool.newsdata]",
            )


class NotARegularFile(Rule):
    """A path named like an article is a folder, FIFO, socket or device.

    Why: only regular files hold articles; reading a FIFO or device could hang or never end, so
    newsdata reports it and never opens it.
    """

    code = "ND106"
    name = "not-a-regular-file"
    severity = Severity.ERROR

    def check(self, ctx: FileContext) -> Iterator[Diagnostic]:
        if ctx.problem in (Problem.SPECIAL_FILE, Problem.DIRECTORY):
            yield self.found(ctx.path, None, f"not a regular file: {ctx.problem_detail}")
        elif ctx.raw.not_regular:
            yield self.found(ctx.path, None, f"not a regular file: {ctx.raw.not_regular}")


class UnsafeSymlink(Rule):
    """A symbolic link leads out of the folder being checked, in a loop, or nowhere.

    Why: following links out of the corpus would check (and later publish) files that are not
    part of it; a loop or a dangling link is a broken checkout.
    """

    code = "ND107"
    name = "unsafe-symlink"
    severity = Severity.ERROR

    def check(self, ctx: FileContext) -> Iterator[Diagnostic]:
        if ctx.problem is Problem.SYMLINK_OUTSIDE:
            yield self.found(
                ctx.path, None, f"symbolic link leads out of the folder, to {ctx.problem_detail}"
            )
        elif ctx.problem is Problem.SYMLINK_BROKEN:
            yield self.found(ctx.path, None, f"broken symbolic link: {ctx.problem_detail}")


class UnreadableFile(Rule):
    """The file exists but cannot be read, or a folder cannot be listed (permissions, I/O error).

    Why: a file that cannot be read cannot be checked or published; the articles in a folder
    that cannot be listed would be left out without a word.
    """

    code = "ND108"
    name = "unreadable-file"
    severity = Severity.ERROR

    def check(self, ctx: FileContext) -> Iterator[Diagnostic]:
        if ctx.problem is Problem.UNREADABLE:
            yield self.found(ctx.path, None, ctx.problem_detail)
        elif ctx.raw.read_error:
            yield self.found(ctx.path, None, f"cannot read the file: {ctx.raw.read_error}")


class FileNameNotUtf8(Rule):
    """The file's name is not valid UTF-8.

    Why: on Linux a file name is any bytes, but git on other systems, JSON and SARIF reports,
    and the `source_path` column of a release all need text; a Latin-1 name (`caf\\xe9.txt`)
    breaks them. Reports show the bad bytes as `\\xNN` escapes.
    Use instead: rename the file with a UTF-8 (or plain ASCII) name.
    """

    code = "ND110"
    name = "file-name-not-utf8"
    severity = Severity.ERROR

    def check(self, ctx: FileContext) -> Iterator[Diagnostic]:
        if ctx.name and not encodable(ctx.name):
            yield self.found(
                ctx.path,
                None,
                f"the file name `{printable(PurePath(ctx.name).name)}` is not valid UTF-8",
                hint="rename the file",
            )


class Mojibake(DocumentRule):
    """Text that was decoded with the wrong encoding somewhere upstream (`cafÃ©`, `donâ€™t`).

    Why: mojibake is valid UTF-8, so nothing else catches it, but readers and models see garbage.
    Detected with ftfy's badness heuristic, which is tuned to avoid flagging real text.
    Use instead: repair the text, for example with `ftfy.fix_text`.
    """

    code = "ND109"
    name = "mojibake"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterable[Diagnostic]:
        for block in doc.text_blocks():
            if not block.text.isascii() and looks_like_mojibake(block.text):
                import ftfy

                fixed = ftfy.fix_text(block.text)
                sample = _first_difference(block.text, fixed)
                yield self.found(
                    ctx.path,
                    block.line,
                    f"mojibake (text decoded with the wrong encoding){sample}",
                    hint="repair it with ftfy.fix_text",
                )


# ftfy's badness check is a large regular expression tried at every position, too slow for
# the validate path. Every one of its patterns needs one of the
# few hundred characters ftfy lists as mojibake material and spans at most 7 characters, so
# running it on windows of +-8 characters around those characters gives the same verdict.
_WINDOW = 8


@cache
def _suspects() -> re.Pattern[str]:
    from ftfy import badness

    chars = {ch for ch in badness.BADNESS_RE.pattern if ord(ch) > 127}
    for members in badness.MOJIBAKE_CATEGORIES.values():
        chars.update(ch for ch in members if ord(ch) > 127)
        for low, high in re.findall(r"(.)-(.)", members):
            chars.update(chr(c) for c in range(ord(low), ord(high) + 1))
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]")


def looks_like_mojibake(text: str) -> bool:
    """ftfy's `is_bad(text)`, computed on windows around mojibake material only."""
    from ftfy.badness import is_bad

    spans: list[list[int]] = []
    for match in _suspects().finditer(text):
        start, end = max(0, match.start() - _WINDOW), match.end() + _WINDOW
        if spans and start <= spans[-1][1]:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    if not spans:
        return False
    return bool(is_bad("\n".join(text[a:b] for a, b in spans)))


def _first_difference(text: str, fixed: str) -> str:
    if text == fixed:
        return ""
    start = next((i for i, (a, b) in enumerate(zip(text, fixed, strict=False)) if a != b), 0)
    return f": {text[start : start + 12]!r} may be {fixed[start : start + 6]!r}"
