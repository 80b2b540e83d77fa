"""The workbench's moves through a transcript: a sentence or a turn at a time, what a code
would apply to (the selection, else the sentence at the cursor), and search within the
document with its hits."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from textual.widgets import Input

from ..model import Unit, plural
from ..text.width import fit_width
from .widgets.transcript import TranscriptView


class NavigationActions:
    # --- selecting units ----------------------------------------------------------------------

    def target(self) -> tuple[int, int] | None:
        """What a code applies to: the selection (trimmed of white space), else the sentence at
        the cursor."""
        view = self.query_one(TranscriptView)
        start, end = view.selection_offsets()
        if end > start:
            while start < end and self.text[start].isspace():
                start += 1
            while end > start and self.text[end - 1].isspace():
                end -= 1
            return (start, end) if end > start else None
        unit = self.unit_at(self.sentences, view.cursor_offset)
        return (unit.start, unit.end) if unit else None

    @staticmethod
    def unit_at(units: list[Unit], offset: int) -> Unit | None:
        """The unit holding `offset`, else the next one after it."""
        starts = [u.start for u in units]
        i = bisect_right(starts, offset) - 1
        if i >= 0 and units[i].start <= offset < units[i].end:
            return units[i]
        return units[i + 1] if i + 1 < len(units) else None

    def step(self, units: list[Unit], forward: bool) -> None:
        """Select a unit. With nothing selected: the one at the cursor. With part of one
        selected (a search hit): the one holding it. With exactly one selected: the next (or
        previous). With more than one (a turn, stepping by sentence): the first (or last) of them."""
        view = self.query_one(TranscriptView)
        start, end = view.selection_offsets()
        if not units:
            return
        if end == start:
            unit = self.unit_at(units, start)
        else:
            i = bisect_right([u.start for u in units], start) - 1  # the last unit starting at or before it
            holding = units[i] if i >= 0 and end <= units[i].end else None
            if holding is not None and (holding.start, holding.end) != (start, end):
                unit = holding
            elif holding is not None:
                j = i + (1 if forward else -1)
                unit = units[j] if 0 <= j < len(units) else None
            elif forward:
                j = bisect_right([u.end for u in units], start)  # the first unit ending after the start
                unit = units[j] if j < len(units) else None
            else:
                j = bisect_left([u.start for u in units], end) - 1  # the last unit starting before the end
                unit = units[j] if j >= 0 else None
        if unit:
            view.select_offsets(unit.start, unit.end)

    def action_next_sentence(self) -> None:
        self.step(self.sentences, True)

    def action_previous_sentence(self) -> None:
        self.step(self.sentences, False)

    def action_next_turn(self) -> None:
        if self.no_turns():
            return
        self.step(self.turns, True)

    def action_previous_turn(self) -> None:
        if self.no_turns():
            return
        self.step(self.turns, False)

    def no_turns(self) -> bool:
        """A document without speakers has no turns: say so rather than do nothing."""
        if self.turns or self.doc_id is None:
            return False
        self.notify(f"This document has no speaker turns: {self.key_text('transcript.next_sentence')} and "
                    f"{self.key_text('transcript.previous_sentence')} select sentences.", severity="warning")
        return True

    # --- search ----------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    def search_submitted(self, event: Input.Submitted) -> None:
        """The search box's query (the app routes its Submitted here: Textual's @on is the app's)."""
        if self.doc_id is None:
            return
        self.hits = self.guard(self.project.documents.search, self.doc_id, event.value) or []
        event.input.display = False
        view = self.query_one(TranscriptView)
        view.focus()
        self.refresh_coding()
        # the query whole when it fits (a toast is 60 cells at most, and half the screen), in
        # straight quotes: curly ones are of ambiguous width, two cells in a Chinese terminal
        query = fit_width(event.value, max(10, min(60, self.size.width // 2) - 20))
        if not self.hits:
            self.notify(f'"{query}" not found.', severity="warning")
            return
        self.notify(f'{plural(len(self.hits), "hit")} for "{query}" · {self.key_text("search.next_hit")} next')
        self.goto_hit(view.cursor_offset, forward=True, inclusive=True)

    def on_key(self, event) -> None:
        search = self.query_one("#search", Input)
        if event.key == "escape" and search.display:
            search.display = False
            self.query_one(TranscriptView).focus()

    def goto_hit(self, offset: int, forward: bool, inclusive: bool = False) -> None:
        if not self.hits:
            return
        starts = [h[0] for h in self.hits]
        if forward:
            i = bisect_left(starts, offset) if inclusive else bisect_right(starts, offset)
            hit = self.hits[i % len(self.hits)]
        else:
            i = bisect_left(starts, offset) - 1
            hit = self.hits[i % len(self.hits)]
        self.query_one(TranscriptView).select_offsets(*hit)

    def action_next_hit(self) -> None:
        self.goto_hit(self.query_one(TranscriptView).selection_offsets()[0], forward=True)

    def action_previous_hit(self) -> None:
        self.goto_hit(self.query_one(TranscriptView).selection_offsets()[0], forward=False)
