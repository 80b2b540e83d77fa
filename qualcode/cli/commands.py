"""Commands on documents, participants, segments, exports and merging."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import QualcodeError
from ..model import plural
from .output import _clip, _output_path, _pair, _progress_bar, document_json, emit_json, emit_table, segment_json


def cmd_init(args, project_path: Path) -> None:
    from ..project import Project

    path = Path(args.path) if args.path else project_path
    if path.exists():
        raise QualcodeError("a file exists already at this path", path)
    Project(path, create=True).close()
    print(f"created {path}")


REFI_QDA_SUFFIXES = (".qdpx", ".zip")  # MAXQDA's may be a .zip


def start_analysis(args) -> None:
    """Before the project opens: a large import starts loading spaCy in its analysis server now
    (about 1.5 s, on the other core, while the project opens and the files are read)."""
    from ..text.parallel import start_server

    if not any(Path(f).suffix.lower() in REFI_QDA_SUFFIXES for f in args.files):
        start_server(args.files, args.jobs)


def cmd_import(args, project) -> None:
    files = [Path(f) for f in args.files]  # files or folders (the project walks folders)
    qdpx = [f for f in files if f.suffix.lower() in REFI_QDA_SUFFIXES]
    if qdpx:
        if len(files) > 1:
            raise QualcodeError("import a REFI-QDA project on its own", qdpx[0])
        report = project.exchange.import_qdpx(qdpx[0], actor=args.coder)
        if args.json:  # as for transcripts: the documents that came in (the report goes to stderr)
            added = set(report.documents_added)
            emit_json([document_json(d) for d in project.documents.list() if d.name in added])
            print("\n".join(report.lines()), file=sys.stderr)
        else:
            print("\n".join(report.lines()))
        return
    one_file = len(files) == 1 and not files[0].is_dir()
    with _progress_bar(None, "importing", quiet=args.json or one_file) as update:
        # as typed: a trailing slash says a folder was meant (a missing one is named as a folder)
        report = project.documents.import_files(args.files, lang=args.lang, group=args.group, speakers=args.speakers,
                                                actor=args.coder, progress=update, jobs=args.jobs)
    for name, reason in report.skipped:
        print(f"qualcode: skipped {name}: {reason}", file=sys.stderr)
    if args.json:
        emit_json([document_json(d) for d in report.imported])
    else:
        for d in report.imported:
            print(f"imported {d.name}: {d.lang}, {plural(d.chars, 'character')}, {plural(d.turns, 'turn')}, "
                  f"{plural(d.sentences, 'sentence')}, {plural(len(d.speakers), 'speaker')}"
                  + (f" (encoding {d.encoding})" if d.encoding else ""))


def cmd_docs(args, project) -> None:
    docs = project.documents.list()
    if args.json:
        emit_json([document_json(d) for d in docs])
        return
    emit_table(["id", "name", "lang", "group", "chars", "turns", "sentences", "speakers", "segments"],
               [[d.id, d.name, d.lang, d.group, d.chars, d.turns, d.sentences, len(d.speakers), d.coded]
                for d in docs])


def cmd_text(args, project) -> None:
    sys.stdout.write(project.documents.text(args.doc, args.start, args.end))
    sys.stdout.flush()


def cmd_units(args, project) -> None:
    units = project.documents.units(args.doc, args.unit)
    if args.json:
        emit_json([{"index": u.index, "start": u.start, "end": u.end, "speaker": u.speaker}
                   for u in units])
        return
    text = project.documents.get(args.doc).text
    emit_table(["index", "start", "end", "speaker", "text"],
               [[u.index, u.start, u.end, u.speaker, _clip(text[u.start:u.end])] for u in units])


def cmd_code(args, project) -> None:
    if (args.span is None) == (args.unit is None):
        raise QualcodeError("give exactly one of --span S:E or --unit sentence:K|turn:K", args.doc)
    if args.span is not None:
        start, end = _pair(args.span, "--span", int)
    else:
        kind, index = _pair(args.unit, "--unit", str)
        if not index.lstrip("-").isdigit():
            raise QualcodeError("--unit takes sentence:K or turn:K", args.unit)
        unit = project.documents.unit(args.doc, kind, int(index))
        start, end = unit.start, unit.end
    segment = project.coding.add_segment(args.doc, args.code, start, end, coder=args.coder, memo=args.memo)
    if args.json:
        emit_json(segment_json(segment))
    else:
        print(f"segment {segment.id}: {segment.doc} {segment.start}:{segment.end} "
              f"[{segment.code}] by {segment.coder}")


def cmd_uncode(args, project) -> None:
    if not str(args.segment).isdigit():
        raise QualcodeError("a segment id is a number", args.segment)
    segment = project.coding.remove_segment(int(args.segment), actor=args.coder)
    print(f"removed segment {segment.id} [{segment.code}] from {segment.doc}")


def cmd_segments(args, project) -> None:
    from .review import segment_rows_json, segments_table

    segments = project.coding.segments(doc=args.doc, code=args.code, coder=args.coder_filter)
    contexts = project.review.contexts((s.doc_id, s.start, s.end) for s in segments)
    if args.json:
        emit_json(segment_rows_json(segments, contexts))
        return
    emit_table(*segments_table(segments, contexts))


SETTINGS = ("display_language", "consensus_coder", "blind")


def cmd_settings(args, project) -> None:
    settings = project.settings
    if args.value:
        {"display_language": settings.set_display_language,
         "consensus_coder": settings.set_consensus_coder,
         "blind": settings.set_blind_coding}[args.key](args.value)
    values = {key: getattr(settings, key) for key in SETTINGS if key != "blind"}
    values["blind"] = "on" if settings.blind_coding else "off"
    if args.key:
        print(values[args.key] or "")
    else:
        for key, value in values.items():
            print(f"{key} = {value or ''}")


def cmd_export(args, project) -> None:
    if args.what == "themes":
        path = _output_path(args.out)
        with _progress_bar(None, f"writing {path.name}", counted=False):
            project.reports.export_themes(path, lang=args.lang, quotes=args.quotes, themes=args.theme or None,
                                          groups=args.group or None, translation=not args.no_translation,
                                          coders=args.coders.split(",") if args.coders else None, memos=args.memos)
        print(f"wrote {path}")
    elif args.what == "qdpx":
        path = _output_path(args.out)
        with _progress_bar(None, f"writing {path.name}", counted=False):
            report = project.exchange.export_qdpx(path, nvivo=args.nvivo, redact=args.redact, lang=args.lang)
        for line in report.lines():
            print(line)
        if args.validate:
            print(project.exchange.validate(path))
        if not args.redact:
            print("qualcode: note: the .qdpx carries every transcript in full, unredacted "
                  "(--redact leaves out redacted names)", file=sys.stderr)
    else:
        raise QualcodeError("export what? (themes or qdpx)", args.what)


def cmd_redact(args, project) -> None:
    names = project.reports.add_redaction(args.name, actor=args.coder) if args.name else project.reports.redactions()
    if args.json:
        emit_json(names)
    else:
        for name in names:
            print(name)


def cmd_participants(args, project) -> None:
    if args.action == "check":  # every problem on stdout, one a line (exit 2 when there is any)
        if not args.file:
            raise QualcodeError("participants check needs a CSV file", "participants check")
        problems = project.participants.check_csv(Path(args.file))
        print("\n".join(problems) if problems else f"{args.file}: no problems")
        if problems:
            raise QualcodeError(f"{len(problems)} problem{'s' * (len(problems) > 1)} in the participants CSV",
                                args.file)
        return
    if args.action == "load":
        if not args.file:
            raise QualcodeError("participants load needs a CSV file", "participants load")
        participants = project.participants.load_csv(Path(args.file), actor=args.coder)
        if not args.json:
            print(plural(len(participants), "participant"))
    participants = project.participants.list()
    if args.json:
        emit_json([{"id": p.id, "uid": p.uid, "key": p.key, "pseudonym": p.pseudonym,
                    "attributes": p.attributes,
                    "speakers": [{"document": d, "speaker": s} for d, s in p.speakers]}
                   for p in participants])
    elif args.action != "load":
        keys = sorted({k for p in participants for k in p.attributes})
        emit_table(["key", "pseudonym", "speakers"] + keys,
                   [[p.key, p.pseudonym, "; ".join(f"{d}/{s}" for d, s in p.speakers)]
                    + [p.attributes.get(k, "") for k in keys] for p in participants])


def cmd_tui(args, project_path: Path) -> None:
    from ..project import Project
    from ..tui.app import run

    with Project(project_path) as project:
        doc = project.documents.get(args.doc).id if args.doc else None
    run(project_path, coder=args.coder, doc=doc, keys=args.keys, unblind=args.unblind)


def cmd_demo(args, project_path: Path) -> None:
    from ..demo import build_demo

    path = Path(args.path) if args.path else Path("demo.qualcode")
    summary = build_demo(path, progress=None)
    print(summary, file=sys.stderr)
    if not args.no_tui:
        from ..tui.app import run

        # the demo is for looking around: everyone's coding is shown, blind coding lifted
        run(path, coder=args.coder, layer="all", unblind=True)
