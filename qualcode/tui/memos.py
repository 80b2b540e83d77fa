"""Memos in the workbench: a multi-line editor, and the Memos screen that lists every memo with
filters (kind, author, code, document, words) and jumps to what a memo is about."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from ..errors import QualcodeError
from ..model import MEMO_KINDS, Memo
from .listing import snippet

KIND_NAMES = {"project": "project", "document": "document", "code": "code", "theme": "theme",
              "participant": "participant", "segment": "coding"}


class MemoEditor(ModalScreen[str | None]):
    """Write a memo over several lines: ctrl+s saves, Escape cancels (an emptied memo is removed)."""

    BINDINGS = [Binding("ctrl+s", "save", "Save", id="memo.save"),
                Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, text: str = "", note: str = "") -> None:
        super().__init__()
        self.title_text, self.text, self.note = title, text, note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog memo-editor"):
            yield Label(Text(self.title_text), classes="dialog-title")
            if self.note:
                yield Label(Text(self.note, style="dim"))
            yield TextArea(self.text, soft_wrap=True, show_line_numbers=False, id="memo-text")
            keys = self.app.key_text if hasattr(self.app, "key_text") else (lambda i: i)
            yield Label(f"{keys('memo.save')} saves · Escape cancels · an empty memo is removed",
                        classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


def parse_filter(value: str) -> tuple[dict[str, str], list[str]]:
    """`kind:code author:anna code:Andrum doc:fokus… words` -> ({option: value}, [words])."""
    options: dict[str, str] = {}
    words: list[str] = []
    for token in value.split():
        name, sep, rest = token.partition(":")
        if sep and rest and name.lower() in ("kind", "author", "code", "doc"):
            options[name.lower()] = rest
        else:
            words.append(token.casefold())
    kind = options.get("kind")
    if kind is not None:
        options["kind"] = next((k for k, shown in KIND_NAMES.items() if kind.lower() in (k, shown)), kind)
    return options, words


class MemosScreen(Screen):
    """Every memo. Enter goes to what it is about; e edits, x removes (your own), n adds a
    project memo, / filters (kind:code author:anna code:Andrum doc:fokus… and any words)."""

    BINDINGS = [
        Binding("escape,q", "close", "Back", id="memos.close"),
        Binding("enter", "open", "Go to", id="memos.open"),
        Binding("e", "edit", "Edit", id="memos.edit"),
        Binding("x", "remove", "Remove", id="memos.remove"),
        Binding("n", "new", "Project memo", id="memos.new"),
        Binding("slash", "filter", "Filter", key_display="/", id="memos.filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.memos: list[Memo] = []

    def compose(self) -> ComposeResult:
        yield Label("", id="memos-title")
        yield Input(placeholder="filter: kind:code author:anna code:Andrum doc:fokus… words (Enter applies)",
                    id="memos-filter")
        yield OptionList(id="memos")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#memos", OptionList).focus()

    def reload(self) -> None:
        app = self.app
        options, words = parse_filter(self.query_one("#memos-filter", Input).value)
        try:
            if options.get("kind") and options["kind"] not in MEMO_KINDS:
                raise QualcodeError(f"unknown kind of memo (use {', '.join(KIND_NAMES.values())})", options["kind"])
            memos = app.project.memos.list(kind=options.get("kind"), author=options.get("author"),
                                           doc=options.get("doc"), code=options.get("code"))
        except QualcodeError as exc:
            app.notify(str(exc), severity="warning")
            memos = []
        # a co-author's memo on their coding is part of that coding: hidden while it is
        memos = [m for m in memos if not (m.kind == "segment" and app.blind.hides(m.author, m.doc_id))]
        memos = [m for m in memos if all(w in f"{m.text} {m.target or ''} {m.author}".casefold() for w in words)]
        self.memos = memos
        contexts = dict(zip([m.target_id for m in memos if m.kind == "segment"], app.project.review.contexts(
            (m.doc_id, m.start, m.end) for m in memos if m.kind == "segment"), strict=True))
        listing = self.query_one("#memos", OptionList)
        keep = listing.highlighted
        listing.clear_options()
        width = max(20, self.size.width - 6)
        for m in memos:
            head = Text(no_wrap=True, overflow="ellipsis")
            head.append(f"{KIND_NAMES[m.kind]:<11}", style="bold")
            head.append(describe(m, contexts.get(m.target_id), app.lang), style="bold #5fafd7")
            head.append(f"  {m.author} · {m.updated_at[:16].replace('T', ' ')}", style="dim")
            listing.add_option(Option(Group(head, Text(snippet(m.text, width * 2)))))
        hidden = "" if app.blind.done is None else " (co-authors' coding memos hidden while blind)"
        self.query_one("#memos-title", Label).update(Text(f"Memos — {len(memos)}{hidden}", style="bold"))
        if memos:
            listing.highlighted = min(keep or 0, len(memos) - 1)

    def current(self) -> Memo | None:
        index = self.query_one("#memos", OptionList).highlighted
        return self.memos[index] if index is not None and index < len(self.memos) else None

    @on(Input.Submitted, "#memos-filter")
    def filtered(self) -> None:
        self.reload()
        self.query_one("#memos", OptionList).focus()

    def action_filter(self) -> None:
        self.query_one("#memos-filter", Input).focus()

    def action_close(self) -> None:
        if self.query_one("#memos-filter", Input).has_focus:
            self.query_one("#memos", OptionList).focus()
            return
        self.app.pop_screen()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        memo = self.current()
        if memo is not None:
            self.app.pop_screen()
            self.app.go_to_memo(memo)

    def action_edit(self) -> None:
        memo = self.current()
        if memo is not None:
            self.app.edit_memo(memo, then=self.reload)

    def action_remove(self) -> None:
        memo = self.current()
        if memo is not None and self.app.remove_memo(memo):
            self.reload()

    def action_new(self) -> None:
        self.app.write_memo("project", None, "Memo on the project", then=self.reload, new=True)


def describe(memo: Memo, context, lang: str | None) -> str:
    """What a memo is about, in a line."""
    from .listing import where

    if memo.kind == "segment":
        return f"{memo.code} · {where(context)}" if context else f"{memo.code} · segment {memo.target_id}"
    return memo.target or "the project"
