"""Intercoder agreement: percent agreement, Cohen's and Fleiss' κ, Krippendorff's α, code presence,
overlap — as docs/methods.md A1–A7 define them, one definition for every face.

present(X, c, u) ⇔ some segment of coder X with code c covers at least one non-whitespace
character of unit u (A2). Plain functions, no I/O. Built for
1,000 transcripts and 500,000 segments, so nothing loops over units × segments × codes in
Python: the texts are laid end to end and each offset becomes the number of non-whitespace
characters before it; a segment then meets a unit exactly when their two count ranges intersect.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from .columns import CodingColumns, JoinedTexts, sort_order
from .statistics import Result, cohen_kappa, fleiss_kappa, krippendorff_alpha, mean, observed_agreement, ratio

UNITS = ("sentence", "turn", "char")


@dataclass(frozen=True, slots=True)  # slots: there may be half a million of them
class CodedSpan:
    """One coded segment; half-open code-point offsets into the document text."""

    coder: str
    code: str
    start: int
    end: int


@dataclass
class DocumentCoding:
    """A document, its coding units (sentences or turns; ignored for unit="char"), all segments."""

    name: str
    text: str
    units: list[tuple[int, int]]
    spans: list[CodedSpan]


@dataclass(frozen=True)
class Disagreement:
    """A unit (or, for unit="char", a run of characters) where the coders differ on a code."""

    document: str
    unit_index: int  # for unit="char": the number of the run's first non-whitespace character
    start: int
    end: int
    code: str
    coders: dict[str, bool]
    text: str


@dataclass(frozen=True)
class PairTable:
    """Two coders' 2×2 table for one code, or summed over all codes when `pooled`."""

    coders: tuple[str, str]
    both: int
    only_a: int
    only_b: int
    neither: int
    pooled: bool = False

    @property
    def units(self) -> int:
        return self.both + self.only_a + self.only_b + self.neither

    @property
    def percent(self) -> float | None:
        return ratio(self.both + self.neither, self.units)

    kappa = property(lambda self: self._kappa()[0])
    undefined = property(lambda self: self._kappa()[1])  # why κ is None

    def _kappa(self) -> tuple[float | None, str | None]:
        return cohen_kappa(self.both, self.only_a, self.only_b, self.neither, self.pooled)

    def to_json(self) -> dict:
        a, b = self.coders
        return {"coders": [a, b], "units": self.units, "both": self.both,
                "only": {a: self.only_a, b: self.only_b}, "neither": self.neither,
                "percent": self.percent, "kappa": self.kappa, "undefined": self.undefined}


@dataclass(frozen=True)
class OverlapCount:
    """Two coders' segments matched one-to-one at Jaccard ≥ threshold, and the unmatched."""

    coders: tuple[str, str]
    matched: int
    only_a: int
    only_b: int

    @property
    def percent(self) -> float | None:
        return ratio(self.matched, self.matched + self.only_a + self.only_b)

    def to_json(self) -> dict:
        a, b = self.coders
        return {"coders": [a, b], "matched": self.matched,
                "only": {a: self.only_a, b: self.only_b}, "percent": self.percent}


