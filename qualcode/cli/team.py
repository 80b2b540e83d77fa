"""Commands for co-authors: agreement, disagreements, reconciliation."""

from __future__ import annotations

from ..errors import QualcodeError
from ..model import plural
from .output import _clip, _output_path, emit_json, emit_table


def _coders(value: str) -> list[str]:
    return [c.strip() for c in (value or "").split(",") if c.strip()]


def cmd_agreement(args, project) -> None:
    report = project.team.agreement(_coders(args.coders), unit=args.unit, docs=args.doc, codes=args.code,
                                    overlap=args.overlap)
    if args.out:
        path = project.reports.export_agreement(report, _output_path(args.out))
        print(f"wrote {path}")
    if args.json:
        emit_json(report)
        return
    tables = project.reports.agreement_tables(report)
    print(tables.title)
    emit_table(tables.headers, tables.rows)
    if tables.pair_rows:
        print("\nPairs (pooled over codes):")
        emit_table(tables.pair_headers, tables.pair_rows)
    print(f"\n{tables.footer}")


def cmd_disagreements(args, project) -> None:
    found = project.team.disagreements(_coders(args.coders), unit=args.unit, docs=args.doc, codes=args.code)
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
    if args.consensus:
        project.settings.set_consensus_coder(args.consensus, actor=args.coder)
    if args.agreed:
        added = project.team.reconcile_agreed(a, b, args.unit, args.doc, actor=args.coder)
        print(f"{plural(added, 'agreed coding')} written to '{project.settings.consensus_coder}'")
    if args.decide:
        key, choice = args.decide
        span = None
        if args.span:
            start, _, end = args.span.partition(":")
            if not (start.isdigit() and end.isdigit()):
                raise QualcodeError("--span takes S:E", args.span)
            span = (int(start), int(end))
        item = project.team.decide(a, b, key, choice, note=args.note, unit=args.unit, span=span, codes=args.code,
                                   actor=args.coder)
        print(f"{item.key}: {choice} → {', '.join(item.decision['codes']) or 'no code'}")
    queue = project.team.reconcile_queue(a, b, args.unit, args.doc)
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
