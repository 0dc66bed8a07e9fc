"""Structure rules (ND2xx): does the file have every part of the raw layout?"""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsdata.check.rawtext import Document
from newsdata.diagnostics import Diagnostic, Severity
from newsdata.rules.base import DocumentRule, FileContext

__all__ = [
    "AuthorIsWebAddress",
    "ContentAfterUrl",
    "HeaderNotSeparated",
    "MalformedByline",
    "MissingBody",
    "MissingByline",
    "MissingPublication",
    "MissingTitle",
    "MissingUrl",
    "MissingUrlSection",
]


class MissingTitle(DocumentRule):
    """The file does not start with a title line.

    Why: every record needs a headline; a file that opens with its byline or date lost it.
    Example: a file whose first line is `By [Jane Doe](#)`.
    Use instead: put the headline on the first line, followed by a blank line.
    """

    code = "ND201"
    name = "missing-title"
    severity = Severity.ERROR

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.title is None:
            line = next((n for n, text in enumerate(doc.lines, start=1) if text), 1)
            yield self.found(ctx.path, line, "no title: the file must start with the headline")


class MissingByline(DocumentRule):
    """The article has no `By ...` line.

    Why: authorship matters for citation and attribution; a missing byline is often an
    extraction that lost it. A warning, since some articles are unsigned.
    """

    code = "ND202"
    name = "missing-byline"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.byline is None and doc.title is not None:
            line = doc.date.line if doc.date else doc.title.line + 1
            yield self.found(
                ctx.path, line, "no byline", hint="add `By Name` after the title, if known"
            )


class MalformedByline(DocumentRule):
    """A `By` line from which no author name can be read.

    Why: the byline is parsed into the `authors` list; a line such as `By` alone or `By ,`
    produces no authors, which is almost certainly not what was meant.
    Example: `By [](#)`
    Use instead: `By [Jane Doe](#)` or `By Jane Doe and John Roe`.
    """

    code = "ND203"
    name = "malformed-byline"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.byline is not None and not doc.authors:
            yield self.found(ctx.path, doc.byline.line, "the byline names no author")


class MissingPublication(DocumentRule):
    """No publication line after the date.

    Why: the outlet is part of the record and of the checks on the URL. A line longer than
    100 characters there is a body paragraph, so the publication line is missing.
    Use instead: the outlet's name on its own line after the date, e.g. `The Moscow Times`.
    """

    code = "ND204"
    name = "missing-publication"
    severity = Severity.ERROR

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.publication is None and doc.title is not None:
            anchor = doc.date or doc.byline or doc.title
            yield self.found(
                ctx.path,
                anchor.line + anchor.line_count + 1,
                "no publication line after the date",
                hint="add the outlet's name on its own line (at most 100 characters)",
            )


class MissingBody(DocumentRule):
    """The article has no body text between the header and `Original url:`.

    Why: a record without text is useless to every consumer.
    """

    code = "ND205"
    name = "missing-body"
    severity = Severity.ERROR

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if not doc.paragraphs:
            anchor = doc.url_section or doc.publication or doc.date or doc.title
            yield self.found(ctx.path, anchor.line if anchor else None, "no body text")


class MissingUrlSection(DocumentRule):
    """The file has no `Original url:` line.

    Why: the URL is the article's identity (its id is derived from it) and its provenance.
    Use instead: end the file with `Original url:`, a blank line, and `<https://...>`.
    """

    code = "ND206"
    name = "missing-url-section"
    severity = Severity.ERROR

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.url_section is None:
            last = max((n for n, text in enumerate(doc.lines, start=1) if text), default=None)
            yield self.found(
                ctx.path,
                last,
                "no `Original url:` section",
                hint="end the file with `Original url:`, a blank line and the URL",
            )


class MissingUrl(DocumentRule):
    """`Original url:` is not followed by a URL.

    Why: the URL is the article's identity and its provenance.
    """

    code = "ND207"
    name = "missing-url"
    severity = Severity.ERROR

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.url_section is not None and not doc.url_text:
            yield self.found(
                ctx.path, doc.url_section.line, "`Original url:` is not followed by a URL"
            )


class ContentAfterUrl(DocumentRule):
    """Text after the URL, which belongs to no field and would be lost.

    Why: the URL closes the file; anything after it is left out of the record.
    Use instead: move the text into the body, or delete it.
    """

    code = "ND208"
    name = "content-after-url"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.trailing:
            yield self.found(
                ctx.path,
                doc.trailing[0].line,
                f"{len(doc.trailing)} block(s) after the URL are not part of the record",
            )


class HeaderNotSeparated(DocumentRule):
    """Header lines (title, byline, date, publication) not separated by blank lines.

    Why: the layout separates every part by a blank line; newsdata still reads each line as its
    own field, but other readers of the layout may not.
    """

    code = "ND209"
    name = "header-not-separated"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        for block in doc.merged_header_lines:
            yield self.found(
                ctx.path,
                block.line,
                f"{block.line_count} header lines without blank lines between them",
                hint="separate title, byline, date and publication by blank lines",
            )


# A host name with a top-level domain, perhaps with a scheme and a path: `www.facebook.com`,
# `https://twitter.com/someone`. Names have spaces or no dotted domain; initials such as
# `S.A.` end in a dot, not in a domain of two or more letters.
_WEB_ADDRESS = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:[^\W_][\w-]*\.)+[^\W\d_]{2,}(?:[/?#]\S*)?$", re.IGNORECASE
)


class AuthorIsWebAddress(DocumentRule):
    """An author in the byline is a web address, not a name.

    Why: the extraction took a share or profile link for the author (`By [www.facebook.com](#)`);
    the `authors` list is meant for people and organisations, and a domain there is noise in
    every analysis by author.
    Use instead: the author's name, or no byline when there is none.
    """

    code = "ND210"
    name = "author-is-web-address"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.byline is None:
            return
        for author in doc.authors:
            if _WEB_ADDRESS.match(author):
                yield self.found(
                    ctx.path,
                    doc.byline.line,
                    f"the author {author!r} is a web address, not a name",
                    hint="put the author's name, or drop the byline",
                )
