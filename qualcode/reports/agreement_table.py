"""The intercoder agreement table: one set of rows for the terminal, CSV and Word alike."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .docx_common import add_heading, add_paragraph, add_run, new_document, to_bytes
from .themes_tables import cell


@dataclass
class AgreementTables:
    """What an agreement report (the JSON of `compute_agreement`) shows, formatted."""

    title: str
    headers: list[str]
    rows: list[list]  # per code, then the pooled row; the last column is a note
    pair_headers: list[str]
    pair_rows: list[list]  # with more than two coders: every pair, pooled over codes
    footer: str


def fmt(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.1f} %" if percent else f"{value:.3f}"


def agreement_tables(report: dict) -> AgreementTables:
    a, b = report["coders"][:2]
    headers = ["code", "units", "both", f"only {a}", f"only {b}", "neither", "agreement", "kappa", "alpha", "note"]
    rows = [[c["code"], c["units"], c["both"], c["only"].get(a), c["only"].get(b), c["neither"],
             fmt(c["percent"], True), fmt(c["kappa"]), fmt(c["alpha"]), c["undefined"] or ""]
            for c in report["codes"]]
    overall = report["overall"]
    rows.append(["all codes (pooled)", "", "", "", "", "", fmt(overall["percent"], True),
                 fmt(overall["pooled_kappa"]), fmt(overall["alpha"]),
                 f"mean kappa {fmt(overall['mean_kappa'])}"])
    pair_rows = [[" – ".join(p["coders"]), fmt(p["percent"], True), fmt(p["pooled_kappa"]), fmt(p["mean_kappa"])]
                 for p in report["pairs"]] if len(report["coders"]) > 2 else []
    overlap = report["overlap"]
    return AgreementTables(
        title=(f"Agreement of {', '.join(report['coders'])} by {report['unit']} over "
               f"{len(report['documents'])} documents ({', '.join(report['documents'])})"),
        headers=headers, rows=rows,
        pair_headers=["coders", "agreement", "pooled kappa", "mean kappa"], pair_rows=pair_rows,
        footer=(f"Code presence per document: {fmt(overall.get('presence_percent'), True)} agree; "
                f"segment overlap (Jaccard >= {overlap['threshold']}): {fmt(overlap.get('percent'), True)} matched"),
    )


def agreement_csv(report: dict) -> bytes:
    tables = agreement_tables(report)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(tables.headers)
    writer.writerows([[cell(v) for v in row] for row in tables.rows])
    return out.getvalue().encode("utf-8-sig")


def agreement_docx(report: dict) -> bytes:
    tables = agreement_tables(report)
    document = new_document("Intercoder agreement")
    add_heading(document, "Intercoder agreement", 1)
    add_paragraph(document, f"Coders {', '.join(report['coders'])}; unit: {report['unit']}; "
                            f"documents: {', '.join(report['documents'])}.")
    table = document.add_table(rows=1, cols=len(tables.headers) - 1)
    table.style = "Table Grid"
    for header_cell, text in zip(table.rows[0].cells, tables.headers[:-1], strict=True):
        add_run(header_cell.paragraphs[0], text, bold=True)
    for row in tables.rows:
        for row_cell, value in zip(table.add_row().cells, row[:-1], strict=True):
            add_run(row_cell.paragraphs[0], "" if value is None else str(value))
    notes = [f"{row[0]}: {row[-1]}" for row in tables.rows[:-1] if row[-1]]
    if notes:
        add_paragraph(document, "Undefined statistics: " + "; ".join(notes), italic=True)
    return to_bytes(document)
