"""Who said it: the turns a span covers, and the participants whose speech that is.

The rule (docs/methods.md, "Participants"): a span counts for every participant whose speech
it covers — at least one character of a turn's speech, the label never — and never for a
moderator. Kept in one small place so the counting rule of issue 11 can replace it whole.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from ..model import SpeechTurn

MODERATOR = re.compile(r"^(moderator|mod|m|facilitator|intervjuare|interviewer|主持人|主持|访谈者|采访者)\s*\d*$",
                       re.IGNORECASE)


def is_moderator(label: str | None) -> bool:
    return bool(label and MODERATOR.match(label))


class TurnIndex:
    """The turns of one document, for finding the turn at an offset and those a span covers."""

    def __init__(self, turns: Sequence[SpeechTurn]) -> None:
        self.turns = sorted(turns, key=lambda t: t.start)
        self.starts = [t.start for t in self.turns]

    def at(self, offset: int) -> SpeechTurn | None:
        """The turn whose speech holds `offset` (None in a label or outside turns)."""
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.turns[i].end:
            return self.turns[i]
        return None

    def covered(self, start: int, end: int) -> list[SpeechTurn]:
        """Turns whose speech shares at least one character with [start, end)."""
        i = max(bisect_right(self.starts, start) - 1, 0)
        found = []
        while i < len(self.turns) and self.turns[i].start < end:
            if self.turns[i].end > start:
                found.append(self.turns[i])
            i += 1
        return found

    def participants(self, start: int, end: int, moderators: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """Participants (keys, in speaking order, once each) whose speech [start, end) covers;
        moderators — by label, or a participant key in `moderators` — never."""
        keys: list[str] = []
        for turn in self.covered(start, end):
            key = turn.participant
            if key and key not in keys and key not in moderators and not is_moderator(turn.label):
                keys.append(key)
        return keys
