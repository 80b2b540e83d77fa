"""Agreement cost against Krippendorff's α alone.

Builds N synthetic transcripts (~4,000 characters, sentence units of ~80) coded by C coders
with S segments in all over ~20 codes: most segments snapped to sentences, some jittered, some
free character spans, the coders agreeing on most of them. Times (a) `krippendorff.alpha` alone
over the same reliability data `compute_agreement` builds (one matrix per code, plus the one over
all codes), (b) `compute_agreement`, and prints the ratio b/a; the target is at most 2.

    python bench/bench_agreement.py [--docs 1000] [--coders 3] [--segments 500000] [--quick]
"""

from __future__ import annotations

import argparse

import krippendorff
import numpy as np
from common import Timer

from qualcode.analysis.agreement import (
    CodedSpan,
    DocumentCoding,
    _prepare,
    _presence,
    compute_agreement,
)

WORDS = ["vård", "patient", "kollega", "samtal", "känsla", "grupp", "ansvar", "stöd", "tid", "möte",
         "护士", "病人", "压力", "we", "felt", "that", "the", "ward", "was", "quiet", "and", "tired"]


def document(rng: np.random.Generator, index: int, chars: int, coders: list[str], codes: list[str],
             per_coder: int) -> DocumentCoding:
    sentences, units, size = [], [], 0
    while size < chars:
        words = rng.choice(WORDS, size=rng.integers(8, 18))
        sentence = " ".join(words).capitalize() + "."
        units.append((size, size + len(sentence)))
        sentences.append(sentence)
        size += len(sentence) + 1
    text = " ".join(sentences)
    n = len(units)
    starts = np.array([u[0] for u in units])
    ends = np.array([u[1] for u in units])

    def snapped(count):
        first = rng.integers(0, n, count)
        last = np.minimum(first + rng.integers(0, 3, count), n - 1)
        return starts[first], ends[last], rng.choice(codes, count)

    # a shared pool the coders mostly agree on, then each coder's own extras
    shared = int(per_coder * 0.75 / 0.85)
    pool = snapped(shared)
    spans = []
    for coder in coders:
        keep = rng.random(shared) < 0.85
        s, e, k = pool[0][keep].copy(), pool[1][keep].copy(), pool[2][keep]
        jitter = rng.random(len(s)) < 0.2  # nudge some boundaries by a few characters
        s[jitter] = np.maximum(s[jitter] + rng.integers(-6, 7, jitter.sum()), 0)
        e[jitter] = np.maximum(e[jitter] + rng.integers(-6, 7, jitter.sum()), s[jitter] + 1)
        extra = per_coder - len(s)
        own = snapped(extra // 2)
        free_s = rng.integers(0, len(text) - 1, extra - extra // 2)
        free_e = np.minimum(free_s + rng.integers(1, 300, len(free_s)), len(text))
        s = np.concatenate([s, own[0], free_s])
        e = np.concatenate([e, own[1], free_e])
        k = np.concatenate([k, own[2], rng.choice(codes, len(free_s))])
        spans += [CodedSpan(coder, str(c), int(a), int(b)) for a, b, c in zip(s, e, k, strict=True)]
    return DocumentCoding(f"t{index:04d}", text, units, spans)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--coders", type=int, default=3)
    parser.add_argument("--segments", type=int, default=500_000)
    parser.add_argument("--codes", type=int, default=20)
    parser.add_argument("--chars", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs")
    parser.add_argument("--quick", action="store_true", help="50 documents, 25,000 segments")
    args = parser.parse_args()
    if args.quick:
        args.docs, args.segments = 50, 25_000
    rng = np.random.default_rng(7)
    coders = [chr(ord("A") + i) for i in range(args.coders)]
    codes = [f"code{i:02d}" for i in range(args.codes)]
    per_coder = args.segments // (args.docs * args.coders)
    docs = [document(rng, i, args.chars, coders, codes, per_coder) for i in range(args.docs)]

    # (a) the same reliability data compute_agreement passes to the package (built untimed):
    # uint8 0/1, one coders × units matrix per code, then all codes side by side
    data = _presence(_prepare(docs, coders, "sentence", None)).view(np.uint8)
    C, K, U = data.shape

    def alpha_alone(data):
        for k in range(K):
            krippendorff.alpha(reliability_data=data[:, k, :], level_of_measurement="nominal")
        krippendorff.alpha(reliability_data=data.reshape(C, K * U), level_of_measurement="nominal")

    alone, full, js = [], [], []
    for _ in range(args.repeat):  # interleaved, best of each
        with Timer() as t:
            alpha_alone(data)
        alone.append(t.seconds)
        with Timer() as t:  # (b) the whole computation
            report = compute_agreement(docs, coders)
        full.append(t.seconds)
        with Timer() as t:
            out = report.to_json()
        js.append(t.seconds)
    with Timer() as floats:  # for reference: the package on float64 data is slower still
        alpha_alone(data.astype(np.float64))
    a, b, j = min(alone), min(full), min(js)
    print(f"{args.docs} transcripts, {sum(len(d.text) for d in docs):,} characters, {U:,} units, "
          f"{sum(len(d.spans) for d in docs):,} segments, {args.coders} coders, {K} codes")
    print(f"pooled kappa {out['overall']['pooled_kappa']:.3f}, "
          f"alpha {out['overall']['alpha']:.3f}, overlap matched {out['overlap']['matched']:,}")
    print(f"krippendorff.alpha alone:  {a:7.3f} s  (on float64 data: {floats.seconds:.3f} s)")
    print(f"compute_agreement:         {b:7.3f} s  (+ to_json {j:.3f} s)")
    print(f"ratio agreement / alpha:   {b / a:7.2f}  (target <= 2; with to_json {(b + j) / a:.2f})")


if __name__ == "__main__":
    main()
