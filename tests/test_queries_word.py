"""Query tables in Word: what fits a page, and the bars as a picture (with or without a Chinese font)."""

from __future__ import annotations

import io

import docx
import pytest
from docx.enum.section import WD_ORIENT
from PIL import Image

from qualcode.reports import chart_image
from qualcode.reports.queries_docx import chart_data, column_widths, turned
from qualcode.reports.queries_tables import Table, to_docx


def matrix(cols: int, rows: int = 3) -> Table:
    body = [[f"kod {r}", *(r + c for c in range(cols)), 99] for r in range(rows)]
    return Table("Codes × participant: segments", ["Code", *(f"P{c:02d}" for c in range(cols)), "Total"],
                 body + [["Total", *range(cols), 100]], totals_row=True, totals_col=True, chart=True)


def test_column_widths_keep_cells_on_one_line_when_they_fit():
    table = Table("t", ["Word", "Count"], [["läkare", 12], ["sjuksköterskan", 3]])
    word, count = column_widths(table, 16.0)
    assert count < word < 16.0 / 2  # as wide as "sjuksköterskan", no wider
    # too long for one line: the long column breaks between words, the short one keeps its width
    long = Table("t", ["Left", "Count"], [[" ".join(["ord"] * 25), 1]])
    left, count = column_widths(long, 20.0)
    assert left + count == pytest.approx(20.0) and count == column_widths(Table("t", ["Left", "Count"],
                                                                                [["ord", 1]]), 20.0)[1]
    assert column_widths(Table("t", [f"rubrik{i}" for i in range(30)], [list(range(30))]), 10.0) is None


def test_a_wide_matrix_is_turned_and_an_empty_column_left_out():
    table = matrix(cols=32)
    turned_table = turned(table)
    assert turned_table.header == ["", "kod 0", "kod 1", "kod 2", "Total"]
    assert turned_table.rows[0] == ["P00", 0, 1, 2, 0] and turned_table.rows[-1] == ["Total", 99, 99, 99, 100]
    document = docx.Document(io.BytesIO(to_docx([table])))
    grid = document.tables[0]
    assert len(grid.columns) == 5 and len(grid.rows) == 34  # 32 participants down the page, not across
    assert [c.text for c in grid.rows[-1].cells] == ["Total", "99", "99", "99", "100"]
    assert "swapped" in document.paragraphs[-2].text
    kwic = Table("Keyword in context", ["Document", "Time", "Left", "Match"], [["fg1", None, "vi", "läkare"]])
    grid = docx.Document(io.BytesIO(to_docx([kwic]))).tables[0]
    assert [c.text for c in grid.rows[0].cells] == ["Document", "Left", "Match"]  # no times in this transcript


def test_a_long_kwic_table_turns_the_page():
    context = "och så sa hon att det var svårt att veta vad man skulle göra med det"
    table = Table("Keyword in context", ["Document", "Speaker", "Turn", "Left", "Match", "Right", "Start", "End"],
                  [["fokusgrupp1_allmanlakare", "P01", 3, context, "läkare", context, 1200, 1206]])
    section = docx.Document(io.BytesIO(to_docx([table]))).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    small = Table("t", ["Code", "GP A", "Total"], [["Skuld", 1, 1], ["Total", 1, 1]], totals_row=True,
                  totals_col=True)
    section = docx.Document(io.BytesIO(to_docx([small]))).sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT


def test_bars_as_a_picture_with_the_labels_or_keys(monkeypatch):
    categories, series = chart_data(matrix(cols=2, rows=2))
    assert categories == ["kod 0", "kod 1"] and series == [("P00", [0, 1]), ("P01", [1, 2])]
    chart = chart_image.bar_chart("Codes", ["安全", "Skuld"], [("儿科", [3, 1]), ("GP A", [0, 2])])
    picture = Image.open(io.BytesIO(chart.png))
    assert picture.format == "PNG" and picture.width == 900 * chart_image.SCALE
    if chart_image.cjk_font_file():
        assert chart.keys == []
    monkeypatch.setattr(chart_image, "cjk_font_file", lambda: None)  # a machine without a Chinese font
    chart = chart_image.bar_chart("Codes", ["安全", "Skuld"], [("儿科", [3, 1]), ("GP A", [0, 2])])
    assert chart.keys == [("1", "安全"), ("2", "Skuld"), ("A", "儿科"), ("B", "GP A")]
    latin = chart_image.bar_chart("Codes", ["Skuld"], [("GP A", [2])])
    assert latin.keys == []  # Swedish needs no font from the machine
    document = docx.Document(io.BytesIO(to_docx([Table("安全 × 儿科", ["Code", "儿科", "Total"],
                                                       [["安全", 3, 3], ["Total", 3, 3]], totals_row=True,
                                                       totals_col=True, chart=True)])))
    assert len(document.inline_shapes) == 1
    assert document.paragraphs[-1].text == "1: 安全; A: 儿科"  # what the keys in the picture stand for


def test_nice_steps():
    assert [chart_image._nice_step(top) for top in (1, 4, 9, 23, 180, 4999)] == [1, 1, 2, 5, 50, 1000]
