"""Code co-occurrence: which codes are applied together, counted four ways (docs/methods.md Q5).

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

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import QualcodeError
from .attribution import distinct_coded, explode, overlapping

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

    def as_json(self, labels: Mapping[int, str]) -> list[dict]:
        """The shape of `qualcode cooccur --json` (../shared/CLI.md), codes by their labels."""
        return [{"a": labels.get(p.a, p.a), "b": labels.get(p.b, p.b), "count": p.count, "jaccard": p.jaccard}
                for p in self.pairs]


def cooccurrence(spans: np.ndarray, unit: str, units: np.ndarray | None = None,
                 order: Sequence[int] = ()) -> Cooccurrence:
    """`spans`: segments as (id, doc_id, code_id, coder_id, start, end) rows; `units`: for
    'sentence' or 'turn', (document id, start, end) rows sorted by document and start, disjoint
    within a document; `order`: code ids in codebook order (the rest after them, by id)."""
    if unit not in COOCCURRENCE_UNITS:
        raise QualcodeError(f"unknown unit '{unit}' (use {', '.join(COOCCURRENCE_UNITS)})", unit)
    rank = {code: i for i, code in enumerate(order)}
    key = lambda code: (rank.get(code, len(rank)), code)  # noqa: E731
    if unit == "overlap":
        totals, counts, jaccard = _by_overlap(spans)
    else:
        totals, counts = _by_unit(spans, unit, np.zeros((0, 3), dtype=np.int64) if units is None else units)
        jaccard = {p: n / (totals[p[0]] + totals[p[1]] - n) for p, n in counts.items()}
    pairs = []
    for pair, n in counts.items():
        a, b = sorted(pair, key=key)
        pairs.append(CodePair(a, b, n, jaccard[pair]))
    pairs.sort(key=lambda p: (-p.count, key(p.a), key(p.b)))
    return Cooccurrence(unit, dict(totals), pairs)


def _by_unit(spans: np.ndarray, unit: str, units: np.ndarray) -> tuple[Counter, Counter]:
    """Per code the units where it is present, and per pair of codes the units where both are."""
    coded = spans[distinct_coded(spans)[0]] if len(spans) else spans.reshape(-1, 6)
    if unit == "document":
        unit_of, code_of = coded[:, 1], coded[:, 2]
    else:
        span_at, unit_of, _ = overlapping(coded[:, 1], coded[:, 4], coded[:, 5], np.asarray(units).reshape(-1, 3))
        code_of = coded[span_at, 2]
    # (unit, code) once each, sorted by unit then code
    base = int(code_of.max()) + 1 if len(code_of) else 1
    present = np.unique(unit_of * base + code_of)
    unit_of, code_of = present // base, present % base
    totals = Counter(dict(zip(*(a.tolist() for a in np.unique(code_of, return_counts=True)), strict=True)))
    # every pair of codes present in one unit: each code with those after it in its unit
    _, first, size = np.unique(unit_of, return_index=True, return_counts=True)
    place = np.arange(len(code_of)) - np.repeat(first, size)
    partners = np.repeat(size, size) - place - 1
    a = np.repeat(code_of, partners)
    b = code_of[np.repeat(np.arange(len(code_of)), partners) + 1 + explode(partners)]
    pair_keys, pair_counts = np.unique(a * base + b, return_counts=True)
    counts = Counter({(k // base, k % base): n for k, n in zip(pair_keys.tolist(), pair_counts.tolist(), strict=True)})
    return totals, counts


def _by_overlap(spans: np.ndarray) -> tuple[Counter, Counter, dict]:
    """Per code its distinct segments; per pair of codes the overlapping pairs of their segments,
    and the Jaccard index of the characters they cover."""
    coded = spans[distinct_coded(spans)[0]] if len(spans) else spans.reshape(-1, 6)
    doc, code, start, end = coded[:, 1], coded[:, 2], coded[:, 4], coded[:, 5]
    totals = Counter(dict(zip(*(a.tolist() for a in np.unique(code, return_counts=True)), strict=True)))
    a, b, _ = _met(doc, code, start, end)
    counts = _pair_counts(a, b, np.ones(len(a), dtype=np.int64))
    # characters: each code's segments merged per document, then the overlaps of the merged pieces
    doc, code, start, end = _merged(doc, code, start, end)
    lengths = np.bincount(code, weights=end - start) if len(code) else np.zeros(0)
    covered = Counter({c: int(n) for c, n in enumerate(lengths.tolist()) if n})
    a, b, shared = _met(doc, code, start, end)
    shared_chars = _pair_counts(a, b, shared)
    jaccard = {p: shared_chars[p] / (covered[p[0]] + covered[p[1]] - shared_chars[p]) for p in counts}
    return totals, counts, jaccard


def _met(doc, code, start, end) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of spans of different codes in one document that share characters: their codes
    (smaller first) and how many characters they share."""
    if not len(doc):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    stride = int(end.max()) + 1
    order = np.lexsort((start, doc))
    doc, code, start, end = doc[order], code[order], start[order], end[order]
    g_start = doc * stride + start
    # the spans after each one (by start) that start before it ends: all it overlaps later on
    later = np.searchsorted(g_start, doc * stride + end, side="left") - np.arange(len(doc)) - 1
    later = np.maximum(later, 0)
    i = np.repeat(np.arange(len(doc)), later)
    j = i + 1 + explode(later)
    apart = code[i] != code[j]
    i, j = i[apart], j[apart]
    shared = np.minimum(end[i], end[j]) - start[j]
    return np.minimum(code[i], code[j]), np.maximum(code[i], code[j]), shared


def _pair_counts(a: np.ndarray, b: np.ndarray, weight: np.ndarray) -> Counter:
    if not len(a):
        return Counter()
    base = int(b.max()) + 1
    keys, where = np.unique(a * base + b, return_inverse=True)
    sums = np.bincount(where.reshape(-1), weights=weight, minlength=len(keys)).astype(np.int64)
    return Counter({(k // base, k % base): n for k, n in zip(keys.tolist(), sums.tolist(), strict=True)})


def _merged(doc, code, start, end) -> tuple[np.ndarray, ...]:
    """The union of each code's spans in each document, as disjoint (document, code, start, end)."""
    if not len(doc):
        return doc, code, start, end
    order = np.lexsort((start, doc, code))
    doc, code, start, end = doc[order], code[order], start[order], end[order]
    group = np.ones(len(doc), dtype=bool)
    group[1:] = (doc[1:] != doc[:-1]) | (code[1:] != code[:-1])
    stride = int(end.max()) + 1
    # the furthest end so far within the group (groups lifted apart so a maximum never leaks over)
    lifted = (np.cumsum(group) - 1) * stride + end
    reach = np.maximum.accumulate(lifted) - (np.cumsum(group) - 1) * stride
    fresh = group.copy()
    fresh[1:] |= start[1:] > reach[:-1]
    first = np.flatnonzero(fresh)
    return doc[first], code[first], start[first], np.maximum.reduceat(reach, first)
