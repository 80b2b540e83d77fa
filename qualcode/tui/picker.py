"""The code picker, and the dialog that makes a new code (only when asked for, never on Enter).

The picker ranks codes with `analysis.codematch` (each label on its own, any language, accents
optional) and shows for each the label that matched and where the code sits (Parent › Code).
Its last row offers a new code; Enter applies the highlighted code, so with nothing found
Enter does nothing but say how to make one.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from ..analysis.codematch import CodeMatch, code_path, rank_codes
from ..model import Code
from .screens import safe_colour

TOP_LEVEL = "(top level)"


@dataclass(frozen=True)
class NewCode:
    """What the picker asks for when the coder chooses its last row: a code of this name."""

    name: str
    parent: Code | None = None  # a suggestion: where the best match sits


@dataclass(frozen=True)
class NewCodeChoice:
    name: str
    parent: str | None  # the parent's uid; None for the top level


def match_line(match: CodeMatch, codes: list[Code], lang: str | None) -> Text:
    """■ Parent › Label   matched label (when another language's), the matched part bold."""
    code = match.code
    line = Text("■ ", style=safe_colour(code.color))
    for ancestor in code_path(code, codes, lang)[:-1]:
        line.append(f"{ancestor} › ", style="dim")
    shown = code.label(lang)
    start = len(line)
    line.append(shown)
    if match.label == shown:
        for a, b in match.spans:
            line.stylize("bold underline", start + a, start + b)
    else:
        line.append("  ")
        start = len(line)
        line.append(match.label, style="italic")
        for a, b in match.spans:
            line.stylize("bold underline", start + a, start + b)
    return line


class CodePicker(ModalScreen[Code | NewCode | None]):
    """Type any part of a code's name in any language; Enter applies the highlighted code.
    A new code is made only from the last row (↓ to it, or ctrl+n), which asks where it goes."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
                Binding("down", "down", show=False, id="picker.down"),
                Binding("up", "up", show=False, id="picker.up"),
                Binding("ctrl+n", "new_code", "New code", id="picker.new_code")]

    def __init__(self, codes: list[Code], lang: str | None, title: str = "Apply code") -> None:
        super().__init__()
        self.codes = codes
        self.lang = lang
        self.title_text = title
        self.matches: list[CodeMatch] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(placeholder="type a code in any language…", id="picker-input")
            yield OptionList(id="picker-options")
            yield Label("Enter applies · ↑↓ choose · ctrl+n new code · Escape cancels", classes="dialog-hint",
                        id="picker-hint")

    def on_mount(self) -> None:
        self.refill("")

    @property
    def query_text(self) -> str:
        return self.query_one("#picker-input", Input).value.strip()

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        self.refill(event.value)

    def suggested_parent(self) -> Code | None:
        by_id = {c.id: c for c in self.codes}
        return by_id.get(self.matches[0].code.parent_id) if self.matches else None

    def refill(self, query: str) -> None:
        options = self.query_one("#picker-options", OptionList)
        options.clear_options()
        self.matches = rank_codes(self.codes, query, self.lang)
        for match in self.matches:
            options.add_option(Option(match_line(match, self.codes, self.lang)))
        name = query.strip()
        if name and not any(c.name.casefold() == name.casefold() for c in self.codes):
            parent = self.suggested_parent()
            where = f"under {parent.label(self.lang)}" if parent else "at the top level"
            options.add_option(Option(Text.assemble(("+ new code ", "bold"), f"“{name}” ", (where, "dim")),
                                      id="new"))
        # nothing found: nothing highlighted, so Enter cannot make a code by accident
        options.highlighted = 0 if self.matches else None

    @on(Input.Submitted)
    def submitted(self) -> None:
        options = self.query_one("#picker-options", OptionList)
        if options.highlighted is None:
            if self.query_text:
                self.notify(f"No code matches “{self.query_text}”: ↓ to “+ new code”, or ctrl+n, makes one.",
                            severity="warning")
            return
        self.choose(options.highlighted)

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option_index)

    def choose(self, index: int) -> None:
        if index < len(self.matches):
            self.dismiss(self.matches[index].code)
        else:
            self.action_new_code()

    def action_new_code(self) -> None:
        self.dismiss(NewCode(self.query_text, self.suggested_parent()))

    def action_down(self) -> None:
        self.query_one("#picker-options", OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one("#picker-options", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class NewCodeDialog(ModalScreen[NewCodeChoice | None]):
    """Name a new code and choose its parent; the line below says what will happen."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, name: str, codes: list[Code], lang: str | None, parent: Code | None = None,
                 then: str = "") -> None:
        super().__init__()
        self.initial_name = name
        self.codes = codes
        self.lang = lang
        self.parent_code = parent
        self.then = then  # what follows the creation, e.g. "and code sentence 4 of fg1 with it"

    def compose(self) -> ComposeResult:
        parents = [(" › ".join(code_path(c, self.codes, self.lang)), c.uid) for c in self.codes if not c.retired]
        with Vertical(classes="dialog"):
            yield Label("New code", classes="dialog-title")
            yield Input(self.initial_name, placeholder="name of the new code", id="new-code-name")
            yield Label("under")
            yield Select([(TOP_LEVEL, ""), *parents], value=self.parent_code.uid if self.parent_code else "",
                         allow_blank=False, id="new-code-parent")
            yield Label("", id="new-code-preview")
            yield Label("Enter creates · Escape cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.preview()

    @on(Input.Changed)
    @on(Select.Changed)
    def preview(self) -> None:
        name = self.query_one("#new-code-name", Input).value.strip()
        parent = self.parent_uid()
        where = next((f"under “{c.label(self.lang)}”" for c in self.codes if c.uid == parent), "at the top level")
        text = f"Adds the code “{name}” {where}{' ' + self.then if self.then else ''}." if name else \
            "A code needs a name."
        self.query_one("#new-code-preview", Label).update(Text(text))

    def parent_uid(self) -> str | None:
        value = self.query_one("#new-code-parent", Select).value
        return value if isinstance(value, str) and value else None

    @on(Input.Submitted)
    def submitted(self) -> None:
        name = self.query_one("#new-code-name", Input).value.strip()
        if name:
            self.dismiss(NewCodeChoice(name, self.parent_uid()))

    def action_cancel(self) -> None:
        self.dismiss(None)
