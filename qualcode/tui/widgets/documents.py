"""The documents pane: grouped by focus group, with how much of each is coded."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...model import DocumentSummary
from ...text.width import fit_width


class DocumentList(OptionList):
    NAME_CELLS = 18  # the pane is 30 cells wide (app.tcss): border, padding, " ◐  12% "

    def fill(self, documents: list[DocumentSummary], progress: dict[int, tuple[int, int]],
             current: int | None) -> None:
        highlighted = self.highlighted
        self.clear_options()
        group = object()
        for doc in documents:
            if doc.group != group:
                group = doc.group
                self.add_option(Option(Text(group or "no group", style="bold"), disabled=True))
            self.add_option(Option(self.prompt(doc, progress.get(doc.id), current), id=f"doc-{doc.id}"))
            if doc.id == current and highlighted is None:
                highlighted = self.option_count - 1
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted

    def update(self, doc: DocumentSummary, progress: tuple[int, int] | None, current: int | None) -> None:
        """One document's line (after coding it), without rebuilding a list of a thousand."""
        self.replace_option_prompt(f"doc-{doc.id}", self.prompt(doc, progress, current))

    def prompt(self, doc: DocumentSummary, progress: tuple[int, int] | None, current: int | None) -> Text:
        coded, total = progress or (0, doc.sentences)
        percent = round(100 * coded / total) if total else 0
        mark = "●" if percent == 100 else ("◐" if percent else "○")
        # progress first: a long name is cut at the pane's edge, never wrapped
        line = Text(f" {mark} {percent:>3}% ", no_wrap=True, overflow="ellipsis")
        line.stylize("dim", 3)
        line.append(fit_width(doc.name, self.NAME_CELLS), style="bold" if doc.id == current else "")
        return line

