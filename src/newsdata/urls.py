"""URL facts the rules and the record need: canonical form, stable id, dates in paths, trackers."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = [
    "TRACKING_PARAMETERS",
    "article_id",
    "canonical_url",
    "date_in_path",
    "host_of",
    "is_tracking_parameter",
]

#: Query parameters that identify a campaign or a click, never the article (rule ND402).
TRACKING_PARAMETERS: frozenset[str] = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
        "rb_clickid",
        "s_cid",
        "ocid",
        "cmpid",
        "ncid",
        "sr_share",
        "smid",
        "ito",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")


def is_tracking_parameter(name: str) -> bool:
    """Whether a query parameter only tracks the reader (utm_*, fbclid, gclid, ...)."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(_TRACKING_PREFIXES)


@lru_cache(maxsize=4096)
def host_of(url: str) -> str:
    """The URL's host, lowercased, without a trailing dot; empty when there is none."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


def canonical_url(url: str) -> str:
    """The form two URLs of the same article share.

    https for http, lowercase host without ``www.``, no default port, no fragment, no tracking
    parameters, remaining query parameters sorted, no trailing slash on a path.
    """
    parts = urlsplit(url.strip())
    host = host_of(url)
    host = host.removeprefix("www.")
    port = _port(parts)
    netloc = f"{host}:{port}" if port and port not in (80, 443) else host
    path = parts.path or "/"
    if "//" in path:
        path = _SLASHES.sub("/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    query = ""
    if parts.query:
        query = urlencode(
            sorted(
                (k, v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not is_tracking_parameter(k)
            )
        )
    return urlunsplit(("https", netloc, path, query, ""))


_SLASHES = re.compile(r"/{2,}")


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError:
        return None


def article_id(url: str) -> str:
    """The stable record id: 16 hex digits of the SHA-256 of the canonical URL."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:16]


# A date written into the URL's path, in one of five shapes after a four-digit year
# (/2013/04/06/, /2013-04-06/, /20130406/, /201311/17/, /2023-11/17/), anchored on path-segment
# boundaries so that long numeric ids (``/AEN20190820002300325``) are never read as dates. One
# pattern for all five: the shapes differ in the character after the year or the month, so at
# most one of them matches at any position.
_DATE_IN_PATH = re.compile(
    r"/(?P<y>(?:19|20)\d\d)"
    r"(?:/(?P<m1>\d{1,2})/(?P<d1>\d{1,2})"
    r"|-(?P<m2>\d\d)-(?P<d2>\d\d)"
    r"|(?P<m3>\d\d)(?P<d3>\d\d)"
    r"|(?P<m4>\d\d)/(?P<d4>\d\d)"
    r"|-(?P<m5>\d\d)/(?P<d5>\d\d))"
    r"(?:/|$|[-_.])"
)


@lru_cache(maxsize=1024)
def date_in_path(url: str) -> dt.date | None:
    """The first real calendar date written into the URL's path, if any."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    if "/19" not in path and "/20" not in path:
        return None
    position = 0
    while match := _DATE_IN_PATH.search(path, position):
        year, month, day = (int(x) for x in match.groups() if x is not None)
        try:
            return dt.date(year, month, day)
        except ValueError:
            position = match.start() + 1  # not a real date: look further on
    return None
