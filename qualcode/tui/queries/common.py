"""What the query screens share: a screen with a title, a status line and Back; going to a
span in its transcript; saving a result to a file; the columns a table may be broken down by."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Label

from ..screens import TextPrompt
from ..widgets.transcript import TranscriptView

NONE = "—"  # a column of "no value"


def label(value) -> str:
    return NONE if value is None else str(value)


def go_to(app, doc_id: int, start: int, end: int) -> None:
    """Back to the transcript, the document open there and [start, end) selected in its context."""
    while len(app.screen_stack) > 1:
        app.pop_screen()
    app.open_document(doc_id, select=(start, end))
    app.query_one(TranscriptView).focus()


def blind_note(app) -> str:
    """What the counts leave out under blind coding, for a status line ("" when nothing)."""
    if app.blind.done is None:
        return ""
    return " · blind coding: co-authors' coding of documents you have not marked done is not counted"


def column_choices(project) -> list[str]:
    """What a table may be broken down by: group, document, participant, then each attribute."""
    return ["group", "document", "participant", *(a for a in project.queries.attributes() if a != "group")]


def next_of(choices: list, current) -> object:
    return choices[(choices.index(current) + 1) % len(choices)] if current in choices else choices[0]


SAVE = Binding("s", "save", "Save…", id="query.save")  # on the screens whose result can be saved


class QueryScreen(Screen):
    """A title, the content, a status line; Escape goes back; s (where bound) saves the result."""

    DEFAULT_CSS = """
    QueryScreen .query-title { padding: 0 1; height: 1; text-style: bold; }
    QueryScreen .query-status { padding: 0 1; width: 1fr; height: auto; color: $text-muted; }
    """
    BINDINGS = [Binding("escape,q", "close", "Back", id="query.close")]
    TITLE_TEXT = ""
    FILE_STEM = "query"

    def __init__(self) -> None:
        super().__init__()
        self.result = None

    def compose_title(self) -> ComposeResult:
        yield Label(self.TITLE_TEXT, classes="query-title", id="query-title")

    def compose_status(self) -> ComposeResult:
        yield Label("", classes="query-status", id="query-status")
        yield Footer()

    def say(self, text: str | Text) -> None:
        self.query_one("#query-status", Label).update(text if isinstance(text, Text) else Text(text))

    def action_close(self) -> None:
        self.app.pop_screen()

    def coding_changed(self) -> None:
        """An undo or redo changed the coding under this screen: what it counts, it counts again."""
        reload = getattr(self, "reload", None)
        if reload is not None:
            reload()

    def action_save(self) -> None:
        """The result as .docx, .xlsx or .csv (by the name's suffix), into exports/ by default."""
        if self.result is None:
            self.app.notify("Nothing to save yet.", severity="warning")
            return

        def save(value: str | None) -> None:
            if not value or not value.strip():
                return
            path = Path(value.strip()).expanduser()
            if path.parent == Path("."):
                path = Path("exports") / path
            path.parent.mkdir(parents=True, exist_ok=True)
            if self.app.guard(self.app.project.queries.export, self.result, path):
                self.app.notify(f"wrote {path}")

        self.app.push_screen(TextPrompt("Save as (.docx, .xlsx or .csv)", f"{self.FILE_STEM}.docx"), save)
