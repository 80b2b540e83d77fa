"""Queries across the project in the workbench: keyword in context, word frequencies,
co-occurrence, matrices and code frequencies as bars. Each is a screen of its own, reached by
a key (remappable: the ids below) and from the command palette."""

from __future__ import annotations

from textual.binding import Binding

# capitals: free in the workbench and on a Swedish keyboard without AltGr
QUERY_BINDINGS = [
    Binding("K", "kwic", "Keyword in context", show=False, id="queries.kwic"),
    Binding("W", "words", "Word frequencies", show=False, id="queries.words"),
    Binding("O", "cooccurrence", "Co-occurrence of codes", show=False, id="queries.cooccurrence"),
    Binding("X", "matrix", "Matrix: codes × groups", show=False, id="queries.matrix"),
    Binding("B", "chart", "Code frequencies as bars", show=False, id="queries.chart"),
]


# the workbench's actions on its transcript: on a query screen they do nothing (and leave its footer)
TRANSCRIPT_ACTIONS = {"next_sentence", "previous_sentence", "next_turn", "previous_turn", "quick_code", "pick_code",
                      "remove_code", "memo", "exemplar", "translation", "search", "next_hit", "previous_hit",
                      "cycle_layer", "goto_undo", "toggle_documents", "toggle_side", "resize_side", "toggle_stripes",
                      "mark_done", "play"}


class QueryActions:
    """The workbench's actions that open the query screens."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from .common import QueryScreen

        if action in TRANSCRIPT_ACTIONS and isinstance(self.screen, QueryScreen):
            return False
        return super().check_action(action, parameters)

    def action_kwic(self) -> None:
        from .kwic import KwicScreen

        self.push_screen(KwicScreen())

    def action_words(self) -> None:
        from .tables import WordsScreen

        self.push_screen(WordsScreen())

    def action_cooccurrence(self) -> None:
        from .tables import CooccurrenceScreen

        self.push_screen(CooccurrenceScreen())

    def action_matrix(self) -> None:
        from .matrix import MatrixScreen

        self.push_screen(MatrixScreen())

    def action_chart(self) -> None:
        from .chart import ChartScreen

        self.push_screen(ChartScreen())


def query_screens() -> tuple:
    """The query screens, whose bindings a keymap may move too."""
    from .chart import ChartScreen
    from .common import QueryScreen
    from .kwic import KwicScreen
    from .matrix import MatrixScreen, SegmentsScreen
    from .tables import CooccurrenceScreen, WordsScreen

    return (QueryScreen, KwicScreen, WordsScreen, CooccurrenceScreen, MatrixScreen, SegmentsScreen, ChartScreen)
