"""The agreement report as tables for people.

The command line, the .csv and the .docx agreement exports all print these rows, built from the
report's JSON alone, so every face shows the same cells and the same statistics
(docs/methods.md A3–A6): two coders get the 2×2 table and Cohen's κ; three or more get, per
code, how many units 0, 1, … C coders marked and Fleiss' κ, then the table of pairwise Cohen's κ.
"""

from __future__ import annotations


def fmt(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.1f} %" if percent else f"{value:.3f}"


def agreement_rows(report: dict) -> tuple[list[str], list[list]]:
    """One row per code, then "all codes (pooled)": cells, percent, κ, α and why any is undefined."""
    coders = report["coders"]
    if len(coders) == 2:
        a, b = coders
        cell_headers = ["both", f"only {a}", f"only {b}", "neither"]

        def cells(row: dict) -> list:
            return [row["both"], row["only"][a], row["only"][b], row["neither"]]
        kappa = "kappa"
    else:
        cell_headers = [f"by {k}" for k in range(len(coders) + 1)]

        def cells(row: dict) -> list:
            return list(row["marked_by"])
        kappa = "Fleiss kappa"
    headers = ["code", "units", *cell_headers, "agreement", kappa, "alpha", "note"]
    rows = [[c["code"], c["units"], *cells(c), fmt(c["percent"], True), fmt(c["kappa"]), fmt(c["alpha"]),
             c["undefined"] or ""] for c in report["codes"]]
    overall = report["overall"]
    rows.append(["all codes (pooled)", overall["units"], *cells(overall), fmt(overall["percent"], True),
                 fmt(overall["pooled_kappa"]), fmt(overall["alpha"]), overall["undefined"] or ""])
    return headers, rows


def pair_rows(report: dict) -> tuple[list[str], list[list]]:
    """Per pair of coders, its 2×2 table summed over codes and Cohen's κ of that table."""
    headers = ["coders", "units", "both", "only first", "only second", "neither", "agreement", "Cohen's kappa"]
    rows = []
    for p in report["pairs"]:
        a, b = p["coders"]
        rows.append([f"{a} – {b}", p["units"], p["both"], p["only"][a], p["only"][b], p["neither"],
                     fmt(p["percent"], True), fmt(p["pooled_kappa"])])
    return headers, rows
