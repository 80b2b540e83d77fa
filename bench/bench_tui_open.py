"""Time to first paint of the transcript: a 40,000-word transcript with 2,000 segments against
a 500-word one (target: at most 2x). Both documents live in one project; each is opened
in a fresh headless app several times and the medians are compared.

    python bench/bench_tui_open.py [--words 40000] [--segments 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from common import corpus_sentences

from qualcode.project import Project
from qualcode.tui.app import make_app
from qualcode.tui.widgets.transcript import TranscriptView


def transcript_of_words(words: int, sentences: list[str], seed: int) -> str:
    rng = random.Random(seed)
    labels = ["Moderator", "D1", "D2", "D3", "D4"]
    turns, count = [], 0
    while count < words:
        turn = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 8)))
        turns.append(f"{rng.choice(labels)}: {turn}")
        count += len(turn.split())
    return "\n\n".join(turns)


async def first_paint(path: Path, doc_id: int) -> float:
    start = time.perf_counter()
    app = make_app(path, coder="bench", doc=doc_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = app.query_one(TranscriptView)
        view._render_line(0)  # the first line is on screen
        elapsed = time.perf_counter() - start
        await pilot.press("q")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=40_000)
    parser.add_argument("--segments", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sentences = corpus_sentences("sv")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        small, big = tmp / "small.txt", tmp / "big.txt"
        small.write_text(transcript_of_words(500, sentences, 1), encoding="utf-8")
        big.write_text(transcript_of_words(args.words, sentences, 2), encoding="utf-8")
        path = tmp / "bench.qualcode"
        with Project(path, create=True) as project:
            project.documents.import_files([small, big], lang="sv")
            for i in range(8):
                project.codebook.add_code(f"Kod {i}", color=f"#{(i * 37) % 256:02x}80{(i * 91) % 256:02x}")
            rng = random.Random(3)
            with project.transaction():
                for name, n in (("small", max(1, args.segments * 500 // args.words)), ("big", args.segments)):
                    units = project.documents.units(name, "sentence")
                    for _ in range(n):
                        u = rng.choice(units)
                        project.coding.add_segment(name, f"Kod {rng.randrange(8)}", u.start, u.end,
                                            coder=rng.choice(["bench", "other"]))
            ids = {d.name: d.id for d in project.documents.list()}
        timings = {}
        for name in ("small", "big", "small", "big"):  # interleaved, warm caches for both
            runs = [asyncio.run(first_paint(path, ids[name])) for _ in range(args.repeat)]
            timings.setdefault(name, []).extend(runs)
        small_t, big_t = statistics.median(timings["small"]), statistics.median(timings["big"])
        print(f"500 words:            {small_t * 1000:7.0f} ms (median of {len(timings['small'])})")
        print(f"{args.words:,} words, {args.segments:,} segments: {big_t * 1000:7.0f} ms")
        print(f"ratio big / small:    {big_t / small_t:7.2f}  (target <= 2)")


if __name__ == "__main__":
    main()
