"""Generate a synthetic corpus in the raw layout, for benchmarks (run by hand).

    python bench/corpus.py OUT_DIR [--articles N] [--seed S]

Articles average ~650 words drawn from a Zipf-like vocabulary, from registry outlets with
matching domains and dated URLs; 1% are exact copies and 1% near-copies of another article,
so the corpus rules have real work to do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
from pathlib import Path

OUTLETS = [
    ("The Moscow Times", "www.themoscowtimes.com"),
    ("The Guardian", "www.theguardian.com"),
    ("Reuters", "www.reuters.com"),
    ("CNN", "edition.cnn.com"),
    ("BBC News", "www.bbc.co.uk"),
    ("Al Jazeera", "www.aljazeera.com"),
    ("The Washington Post", "www.washingtonpost.com"),
    ("Daily Example", "www.dailyexample.com"),
]
MONTHS = "January February March April May June July August September October November December"


def vocabulary(rng: random.Random, size: int = 20000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choices(letters, k=rng.randint(2, 10))) for _ in range(size)}
    return sorted(words)


def paragraph(rng: random.Random, vocab: list[str], weights: list[float], words: int) -> str:
    chosen = rng.choices(vocab, cum_weights=weights, k=words)
    chosen[0] = chosen[0].capitalize()
    return " ".join(chosen) + "."


def article(rng: random.Random, vocab: list[str], weights: list[float], n: int) -> str:
    name, host = rng.choice(OUTLETS)
    day = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(6900))
    month = MONTHS.split()[day.month - 1]
    paragraphs = [paragraph(rng, vocab, weights, rng.randint(40, 90)) for _ in range(10)]
    title = paragraph(rng, vocab, weights, rng.randint(6, 12)).rstrip(".")
    authors = " and ".join(
        f"[{rng.choice(vocab).capitalize()} {rng.choice(vocab).capitalize()}](#)"
        for _ in range(rng.randint(1, 2))
    )
    url = f"https://{host}/{day:%Y/%m/%d}/story-{n}-{rng.choice(vocab)}"
    return (
        "\n\n".join(
            [
                title,
                f"By {authors}",
                f"{month} {day.day:02d}, {day.year}",
                name,
                *paragraphs,
                "Original url:",
                f"<{url}>",
            ]
        )
        + "\n"
    )


def near_copy(rng: random.Random, text: str, vocab: list[str]) -> str:
    lines = text.split("\n\n")
    body = lines[4:-2]
    words = " ".join(body).split(" ")
    for _ in range(max(1, len(words) // 100)):
        words[rng.randrange(len(words))] = rng.choice(vocab)
    url = lines[-1].replace("story-", "copy-")
    return "\n\n".join([*lines[:4], " ".join(words), lines[-2], url]) + "\n"


def generate(out: Path, articles: int, seed: int = 1, *, copies: bool = True) -> int:
    """Write `articles` files under `out`; with copies, 1% exact and 1% near copies."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocab))))
    texts: list[str] = []
    for n in range(articles):
        roll = rng.random() if copies else 1.0
        if texts and roll < 0.01:
            text = texts[rng.randrange(len(texts))].replace("story-", f"dup{n}-")
        elif texts and roll < 0.02:
            text = near_copy(rng, texts[rng.randrange(len(texts))], vocab)
        else:
            text = article(rng, vocab, weights, n)
        if copies:
            texts.append(text)  # kept only to copy from
        folder = out / f"site{n % 50:02d}" / f"{n // 1000:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"article-{n:07d}.txt").write_text(text, encoding="utf-8")
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clean", action="store_true", help="no copies: a corpus with no error")
    args = parser.parse_args()
    generate(args.out, args.articles, args.seed, copies=not args.clean)
    print(f"{args.articles} articles in {args.out}")


if __name__ == "__main__":
    main()
