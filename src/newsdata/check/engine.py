"""Checking files: read -> parse -> rules, one file at a time or in batches."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import platform
from collections.abc import Container, Iterable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TypeVar

from newsdata import __version__
from newsdata.check.discovery import Target, encodable
from newsdata.check.rawtext import Document, parse_text
from newsdata.check.reading import RawFile, decode, read_raw
from newsdata.check.results import FileResult, WorkerHook
from newsdata.config import Settings
from newsdata.diagnostics import Diagnostic, Severity
from newsdata.errors import ConfigError
from newsdata.publications import Registry, builtin_registry, load_registry_file
from newsdata.rules import CorpusRule, FileContext, Needs, Rule, use_plugin_files
from newsdata.rules.corpus import body_hash
from newsdata.urls import article_id

__all__ = [
    "RULESET_VERSION",
    "VERDICT_LIBRARIES",
    "Validator",
    "at_severity",
    "check_batch",
    "read_batch",
    "verdict_versions",
]

#: Bump when a rule's behaviour changes, so cached results made by the old rules are dropped.
RULESET_VERSION = "1"

_R = TypeVar("_R", Rule, CorpusRule)


class Validator:
    """Applies the selected rules, with their configured severities, to files."""

    def __init__(self, settings: Settings | None = None, *, defer_volatile: bool = False) -> None:
        """`defer_volatile`: leave out the rules that need Needs.TODAY (their verdicts are not
        cached); the caller judges them with `check_volatile`, on cached files too."""
        self.settings = settings or Settings()
        self.today = self.settings.today or dt.datetime.now(dt.UTC).date()
        self.registry = _registry(self.settings)
        # Plugins load here, in the parent before any worker starts (forked workers inherit
        # them; a fork-server's workers load them again from the same settings).
        self.rules = use_plugin_files(self.settings.plugins)
        enabled = _enabled(self.settings, self.rules.file_rules)
        # Each rule is judged as it declares: from the facts (the day), or the document, or else
        # the file as read. One that needs the day is judged from the facts alone.
        self.volatile_rules = [(r, s) for r, s in enabled if Needs.TODAY in r.needs]
        self.document_rules = [
            (r, s) for r, s in enabled if r.needs & Needs.DOCUMENT and not r.needs & Needs.TODAY
        ]
        self.byte_rules = [
            (r, s) for r, s in enabled if not r.needs & (Needs.DOCUMENT | Needs.TODAY)
        ]
        self.defer_volatile = defer_volatile
        self.corpus_rules = _enabled(self.settings, self.rules.corpus_rules)
        if not enabled and not self.corpus_rules:
            chosen = self.settings.selection
            raise ConfigError(
                f"the rule selection turns every rule off (select {_shown(chosen.select)}, "
                f"ignore {_shown(chosen.ignore)}): nothing would be checked"
            )

    def cache_key(self) -> str:
        """What per-file results depend on besides the file: tool, rules, settings, registry."""
        material = {
            "tool": __version__,
            "ruleset": RULESET_VERSION,
            "rules": [(r.code, s.value) for r, s in [*self.byte_rules, *self.document_rules]],
            "max_file_size": self.settings.max_file_size,
            "registry": self.registry.to_dict(),
            "code": _checking_code_digest(),
            "versions": verdict_versions(),
            "plugins": [plugin.describe() for plugin in self.rules.plugins],
        }
        text = json.dumps(material, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def context(self, raw: RawFile, target: Target) -> FileContext:
        """The rules' view of one file, parsed when its bytes can be read as text (its findings
        carry the path reports show)."""
        ctx = FileContext(
            path=target.file.shown,
            raw=raw,
            registry=self.registry,
            today=self.today,
            max_file_size=self.settings.max_file_size,
            problem=target.problem,
            problem_detail=target.detail,
            name=target.file.walked,
        )
        if raw.data is None or raw.is_blank:
            return ctx
        # Both judged once: the rules ND103 and ND104 read them from here. ASCII text without
        # control bytes cannot look binary, so the closer look is skipped.
        ctx.control_bytes = raw.has_control_bytes
        ctx.binary = (ctx.control_bytes or not raw.data.isascii()) and raw.is_binary
        if ctx.binary:
            return ctx
        text, bad = decode(raw.data)
        ctx.text, ctx.bad_utf8, ctx.doc = text, tuple(bad), parse_text(text)
        return ctx

    def check_context(self, ctx: FileContext) -> FileResult:
        """Run the file rules on one file (findings carry ctx.path)."""
        found: list[Diagnostic] = []
        for rule, severity in self.byte_rules:
            for diagnostic in rule.check(ctx):
                found.append(at_severity(diagnostic, severity))
        doc = ctx.doc
        if doc is None:
            result = FileResult((), sha256=_sha(ctx.raw))
        else:
            for document_rule, severity in self.document_rules:
                for diagnostic in document_rule.check_document(ctx, doc):
                    found.append(at_severity(diagnostic, severity))
            result = _facts(doc, _sha(ctx.raw))
        if not self.defer_volatile:
            found.extend(self.check_volatile([(ctx.path, result)]))
        result.findings = tuple(found)
        return result

    def check_volatile(self, files: Sequence[tuple[str, FileResult]]) -> list[Diagnostic]:
        """The findings of the rules that need Needs.TODAY, judged today from files' facts
        (fresh or cached), each file given with the path its findings carry."""
        found: list[Diagnostic] = []
        for rule, severity in self.volatile_rules:
            for diagnostic in rule.check_facts(files, self.today):
                found.append(at_severity(diagnostic, severity))
        return found

    def read(self, target: Target) -> RawFile:
        """The bytes of one file found by discovery (nothing for a path it already rejected)."""
        if target.problem is not None:
            return RawFile(size=0)
        if target.listed is not None:  # an object: fetched as a batch of one
            return read_batch(self, [target])[0]
        return read_raw(target.file.walked, self.settings.max_file_size)


def _shown(prefixes: Sequence[str]) -> list[str]:
    return [prefix or "ALL" for prefix in prefixes]


@cache
def _checking_code_digest() -> str:
    """SHA-256 of the code that decides per-file results, so that an edited rule drops cached
    results even when nobody remembered to bump RULESET_VERSION (a few small files)."""
    package = Path(__file__).parent.parent
    digest = hashlib.sha256()
    files = [*sorted((package / "rules").glob("*.py")), *(package / name for name in _CHECKING)]
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


#: The installed distributions whose behaviour decides per-file results: ftfy (mojibake,
#: ND109), anyascii (names in other scripts, ND502), rensa and numpy (the near-duplicate
#: signatures stored with each result, ND903). An upgrade of one drops the cached results.
VERDICT_LIBRARIES = ("ftfy", "anyascii", "rensa", "numpy")


@cache
def verdict_versions() -> dict[str, str | None]:
    """Python's version and the installed version of each of VERDICT_LIBRARIES (None when not
    installed), read from the distributions' metadata: the libraries are not imported."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in VERDICT_LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


