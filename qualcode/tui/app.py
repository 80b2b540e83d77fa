"""The qualcode workbench (Textual)."""

from __future__ import annotations

from pathlib import Path

from rich.style import Style
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, OptionList
from textual.widgets.option_list import Option

from ..errors import QualcodeError
from ..project import Project, default_coder
from .widgets.transcript import Paint, TranscriptView

LABEL_STYLE = Style(bold=True, color="#5fafd7")


class QualcodeApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "qualcode"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("tab", "focus_next", "Next pane", show=False),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False),
    ]

    def __init__(self, project_path: Path, coder: str | None = None, doc: int | None = None) -> None:
        super().__init__()
        self.project = Project(project_path)
        self.coder = coder or default_coder()
        self.initial_doc = doc
        self.doc_id: int | None = None
        self.sub_title = f"{project_path.name} · coder: {self.coder}"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            yield OptionList(id="documents")
            yield TranscriptView(id="transcript")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_documents()
        docs = self.project.documents()
        if self.initial_doc is not None:
            self.open_document(self.initial_doc)
            self.query_one(TranscriptView).focus()
        elif docs:
            self.open_document(docs[0].id)
            self.query_one("#documents", OptionList).focus()

    def on_unmount(self) -> None:
        self.project.close()

    def refresh_documents(self) -> None:
        documents = self.query_one("#documents", OptionList)
        documents.clear_options()
        group = object()
        for doc in self.project.documents():
            if doc.group != group:
                group = doc.group
                documents.add_option(Option(f"[b]{group or 'no group'}[/b]", disabled=True))
            documents.add_option(Option(f"  {doc.name} [dim]{doc.coded}[/dim]", id=f"doc-{doc.id}"))

    @on(OptionList.OptionSelected, "#documents")
    def document_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_document(int(event.option.id.removeprefix("doc-")))
            self.query_one(TranscriptView).focus()

    def open_document(self, doc_id: int) -> None:
        try:
            doc = self.project.document(doc_id)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.doc_id = doc.id
        view = self.query_one(TranscriptView)
        view.show(doc.text)
        view.border_title = doc.name
        turns = self.project.store.turns(doc.id)
        view.paint([Paint(t.label_start, t.start, LABEL_STYLE) for t in turns])
        view.move_cursor((0, 0))


def make_app(project_path: Path, coder: str | None = None, doc: int | None = None) -> QualcodeApp:
    return QualcodeApp(Path(project_path), coder=coder, doc=doc)


def run(project_path: Path, coder: str | None = None, doc: int | None = None) -> None:
    make_app(project_path, coder, doc).run()
