"""The registry of known publications: names, the domains they publish on, founding years."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from newsdata.errors import ConfigError

__all__ = ["Aggregator", "Publication", "Registry", "builtin_registry", "normalize_name"]

_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def normalize_name(name: str) -> str:
    """The form names are matched in: case-folded, whitespace runs as one space."""
    return _SPACES.sub(" ", name).strip().casefold()


def _owns(domains: tuple[str, ...], host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


@dataclass(frozen=True, slots=True)
class Publication:
    """One outlet: its name, other names it goes by, its web domains and founding year.

    A syndicated outlet (a news agency: Reuters, AFP, Xinhua) has its articles republished,
    under its name, on other outlets' sites: a URL elsewhere is no mismatch.
    """

    name: str
    domains: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    founded: int | None = None
    syndicated: bool = False

    def owns_host(self, host: str) -> bool:
        """Whether a URL host belongs to this outlet (subdomains count)."""
        return _owns(self.domains, host)

    def to_dict(self) -> dict[str, object]:
        """The registry file's entry for this outlet."""
        entry: dict[str, object] = {
            "name": self.name,
            "aliases": list(self.aliases),
            "domains": list(self.domains),
            "founded": self.founded,
        }
        if self.syndicated:
            entry["syndicated"] = True
        return entry


@dataclass(frozen=True, slots=True)
class Aggregator:
    """A site that republishes other outlets' articles under their names (a portal such as
    Yahoo News, Naver or Sina; a news app's web pages): its URLs may carry any publication."""

    name: str
    domains: tuple[str, ...]

    def owns_host(self, host: str) -> bool:
        """Whether a URL host belongs to this site (subdomains count)."""
        return _owns(self.domains, host)

    def to_dict(self) -> dict[str, object]:
        """The registry file's entry for this site."""
        return {"name": self.name, "domains": list(self.domains)}


class Registry:
    """Known publications, looked up by any of their names.

    Several outlets may share a name (The Guardian of London, Lagos and Port of Spain): a name
    leads to all of them, in registry order.
    """

    def __init__(
        self, publications: Iterable[Publication], aggregators: Iterable[Aggregator] = ()
    ) -> None:
        self.publications: tuple[Publication, ...] = tuple(publications)
        self.aggregators: tuple[Aggregator, ...] = tuple(aggregators)
        self._by_name: dict[str, tuple[Publication, ...]] = {}
        for publication in self.publications:
            for name in (publication.name, *publication.aliases):
                key = normalize_name(name)
                if publication not in self._by_name.get(key, ()):
                    self._by_name[key] = (*self._by_name.get(key, ()), publication)

    def named(self, name: str) -> tuple[Publication, ...]:
        """Every publication a publication line may name (none when the registry knows none)."""
        return self._by_name.get(normalize_name(name), ())

    def lookup(self, name: str, host: str = "") -> Publication | None:
        """The publication a publication line names: of several that share the name, the one
        owning the URL's host, else None (it is ambiguous); a name only one outlet has, that
        one."""
        found = self.named(name)
        owner = next((p for p in found if host and p.owns_host(host)), None)
        if owner is not None or len(found) != 1:
            return owner
        return found[0]

    def republishes(self, host: str) -> bool:
        """Whether a URL host is an aggregator's, where any publication may appear."""
        return any(a.owns_host(host) for a in self.aggregators)

    def extended(self, other: Registry) -> Registry:
        """A registry with the other's entries first: of outlets sharing a name and a URL's
        host, `lookup` gives the other's."""
        return Registry(
            [*other.publications, *self.publications], [*other.aggregators, *self.aggregators]
        )

    def to_dict(self) -> dict[str, object]:
        """The registry file's content."""
        return {
            "description": _DESCRIPTION,
            "publications": [p.to_dict() for p in self.publications],
            "aggregators": [a.to_dict() for a in self.aggregators],
        }


_DESCRIPTION = (
    "Known news publications: the name (and aliases) an article's publication line may carry, "
    "the web domains its articles live on (subdomains count), and the year it was founded; "
    "syndicated ones (news agencies) also appear on other outlets' sites. Names match "
    "case-insensitively, with runs of whitespace treated as one space. Aggregators are sites "
    "that republish other outlets' articles, where any publication may appear."
)


def parse_registry(content: object, source: str) -> Registry:
    """A registry from a registry document; ConfigError names what is wrong."""
    if not isinstance(content, dict) or not isinstance(content.get("publications"), list):
        raise ConfigError(f"{source}: expected an object with a 'publications' list")
    aggregators = content.get("aggregators", [])
    if not isinstance(aggregators, list):
        raise ConfigError(f"{source}: 'aggregators' must be a list")
    return Registry(
        [
            _publication(entry, f"{source}: publication {i}")
            for i, entry in enumerate(content["publications"], start=1)
        ],
        [
            _aggregator(entry, f"{source}: aggregator {i}")
            for i, entry in enumerate(aggregators, start=1)
        ],
    )


def _publication(entry: object, where: str) -> Publication:
    fields = _object(entry, where)
    name, domains = _named_domains(fields, where)
    aliases, founded = fields.get("aliases", []), fields.get("founded")
    syndicated = fields.get("syndicated", False)
    if not isinstance(aliases, list) or not _strings(aliases):
        raise ConfigError(f"{where} ({name}): 'aliases' must be a list of strings")
    if founded is not None and (not isinstance(founded, int) or isinstance(founded, bool)):
        raise ConfigError(f"{where} ({name}): 'founded' must be a year or null")
    if not isinstance(syndicated, bool):
        raise ConfigError(f"{where} ({name}): 'syndicated' must be true or false")
    return Publication(name, domains, tuple(aliases), founded, syndicated)


def _aggregator(entry: object, where: str) -> Aggregator:
    return Aggregator(*_named_domains(_object(entry, where), where))


def _object(entry: object, where: str) -> dict[str, object]:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected an object")
    return entry


def _named_domains(entry: dict[str, object], where: str) -> tuple[str, tuple[str, ...]]:
    name, domains = entry.get("name"), entry.get("domains")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: 'name' must be a non-empty string")
    if not isinstance(domains, list) or not _strings(domains) or not domains:
        raise ConfigError(f"{where} ({name}): 'domains' must be a non-empty list of strings")
    return name, tuple(d.lower().strip().removeprefix("www.") for d in domains)


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def load_registry_file(path: Path) -> Registry:
    """A user's registry file (JSON, same shape as the built-in one)."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"cannot read publication registry {path}: {error}") from error
    return parse_registry(content, str(path))


@cache
def builtin_registry() -> Registry:
    """The registry shipped with newsdata (exported to schema/publications.json)."""
    text = resources.files("newsdata").joinpath("data/publications.json").read_text("utf-8")
    return parse_registry(json.loads(text), "built-in registry")