@dataclass(frozen=True)
class Cells:
    """Every compared coder's cells for one code, or summed over all codes when `pooled` (A3)."""

    coders: tuple[str, ...]
    marked: tuple[int, ...]  # per coder: the units that coder marked
    marked_by: tuple[int, ...]  # per k = 0 … C: the units exactly k coders marked
    alone: tuple[int, ...]  # per coder: the units that coder alone marked
    pooled: bool = False

    @property
    def units(self) -> int:
        return sum(self.marked_by)

    @property
    def percent(self) -> float | None:
        return observed_agreement(list(self.marked_by))

    @property
    def kappa(self) -> Result:
        """The row's κ (A4): Cohen's for two coders, Fleiss' for three or more."""
        if len(self.coders) == 2:
            return cohen_kappa(self.marked_by[2], *self.alone, self.marked_by[0], self.pooled)
        return self.fleiss

    @property
    def fleiss(self) -> Result:
        return fleiss_kappa(list(self.marked_by), self.pooled)

    def __add__(self, other: Cells) -> Cells:
        add = lambda x, y: tuple(map(int.__add__, x, y))  # noqa: E731
        return Cells(self.coders, add(self.marked, other.marked), add(self.marked_by, other.marked_by),
                     add(self.alone, other.alone), self.pooled)

    def to_json(self) -> dict:
        return {"units": self.units, "marked": dict(zip(self.coders, self.marked, strict=True)),
                "marked_by": list(self.marked_by), "both": self.marked_by[-1],
                "only": dict(zip(self.coders, self.alone, strict=True)), "neither": self.marked_by[0],
                "percent": self.percent, "kappa": self.kappa[0], "fleiss_kappa": self.fleiss[0]}


def _reasons(*results: Result) -> str | None:
    return "; ".join(dict.fromkeys(why for _, why in results if why)) or None


def _overlap_json(counts: list[OverlapCount], coders: list[str]) -> dict:
    """Overlap cells summed over the pairs of coders (A7); the pairs themselves beside them."""
    only = dict.fromkeys(coders, 0)
    for c in counts:
        only[c.coders[0]] += c.only_a
        only[c.coders[1]] += c.only_b
    matched = sum(c.matched for c in counts)
    return {"matched": matched, "only": only, "percent": ratio(matched, matched + sum(only.values())),
            "pairs": [c.to_json() for c in counts]}


@dataclass(frozen=True)
class CodeAgreement:
    """One code: every coder's cells and the statistics of those cells (A3–A4), α over all
    coders, and per pair of coders a 2×2 table with Cohen's κ and the segment overlap."""

    code: str
    cells: Cells
    pairs: list[PairTable]
    alpha: float | None
    alpha_undefined: str | None
    overlap: list[OverlapCount]  # in the order of `pairs`

    @property
    def kappa(self) -> float | None:
        return self.cells.kappa[0]

    @property
    def percent(self) -> float | None:
        return self.cells.percent

    @property
    def undefined(self) -> str | None:
        return _reasons(self.cells.kappa, (self.alpha, self.alpha_undefined))

    def to_json(self) -> dict:
        return {"code": self.code, **self.cells.to_json(), "alpha": self.alpha, "undefined": self.undefined,
                "pairs": [p.to_json() for p in self.pairs]}

    def overlap_json(self) -> dict:
        return {"code": self.code, **_overlap_json(self.overlap, list(self.cells.coders))}


@dataclass(slots=True)  # one per document and code: thousands
class CodePresence:
    """Which coders used a code anywhere in a document (on some non-whitespace text)."""

    document: str
    code: str
    coders: dict[str, bool]

    @property
    def agree(self) -> bool:
        return len(set(self.coders.values())) <= 1


