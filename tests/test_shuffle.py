"""The corpus rules' keys as a shuffle (check/shuffle.py) give what the in-memory index gives.

Through the local executor's shuffle-reduce, the reference of the seam (a Dask executor's is
tested with the cluster tests). Chunk and partition counts are random: they must not matter.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsdata.check import pipeline
from newsdata.check.discovery import FilePath
from newsdata.check.index import CorpusIndex, IndexEntry
from newsdata.check.pipeline import RunOptions, validate
from newsdata.check.results import FileResult
from newsdata.check.shuffle import (
    Shuffled,
    shuffle_layout,
    shuffled,
    shuffled_candidate_pairs,
    shuffled_groups,
)
from newsdata.check.similarity import BANDS, MAX_BUCKET, NUM_PERM, candidate_pairs, similar_pairs
from newsdata.config import Settings
from newsdata.execute.local import LocalExecutor
from tests.conftest import TODAY
from tests.factory import different_article

LOCAL = LocalExecutor(1)
UNSIGNED = 0xFFFFFFFF


@st.composite
def signature_matrices(draw: st.DrawFn) -> np.ndarray:
    """0-60 rows of NUM_PERM uint32: random ones, copies of earlier rows, rows sharing some
    bands with an earlier one, and rows without a signature (all 0xFF)."""
    rows = draw(st.integers(0, 60))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # A tiny alphabet makes band keys collide by chance too.
    alphabet = draw(st.sampled_from([2, 3, 2**32 - 1]))
    matrix = rng.integers(0, alphabet, size=(rows, NUM_PERM)).astype(np.uint32)
    width = NUM_PERM // BANDS
    for row in range(1, rows):
        kind = draw(st.sampled_from(["random", "copy", "bands", "unsigned"]))
        earlier = draw(st.integers(0, row - 1))
        if kind == "copy":
            matrix[row] = matrix[earlier]
        elif kind == "bands":
            for band in draw(st.sets(st.integers(0, BANDS - 1), min_size=1, max_size=4)):
                cut = slice(band * width, (band + 1) * width)
                matrix[row, cut] = matrix[earlier, cut]
        elif kind == "unsigned":
            matrix[row] = UNSIGNED
    return matrix


def star_matrix() -> np.ndarray:
    """150 rows: 100 share band 0 (a bucket over MAX_BUCKET), two are exact copies, some
    have no signature."""
    rng = np.random.default_rng(7)
    matrix = rng.integers(0, 2**32 - 1, size=(150, NUM_PERM)).astype(np.uint32)
    matrix[:100, :4] = matrix[0, :4]
    matrix[120] = matrix[130]
    matrix[[5, 140]] = UNSIGNED
    return matrix


@given(signature_matrices(), st.integers(1, 9), st.integers(1, 9))
@example(star_matrix(), 4, 3)
@settings(max_examples=150, deadline=None)
def test_shuffled_banding_equals_candidate_pairs(
    matrix: np.ndarray, chunks: int, partitions: int
) -> None:
    pairs, _ = shuffled_candidate_pairs(LOCAL, matrix, chunks, partitions)
    assert pairs.dtype == np.int64
    assert pairs.tolist() == candidate_pairs(matrix).tolist()


def test_a_bucket_over_max_bucket_pairs_its_first_row_with_the_others() -> None:
    matrix = star_matrix()
    pairs = {tuple(p) for p in shuffled_candidate_pairs(LOCAL, matrix, 5, 7)[0].tolist()}
    assert MAX_BUCKET < 100 - 1  # the bucket of band 0 is a star
    assert {(0, row) for row in range(1, 100) if row != 5} <= pairs
    assert (1, 2) not in pairs  # only the first row of the large bucket pairs with all
    assert (120, 130) in pairs
    assert not any(5 in pair or 140 in pair for pair in pairs)


def test_every_signed_row_sends_one_record_a_band() -> None:
    matrix = star_matrix()
    _, sent = shuffled_candidate_pairs(LOCAL, matrix, 3, 4)
    assert sent == (len(matrix) - 2) * BANDS * (1 + 8 + 8)  # band, key, row


def _index(values: list[str | None], key: str = "body_hash") -> CorpusIndex:
    entries = [
        IndexEntry(
            FilePath.at(f"raw/{row:03d}.txt", f"/c/raw/{row:03d}.txt"),
            True,
            FileResult((), **{key: value}),
        )
        for row, value in enumerate(values)
    ]
    return CorpusIndex(entries, full=True)


_VALUES = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(["0123456789abcdef", "fedcba9876543210", "00000000000000000000000000000000"]),
    st.text(st.sampled_from("ab\x00é東"), max_size=20),
)


@given(st.lists(_VALUES, max_size=60), st.integers(1, 9), st.integers(1, 9))
@example(["b\x00", "b", None, "b", "", "b\x00\x00", "b\x00", ""], 3, 1)
@settings(max_examples=150, deadline=None)
def test_shuffled_groups_equal_the_index_groups(
    values: list[str | None], chunks: int, partitions: int
) -> None:
    groups, _ = shuffled_groups(LOCAL, values, chunks, partitions)
    assert groups == list(_index(values).groups("body_hash"))


@pytest.mark.parametrize("partitions", [1, 3])
def test_values_that_differ_by_trailing_nuls_are_not_one_group(partitions: int) -> None:
    values: list[str | None] = ["a", "a\x00", None, "a", "a\x00", "", ""]
    groups, _ = shuffled_groups(LOCAL, values, 2, partitions)
    assert groups == [[0, 3], [1, 4]]


def test_an_index_with_a_shuffled_source_reads_it() -> None:
    index = _index(["x", "x", "y"])
    index.shuffled = Shuffled({"body_hash": [[1, 2]]}, None, rows=3, shuffled_bytes=0)
    assert list(index.groups("body_hash")) == [[1, 2]]  # not the in-memory [[0, 1]]
    assert list(index.groups("article_id")) == []  # a key not shuffled: computed here


def test_near_duplicates_are_read_from_the_shuffled_pairs() -> None:
    matrix = np.zeros((3, NUM_PERM), np.uint32)
    matrix[2] = 1
    index = CorpusIndex(_index(["a", "b", "c"]).entries, full=True, signatures=bytearray(matrix))
    assert [(i, j) for i, j, _ in similar_pairs(index, 0.8)] == [(0, 1)]
    index.shuffled = Shuffled({}, np.array([[0, 2]], np.int64), rows=3, shuffled_bytes=0)
    assert similar_pairs(index, 0.8) == []  # (0, 2) is a candidate but not similar


@pytest.mark.parametrize(
    ("workers", "rows", "layout"),
    [(2, 10, (4, 4)), (2, 3, (3, 4)), (4, 0, (1, 8)), (2, 10_000_000, (153, 77))],
)
def test_shuffle_layout(workers: int, rows: int, layout: tuple[int, int]) -> None:
    assert shuffle_layout(workers, rows) == layout


def _corpus(raw: Path) -> None:
    """Files for ND901 (a copy), ND902 (a body under another URL) and ND903 (a near copy)."""
    raw.mkdir(parents=True)
    for number in range(1, 30):
        (raw / f"{number:03d}.txt").write_text(different_article(number), "utf-8")
    (raw / "100-copy.txt").write_text(different_article(4), "utf-8")
    moved = different_article(9).replace("/story-9", "/story-9-again")
    (raw / "000-moved.txt").write_text(moved, "utf-8")
    near = different_article(12).replace("Original url:", "A closing line.\n\nOriginal url:")
    (raw / "050-near.txt").write_text(near.replace("/story-12", "/story-12-near"), "utf-8")


def test_a_run_with_shuffled_corpus_rules_reports_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.newsdata]\n")
    _corpus(tmp_path / "raw" / "site")
    monkeypatch.chdir(tmp_path)
    options = RunOptions(use_cache=False, jobs=1)
    local = validate(["raw"], Settings(today=TODAY), options)
    made: list[Shuffled] = []

    class ShuffledIndex(CorpusIndex):
        """The index as a run that shuffles sets it up (the pipeline's switch is the lead's)."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self.shuffled = shuffled(LocalExecutor(3), self)
            made.append(self.shuffled)

    monkeypatch.setattr(pipeline, "CorpusIndex", ShuffledIndex)
    shuffled_run = validate(["raw"], Settings(today=TODAY), options)
    assert len(made) == 1 and made[0].rows == 32 and made[0].pairs is not None
    assert made[0].groups["article_id"] and made[0].groups["body_hash"]
    assert shuffled_run.diagnostics == local.diagnostics
    assert {"ND901", "ND902", "ND903"} <= {d.code for d in local.diagnostics}
    # One record a band, an id (16 hex) and a body hash (32 hex), for each of the 32 files.
    assert made[0].bytes_per_article == BANDS * 17 + (8 + 4 + 16) + (8 + 4 + 32)
