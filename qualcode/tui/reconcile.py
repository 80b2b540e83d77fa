"""Reconcile: walk two coders' disagreements side by side and decide each into the consensus."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from ..model import QueueItem, plural
from ..text.snippet import clip_words, clip_words_left
from .listing import snippet, where
from .screens import ChoicePrompt, TextPrompt, safe_colour

CONTEXT_CELLS = 160  # of what was said before and after the unit (a Chinese character takes two)


class ReconcileScreen(Screen):
    """a / b accept one coder's coding, o both, n neither, e edit the span; m adds a note;
    w writes what both coders agree on (asked first, with the count). Opening writes nothing.
    Every decision is stored at once; leaving and coming back resumes where you were; ctrl+z
    undoes the last decision (or agreed writing) on this pair, ctrl+y redoes it."""

    BINDINGS = [
        Binding("a", "decide('accept-a')", "Accept A", id="reconcile.accept_a"),
        Binding("b", "decide('accept-b')", "Accept B", id="reconcile.accept_b"),
        Binding("o", "decide('both')", "Both", id="reconcile.both"),
        Binding("n", "decide('neither')", "Neither", id="reconcile.neither"),
        Binding("e", "edit", "Edit span", id="reconcile.edit"),
        Binding("m", "note", "Note", id="reconcile.note"),
        Binding("w", "write_agreed", "Write agreed", id="reconcile.write_agreed"),
        Binding("right_square_bracket,j,down", "move(1)", "Next", key_display="]", id="reconcile.next"),
        Binding("left_square_bracket,k,up", "move(-1)", "Previous", key_display="[", id="reconcile.previous"),
        Binding("escape,q", "close", "Back", id="reconcile.close"),
    ]

    def __init__(self, a: str, b: str, unit: str = "sentence") -> None:
        super().__init__()
        self.a, self.b, self.unit = a, b, unit
        self.queue: list[QueueItem] = []
        self.index = 0
        self.agreed = 0  # codings both coders agree on that the consensus does not have yet

    def compose(self) -> ComposeResult:
        yield Label("", id="reconcile-progress")
        with Horizontal(id="reconcile-sides"):
            with Vertical(classes="side-a"):
                yield Label(Text(self.a, style="bold"))
                yield Static(id="codes-a")
            with Vertical(classes="side-b"):
                yield Label(Text(self.b, style="bold"))
                yield Static(id="codes-b")
            with Vertical(classes="side-text"):
                yield Label("", id="reconcile-where")
                yield Static(id="reconcile-text")
        yield Static(id="reconcile-decision")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        undecided = [i for i, item in enumerate(self.queue) if not item.decision]
        self.index = undecided[0] if undecided else 0
        self.show()

    def reload(self) -> None:
        team = self.app.project.team
        queue = self.app.guard(team.reconcile_queue, self.a, self.b, self.unit)
        self.compared = queue is not None  # None: nothing could be compared (the notification says why)
        # blind coding: the disagreements in documents you have not marked done stay hidden
        self.queue = [i for i in queue or [] if not self.app.blind.blind_in(i.doc_id)]
        self.hidden = len(queue or []) - len(self.queue)
        self.agreed = (self.app.guard(team.reconcile_agreed, self.a, self.b, self.unit, actor=self.app.coder,
                                      dry_run=True) or 0) if self.compared else 0

    @property
    def item(self) -> QueueItem | None:
        return self.queue[self.index] if 0 <= self.index < len(self.queue) else None

    def show(self) -> None:
        done = sum(1 for i in self.queue if i.decision)
        agreed = (f" · {plural(self.agreed, 'agreed coding')} not yet in {self.app.project.settings.consensus_coder}"
                  f" ({self.app.key_text('reconcile.write_agreed')} writes)" if self.agreed else "")
        self.query_one("#reconcile-progress", Label).update(Text.assemble(
            (f"Reconcile {self.a} and {self.b}", "bold"),
            f" · {done} / {len(self.queue)} resolved" + (f" · item {self.index + 1}" if self.queue else "") + agreed
            + (f" · {self.hidden} hidden: blind coding (mark their documents done, or qualcode tui --unblind)"
               if self.hidden else "")))
        item = self.item
        if item is None:
            self.query_one("#reconcile-text", Static).update(
                (f"All {self.hidden} disagreements lie" if self.hidden > 1 else "The disagreement lies")
                + " in documents you have not marked done (blind coding)."
                if self.hidden else "No disagreements: the coders agree everywhere." if self.compared
                else "Nothing to compare: these coders share no coded document.")
            return
        colours = {c.name: safe_colour(c.color) for c in self.app.project.codebook.codes()}
        lang = self.app.lang
        labels = {c.name: c.label(lang) for c in self.app.project.codebook.codes()}

        def codes(names: list[str]) -> Text:
            text = Text()
            for name in names or []:
                text.append("■ ", style=colours.get(name, "white"))
                text.append(labels.get(name, name), style="bold" if name in item.disputed else "dim")
                text.append("\n")
            return text if names else Text("(nothing)", style="dim")

        review = self.app.project.review

        def memos(coder: str) -> Text:  # what the coder wrote on their coding here
            text = Text()
            for s in review.memos_in(item.doc_id, item.start, item.end, [coder]):
                text.append(f"\n{labels.get(s.code, s.code)}: ", style="italic dim")
                text.append(snippet(s.memo, 120), style="italic")
            return text

        self.query_one("#codes-a", Static).update(codes(item.codes_a) + memos(self.a))
        self.query_one("#codes-b", Static).update(codes(item.codes_b) + memos(self.b))
        context = review.context(item.doc_id, item.start, item.end)
        self.query_one("#reconcile-where", Label).update(f"{where(context)} · {self.unit} {item.unit_index + 1}")
        # what was said around the unit in its line (the turn), cut between words (… where cut)
        line_before, line_after = item.before.split("\n")[-1], item.after.split("\n")[0]
        before = clip_words_left(line_before, CONTEXT_CELLS) if line_before.strip() else ""
        after = clip_words(line_after, CONTEXT_CELLS) if line_after.strip() else ""
        body = Text(before + (" " if before and line_before[-1:].isspace() else ""), style="dim")
        body.append(item.text, style="bold reverse")
        body.append((" " if after and line_after[:1].isspace() else "") + after, style="dim")
        self.query_one("#reconcile-text", Static).update(body)
        decision = item.decision
        if decision:
            decided = ", ".join(labels.get(c, c) for c in decision["codes"]) or "no code"
            line = (f"Decided: {decision['choice']} → {decided}"
                    f" · by {decision['decided_by']} {decision['decided_at'][:16].replace('T', ' ')}")
            if decision.get("note"):
                line += f"\nNote: {decision['note']}"
        else:
            key = self.app.key_text
            line = (f"Undecided · {key('reconcile.accept_a')} accept A · {key('reconcile.accept_b')} accept B · "
                    f"{key('reconcile.both')} both · {key('reconcile.neither')} neither · "
                    f"{key('reconcile.edit')} edit span · {key('reconcile.note')} note")
        self.query_one("#reconcile-decision", Static).update(line)

    def decide(self, choice: str, note: str | None = None, span: tuple[int, int] | None = None) -> None:
        item = self.item
        if item is None:
            return
        if note is None and item.decision:
            note = item.decision.get("note")
        result = self.app.guard(self.app.project.team.decide, self.a, self.b, item.key, choice, note=note,
                                unit=self.unit, span=span, actor=self.app.coder)
        if result is None:
            return
        self.reload()
        undecided = [i for i, q in enumerate(self.queue) if not q.decision and i > self.index]
        if undecided and note is None:
            self.index = undecided[0]
        self.show()
        self.app.refresh_coding()

    def action_decide(self, choice: str) -> None:
        self.decide(choice)

    def action_edit(self) -> None:
        item = self.item
        if item is None:
            return

        def done(value: str | None) -> None:
            start, _, end = (value or "").partition(":")
            if start.strip().isdigit() and end.strip().isdigit():
                self.decide("edit", span=(int(start), int(end)))
            elif value:
                self.app.notify("Give the span as start:end", severity="warning")

        self.app.push_screen(TextPrompt("Consensus span (start:end); the disputed codes are kept",
                                        f"{item.start}:{item.end}"), done)

    def action_note(self) -> None:
        item = self.item
        if item is None or not item.decision:
            self.app.notify("Decide first, then add a note.", severity="warning")
            return

        def done(value: str | None) -> None:
            if value is not None:
                span = (item.decision["start"], item.decision["end"]) if item.decision["choice"] == "edit" else None
                self.decide(item.decision["choice"], note=value, span=span)

        self.app.push_screen(TextPrompt("Note on this decision", item.decision.get("note") or ""), done)

    def action_write_agreed(self) -> None:
        consensus = self.app.project.settings.consensus_coder
        if not self.agreed:
            self.app.notify(f"Nothing to write: {consensus} has every coding both coders agree on.")
            return

        def write(go: bool | None) -> None:
            if not go:
                return
            added = self.app.guard(self.app.project.team.reconcile_agreed, self.a, self.b, self.unit,
                                   actor=self.app.coder)
            if added is not None:
                self.app.notify(f"wrote {plural(added, 'coding')} both agree on into {consensus} "
                                f"({self.app.key_text('coding.undo')} undoes)")
                self.after_change()

        self.app.push_screen(ChoicePrompt(
            f"Write the {plural(self.agreed, 'coding')} {self.a} and {self.b} agree on into {consensus}?",
            [(f"Write {plural(self.agreed, 'coding')}", True), ("Cancel", False)]), write)

    def undo_redo(self, undo: bool) -> None:
        """ctrl+z / ctrl+y here: this pair's last decision or agreed writing, nothing else."""
        project = self.app.project
        result = self.app.guard(project.team.undo_step, self.a, self.b, actor=self.app.coder, undo=undo)
        if not result:
            self.app.notify("Nothing to undo here." if undo else "Nothing to redo here.")
            return
        self.app.notify(project.coding.describe(result))
        key = next((e["payload"]["key"] for e in result.events if "key" in e["payload"]), None)
        self.after_change()
        at = next((i for i, item in enumerate(self.queue) if item.key == key), None)
        if at is not None:  # back to the item whose decision went (or came back)
            self.index = at
            self.show()

    def after_change(self) -> None:
        self.reload()
        self.index = min(self.index, max(0, len(self.queue) - 1))
        self.show()
        self.app.refresh_coding()

    def action_move(self, step: int) -> None:
        if self.queue:
            self.index = max(0, min(len(self.queue) - 1, self.index + step))
            self.show()

    def action_close(self) -> None:
        self.app.pop_screen()
