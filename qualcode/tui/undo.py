"""The workbench's undo and redo (scoped to the screen in front), where the last one happened,
and its codebook actions: a new code made on request, the display language, the editor."""

from __future__ import annotations

from textual.actions import SkipAction
from textual.screen import ModalScreen

from .picker import NewCode, NewCodeChoice, NewCodeDialog
from .widgets.transcript import TranscriptView


class UndoAndCodebookActions:
    def ask_new_code(self, request: NewCode) -> None:
        """Make a code only when asked, saying where it goes and what it will code."""
        span = self.target()
        then = ""
        if span and self.doc_id is not None:
            unit = next((u for u in self.sentences if (u.start, u.end) == span), None)
            what = f"sentence {unit.index + 1}" if unit else f"{span[0]}:{span[1]}"
            then = f"and codes {what} of {self.summaries[self.doc_id].name} with it (one undo step)" \
                if self.doc_id in self.summaries else ""

        def create(choice: NewCodeChoice | None) -> None:
            if choice is None:
                return
            if span and self.doc_id is not None:
                made = self.guard(self.project.coding.create_and_apply, choice.name, choice.parent, self.doc_id,
                                  *span, coder=self.coder)
            else:
                made = self.guard(self.project.codebook.add_code, choice.name, choice.parent, actor=self.coder)
            if made:
                self.notify(f"new code “{choice.name}”" + (" applied" if span else ""))
                self.refresh_codebook()
                self.refresh_coding()

        self.push_screen(NewCodeDialog(request.name, self.project.codebook.codes(), self.lang, request.parent,
                                       then), create)

    def action_undo(self) -> None:
        self.undo_redo(undo=True)

    def action_redo(self) -> None:
        self.undo_redo(undo=False)

    def undo_redo(self, undo: bool) -> None:
        """ctrl+z / ctrl+y belong to the screen in front: Reconcile undoes its decisions, the
        codebook editor its changes, the workbench and the query screens this coder's last
        coding action."""
        screen_step = getattr(self.screen, "undo_redo", None)
        if screen_step is not None:
            screen_step(undo)
            return
        if isinstance(self.screen, ModalScreen):
            raise SkipAction()  # a dialog: the key goes on to its text field (which undoes typing)
        self.undo_coding(undo)

    def undo_coding(self, undo: bool) -> None:
        """This coder's last coding action, from the workbench or a query screen over it (the
        KWIC's autocoding is one); the screens that count coding count again."""
        coding = self.project.coding
        result = self.guard(coding.undo_step if undo else coding.redo_step, self.coder)
        if not result:
            self.notify("Nothing to undo." if undo else "Nothing to redo.")
            return
        self.last_undo = coding.where(result)
        message = coding.describe(result)
        if self.last_undo and self.last_undo[0] != self.doc_id:
            message += f" · {self.key_text('coding.goto_undo')} goes there"
        self.notify(message, severity="warning" if result.skipped else "information")
        self.refresh_coding()
        self.refresh_codebook()
        for screen in self.screen_stack:  # bottom up: a matrix counts again before its cell's list
            recount = getattr(screen, "coding_changed", None)
            if recount is not None:
                recount()

    def action_goto_undo(self) -> None:
        if self.last_undo is None:
            self.notify("No undo or redo yet in this session.", severity="warning")
            return
        doc_id, start, end = self.last_undo
        if doc_id != self.doc_id:
            self.open_document(doc_id, select=(start, end))
        else:
            self.query_one(TranscriptView).select_offsets(start, end)
        self.query_one(TranscriptView).focus()

    def action_switch_language(self) -> None:
        """Labels in the codebook's next language; remembered for this coder."""
        languages = self.project.settings.languages() or [self.lang or "en"]
        self.lang = languages[(languages.index(self.lang) + 1) % len(languages)] if self.lang in languages \
            else languages[0]
        self.guard(self.project.settings.set_language_of, self.coder, self.lang)
        self.notify(f"Codes shown in {self.lang}")
        self.refresh_codebook()
        self.update_inspector()

    def action_edit_codebook(self) -> None:
        from .codebook_editor import CodebookEditor

        self.push_screen(CodebookEditor())

