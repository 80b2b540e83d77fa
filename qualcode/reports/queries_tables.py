"""Query results as tables, and the tables as CSV, Excel and Word.

Each result (KWIC hits, word frequencies, co-occurrence, a matrix) becomes one or more `Table`s;
three writers turn tables into files. A matrix is a real table with its totals (and says that a
total counts distinct items); its cells are also drawn as bars: a native chart in Excel, a
picture in Word (chart_image.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .docx_common import safe
from .themes_tables import cell, column_width

NONE = "—"  # a column of "no value" (a participant without the attribute)
FORMATS = (".csv", ".xlsx", ".docx")
WORD_GRID_CODES = 8  # a codes × codes table of more codes does not fit a page


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    totals_row: bool = False  # the last row holds totals
    totals_col: bool = False  # the last column holds totals
    note: str | None = None
    chart: bool = False  # draw the body (without totals) as bars: Excel's own chart, a picture in Word
    in_word: bool = True  # too wide for a page: left out of Word, in CSV and Excel only


def _label(value) -> str:
    return NONE if value is None else str(value)


def text(value) -> str:
    """A cell as written in Word and measured for widths."""
    return "" if value is None else (f"{value:.4g}" if isinstance(value, float) else str(value))


def matrix_table(matrix, title: str = "Matrix", corner: str = "Code") -> Table:
    """Rows × columns with row totals, column totals and the grand total."""
    kind = getattr(matrix, "cell_kind", "segments")
    rows = [[label, *cells, total]
            for label, cells, total in zip(matrix.rows, matrix.cells, matrix.row_totals, strict=True)]
    rows.append(["Total", *matrix.col_totals, matrix.total])
    return Table(title, [corner, *map(_label, matrix.cols), "Total"], rows, totals_row=True, totals_col=True,
                 note=f"Cells count distinct {kind}. A total counts the distinct {kind} of its row or column, "
                      f"so it can be less than the sum of its cells.", chart=True)


def kwic_table(hits: Iterable, title: str = "Keyword in context") -> Table:
    return Table(title, ["Document", "Speaker", "Turn", "Time", "Left", "Match", "Right", "Start", "End"],
                 [[h.doc, h.speaker, h.turn, h.time, h.left, h.match, h.right, h.start, h.end] for h in hits])


def words_table(table, title: str = "Word frequencies") -> Table:
    keyed = any(w.keyness is not None for w in table.words)
    header = ["Word", "Count", "Per 10,000", *map(_label, table.cols)] + (["Keyness (G²)", "p"] if keyed else [])
    rows = [[w.word, w.count, round(w.per_10k, 2), *(w.by.get(c, 0) for c in table.cols)]
            + ([w.keyness, w.p] if keyed else []) for w in table.words]
    return Table(title, header, rows, note=f"{table.tokens} words in the selection (stop words included); "
                                           "per 10,000 of them.")


def cooccurrence_tables(result, labels: Mapping[int, str], title: str = "Co-occurrence") -> list[Table]:
    """The pairs as a list, and the codes × codes counts as a symmetric table."""
    pairs = Table(title, ["Code A", "Code B", "Count", "Jaccard"],
                  [[labels.get(p.a, p.a), labels.get(p.b, p.b), p.count, round(p.jaccard, 4)] for p in result.pairs],
                  note=f"Counted by {result.unit}.")
    codes = [c for c in labels if c in result.totals]
    count = {(p.a, p.b): p.count for p in result.pairs} | {(p.b, p.a): p.count for p in result.pairs}
    grid = Table(f"{title}: codes × codes", ["Code", *(labels[c] for c in codes)],
                 [[labels[a], *(result.totals[a] if a == b else count.get((a, b), 0) for b in codes)] for a in codes],
                 note="The diagonal holds each code's own total.", in_word=len(codes) <= WORD_GRID_CODES)
    if not grid.in_word:
        pairs.note += " The codes × codes table is in the CSV and Excel exports (too wide for a page)."
    return [pairs, grid]


# --- writers --------------------------------------------------------------------------------------


def to_csv(tables: Sequence[Table]) -> bytes:
    """One table as it is; several one after another, each under its title, a blank line between."""
    out = io.StringIO()
    writer = csv.writer(out)
    for i, table in enumerate(tables):
        if len(tables) > 1:
            if i:
                writer.writerow([])
            writer.writerow([cell(table.title)])
        writer.writerow([cell(h) for h in table.header])
        writer.writerows([[cell(v) for v in row] for row in table.rows])
    return out.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 CSV correctly only with a BOM


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """A sheet per table: bold header and totals, the note under the table, a bar chart when asked."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    for number, table in enumerate(tables, start=1):
        title = safe(table.title).translate({ord(c): " " for c in "[]:*?/\\"})[:28].strip() or "Table"
        sheet = book.create_sheet(title if title not in book.sheetnames else f"{title[:25]} {number}")
        sheet.append([cell(h) for h in table.header])
        for row in table.rows:
            sheet.append([cell(v) for v in row])
        bold = Font(name="Calibri", bold=True)  # a font named, or LibreOffice sets bold cells in a serif
        for c in sheet[1]:
            c.font = bold
        if table.totals_row:
            for c in sheet[sheet.max_row]:
                c.font = bold
        if table.totals_col:
            for c in sheet.iter_rows(min_col=len(table.header), max_col=len(table.header)):
                c[0].font = bold
        for i, header in enumerate(table.header, start=1):
            wide = header in ("Left", "Right")
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = 45 if wide else column_width(
                text(row[i - 1]) for row in [table.header, *table.rows])
            if header == "Left":
                for c in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    c[0].alignment = Alignment(horizontal="right")
        if table.note:
            sheet.cell(sheet.max_row + 2, 1, cell(table.note)).font = Font(name="Calibri", italic=True)
        if table.chart:
            _bars(sheet, table)
            # printed, the table and its chart side by side on one landscape page across
            sheet.page_setup.orientation = "landscape"
            sheet.sheet_properties.pageSetUpPr.fitToPage = True
            sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bars(sheet, table: Table) -> None:
    """The table's body (no totals) as a native clustered bar chart: one series per column."""
    from openpyxl.chart import BarChart, Reference

    last_row = len(table.rows) + 1 - (1 if table.totals_row else 0)
    last_col = len(table.header) - (1 if table.totals_col else 0)
    if last_row < 2 or last_col < 2:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = table.title
    chart.add_data(Reference(sheet, min_col=2, max_col=last_col, min_row=1, max_row=last_row), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last_row))
    chart.x_axis.scaling.orientation = "maxMin"  # the first row at the top, as in the table
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides the axes unless told
    chart.legend.position = "t"
    chart.width, chart.height = 18, max(8.0, min(40.0, 2 + 0.18 * (last_row - 1) * (last_col - 1)))
    sheet.add_chart(chart, f"{sheet.cell(1, len(table.header) + 2).column_letter}2")


def to_docx(tables: Sequence[Table], title: str | None = None) -> bytes:
    """Each table as a Word table (queries_docx.py lays it out)."""
    from .queries_docx import word_tables

    return word_tables(tables, title)


def render(tables: Sequence[Table], suffix: str, title: str | None = None) -> bytes:
    """The tables as a file of one of FORMATS."""
    if suffix == ".csv":
        return to_csv(tables)
    if suffix == ".xlsx":
        return to_xlsx(tables)
    return to_docx(tables, title)
