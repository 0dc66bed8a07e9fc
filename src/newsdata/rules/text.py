"""Text rules (ND6xx): is the article text clean, whole and free of page furniture?"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.entities import html5

from newsdata.check.rawtext import Block, Document
from newsdata.diagnostics import Diagnostic, Severity
from newsdata.rules.base import DocumentRule, FileContext
from newsdata.words import count_words, has_words

__all__ = ["Boilerplate", "HtmlRemnant", "OddWhitespace", "ShortBody", "SplitParagraph"]

MIN_BODY_WORDS = 50

# Characters that may end a paragraph: sentence punctuation in several scripts, closing quotes
# and brackets, dashes and ellipses. German closes quotes with “ ‘ « ‹, Armenian ends a sentence
# with ։, Greek uses · and ; (the scripts without letter case never trigger the rule).
_TERMINAL = set(".!?:;…\"'”’»)]}」』】）。！？．｡—–“‘«‹›։·;")


class SplitParagraph(DocumentRule):
    """A paragraph that stops mid-sentence and continues in the next one.

    Why: a blank line inside a sentence splits one paragraph in two, which breaks sentence
    segmentation and paragraph-level statistics.
    Example: `... it has refused to back calls for Assad` / blank line / `to step down, ...`
    Use instead: join the two lines.
    """

    code = "ND601"
    name = "split-paragraph"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        for before, after in zip(doc.paragraphs, doc.paragraphs[1:], strict=False):
            if before.text[-1] not in _TERMINAL and after.text[0].islower():
                yield self.found(
                    ctx.path,
                    before.line + before.line_count - 1,
                    f"the paragraph ends without punctuation and continues at line {after.line}",
                    hint="join the two paragraphs",
                )


# Doubled spaces, and any whitespace other than a plain space (tabs, no-break and zero-width
# spaces). A single ideographic space (U+3000) is normal in CJK text and allowed.
_ODD_SPACE = re.compile(r"[^\S\u3000]{2,}|[^\S \u3000]|[\u200b-\u200d\u2060\ufeff]|\u3000{2,}")


class OddWhitespace(DocumentRule):
    """Doubled or unusual whitespace inside the title, byline or publication.

    Why: `The  Moscow Times` and `The Moscow Times` are the same outlet to a reader but not to
    `group by`; tabs, no-break and zero-width spaces hide in metadata the same way. A single
    no-break space before `: ; ! ? »` or after `«` is French typography and passes.
    Use instead: single plain spaces.
    """

    code = "ND602"
    name = "odd-whitespace"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        for label, block in (
            ("title", doc.title),
            ("byline", doc.byline),
            ("publication", doc.publication),
        ):
            if block is None:
                continue
            text = block.text
            if text.isascii() and text.isprintable() and "  " not in text:
                continue  # only a plain single space can be there: nothing to report
            match = _odd_space(text)
            if match:
                yield self.found(
                    ctx.path,
                    block.line,
                    f"{_describe(match.group())} in the {label}",
                    column=match.start() + 1,
                    hint="use single plain spaces",
                )


_FRENCH_SPACES = "\u00a0\u202f"  # no-break and narrow no-break space


def _odd_space(text: str) -> re.Match[str] | None:
    """The first odd whitespace, leaving out the no-break spaces of French typography."""
    for match in _ODD_SPACE.finditer(text):
        space, start, end = match.group(), match.start(), match.end()
        french = space in _FRENCH_SPACES and (
            text[end : end + 1] in (":", ";", "!", "?", "»") or text[start - 1 : start] == "«"
        )
        if not french:
            return match
    return None


def _describe(space: str) -> str:
    if set(space) == {" "}:
        return f"{len(space)} spaces in a row"
    odd = next(ch for ch in space if ch != " ")
    return f"unusual whitespace U+{ord(odd):04X}"


_HTML_TAGS = [
    "a",
    "abbr",
    "article",
    "aside",
    "audio",
    "b",
    "blockquote",
    "body",
    "br",
    "button",
    "caption",
    "center",
    "cite",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "label",
    "li",
    "link",
    "meta",
    "nav",
    "noscript",
    "ol",
    "option",
    "p",
    "picture",
    "pre",
    "q",
    "s",
    "script",
    "section",
    "select",
    "small",
    "source",
    "span",
    "strong",
    "style",
    "sub",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "u",
    "ul",
    "video",
]
_TAG = re.compile(r"</?(?:" + "|".join(_HTML_TAGS) + r")(?:\s[^<>]*)?/?>|<!--.*?-->", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _html_remnant(text: str) -> re.Match[str] | None:
    tag = _TAG.search(text)
    if tag:
        return tag
    for entity in _ENTITY.finditer(text):
        name = entity.group()[1:]
        if name.startswith("#") or name in html5:
            return entity
    return None


class HtmlRemnant(DocumentRule):
    """HTML tags or character entities left in the text (`<p>`, `&nbsp;`, `&amp;`).

    Why: they are markup, not text; readers see them verbatim and models learn them.
    Use instead: the plain text (`&amp;` is `&`, `&nbsp;` a space).
    """

    code = "ND603"
    name = "html-remnant"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        for block in doc.text_blocks():
            if "<" not in block.text and "&" not in block.text:
                continue
            match = _html_remnant(block.text)
            if match:
                line, column = _position(block, match.start())
                yield self.found(
                    ctx.path,
                    line,
                    f"HTML remnant {match.group()[:40]!r} in the text",
                    column=column,
                    hint="replace markup with plain text",
                )


def _position(block: Block, offset: int) -> tuple[int, int]:
    before = block.text[:offset]
    line = block.line + before.count("\n")
    return line, offset - (before.rfind("\n") + 1) + 1


class ShortBody(DocumentRule):
    """A body shorter than 50 words.

    Why: a news article is rarely this short; usually the extraction kept only a teaser, a
    caption or a paywall notice. Each CJK character counts as a word.
    """

    code = "ND604"
    name = "short-body"
    severity = Severity.WARNING

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        if not doc.paragraphs or has_words(doc.body, MIN_BODY_WORDS):
            return
        words = count_words(doc.body)
        if words < MIN_BODY_WORDS:
            yield self.found(
                ctx.path,
                doc.paragraphs[0].line,
                f"the body has only {words} word(s) (fewer than {MIN_BODY_WORDS})",
                hint="check that the whole article was extracted",
            )


# (pattern, what it catches). Matched against whole paragraphs of at most 25 words.
BOILERPLATE_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        r"^(?:read|see) (?:more|also|next)\b|^(?:watch|listen) (?:more|now)\b|^more reading\b",
        "read-more prompts: `Read more: ...`, `See also`",
    ),
    (
        r"^(?:related|recommended)(?: (?:stories|articles|content|coverage|links|reading|news"
        r"|posts|topics))?\s*(?::|$)",
        "related-content headers: `Related Stories`",
    ),
    (
        r"^(?:lesen sie (?:auch|mehr)|mehr zum thema|auch interessant)\b"
        r"|^(?:à )?lire (?:aussi|la suite)\b|^voir aussi\b"
        r"|^(?:lee|leer|lea) (?:también|más)\b|^ver también\b|^te puede interesar\b"
        r"|^(?:leia|veja) (?:também|mais)\b|^leggi anche\b|^lees (?:ook|meer)\b"
        r"|^читайте (?:также|ещё|еще)\b|^اقرأ أيضا"
        r"|^(?:相关阅读|延伸阅读|相關閱讀|延伸閱讀|関連記事|あわせて読みたい|관련\s?기사)",
        "read-more prompts in other languages: `Lesen Sie auch`, `Lire aussi`, `Leia também`,"
        " `Читайте также`, `相关阅读`, `関連記事`, `관련기사`",
    ),
    (
        r"^[(\[（【]?\s*(?:责任编辑|責任編輯|编辑|編輯)\s*[:：]",
        "editor credit lines: `【责任编辑：...】`",
    ),
    (r"^more (?:on|from) (?:this|our)\b", "`More on this story`"),
    (
        r"^(?:sign up|subscribe)\b.*\bnewsletters?\b|^subscribe(?: now| today)?\s*[:!.]?$"
        r"|^(?:get|join) our (?:free )?newsletters?\b",
        "newsletter prompts: `Sign up for our newsletter`",
    ),
    (
        r"^(?:this (?:web)?site|we) uses? cookies\b|^(?:accept|manage|reject) (?:all )?cookies\b"
        r"|^cookie (?:policy|settings|preferences)\b",
        "cookie notices: `We use cookies ...`",
    ),
    (
        r"^(?:share|tweet|email)(?: this)?(?: (?:article|story|page|post))?"
        r"(?: (?:on|via) \w+)?\s*:?$",
        "share prompts: `Share this article`",
    ),
    (r"^(?:click|tap) here\b", "`Click here ...`"),
    (
        r"^follow us\b|^follow .{1,40} on (?:twitter|x|facebook|instagram|tiktok)\b",
        "social prompts: `Follow us on Twitter`",
    ),
    (r"^advertisement$|^(?:sponsored|ad)$", "advertisement markers"),
    (r"^(?:add to cart|shop now|buy now)\b", "shopping prompts: `ADD TO CART: ...`"),
    (r"^all rights reserved\b|^(?:copyright|©)\s*(?:\d{4}|\w)", "copyright lines"),
)
_BOILERPLATE = [(re.compile(p, re.IGNORECASE), what) for p, what in BOILERPLATE_PATTERNS]
# One pass per paragraph: the union of the patterns, tried only at the paragraph's start.
_ANY_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p, _ in BOILERPLATE_PATTERNS), re.IGNORECASE)
_BOILERPLATE_MAX_WORDS = 25


class Boilerplate(DocumentRule):
    """A body paragraph that is page furniture: newsletter, cookie, share or read-more prompts.

    Why: these lines come from the web page, not the article; they repeat across thousands
    of records and pollute text statistics and models. Only short paragraphs (25 words or
    fewer) are checked, against the patterns below.
    Use instead: delete the line.
    """

    code = "ND605"
    name = "boilerplate"
    severity = Severity.WARNING
    details = tuple(f"`{p}`: {what}" for p, what in BOILERPLATE_PATTERNS)

    def check_document(self, ctx: FileContext, doc: Document) -> Iterator[Diagnostic]:
        for block in doc.paragraphs:
            if not _ANY_BOILERPLATE.match(block.text):
                continue
            if has_words(block.text, _BOILERPLATE_MAX_WORDS + 1):
                continue
            for pattern, what in _BOILERPLATE:
                if pattern.match(block.text):
                    yield self.found(
                        ctx.path,
                        block.line,
                        f"boilerplate line ({what.split(':')[0]}): {block.text[:60]!r}",
                        hint="delete it",
                    )
                    break
