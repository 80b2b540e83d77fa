"""Keyword in context across the project: type a query, read its hits in their context, Enter
opens one in its transcript (selected), a codes every hit (or its sentence or turn) after a preview."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ...model import Code, plural
from ...text.snippet import clock
from ..picker import CodePicker
from ..screens import ChoicePrompt
from .common import SAVE, QueryScreen, go_to, next_of

SPACES = re.compile(r"\s+")
PAGE = 300  # hits put in context at a time (a common word has thousands)
MATCH_MODES = ["auto", "word", "string"]
UNITS = [("hit", "as the hits themselves"), ("sentence", "as their sentences"), ("turn", "as their turns")]


def hit_line(hit, width: int) -> Text:
    """Two lines: document · speaker · turn · time, then left | match | right, the matches aligned."""
    # turns counted from 1, as the retrieval shows them (`kwic --json` gives the index)
    where = " · ".join(part for part in (hit.doc, hit.speaker or "", f"turn {hit.turn + 1}" if hit.turn is not None
                                         else "", clock(hit.time)) if part)
    line = Text(where, style="dim")
    left, right = SPACES.sub(" ", hit.left), SPACES.sub(" ", hit.right)  # a line break reads as a space
    context = Text("\n")
    context.append(" " * max(width - cell_len(left), 0) + left)
    context.append(hit.match, style="bold reverse")
    context.append(right)
    line += context
    line.no_wrap, line.overflow = True, "ellipsis"  # one line of context, the matches in one column
    return line


class KwicScreen(QueryScreen):
    """The query on top; Enter there searches. In the hits: Enter opens one, a autocodes them,
    m the match mode, f Chinese folding, g a group, / back to the query, s saves."""

    DEFAULT_CSS = """
    KwicScreen #kwic-hits { height: 1fr; }
    """
    BINDINGS = [
        SAVE,
        Binding("slash", "focus_query", "Query", key_display="/", id="kwic.query"),
        Binding("a", "autocode", "Autocode…", id="kwic.autocode"),
        Binding("m", "cycle_match", "Match", id="kwic.match"),
        Binding("f", "toggle_fold", "Fold 简/繁", show=False, id="kwic.fold"),
        Binding("g", "cycle_group", "Group", id="kwic.group"),
    ]
    TITLE_TEXT = "Keyword in context"
    FILE_STEM = "kwic"

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.query_text = query
        self.match = "auto"
        self.fold = False
        self.group: str | None = None
        self.shown = 0
        self.width = 30

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield Input(self.query_text, placeholder='a word, a "phrase", or vård OR omsorg — Enter searches',
                    id="kwic-query")
        yield OptionList(id="kwic-hits")
        yield from self.compose_status()

    def on_mount(self) -> None:
        if self.query_text:
            self.search()
        else:
            self.query_one("#kwic-query", Input).focus()
            self.say("Type a query. Swedish words match every form (läkare finds läkarna); Chinese matches "
                     "any run of characters.")

    @on(Input.Submitted, "#kwic-query")
    def submitted(self, event: Input.Submitted) -> None:
        self.query_text = event.value.strip()
        self.search()

    def search(self) -> None:
        hits = self.query_one("#kwic-hits", OptionList)
        hits.clear_options()
        self.shown = 0
        if not self.query_text:
            return
        # context as wide as the screen allows (less borders and the scroll bar), the match in the middle
        self.width = max(8, (self.size.width - 8 - 10) // 2)
        groups = [self.group] if self.group else None
        result = self.app.guard(self.app.project.queries.kwic, self.query_text, match=self.match, groups=groups,
                                width=self.width, fold=self.fold)
        self.result = result
        if result is None:
            return
        self.more()
        documents = len(result.counts())
        filters = [f"match: {self.match}"] + (["folding 简/繁"] if self.fold else []) + \
            ([f"group: {self.group}"] if self.group else [])
        self.say(f"{plural(len(result), 'hit')} in {plural(documents, 'document')} · {' · '.join(filters)} · "
                 "Enter opens · a autocodes · s saves")
        if len(result):
            hits.highlighted = 0
            hits.focus()

    def more(self) -> None:
        """Put the next page of hits in context."""
        hits = self.query_one("#kwic-hits", OptionList)
        page = self.result[self.shown:self.shown + PAGE]
        hits.add_options([Option(hit_line(hit, self.width), id=str(self.shown + i)) for i, hit in enumerate(page)])
        self.shown += len(page)

    @on(OptionList.OptionHighlighted, "#kwic-hits")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.result is not None and event.option_index >= self.shown - 10 and self.shown < len(self.result):
            self.more()

    @on(OptionList.OptionSelected, "#kwic-hits")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        hit = self.result[int(event.option.id)]
        go_to(self.app, hit.doc_id, hit.start, hit.end)

    def action_focus_query(self) -> None:
        self.query_one("#kwic-query", Input).focus()

    def action_cycle_match(self) -> None:
        self.match = next_of(MATCH_MODES, self.match)
        self.search()

    def action_toggle_fold(self) -> None:
        self.fold = not self.fold
        self.search()

    def action_cycle_group(self) -> None:
        self.group = next_of([None, *self.app.project.queries.groups()], self.group)
        self.search()

    def action_autocode(self) -> None:
        """Choose a code, see what coding every hit would add (as hits, sentences or turns), apply one."""
        if not self.query_text or not self.result:
            self.app.notify("No hits to code: search first.", severity="warning")
            return
        app = self.app

        def code_chosen(code) -> None:
            if isinstance(code, Code):
                preview(code)

        def preview(code: Code) -> None:
            groups = [self.group] if self.group else None
            plans = [(unit, what, app.guard(app.project.queries.plan_autocode, code.uid, app.coder,
                                            query=self.query_text, unit=unit, match=self.match, fold=self.fold,
                                            groups=groups))
                     for unit, what in UNITS]
            choices = [(describe_plan(plan, what), plan) for unit, what, plan in plans if plan is not None]
            where = f" in group {self.group}" if self.group else ""
            title = (f"Code every hit of “{self.query_text}”{where} with “{code.label(app.lang)}” for {app.coder} "
                     f"({plural(len(self.result), 'hit')}; one undo step):")
            app.push_screen(ChoicePrompt(title, choices), apply)

        def apply(plan) -> None:
            if plan is None:
                return
            if not plan.spans:
                app.notify("Nothing to add: every one is coded already.", severity="warning")
                return
            added = app.guard(app.project.coding.apply_autocode, plan)
            if added:
                app.notify(f"added {plural(len(added), 'segment')} of {added[0].code} "
                           f"({app.key_text('coding.undo')} undoes them together)")
                app.refresh_coding()
                app.refresh_codebook()

        app.push_screen(CodePicker(app.project.codebook.codes(), app.lang, title="Autocode with"), code_chosen)


def describe_plan(plan, what: str) -> str:
    """'as their sentences: 18 new, 2 coded already, 1 outside any sentence'."""
    parts = [f"{len(plan.spans)} new", f"{plan.already_coded} coded already"]
    if plan.outside:
        parts.append(f"{plan.outside} outside any {plan.about.get('unit', 'unit')}")
    return f"{what}: {', '.join(parts)}"
