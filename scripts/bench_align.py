"""Alignment speed and memory on a 10,000-word text against a 10,000-word transcript.

The text is synthetic (Zipf-distributed words from a made-up vocabulary, in sentences and paragraphs)
and the "transcript" is that text with recognition errors, a skipped paragraph and unscripted speech,
timed at 2.5 words per second. Prints wall time and peak Python memory; the target is well under 1 s.
"""
from __future__ import annotations

import argparse
import random
import time
import tracemalloc

from aligner.align import align_words
from aligner.text import parse_text
from aligner.transcribe import HeardWord


def make_text(n_words: int, rng: random.Random) -> str:
    syllables = ["ka", "lo", "mi", "ne", "ra", "tu", "vo", "se", "di", "po", "an", "el", "or", "ist"]
    vocabulary = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(6000)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    words = rng.choices(vocabulary, weights, k=n_words)
    out, sentence = [], 0
    for word in words:
        sentence += 1
        out.append(word.capitalize() if sentence == 1 else word)
        if sentence > rng.randint(8, 25):
            out[-1] += "."
            out.append("\n\n" if rng.random() < 0.2 else "")
            sentence = 0
    return " ".join(out).replace(" \n\n ", "\n\n")


def make_heard(words: list[str], rng: random.Random) -> list[HeardWord]:
    heard: list[str] = ["welcome", "to", "the", "program"] * 5  # unscripted intro
    skip = range(len(words) // 2, len(words) // 2 + 200)  # a skipped passage
    for k, word in enumerate(words):
        if k in skip:
            continue
        roll = rng.random()
        if roll < 0.03:
            continue  # not recognized
        if roll < 0.10:
            heard.append(word[:-1] + "x" if len(word) > 2 else word + "h")  # misrecognized
        else:
            heard.append(word)
        if rng.random() < 0.03:
            heard.append(rng.choice(["uh", "um", "so"]))  # ad-lib
    return [HeardWord(w, k * 0.4, k * 0.4 + 0.3, 0.9) for k, w in enumerate(heard)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    document = parse_text(make_text(args.words, rng))
    heard = make_heard([w.text.strip(".").lower() for w in document.words], rng)

    started = time.perf_counter()
    alignment = align_words(document.words, heard)
    elapsed = time.perf_counter() - started
    tracemalloc.start()  # a second run for memory: tracing slows Python down several times
    align_words(document.words, heard)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    counts = {s: sum(w.status == s for w in alignment.words)
              for s in ("matched", "substituted", "interpolated", "unspoken")}
    print(f"published words: {len(document.words)}, recognized words: {len(heard)}")
    print(f"statuses: {counts}, unscripted passages: {len(alignment.unscripted)}")
    print(f"alignment wall time: {elapsed:.3f} s, peak traced memory: {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
