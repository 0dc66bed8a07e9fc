"""Near-duplicate machinery: stable word hashes, batch-independent signatures, LSH recall."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdata.check.similarity import (
    _MULTIPLIER,
    NUM_PERM,
    _hashed_words,
    _shingles,
    candidate_pairs,
    estimated_jaccard,
    signatures,
    word_hashes,
    words,
)

_ASCII_TEXT = st.text(
    st.characters(min_codepoint=32, max_codepoint=126) | st.sampled_from("\n\t"), max_size=300
)
_ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)


@given(st.lists(_ASCII_TEXT, min_size=1, max_size=6))
@settings(max_examples=200)
def test_bulk_word_hashes_match_one_body_at_a_time(bodies: list[str]) -> None:
    together = _hashed_words(bodies)
    for body, hashed in zip(bodies, together, strict=True):
        assert len(hashed) == len(body.lower().split())
        assert list(hashed) == word_hashes(body)


def _reference_shingles(words: list[int]) -> list[int]:
    """Word 5-grams folded one by one (a body of one to four words is a single shingle)."""

    def fold(values: list[int]) -> int:
        out = 0
        for value in values:
            out = (out * _MULTIPLIER + value) % (1 << 64)
        return out

    if len(words) < 5:
        return [fold(words)] if words else []
    return [fold(words[i : i + 5]) for i in range(len(words) - 4)]


@given(st.lists(st.lists(st.integers(0, (1 << 64) - 1), max_size=9), min_size=1, max_size=6))
@settings(max_examples=200)
def test_bulk_shingles_match_the_reference(bodies: list[list[int]]) -> None:
    flat = np.array([w for body in bodies for w in body], dtype=np.uint64)
    lengths = np.array([len(body) for body in bodies], dtype=np.int64)
    shingles, counts = _shingles(flat, lengths)
    expected = [_reference_shingles(body) for body in bodies]
    assert counts.tolist() == [len(e) for e in expected]
    assert shingles.tolist() == [s for e in expected for s in e]


@given(st.lists(_ANY_TEXT, min_size=1, max_size=5), st.integers(0, 4))
@settings(max_examples=100)
def test_a_signature_does_not_depend_on_its_batch(bodies: list[str], index: int) -> None:
    index %= len(bodies)
    alone = signatures([bodies[index]])
    batch = signatures(bodies)
    assert np.array_equal(alone[0], batch[index])


def test_cjk_characters_are_words() -> None:
    assert words("東京は晴れ です") == ["東", "京", "は", "晴", "れ", "で", "す"]


def _body(seed: int, size: int = 300) -> str:
    rng = np.random.default_rng(seed)
    return " ".join(f"w{int(i)}" for i in rng.integers(0, 5000, size))


def test_near_copies_are_found_and_strangers_are_not() -> None:
    original = _body(1)
    edited = original.split()
    for position in (10, 150, 290):
        edited[position] = "changed"
    bodies = [original, " ".join(edited), _body(2), _body(3)]
    matrix = signatures(bodies)
    pairs = candidate_pairs(matrix)
    assert pairs.tolist() == [[0, 1]]
    (score,) = estimated_jaccard(matrix, pairs)
    assert 0.85 < score < 1.0


def test_empty_bodies_match_nothing() -> None:
    matrix = signatures(["", "", _body(4)])
    assert candidate_pairs(matrix).tolist() == []


def _reference_pairs(matrix: np.ndarray) -> list[list[int]]:
    """LSH candidates by the definition: rows sharing a band's key; a bucket of more than
    MAX_BUCKET rows pairs each with its first row only; rows of all 0xFF match nothing."""
    from newsdata.check.similarity import BANDS, MAX_BUCKET

    valid = [i for i in range(len(matrix)) if not (matrix[i] == 0xFFFFFFFF).all()]
    found: set[tuple[int, int]] = set()
    width = matrix.shape[1] // BANDS
    for band in range(BANDS):
        buckets: dict[bytes, list[int]] = {}
        for row in valid:
            buckets.setdefault(matrix[row, band * width : (band + 1) * width].tobytes(), []).append(
                row
            )
        for rows in buckets.values():
            if len(rows) > MAX_BUCKET:
                found.update((rows[0], other) for other in rows[1:])
            else:
                found.update((a, b) for n, a in enumerate(rows) for b in rows[n + 1 :])
    return sorted([a, b] for a, b in found)


@given(st.integers(0, 2**32 - 1), st.integers(2, 90), st.integers(1, 3))
@settings(max_examples=60, deadline=None)
def test_candidate_pairs_follow_the_banding_definition(seed: int, rows: int, alphabet: int) -> None:
    # A tiny alphabet makes band keys collide often; some seeds give buckets over MAX_BUCKET.
    rng = np.random.default_rng(seed)
    matrix = rng.integers(0, alphabet + 1, size=(rows, NUM_PERM)).astype(np.uint32)
    matrix[rng.integers(0, rows)] = 0xFFFFFFFF  # a row without a signature
    if rows > 70:
        matrix[: rows // 2] = matrix[0]  # one bucket far over MAX_BUCKET in every band
    assert candidate_pairs(matrix).tolist() == _reference_pairs(matrix)