@dataclass
class AgreementReport:
    """What compute_agreement found; to_json() gives the JSON documented in docs/methods.md."""

    unit: str
    coders: list[str]
    documents: list[str]
    codes: list[CodeAgreement]
    alpha: float | None  # over all codes: one column per (code, unit)
    alpha_undefined: str | None
    presence: list[CodePresence]
    overlap_threshold: float | None  # None: a headline only (no presence, no overlap: `headline()`)
    consensus: str | None = None  # the compared coder that is the consensus coder, if one is

    def _pooled(self, kind, attr: str, fields: tuple[str, ...], **extra) -> list:
        return [kind(pair, *(sum(getattr(getattr(c, attr)[i], f) for c in self.codes)
                             for f in fields), **extra)
                for i, pair in enumerate(combinations(self.coders, 2))]

    @property
    def pooled(self) -> list[PairTable]:
        """Per pair of coders, the 2×2 tables summed over all codes."""
        fields = ("both", "only_a", "only_b", "neither")
        return self._pooled(PairTable, "pairs", fields, pooled=True)

    @property
    def pooled_overlap(self) -> list[OverlapCount]:
        return self._pooled(OverlapCount, "overlap", ("matched", "only_a", "only_b"))

    @property
    def cells(self) -> Cells:
        """Every coder's cells summed over the codes: one column per (code, unit) (A6)."""
        zero = (0,) * len(self.coders)
        total = Cells(tuple(self.coders), zero, (0,) * (len(self.coders) + 1), zero, pooled=True)
        for code in self.codes:
            total = total + code.cells
        return total

    @property
    def pooled_kappa(self) -> float | None:
        return self.cells.kappa[0]

    @property
    def mean_kappa(self) -> float | None:
        return mean(c.kappa for c in self.codes)

    @property
    def percent(self) -> float | None:
        return self.cells.percent

    @property
    def presence_percent(self) -> float | None:
        return ratio(sum(p.agree for p in self.presence), len(self.presence))

    def to_json(self) -> dict:
        if self.overlap_threshold is None:
            raise ValueError("a headline report has no presence nor overlap: see headline()")
        headline = self.headline()
        return {
            **{k: headline[k] for k in ("unit", "coders", "documents", "consensus", "kappa_statistic")},
            "codes": [c.to_json() for c in self.codes], "overall": headline["overall"], "pairs": headline["pairs"],
            "presence": [{"document": p.document, "code": p.code, "coders": dict(p.coders),
                          "agree": p.agree} for p in self.presence],
            "overlap": {"threshold": self.overlap_threshold,
                        "codes": [c.overlap_json() for c in self.codes],
                        **_overlap_json(self.pooled_overlap, self.coders)},
        }

    def headline(self) -> dict:
        """The JSON's pooled figures (A6) without the per-code rows, presence and overlap: what
        the method paragraph prints. Its "overall" lacks only `presence_percent`."""
        pairs = []
        for i, table in enumerate(self.pooled):
            entry = table.to_json()
            entry["pooled_kappa"] = entry.pop("kappa")
            entry["mean_kappa"] = mean(c.pairs[i].kappa for c in self.codes)
            pairs.append(entry)
        cells = self.cells
        overall = cells.to_json()
        overall["pooled_kappa"] = overall.pop("kappa")
        overall = {**overall, "alpha": self.alpha, "mean_kappa": self.mean_kappa}
        if self.overlap_threshold is not None:
            overall["presence_percent"] = self.presence_percent
        overall["undefined"] = _reasons(cells.kappa, (self.alpha, self.alpha_undefined))
        return {"unit": self.unit, "coders": list(self.coders), "documents": list(self.documents),
                "consensus": self.consensus, "kappa_statistic": "cohen" if len(self.coders) == 2 else "fleiss",
                "overall": overall, "pairs": pairs}


@dataclass
class _Data:
    """Units (u…) and segments (s…) as arrays. start/end are global positions (texts end to end);
    a/b bound the same stretch in non-whitespace characters, so [a, b) ranges intersect exactly
    when the stretches share a non-whitespace character. Segments: the compared coders' and
    codes', non-empty, sorted by coder, code and start."""

    coders: list[str]
    codes: list[str]
    doc_start: np.ndarray  # each document's first global position, then the total length
    udoc: np.ndarray
    uindex: np.ndarray  # index within the document
    ustart: np.ndarray
    uend: np.ndarray
    ua: np.ndarray
    ub: np.ndarray
    sdoc: np.ndarray
    scoder: np.ndarray
    scode: np.ndarray
    sstart: np.ndarray
    send: np.ndarray
    sa: np.ndarray
    sb: np.ndarray
    names: list[str]  # the documents'
    texts: JoinedTexts


