"""Shared fixtures: a clean article, the seed file, and the real samples when present."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from newsdata.config import Settings

# No per-example deadline: speed is measured in bench/, never asserted by a test (a loaded
# machine would otherwise fail a correct example).
hypothesis_settings.register_profile("newsdata", deadline=None)
hypothesis_settings.load_profile("newsdata")

ROOT = Path(__file__).resolve().parents[1]
SEED = (
    ROOT
    / "raw"
    / "themoscowtimes.com"
    / "2013"
    / "putin-urges-peace-talks-to-end-syria-massacre.txt"
)
SAMPLES = Path(os.environ.get("NEWSDATA_SAMPLES", ROOT.parent / "shared" / "samples" / "real"))
TODAY = dt.date(2026, 11, 27)

CLEAN_ARTICLE = """Putin Urges Peace Talks to End Syria 'Massacre'

By [The Moscow Times](#)

April 06, 2013

The Moscow Times

President Vladimir Putin said the civil war in Syria had become a "massacre" that must be \
stopped through peace talks between the government and the opposition, and repeated Russia's \
firm rejection of calls for Syrian President Bashar Assad's ouster.

Speaking to the German ARD television in remarks released by the Kremlin on Friday, he \
rejected the Western criticism of Russia for continuing to supply weapons to Assad's regime.

Original url:

<https://www.themoscowtimes.com/2013/04/06/putin-urges-peace-talks-to-end-syria-massacre-a23012>
"""


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own validation cache, never the repository's."""
    monkeypatch.setenv("NEWSDATA_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def settings() -> Settings:
    """Settings with a fixed `today`, so date rules are deterministic."""
    return Settings(today=TODAY)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder holding one clean article."""
    folder = tmp_path / "raw" / "themoscowtimes.com"
    folder.mkdir(parents=True)
    (folder / "clean.txt").write_text(CLEAN_ARTICLE, encoding="utf-8")
    return tmp_path / "raw"


def sample_files() -> list[Path]:
    """The real articles in ../shared/samples/real, when that folder is present."""
    return sorted(SAMPLES.rglob("*.txt")) if SAMPLES.is_dir() else []
