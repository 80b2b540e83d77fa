"""Whose speech a coded span covers (docs/methods.md R1, R4, R6): participants' speech is the
evidence; labels, moderators and text outside the turns are not.

For every span of a project at once (numpy over the stretches of speech and the spans), so the
theme summary of half a million segments attributes them in array operations; `pieces_of`
gives one span's pieces as objects, the same rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from ..analysis.attribution import explode
from ..analysis.columns import JoinedTexts, sort_order


@dataclass(frozen=True, slots=True)
class Speech:
    """A stretch of evidence: one non-moderator turn's speech, or a whole document without turns."""

    start: int
    end: int
    person: str | None  # None: an unidentified speaker
    group: str | None


@dataclass(frozen=True, slots=True)
class Piece:
    """The part of a span inside one stretch of evidence; it holds some non-whitespace text."""

    start: int
    end: int
    speech: Speech


@dataclass
class Pieces:
    """Pieces of many spans, as arrays: for each, the span it belongs to (an index into the
    spans asked about), the stretch of speech (an index into `Evidence`'s) and its [start, end).
    Grouped by span, in text order within a span."""

    span: np.ndarray
    stretch: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.span)

    def where(self, keep: np.ndarray) -> Pieces:
        return Pieces(self.span[keep], self.stretch[keep], self.start[keep], self.end[keep])


class TurnArray(Sequence):
    """A document's turns as arrays — (speech start, end) rows and each turn's participant key —
    that read as the list of (start, end, key) tuples they stand for: a project's 150,000 turns
    go to `Evidence` without a tuple each."""

    def __init__(self, spans: np.ndarray, people: list[str | None]) -> None:
        self.spans = spans
        self.people = people

    def __len__(self) -> int:
        return len(self.people)

    def __getitem__(self, i):  # noqa: ANN001 (an index or a slice, as a list's)
        if isinstance(i, slice):
            return list(self)[i]
        start, end = self.spans[i].tolist()
        return start, end, self.people[i]

    def __iter__(self) -> Iterator[tuple[int, int, str | None]]:
        return ((s, e, key) for (s, e), key in zip(self.spans.tolist(), self.people, strict=True))


class Evidence:
    """The evidence of documents (R1): their stretches of speech, sorted by document and start.

    `turns[d]`: document d's turns as (speech start, end, participant key or None); a document
    with none is one unidentified speaker's, whole. A stretch's group is its participant's
    (`group_of`), else the document's (`groups[d]`)."""

    def __init__(self, texts: JoinedTexts, turns: Sequence[Sequence[tuple[int, int, str | None]]],
                 groups: Sequence[str | None], is_moderator: Callable[[str], bool],
                 group_of: Callable[[str], str | None]) -> None:
        self.texts = texts
        # a text without speaker turns is one unidentified speaker's
        turns = [t if len(t) else TurnArray(np.array([[0, len(text)]], np.int64), [None])
                 for text, t in zip(texts.texts, turns, strict=True)]
        arrays = [t.spans if isinstance(t, TurnArray) else np.array([(s, e) for s, e, _ in t], np.int64).reshape(-1, 2)
                  for t in turns]
        person = list(chain.from_iterable(t.people if isinstance(t, TurnArray) else (k for _, _, k in t)
                                          for t in turns))
        spans = np.concatenate(arrays) if arrays else np.zeros((0, 2), np.int64)
        doc, start, end = np.repeat(np.arange(len(turns)), [len(a) for a in arrays]), spans[:, 0], spans[:, 1]
        self.people: list[str] = sorted({k for k in person if k is not None})
        rank = {k: i for i, k in enumerate(self.people)}
        rank[None] = -1
        person = np.fromiter(map(rank.__getitem__, person), np.int64, len(person))
        # a moderator's speech is no evidence, nor is an empty turn
        counts = np.array([not k or not is_moderator(k) for k in self.people] + [True])[person]
        keep = np.flatnonzero(counts & (end > start))
        order = keep[sort_order(person[keep], end[keep], start[keep], doc[keep])]
        self.doc, self.start, self.end, self.person = doc[order], start[order], end[order], person[order]
        # a stretch's group: its participant's, else the document's (and an unidentified speaker's)
        own = [(k and group_of(k)) or None for k in self.people]
        self.groups: list[str | None] = list(dict.fromkeys([*own, *groups]))
        place = {g: i for i, g in enumerate(self.groups)}
        own_at = np.array([place[g] if g else -1 for g in own] + [-1], np.int64)[self.person]
        self.group = np.where(own_at >= 0, own_at, np.array([place[g] for g in groups], np.int64)[self.doc]
                              if len(groups) else own_at)
        self._stride = int(max(self.end.max(initial=0), texts.lengths.max(initial=0))) + 1

    def pieces(self, doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> Pieces:
        """The evidence each span (document index, start, end: an array each) covers: one piece
        per stretch of speech it covers a non-whitespace character of (the presence rule, as for
        units), in text order."""
        stride = max(self._stride, int(end.max(initial=0)) + 1)
        starts = self.doc * stride + self.start
        # the furthest end so far: the first stretch a span can meet, even if turns overlapped
        reach = np.maximum.accumulate(self.doc * stride + self.end) if len(self.doc) else starts
        first = np.searchsorted(reach, doc * stride + np.maximum(start, 0), "right")
        count = np.maximum(np.searchsorted(starts, doc * stride + end, "left") - first, 0)
        span = np.repeat(np.arange(len(doc)), count)
        stretch = np.repeat(first, count) + explode(count)
        lo, hi = np.maximum(start[span], self.start[stretch]), np.minimum(end[span], self.end[stretch])
        size = self.texts.lengths[doc[span]]
        base = self.texts.start[doc[span]]
        a, b = base + np.clip(lo, 0, size), base + np.clip(hi, 0, size)
        nonwhite = self.texts.nonwhite
        covered = (a < b) & (nonwhite[b] > nonwhite[a])
        return Pieces(span[covered], stretch[covered], lo[covered], hi[covered])

    def speech(self, stretch: int) -> Speech:
        person = int(self.person[stretch])
        return Speech(int(self.start[stretch]), int(self.end[stretch]), self.people[person] if person >= 0 else None,
                      self.groups[self.group[stretch]])

    def pieces_of(self, doc: int, start: int, end: int) -> list[Piece]:
        """One span's pieces, as objects."""
        found = self.pieces(np.array([doc]), np.array([start]), np.array([end]))
        return [Piece(int(s), int(e), self.speech(k))
                for s, e, k in zip(found.start.tolist(), found.end.tolist(), found.stretch.tolist(), strict=True)]