def _prepare(documents: list[DocumentCoding] | CodingColumns, coders: list[str], unit: str,
             codes: list[str] | None) -> _Data:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    coders = list(coders)
    if len(coders) < 2 or len(set(coders)) < len(coders):
        raise ValueError("agreement needs at least two distinct coders")
    if len(coders) > 62:  # who marked a unit is a bit per coder in one integer (_patterns)
        raise ValueError("agreement compares at most 62 coders")
    cols = documents if isinstance(documents, CodingColumns) else CodingColumns.of_documents(documents)
    texts = cols.texts
    lengths, doc_start, nw = texts.lengths, texts.start, texts.nonwhite
    sdoc, coder_col, code_col, sstart, send = cols.spans.T

    compared = {c: i for i, c in enumerate(coders)}
    scoder = np.array([compared.get(c, -1) for c in cols.coder_names] + [-1], np.int64)[coder_col]
    if codes is None:  # every code a compared coder used here, sorted by name
        codes = sorted({cols.code_names[i] for i in np.unique(code_col[scoder >= 0]).tolist()})
    else:
        codes = list(dict.fromkeys(codes))
    index = {c: i for i, c in enumerate(codes)}
    scode = np.array([index.get(c, -1) for c in cols.code_names] + [-1], np.int64)[code_col]
    # offsets outside the text are clipped to it; empty and reversed segments cover nothing
    base, size = doc_start[sdoc], lengths[sdoc]
    sstart = base + np.clip(sstart, 0, size)
    send = base + np.clip(send, 0, size)
    keep = np.flatnonzero((scoder >= 0) & (scode >= 0) & (send > sstart))
    keep = keep[sort_order(sstart[keep], scode[keep], scoder[keep])]  # by coder, code and start
    scoder, scode, sstart, send = scoder[keep], scode[keep], sstart[keep], send[keep]

    if unit == "char":
        # Whitespace characters are not units at all: each non-whitespace character is one unit.
        ustart = np.flatnonzero(texts.nonwhite_chars)
        uend = ustart + 1
        udoc = np.searchsorted(doc_start, ustart, "right") - 1
        uindex = nw[ustart] - nw[doc_start[udoc]]
    else:
        udoc = cols.units[:, 0]
        counts = np.bincount(udoc, minlength=len(cols.names))
        uindex = np.arange(len(udoc)) - np.repeat(np.cumsum(counts) - counts, counts)
        base, size = doc_start[udoc], lengths[udoc]
        ustart = base + np.clip(cols.units[:, 1], 0, size)
        uend = np.maximum(base + np.clip(cols.units[:, 2], 0, size), ustart)
    return _Data(coders, codes, doc_start, udoc, uindex, ustart, uend, nw[ustart], nw[uend],
                 sdoc[keep], scoder, scode, sstart, send, nw[sstart], nw[send], cols.names, texts)


