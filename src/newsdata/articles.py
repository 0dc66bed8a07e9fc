"""Articles and their raw files, both ways: `parse` a file's bytes into an Article (with the
rules' findings), `render` an Article back into the raw layout (docs/raw-format.md).

`parse(render(a))` gives back `a`. The layout's parts are read by newsdata.check.rawtext; checking
them is newsdata.check.engine's work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsdata.check.rawtext import Document, render_byline, render_date

if TYPE_CHECKING:
    from newsdata.config import Settings
    from newsdata.diagnostics import Diagnostic
    from newsdata.model import Article

__all__ = ["parse", "record", "record_gaps", "render"]


def parse(
    data: bytes, path: str = "<memory>", settings: Settings | None = None
) -> tuple[Article | None, list[Diagnostic]]:
    """Read one raw file's bytes: the record (None if a required part is missing) and findings."""
    from pydantic import ValidationError

    from newsdata.check.discovery import Target
    from newsdata.check.engine import Validator
    from newsdata.check.reading import RawFile

    # Checking loads the engine and every rule: imported here, so that `render` stays cheap.
    from newsdata.diagnostics import Diagnostic

    validator = Validator(settings)
    ctx = validator.context(RawFile(size=len(data), data=data), Target.at(path))
    findings = sorted(validator.check_context(ctx).findings, key=Diagnostic.sort_key)
    if ctx.doc is None:
        return None, findings
    try:
        return record(ctx.doc, path, ctx.raw.sha256), findings
    except (ValueError, ValidationError):
        return None, findings


def render(article: Article) -> str:
    """Write an article in the raw layout; `parse(render(a))` gives back `a`."""
    parts = [article.title]
    if article.authors:
        parts.append(render_byline(article.authors))
    parts += [render_date(article.published), article.publication, article.body]
    parts += ["Original url:", f"<{article.url}>"]
    return "\n\n".join(parts) + "\n"


def record(doc: Document, path: str, sha256: str) -> Article:
    """The record a parsed file makes; ValueError (or pydantic's) when a part is missing."""
    from newsdata.model import Article

    if doc.title is None or doc.published is None or doc.publication is None:
        raise ValueError(f"the record needs {' and '.join(record_gaps(doc))}")
    return Article.create(
        title=doc.title.text,
        authors=doc.authors,
        published=doc.published,
        publication=doc.publication.text,
        url=doc.url_text or "",
        body=doc.body,
        source_path=path,
        source_sha256=sha256,
    )


def record_gaps(doc: Document) -> list[str]:
    """What a record needs that the parsed file lacks (each as `a title`, `a valid date`...)."""
    needed = (
        ("a title", doc.title),
        ("a valid date", doc.published),
        ("a publication", doc.publication),
    )
    return [part for part, found in needed if found is None]
