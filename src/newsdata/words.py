"""Counting words in any script, including those written without spaces."""

from __future__ import annotations

import re

__all__ = ["count_words"]

# Han ideographs, kana, and Thai/Lao/Khmer/Myanmar letters are written without spaces between
# words; each such character counts as one word, the usual convention for CJK word counts.
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0002fa1f"
)
_WORD = re.compile(rf"[{_UNSPACED}]|[^\s{_UNSPACED}]*[^\W_][^\s{_UNSPACED}]*")


def count_words(text: str) -> int:
    """How many words the text holds: runs with a letter or digit, plus each CJK character."""
    return sum(1 for _ in _WORD.finditer(text))
