"""The publication registry: built-in entries, user registry files, and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdata.articles import parse
from newsdata.check.engine import Validator
from newsdata.config import Settings
from newsdata.errors import ConfigError
from newsdata.publications import builtin_registry, load_registry_file

ARTICLE = """Putin urges peace talks

By [Jane Doe](#)

April 06, 2013

{publication}

Russia's president called for talks on Syria, where the war has gone on for two years now.

Original url:

<{url}>
"""


def test_news_agencies_are_syndicated_and_outlets_are_not() -> None:
    registry = builtin_registry()
    for agency in ("Reuters", "AP", "AFP", "Xinhua", "dpa", "EFE", "Kyodo", "PTI"):
        (found,) = registry.named(agency)
        assert found.syndicated, agency
    assert not any(p.syndicated for p in registry.named("The Guardian"))


@pytest.mark.parametrize(
    ("host", "republishes"),
    [
        ("www.msn.com", True),
        ("finance.yahoo.com", True),
        ("news.yahoo.co.jp", True),
        ("n.news.naver.com", True),
        ("www.yahoo.co.jp", False),  # the portal's home, not its news pages
        ("notmsn.com", False),
        ("msn.com.example.org", False),
        ("www.themoscowtimes.com", False),
    ],
)
def test_aggregators_are_matched_by_domain(host: str, republishes: bool) -> None:
    assert builtin_registry().republishes(host) is republishes


def _user_registry(tmp_path: Path, content: object) -> Settings:
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return Settings(registry_files=(path,))


def _codes(settings: Settings, publication: str, url: str) -> set[str]:
    _, findings = parse(
        ARTICLE.format(publication=publication, url=url).encode(), "a.txt", settings
    )
    return {d.code for d in findings}


def test_a_user_registry_adds_outlets_and_aggregators(tmp_path: Path) -> None:
    url = "https://portal.example.net/news/1"
    assert {"ND502"} <= _codes(Settings(), "Daily Planet", url)
    settings = _user_registry(
        tmp_path,
        {
            "publications": [
                {"name": "Daily Planet", "domains": ["dailyplanet.example"], "founded": 1938},
                {"name": "CNN", "domains": ["cnn.com"], "founded": 2001},
            ],
            "aggregators": [{"name": "Portal", "domains": ["portal.example.net"]}],
        },
    )
    assert "ND502" not in _codes(settings, "Daily Planet", url)
    assert "ND501" not in _codes(settings, "Daily Planet", url)  # on the aggregator
    assert "ND501" in _codes(settings, "Daily Planet", "https://elsewhere.example/a")
    registry = Validator(settings).registry
    assert registry.named("daily planet")[0].founded == 1938
    cnn = registry.lookup("CNN", "edition.cnn.com")  # both registries have it: the user's
    assert cnn is not None and cnn.founded == 2001
    assert registry.republishes("www.msn.com")  # the built-in entries remain


def test_a_user_registry_changes_the_cache_key(tmp_path: Path) -> None:
    plain = Validator(Settings()).cache_key()
    settings = _user_registry(
        tmp_path, {"publications": [], "aggregators": [{"name": "P", "domains": ["p.example"]}]}
    )
    assert Validator(settings).cache_key() != plain


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ([], "expected an object with a 'publications' list"),
        ({"publications": [], "aggregators": {}}, "'aggregators' must be a list"),
        ({"publications": [{"name": "X", "domains": []}]}, "'domains' must be a non-empty"),
        (
            {"publications": [{"name": "X", "domains": ["x.org"], "syndicated": "yes"}]},
            "'syndicated' must be true or false",
        ),
        ({"publications": [], "aggregators": [{"domains": ["x.org"]}]}, "aggregator 1: 'name'"),
        ({"publications": [], "aggregators": ["x.org"]}, "aggregator 1: expected an object"),
    ],
)
def test_a_bad_registry_file_is_a_config_error(
    tmp_path: Path, content: object, message: str
) -> None:
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_registry_file(path)