_CHECKING = (
    "check/engine.py",
    "check/results.py",
    "check/rawtext.py",
    "check/reading.py",
    "storage/fetch.py",
    "words.py",
    "urls.py",
    "check/similarity.py",
    "publications.py",
    "model.py",
)


def _sha(raw: RawFile) -> str | None:
    return raw.sha256 if raw.data is not None else None


def _facts(doc: Document, sha256: str | None) -> FileResult:
    """What the corpus rules and the rules that need Needs.TODAY judge a parsed file by."""
    url = doc.url_text
    return FileResult(
        findings=(),
        sha256=sha256,
        article_id=article_id(url) if url else None,
        body_hash=body_hash(doc.body) if doc.paragraphs else None,
        url_line=doc.url.line if doc.url else None,
        body_line=doc.paragraphs[0].line if doc.paragraphs else None,
        date_line=doc.date.line if doc.date else None,
        published=doc.published.isoformat() if doc.published else None,
    )


def check_batch(
    validator: Validator,
    targets: Sequence[Target],
    *,
    signatures: bool,
    hook: WorkerHook | None = None,
    known: Container[str] = frozenset(),
) -> list[FileResult]:
    """Check a batch of files; with signatures, attach each body's MinHash signature; tell the
    `hook`, if any, of each file with the document it parsed (a release makes its records
    there, from the very bytes that were checked). A file whose content hash is `known` (the
    cache has a result for it) is read but not checked: its result is a `reused` stand-in.

    Each stage runs over the whole batch before the next (read all, parse all, check all), so
    that each stage's code and data stay in the CPU cache.
    """
    raws = read_batch(validator, targets)
    if known and hook is None:
        # (A file name that is not UTF-8 is itself a finding, ND110: such files are always
        # checked, as they are never cached.)
        reused = {
            i: digest
            for i, (raw, target) in enumerate(zip(raws, targets, strict=True))
            if (digest := _sha(raw)) is not None
            and digest in known
            and encodable(target.file.walked)
        }
        if reused:
            return _with_reused(validator, targets, raws, reused, signatures=signatures)
    contexts = [validator.context(raw, target) for raw, target in zip(raws, targets, strict=True)]
    results = _check_contexts(validator, contexts, signatures=signatures)
    if hook is not None:
        for ctx, result, target in zip(contexts, results, targets, strict=True):
            hook.on_checked(target.file, ctx.doc, result)
    return results


