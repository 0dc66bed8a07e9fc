"""Truths declared once and read everywhere: unspaced scripts, rule docs, formats, doc links."""

from __future__ import annotations

import pytest

from newsdata.rules.publication import looks_like_sentence
from newsdata.similarity import words
from newsdata.words import count_words

# One letter of each script written without spaces (Thai, Lao, Myanmar, Khmer, hiragana,
# katakana, Han: extension A, unified, compatibility, extension B).
UNSPACED_SAMPLES = ["ก", "ກ", "က", "ក", "あ", "ア", "㐀", "日", "\uf900", "𠀀"]


@pytest.mark.parametrize("character", UNSPACED_SAMPLES)
def test_an_unspaced_character_is_one_word_everywhere(character: str) -> None:
    text = character * 30
    assert count_words(text) == 30  # word counting (ND601 and friends)
    assert len(words(text)) == 30  # shingling for near-duplicates (ND903)
    assert looks_like_sentence(text)  # the publication check: 30 characters read as a sentence
    assert not looks_like_sentence(character * 6)


def test_the_samples_cover_every_range() -> None:
    from newsdata.words import UNSPACED_RANGES

    for low, high in UNSPACED_RANGES:
        assert any(low <= ord(c) <= high for c in UNSPACED_SAMPLES), hex(low)


@pytest.mark.parametrize("text", ["한국일보 뉴스", "Ελληνικά νέα", "plain words"])
def test_spaced_scripts_are_not_unspaced(text: str) -> None:
    assert count_words(text) == 2
    assert len(words(text)) == 2
