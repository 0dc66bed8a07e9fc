"""Counts a release reports about itself, gathered while its rows are written."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = ["ReleaseStats"]


@dataclass
class ReleaseStats:
    """Articles, date range, publications and years, accumulated one record at a time."""

    articles: int = 0
    words: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    publications: Counter[str] = field(default_factory=Counter)
    years: Counter[int] = field(default_factory=Counter)

    #: The columns add_columns reads.
    COLUMNS: ClassVar[tuple[str, ...]] = ("word_count", "published", "publication")

    def add_columns(self, columns: dict[str, list[Any]]) -> None:
        """Count a chunk of records given as column lists."""
        dates: list[dt.date] = columns["published"]
        self.articles += len(dates)
        self.words += sum(columns["word_count"])
        if dates:
            self.first = min(self.first or min(dates), min(dates))
            self.last = max(self.last or max(dates), max(dates))
        self.publications.update(" ".join(p.split()) for p in columns["publication"])
        self.years.update(d.year for d in dates)
