"""The codebook editor: the code tree and the highlighted code's texts in every language.

Each change is one call to the project and one undo step of the codebook (ctrl+z here undoes
the last, ctrl+y redoes it): add, rename, move under another parent or among siblings, edit
the MacQueen fields per language, merge into another code, retire, delete an unused code.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Static, TabbedContent, TabPane, TextArea

from ..analysis.codematch import code_path
from ..model import FIELD_TITLES, Code, plural
from .picker import CodePicker, NewCodeChoice, NewCodeDialog
from .screens import ChoicePrompt, TextPrompt, safe_colour
from .widgets.codebook import CodebookTree

FIELDS = ("brief", "definition", "when_to_use", "when_not_to_use", "example")


class CodebookEditor(Screen):
    BINDINGS = [
        Binding("a", "add", "Add", id="editor.add"),
        Binding("r", "rename", "Rename", id="editor.rename"),
        Binding("e", "edit", "Edit texts", id="editor.edit"),
        Binding("m", "move", "Move", id="editor.move"),
        # shift+arrows move the tree's cursor between siblings (Tree's own keys)
        Binding("K,ctrl+up", "reorder(-1)", "Up", key_display="K", id="editor.move_up"),
        Binding("J,ctrl+down", "reorder(1)", "Down", key_display="J", id="editor.move_down"),
        Binding("g", "merge", "Merge into…", id="editor.merge"),
        Binding("R", "retire", "Retire", id="editor.retire"),
        Binding("delete,d", "delete", "Delete", id="editor.delete"),
        Binding("escape,q", "close", "Back", id="editor.close"),
    ]

    def compose(self) -> ComposeResult:
        yield Label("", id="editor-title")
        with Horizontal(id="editor-panes"):
            yield CodebookTree(id="editor-tree")
            with VerticalScroll(id="editor-detail"):
                yield Static(id="editor-texts")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(CodebookTree).pinnable = False
        self.refill()
        self.query_one(CodebookTree).focus()

    @property
    def project(self):
        return self.app.project

    @property
    def code(self) -> Code | None:
        return self.query_one(CodebookTree).highlighted_code

    def refill(self, keep: str | None = None) -> None:
        """Redraw the tree (its cursor on `keep`, else where it was: on its parent when it is
        gone) and the texts of the code the cursor is on."""
        tree = self.query_one(CodebookTree)
        was = self.code
        keep = keep or (was.uid if was else None)
        codes = self.project.codebook.codes()
        if was is not None and keep == was.uid and all(c.uid != keep for c in codes):  # undone, deleted
            keep = next((c.uid for c in codes if c.id == was.parent_id), None)
        tree.fill(codes, [], self.project.coding.code_counts(), self.app.lang, [])
        keep = keep or next((c.uid for c in codes), None)  # the first code, when opening

        def settle() -> None:  # the tree moves its cursor once drawn; the texts follow it
            if keep:
                tree.select_code(keep)
            self.show_code(self.code)

        self.call_after_refresh(settle)
        retired = sum(1 for c in codes if c.retired)
        self.query_one("#editor-title", Label).update(Text.assemble(
            ("Codebook", "bold"), f" · {plural(len(codes) - retired, 'code')}"
            + (f" ({retired} retired)" if retired else "") + f" · labels in {self.app.lang or 'the names'}"
            f" · {self.app.key_text('codebook.find')} finds · {self.app.key_text('coding.undo')} undoes"))

    @on(CodebookTree.CodeHighlighted)
    def highlighted(self, event: CodebookTree.CodeHighlighted) -> None:
        event.stop()
        self.show_code(event.code)

    @on(CodebookTree.CodeChosen)
    @on(CodebookTree.PinRequested)
    def not_here(self, event) -> None:
        event.stop()  # Enter and p act in the workbench's pane; here e edits

    def show_code(self, code: Code | None) -> None:
        if code is None:
            self.query_one("#editor-texts", Static).update(Text("Choose a code.", style="dim"))
            return
        counts = self.project.coding.code_counts()
        parts = [Text.assemble(("■ ", safe_colour(code.color)), (code.name, "bold"),
                               (f"  {plural(counts.get(code.id, 0), 'coding')}", "dim"),
                               ("  category" if not code.codable else "", "italic"),
                               ("  retired" if code.retired else "", "italic red"))]
        for lang in self.project.settings.languages() or sorted(code.labels):
            parts.append(Text(f"\n{lang}: {code.labels.get(lang, '—')}", style="bold"))
            for f in FIELDS:
                text = getattr(code, f).get(lang)
                if text:
                    parts.append(Text.assemble((f"{FIELD_TITLES[f]}: ", "bold dim"), text))
        self.query_one("#editor-texts", Static).update(Group(*parts))

    # --- changes ------------------------------------------------------------------------------

    def act(self, function, *args, keep: str | None = None, **kwargs):
        result = self.app.guard(function, *args, actor=self.app.coder, **kwargs)
        if result is not None:
            self.refill(keep)
            self.app.refresh_codebook()
        return result

    def action_add(self) -> None:
        code = self.code
        # under the highlighted category, else beside the highlighted code
        parent = code if code and not code.codable else next(
            (c for c in self.project.codebook.codes() if code and c.id == code.parent_id), None)

        def add(choice: NewCodeChoice | None) -> None:
            if choice:
                made = self.act(self.project.codebook.add_code, choice.name, choice.parent)
                if made:
                    self.refill(made.uid)

        self.app.push_screen(NewCodeDialog("", self.project.codebook.codes(), self.app.lang, parent), add)

    def action_rename(self) -> None:
        code = self.code
        if code is None:
            return

        def rename(name: str | None) -> None:
            if name and name.strip() != code.name:
                self.act(self.project.codebook.edit_code, code.uid, name=name)

        self.app.push_screen(TextPrompt(f"Rename “{code.name}” (its codings stay)", code.name), rename)

    def action_edit(self) -> None:
        code = self.code
        if code is None:
            return
        languages = self.project.settings.languages() or sorted(code.labels) or ["en"]

        def save(texts: dict[str, dict[str, str]] | None) -> None:
            if texts:
                self.act(self.project.codebook.edit_code, code.uid, texts=texts)

        self.app.push_screen(CodeTextsDialog(code, languages, self.app.lang), save)

    def action_move(self) -> None:
        code = self.code
        if code is None:
            return
        codes = self.project.codebook.codes()
        below = descendants(code, codes)
        choices = [("(top level)", "")] + [(" › ".join(code_path(c, codes, self.app.lang)), c.uid) for c in codes
                                           if c.uid not in below and not c.retired]

        def move(parent: str | None) -> None:
            if parent is not None:
                self.act(self.project.codebook.move_code, code.uid, parent, keep=code.uid)

        self.app.push_screen(ChoicePrompt(f"Move “{code.label(self.app.lang)}” under…", choices), move)

    def action_reorder(self, step: int) -> None:
        code = self.code
        if code is None:
            return
        siblings = [c for c in self.project.codebook.codes() if c.parent_id == code.parent_id]
        place = siblings.index(next(c for c in siblings if c.id == code.id)) + 1 + step
        if 1 <= place <= len(siblings):
            self.act(self.project.codebook.move_code, code.uid, position=place, keep=code.uid)

    def action_merge(self) -> None:
        code = self.code
        if code is None:
            return
        counts = self.project.coding.code_counts()
        others = [c for c in self.project.codebook.codes() if c.id != code.id]

        def confirm(target) -> None:
            if not isinstance(target, Code):
                return
            moved = counts.get(code.id, 0)
            self.app.push_screen(ChoicePrompt(
                f"Merge “{code.label(self.app.lang)}” into “{target.label(self.app.lang)}”: "
                f"{plural(moved, 'coding')} move, its themes gain the target, “{code.name}” goes.",
                [("Merge", True), ("Cancel", False)]),
                lambda go: self.act(self.project.coding.merge_codes, code.uid, target.uid, keep=target.uid)
                if go else None)

        self.app.push_screen(CodePicker(others, self.app.lang, title=f"Merge “{code.label(self.app.lang)}” into…"),
                             confirm)

    def action_retire(self) -> None:
        code = self.code
        if code is None or code.retired:
            return
        self.app.push_screen(ChoicePrompt(
            f"Retire “{code.label(self.app.lang)}”? Its codings stay; it can no longer be applied.",
            [("Retire", True), ("Cancel", False)]),
            lambda go: self.act(self.project.codebook.retire_code, code.uid, keep=code.uid) if go else None)

    def action_delete(self) -> None:
        code = self.code
        if code is None:
            return
        codings = self.project.coding.code_counts().get(code.id, 0)
        if codings:  # said before asking: the service refuses it too
            self.app.notify(f"“{code.name}” has {plural(codings, 'coding')}: retire it "
                            f"({self.app.key_text('editor.retire')}) or merge it ({self.app.key_text('editor.merge')})"
                            " instead.", severity="warning")
            return
        self.app.push_screen(ChoicePrompt(f"Delete “{code.label(self.app.lang)}”? Nobody has applied it.",
                                          [("Delete", True), ("Cancel", False)]),
                             lambda go: self.act(self.project.codebook.delete_code, code.uid) if go else None)

    def undo_redo(self, undo: bool) -> None:
        """ctrl+z / ctrl+y here: the last codebook change (the workbench's undo is for coding)."""
        coding = self.project.coding
        result = self.app.guard(coding.undo_step if undo else coding.redo_step, self.app.coder, scope="codebook")
        self.app.notify(coding.describe(result) if result else ("Nothing to undo in the codebook." if undo
                                                                 else "Nothing to redo in the codebook."))
        if result:
            self.refill()
            self.app.refresh_codebook()
            self.app.refresh_coding()

    def action_close(self) -> None:
        self.app.pop_screen()


class CodeTextsDialog(ModalScreen[dict[str, dict[str, str]] | None]):
    """The label and MacQueen fields of one code, a tab per language; ctrl+s saves."""

    BINDINGS = [Binding("ctrl+s", "save", "Save", id="texts.save"),
                Binding("escape", "cancel", "Cancel", id="texts.cancel")]

    def __init__(self, code: Code, languages: list[str], lang: str | None) -> None:
        super().__init__()
        self.code = code
        self.languages = languages
        self.lang = lang if lang in languages else languages[0]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog texts"):
            yield Label(f"Texts of “{self.code.name}”", classes="dialog-title")
            with TabbedContent(initial=f"lang-{self.lang}"):
                for lang in self.languages:
                    with TabPane(lang, id=f"lang-{lang}"), VerticalScroll():
                        yield Label("Label")
                        yield Input(self.code.labels.get(lang, ""), id=f"label-{lang}")
                        for f in FIELDS:
                            yield Label(FIELD_TITLES[f])
                            area = TextArea(getattr(self.code, f).get(lang, ""), soft_wrap=True,
                                            id=f"{f}-{lang}", classes=f"field {'short' if f == 'brief' else ''}")
                            area.show_line_numbers = False
                            yield area
            yield Label("ctrl+s saves · Escape cancels · tab moves between fields", classes="dialog-hint")

    def action_save(self) -> None:
        texts: dict[str, dict[str, str]] = {}
        for lang in self.languages:
            label = self.query_one(f"#label-{lang}", Input).value.strip()
            if label != self.code.labels.get(lang, ""):
                texts.setdefault("label", {})[lang] = label
            for f in FIELDS:
                value = self.query_one(f"#{f}-{lang}", TextArea).text.strip()
                if value != getattr(self.code, f).get(lang, ""):
                    texts.setdefault(f, {})[lang] = value
        self.dismiss(texts)

    def action_cancel(self) -> None:
        self.dismiss(None)


def descendants(code: Code, codes: list[Code]) -> set[str]:
    """The uids of a code and everything below it (where it cannot move)."""
    found, frontier = {code.uid}, {code.id}
    while frontier:
        children = [c for c in codes if c.parent_id in frontier]
        found |= {c.uid for c in children}
        frontier = {c.id for c in children}
    return found