def read_batch(validator: Validator, targets: Sequence[Target]) -> list[RawFile]:
    """A batch's bytes, in its order: each local file read on its own (reading.read_raw), the
    objects of object storage fetched together in one call (storage/fetch.py)."""
    objects = [
        (i, (t.file.walked, t.listed))
        for i, t in enumerate(targets)
        if t.listed is not None and t.problem is None
    ]
    if not objects:  # fsspec is never imported for local files
        return [validator.read(target) for target in targets]
    from newsdata.storage.fetch import fetch_objects

    fetched = fetch_objects([o for _, o in objects], validator.settings.max_file_size)
    raws = dict(zip((i for i, _ in objects), fetched, strict=True))
    return [raws[i] if i in raws else validator.read(t) for i, t in enumerate(targets)]


def _check_contexts(
    validator: Validator, contexts: Sequence[FileContext], *, signatures: bool
) -> list[FileResult]:
    """The files' results, each with its body's MinHash signature if asked for."""
    results = [validator.check_context(ctx) for ctx in contexts]
    if signatures and contexts:
        from newsdata.check.similarity import signatures as compute

        with_body = [
            i for i, ctx in enumerate(contexts) if ctx.doc is not None and ctx.doc.paragraphs
        ]
        matrix = compute([contexts[i].doc.body for i in with_body])  # type: ignore[union-attr]
        for row, index in enumerate(with_body):
            results[index].signature = matrix[row].tobytes()
    return results


def _with_reused(
    validator: Validator,
    targets: Sequence[Target],
    raws: list[RawFile],
    reused: dict[int, str],
    *,
    signatures: bool,
) -> list[FileResult]:
    """The batch's results: stand-ins for the reused files, the others checked."""
    rest = [i for i in range(len(targets)) if i not in reused]
    contexts = [validator.context(raws[i], targets[i]) for i in rest]
    checked = dict(
        zip(rest, _check_contexts(validator, contexts, signatures=signatures), strict=True)
    )
    return [
        FileResult((), sha256=reused[i], reused=True) if i in reused else checked[i]
        for i in range(len(targets))
    ]


def _registry(settings: Settings) -> Registry:
    registry = builtin_registry()
    extra = [load_registry_file(path) for path in settings.registry_files]
    if not extra:
        return registry
    return registry.extended(
        Registry(
            [p for r in extra for p in r.publications], [a for r in extra for a in r.aggregators]
        )
    )


def _enabled(settings: Settings, rules: Iterable[_R]) -> list[tuple[_R, Severity]]:
    chosen: list[tuple[_R, Severity]] = []
    for rule in rules:
        severity = settings.selection.decide(rule.code, rule.severity)
        if severity is not None:
            chosen.append((rule, severity))
    return chosen


def at_severity(diagnostic: Diagnostic, severity: Severity) -> Diagnostic:
    """The diagnostic with the severity configured for its rule."""
    return diagnostic if diagnostic.severity is severity else replace(diagnostic, severity=severity)