def _runs(d: _Data) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The units that can be marked (not whitespace alone), in text order, and the disjoint runs
    of them each (coder, code) marks: row (coder × codes + code), first and stop (exclusive),
    as indexes into those units; rows ascending, runs in order within a row."""
    K = len(d.codes)
    live = np.flatnonzero(d.ub > d.ua)  # a unit of whitespace only is never present
    live = live[sort_order(d.ub[live], d.ua[live])]
    ua, ub = d.ua[live], d.ub[live]
    if np.any(np.diff(ub) < 0):
        raise ValueError("coding units must not nest: a unit lies strictly inside another")
    # ordered units: a segment meets a run of them, from the first ending after it starts to the
    # last starting before it ends. Segments come sorted by coder, code and start, so their runs
    # merge into disjoint blocks in one sweep.
    first = np.searchsorted(ub, d.sa, "right")
    stop = np.searchsorted(ua, d.sb, "left")
    hit = (first < stop) & (d.sb > d.sa)  # whitespace alone marks nothing
    width = len(live) + 1
    row = (d.scoder[hit] * K + d.scode[hit]) * width
    lo, hi = row + first[hit], np.maximum.accumulate(row + stop[hit])
    if lo.size:
        gap = lo[1:] > hi[:-1]
        lo, hi = lo[np.concatenate(([True], gap))], hi[np.concatenate((gap, [True]))]
    row, first = np.divmod(lo, width)
    return live, row, first, hi - row * width


def _presence(d: _Data) -> np.ndarray:
    """present[coder, code, unit] as booleans."""
    C, K, U = len(d.coders), len(d.codes), len(d.ua)
    live, row, first, stop = _runs(d)
    width = len(live) + 1
    marks = np.zeros(C * K * width, np.int8)
    marks[row * width + first] = 1
    marks[row * width + stop] = -1
    covered = np.cumsum(marks, dtype=np.int8, out=marks).view(bool).reshape(C * K, width)[:, :-1]
    if len(live) == U and np.array_equal(live, np.arange(U)):
        return np.ascontiguousarray(covered).reshape(C, K, U)
    present = np.zeros((C * K, U), bool)
    present[:, live] = covered
    return present.reshape(C, K, U)


def _patterns(d: _Data) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Who marked what, counted: for each code and each set of coders (a bit per coder), the
    units marked by exactly that set, as (code, set, units) rows (sets marked by nobody left
    out). A sweep over the runs of `_runs`, never a coders × codes × units array: a unit's set
    changes only where a run begins or ends."""
    K = len(d.codes)
    live, row, first, stop = _runs(d)
    width = len(live) + 1
    coder, code = np.divmod(row, max(K, 1))
    bit = np.left_shift(1, coder)
    key = np.concatenate((code * width + first, code * width + stop))
    order = sort_order(key)
    key = key[order]
    marked = np.cumsum(np.concatenate((bit, -bit))[order])  # the set from each event to the next
    length = np.diff(key, append=key[-1:])  # runs end within their code: the set is empty after the last
    keep = (length > 0) & (marked != 0)
    code, marked, length = key[keep] // width, marked[keep], length[keep]
    order = sort_order(marked, code)
    code, marked, length = code[order], marked[order], length[order]
    new = np.ones(len(code), bool)
    new[1:] = (code[1:] != code[:-1]) | (marked[1:] != marked[:-1])
    starts = np.flatnonzero(new)
    return code[starts], marked[starts], np.add.reduceat(length, starts) if len(starts) else length[:0]


def _match(ka, sa, ea, kb, sb, eb, threshold: float, span: int) -> np.ndarray:
    """Which of A's segments are matched one-to-one to B's of the same code at Jaccard ≥ threshold,
    greedily by best Jaccard (ties: earlier segments first). Both sorted by code, then start."""
    # the union exceeds the intersection by at least |Δstart|, so Jaccard ≥ t needs
    # |Δstart| ≤ |A|·(1 − t)/t: only B segments starting that near are candidates
    key_a, key_b = ka * span + sa, kb * span + sb
    reach = np.ceil((ea - sa) * ((1 - threshold) / threshold)).astype(np.int64) + 1
    lo = np.searchsorted(key_b, key_a - reach, "left")
    n = np.searchsorted(key_b, key_a + reach, "right") - lo
    ia = np.repeat(np.arange(len(ka)), n)
    ib = lo[ia] + np.arange(len(ia)) - np.repeat(np.cumsum(n) - n, n)
    inter = np.minimum(ea[ia], eb[ib]) - np.maximum(sa[ia], sb[ib])
    jac = inter / ((ea - sa)[ia] + (eb - sb)[ib] - np.maximum(inter, 0))
    ok = (ka[ia] == kb[ib]) & (inter > 0) & (jac >= threshold)
    ia, ib, jac = ia[ok], ib[ok], jac[ok]
    taken_a, taken_b = np.zeros(len(ka), bool), np.zeros(len(kb), bool)
    # most pairs compete with no other: they match whatever the order
    alone = ((np.bincount(ia, minlength=len(ka))[ia] == 1)
             & (np.bincount(ib, minlength=len(kb))[ib] == 1))
    taken_a[ia[alone]] = taken_b[ib[alone]] = True
    rank = np.flatnonzero(~alone)[np.argsort(-jac[~alone], kind="stable")]  # (a, b) order on ties
    ia, ib = ia[rank], ib[rank]
    # a pair ranked first among the pairs left at both its ends is one greedy takes: take all such
    # pairs, drop the pairs they block, repeat (the one-at-a-time loop's result, in rounds)
    while ia.size:
        best_a, best_b = np.zeros(ia.size, bool), np.zeros(ia.size, bool)
        best_a[np.unique(ia, return_index=True)[1]] = True
        best_b[np.unique(ib, return_index=True)[1]] = True
        pick = best_a & best_b
        taken_a[ia[pick]] = True
        taken_b[ib[pick]] = True
        left = ~(taken_a[ia] | taken_b[ib])
        ia, ib = ia[left], ib[left]
    return taken_a


