"""Queries across the project: kwic, words, cooccur, matrix, autocode (names and JSON shapes: CLI.md)."""

from __future__ import annotations

import sys

from ..model import plural
from ..text.snippet import clock
from .output import _clip, _output_path, emit_json, emit_table, right_align
from .review import segment_rows_json, segments_table

NONE = "—"  # a column of "no value"


def add_query_commands(command) -> None:
    """The query commands, on the parser's `command(name, help, handler, …)`."""
    p = command("kwic", "keyword in context over the whole project (word forms via lemmas, Chinese strings)",
                cmd_kwic)
    p.add_argument("query", metavar="QUERY", help='a word, a "phrase", or alternatives: vård OR omsorg')
    _documents(p)
    p.add_argument("--group", action="append", metavar="G", help="only speech of this group (repeat)")
    p.add_argument("--speaker", action="append", metavar="S", help="only this speaker: label, pseudonym or key")
    p.add_argument("--width", type=int, default=40, metavar="N", help="context cells on each side (default 40)")
    p.add_argument("--lang", action="append", choices=["sv", "zh", "en"], help="only documents in this language")
    p.add_argument("--match", default="auto", choices=["auto", "word", "string"],
                   help="word: any form of a whole word; string: the characters anywhere; "
                        "auto (default): Chinese as strings, other terms as words")
    p.add_argument("--fold", action="store_true", help="Chinese in simplified and traditional alike (OpenCC)")
    _json_out(p)

    p = command("words", "word frequencies of participants' speech (stop words left out), keyness", cmd_words)
    p.add_argument("--by", metavar="document|group|speaker|ATTRIBUTE", help="a column per document, group, …")
    p.add_argument("--lemma", action="store_true", help="count lemmas (läkare for läkarna), not written forms")
    p.add_argument("--top", type=int, metavar="N", help="only the N most frequent (or key) words")
    p.add_argument("--lang", action="append", choices=["sv", "zh", "en"], help="only documents in this language")
    p.add_argument("--keyness", metavar="COLUMN", help="log-likelihood of this column of --by against the rest")
    p.add_argument("--all-words", action="store_true", help="keep stop words")
    _documents(p)
    _json_out(p)

    p = command("cooccur", "code × code co-occurrence, with the Jaccard index", cmd_cooccur)
    p.add_argument("--unit", default="overlap", choices=["overlap", "sentence", "turn", "document"])
    _coders(p)
    _documents(p)
    _json_out(p)

    p = command("matrix", "codes or themes × groups, participants, documents or an attribute, with totals",
                cmd_matrix)
    p.add_argument("--rows", default="codes", choices=["codes", "themes"])
    p.add_argument("--cols", default="group", metavar="group|participant|document|ATTRIBUTE")
    p.add_argument("--cells", default="segments", choices=["segments", "participants", "documents"])
    _coders(p)
    _documents(p)
    _json_out(p)

    p = command("autocode", "code every KWIC hit or every turn of a speaker (one undo step)", cmd_autocode,
                writes=True)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--kwic", metavar="QUERY", help="every hit of this query")
    what.add_argument("--speaker", metavar="S", help="every turn of this speaker")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--as", dest="unit", default="hit", choices=["hit", "sentence", "turn"],
                   help="code the hit itself, its sentence(s) or its turn")
    p.add_argument("--dry-run", action="store_true", help="show what would be coded, write nothing")
    p.add_argument("--match", default="auto", choices=["auto", "word", "string"])
    p.add_argument("--fold", action="store_true")
    p.add_argument("--group", action="append", metavar="G", help="with --kwic: only hits in this group's speech")
    _documents(p)
    p.add_argument("--json", action="store_true")


def _documents(p) -> None:
    p.add_argument("--doc", action="append", metavar="DOC", help="only this document (repeat)")


def _coders(p) -> None:
    p.add_argument("--coders", metavar="A,B", help="whose coding counts (default: the consensus where made, "
                                                 "else everyone's)")


def _json_out(p) -> None:
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", metavar="FILE", help="also write the result as .csv, .xlsx or .docx")


def _write(args, project, result) -> None:
    if args.out:
        path = project.queries.export(result, _output_path(args.out))
        print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)


def _coder_list(value: str | None) -> list[str] | None:
    return None if value is None else [c.strip() for c in value.split(",") if c.strip()]


