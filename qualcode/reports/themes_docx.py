"""The theme summary as a Word document for the manuscript."""

from __future__ import annotations

from docx.shared import Cm

from .docx_common import (
    FastParagraphs,
    add_heading,
    add_paragraph,
    add_rows,
    add_run,
    new_document,
    set_widths,
    shade,
    to_bytes,
)
from .memos import theme_memos_docx
from .summary import Summary
from .words import method_text, not_counted_text, words

HEADER_FILL = "#D9E2F3"


def _table(document, headers: list[str], widths_cm: list[float]):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        add_run(cell.paragraphs[0], text, bold=True)
        shade(cell, HEADER_FILL)
    _widths(table, widths_cm)
    return table


def _widths(table, widths_cm: list[float]) -> None:
    set_widths(table, [Cm(w) for w in widths_cm])


def _rows(table, rows: list[list], widths_cm: list[float]) -> None:
    add_rows(table, rows, [Cm(w) for w in widths_cm])


def render(summary: Summary) -> bytes:
    w = words(summary.lang)
    document = new_document(summary.title or w["title"])
    add_heading(document, summary.title or w["title"], 0)

    add_heading(document, w["method"], 1)
    add_paragraph(document, method_text(summary))

    add_heading(document, w["themes"], 1)
    widths = [3.6, 5.2, 2.5, 2.9, 2.8]
    table = _table(document, [w["theme"], w["codes"], w["segments"], w["participants"], w["groups"]], widths)
    _rows(table, [[t.name, "; ".join(label for label, _, _ in t.codes), t.segments, t.participants,
                   ", ".join(t.groups)] for t in summary.themes], widths)
    if note := not_counted_text(summary):
        add_paragraph(document, note, italic=True)

    for t in summary.themes:
        add_heading(document, t.name, 1)
        if t.definition:
            add_paragraph(document, t.definition)
        paragraph = add_paragraph(document)
        add_run(paragraph, f"{w['codes']}: ", bold=True)
        for i, (label, brief, colour) in enumerate(t.codes):
            add_run(paragraph, ("; " if i else "") + label, bold=True, color=colour)
            if brief:
                add_run(paragraph, f" – {brief}")
        paragraph = add_paragraph(document)
        add_run(paragraph, f"{w['by_group']}: ", bold=True)
        add_run(paragraph, ", ".join(f"{g} {c['segments']} ({c['participants']})" for g, c in t.per_group.items()))
        if t.quotes:
            add_heading(document, w["quotes"], 2)
        quotes = FastParagraphs(document)
        for q in t.quotes:
            quotes.add("Quote Text", [(f"“{q.text}” ", "Quote Words", False), (q.attribution, None, False)])
            if q.translation:
                quotes.add("Quote Translation", [(f"{w['translation']}: ", None, True), (q.translation, None, False)])
        theme_memos_docx(document, t.memos, summary.lang)

    add_heading(document, w["frequencies"], 1)
    groups = summary.groups
    # the code column keeps at least 5 cm; the groups share the rest of the 17 cm text width
    code_width = max(5.0, 17.0 - 1.7 * len(groups))
    widths = [code_width] + [(17.0 - code_width) / max(len(groups), 1)] * len(groups)
    table = _table(document, [w["code"], *groups], widths)
    _rows(table, [[code, *[counts.get(g, 0) for g in groups]] for code, counts in summary.frequencies], widths)

    add_heading(document, w["saturation"], 1)
    add_paragraph(document, w["saturation_text"])
    widths = [9.0, 4.0, 4.0]
    table = _table(document, [w["document"], w["new"], w["cumulative"]], widths)
    _rows(table, [[name, new, cumulative] for name, new, cumulative in summary.saturation], widths)
    return to_bytes(document)
