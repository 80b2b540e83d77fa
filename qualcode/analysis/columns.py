"""Documents and their coding as columns: what the agreement and the theme summary compute from.

A project of 1,000 transcripts holds half a million segments: as objects (one per segment)
they cost more to build than everything computed from them. Here the texts are laid end to
end (`JoinedTexts`: an offset of a document becomes a position on one line, and the number of
non-whitespace characters before any position is one lookup — the presence rule, A2/R1, for
any number of spans at once), and segments and units are integer arrays (`CodingColumns`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, count
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .agreement import DocumentCoding

# str.isspace() as a table over code points; no whitespace character lies above U+3000,
# so everything from U+3001 on looks up the last entry (not whitespace)
_WS_MAX = 0x3001
_NONWHITE = np.array([not chr(i).isspace() for i in range(_WS_MAX + 1)])


class JoinedTexts:
    """Texts end to end: document d's offset i is the position `start[d] + i`."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        self.lengths = np.fromiter(map(len, self.texts), np.int64, len(self.texts))
        self.start = np.concatenate(([0], np.cumsum(self.lengths)))  # and the total length, last

    @cached_property
    def nonwhite_chars(self) -> np.ndarray:
        """Per position: the character there is not whitespace (str.isspace)."""
        return np.concatenate([_nonwhite(t) for t in self.texts]) if self.texts else np.zeros(0, bool)

    @cached_property
    def nonwhite(self) -> np.ndarray:
        """nonwhite[p]: the non-whitespace characters before position p (p = 0 … total), so a
        stretch [a, b) holds one exactly when nonwhite[b] > nonwhite[a]. Made text by text: one
        transcript's temporary arrays stay in the cache, where the whole corpus's would not."""
        total = int(self.start[-1])
        out = np.empty(total + 1, np.int32 if total < 2**31 - 1 else np.int64)
        out[0] = 0
        for text, at in zip(self.texts, self.start.tolist(), strict=False):
            part = out[at + 1:at + 1 + len(text)]
            np.cumsum(_nonwhite(text), out=part)
            part += out[at]
        return out


def _nonwhite(text: str) -> np.ndarray:
    return _NONWHITE.take(np.frombuffer(text.encode("utf-32-le", "surrogatepass"), "<u4"), mode="clip")


@dataclass
class CodingColumns:
    """Documents, their units and their coders' segments as arrays.

    `units`: (document index, start, end) rows, each document's in its order (sentences or
    turns; unused for character units). `spans`: (document index, coder, code, start, end) rows,
    coder and code as indexes into `coder_names` and `code_names`, in document order and, within
    a document, in the order ties are broken in (start, end, then as stored)."""

    names: list[str]
    texts: JoinedTexts
    units: np.ndarray
    spans: np.ndarray
    coder_names: list[str]
    code_names: list[str]

    @classmethod
    def of_documents(cls, documents: Sequence[DocumentCoding]) -> CodingColumns:
        """The columns of DocumentCoding objects (one C-level pass per attribute)."""
        counts = [len(d.units) for d in documents]
        units = np.fromiter(chain.from_iterable(chain.from_iterable(d.units for d in documents)),
                            np.int64, 2 * sum(counts)).reshape(-1, 2)
        spans = list(chain.from_iterable(d.spans for d in documents))
        n = len(spans)
        coders, codes = defaultdict(count().__next__), defaultdict(count().__next__)
        columns = np.empty((n, 5), np.int64)
        columns[:, 0] = np.repeat(np.arange(len(documents)), [len(d.spans) for d in documents])
        columns[:, 1] = np.fromiter(map(coders.__getitem__, map(attrgetter("coder"), spans)), np.int64, n)
        columns[:, 2] = np.fromiter(map(codes.__getitem__, map(attrgetter("code"), spans)), np.int64, n)
        columns[:, 3] = np.fromiter(map(attrgetter("start"), spans), np.int64, n)
        columns[:, 4] = np.fromiter(map(attrgetter("end"), spans), np.int64, n)
        return cls([d.name for d in documents], JoinedTexts([d.text for d in documents]),
                   np.column_stack([np.repeat(np.arange(len(documents)), counts), units]), columns,
                   list(coders), list(codes))

    def documents(self) -> list[DocumentCoding]:
        """The DocumentCoding objects of these columns (for the few callers that walk them)."""
        from .agreement import CodedSpan, DocumentCoding

        unit_runs = np.searchsorted(self.units[:, 0], np.arange(len(self.names) + 1))
        span_runs = np.searchsorted(self.spans[:, 0], np.arange(len(self.names) + 1))
        out = []
        for d, name in enumerate(self.names):
            units = [(s, e) for s, e in self.units[unit_runs[d]:unit_runs[d + 1], 1:].tolist()]
            spans = [CodedSpan(self.coder_names[k], self.code_names[c], s, e)
                     for _, k, c, s, e in self.spans[span_runs[d]:span_runs[d + 1]].tolist()]
            out.append(DocumentCoding(name, self.texts.texts[d], units, spans))
        return out