def _presence_per_document(d: _Data) -> list[CodePresence]:
    """A7: per document and code, which coders used the code on some non-whitespace text there."""
    C, K = len(d.coders), len(d.codes)
    nonblank = d.sb > d.sa
    key = (d.sdoc[nonblank] * C + d.scoder[nonblank]) * K + d.scode[nonblank]
    used = (np.bincount(key, minlength=len(d.names) * C * K) > 0).reshape(len(d.names), C, K)
    presence = [CodePresence(name, code, dict(zip(d.coders, flags, strict=True)))
                for name, rows in zip(d.names, used.transpose(0, 2, 1).tolist(), strict=True)
                for code, flags in zip(d.codes, rows, strict=True)]
    return presence


def _overlaps(d: _Data, pairs: list[tuple[int, int]], overlap: float) -> list[list[list[int]]]:
    """A7: per pair of coders and code, (matched, only the first's, only the second's) segments."""
    C, K = len(d.coders), len(d.codes)
    counts = []
    runs = np.searchsorted(d.scoder, np.arange(C + 1))  # segments are sorted by coder
    for i, j in pairs:
        a, b = slice(runs[i], runs[i + 1]), slice(runs[j], runs[j + 1])
        taken = _match(d.scode[a], d.sstart[a], d.send[a], d.scode[b], d.sstart[b], d.send[b],
                       overlap, int(d.doc_start[-1]) + 1)
        m = np.bincount(d.scode[a][taken], minlength=K)
        counts.append(np.stack([m, np.bincount(d.scode[a], minlength=K) - m,
                                np.bincount(d.scode[b], minlength=K) - m], axis=1).tolist())
    return counts


