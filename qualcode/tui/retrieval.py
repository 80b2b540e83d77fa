"""Retrieval: every segment of one code across documents, read like a transcript — document,
speaker, turn and time, the words with a little context — to filter, review and act on."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from ..errors import QualcodeError
from ..model import Code, Segment, SpanContext, plural
from .listing import in_context, snippet, where
from .screens import safe_colour

CONTEXT = 80
FILTER_HELP = "coder:NAME group:NAME ATTRIBUTE:VALUE exemplar, and any words"


def parse_filter(value: str) -> tuple[dict, list[str]]:
    """`coder:karin group:ST specialty:kirurgi exemplar words` -> (retrieve() options, words)."""
    options: dict = {}
    words: list[str] = []
    for token in value.split():
        name, sep, rest = token.partition(":")
        if token.lower() in ("exemplar", "★"):
            options["exemplar"] = True
        elif sep and name and rest:
            key = name.lower()
            if key in ("coder", "group"):
                options[key] = rest
            else:
                options["attribute"] = (name, rest)
        else:
            words.append(token.casefold())
    return options, words


class RetrievalScreen(Screen):
    """Enter opens a segment in its transcript; x removes, e marks exemplar, r re-codes,
    / filters (coder, group, participant attribute, exemplar, words), s sorts by document or group."""

    BINDINGS = [
        Binding("escape,q", "close", "Back", id="retrieval.close"),
        Binding("enter", "open", "Open in transcript", show=True, id="retrieval.open"),
        Binding("x", "remove", "Remove", id="retrieval.remove"),
        Binding("e", "exemplar", "Exemplar", id="retrieval.exemplar"),
        Binding("r", "recode", "Re-code", id="retrieval.recode"),
        Binding("slash", "filter", "Filter", key_display="/", id="retrieval.filter"),
        Binding("s", "sort", "Sort", id="retrieval.sort"),
    ]

    def __init__(self, code: Code, lang: str | None) -> None:
        super().__init__()
        self.code = code
        self.lang = lang
        self.segments: list[Segment] = []
        self.contexts: list[SpanContext] = []
        self.sort = "document"

    def compose(self) -> ComposeResult:
        yield Label("", id="retrieval-title")
        yield Input(placeholder=f"filter: {FILTER_HELP} (Enter applies)", id="retrieval-filter")
        yield OptionList(id="retrieval")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#retrieval", OptionList).focus()

    def reload(self) -> None:
        app = self.app
        project = app.project
        options, words = parse_filter(self.query_one("#retrieval-filter", Input).value)
        try:
            rows = project.review.retrieve(code=self.code.uid, sort=self.sort, blind=app.blind, **options)
        except QualcodeError as exc:
            app.notify(str(exc), severity="warning")
            rows = []
        rows = [(s, c) for s, c in rows if app.visible(s) and all(w in s.text.casefold() for w in words)]
        self.segments = [s for s, _ in rows]
        self.contexts = [c for _, c in rows]
        listing = self.query_one("#retrieval", OptionList)
        keep = listing.highlighted
        listing.clear_options()
        width = max(30, self.size.width - 4)
        texts: dict[int, str] = {}
        colour = safe_colour(self.code.color) if self.code.color else "#444444"
        group = object()
        for i, (s, c) in enumerate(rows):
            if self.sort == "group" and c.group != group:
                group = c.group
                listing.add_option(Option(Text(group or "no group", style="bold underline"), disabled=True))
            text = texts.setdefault(s.doc_id, project.documents.get(s.doc_id).text)
            head = Text(no_wrap=True, overflow="ellipsis")
            head.append(where(c), style="bold #5fafd7")
            head.append(f"  {s.coder}", style="dim")
            if s.exemplar:
                head.append("  ★ exemplar", style="yellow")
            if s.memo:
                head.append(f"  memo: {snippet(s.memo, 40)}", style="italic")
            body = in_context(text[max(0, s.start - CONTEXT):s.start], s.text, text[s.end:s.end + CONTEXT], width,
                              f"bold on {colour}")
            listing.add_option(Option(Group(head, body), id=str(i)))
        active = " · ".join(f"{k} {v if not isinstance(v, tuple) else ':'.join(v)}" for k, v in options.items())
        title = Text(f"{self.code.label(self.lang)} — {plural(len(self.segments), 'segment')}", style="bold")
        title.append(f" · by {self.sort}" + (f" · {active}" if active else "") + (
            f" · words: {' '.join(words)}" if words else ""), style="dim")
        self.query_one("#retrieval-title", Label).update(title)
        if self.segments:
            self.highlight(min(keep or 0, listing.option_count - 1))

    def highlight(self, option_index: int) -> None:
        listing = self.query_one("#retrieval", OptionList)
        for i in list(range(option_index, listing.option_count)) + list(range(option_index - 1, -1, -1)):
            if not listing.get_option_at_index(i).disabled:
                listing.highlighted = i
                return

    def current(self) -> Segment | None:
        listing = self.query_one("#retrieval", OptionList)
        if listing.highlighted is None:
            return None
        option = listing.get_option_at_index(listing.highlighted)
        return self.segments[int(option.id)] if option.id is not None else None

    @on(Input.Submitted, "#retrieval-filter")
    def filtered(self) -> None:
        self.reload()
        self.query_one("#retrieval", OptionList).focus()

    def action_filter(self) -> None:
        self.query_one("#retrieval-filter", Input).focus()

    def action_sort(self) -> None:
        self.sort = "group" if self.sort == "document" else "document"
        self.reload()

    def action_close(self) -> None:
        if self.query_one("#retrieval-filter", Input).has_focus:
            self.query_one("#retrieval", OptionList).focus()
            return
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