class IdIndex:
    """A map from ids (small non-negative integers: rowids) to places 0 … n-1, applied to arrays
    of ids in one step: `IdIndex([7, 3])(np.array([3, 3, 7, 9]))` is [1, 1, 0, -1]."""

    def __init__(self, ids: Sequence[int]) -> None:
        self.keys = list(ids)
        self._table = np.full(max(self.keys, default=-1) + 2, -1, np.int64)
        self._table[self.keys] = np.arange(len(self.keys))

    def __call__(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, np.int64)
        return self._table[np.where((ids >= 0) & (ids < len(self._table)), ids, -1)]


@dataclass
class ProjectCoding:
    """A project's documents and coding as read, in a few statements (CodingService.columns).

    `documents`: in import order, (id, name, …) each (model.DocRef); `texts`: theirs, end to end,
    in that order; `segments`: (id, document id, code id, coder id, start, end, exemplar) rows, in
    id order; `units`: (document id, start, end) rows of one kind (sentences or turns), each
    document's in order; `coders` and `codes`: names by id."""

    documents: list
    texts: JoinedTexts
    segments: np.ndarray
    units: np.ndarray
    coders: dict[int, str]
    codes: dict[int, str]

    def select(self, coders: Sequence[str], every: bool = True, codes: Sequence[str] | None = None) -> CodingColumns:
        """The coding of `coders` (names) as compared: with `every`, in the documents where each of
        them has a segment (else in all the documents read); with `codes` (names), of those codes
        only. Documents in import order; segments by document, then start, end and id (the order
        ties are broken in)."""
        ids = {name: i for i, name in self.coders.items()}
        coder_of = IdIndex([ids[c] for c in coders if c in ids])
        spans = self.segments[coder_of(self.segments[:, 3]) >= 0]
        documents = self.documents
        if every:
            coded = np.zeros((len(coders), int(spans[:, 1].max(initial=0)) + 1), bool)
            coded[coder_of(spans[:, 3]), spans[:, 1]] = True
            documents = ([d for d in documents if d.id < coded.shape[1] and coded[:, d.id].all()]
                         if len(coder_of.keys) == len(coders) else [])
        doc_of = IdIndex([d.id for d in documents])
        keep = doc_of(spans[:, 1]) >= 0
        if codes is not None:
            keep &= np.isin(spans[:, 2], [i for i, name in self.codes.items() if name in set(codes)])
        spans = spans[keep]
        where = doc_of(spans[:, 1])
        order = sort_order(spans[:, 5], spans[:, 4], where)  # ties (the same span) stay in id order
        spans, where = spans[order], where[order]
        code_of = IdIndex(sorted(self.codes))
        columns = np.column_stack([where, coder_of(spans[:, 3]), code_of(spans[:, 2]), spans[:, 4], spans[:, 5]])
        units = self.units[doc_of(self.units[:, 0]) >= 0]
        units = np.column_stack([doc_of(units[:, 0]), units[:, 1:]])
        if np.any(np.diff(units[:, 0]) < 0):  # import order is not id order
            units = units[np.argsort(units[:, 0], kind="stable")]
        if len(documents) == len(self.documents):
            texts = self.texts  # the same documents: their positions (and counts) already made
        else:
            place = IdIndex([d.id for d in self.documents])
            texts = JoinedTexts([self.texts.texts[i] for i in place([d.id for d in documents]).tolist()])
        return CodingColumns([d.name for d in documents], texts, units.reshape(-1, 3), columns.reshape(-1, 5),
                             [c for c in coders if c in ids], [self.codes[i] for i in code_of.keys])


def sort_order(*keys: np.ndarray) -> np.ndarray:
    """np.lexsort(keys) — sorted by the last key, then the one before, …; ties in input order —
    made faster where it can be: keys that fit together into one 63-bit integer are packed, with
    each row's place last when that fits too (then the values are distinct and a plain sort of
    them gives the order), else sorted stably."""
    if not keys or not len(keys[0]):
        return np.zeros(0 if not keys else len(keys[0]), np.int64)
    n = len(keys[0])
    lows = [int(k.min()) for k in keys]
    spans = [int(k.max()) - low + 1 for k, low in zip(keys, lows, strict=True)]
    bits = sum((span - 1).bit_length() for span in spans)
    if bits > 63:
        return np.lexsort(keys)
    packed = np.zeros(n, np.int64)
    for key, low, span in zip(reversed(keys), reversed(lows), reversed(spans), strict=True):
        packed *= span
        packed += key - low
    if bits + (n - 1).bit_length() <= 63:
        packed <<= (n - 1).bit_length()
        packed |= np.arange(n)
        return np.sort(packed) & ((1 << (n - 1).bit_length()) - 1)
    return np.argsort(packed, kind="stable")