def compute_agreement(documents: list[DocumentCoding] | CodingColumns, coders: list[str], unit: str = "sentence",
                      codes: list[str] | None = None, overlap: float | None = 0.9,
                      consensus: str | None = None) -> AgreementReport:
    """Agreement of `coders` over `documents` (the caller picks which documents count).

    `codes=None` compares every code a compared coder used in these documents, by name;
    `overlap` is the Jaccard threshold for segment matching (None: no presence per document and
    no overlap, only the figures of `headline()`); `consensus` names the project's consensus
    coder, so the report can say when it is one of those compared."""
    if overlap is not None and not 0 < overlap <= 1:
        raise ValueError("the overlap threshold must be above 0 and at most 1")
    d = _prepare(documents, coders, unit, codes)
    C, K, U = len(d.coders), len(d.codes), len(d.ua)
    pairs = list(combinations(range(C), 2))
    # every coder's cells (A3) from the units each set of coders marked
    code, marked_set, units = _patterns(d)
    bits = (marked_set[:, None] >> np.arange(C)) & 1  # (row, coder)

    def per_code(weights: np.ndarray) -> np.ndarray:
        return np.bincount(code, weights=weights, minlength=K).astype(np.int64) if len(code) else np.zeros(K, np.int64)

    marked = np.stack([per_code(units * bits[:, x]) for x in range(C)], axis=1).reshape(K, C)  # (code, coder)
    marked_by = np.zeros((K, C + 1), np.int64)
    np.add.at(marked_by, (code, bits.sum(axis=1)), units)
    marked_by[:, 0] = U - marked_by[:, 1:].sum(axis=1)
    alone = np.stack([per_code(units * (marked_set == 1 << x)) for x in range(C)], axis=1).reshape(K, C)
    tables = []
    for i, j in pairs:
        both = per_code(units * bits[:, i] * bits[:, j])
        tables.append(np.stack([both, marked[:, i] - both, marked[:, j] - both,
                                U - marked[:, i] - marked[:, j] + both], axis=1).tolist())
    cells = [Cells(tuple(d.coders), tuple(m), tuple(by), tuple(a))
             for m, by, a in zip(marked.tolist(), marked_by.tolist(), alone.tolist(), strict=True)]
    # α from the same cells: a unit's value counts are fixed by how many coders marked it (A3)
    alphas = [krippendorff_alpha(list(c.marked_by)) for c in cells]
    alpha, alpha_why = krippendorff_alpha(marked_by.sum(axis=0).tolist(), pooled=True)

    names = [(d.coders[i], d.coders[j]) for i, j in pairs]
    presence, overlaps = [], [[] for _ in d.codes]
    if overlap is not None:
        presence, counts = _presence_per_document(d), _overlaps(d, pairs, overlap)
        overlaps = [[OverlapCount(p, *c[k]) for p, c in zip(names, counts, strict=True)] for k in range(K)]
    results = [CodeAgreement(code, cells[k], [PairTable(p, *t[k]) for p, t in zip(names, tables, strict=True)],
                             *alphas[k], overlaps[k])
               for k, code in enumerate(d.codes)]
    return AgreementReport(unit, d.coders, list(d.names), results, alpha,
                           alpha_why, presence, overlap, consensus if consensus in d.coders else None)


def disagreements(documents: list[DocumentCoding] | CodingColumns, coders: list[str], unit: str = "sentence",
                  codes: list[str] | None = None) -> list[Disagreement]:
    """Every (document, unit, code) where the coders' presence differs, in document order, then
    code order. For unit="char", neighbouring characters (whitespace between them is no unit) with
    the same code and the same coders marking it form one disagreement."""
    d = _prepare(documents, coders, unit, codes)
    present = _presence(d)
    C = len(d.coders)
    pattern = sum(present[c].astype(np.int64) << c for c in range(C))  # (code, unit): who marked it
    differ = (pattern != 0) & (pattern != (1 << C) - 1)
    begin = end = differ
    if unit == "char":
        same = (pattern[:, 1:] == pattern[:, :-1]) & (d.udoc[1:] == d.udoc[:-1])
        joined = np.zeros_like(differ)
        joined[:, 1:] = differ[:, 1:] & differ[:, :-1] & same
        begin = differ & ~joined
        end = differ.copy()
        end[:, :-1] &= ~joined[:, 1:]
    k, first = np.nonzero(begin)
    last = np.nonzero(end)[1]  # runs never interleave within a code, so these pair up in order
    doc = d.udoc[first]
    start, stop = d.ustart[first] - d.doc_start[doc], d.uend[last] - d.doc_start[doc]
    out = []
    for i in np.lexsort((k, stop, start, doc)).tolist():
        n, s, e = int(doc[i]), int(start[i]), int(stop[i])
        flags = int(pattern[k[i], first[i]])
        out.append(Disagreement(d.names[n], int(d.uindex[first[i]]), s, e, d.codes[k[i]],
                                {c: bool(flags >> b & 1) for b, c in enumerate(d.coders)},
                                d.texts.texts[n][s:e]))
    return out
