"""The real articles in ../shared/samples/real validate with no error (warnings allowed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdata.articles import parse
from newsdata.check.pipeline import validate
from newsdata.config import Settings
from newsdata.diagnostics import Severity
from tests.conftest import SAMPLES, SEED, TODAY, sample_files

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"{SAMPLES} is not present")


@needs_samples
@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_sample_has_no_error(path: Path) -> None:
    article, diagnostics = parse(path.read_bytes(), path=path.name, settings=Settings(today=TODAY))
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    assert article is not None


@needs_samples
def test_samples_as_a_corpus_have_no_error() -> None:
    report = validate([SAMPLES], Settings(today=TODAY))
    assert report.errors == 0, [d for d in report.diagnostics if d.severity is Severity.ERROR]
    assert report.files == len(sample_files())


def test_bundled_raw_folder_is_clean_with_the_seed_warnings() -> None:
    report = validate([SEED.parents[2]], Settings(today=TODAY))
    assert report.errors == 0
    assert [(d.line, d.code) for d in report.diagnostics] == [(9, "ND602"), (17, "ND601")]
