"""The intercoder agreement table: one set of rows for the terminal, CSV and Word alike.

Built from the report's JSON alone, so every face shows the same cells and the same statistics
(docs/methods.md A3–A6): two coders get the 2×2 table and Cohen's κ; three or more get, per
code, how many units 0, 1, … C coders marked and Fleiss' κ, then the table of pairwise Cohen's κ.
The "all codes (pooled)" row holds the summed cells and the pooled figures the method paragraph
of a theme export prints.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .docx_common import add_heading, add_paragraph, new_document, to_bytes
from .themes_tables import cell


@dataclass
class AgreementTables:
    """What an agreement report (the JSON of `compute_agreement`) shows, formatted."""

    title: str
    headers: list[str]
    rows: list[list]  # per code, then the pooled row; the last column is a note
    pair_headers: list[str]
    pair_rows: list[list]  # with more than two coders: every pair, its 2×2 table summed over codes
    footer: str
    subtitle: str = ""  # who, by what unit, over which documents (the Word export's first line)


def fmt(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.1f} %" if percent else f"{value:.3f}"


def agreement_tables(report: dict) -> AgreementTables:
    coders = report["coders"]
    if len(coders) == 2:
        a, b = coders
        cell_headers, kappa = ["both", f"only {a}", f"only {b}", "neither"], "kappa"

        def cells(row: dict) -> list:
            return [row["both"], row["only"][a], row["only"][b], row["neither"]]
    else:
        cell_headers, kappa = [f"by {k}" for k in range(len(coders) + 1)], "Fleiss kappa"

        def cells(row: dict) -> list:
            return list(row["marked_by"])
    headers = ["code", "units", *cell_headers, "agreement", kappa, "alpha", "note"]
    rows = [[c["code"], c["units"], *cells(c), fmt(c["percent"], True), fmt(c["kappa"]), fmt(c["alpha"]),
             c["undefined"] or ""] for c in report["codes"]]
    overall = report["overall"]
    rows.append(["all codes (pooled)", overall["units"], *cells(overall), fmt(overall["percent"], True),
                 fmt(overall["pooled_kappa"]), fmt(overall["alpha"]), overall["undefined"] or ""])
    pair_rows = []
    if len(coders) > 2:
        for p in report["pairs"]:
            x, y = p["coders"]
            pair_rows.append([f"{x} – {y}", p["units"], p["both"], p["only"][x], p["only"][y], p["neither"],
                              fmt(p["percent"], True), fmt(p["pooled_kappa"])])
    overlap = report["overlap"]
    return AgreementTables(
        title=(f"Agreement of {', '.join(coders)} by {report['unit']} over "
               f"{len(report['documents'])} documents ({', '.join(report['documents'])})"),
        headers=headers, rows=rows,
        pair_headers=["coders", "units", "both", "only first", "only second", "neither", "agreement",
                      "Cohen's kappa"],
        pair_rows=pair_rows,
        footer=(f"Code presence per document: {fmt(overall.get('presence_percent'), True)} agree; "
                f"segment overlap (Jaccard >= {overlap['threshold']}): {fmt(overlap.get('percent'), True)} matched"),
        subtitle=(f"Coders {', '.join(coders)}; unit: {report['unit']}; "
                  f"documents: {', '.join(report['documents'])}."),
    )


def agreement_csv(tables: AgreementTables) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(tables.headers)
    writer.writerows([[cell(v) for v in row] for row in tables.rows])
    return out.getvalue().encode("utf-8-sig")


def agreement_docx(tables: AgreementTables) -> bytes:
    from .queries_docx import add_fitted_table, fit_page
    from .queries_tables import Table

    # columns as wide as their words need, as every table in Word (the page turned if need be)
    by_code = Table("", tables.headers[:-1], [row[:-1] for row in tables.rows])
    pairs = Table("", tables.pair_headers, tables.pair_rows)
    document = new_document("Intercoder agreement")
    room = fit_page(document, [by_code, pairs] if tables.pair_rows else [by_code])
    add_heading(document, "Intercoder agreement", 1)
    add_paragraph(document, tables.subtitle)
    add_fitted_table(document, by_code, room)
    notes = [f"{row[0]}: {row[-1]}" for row in tables.rows if row[-1]]
    if notes:
        add_paragraph(document, "Undefined statistics: " + "; ".join(notes), italic=True)
    if tables.pair_rows:
        add_paragraph(document, "Pairs of coders, summed over codes (Cohen's kappa):")
        add_fitted_table(document, pairs, room)
    return to_bytes(document)
