"""Whose speech a span is: the turns it covers, by the presence rule of `spans.covers`.

A span is attributed to every turn whose speech [turn.start, turn.end) it overlaps on a
non-whitespace character — the speaker's label ("Anna: ") is no speech, and a span that only
touches a turn's trailing blank is not that turn's. Pure Python, like `spans.py`; the theme
counts, retrieval, reconciliation and `segments --json` can share it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import TypeVar

from .spans import Span, covers

T = TypeVar("T", bound=Span)


class SpeechIndex:
    """The turns of one document (disjoint; any order), for attributing many spans."""

    def __init__(self, turns: Sequence[T]) -> None:
        self.turns = sorted(turns, key=lambda t: t.start)
        self.ends = [t.end for t in self.turns]  # sorted too: the turns do not overlap

    def covered(self, text: str, start: int, end: int) -> list[T]:
        """The turns whose speech [start, end) covers, in document order."""
        found = []
        i = bisect_right(self.ends, start)  # the first turn ending after the span starts
        while i < len(self.turns) and self.turns[i].start < end:
            turn = self.turns[i]
            if covers(text, start, end, turn.start, turn.end):
                found.append(turn)
            i += 1
        return found


def spoken_turns(text: str, turns: Sequence[T], start: int, end: int) -> list[T]:
    """The turns whose speech the span [start, end) covers (one span; `SpeechIndex` for many)."""
    return SpeechIndex(turns).covered(text, start, end)
