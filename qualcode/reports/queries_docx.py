"""Query tables in Word: laid out to fit a page, a matrix's bars as a picture beneath it.

A column is as wide as its text needs (every cell on one line when the page allows, else its
longest word and a share of the rest). A table that does not fit the page at 10.5 pt is set at
9 pt, then on a landscape page; a matrix that still does not fit is turned (rows become
columns: 30 participants fit down a page, not across one). Columns empty in every row (no
times in a transcript without them) are left out; CSV and Excel keep everything.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace

from ..text.width import display_width, is_cjk
from .docx_common import add_heading, add_paragraph, add_run, new_document, safe, set_widths, shade, to_bytes
from .queries_tables import Table, _label, text

SIZES = (10.5, 9.0)  # points: the body's size, and the smaller one a wide table may take
CM_PER_CELL_PT = 0.022  # a Latin character's width per point of size in Calibri, about (Chinese: two cells)
PADDING_CM = 0.5  # a cell's margins


def word_tables(tables: Sequence[Table], title: str | None = None) -> bytes:
    """Each table as a Word table with a bold header and bold totals, its note beneath."""
    tables = [_without_empty_columns(t) for t in tables if t.in_word]
    document = new_document(title or (tables[0].title if tables else None))
    room = fit_page(document, tables)
    if title:
        add_heading(document, title, 1)
    for table in tables:
        if len(tables) > 1 or not title:
            add_heading(document, table.title, 2)
        add_fitted_table(document, table, room)
        if table.chart:
            _picture(document, table, min(16.0, room))
    return to_bytes(document)


def fit_page(document, tables: Sequence[Table]) -> float:
    """The page turned to landscape if a table does not fit it upright; the width (cm) between
    its margins."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section = document.sections[0]
    room = (section.page_width - section.left_margin - section.right_margin) / Cm(1)
    if any(plan(t, room) is None for t in tables):
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        room = (section.page_width - section.left_margin - section.right_margin) / Cm(1)
    return room


def add_fitted_table(document, table: Table, room: float) -> None:
    """The table laid out to fit `room` (its columns as wide as their words need), its note beneath."""
    table, size, widths = plan(table, room) or squeezed(table, room)
    _write_table(document, table, size, widths)
    if table.note:
        add_paragraph(document, table.note, italic=True, size=9)


def _write_table(document, table: Table, size: float, widths: list[float]) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate([table.header, *table.rows]):
        total = r == 0 or (table.totals_row and r == len(table.rows))
        for c, value in enumerate(values):
            paragraph = grid.cell(r, c).paragraphs[0]
            bold = total or (table.totals_col and c == len(values) - 1 and r > 0) or table.header[c] == "Match"
            add_run(paragraph, text(value), bold=bold, size=size if size != SIZES[0] else None)
            if (isinstance(value, (int, float)) and not isinstance(value, bool) and r > 0) or table.header[c] == "Left":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if r == 0:
                shade(grid.cell(r, c), "#D9D9D9")
    set_widths(grid, [Cm(w) for w in widths])


def _measures(table: Table, size: float) -> tuple[list[float], list[float], list[float]]:
    """Per column, in cm: the least width (its longest word, or one Chinese character: a Chinese
    line breaks anywhere), the width that keeps every cell on one line, and that of its body
    alone (headers may wrap). Headers and totals are bold: a tenth wider."""
    per_cell = CM_PER_CELL_PT * size
    last = len(table.header) - 1
    least, whole, body = [], [], []
    for c in range(len(table.header)):
        bold = [1.1 if (table.totals_row and r == len(table.rows) - 1) or (table.totals_col and c == last) else 1.0
                for r in range(len(table.rows))]
        cells = [(text(row[c]), k) for row, k in zip(table.rows, bold, strict=True)]
        header = [(text(table.header[c]), 1.1)]
        least.append(max((k * (2 if any(is_cjk(ch) for ch in w) else display_width(w))
                          for t, k in header + cells for w in t.split()), default=1))
        whole.append(max((k * display_width(t) for t, k in header + cells), default=1))
        body.append(max((k * display_width(t) for t, k in cells), default=1))
    return tuple([n * per_cell + PADDING_CM for n in kind] for kind in (least, whole, body))


