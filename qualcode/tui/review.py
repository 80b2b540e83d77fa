"""The workbench's reviewing actions (a mixin of the app): coding stripes, memos on anything,
blind coding with "done" marks, and playing a timed turn's recording.

Blind coding: while you have not marked the open document done (`d`), co-authors' coding of it
stays hidden whatever layer `v` shows; the project setting `blind off` or `qualcode tui
--unblind` lifts it. The consensus coder's coding is hidden too: it is made of co-authors' coding.
"""

from __future__ import annotations

from functools import partial

from textual.app import SystemCommand
from textual.binding import Binding
from textual.markup import escape

from ..model import BlindView, Memo, Segment
from .listing import snippet, where
from .memos import MemoEditor, MemosScreen
from .screens import ChoicePrompt, TextPrompt
from .widgets.codebook import CodebookTree, CodeNode, ThemeNode
from .widgets.documents import DocumentList
from .widgets.stripes import Column, Stripe, StripeGutter, StripeLegend
from .widgets.transcript import TranscriptView

REVIEW_BINDINGS = [
    Binding("s", "toggle_stripes", "Stripes", show=False, id="view.stripes"),
    Binding("d", "mark_done", "Done", id="review.done"),
    Binding("M", "memos", "Memos", show=False, id="memos.list"),
    Binding("p", "play", "Play", show=False, id="media.play"),
]
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
# the app's priority keys that would act behind an editor (undo coding while undoing typing)
EDITOR_BLOCKED = {"undo", "redo", "export"}


