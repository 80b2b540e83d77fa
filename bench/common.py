"""Shared helpers for the benchmarks: synthetic transcripts built from the sample corpora."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus_sentences(lang: str) -> list[str]:
    """Sentences of the sample transcripts in `lang`, labels stripped."""
    from qualcode.text.prepare import read_document

    folder = ROOT / "corpora" / lang
    sentences: list[str] = []
    for path in sorted(folder.iterdir()):
        doc = read_document(path, lang)
        for turn in doc.turns:
            speech = doc.text[turn.start:turn.end]
            split = r"(?<=[。！？])" if lang == "zh" else r"(?<=[.?!])\s+"
            sentences.extend(s for s in re.split(split, speech) if s.strip())
    return sentences


def transcript(lang: str, chars: int, seed: int, sentences: list[str]) -> str:
    """A focus-group transcript of about `chars` characters."""
    rng = random.Random(seed)
    labels = ["主持人", "护士A", "护士B", "护士C"] if lang == "zh" else ["Moderator", "D1", "D2", "D3"]
    colon, sep = ("：", "") if lang == "zh" else (": ", " ")
    parts, size = [], 0
    while size < chars:
        turn = labels[rng.randrange(len(labels))] + colon + sep.join(
            rng.choice(sentences) for _ in range(rng.randint(1, 6)))
        parts.append(turn)
        size += len(turn) + 1
    return "\n".join(parts)


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