def column_widths(table: Table, room: float, size: float = SIZES[0]) -> list[float] | None:
    """Widths (cm) within `room`: every cell on one line if they fit, else every column its
    least (its longest word, but no more than a fifth of the room, and no less than two fifths
    of its body's one-line width) and the rest shared as each would need more; None when even the
    least do not fit."""
    least, whole, body = _measures(table, size)
    # a long name may break rather than crowd out the rest; a long text keeps room for a few words a line
    least = [max(min(m, room * 0.2), b * 0.4) for m, b in zip(least, body, strict=True)]
    whole = [max(w, m) for w, m in zip(whole, least, strict=True)]
    if sum(whole) <= room:
        return whole
    if sum(least) > room:
        return None
    spare, wants = room - sum(least), [w - m for w, m in zip(whole, least, strict=True)]
    return [m + spare * want / sum(wants) for m, want in zip(least, wants, strict=True)]


def layout(table: Table, room: float) -> tuple[float, list[float]] | None:
    """The first size at which the table fits `room`, with its widths; None if none does."""
    for size in SIZES:
        widths = column_widths(table, room, size)
        if widths is not None:
            return size, widths
    return None


def _candidates(table: Table) -> tuple[Table, ...]:
    return (table, turned(table)) if table.totals_row and table.totals_col else (table,)


def plan(table: Table, room: float) -> tuple[Table, float, list[float]] | None:
    """The table as it fits `room` (a matrix turned if that is what fits), its size and widths."""
    for candidate in _candidates(table):
        found = layout(candidate, room)
        if found is not None:
            return candidate, *found
    return None


def squeezed(table: Table, room: float) -> tuple[Table, float, list[float]]:
    """What fits nowhere: the way round that overflows least, at the smaller size, its least
    widths scaled down to the room (some words break)."""
    size = SIZES[-1]
    best, least = min(((c, _measures(c, size)[0]) for c in _candidates(table)), key=lambda found: sum(found[1]))
    return best, size, [w * room / sum(least) for w in least]


def turned(table: Table) -> Table:
    """A matrix with rows and columns swapped (totals stay totals), saying so."""
    columns = list(zip(*[table.header, *table.rows], strict=True))
    header = ["", *columns[0][1:]]
    note = (table.note + " " if table.note else "") + "Rows and columns are swapped to fit the page."
    return replace(table, header=header, rows=[list(c) for c in columns[1:]], note=note)


def _without_empty_columns(table: Table) -> Table:
    keep = [c for c in range(len(table.header)) if c == 0 or any(text(row[c]) for row in table.rows)]
    if len(keep) == len(table.header):
        return table
    return replace(table, header=[table.header[c] for c in keep], rows=[[row[c] for c in keep] for row in table.rows])


def chart_data(table: Table) -> tuple[list[str], list[tuple[str, list[float]]]]:
    """The table's body without totals: categories (first column) and one series per column."""
    body = table.rows[:-1] if table.totals_row else table.rows
    last = len(table.header) - (1 if table.totals_col else 0)
    categories = [_label(row[0]) for row in body]
    series = [(str(table.header[c]), [row[c] or 0 for row in body]) for c in range(1, last)]
    return categories, series


def _picture(document, table: Table, width_cm: float) -> None:
    """The table's bars as a picture; where the machine has no font for its labels, keys in
    the picture and what they stand for beneath it."""
    from docx.shared import Cm

    from .chart_image import bar_chart

    categories, series = chart_data(table)
    if not categories or not series:
        return
    chart = bar_chart(safe(table.title), [safe(c) for c in categories], [(safe(n), v) for n, v in series])
    document.add_picture(io.BytesIO(chart.png), width=Cm(width_cm))
    if chart.keys:
        add_paragraph(document, "; ".join(f"{key}: {label}" for key, label in chart.keys), size=9)
