"""Redaction cost against a plain case-insensitive whole-word regex of the same names.

A 20,000-character transcript (Swedish, then Chinese) with 10 redacted names embedded in many
forms; and 50,000 quotes of ~200 characters (a tenth of a 500,000-segment export). Times
(a) one `re.sub` with `(?i)\\b(name|…)\\b` (what catches only the plain forms), (b) the
Redactor, and prints b/a: the price of catching every form. Target: 500,000 quotes in under a
minute on one core (measured on an idle core: sv transcript ~11x, zh ~5x, quotes ~12x; ~20 s).

    python bench/bench_redact.py [--quotes 50000]
"""

from __future__ import annotations

import argparse
import random
import re

from common import Timer, corpus_sentences, transcript

from qualcode.text.redact import Redactor

NAMES = ["Åsa Öberg", "Kungsbacka", "Per Holm", "Karin", "Lund", "Mölndal", "王芳", "李明", "陈晓东", "Erik Ek"]
FORMS = ["Åsa Öberg", "Åsa\nÖberg", "Kungs-\nbacka", "Kungsbackamottagningen", "Karins", "Lundabor",
         "王芳", "李\u200b明", "Å\u00adsa", "ERIK  EK", "per holm", "陈晓东", "Mölndals"]


def text_with_names(lang: str, chars: int, seed: int, sentences: list[str]) -> str:
    rng = random.Random(seed)
    words = transcript(lang, chars, seed, sentences).split(" ")
    for _ in range(len(words) // 40):
        words.insert(rng.randrange(len(words)), rng.choice(FORMS))
    return " ".join(words)


def time_both(texts: list[str], redactor: Redactor, plain: re.Pattern, rounds: int) -> tuple[float, float]:
    with Timer() as a:
        for _ in range(rounds):
            for t in texts:
                plain.sub("[namn]", t)
    with Timer() as b:
        for _ in range(rounds):
            for t in texts:
                redactor(t)
    return a.seconds, b.seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quotes", type=int, default=50_000)
    args = parser.parse_args()
    with Timer() as build:
        redactor = Redactor(NAMES, "sv")
    plain = re.compile(r"(?i)\b(?:" + "|".join(map(re.escape, NAMES)) + r")\b")
    print(f"building the redactor for {len(NAMES)} names: {build.seconds * 1000:.0f} ms")
    for lang in ("sv", "zh"):
        text = text_with_names(lang, 20_000, 1, corpus_sentences(lang))
        a, b = time_both([text], redactor, plain, 20)
        print(f"{lang} transcript of {len(text):,} characters: plain regex {a / 20 * 1000:.2f} ms,"
              f" redactor {b / 20 * 1000:.2f} ms, ratio {b / a:.1f}")
    pool = corpus_sentences("sv") + corpus_sentences("zh")
    rng = random.Random(2)
    quotes = [" ".join(rng.choice(pool) for _ in range(2)) + " " + rng.choice(FORMS) for _ in range(args.quotes)]
    a, b = time_both(quotes, redactor, plain, 1)
    print(f"{args.quotes:,} quotes: plain regex {a:.2f} s, redactor {b:.2f} s, ratio {b / a:.1f};"
          f" 500,000 quotes would take {b * 500_000 / args.quotes:.1f} s")


if __name__ == "__main__":
    main()
