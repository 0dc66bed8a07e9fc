"""Near-duplicate detection: word 5-gram shingles, MinHash signatures and LSH banding.

Speed matters here: this runs on every article of every full validation (bench/README.md
has the measurements behind these three choices):

* Shingles are never built as strings. Words of spaced text are hashed in bulk with numpy
  from their length and first and last eight bytes (see `spaced_word_hash`); CJK text, word
  by word through a bounded per-process vocabulary. The 5-gram hashes are then combined in
  bulk with numpy, 128 KB of text at a time.
* MinHash signatures come from rensa (Rust), fed the shingle hashes of a chunk in one call;
  datasketch's `MinHash.update_batch` is two orders of magnitude slower.
* LSH banding runs over the signature matrix with numpy (one sort per band), because
  signatures come back from the cache as plain bytes: datasketch's `MinHashLSH` needs one
  MinHash object and one Python call per insert.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Sequence
from itertools import chain
from typing import TYPE_CHECKING

from newsdata.words import UNSPACED_CLASS, has_unspaced

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from newsdata.check.index import CorpusIndex

__all__ = [
    "BANDS",
    "MAX_BUCKET",
    "NUM_PERM",
    "SHINGLE_SIZE",
    "SIGNATURE_BYTES",
    "band_keys",
    "bucket_pairs",
    "candidate_pairs",
    "entry_signatures",
    "estimated_jaccard",
    "mix",
    "rensa_used",
    "signatures",
    "signed_rows",
    "similar_pairs",
    "word_hashes",
]

NUM_PERM = 128
SIGNATURE_BYTES = NUM_PERM * 4  # a signature's bytes: NUM_PERM little-endian uint32
SHINGLE_SIZE = 5
# 32 bands of 4 rows (a band is two 64-bit words): a pair at Jaccard 0.8 is a candidate with
# p > 0.99.
BANDS = 32
_SEED = 20131006
_MAX_VOCABULARY = 300_000
#: An LSH bucket larger than this pairs each member with its first only.
MAX_BUCKET = 64
_SPACED_WORD = re.compile(rb"[^\x00-\x20]+")
_TOKEN = re.compile(f"[{UNSPACED_CLASS}]|[^\\s{UNSPACED_CLASS}]+")


class _Vocabulary(dict[str, int]):
    """Stable 64-bit word hashes, remembered so that a common word is hashed once."""

    def __missing__(self, word: str) -> int:
        if len(self) >= _MAX_VOCABULARY:
            self.clear()  # bounded: memory stays flat however large the corpus
        value = int.from_bytes(
            hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
            "little",
        )
        self[word] = value
        return value


_VOCABULARY = _Vocabulary()


def words(body: str) -> list[str]:
    """The body's words, lowercased: runs between ASCII whitespace, and each CJK character."""
    lowered = body.lower()
    if not has_unspaced(lowered):
        return lowered.split()
    return _TOKEN.findall(lowered)


def word_hashes(body: str) -> list[int]:
    """Stable 64-bit hashes of the body's words, in order (the slow, simple reference)."""
    if has_unspaced(body):
        return [int(h) for h in _hashed_words([body])[0]]
    return [
        spaced_word_hash(word)
        for word in _SPACED_WORD.findall(body.lower().encode("utf-8", "surrogatepass"))
    ]


_RENSA_USED = [False]


def rensa_used() -> bool:
    """Whether this process has computed signatures (and so started rensa's threads)."""
    return _RENSA_USED[0]


