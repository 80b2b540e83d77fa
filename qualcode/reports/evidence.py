"""Whose speech a coded span covers (docs/methods.md R1, R4, R6): participants' speech is the
evidence; labels, moderators and text outside the turns are not.

For every span of a project at once (numpy over the stretches of speech and the spans), so the
theme summary of half a million segments attributes them in array operations; `pieces_of`
gives one span's pieces as objects, the same rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..analysis.attribution import explode
from ..analysis.columns import JoinedTexts


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


class Evidence:
    """The evidence of documents (R1): their stretches of speech, sorted by document and start.

    `turns[d]`: document d's turns as (speech start, end, participant key or None); a document
    with none is one unidentified speaker's, whole. A stretch's group is its participant's
    (`group_of`), else the document's (`groups[d]`)."""

    def __init__(self, texts: JoinedTexts, turns: Sequence[Sequence[tuple[int, int, str | None]]],
                 groups: Sequence[str | None], is_moderator: Callable[[str], bool],
                 group_of: Callable[[str], str | None]) -> None:
        self.texts = texts
        doc, start, end, person = [], [], [], []
        for d, (text, runs) in enumerate(zip(texts.texts, turns, strict=True)):
            if not runs:  # a text without speaker turns is one unidentified speaker's
                runs = [(0, len(text), None)]
            for s, e, key in runs:
                doc.append(d)
                start.append(s)
                end.append(e)
                person.append(key)
        keys = sorted({k for k in person if k is not None})
        self.people: list[str] = keys
        rank = {k: i for i, k in enumerate(keys)}
        person_at = np.fromiter((rank[k] if k is not None else -1 for k in person), np.int64, len(person))
        doc_at, start_at, end_at = (np.array(v, np.int64) for v in (doc, start, end))
        # a moderator's speech is no evidence, nor is an empty turn
        counts = np.array([not k or not is_moderator(k) for k in keys] + [True])[person_at]
        keep = counts & (end_at > start_at)
        order = np.flatnonzero(keep)[np.lexsort((person_at[keep], end_at[keep], start_at[keep], doc_at[keep]))]
        self.doc, self.start, self.end, self.person = doc_at[order], start_at[order], end_at[order], person_at[order]
        # a stretch's group: its participant's, else the document's (and an unidentified speaker's)
        own = [(k and group_of(k)) or None for k in keys]
        values = [own[p] if p >= 0 and own[p] else groups[d] for d, p in zip(self.doc.tolist(), self.person.tolist(),
                                                                            strict=True)]
        self.groups: list[str | None] = list(dict.fromkeys(values))
        place = {g: i for i, g in enumerate(self.groups)}
        self.group = np.fromiter(map(place.__getitem__, values), np.int64, len(values))
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
