"""Modal screens: a text prompt, a choice, help, the export dialog (the code picker: picker.py)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text (a memo, a translation, a name). Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Label("Enter saves · Escape cancels", classes="dialog-hint")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoicePrompt(ModalScreen):
    """Choose one of several things (which segment to remove, say)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, object]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            # Text, not markup: labels hold the transcript's own words ("[/]" included)
            yield OptionList(*[Option(Text(label), id=str(i)) for i, (label, _) in enumerate(self.choices)])

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id)][1])

    def action_cancel(self) -> None:
        self.dismiss(None)


def safe_colour(colour: str | None) -> str:
    """A colour Rich can draw; anything stored that is not #RRGGBB/#RGB shows white."""
    import re

    return colour if colour and re.fullmatch(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})", colour) else "white"


class HelpScreen(ModalScreen[None]):
    """The keys in effect (after the user's keymap), and where they come from."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]], note: str = "") -> None:
        super().__init__()
        self.sections = sections
        self.note = note

    def compose(self) -> ComposeResult:
        # Text, not markup: keys such as [ and ] and descriptions such as "[n]" are shown as they are;
        # a grid per section, so a long description wraps in its own column
        from rich.console import Group
        from rich.table import Table

        parts: list = []
        key_width = max((len(key) + 2 for _, keys in self.sections for key, _ in keys), default=0)
        for title, keys in self.sections:
            parts.append(Text(title, style="bold"))
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True, style="bold #5fafd7", min_width=key_width)
            grid.add_column()
            for key, description in keys:
                grid.add_row(Text(f"  {key}"), Text(description))
            parts += [grid, Text()]
        if self.note:
            parts.append(Text(self.note, style="italic"))
        with VerticalScroll(classes="dialog help"):
            yield Label("qualcode keys", classes="dialog-title")
            yield Static(Group(*parts), id="help-text")
            yield Label("Escape closes", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class ExportChoice:
    path: str
    lang: str
    themes: list[str]
    quotes: int
    translation: bool


class ExportDialog(ModalScreen[ExportChoice | None]):
    """Theme summary export: format, language, themes and quotes per theme."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]
    FORMATS = [("Word (.docx)", "docx"), ("Markdown (.md)", "md"), ("CSV (.csv)", "csv"), ("Excel (.xlsx)", "xlsx")]

    def __init__(self, themes: list[tuple[str, str]], lang: str | None) -> None:
        super().__init__()
        self.themes = themes  # (label, name)
        self.lang = lang or "en"

    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal
        from textual.widgets import Button, Checkbox, Select, SelectionList

        with Vertical(classes="dialog export"):
            yield Label("Export theme summary", classes="dialog-title")
            with Horizontal(classes="row"):
                yield Select(self.FORMATS, value="docx", allow_blank=False, id="export-format")
                yield Select([("Svenska", "sv"), ("中文", "zh"), ("English", "en")], value=self.lang
                             if self.lang in ("sv", "zh", "en") else "en", allow_blank=False, id="export-lang")
            yield SelectionList(*[(label, name, True) for label, name in self.themes], id="export-themes")
            with Horizontal(classes="row"):
                yield Label("Quotes per theme ")
                yield Input("3", id="export-quotes", type="integer")
                yield Checkbox("translations", True, id="export-translation")
            yield Input("exports/themes.docx", id="export-path")
            yield Button("Export", variant="primary", id="export-go")
            yield Label("Escape cancels", classes="dialog-hint")

    def on_select_changed(self, event) -> None:
        if event.select.id == "export-format":
            path = self.query_one("#export-path", Input)
            stem = path.value.rsplit(".", 1)[0] if "." in path.value else path.value
            path.value = f"{stem}.{event.value}"

    def on_button_pressed(self) -> None:
        from textual.widgets import Checkbox, Select, SelectionList

        quotes = self.query_one("#export-quotes", Input).value.strip()
        self.dismiss(ExportChoice(
            path=self.query_one("#export-path", Input).value.strip(),
            lang=str(self.query_one("#export-lang", Select).value),
            themes=list(self.query_one("#export-themes", SelectionList).selected),
            quotes=max(0, int(quotes)) if quotes.lstrip("-").isdigit() else 3,
            translation=self.query_one("#export-translation", Checkbox).value,
        ))

    def action_cancel(self) -> None:
        self.dismiss(None)
