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


# A date written into the URL's path. Each pattern is anchored on path-segment boundaries so that
# long numeric ids (``/AEN20190820002300325``) are never read as dates.
_SEP = r"(?:/|$|[-_.])"
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>\d{1,2})/(?P<d>\d{1,2})" + _SEP),  # /2013/04/06/
    re.compile(r"/(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)" + _SEP),  # /2013-04-06/
    re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)" + _SEP),  # /20130406/
    re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>\d\d)/(?P<d>\d\d)" + _SEP),  # /201311/17/
    re.compile(r"/(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)/(?P<d>\d\d)" + _SEP),  # /2023-11/17/
)


@lru_cache(maxsize=1024)
def date_in_path(url: str) -> dt.date | None:
    """The first real calendar date written into the URL's path, if any."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    found: list[tuple[int, dt.date]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(path):
            try:
                day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
            found.append((match.start(), day))
            break
    return min(found)[1] if found else None
