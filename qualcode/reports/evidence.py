"""Whose speech a coded span covers (docs/methods.md R1, R4, R6): participants' speech is the
evidence; labels, moderators and text outside the turns are not.

Pure functions over plain tuples, so the summary, the exports and any listing of segments
attribute a span the same way.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from ..analysis.spans import covers


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


class Evidence:
    """The evidence of one document (R1) and the pieces of it a span covers."""

    def __init__(self, text: str, turns: list[tuple[int, int, str | None]], doc_group: str | None,
                 is_moderator: Callable[[str], bool], group_of: Callable[[str], str | None]) -> None:
        self.text = text
        if turns:
            self.speech = [Speech(start, end, person, (person and group_of(person)) or doc_group)
                           for start, end, person in sorted(turns)
                           if end > start and not (person and is_moderator(person))]
        else:  # a text without speaker turns is one unidentified speaker's
            self.speech = [Speech(0, len(text), None, doc_group)]
        # the furthest end so far: the first stretch a span can meet, even if turns overlapped
        self._reach = list(accumulate((s.end for s in self.speech), max))

    def pieces(self, start: int, end: int) -> list[Piece]:
        """The evidence [start, end) covers, one piece per stretch of speech, in text order."""
        out = []
        for i in range(bisect_right(self._reach, start), len(self.speech)):
            speech = self.speech[i]
            if speech.start >= end:
                break
            if covers(self.text, start, end, speech.start, speech.end):  # the presence rule, as for units
                out.append(Piece(max(start, speech.start), min(end, speech.end), speech))
        return out