def _label(value) -> str:
    return NONE if value is None else str(value)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def cmd_kwic(args, project) -> None:
    docs = project.queries.document_ids(args.doc)
    result = project.queries.kwic(args.query, match=args.match, docs=docs, langs=args.lang, groups=args.group,
                                  speakers=args.speaker, width=args.width, fold=args.fold)
    _write(args, project, result)
    if args.json:
        emit_json([hit.as_json() for hit in result])
        return
    rows = []
    for hit in result:
        left, right = " ".join(hit.left.split()), " ".join(hit.right.split())
        line = right_align(left, args.width) + "  " + hit.match + "  " + right
        rows.append([hit.doc, hit.speaker, hit.turn, clock(hit.time), line.rstrip()])
    emit_table(["doc", "speaker", "turn", "time", "context"], rows)
    print(f"{_count(len(result), 'hit')} in {_count(len(result.counts()), 'document')}")


def cmd_words(args, project) -> None:
    table = project.queries.words(by=args.by, lemma=args.lemma, langs=args.lang, top=args.top,
                                  keyness=args.keyness, docs=project.queries.document_ids(args.doc),
                                  stop=not args.all_words)
    _write(args, project, table)
    if args.json:
        emit_json([w.as_json() for w in table.words])
        return
    keyed = args.keyness is not None
    emit_table(["word", "count", "per 10k", *map(_label, table.cols), *(["G²", "p"] if keyed else [])],
               [[w.word, w.count, f"{w.per_10k:.1f}", *(w.by.get(c, 0) for c in table.cols),
                 *([f"{w.keyness:+.2f}", f"{w.p:.3g}"] if keyed else [])] for w in table.words])
    print(f"{table.tokens} words counted (stop words included); per 10k of them")


def cmd_cooccur(args, project) -> None:
    result = project.queries.cooccurrence(args.unit, coders=_coder_list(args.coders),
                                          docs=project.queries.document_ids(args.doc))
    _write(args, project, result)
    labels = project.queries.code_labels()
    if args.json:
        emit_json(result.as_json(labels))
        return
    emit_table(["code a", "code b", "count", "jaccard"],
               [[labels.get(p.a, p.a), labels.get(p.b, p.b), p.count, f"{p.jaccard:.3f}"] for p in result.pairs])
    n = len(result.pairs)
    print(f"counted by {args.unit}: {plural(n, 'pair')} of codes {'occurs' if n == 1 else 'occur'} together")


def cmd_matrix(args, project) -> None:
    matrix = project.queries.matrix(args.rows, args.cols, cells=args.cells, coders=_coder_list(args.coders),
                                    docs=project.queries.document_ids(args.doc))
    _write(args, project, matrix)
    if args.json:
        emit_json(matrix.as_json())
        return
    corner = "theme" if args.rows == "themes" else "code"
    emit_table([corner, *map(_label, matrix.cols), "total"],
               [[_clip(row, 40), *cells, total]
                for row, cells, total in zip(matrix.rows, matrix.cells, matrix.row_totals, strict=True)]
               + [["total", *matrix.col_totals, matrix.total]])
    print(f"cells count distinct {args.cells}; a total counts the distinct {args.cells} of its row or column")


def cmd_autocode(args, project) -> None:
    coder = args.coder or project.default_actor()
    plan = project.queries.plan_autocode(args.code, coder, query=args.kwic, speaker=args.speaker, unit=args.unit,
                                         match=args.match, docs=project.queries.document_ids(args.doc),
                                         fold=args.fold, groups=args.group)
    segments = project.coding.apply_autocode(plan, dry_run=args.dry_run)
    contexts = project.review.contexts((s.doc_id, s.start, s.end) for s in segments)
    if args.json:  # the shape of `segments --json`
        emit_json(segment_rows_json(segments, contexts))
        return
    source = _count(plan.hits, "hit" if args.kwic is not None else "turn")
    unit = _count(plan.units, {"hit": "span", "sentence": "sentence", "turn": "turn"}[args.unit])
    verb = "would add" if args.dry_run else "added"
    print(f"{source} -> {unit}; {plan.already_coded} coded already, {plan.outside} outside any {args.unit}; "
          f"{verb} {_count(len(segments), 'segment')} of {segments[0].code if segments else args.code} for {coder}"
          + ("" if args.dry_run or not segments else " (one undo step)"))
    headers, rows = segments_table(segments, contexts)
    emit_table(headers, [["" if row[0] is None else row[0], *row[1:]] for row in rows])
