"""The documents pane: grouped by focus group, with how much of each is coded.

A project may hold a thousand transcripts: the pane builds its lines in one pass and, since
every line is one row (names are cut, never wrapped), never measures them; only the lines on
screen are rendered (OptionList renders lazily).
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...model import DocumentSummary
from ...text.width import fit_width


class DocumentList(OptionList):
    NAME_CELLS = 18  # the pane is 30 cells wide (app.tcss): border, padding, " ◐  12% "

    def fill(self, documents: list[DocumentSummary], progress: dict[int, tuple[int, int]],
             current: int | None) -> None:
        highlighted = self.highlighted
        options: list[Option] = []
        group = object()
        for doc in documents:
            if doc.group != group:
                group = doc.group
                options.append(Option(Text(group or "no group", style="bold"), disabled=True))
            options.append(Option(self.prompt(doc, progress.get(doc.id), current), id=f"doc-{doc.id}"))
            if doc.id == current and highlighted is None:
                highlighted = len(options) - 1
        self.set_options(options)
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted

    # --- one row per option: Textual would measure each option's height, a thousand times over

    def _update_lines(self) -> None:
        if not self.scrollable_content_region:
            return
        cache = self._line_cache
        for index in range(len(cache.lines), len(self.options)):
            cache.index_to_line[index] = index
            cache.heights[index] = 1
            cache.lines.append((index, 0))
        virtual_size = Size(self.scrollable_content_region.width - self._get_left_gutter_width(), len(cache.lines))
        if virtual_size != self.virtual_size:
            self.virtual_size = virtual_size
            self._scroll_update(virtual_size)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.option_count

    def update(self, doc: DocumentSummary, progress: tuple[int, int] | None, current: int | None) -> None:
        """One document's line (after coding it, or opening another), repainted alone: Textual's
        replace_option_prompt would drop every line's render and repaint the whole pane."""
        index = self.get_option_index(f"doc-{doc.id}")
        option = self.get_option_at_index(index)
        option._set_prompt(self.prompt(doc, progress, current))
        for key in [key for key in self._option_render_cache.keys() if key[0] is option]:
            self._option_render_cache.discard(key)
        self.refresh_line(index)  # every option is one line (_update_lines)
        if doc.id == current and self.highlighted is None:
            self.highlighted = index

    def prompt(self, doc: DocumentSummary, progress: tuple[int, int] | None, current: int | None) -> Text:
        coded, total = progress or (0, doc.sentences)
        percent = round(100 * coded / total) if total else 0
        mark = "●" if percent == 100 else ("◐" if percent else "○")
        # progress first: a long name is cut at the pane's edge, never wrapped
        line = Text(f" {mark} {percent:>3}% ", no_wrap=True, overflow="ellipsis")
        line.stylize("dim", 3)
        line.append(fit_width(doc.name, self.NAME_CELLS), style="bold" if doc.id == current else "")
        return line

