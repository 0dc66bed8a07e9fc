"""Publication rules (ND5xx): is the outlet named, and does it match where the URL lives?"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from difflib import SequenceMatcher
from functools import lru_cache

from newsdata.check.rawtext import Document
from newsdata.diagnostics import Diagnostic, Severity
from newsdata.rules.base import DocumentRule, FileContext
from newsdata.urls import host_of
from newsdata.words import count_words, has_unspaced

__all__ = ["PublicationDomainMismatch", "PublicationLooksLikeSentence", "UnknownPublication"]

# Host labels that say nothing about the outlet.
_GENERIC_LABELS = frozenset(
    [
        "www",
        "www1",
        "www2",
        "m",
        "mobile",
        "amp",
        "edition",
        "en",
        "english",
        "news",
        "home",
        "web",
        "online",
        "article",
        "articles",
        "com",
        "net",
        "org",
        "co",
        "gov",
        "edu",
        "ac",
        "info",
        "biz",
        "io",
        "tv",
        "fm",
        "gg",
    ]
)
_MIN_SHARED = 4


class PublicationDomainMismatch(DocumentRule):
    """The publication is in the registry, but the URL's host is not one of its domains.

    Why: an article labelled `The Guardian` whose URL lives on another site has the wrong
    publication or the wrong URL. Subdomains count (`edition.cnn.com` belongs to CNN). Outlets
    that share a name (The Guardian of London and of Lagos) are all in the registry; a URL on
    the domains of any of them passes. News agencies' articles are republished under their
    name (`Reuters` on finance.yahoo.com), and aggregators (MSN, Yahoo News, Naver, Sina)
    carry every outlet's: those pass too.
    """

    code = "ND501"
    name = "publication-domain-mismatch"
    severity = Severity.ERROR

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.publication is None or doc.url is None or not doc.url_text:
            return
        known = ctx.registry.named(doc.publication.text)
        host = host_of(doc.url_text)
        if not known or not host or any(p.syndicated or p.owns_host(host) for p in known):
            return
        if not ctx.registry.republishes(host):
            domains = ", ".join(d for p in known for d in p.domains)
            yield self.found(
                ctx.path,
                doc.url.line,
                f"the URL's host {host} is not a domain of {known[0].name} ({domains})",
                hint="fix the publication line or the URL, or add the domain to the registry",
            )


def _letters(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if ch.isalnum())


def _labels(host: str) -> list[str]:
    parts = host.split(".")
    if len(parts) > 1:
        parts = parts[:-1]  # the top-level domain
    return [p for p in parts if p and p not in _GENERIC_LABELS]


# Articles and small words a name's initials may skip (English, French, Spanish, Italian,
# German, Portuguese): `The Sydney Morning Herald` is smh.
_SMALL_WORDS = frozenset(
    "the a an of and for on in at la le les l el los las lo il gli i der die das de del della "
    "di du des d o os as da do dos e y et und".split()
)


@lru_cache(maxsize=4096)
def resembles_host(name: str, host: str) -> bool:
    """Whether a publication name plausibly names the site at host.

    True when the name contains a host label or the reverse, when they share a run of at least
    four letters, or when the name's initials spell a host label (`Yonhap News Agency`, yna).
    A name in another script is also compared in Latin letters (anyascii's transliteration):
    `Коммерсантъ` names kommersant.ru, `Η Καθημερινή` kathimerini.gr.
    """
    if _resembles(name, host):
        return True
    if name.isascii():
        return False
    from anyascii import anyascii

    latin = anyascii(name)
    return latin != name and _resembles(latin, host)


def _resembles(name: str, host: str) -> bool:
    compact = _letters(name)
    if not compact:
        return False
    bare_host = host.removeprefix("www.")
    if compact in (_letters(host), _letters(bare_host)):
        return True
    words = [w for w in re.split(r"[\W_]+", name.casefold()) if w]
    # Initials with and without articles and small words (smh.com.au, `The Sydney Morning
    # Herald`).
    initials = "".join(w[0] for w in words)
    core = "".join(w[0] for w in words if w not in _SMALL_WORDS)
    for label in _labels(host):
        label = _letters(label)
        if not label:
            continue
        if label in compact or compact in label:
            return True
        if len(label) > 1 and any(
            letters and (label.startswith(letters) or letters.startswith(label))
            for letters in (initials, core)
        ):
            return True
        match = SequenceMatcher(None, compact, label, autojunk=False).find_longest_match()
        if match.size >= min(_MIN_SHARED, len(label)):
            return True
    return False


class UnknownPublication(DocumentRule):
    """A publication the registry does not know, whose name does not resemble the URL's host.

    Why: `LinkNaija` on linknaija.com is plausible; `Daily Planet` on example.org may be a
    mislabelled article. A name in another script is also compared in Latin letters
    (`Коммерсантъ` on kommersant.ru passes). On an aggregator's site (MSN, Yahoo News,
    Naver, Sina), which republishes other outlets' articles, any name passes. Add the outlet
    to the registry (`registry` in [tool.newsdata]) to silence this for good.
    """

    code = "ND502"
    name = "unknown-publication"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.publication is None or not doc.url_text:
            return
        host = host_of(doc.url_text)
        name = doc.publication.text
        if (
            host
            and not ctx.registry.named(name)
            and not resembles_host(name, host)
            and not ctx.registry.republishes(host)
        ):
            yield self.found(
                ctx.path,
                doc.publication.line,
                f"unknown publication {name!r} does not resemble the URL's host {host}",
                hint="check the publication, or add it to the publication registry",
            )


_WORD = re.compile(r"[^\W_]+(?:[.'’-][^\W_]+)*\.?", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?。！？]$")
_ABBREVIATION_END = re.compile(
    r"(?:\b[^\W\d_]{1,3}\.){2,}$|\b[^\W\d_]\.$"
    r"|\b(?:Inc|Ltd|Co|Corp|Bros|Jr|Sr|Ltda|Pty|Plc|Cie|Nr|No|St)\.$",
    re.IGNORECASE,
)
_MANY_WORDS = 9
_MANY_CJK_CHARACTERS = 30
_SENTENCE_MIN_WORDS = 4


def looks_like_sentence(name: str) -> bool:
    """Whether a publication line reads like a sentence or a headline rather than a name.

    Many words (9 or more), or terminal punctuation after four words or more, unless the line
    ends in an abbreviation (`DRK e.V.`, `Acme Inc.`). Short names with punctuation, such as
    `BLOG OFF!`, pass. In Chinese and Japanese, a line ending in 。！？ or of 30 or more
    characters reads as a sentence.
    """
    if has_unspaced(name):
        # Chinese and Japanese names run up to a dozen characters without spaces
        # (日本経済新聞 電子版); sentences end with 。！？ or run long.
        return bool(_SENTENCE_END.search(name)) or count_words(name) >= _MANY_CJK_CHARACTERS
    words = _WORD.findall(name)
    if len(words) >= _MANY_WORDS:
        return True
    if not _SENTENCE_END.search(name) or len(words) < _SENTENCE_MIN_WORDS:
        return False
    return not _ABBREVIATION_END.search(name)


class PublicationLooksLikeSentence(DocumentRule):
    """The publication line reads like a sentence or a headline, not an outlet's name.

    Why: when the publication line is missing, the first body paragraph or a subtitle slides
    into its place. Real names can carry punctuation (`BLOG OFF!`, `DRK e.V.`), so this checks
    for many words, or terminal punctuation after several words.
    """

    code = "ND503"
    name = "publication-looks-like-sentence"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if doc.publication is not None and looks_like_sentence(doc.publication.text):
            yield self.found(
                ctx.path,
                doc.publication.line,
                f"the publication line reads like a sentence: {doc.publication.text[:80]!r}",
                hint="the publication line may be missing; put the outlet's name there",
            )
