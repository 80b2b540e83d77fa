"""The coding stripes must not grow with the document: the gutter for one screen of rows in a
transcript with 200 segments against one with 20,000 (target: a ratio near 1). What scrolling
costs is `compute_frame` for the rows on screen; `columns_needed` runs once per coding action
and is timed apart (it may grow with the document's segments, as n log n).

    python bench/bench_stripes.py [--rows 40] [--repeat 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from qualcode.tui.widgets.stripes import Column, Stripe, StripeIndex, columns_needed, compute_frame


def document(segments: int, seed: int = 1) -> tuple[StripeIndex, int]:
    """Segments of 30 codes over a text of 60 characters per segment (spans of 1–8 rows), and
    one code on the whole transcript (the case that would make a naive index scan it all)."""
    rng = random.Random(seed)
    length = segments * 60
    stripes = [Stripe(0, length, 29, True)]
    for _ in range(segments):
        start = rng.randrange(length - 500)
        stripes.append(Stripe(start, start + rng.randint(20, 400), rng.randrange(30), rng.random() < 0.5))
    return StripeIndex(stripes), length


def median_seconds(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    columns = {c: Column(c, str(c % 10), "#88aa44", f"code {c}") for c in range(30)}
    order = {c: c for c in range(30)}
    results = {}
    for n in (200, 20_000):
        index, length = document(n)
        middle = length // 2
        rows = [(middle + 50 * i, middle + 50 * (i + 1)) for i in range(args.rows)]
        frame = median_seconds(lambda index=index, rows=rows: compute_frame(rows, index, columns, order, 8),
                               args.repeat)
        needed = median_seconds(lambda index=index: columns_needed(index, 50 * args.rows), max(3, args.repeat // 50))
        results[n] = (frame, needed)
        print(f"{n:>6} segments: a screen of {args.rows} rows {frame * 1e6:8.1f} µs;"
              f" columns needed (once per coding) {needed * 1e3:8.2f} ms")
    small, large = results[200][0], results[20_000][0]
    print(f"ratio for a screen, 20,000 / 200 segments: {large / small:.2f} (target: near 1)")


if __name__ == "__main__":
    main()
