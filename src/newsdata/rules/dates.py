"""Date rules (ND3xx): is the publication date present, real and consistent?"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from newsdata.check.rawtext import DateStatus, Document, render_date
from newsdata.diagnostics import Diagnostic, Severity
from newsdata.rules.base import DailyRule, DocumentRule, FileContext
from newsdata.urls import date_in_path, host_of

if TYPE_CHECKING:
    from newsdata.check.results import FileResult

__all__ = [
    "DateBeforeFounding",
    "FutureDate",
    "ImpossibleDate",
    "MissingDate",
    "UnparseableDate",
    "UrlDateMismatch",
    "UrlDateOffByOne",
]

#: Dates up to this many days after today (UTC) are accepted: it is already tomorrow somewhere.
FUTURE_TOLERANCE = dt.timedelta(days=1)


class MissingDate(DocumentRule):
    """No date line after the title (and byline).

    Why: the publication date is required for every record and for most analyses.
    Use instead: `April 06, 2013` (or `2013-04-06`) on its own line.
    """

    code = "ND301"
    name = "missing-date"
    severity = Severity.ERROR

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.date is None and doc.title is not None:
            anchor = doc.byline or doc.title
            yield self.found(
                ctx.path,
                anchor.line + 2,
                "no date line",
                hint="add the date as `April 06, 2013` after the title and byline",
            )


class UnparseableDate(DocumentRule):
    """A date line that is not in an accepted form.

    Why: only `Month DD, YYYY` (English month names, full or abbreviated), `DD Month YYYY` and
    ISO `YYYY-MM-DD` are read; anything else would be guessed at, and guesses go wrong.
    Example: `06/04/2013` (April 6 or June 4?)
    Use instead: `April 06, 2013` or `2013-04-06`.
    """

    code = "ND302"
    name = "unparseable-date"
    severity = Severity.ERROR

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.date is not None and doc.date_status == DateStatus.UNPARSEABLE:
            yield self.found(
                ctx.path,
                doc.date.line,
                f"cannot read the date {doc.date.text!r}",
                hint="write it as `April 06, 2013` or `2013-04-06`",
            )


class ImpossibleDate(DocumentRule):
    """A date that does not exist in the calendar.

    Why: `February 30, 2013` is a typo or a broken conversion; no real date can be stored.
    """

    code = "ND303"
    name = "impossible-date"
    severity = Severity.ERROR

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.date is not None and doc.date_status == DateStatus.IMPOSSIBLE:
            yield self.found(ctx.path, doc.date.line, f"{doc.date.text!r} is not a real date")


class FutureDate(DailyRule):
    """A publication date in the future (more than one day after today, UTC).

    Why: an article cannot be published after it was collected; the date is wrong.
    """

    code = "ND304"
    name = "future-date"
    severity = Severity.ERROR

    def check_facts(
        self, files: Sequence[tuple[str, FileResult]], today: dt.date
    ) -> Iterator[Diagnostic]:
        latest = (today + FUTURE_TOLERANCE).isoformat()
        for path, facts in files:
            # ISO dates compare as strings, and `published` is one.
            if facts.published is not None and facts.published > latest:
                message = f"the date {facts.published} is in the future"
                yield self.found(path, facts.date_line, message)


class DateBeforeFounding(DocumentRule):
    """A date before the publication's founding year, when the registry knows that year.

    Why: an outlet cannot publish before it exists; the date or the publication is wrong.
    """

    code = "ND305"
    name = "date-before-founding"
    severity = Severity.ERROR

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if not (doc.date and doc.published and doc.publication):
            return
        # Of outlets sharing the name, the one the URL belongs to (ambiguous: none).
        known = ctx.registry.lookup(doc.publication.text, host_of(doc.url_text or ""))
        if known and known.founded and doc.published.year < known.founded:
            yield self.found(
                ctx.path,
                doc.date.line,
                f"{doc.published.isoformat()} is before {known.name} was founded ({known.founded})",
            )


def _url_gap(doc: Document) -> tuple[int, dt.date, dt.date] | None:
    """Days between the URL's date and the date line, the URL's date, and the stated date."""
    if doc.published is None or not doc.url_text:
        return None
    in_url = date_in_path(doc.url_text)
    if in_url is None:
        return None
    return abs((in_url - doc.published).days), in_url, doc.published


class UrlDateMismatch(DocumentRule):
    """The date in the URL's path differs from the stated date by more than one day.

    Why: outlets put the publication date in the path (`/2013/04/06/`, `/2013-04-06/`,
    `/20130406/`); when it disagrees, the date line or the URL belongs to another article.
    """

    code = "ND306"
    name = "url-date-mismatch"
    severity = Severity.ERROR

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        gap = _url_gap(doc)
        if gap and gap[0] > 1 and doc.date:
            yield self.found(
                ctx.path,
                doc.date.line,
                f"the URL says {gap[1].isoformat()}, the date line {render_date(gap[2])}",
                hint="check which of the two is right",
            )


class UrlDateOffByOne(DocumentRule):
    """The date in the URL's path is one day off the stated date.

    Why: usually time zones or overnight publishing, so only a warning, but worth a look.
    """

    code = "ND307"
    name = "url-date-off-by-one"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        gap = _url_gap(doc)
        if gap and gap[0] == 1 and doc.date:
            yield self.found(
                ctx.path,
                doc.date.line,
                f"the URL says {gap[1].isoformat()}, one day off the date line",
            )
