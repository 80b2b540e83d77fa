"""The documents pane: grouped by focus group, with how much of each is coded."""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...model import DocumentSummary


class DocumentList(OptionList):
    def fill(self, documents: list[DocumentSummary], progress: dict[int, tuple[int, int]],
             current: int | None) -> None:
        highlighted = None
        self.clear_options()
        group = object()
        for doc in documents:
            if doc.group != group:
                group = doc.group
                self.add_option(Option(f"[b]{group or 'no group'}[/b]", disabled=True))
            coded, total = progress.get(doc.id, (0, doc.sentences))
            percent = round(100 * coded / total) if total else 0
            mark = "●" if percent == 100 else ("◐" if percent else "○")
            self.add_option(Option(f" {mark} {doc.name} [dim]{percent}%[/dim]", id=f"doc-{doc.id}"))
            if doc.id == current:
                highlighted = self.option_count - 1
        if highlighted is not None:
            self.highlighted = highlighted
