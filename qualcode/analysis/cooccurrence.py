"""Code co-occurrence: which codes are applied together, counted four ways (docs/methods.md).

- by a unit (sentence, turn, document): a code is present in a unit when one of its segments
  shares at least one character with the unit. count(a, b) = the number of units where both
  are present; jaccard = count / the number of units where either is present.
- by overlap: count(a, b) = the number of pairs (a segment of a, a segment of b) that share at
  least one character; jaccard = the characters coded with both / the characters coded with
  either (how much of their text the two codes share).
Segments are first made distinct by (document, code, start, end): the same code on the same
span by several coders is one segment. Which coders' segments are read is the caller's choice
(one coder, several pooled, or the consensus).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from ..errors import QualcodeError

COOCCURRENCE_UNITS = ("overlap", "sentence", "turn", "document")


@dataclass(frozen=True)
class CodePair:
    a: int  # code ids, a before b in the codebook's order
    b: int
    count: int
    jaccard: float


@dataclass
class Cooccurrence:
    unit: str
    totals: dict[int, int]  # per code: units where present, or (overlap) its distinct segments
    pairs: list[CodePair]  # every pair that co-occurs at least once, most frequent first


def cooccurrence(spans: np.ndarray, unit: str, units: Mapping[int, Sequence[tuple[int, int]]] | None = None,
                 order: Sequence[int] = ()) -> Cooccurrence:
    """`spans`: segments as (id, doc_id, code_id, coder_id, start, end) rows; `units`: for
    'sentence' or 'turn', each document's units as sorted, disjoint (start, end); `order`: code
    ids in codebook order (the rest after them, by id)."""
    if unit not in COOCCURRENCE_UNITS:
        raise QualcodeError(f"unknown unit '{unit}' (use {', '.join(COOCCURRENCE_UNITS)})", unit)
    distinct = sorted({(d, c, s, e) for _, d, c, _, s, e in spans.tolist()})
    rank = {code: i for i, code in enumerate(order)}
    key = lambda code: (rank.get(code, len(rank)), code)  # noqa: E731
    if unit == "overlap":
        totals, counts, jaccard = _by_overlap(distinct)
    else:
        totals, counts = _by_unit(distinct, unit, units or {})
        jaccard = {p: n / (totals[p[0]] + totals[p[1]] - n) for p, n in counts.items()}
    pairs = []
    for pair, n in counts.items():
        a, b = sorted(pair, key=key)
        pairs.append(CodePair(a, b, n, jaccard[pair]))
    pairs.sort(key=lambda p: (-p.count, key(p.a), key(p.b)))
    return Cooccurrence(unit, dict(totals), pairs)


def _by_unit(distinct, unit, units) -> tuple[Counter, Counter]:
    present: dict[tuple[int, int], set[int]] = defaultdict(set)  # (document, unit index) -> codes
    ends: dict[int, list[int]] = {}
    for doc, code, start, end in distinct:
        if unit == "document":
            present[(doc, 0)].add(code)
            continue
        mine = units.get(doc, ())
        if doc not in ends:
            ends[doc] = [e for _, e in mine]
        i = bisect_right(ends[doc], start)  # the first unit ending after the segment starts
        while i < len(mine) and mine[i][0] < end:
            present[(doc, i)].add(code)
            i += 1
    totals, counts = Counter(), Counter()
    for codes in present.values():
        totals.update(codes)
        counts.update(combinations(sorted(codes), 2))
    return totals, counts


def _by_overlap(distinct) -> tuple[Counter, Counter, dict]:
    totals, counts = Counter(), Counter()
    shared: Counter = Counter()  # characters coded with both codes of a pair
    covered: Counter = Counter()  # characters coded with a code
    by_doc: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for doc, code, start, end in distinct:
        by_doc[doc].append((start, end, code))
        totals[code] += 1
    for segments in by_doc.values():
        segments.sort()
        active: list[tuple[int, int, int]] = []
        for start, end, code in segments:
            active = [s for s in active if s[1] > start]
            for _, _, other in active:
                if other != code:
                    counts[tuple(sorted((code, other)))] += 1
            active.append((start, end, code))
        _shared_characters(segments, shared, covered)
    jaccard = {p: shared[p] / (covered[p[0]] + covered[p[1]] - shared[p]) for p in counts}
    return totals, counts, jaccard


def _shared_characters(segments: list[tuple[int, int, int]], shared: Counter, covered: Counter) -> None:
    """Add one document's characters per code and per pair of codes (a sweep over boundaries)."""
    events = sorted({x for s, e, _ in segments for x in (s, e)})
    starting: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for start, end, code in segments:
        starting[start].append((end, code))
    active: list[tuple[int, int]] = []  # (end, code) of the segments over the current stretch
    for left, right in zip(events, events[1:]):
        active = [a for a in active if a[0] > left] + starting.get(left, [])
        codes = sorted({code for _, code in active})
        for code in codes:
            covered[code] += right - left
        for pair in combinations(codes, 2):
            shared[pair] += right - left
