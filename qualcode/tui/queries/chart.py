"""Code frequencies by group as bars, drawn with Rich: a block of bars per code, one bar per
group (or, stacked, one line per code), in the terminal's cells (a Chinese character takes two),
readable at 80 columns.

Rich rather than a plotting widget: grouped horizontal bars are text with eighth-block
characters, and Rich measures Chinese labels as the terminal draws them.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...text.width import fit_width
from .common import SAVE, QueryScreen, blind_note, column_choices, label, next_of

# Okabe & Ito's palette, as in the Word picture: told apart with every common colour-vision deficiency
PALETTE = ["#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#999999"]
EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float, top: float, cells: int) -> str:
    """A bar of `value` out of `top` in at most `cells` cells, to an eighth of a cell."""
    eighths = round(value / top * cells * 8) if top else 0
    if value and not eighths:
        eighths = 1  # a value is never drawn as nothing
    return "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


def bar_chart(rows: Sequence[str], cols: Sequence[str], cells: Sequence[Sequence[int]], width: int) -> Text:
    """For each row its label, then a bar per column: `label  group  ███▍ 12`, within `width` cells."""
    top = max((n for row in cells for n in row), default=0)
    number = len(str(top))
    label_cells = min(max((cell_len(r) for r in rows), default=0), max(12, width // 3))
    col_cells = min(max((cell_len(c) for c in cols), default=0), 14)
    bar_cells = max(width - label_cells - col_cells - number - 6, 4)
    out = Text(no_wrap=True, overflow="crop")
    for r, name in enumerate(rows):
        for c, col in enumerate(cols):
            first = fit_width(name, label_cells) if c == 0 else ""
            out.append(first + " " * (label_cells - cell_len(first) + 2), style="bold" if c == 0 else "")
            shown = fit_width(col, col_cells)
            out.append(shown + " " * (col_cells - cell_len(shown) + 1), style="dim")
            value = cells[r][c]
            out.append(bar(value, top, bar_cells), style=PALETTE[c % len(PALETTE)])
            out.append(f" {value}\n", style="" if value else "dim")
        out.append("\n")
    return out


def stacked_chart(rows: Sequence[str], cols: Sequence[str], cells: Sequence[Sequence[int]], width: int) -> Text:
    """A legend, then one line per row: its columns' bars end to end, and their sum (a segment
    across two groups is in both: the sum of cells, not the row's total)."""
    sums = [sum(row) for row in cells]
    top = max(sums, default=0)
    label_cells = min(max((cell_len(r) for r in rows), default=0), max(12, width // 3))
    bar_cells = max(width - label_cells - len(str(top)) - 3, 4)
    out = Text(no_wrap=True, overflow="crop")
    for c, col in enumerate(cols):
        out.append("■ ", style=PALETTE[c % len(PALETTE)])
        out.append(f"{col}  ")
    out.append("\n\n")
    for name, row, total in zip(rows, cells, sums, strict=True):
        shown = fit_width(name, label_cells)
        out.append(shown + " " * (label_cells - cell_len(shown) + 1))
        done = running = 0
        for c, value in enumerate(row):  # cumulative rounding: the parts add up to the whole bar
            running += value
            end = round(running / top * bar_cells) if top else 0
            out.append("█" * (end - done), style=PALETTE[c % len(PALETTE)])
            done = end
        out.append(f" {total}\n", style="" if total else "dim")
    return out


class ChartScreen(QueryScreen):
    """Code frequencies by group (the matrix's segments) as bars, stacked (one line per code) or
    grouped (a bar per group); c other columns, r themes."""

    DEFAULT_CSS = """
    ChartScreen VerticalScroll { height: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        SAVE,
        Binding("c", "cycle_cols", "Columns", id="chart.cols"),
        Binding("r", "cycle_rows", "Rows", id="chart.rows"),
        Binding("v", "toggle_stacked", "Stacked/grouped", id="chart.stacked"),
    ]
    TITLE_TEXT = "Code frequencies"
    FILE_STEM = "frequencies"

    def __init__(self) -> None:
        super().__init__()
        self.rows, self.cols = "codes", "group"
        self.stacked = True  # one line per code: the whole codebook on one 80 × 24 screen

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        with VerticalScroll(id="chart-scroll"):
            yield Static(id="chart")
        yield from self.compose_status()

    def on_mount(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        self.draw()

    def reload(self) -> None:
        self.result = self.app.guard(self.app.project.queries.matrix, self.rows, self.cols, blind=self.app.blind)
        self.draw()
        if self.result is not None:
            self.query_one("#query-title").update(Text(f"{self.rows.capitalize()} by {self.cols}: segments "
                                                       "(participants' speech)", style="bold"))
            self.say("bars count distinct segments, as the matrix's cells · v stacked or grouped · c columns · "
                     "r rows · s saves (Excel draws its own chart, Word gets a picture)" + blind_note(self.app))
        self.query_one("#chart-scroll").focus()

    def draw(self) -> None:
        matrix = self.result
        if matrix is None:
            return
        width = max(self.size.width - 6, 30)
        draw = stacked_chart if self.stacked else bar_chart
        self.query_one("#chart", Static).update(draw(matrix.rows, [label(c) for c in matrix.cols], matrix.cells,
                                                     width))

    def action_cycle_cols(self) -> None:
        self.cols = next_of([c for c in column_choices(self.app.project) if c != "document"], self.cols)
        self.reload()

    def action_cycle_rows(self) -> None:
        self.rows = next_of(["codes", "themes"], self.rows)
        self.reload()

    def action_toggle_stacked(self) -> None:
        self.stacked = not self.stacked
        self.draw()
