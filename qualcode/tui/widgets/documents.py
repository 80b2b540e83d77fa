"""The documents pane: grouped by focus group, with how much of each is coded."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...model import DocumentSummary


class DocumentList(OptionList):
    def fill(self, documents: list[DocumentSummary], progress: dict[int, tuple[int, int]],
             current: int | None) -> None:
        highlighted = self.highlighted
        self.clear_options()
        group = object()
        width = max(12, (self.size.width or 28) - 8)
        for doc in documents:
            if doc.group != group:
                group = doc.group
                self.add_option(Option(Text(group or "no group", style="bold"), disabled=True))
            coded, total = progress.get(doc.id, (0, doc.sentences))
            percent = round(100 * coded / total) if total else 0
            mark = "●" if percent == 100 else ("◐" if percent else "○")
            name = doc.name if len(doc.name) <= width else doc.name[: width - 1] + "…"
            line = Text(f" {mark} ", no_wrap=True)
            line.append(name, style="bold" if doc.id == current else "")
            line.append(f" {percent}%", style="dim")
            self.add_option(Option(line, id=f"doc-{doc.id}"))
            if doc.id == current and highlighted is None:
                highlighted = self.option_count - 1
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted
