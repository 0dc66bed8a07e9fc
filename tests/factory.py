"""Clean, mutually distinct articles for tests that need several files."""

from __future__ import annotations

import random

_WORDS = (
    "government minister parliament election budget river city council school hospital court "
    "report police market company bank energy climate water storm harvest festival museum "
    "railway bridge airport harbour university teacher doctor farmer village region border "
    "treaty summit vote law tax price wage strike union protest record season match coach"
).split()


def article(number: int = 0) -> str:
    """A clean article whose URL and body depend on `number` (different numbers differ)."""
    rng = random.Random(number)
    paragraphs = []
    for _ in range(6):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(18, 30))]
        paragraphs.append(" ".join(words).capitalize() + ".")
    return (
        "\n\n".join(
            [
                f"Story number {number} about the {rng.choice(_WORDS)}",
                "By [Jane Doe](#)",
                "April 06, 2013",
                "The Moscow Times",
                *paragraphs,
                "Original url:",
                f"<https://www.themoscowtimes.com/2013/04/06/story-{number}>",
            ]
        )
        + "\n"
    )


def different_article(number: int) -> str:
    """Alias that reads better in corpus tests."""
    return article(number)
