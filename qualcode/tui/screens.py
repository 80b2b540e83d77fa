"""Modal screens: a text prompt, a choice, the fuzzy code picker, help."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..model import Code


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


@dataclass(frozen=True)
class NewCode:
    name: str


def rank_codes(codes: list[Code], query: str, limit: int = 12) -> list[Code]:
    """Codes best matching `query` in any language label (typos forgiven), codebook order on ties."""
    codable = [c for c in codes if c.codable and not c.retired]
    if not query.strip():
        return codable[:limit]
    choices = {i: " | ".join(dict.fromkeys([c.name, *c.labels.values()])) for i, c in enumerate(codable)}
    found = process.extract(query, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=50)
    return [codable[key] for _, _, key in sorted(found, key=lambda f: (-f[1], f[2]))]


class CodePicker(ModalScreen[Code | NewCode | None]):
    """Type any part of a code's name in any language; Enter applies the highlighted code,
    or creates a new code when nothing matches."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
                Binding("down", "down", show=False, id="picker.down"),
                Binding("up", "up", show=False, id="picker.up")]

    def __init__(self, codes: list[Code], lang: str | None) -> None:
        super().__init__()
        self.codes = codes
        self.lang = lang
        self.matches: list[Code] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Apply code", classes="dialog-title")
            yield Input(placeholder="type a code in any language…", id="picker-input")
            yield OptionList(id="picker-options")
            yield Label("Enter applies · ↑↓ choose · Escape cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.refill("")

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        self.refill(event.value)

    def refill(self, query: str) -> None:
        options = self.query_one("#picker-options", OptionList)
        options.clear_options()
        self.matches = rank_codes(self.codes, query)
        for code in self.matches:
            others = [v for k, v in code.labels.items() if k != self.lang and v != code.label(self.lang)]
            line = Text("■ ", style=safe_colour(code.color))
            line.append(code.label(self.lang))
            if others:
                line.append("  " + " · ".join(dict.fromkeys(others)), style="dim")
            options.add_option(Option(line))
        if query.strip() and not any(c.name.casefold() == query.strip().casefold() for c in self.matches):
            options.add_option(Option(Text.assemble(("+ new code ", "bold"), f"“{query.strip()}”"), id="new"))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted)
    def submitted(self) -> None:
        options = self.query_one("#picker-options", OptionList)
        if options.highlighted is None:
            return
        self.choose(options.highlighted)

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option_index)

    def choose(self, index: int) -> None:
        if index < len(self.matches):
            self.dismiss(self.matches[index])
        else:
            self.dismiss(NewCode(self.query_one("#picker-input", Input).value.strip()))

    def action_down(self) -> None:
        self.query_one("#picker-options", OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one("#picker-options", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """The keys in effect (after the user's keymap), and where they come from."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]], note: str = "") -> None:
        super().__init__()
        self.sections = sections
        self.note = note

    def compose(self) -> ComposeResult:
        # Text, not markup: keys such as [ and ] and descriptions such as "[n]" are shown as they are
        text = Text()
        for title, keys in self.sections:
            text.append(f"{title}\n", style="bold")
            for key, description in keys:
                text.append(f"  {key:<16}", style="bold #5fafd7")
                text.append(f" {description}\n")
            text.append("\n")
        if self.note:
            text.append(self.note, style="italic")
        with VerticalScroll(classes="dialog help"):
            yield Label("qualcode keys", classes="dialog-title")
            yield Static(text, id="help-text")
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
