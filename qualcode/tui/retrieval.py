"""Retrieval: every segment of one code across documents, with context, to review and act on."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from ..model import Code, Segment
from .screens import safe_colour

CONTEXT = 80


class RetrievalScreen(Screen):
    """Enter opens a segment in its transcript; x removes, e marks exemplar, r re-codes."""

    BINDINGS = [
        Binding("escape,q", "close", "Back", id="retrieval.close"),
        Binding("enter", "open", "Open in transcript", show=True, id="retrieval.open"),
        Binding("x", "remove", "Remove", id="retrieval.remove"),
        Binding("e", "exemplar", "Exemplar", id="retrieval.exemplar"),
        Binding("r", "recode", "Re-code", id="retrieval.recode"),
    ]

    def __init__(self, code: Code, lang: str | None) -> None:
        super().__init__()
        self.code = code
        self.lang = lang
        self.segments: list[Segment] = []

    def compose(self) -> ComposeResult:
        yield Label("", id="retrieval-title")
        yield OptionList(id="retrieval")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()

    def reload(self) -> None:
        project = self.app.project
        self.segments = [s for s in project.coding.segments(code=self.code.uid) if self.app.visible(s)]
        texts = {}
        options = self.query_one(OptionList)
        keep = options.highlighted
        options.clear_options()
        for s in self.segments:
            text = texts.setdefault(s.doc_id, project.documents.get(s.doc_id).text)
            before = text[max(0, s.start - CONTEXT):s.start].split("\n")[-1]
            after = text[s.end:s.end + CONTEXT].split("\n")[0]
            line = Text()
            line.append(f"{s.doc} {s.start}:{s.end}  {s.coder}", style="dim")
            if s.exemplar:
                line.append("  ★", style="yellow")
            if s.memo:
                line.append(f"  memo: {s.memo}", style="italic")
            body = Text("\n")
            body.append(before, style="dim")
            body.append(s.text, style=f"bold on {safe_colour(self.code.color) if self.code.color else '#444444'}")
            body.append(after, style="dim")
            options.add_option(Option(line + body))
        title = f"{self.code.label(self.lang)} — {len(self.segments)} segments"
        self.query_one("#retrieval-title", Label).update(Text(title, style="bold"))
        if self.segments:
            options.highlighted = min(keep or 0, len(self.segments) - 1)

    def current(self) -> Segment | None:
        index = self.query_one(OptionList).highlighted
        return self.segments[index] if index is not None and index < len(self.segments) else None

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        segment = self.current()
        if segment:
            self.app.pop_screen()
            self.app.open_document(segment.doc_id, select=(segment.start, segment.end))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_open()

    def action_remove(self) -> None:
        segment = self.current()
        if segment and self.app.guard(self.app.project.coding.remove_segment, segment.id, self.app.coder):
            self.reload()
            self.app.refresh_coding()

    def action_exemplar(self) -> None:
        segment = self.current()
        if segment and self.app.guard(self.app.project.coding.update_segment, segment.id, self.app.coder,
                                      exemplar=not segment.exemplar):
            self.reload()

    def action_recode(self) -> None:
        segment = self.current()
        if not segment:
            return
        from .screens import CodePicker

        def done(code) -> None:
            if isinstance(code, Code) and self.app.guard(self.app.project.coding.update_segment, segment.id,
                                                          self.app.coder, code=code.uid):
                self.reload()
                self.app.refresh_coding()

        self.app.push_screen(CodePicker(self.app.project.codebook.codes(), self.lang), done)
