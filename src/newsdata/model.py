"""The article record: the single source of truth for the schema, the parser and the packages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from newsdata.urls import article_id
from newsdata.words import count_words

__all__ = ["SCHEMA_VERSION", "Article"]


def _well_formed_body(body: str) -> bool:
    """No line starts or ends with whitespace, no paragraph is empty, no blank line at the ends.

    (A loop over lines: one regular expression over the body is much slower.)
    """
    if body != body.strip() or "\n\n\n" in body:
        return False
    lines = body.split("\n")
    return lines == list(map(str.strip, lines))


#: Semantic version of the record schema. Bump the major part when a field is removed, renamed or
#: changes meaning; readers refuse releases with a newer major version.
SCHEMA_VERSION = "1.0.0"

# One line of text with no surrounding whitespace (the parser strips lines).
OneLine = Annotated[str, StringConstraints(pattern=r"^[^\s](?:[^\r\n]*[^\s])?$")]
_URL_PATTERN = r"^[hH][tT][tT][pP][sS]?://[^\s/?#]+[^\s]*$"  # schemes are case-insensitive


class Article(BaseModel):
    """One news article: its content, where it lives on the web, and which raw file it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="Article")

    id: Annotated[
        str,
        Field(
            pattern=r"^[0-9a-f]{16}$",
            description="Stable identifier: 16 hex digits of the SHA-256 of the canonical URL.",
        ),
    ]
    title: Annotated[OneLine, Field(description="The headline, one line.")]
    authors: Annotated[
        list[OneLine],
        Field(description="Author names in byline order; empty when there is no byline."),
    ]
    published: Annotated[dt.date, Field(description="Publication date (ISO 8601).")]
    publication: Annotated[
        OneLine, Field(max_length=100, description="Name of the outlet that published it.")
    ]
    url: Annotated[
        str,
        Field(pattern=_URL_PATTERN, description="The original URL, as given in the raw file."),
    ]
    body: Annotated[
        str,
        Field(min_length=1, description="The article text: paragraphs joined by blank lines."),
    ]
    word_count: Annotated[
        int, Field(ge=0, description="Words in the body (each CJK character counts as one).")
    ]
    source_path: Annotated[
        str,
        Field(
            min_length=1,
            description="Path of the raw file, relative to the corpus root, with / separators.",
        ),
    ]
    source_sha256: Annotated[
        str,
        Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the raw file's bytes."),
    ]

    @classmethod
    def create(
        cls,
        *,
        title: str,
        authors: list[str],
        published: dt.date,
        publication: str,
        url: str,
        body: str,
        source_path: str,
        source_sha256: str,
    ) -> Article:
        """A record from its content and provenance; id and word_count are derived."""
        return cls.model_validate(
            {
                "title": title,
                "authors": authors,
                "published": published,
                "publication": publication,
                "url": url,
                "body": body,
                "source_path": source_path,
                "source_sha256": source_sha256,
            }
        )

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        """Fill in id and word_count from url and body; refuse values that disagree with them."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name, derive, source in (
            ("id", article_id, "url"),
            ("word_count", count_words, "body"),
        ):
            value = data.get(source)
            if not isinstance(value, str):
                continue
            expected = derive(value)
            given = data.setdefault(name, expected)
            if given != expected:
                raise ValueError(f"{name} {given!r} does not match the {source} ({expected!r})")
        return data

    @model_validator(mode="after")
    def _paragraphs(self) -> Article:
        """The body's paragraphs carry no surrounding whitespace and no blank lines."""
        if not _well_formed_body(self.body):
            raise ValueError(
                "body paragraphs are separated by exactly one blank line and their "
                "lines carry no surrounding whitespace"
            )
        return self

    @property
    def paragraphs(self) -> list[str]:
        """The body split into its paragraphs."""
        return self.body.split("\n\n")
