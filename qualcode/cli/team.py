"""Commands for co-authors: agreement, disagreements, reconciliation."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import QualcodeError
from ..reports.agreement_table import agreement_rows, fmt, pair_rows
from .output import _clip, _output_path, emit_json, emit_table


def _coders(value: str) -> list[str]:
    return [c.strip() for c in (value or "").split(",") if c.strip()]


def cmd_agreement(args, project) -> None:
    report = project.agreement(_coders(args.coders), unit=args.unit, docs=args.doc, codes=args.code,
                               overlap=args.overlap)
    if args.out:
        path = _output_path(args.out)
        _export_agreement(report, path)
        print(f"wrote {path}")
    if args.json:
        emit_json(report)
        return
    print(f"Agreement of {', '.join(report['coders'])} by {report['unit']} over "
          f"{len(report['documents'])} documents ({', '.join(report['documents'])})")
    headers, rows = agreement_rows(report)
    emit_table(headers, rows)
    if len(report["coders"]) > 2:
        print("\nPairs of coders (summed over codes):")
        emit_table(*pair_rows(report))
    overall = report["overall"]
    overlap = report["overlap"]
    print(f"\nCode presence per document: {fmt(overall.get('presence_percent'), True)} agree; "
          f"segment overlap (Jaccard >= {overlap['threshold']}): {fmt(overlap.get('percent'), True)} matched")


def _export_agreement(report: dict, path: Path) -> None:
    from ..files import write_atomically

    headers, rows = agreement_rows(report)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from ..reports.themes_tables import cell

        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows([[cell(v) for v in row] for row in rows])
        write_atomically(path, out.getvalue().encode("utf-8-sig"))
    elif suffix == ".docx":
        from ..reports.docx_common import add_heading, add_paragraph, add_run, new_document, to_bytes

        document = new_document("Intercoder agreement")
        add_heading(document, "Intercoder agreement", 1)
        add_paragraph(document, f"Coders {', '.join(report['coders'])}; unit: {report['unit']}; "
                                f"documents: {', '.join(report['documents'])}.")
        table = document.add_table(rows=1, cols=len(headers) - 1)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers[:-1]):
            add_run(cell.paragraphs[0], text, bold=True)
        for row in rows:
            for cell, value in zip(table.add_row().cells, row[:-1]):
                add_run(cell.paragraphs[0], "" if value is None else str(value))
        notes = [f"{row[0]}: {row[-1]}" for row in rows[:-1] if row[-1]]
        if notes:
            add_paragraph(document, "Undefined statistics: " + "; ".join(notes), italic=True)
        write_atomically(path, to_bytes(document))
    else:
        raise QualcodeError(f"unsupported agreement export '{suffix}' (use .docx or .csv)", path)


def cmd_disagreements(args, project) -> None:
    found = project.disagreement_list(_coders(args.coders), unit=args.unit, docs=args.doc, codes=args.code)
    if args.json:
        emit_json([{"document": d.document, "unit": d.unit_index, "start": d.start, "end": d.end, "code": d.code,
                    "coders": d.coders, "text": d.text} for d in found])
        return
    emit_table(["document", "unit", "start", "end", "code", *_coders(args.coders), "text"],
               [[d.document, d.unit_index, d.start, d.end, d.code,
                 *["yes" if d.coders.get(c) else "–" for c in _coders(args.coders)], _clip(d.text, 40)]
                for d in found])


def cmd_reconcile(args, project) -> None:
    coders = _coders(args.coders)
    if len(coders) != 2:
        raise QualcodeError("reconcile two coders: --coders A,B", args.coders)
    a, b = coders
    if args.agreed:
        added = project.reconcile_agreed(a, b, args.unit, args.doc, consensus=args.consensus, actor=args.coder)
        print(f"{added} agreed codings written to '{args.consensus}'")
    if args.decide:
        key, choice = args.decide
        span = None
        if args.span:
            start, _, end = args.span.partition(":")
            if not (start.isdigit() and end.isdigit()):
                raise QualcodeError("--span takes S:E", args.span)
            span = (int(start), int(end))
        item = project.decide(a, b, key, choice, note=args.note, unit=args.unit, span=span, codes=args.code,
                              consensus=args.consensus, actor=args.coder)
        print(f"{item.key}: {choice} → {', '.join(item.decision['codes']) or 'no code'}")
    queue = project.reconcile_queue(a, b, args.unit, args.doc, consensus=args.consensus)
    if args.json:
        emit_json([{"id": i.key, "position": i.position, "document": i.document, "unit": i.unit_index,
                    "start": i.start, "end": i.end, "text": i.text, a: i.codes_a, b: i.codes_b,
                    "disputed": i.disputed, "decision": i.decision and {
                        k: i.decision[k] for k in ("choice", "codes", "note", "decided_by", "decided_at")}}
                   for i in queue])
        return
    done = sum(1 for i in queue if i.decision)
    print(f"{done} / {len(queue)} resolved")
    if not args.decide:
        emit_table(["id", "document", "unit", a, b, "decision", "text"],
                   [[i.key, i.document, i.unit_index, ", ".join(i.codes_a) or "–", ", ".join(i.codes_b) or "–",
                     i.decision["choice"] if i.decision else "", _clip(i.text, 40)] for i in queue])
