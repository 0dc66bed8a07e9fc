"""URL rules (ND4xx): is the original URL a real, clean web address?"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

from newsdata.check.rawtext import Document
from newsdata.diagnostics import Diagnostic, Severity
from newsdata.rules.base import DocumentRule, FileContext
from newsdata.urls import is_tracking_parameter

__all__ = ["InvalidUrl", "TrackingParameters"]

# A host name: dot-separated labels of letters (any script), digits and hyphens, or an IP.
_LABEL = r"(?!-)[^\W_](?:[\w-]{0,61}[^\W_])?"
_HOST = re.compile(
    rf"^(?:{_LABEL}\.)+(?:[^\W\d_]{{2,63}}|xn--[a-z0-9-]{{1,59}})$|^\d{{1,3}}(?:\.\d{{1,3}}){{3}}$"
)


def url_problem(url: str) -> str | None:
    """What is wrong with a URL, or None when it is an absolute http(s) URL with a real host."""
    # isprintable() is False for every whitespace character but the plain space.
    if " " in url or (not url.isprintable() and any(ch.isspace() for ch in url)):
        return "the URL contains whitespace"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return f"the URL is malformed ({error})"
    if parts.scheme.lower() not in {"http", "https"}:
        if not parts.scheme:
            return "the URL is not absolute (no http:// or https://)"
        return f"the URL's scheme is {parts.scheme!r}, not http or https"
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return "the URL has no host"
    if port == 0:
        return "the URL's port is 0"
    if not (_HOST.match(host) or host == "localhost"):
        return f"the URL's host {host!r} is not a valid host name"
    if parts.netloc.count("@") and parts.username is not None:
        return "the URL carries a user name or password"
    return None


class InvalidUrl(DocumentRule):
    """The original URL is not an absolute http(s) URL, or is malformed.

    Why: the URL identifies the article and must lead back to it.
    Example: `www.example.com/story`, `https//example.com/story`, `https://exa mple.com/`
    Use instead: `<https://www.example.com/story>`
    """

    code = "ND401"
    name = "invalid-url"
    severity = Severity.ERROR

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.url is None or not doc.url_text:
            return
        problem = url_problem(doc.url_text)
        if problem:
            yield self.found(ctx.path, doc.url.line, f"{problem}: {doc.url_text[:200]!r}")


class TrackingParameters(DocumentRule):
    """The URL carries tracking parameters (`utm_*`, `fbclid`, `gclid`, ...).

    Why: they identify a campaign or a click, not the article; they leak where a link was
    found and make one article look like several. The id already ignores them.
    Use instead: the URL without them.
    """

    code = "ND402"
    name = "tracking-parameters"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.url is None or not doc.url_text:
            return
        try:
            query = urlsplit(doc.url_text).query
        except ValueError:
            return
        if not query:
            return
        names = sorted(
            {k for k, _ in parse_qsl(query, keep_blank_values=True) if is_tracking_parameter(k)}
        )
        if names:
            yield self.found(
                ctx.path,
                doc.url.line,
                f"tracking parameter(s) in the URL: {', '.join(names)}",
                hint="remove them from the URL",
            )
