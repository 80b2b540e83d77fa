"""Codes (or themes) × groups, participants, documents or an attribute, with totals; Enter on a
cell lists the segments behind it, Enter on one of those opens it in its transcript."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, OptionList
from textual.widgets.option_list import Option

from ...model import plural
from ..listing import in_context, where
from .common import SAVE, QueryScreen, blind_note, column_choices, go_to, label, next_of

CELLS = ["segments", "participants", "documents"]
CONTEXT = 200  # characters read each side of a segment, for its context in the drill-down


class MatrixScreen(QueryScreen):
    """r rows (codes, themes), c columns (group, document, participant, an attribute), e what a
    cell counts (segments, participants, documents); Enter on a cell lists its segments."""

    DEFAULT_CSS = "MatrixScreen DataTable { height: 1fr; }"
    BINDINGS = [
        SAVE,
        Binding("enter", "drill", "Segments", id="matrix.drill"),
        Binding("r", "cycle_rows", "Rows", id="matrix.rows"),
        Binding("c", "cycle_cols", "Columns", id="matrix.cols"),
        Binding("e", "cycle_cells", "Cells", id="matrix.cells"),
    ]
    TITLE_TEXT = "Matrix"
    FILE_STEM = "matrix"

    def __init__(self, rows: str = "codes", cols: str = "group", cells: str = "segments") -> None:
        super().__init__()
        self.rows, self.cols, self.cells = rows, cols, cells

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield DataTable(id="matrix", cursor_type="cell", zebra_stripes=True)
        yield from self.compose_status()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        matrix = self.app.guard(self.app.project.queries.matrix, self.rows, self.cols, cells=self.cells,
                                blind=self.app.blind)
        self.result = matrix
        table = self.query_one(DataTable)
        table.clear(columns=True)
        if matrix is None:
            return
        table.add_columns(self.rows[:-1], *map(label, matrix.cols), "total")
        for name, cells, total in zip(matrix.rows, matrix.cells, matrix.row_totals, strict=True):
            table.add_row(name, *(Text(str(n), justify="right", style="" if n else "dim") for n in cells),
                          Text(str(total), justify="right", style="bold"))
        table.add_row(Text("total", style="bold"), *(Text(str(n), justify="right", style="bold")
                                                      for n in [*matrix.col_totals, matrix.total]))
        self.query_one("#query-title").update(Text(matrix.title, style="bold"))
        self.say(f"cells count distinct {self.cells}; a total counts the distinct {self.cells} of its row or "
                 "column · Enter lists a cell's segments · r rows · c columns · e cells · s saves"
                 + blind_note(self.app))
        table.focus()

    @on(DataTable.CellSelected)
    def cell_chosen(self) -> None:  # Enter (the table's own key) or a click
        self.action_drill()

    def action_cycle_rows(self) -> None:
        self.rows = next_of(["codes", "themes"], self.rows)
        self.reload()

    def action_cycle_cols(self) -> None:
        self.cols = next_of(column_choices(self.app.project), self.cols)
        self.reload()

    def action_cycle_cells(self) -> None:
        self.cells = next_of(CELLS, self.cells)
        self.reload()

    def action_drill(self) -> None:
        """The segments behind the cell under the cursor (a total: its row's, column's or all)."""
        matrix = self.result
        if matrix is None:
            return
        row, col = self.query_one(DataTable).cursor_coordinate
        n_rows, n_cols = len(matrix.rows), len(matrix.cols)
        if col == 0:
            col = n_cols + 1  # the row's label: its total
        row_index = row if row < n_rows else None
        col_index = col - 1 if col - 1 < n_cols else None
        what = " × ".join(name for name in (matrix.rows[row_index] if row_index is not None else None,
                                            label(matrix.cols[col_index]) if col_index is not None else None)
                          if name) or "the whole table"

        def cell() -> tuple[str, list]:  # asked again after an undo: this screen has counted again by then
            segments = self.result.segments(row_index, col_index) if self.result is not None else []
            return f"{what}: {plural(len(segments), 'segment')}", segments

        self.app.push_screen(SegmentsScreen(*cell(), cell=cell))


class SegmentsScreen(QueryScreen):
    """The segments behind a matrix cell, each in its context; Enter opens one in its transcript."""

    DEFAULT_CSS = "SegmentsScreen OptionList { height: 1fr; }"
    BINDINGS = [Binding("enter", "open", "Open in transcript", id="segments.open")]
    FILE_STEM = "segments"

    def __init__(self, title: str, segments: list, cell: Callable[[], tuple[str, list]] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.segments = segments
        self.cell = cell  # the title and segments of the cell, as the matrix counts them now

    def coding_changed(self) -> None:
        if self.cell is not None:
            self.title_text, self.segments = self.cell()
            self.query_one(OptionList).clear_options()
            self.on_mount()

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield OptionList(id="cell-segments")
        yield from self.compose_status()

    def on_mount(self) -> None:
        """Each segment as the retrieval lists it: document · speaker · turn · time (and code and
        coder), then its words between a little of what was said before and after."""
        project = self.app.project
        self.query_one("#query-title").update(Text(self.title_text, style="bold"))
        codes = project.queries.code_labels()
        coders = project.queries.coder_names()
        contexts = project.review.contexts((s.doc_id, s.start, s.end) for s in self.segments)
        texts: dict[int, str] = {}
        width = max(self.size.width - 8, 30)
        options = self.query_one(OptionList)
        for i, (s, context) in enumerate(zip(self.segments, contexts, strict=True)):
            text = texts.setdefault(s.doc_id, project.documents.get(s.doc_id).text)
            head = Text(no_wrap=True, overflow="ellipsis")  # as the retrieval shows a segment
            head.append(where(context), style="bold #5fafd7")
            head.append(f"  {codes.get(s.code_id, '')}  {coders.get(s.coder_id, '')}", style="dim")
            body = in_context(text[max(0, s.start - CONTEXT):s.start], text[s.start:s.end],
                              text[s.end:s.end + CONTEXT], width, "bold")
            options.add_option(Option(Group(head, body), id=str(i)))
        self.say("Enter opens the segment in its transcript · Escape goes back")
        if self.segments:
            options.highlighted = 0
        options.focus()

    def action_open(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None and index < len(self.segments):
            s = self.segments[index]
            go_to(self.app, s.doc_id, s.start, s.end)

    @on(OptionList.OptionSelected)
    def chosen(self) -> None:
        self.action_open()