class ReviewActions:
    blind = BlindView("", None)
    unblind = False
    stripes_on = True
    _turn_times: tuple[int | None, list[tuple[int, float]]] = (None, [])

    def setup_review(self) -> None:
        """At start (the coder is known): what blind coding hides from them."""
        self.blind = self.project.review.blind_view(self.coder, unblind=self.unblind)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in EDITOR_BLOCKED and isinstance(self.screen, (MemoEditor, TextPrompt)):
            return False  # the key goes on to the text box (its own undo)
        return super().check_action(action, parameters)

    # --- blind coding -------------------------------------------------------------------------

    def blind_here(self) -> bool:
        """Whether co-authors' coding of the open document is hidden from this coder."""
        return self.doc_id is not None and self.blind.blind_in(self.doc_id)

    def blind_note(self) -> str:
        if self.blind.done is None or self.doc_id is None:
            return ""
        return " · blind until done" if self.blind_here() else " · done"

    def layer_coder(self) -> str | None:
        """Whose counts the panes show: the layer's, but only yours while blind coding hides
        some document's co-authors' coding (counts would tell what it hides)."""
        layer = {"mine": self.coder, "all": None}.get(self.layer, self.layer)
        if layer != self.coder and self.blind.done is not None:
            all_done = {d for d in self.summaries} <= set(self.blind.done) if self.summaries else False
            if not all_done:
                return self.coder
        return layer

    def action_mark_done(self) -> None:
        if self.doc_id is None:
            return
        done = self.doc_id not in self.project.review.done_documents(self.coder)
        if self.guard(self.project.review.mark_done, self.doc_id, self.coder, done=done) is None:
            return
        self.setup_review()
        name = self.summaries[self.doc_id].name if self.doc_id in self.summaries else "this document"
        if done:
            layer = self.key_text("view.cycle_layer")
            self.notify(f"{name}: done. Co-authors' coding of it can be shown now ({layer}).")
        else:
            self.notify(f"{name}: not done. Co-authors' coding of it is hidden again.")
        self.after_blind_change()

    def after_blind_change(self) -> None:
        self.update_title()
        self.refresh_coding()
        self.refresh_documents(full=True)
        self.refresh_codebook()

    def explain_blind(self) -> bool:
        """`v` while the open document is blind: say why nothing more is shown; True if said."""
        if not self.blind_here():
            return False
        others = {s.coder for s in self.segments if s.coder != self.coder}
        who = f" ({', '.join(sorted(others))} coded it)" if others else ""
        self.notify(f"Blind coding: co-authors' coding of this document stays hidden until you mark it done "
                    f"({self.key_text('review.done')}){who}. qualcode settings blind off lifts it for the project.",
                    severity="warning", timeout=8)
        return True

    # --- coding stripes -----------------------------------------------------------------------

    def refresh_stripes(self, shown: list[Segment]) -> None:
        gutter = self.query_one(StripeGutter)
        gutter.show_stripes = self.stripes_on
        quick = {c.id: str(i) for i, c in enumerate(self.project.codebook.quick_codes(), start=1) if c}
        order = {code_id: i for i, code_id in enumerate(self.codes)}
        used = sorted({s.code_id for s in shown}, key=lambda c: order.get(c, 0))
        letters = iter(LETTERS)
        columns = {}
        for code_id in used:
            code = self.codes.get(code_id)
            label = quick.get(code_id) or next(letters, "?")
            columns[code_id] = Column(code_id, label, (code.color if code else None) or "#888888",
                                      code.label(self.lang) if code else str(code_id))
        stripes = [Stripe(s.start, s.end, s.code_id, s.coder == self.coder) for s in shown]
        gutter.set_data(stripes, columns, order, self.turn_times(), max_columns=6 if self.size.width < 100 else 10)
        legend = self.query_one(StripeLegend)
        legend.display = self.stripes_on and bool(columns)
        legend.reserve(list(columns.values()))

    def turn_times(self) -> list[tuple[int, float]]:
        doc_id, times = self._turn_times
        if doc_id != self.doc_id:
            times = [(t.label_start, t.time_start) for t in self.project.review.turns(self.doc_id)
                     if t.time_start is not None] if self.doc_id is not None else []
            self._turn_times = (self.doc_id, times)
        return times

    def on_stripe_gutter_columns_changed(self, event: StripeGutter.ColumnsChanged) -> None:
        self.query_one(StripeLegend).show_columns(event.columns, event.overflow)

    def action_toggle_stripes(self) -> None:
        self.stripes_on = not self.stripes_on
        self.refresh_coding()
        self.notify("coding stripes " + ("shown" if self.stripes_on else "hidden"))

    # --- memos --------------------------------------------------------------------------------

    def memo_on_focus(self) -> None:
        """`m`: a memo on what has the focus — the highlighted code or theme, document, or your
        coding at the cursor (else a choice: this document, the speaker, the project)."""
        focused = self.focused
        if isinstance(focused, CodebookTree):
            node = focused.cursor_node
            data = node.data if node is not None else None
            if isinstance(data, CodeNode):
                self.write_memo("code", data.code.uid, f"Memo on the code “{data.code.label(self.lang)}”")
            elif isinstance(data, ThemeNode):
                self.write_memo("theme", data.theme.uid, f"Memo on the theme “{data.theme.label(self.lang)}”")
            else:
                self.notify("Highlight a code or a theme to memo it.", severity="warning")
            return
        if isinstance(focused, DocumentList):
            option = focused.highlighted_option
            if option is not None and option.id:
                self.memo_on_document(int(option.id.removeprefix("doc-")))
            return
        mine = self.mine_here()
        if mine:
            self.with_segment("memo", self.memo_on_segment)
            return
        self.memo_elsewhere()

    def memo_on_segment(self, segment: Segment) -> None:
        code = self.codes.get(segment.code_id)
        context = self.project.review.context(segment.doc_id, segment.start, segment.end)
        label = code.label(self.lang) if code else segment.code
        self.write_memo("segment", segment.id, f"Memo on your coding “{label}”",
                        note=f"{where(context)} · “{snippet(segment.text, 60)}”")

    def memo_on_document(self, doc_id: int) -> None:
        doc = self.project.documents.get(doc_id)
        self.write_memo("document", doc.uid, f"Memo on the document {doc.name}")

    def memo_elsewhere(self) -> None:
        choices: list[tuple[str, object]] = []
        if self.doc_id is not None:
            view = self.query_one(TranscriptView)
            context = self.project.review.context(self.doc_id, view.cursor_offset, view.cursor_offset + 1)
            for voice in context.voices:
                if voice.participant:
                    choices.append((f"the participant {voice.name} (speaking here)",
                                    ("participant", voice.participant)))
            choices.insert(0, (f"this document ({context.document})", ("document", None)))
        choices.append(("the project", ("project", None)))
        choices.append(("a participant…", ("participants", None)))

        def chosen(choice) -> None:
            if choice is None:
                return
            kind, target = choice
            if kind == "document":
                self.memo_on_document(self.doc_id)
            elif kind == "participant":
                self.write_memo("participant", target, f"Memo on the participant {target}")
            elif kind == "participants":
                self.memo_on_participant()
            else:
                self.write_memo("project", None, "Memo on the project")

        self.push_screen(ChoicePrompt("None of your coding here. A memo on…", choices), chosen)

    def memo_on_participant(self) -> None:
        people = self.project.participants.list()
        if not people:
            self.notify("The project has no participants.", severity="warning")
            return
        choices = [(f"{p.key}" + (f" ({p.pseudonym})" if p.pseudonym and p.pseudonym != p.key else "")
                    + (f" · {', '.join(f'{d}/{s}' for d, s in p.speakers[:2])}" if p.speakers else ""), p.key)
                   for p in people]
        self.push_screen(ChoicePrompt("Memo on which participant?", choices),
                         lambda key: key and self.write_memo("participant", key, f"Memo on the participant {key}"))

    def write_memo(self, kind: str, target, title: str, *, note: str = "", then=None, new: bool = False) -> None:
        """Open the editor on your memo on a target (a new one when you have none, or `new`)."""
        mine = None if new else self.guard(self.project.memos.of, kind, target, self.coder)
        if mine is not None:
            note = note or f"{mine.author} · written {mine.created_at[:16].replace('T', ' ')}"

        def save(text: str | None) -> None:
            if text is None:
                return
            if new:
                done = text.strip() and self.guard(self.project.memos.add, kind, target, text, self.coder)
            else:
                done = self.guard(lambda: self.project.memos.save(kind, target, text, self.coder) or True)
            if done:
                self.notify("memo saved" if text.strip() else "memo removed")
                if kind == "segment":
                    self.refresh_coding()
            if then:
                then()

        self.push_screen(MemoEditor(title, mine.text if mine else "", note), save)

    def edit_memo(self, memo: Memo, then=None) -> None:
        if memo.author != self.coder:
            self.notify(f"This memo is {memo.author}'s to change.", severity="warning")
            return

        def save(text: str | None) -> None:
            if text is None:
                return
            if not text.strip():
                self.remove_memo(memo)
            elif self.guard(self.project.memos.edit, memo, text, self.coder):
                self.notify("memo saved")
                self.refresh_coding()
            if then:
                then()

        self.push_screen(MemoEditor(f"Memo on {memo.target or 'the project'}", memo.text,
                                    f"{memo.author} · written {memo.created_at[:16].replace('T', ' ')}"), save)

    def remove_memo(self, memo: Memo) -> bool:
        if memo.author != self.coder:
            self.notify(f"This memo is {memo.author}'s to remove.", severity="warning")
            return False
        if self.guard(lambda: self.project.memos.remove(memo, self.coder) or True):
            self.notify("memo removed")
            self.refresh_coding()
            return True
        return False

    def go_to_memo(self, memo: Memo) -> None:
        """Show what a memo is about."""
        if memo.kind == "segment":
            self.open_document(memo.doc_id, select=(memo.start, memo.end))
        elif memo.kind == "document" and memo.doc_id is not None:
            self.open_document(memo.doc_id)
        elif memo.kind == "code":
            code = self.guard(self.project.codebook.code, memo.target_uid)
            if code is not None:
                self.post_message(CodebookTree.CodeChosen(code))
            return
        elif memo.kind == "participant":
            self.go_to_participant(memo.target)
            return
        elif memo.kind == "theme":
            self.go_to_theme(memo.target_uid)
            return
        else:
            self.edit_memo(memo) if memo.author == self.coder else self.notify(memo.text, timeout=10)
            return
        self.query_one(TranscriptView).focus()

    def go_to_theme(self, uid: str | None) -> None:
        """The theme in the codebook pane, highlighted (its codes are under it)."""
        tree = self.query_one(CodebookTree)
        stack = list(tree.root.children)
        while stack:
            node = stack.pop(0)
            if isinstance(node.data, ThemeNode) and node.data.theme.uid == uid:
                self.query_one("#side").display = True
                node.expand()
                tree.move_cursor(node)
                tree.focus()
                return
            stack.extend(node.children)
        self.notify("That theme is no longer in the codebook.", severity="warning")

    def go_to_participant(self, key: str | None) -> None:
        person = next((p for p in self.project.participants.list() if p.key == key), None)
        if person is None or not person.speakers:
            self.notify(f"{key} speaks in no document.", severity="warning")
            return
        document, label = person.speakers[0]
        doc = self.project.documents.get(document)
        turn = next((t for t in self.project.review.turns(doc.id) if t.speaker == label), None)
        self.open_document(doc.id, select=(turn.start, turn.end) if turn else None)
        self.query_one(TranscriptView).focus()

    def action_memos(self) -> None:
        self.push_screen(MemosScreen())

    # --- media --------------------------------------------------------------------------------

    def action_play(self) -> None:
        if self.doc_id is None:
            return
        view = self.query_one(TranscriptView)
        start, end = view.selection_offsets()
        context = self.project.review.context(self.doc_id, start, max(end, start + 1))
        turn = next((t for t in self.project.review.turns(self.doc_id) if t.index == context.turn), None)
        seconds = turn.time_start if turn else None
        if seconds is None:
            times = [t for t in self.project.review.turns(self.doc_id) if t.time_start is not None
                     and t.label_start <= start]
            seconds = times[-1].time_start if times else None
        command = self.guard(self.project.media.play, self.doc_id, seconds)
        if command:
            self.notify(f"playing from {where(context, document=False) or 'the start'} ({command[0]})")

    # --- lists of segments --------------------------------------------------------------------

    def segment_choice(self, segment: Segment) -> str:
        """A segment as a chooser lists it: code · speaker · turn · time · its first words."""
        code = self.codes.get(segment.code_id)
        context = self.project.review.context(segment.doc_id, segment.start, segment.end)
        return (f"{code.label(self.lang) if code else segment.code} · {where(context, document=False)}"
                f" · “{snippet(segment.text, 40)}”")

    # --- the command palette ------------------------------------------------------------------

    def review_commands(self):
        if self.doc_id is not None:
            name = escape(self.summaries[self.doc_id].name) if self.doc_id in self.summaries else "this document"
            done = self.doc_id in self.project.review.done_documents(self.coder)
            yield SystemCommand(f"Memo on this document ({name})", "a memo of yours on the open document",
                                partial(self.memo_on_document, self.doc_id))
            yield SystemCommand(("Mark not done: " if done else "Mark done: ") + name,
                                "blind coding shows co-authors' coding of a document you have marked done",
                                self.action_mark_done)
            yield SystemCommand("Link a recording to this document…", "audio or video, to play turns from their time",
                                self.ask_media)
        yield SystemCommand("Memo on the project", "a memo of yours on the project as a whole",
                            partial(self.write_memo, "project", None, "Memo on the project"))
        yield SystemCommand("Memo on a participant…", "choose a participant", self.memo_on_participant)

    def ask_media(self) -> None:
        def link(value: str | None) -> None:
            if value and value.strip() and self.guard(self.project.media.link, self.doc_id, value.strip(),
                                                      self.coder) is not None:
                self.notify(f"linked {value.strip()}")

        current = self.guard(self.project.media.media, self.doc_id)
        self.push_screen(TextPrompt("Recording of this document (a path; stored relative to the project)",
                                    str(current or "")), link)
