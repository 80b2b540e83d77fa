"""Query results as CSV, Excel and Word tables."""

from __future__ import annotations

import csv
import io

import docx
import numpy as np
from openpyxl import load_workbook

from qualcode.analysis.attribution import Speech
from qualcode.analysis.cooccurrence import cooccurrence
from qualcode.analysis.matrix import crosstab
from qualcode.model import DocRef, Participant
from qualcode.reports.queries_tables import cooccurrence_tables, kwic_table, matrix_table, to_csv, to_docx, to_xlsx
from qualcode.text.kwic import KwicHit


def a_matrix():
    docs = [DocRef(1, "fg1", "zh", "儿科", 1)]
    speakers = [(1, "护士A", "P1"), (2, "护士B", "P2")]
    people = [Participant(1, "a", "P1", "护士1", {"ward": "内科"}), Participant(2, "b", "P2", None, {})]
    spans = np.array([(1, 1, 7, 1, 0, 30), (2, 1, 8, 1, 12, 15), (3, 1, 7, 1, 22, 25)])
    speech = Speech(docs, [(1, 4, 10, 1), (1, 20, 30, 2)], speakers, people)
    return crosstab(spans, speech, [("安全", [7]), ("=疼痛", [8])], "ward")


def test_matrix_in_every_format():
    m = a_matrix()
    assert m.cols == ["内科", None] and m.cells == [[1, 2], [0, 0]] and m.row_totals == [2, 0]
    table = matrix_table(m)
    assert table.header == ["Code", "内科", "—", "Total"]
    assert table.rows == [["安全", 1, 2, 2], ["=疼痛", 0, 0, 0], ["Total", 1, 2, 2]]
    rows = list(csv.reader(io.StringIO(to_csv([table]).decode("utf-8-sig"))))
    assert rows[0] == ["Code", "内科", "—", "Total"] and rows[2][0] == "'=疼痛"  # no formula for Excel
    sheet = load_workbook(io.BytesIO(to_xlsx([table]))).active
    assert [c.value for c in sheet[4]] == ["Total", 1, 2, 2] and sheet["A4"].font.bold and sheet["D2"].font.bold
    assert "distinct" in sheet["A6"].value
    assert len(sheet._charts) == 1
    document = docx.Document(io.BytesIO(to_docx([table], "Matrix")))
    grid = document.tables[0]
    assert [c.text for c in grid.rows[0].cells] == ["Code", "内科", "—", "Total"]
    assert [c.text for c in grid.rows[3].cells] == ["Total", "1", "2", "2"]
    assert grid.rows[3].cells[0].paragraphs[0].runs[0].bold
    chinese = grid.rows[1].cells[0].paragraphs[0].runs[0]
    assert chinese._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")


def test_kwic_and_cooccurrence_tables():
    hits = [KwicHit(1, "fg1", 5, 7, "护士1", 0, 12.5, "我", "头疼", "，疼得")]
    table = kwic_table(hits)
    assert table.rows == [["fg1", "护士1", 0, 12.5, "我", "头疼", "，疼得", 5, 7]]
    document = docx.Document(io.BytesIO(to_docx([table])))
    assert [c.text for c in document.tables[0].rows[1].cells][4:7] == ["我", "头疼", "，疼得"]
    spans = np.array([(1, 1, 1, 1, 0, 10), (2, 1, 2, 1, 5, 15)])
    tables = cooccurrence_tables(cooccurrence(spans, "overlap", order=[1, 2]), {1: "A", 2: "B", 3: "C"})
    assert tables[0].rows == [["A", "B", 1, round(5 / 15, 4)]]
    assert tables[1].header == ["Code", "A", "B"] and tables[1].rows == [["A", 1, 1], ["B", 1, 1]]
    book = load_workbook(io.BytesIO(to_xlsx(tables)))
    assert len(book.sheetnames) == 2
    text = to_csv(tables).decode("utf-8-sig")
    assert text.startswith("Co-occurrence\r\n") and "\r\n\r\nCo-occurrence: codes × codes" in text