def signatures(bodies: Sequence[str]) -> npt.NDArray[np.uint32]:
    """MinHash signatures (rows of NUM_PERM uint32) of word 5-gram shingles, one row a body.

    A body of fewer than five words has a single shingle made of all its words; an empty one
    gets a row of the maximum value, which matches nothing.
    """
    import numpy as np

    _RENSA_USED[0] = True
    out = np.full((len(bodies), NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    start, size = 0, 0
    for end, body in enumerate([*bodies, None]):
        if body is None or (size and size + len(body) > _CHUNK_BYTES):
            # A chunk at a time: its numpy arrays stay small, in the CPU cache and in memory
            # the allocator already holds (large arrays cost fresh pages on every call).
            out[start:end] = _chunk_signatures(bodies[start:end])
            start, size = end, 0
        size += len(body or "")
    return out


def _chunk_signatures(bodies: Sequence[str]) -> npt.NDArray[np.uint32]:
    import numpy as np
    from rensa import RMinHash

    per_body = _hashed_words(bodies)
    lengths = np.fromiter((len(h) for h in per_body), dtype=np.int64, count=len(per_body))
    flat = np.concatenate(per_body) if per_body else np.zeros(0, np.uint64)
    shingles, counts = _shingles(flat, lengths)
    out = np.full((len(bodies), NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    present = counts > 0
    if present.any():
        offsets = np.zeros(int(present.sum()) + 1, dtype=np.uint64)
        offsets[1:] = np.cumsum(counts[present])
        matrix = RMinHash.digest_matrix_from_flat_token_hashes(shingles, offsets, NUM_PERM, _SEED)
        # rensa hands rows out as lists of ints only: read into a C array in one pass (numpy's
        # conversion of nested lists inspects every value).
        rows = array("I", chain.from_iterable(matrix.to_rows()))  # C unsigned int: numpy's uintc
        out[present] = np.frombuffer(rows, dtype=np.uintc).reshape(-1, NUM_PERM)
    return out


def _hashed_words(bodies: Sequence[str]) -> list[npt.NDArray[np.uint64]]:
    """Each body's word hashes: spaced text in bulk with numpy, CJK text word by word (the
    caller keeps the bodies to one chunk of text)."""
    import numpy as np

    out: list[npt.NDArray[np.uint64]] = [np.zeros(0, np.uint64)] * len(bodies)
    spaced: list[int] = []
    for i, body in enumerate(bodies):
        if has_unspaced(body):
            out[i] = mix(np.fromiter(map(_VOCABULARY.__getitem__, words(body)), np.uint64))
        else:
            spaced.append(i)
    if spaced:
        hashed = _bulk_word_hashes([bodies[i] for i in spaced])
        for index, hashes in zip(spaced, hashed, strict=True):
            out[index] = hashes
    return out


_CHUNK_BYTES = 1 << 17  # text per numpy pass: the temporaries stay in the CPU cache
_WORD_MASKS = tuple((1 << (8 * n)) - 1 for n in range(9))


def spaced_word_hash(word: bytes) -> int:
    """The 64-bit hash of one word of spaced text (the reference for the bulk version).

    It reads the word's length and its first and last eight bytes (all of it up to sixteen
    bytes): words that differ only in the middle of a longer word share a hash, a negligible
    loss for near-duplicate estimates that lets numpy hash every word of a batch with a few
    gathers instead of a pass over every byte.
    """
    first = int.from_bytes(word[:8], "little")
    last = int.from_bytes(word[-8:], "little") if len(word) > 8 else 0
    inner = _mix_int((last + len(word)) & _U64)
    return _mix_int((first + inner) & _U64)


_U64 = (1 << 64) - 1


def _mix_int(x: int) -> int:
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _U64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _U64
    return x ^ (x >> 31)


def _bulk_word_hashes(bodies: Sequence[str]) -> list[npt.NDArray[np.uint64]]:
    """`spaced_word_hash` of every word of many bodies, in a few numpy passes over their
    lowercased UTF-8 bytes instead of one Python call per word. A word is a run of bytes above
    0x20 (ASCII spaces and control characters separate words)."""
    import numpy as np

    encoded = [body.lower().encode("utf-8", "surrogatepass") for body in bodies]
    joined = b" " + b" ".join(encoded) + b" " * 9  # room for an 8-byte read past any word
    data = np.frombuffer(joined, dtype=np.uint8)
    in_word = data > 32
    edges = np.flatnonzero(in_word[1:] != in_word[:-1]) + 1
    starts, ends = edges[0::2], edges[1::2]
    lengths = ends - starts
    # Every 8-byte window of the buffer, read little-endian (an overlapping, unaligned view).
    windows = np.ndarray(shape=(len(data) - 7,), dtype="<u8", buffer=joined, strides=(1,))
    masks = np.array(_WORD_MASKS, dtype=np.uint64)
    first = windows[starts] & masks[np.minimum(lengths, 8)]
    last = np.zeros(len(starts), dtype=np.uint64)
    long_words = np.flatnonzero(lengths > 8)
    last[long_words] = windows[ends[long_words] - 8]
    hashes = mix(first + mix(last + lengths.astype(np.uint64)))
    body_starts = np.cumsum([1] + [len(e) + 1 for e in encoded[:-1]])
    cuts = np.searchsorted(starts, body_starts[1:])
    return list(np.split(hashes, cuts))


def mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser: spreads every input bit over the whole hash."""
    import numpy as np

    x = values ^ (values >> np.uint64(30))
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


_MULTIPLIER = 0x9E3779B97F4A7C15  # odd: multiplication by it is a bijection mod 2**64


def _shingles(
    flat: npt.NDArray[np.uint64], lengths: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """All 5-gram hashes of every body, concatenated, and how many each body has."""
    import numpy as np

    k = SHINGLE_SIZE
    starts = np.cumsum(lengths) - lengths
    multiplier = np.uint64(_MULTIPLIER)
    if len(flat) >= k:
        combined = flat[: len(flat) - k + 1].copy()
        for offset in range(1, k):
            # In place: a batch's arrays are large, and each new one costs fresh pages.
            combined *= multiplier
            combined += flat[offset : len(flat) - k + 1 + offset]
    else:
        combined = np.zeros(0, dtype=np.uint64)
    pieces: list[npt.NDArray[np.uint64]] = []
    counts = np.zeros(len(lengths), dtype=np.int64)
    for index, (start, length) in enumerate(zip(starts.tolist(), lengths.tolist(), strict=True)):
        if length >= k:
            pieces.append(combined[start : start + length - k + 1])
            counts[index] = length - k + 1
        elif length > 0:
            whole = 0
            for value in flat[start : start + length].tolist():
                whole = (whole * _MULTIPLIER + value) & 0xFFFFFFFFFFFFFFFF
            pieces.append(np.array([whole], dtype=np.uint64))
            counts[index] = 1
    return (np.concatenate(pieces) if pieces else np.zeros(0, np.uint64)), counts


def candidate_pairs(matrix: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
    """Row pairs (i < j) that share at least one LSH band: the near-duplicate candidates."""
    import numpy as np

    empty = np.zeros((0, 2), dtype=np.int64)
    rows = signed_rows(matrix)
    if len(rows) < 2:
        return empty
    sub = matrix[rows] if len(rows) < len(matrix) else matrix
    every_key = band_keys(sub)
    found: list[npt.NDArray[np.int64]] = []
    for band in range(BANDS):
        keys = every_key[:, band]
        order = np.argsort(keys)  # members of a bucket are sorted below: stability not needed
        ordered = keys[order]
        boundary = np.concatenate(([True], ordered[1:] != ordered[:-1]))
        starts = np.flatnonzero(boundary)
        lengths = np.diff(np.concatenate((starts, [len(ordered)])))
        found += bucket_pairs(order, starts, lengths)
    if not found:
        return empty
    return np.asarray(rows[np.unique(np.concatenate(found), axis=0)], dtype=np.int64)


def band_keys(matrix: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
    """Each row's LSH band keys (one column a band): rows sharing a key in a band are
    near-duplicate candidates. The stored corpus index keeps them (check/stored.py)."""
    import numpy as np

    # Two 32-bit values side by side read as one 64-bit value: a band of four is two of them.
    pairs64 = np.ascontiguousarray(matrix).view(np.uint64)
    keys: npt.NDArray[np.uint64] = pairs64[:, 0::2] * np.uint64(_MULTIPLIER) + pairs64[:, 1::2]
    return keys


def signed_rows(matrix: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
    """The rows that hold a signature (a row of the maximum value is a body without one)."""
    import numpy as np

    return np.flatnonzero(~(matrix == np.iinfo(np.uint32).max).all(axis=1))


def bucket_pairs(
    members: npt.NDArray[np.int64], starts: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]
) -> list[npt.NDArray[np.int64]]:
    """The candidate pairs (i < j) of LSH buckets, `members[start : start + length]` each (its
    rows in any order): the one banding rule of `candidate_pairs` and of the shuffled banding
    (check/shuffle.py). A bucket of more than MAX_BUCKET rows pairs its lowest with the others."""
    import numpy as np

    found: list[npt.NDArray[np.int64]] = []
    pairs_of_two = starts[lengths == 2]
    if len(pairs_of_two):
        both = np.stack([members[pairs_of_two], members[pairs_of_two + 1]], axis=1)
        found.append(np.sort(both, axis=1))
    for start, length in zip(
        starts[lengths > 2].tolist(), lengths[lengths > 2].tolist(), strict=True
    ):
        found.append(_pairs_of(np.sort(members[start : start + length])))
    return found


def _pairs_of(bucket: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    import numpy as np

    if len(bucket) > MAX_BUCKET:
        return np.stack([np.full(len(bucket) - 1, bucket[0]), bucket[1:]], axis=1)
    i, j = np.triu_indices(len(bucket), k=1)
    return np.stack([bucket[i], bucket[j]], axis=1)


def estimated_jaccard(
    matrix: npt.NDArray[np.uint32], pairs: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """The MinHash estimate of each pair's Jaccard similarity."""
    import numpy as np

    if len(pairs) == 0:
        return np.zeros(0)
    return np.asarray((matrix[pairs[:, 0]] == matrix[pairs[:, 1]]).mean(axis=1), dtype=np.float64)


def similar_pairs(index: CorpusIndex, threshold: float) -> list[tuple[int, int, float]]:
    """Entry pairs (i < j) whose bodies are near-duplicates but not identical."""
    entries = index.entries
    matrix = entry_signatures(index)
    if matrix is None or len(entries) < 2 or not any(e.named for e in entries):
        return []
    precomputed = index.shuffled.pairs if index.shuffled is not None else None
    # rows without a signature (all 0xFF) pair with nothing
    pairs = candidate_pairs(matrix) if precomputed is None else precomputed
    scores = estimated_jaccard(matrix, pairs)
    out: list[tuple[int, int, float]] = []
    for (i, j), score in zip(pairs.tolist(), scores.tolist(), strict=True):
        first, second = entries[i], entries[j]
        if score >= threshold and first.facts.body_hash != second.facts.body_hash:
            out.append((i, j, float(score)))
    return out


def entry_signatures(index: CorpusIndex) -> npt.NDArray[np.uint32] | None:
    """The index's signature matrix, one row an entry in the entries' (path) order."""
    import numpy as np

    if index.signatures is None:
        return None
    matrix = np.frombuffer(index.signatures, dtype="<u4").reshape(len(index.entries), NUM_PERM)
    return matrix if index.signature_rows is None else matrix[index.signature_rows]
