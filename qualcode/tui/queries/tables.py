"""Word frequencies and code co-occurrence across the project, as tables."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from ...model import plural
from .common import SAVE, QueryScreen, blind_note, column_choices, label, next_of

TOP = 500  # words shown (the file saved has them all)
LANGUAGES = [None, "sv", "zh", "en"]
UNITS = ["overlap", "sentence", "turn", "document"]


def number(value, digits: int | None = None) -> Text:
    return Text(f"{value:.{digits}f}" if digits is not None else str(value), justify="right")


class WordsScreen(QueryScreen):
    """b the columns (group, document, participant, an attribute), k keyness of one column
    against the rest, l lemmas or written forms, n a language."""

    DEFAULT_CSS = "WordsScreen DataTable { height: 1fr; }"
    BINDINGS = [
        SAVE,
        Binding("b", "cycle_by", "Columns", id="words.by"),
        Binding("k", "cycle_keyness", "Keyness", id="words.keyness"),
        Binding("l", "toggle_lemma", "Lemmas", id="words.lemma"),
        Binding("n", "cycle_language", "Language", id="words.language"),
    ]
    TITLE_TEXT = "Word frequencies"
    FILE_STEM = "words"

    def __init__(self) -> None:
        super().__init__()
        self.by: str | None = "group"
        self.keyness: str | None = None
        self.lemma = False  # written forms, as `qualcode words` without --lemma
        self.lang: str | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield DataTable(id="words", cursor_type="row", zebra_stripes=True)
        yield from self.compose_status()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        queries = self.app.project.queries
        result = self.app.guard(queries.words, by=self.by, lemma=self.lemma, keyness=self.keyness,
                                langs=[self.lang] if self.lang else None)
        self.result = result
        table = self.query_one(DataTable)
        table.clear(columns=True)
        if result is None:
            return
        keyed = self.keyness is not None
        table.add_columns("word", "count", "per 10k", *map(label, result.cols), *(["G²", "p"] if keyed else []))
        for w in result.words[:TOP]:
            table.add_row(w.word, number(w.count), number(w.per_10k, 1), *(number(w.by.get(c, 0)) for c in result.cols),
                          *([number(w.keyness, 2), Text(f"{w.p:.2g}", justify="right")] if keyed else []))
        self.query_one("#query-title").update(Text(result.title, style="bold"))
        shown = f"the first {TOP} of {len(result.words)}" if len(result.words) > TOP else f"{len(result.words)}"
        self.say(f"{shown} words · {result.tokens} counted (stop words included) · b columns · k keyness · "
                 f"l {'written forms' if self.lemma else 'lemmas'} · n language ({self.lang or 'all'}) · s saves")
        table.focus()

    def action_cycle_by(self) -> None:
        self.by = next_of([None, *column_choices(self.app.project)], self.by)
        self.keyness = None
        self.reload()

    def action_cycle_keyness(self) -> None:
        if not self.result or not self.result.cols:
            self.app.notify("Keyness compares one column with the rest: b chooses columns first.", severity="warning")
            return
        self.keyness = next_of([None, *self.result.cols], self.keyness)
        self.reload()

    def action_toggle_lemma(self) -> None:
        self.lemma = not self.lemma
        self.reload()

    def action_cycle_language(self) -> None:
        self.lang = next_of(LANGUAGES, self.lang)
        self.reload()


class CooccurrenceScreen(QueryScreen):
    """Pairs of codes applied together, most frequent first; u the unit they are counted by."""

    DEFAULT_CSS = "CooccurrenceScreen DataTable { height: 1fr; }"
    BINDINGS = [SAVE, Binding("u", "cycle_unit", "Unit", id="cooccurrence.unit")]
    TITLE_TEXT = "Co-occurrence of codes"
    FILE_STEM = "cooccurrence"

    def __init__(self) -> None:
        super().__init__()
        self.unit = "sentence"

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield DataTable(id="cooccurrence", cursor_type="row", zebra_stripes=True)
        yield from self.compose_status()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        queries = self.app.project.queries
        result = self.app.guard(queries.cooccurrence, self.unit, blind=self.app.blind)
        self.result = result
        table = self.query_one(DataTable)
        table.clear(columns=True)
        if result is None:
            return
        labels = queries.code_labels()
        table.add_columns("code", "code", "count", "Jaccard")
        for pair in result.pairs:
            table.add_row(labels.get(pair.a, str(pair.a)), labels.get(pair.b, str(pair.b)), number(pair.count),
                          number(pair.jaccard, 3))
        counted = {"overlap": "overlapping segments", "sentence": "sentences", "turn": "turns",
                   "document": "documents"}[self.unit]
        self.say(f"{plural(len(result.pairs), 'pair')} · counted by {counted} (the consensus where made, "
                 "else everyone's coding) · u unit · s saves" + blind_note(self.app))
        table.focus()

    def action_cycle_unit(self) -> None:
        self.unit = next_of(UNITS, self.unit)
        self.reload()
