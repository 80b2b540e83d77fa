"""Theme summaries as Markdown, CSV (one tidy table) and Excel (a sheet per table)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ..text.width import display_width
from .docx_common import safe
from .memos import MEMO_WORDS, theme_memos_markdown
from .summary import Summary
from .words import method_text, not_counted_text, words

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def column_width(values: Iterable) -> int:
    """An Excel column's width (Excel counts characters): as wide as its widest value (a Chinese
    character takes two) and a little, within 8–50."""
    widest = max((display_width(str(v)) for v in values if v is not None), default=0)
    return min(max(8, widest + 2), 50)


def cell(value):
    """A value safe for a spreadsheet: no control characters, no formulas."""
    if value is None or isinstance(value, (int, float)):
        return value
    text = safe(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def rows(summary: Summary) -> list[dict]:
    """Every table of the summary as tidy rows (a `table` column says which)."""
    out = []
    for t in summary.themes:
        for group, counts in t.per_group.items():
            out.append({"table": "theme_group", "theme": t.name, "group": group, **counts})
        out.append({"table": "theme", "theme": t.name, "definition": t.definition, "segments": t.segments,
                    "participants": t.participants, "documents": t.documents, "not_counted": t.not_counted,
                    "codes": "; ".join(label for label, _, _ in t.codes)})
        for q in t.quotes:
            out.append({"table": "quote", "theme": t.name, "code": q.code, "group": q.group, "quote": q.text,
                        "translation": q.translation, "attribution": q.attribution, "participant": q.participant,
                        "document": q.document, "start": q.start, "end": q.end, "exemplar": int(q.exemplar)})
        for about, author, text in t.memos:
            out.append({"table": "memo", "theme": t.name, "about": about, "author": author, "memo": text})
    for code, groups in summary.frequencies:
        for group, n in groups.items():
            out.append({"table": "frequency", "code": code, "group": group, "segments": n})
    for document, new, cumulative in summary.saturation:
        out.append({"table": "saturation", "document": document, "new_codes": new, "cumulative_codes": cumulative})
    return out


COLUMNS = ["table", "theme", "code", "group", "segments", "participants", "documents", "not_counted", "definition",
           "codes", "quote", "translation", "attribution", "participant", "document", "start", "end", "exemplar",
           "new_codes", "cumulative_codes", "about", "author", "memo"]


def csv_bytes(summary: Summary) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows(summary):
        writer.writerow({k: cell(v) for k, v in row.items()})
    return out.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 CSV correctly only with a BOM


def xlsx_bytes(summary: Summary) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    w = words(summary.lang)
    book = Workbook()
    sheets = [
        (w["themes"], ["theme", "segments", "participants", "documents", "not_counted", "codes", "definition"],
         "theme"),
        (w["by_group"], ["theme", "group", "segments", "participants"], "theme_group"),
        (w["quotes"], ["theme", "code", "quote", "translation", "attribution", "group", "document", "start",
                       "end", "exemplar"], "quote"),
        (w["frequencies"][:31], ["code", "group", "segments"], "frequency"),
        (w["saturation"], ["document", "new_codes", "cumulative_codes"], "saturation"),
    ]
    if any(t.memos for t in summary.themes):
        sheets.append((MEMO_WORDS.get(summary.lang, MEMO_WORDS["en"]), ["theme", "about", "author", "memo"], "memo"))
    all_rows = rows(summary)
    book.remove(book.active)
    for title, columns, table in sheets:
        sheet = book.create_sheet(safe(title)[:31])
        sheet.append(columns)
        for c in sheet[1]:
            c.font = Font(name="Calibri", bold=True)  # a font named, or LibreOffice sets it in a serif
        for row in all_rows:
            if row["table"] == table:
                sheet.append([cell(row.get(c)) for c in columns])
        for i, column in enumerate(columns, start=1):
            wide = column in ("quote", "translation", "definition", "codes", "memo")
            letter = sheet.cell(1, i).column_letter
            sheet.column_dimensions[letter].width = 60 if wide else column_width(c.value for c in sheet[letter])
            if wide:
                for c in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    c[0].alignment = Alignment(wrap_text=True, vertical="top")
    _saturation_chart(book[safe(w["saturation"])[:31]], w, len(summary.saturation))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _saturation_chart(sheet, w: dict, n: int) -> None:
    """The saturation curve as a native Excel chart: codes so far, and new codes, per transcript."""
    if not n:
        return
    from openpyxl.chart import BarChart, LineChart, Reference

    bars = BarChart()
    bars.title = w["saturation"]
    bars.y_axis.title = w["codes"]
    bars.add_data(Reference(sheet, min_col=2, min_row=1, max_row=n + 1), titles_from_data=True)
    line = LineChart()
    line.add_data(Reference(sheet, min_col=3, min_row=1, max_row=n + 1), titles_from_data=True)
    bars.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=n + 1))
    bars += line
    bars.width, bars.height = 18, 9
    sheet.add_chart(bars, "E2")


def markdown(summary: Summary) -> bytes:
    w = words(summary.lang)
    esc = lambda s: safe(str(s)).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = [f"# {esc(summary.title or w['title'])}", "", f"## {w['method']}", "", esc(method_text(summary)), "",
             f"## {w['themes']}", "",
             f"| {w['theme']} | {w['segments']} | {w['participants']} | {w['documents']} | {w['groups']} |",
             "|---|---:|---:|---:|---|"]
    for t in summary.themes:
        lines.append(f"| {esc(t.name)} | {t.segments} | {t.participants} | {t.documents} "
                     f"| {esc(', '.join(t.groups))} |")
    if note := not_counted_text(summary):
        lines += ["", f"*{esc(note)}*"]
    for t in summary.themes:
        lines += ["", f"## {esc(t.name)}", ""]
        if t.definition:
            lines += [esc(t.definition), ""]
        lines += [f"**{w['codes']}:** " + "; ".join(f"{esc(label)}" + (f" – {esc(brief)}" if brief else "")
                                                    for label, brief, _ in t.codes), ""]
        lines += [f"**{w['by_group']}:** " + ", ".join(
            f"{esc(g)} {c['segments']} ({c['participants']} {w['participants'].lower()})"
            for g, c in t.per_group.items()), ""]
        for q in t.quotes:
            lines.append(f"> {esc(q.text)} {esc(q.attribution)}" + (f" *{w['exemplar']}*" if q.exemplar else ""))
            if q.translation:
                lines.append(f">  \n> *{esc(q.translation)}*")
            lines.append("")
        lines += theme_memos_markdown(t.memos, summary.lang)
    groups = summary.groups
    lines += ["", f"## {w['frequencies']}", "", f"| {w['code']} | " + " | ".join(map(esc, groups)) + " |",
              "|---|" + "---:|" * len(groups)]
    for code, counts in summary.frequencies:
        lines.append(f"| {esc(code)} | " + " | ".join(str(counts.get(g, 0)) for g in groups) + " |")
    lines += ["", f"## {w['saturation']}", "", w["saturation_text"], "",
              f"| {w['document']} | {w['new']} | {w['cumulative']} |", "|---|---:|---:|"]
    lines += [f"| {esc(d)} | {n} | {c} |" for d, n, c in summary.saturation]
    return ("\n".join(lines) + "\n").encode("utf-8")
