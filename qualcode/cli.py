"""The command line: thin commands over `Project`. The contract is ../shared/CLI.md.

Errors are one line on stderr, `qualcode: error: <what> (<file or item>)`, exit code 2 for
user errors and 1 for internal faults; a failed command leaves the project unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .errors import QualcodeError

DEFAULT_PROJECT = "project.qualcode"


# --- output helpers ----------------------------------------------------------------------------

def emit_json(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def emit_table(headers: list[str], rows: list[list], out=None) -> None:
    """A plain aligned table (CJK characters count as two columns)."""
    from .text.normalize import display_width

    out = out or sys.stdout
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        line = "  ".join(v + " " * (w - display_width(v)) for v, w in zip(row, widths))
        out.write(line.rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def segment_json(s) -> dict:
    return {"id": s.id, "uid": s.uid, "doc": s.doc, "start": s.start, "end": s.end, "code": s.code,
            "coder": s.coder, "text": s.text, "memo": s.memo, "exemplar": s.exemplar,
            "translation": s.translation}


def document_json(d) -> dict:
    return {"id": d.id, "uid": d.uid, "name": d.name, "lang": d.lang, "chars": d.chars,
            "sentences": d.sentences, "turns": d.turns, "speakers": d.speakers, "group": d.group,
            "format": d.format, "encoding": d.encoding}


def code_json(c, codes_by_id: dict) -> dict:
    parent = codes_by_id.get(c.parent_id)
    return {"id": c.id, "uid": c.uid, "name": c.name, "parent": parent.name if parent else None,
            "labels": c.labels, "color": c.color, "codable": c.codable, "retired": c.retired,
            "brief": c.brief, "definition": c.definition, "when_to_use": c.when_to_use,
            "when_not_to_use": c.when_not_to_use, "example": c.example}


def _progress_bar(total: int):
    """A rich progress bar on stderr for long imports; None when not worth showing."""
    if total < 2 or not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(stderr=True), transient=True)
    task = progress.add_task("importing", total=total)

    def update(what: str, done: int, of: int) -> None:
        progress.update(task, description=what, completed=done, total=of)

    return progress, update


# --- commands ---------------------------------------------------------------------------------

def cmd_init(args, project_path: Path) -> None:
    from .project import Project

    path = Path(args.path)
    if path.exists():
        raise QualcodeError("a file exists already at this path", path)
    Project(path, create=True).close()
    print(f"created {path}")


def cmd_import(args, project) -> None:
    files = [Path(f) for f in args.files]
    qdpx = [f for f in files if f.suffix.lower() == ".qdpx"]
    if qdpx:
        raise QualcodeError("REFI-QDA project import is not available yet", qdpx[0])
    bar, update = _progress_bar(len(files))
    if bar:
        bar.start()
    try:
        report = project.import_files(files, lang=args.lang, group=args.group,
                                      speakers=args.speakers, actor=args.coder, progress=update)
    finally:
        if bar:
            bar.stop()
    for name, reason in report.skipped:
        print(f"qualcode: skipped {name}: {reason}", file=sys.stderr)
    if args.json:
        emit_json([document_json(d) for d in report.imported])
    else:
        for d in report.imported:
            print(f"imported {d.name}: {d.lang}, {d.chars} characters, {d.turns} turns, "
                  f"{d.sentences} sentences, {len(d.speakers)} speakers"
                  + (f" (encoding {d.encoding})" if d.encoding else ""))


def cmd_docs(args, project) -> None:
    docs = project.documents()
    if args.json:
        emit_json([document_json(d) for d in docs])
        return
    emit_table(["id", "name", "lang", "group", "chars", "turns", "sentences", "speakers", "segments"],
               [[d.id, d.name, d.lang, d.group, d.chars, d.turns, d.sentences, len(d.speakers), d.coded]
                for d in docs])


def cmd_text(args, project) -> None:
    sys.stdout.write(project.text(args.doc, args.start, args.end))
    sys.stdout.flush()


def cmd_units(args, project) -> None:
    units = project.units(args.doc, args.unit)
    if args.json:
        emit_json([{"index": u.index, "start": u.start, "end": u.end, "speaker": u.speaker}
                   for u in units])
        return
    text = project.document(args.doc).text
    emit_table(["index", "start", "end", "speaker", "text"],
               [[u.index, u.start, u.end, u.speaker, _clip(text[u.start:u.end])] for u in units])


def _clip(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_code(args, project) -> None:
    if (args.span is None) == (args.unit is None):
        raise QualcodeError("give exactly one of --span S:E or --unit sentence:K|turn:K", args.doc)
    if args.span is not None:
        start, end = _pair(args.span, "--span", int)
    else:
        kind, index = _pair(args.unit, "--unit", str)
        if not index.lstrip("-").isdigit():
            raise QualcodeError("--unit takes sentence:K or turn:K", args.unit)
        unit = project.unit(args.doc, kind, int(index))
        start, end = unit.start, unit.end
    segment = project.add_segment(args.doc, args.code, start, end, coder=args.coder, memo=args.memo)
    if args.json:
        emit_json(segment_json(segment))
    else:
        print(f"segment {segment.id}: {segment.doc} {segment.start}:{segment.end} "
              f"[{segment.code}] by {segment.coder}")


def _pair(value: str, option: str, kind: Callable):
    parts = value.split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        return kind(parts[0]), kind(parts[1])
    except ValueError:
        raise QualcodeError(f"{option} takes two values separated by ':'", value) from None


def cmd_uncode(args, project) -> None:
    if not str(args.segment).isdigit():
        raise QualcodeError("a segment id is a number", args.segment)
    segment = project.remove_segment(int(args.segment), actor=args.coder)
    print(f"removed segment {segment.id} [{segment.code}] from {segment.doc}")


def cmd_segments(args, project) -> None:
    segments = project.segments(doc=args.doc, code=args.code, coder=args.coder_filter)
    if args.json:
        emit_json([segment_json(s) for s in segments])
        return
    emit_table(["id", "doc", "start", "end", "code", "coder", "text"],
               [[s.id, s.doc, s.start, s.end, s.code, s.coder, _clip(s.text, 50)] for s in segments])


def cmd_codebook_add(args, project) -> None:
    code = project.add_code(args.name, args.parent, actor=args.coder,
                            codable=not args.category, color=args.color)
    if args.json:
        emit_json(code_json(code, {c.id: c for c in project.codes()}))
    else:
        print(f"added code {code.id}: {code.name}")


def cmd_codebook_show(args, project) -> None:
    codes = project.codes()
    by_id = {c.id: c for c in codes}
    if args.json:
        emit_json([code_json(c, by_id) for c in codes])
        return
    lang = args.lang or project.display_language
    depth = {}
    rows = []
    for c in codes:
        depth[c.id] = depth.get(c.parent_id, -1) + 1
        rows.append([c.id, "  " * depth[c.id] + c.label(lang), c.color or "",
                     "" if c.codable else "category", "retired" if c.retired else ""])
    emit_table(["id", "code", "colour", "kind", "status"], rows)


def cmd_codebook_load(args, project) -> None:
    changes = project.load_codebook(Path(args.file), retire=args.retire, actor=args.coder)
    if args.json:
        emit_json(changes)
        return
    for change in changes:
        print(change)
    print(f"{len(changes)} change(s); {sum(1 for c in project.codes() if not c.retired)} codes, "
          f"{len(project.themes())} themes")


def cmd_codebook_export(args, project) -> None:
    path = project.export_codebook(Path(args.file), lang=args.lang)
    print(f"wrote {path}")


def cmd_codebook_edit(args, project) -> None:
    texts: dict[str, dict[str, str]] = {}
    for option in ("label", "brief", "definition", "when_to_use", "when_not_to_use", "example"):
        for value in getattr(args, option) or []:
            lang, sep, text = value.partition("=")
            if not sep or not lang:
                raise QualcodeError(f"--{option.replace('_', '-')} takes LANG=TEXT", value)
            texts.setdefault(option, {})[lang] = text
    if args.name is None and args.parent is None and args.color is None and not texts:
        raise QualcodeError("nothing to change (give --name, --parent, --color or a field)", args.code)
    code = project.edit_code(args.code, actor=args.coder, name=args.name, parent=args.parent,
                             color=args.color, texts=texts)
    if args.json:
        emit_json(code_json(code, {c.id: c for c in project.codes()}))
    else:
        print(f"code {code.id}: {code.name}")


def cmd_codebook_retire(args, project) -> None:
    code = project.retire_code(args.code, actor=args.coder)
    print(f"code {code.id} '{code.name}' retired; its codings are kept")


def cmd_codebook_pin(args, project) -> None:
    project.pin_quick_code(args.key, args.code)
    for n, code in enumerate(project.quick_codes(), start=1):
        print(f"{n}  {code.label(project.display_language) if code else '-'}")


def cmd_codebook_history(args, project) -> None:
    rows = project.codebook_history()
    if args.json:
        emit_json([{"at": at, "by": who, "change": what} for at, who, what in rows])
        return
    for at, who, what in rows:
        print(f"{at[:16].replace('T', ' ')}  {who}: {what}")


def cmd_theme_add(args, project) -> None:
    definition = {}
    if args.definition:
        lang = args.lang or project.display_language or "en"
        definition[lang] = args.definition
    theme = project.add_theme(args.name, args.code or [], definition=definition, actor=args.coder)
    print(f"theme {theme.id}: {theme.name} ({len(theme.code_ids)} codes)")


def cmd_theme_show(args, project) -> None:
    codes = {c.id: c for c in project.codes()}
    lang = args.lang or project.display_language
    themes = project.themes()
    if args.json:
        emit_json([{"id": t.id, "uid": t.uid, "name": t.name, "labels": t.labels, "definition": t.definition,
                    "codes": [codes[i].name for i in t.code_ids]} for t in themes])
        return
    for t in themes:
        print(f"{t.id}. {t.label(lang)}")
        definition = t.definition.get(lang or "") or next(iter(t.definition.values()), "")
        if definition:
            print(f"   {definition}")
        for i in t.code_ids:
            print(f"   - {codes[i].label(lang)}")


def cmd_settings(args, project) -> None:
    if args.key == "display_language" and args.value:
        project.set_display_language(args.value)
    value = project.store.setting(args.key) if args.key else None
    if args.key:
        print(value if value is not None else "")
    else:
        print(f"display_language = {project.display_language or ''}")


def cmd_export(args, project) -> None:
    if args.what == "themes":
        path = _output_path(args.out)
        project.export_themes(path, lang=args.lang, quotes=args.quotes, themes=args.theme or None,
                              groups=args.group or None, translation=not args.no_translation,
                              coders=args.coders.split(",") if args.coders else None)
        print(f"wrote {path}")
    elif args.what == "qdpx":
        from .exchange.qdpx import export_qdpx

        path = _output_path(args.out)
        report = export_qdpx(project, path, nvivo=args.nvivo)
        for line in report.lines():
            print(line)
    else:
        raise QualcodeError("export what? (themes or qdpx)", args.what)


def _output_path(out: str) -> Path:
    """A bare file name goes to exports/, the default output folder."""
    path = Path(out)
    if path.parent == Path(".") and not out.startswith("./"):
        Path("exports").mkdir(exist_ok=True)
        path = Path("exports") / path
    return path


def cmd_redact(args, project) -> None:
    names = project.add_redaction(args.name, actor=args.coder) if args.name else project.redactions()
    if args.json:
        emit_json(names)
    else:
        for name in names:
            print(name)


def cmd_merge(args, project) -> None:
    from .exchange.merge import merge_project

    report = merge_project(project.store, Path(args.other), actor=args.coder or project.default_actor())
    if args.json:
        emit_json(report.to_json())
    else:
        print("\n".join(report.lines()))


def cmd_participants(args, project) -> None:
    if args.action == "load":
        if not args.file:
            raise QualcodeError("participants load needs a CSV file", "participants load")
        participants = project.load_participants(Path(args.file), actor=args.coder)
        if not args.json:
            print(f"{len(participants)} participants")
    participants = project.participants()
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
    from .project import Project
    from .tui.app import run

    with Project(project_path) as project:
        doc = project.document(args.doc).id if args.doc else None
    run(project_path, coder=args.coder, doc=doc)


def cmd_demo(args, project_path: Path) -> None:
    from .demo import build_demo

    path = Path(args.path) if args.path else Path("demo.qualcode")
    summary = build_demo(path, progress=None)
    print(summary, file=sys.stderr)
    if not args.no_tui:
        from .tui.app import run

        run(path, coder=args.coder)


# --- parser -------------------------------------------------------------------------------------

class Parser(argparse.ArgumentParser):
    """Usage errors as one line, like every other error (`--help` shows the usage)."""

    def error(self, message: str):
        self.exit(2, f"qualcode: error: {message} ({self.prog})\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="qualcode",
        description="Code Swedish and Chinese focus-group transcripts (TUI when run without a command).",
    )
    parser.add_argument("--version", action="version", version=f"qualcode {__version__}")
    parser.add_argument("-p", "--project", help="project file (default: $QUALCODE_PROJECT or ./project.qualcode)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def command(name: str, help: str, handler, *, writes: bool = False, project: bool = True,
                coder: bool = True):
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler, writes=writes, needs_project=project, coder=None)
        if coder:
            p.add_argument("--coder", help="who is working (default: $QUALCODE_CODER or login name)")
        return p

    p = command("tui", "open the coding workbench", cmd_tui, project=False)
    p.add_argument("--doc", help="document to open")

    p = command("demo", "build the demo project from corpora/ and codebooks/, then open it", cmd_demo,
                project=False)
    p.add_argument("path", nargs="?", help="where to build it (default: ./demo.qualcode)")
    p.add_argument("--no-tui", action="store_true", help="only build the project")

    p = command("init", "create an empty project", cmd_init, project=False)
    p.add_argument("path")

    p = command("import", "import transcripts (txt, md, docx, vtt, srt)", cmd_import, writes=True)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--lang", default="auto", choices=["auto", "sv", "zh", "en"])
    p.add_argument("--group", help="the focus group these files belong to")
    p.add_argument("--speakers", default="auto", metavar="auto|none|REGEX",
                   help="how to find speaker labels: auto, none, or a regex matched at line starts "
                        "(group 'speaker' or 1 names the speaker)")
    p.add_argument("--json", action="store_true")

    p = command("docs", "list documents", cmd_docs)
    p.add_argument("--json", action="store_true")

    p = command("text", "print a document's stored text, or a slice of it", cmd_text)
    p.add_argument("doc", metavar="DOC")
    p.add_argument("--start", type=int)
    p.add_argument("--end", type=int)

    p = command("units", "list a document's coding units", cmd_units)
    p.add_argument("doc", metavar="DOC")
    p.add_argument("--unit", default="sentence", choices=["sentence", "turn"])
    p.add_argument("--json", action="store_true")

    p = command("code", "code a span of a document", cmd_code, writes=True)
    p.add_argument("doc", metavar="DOC")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--span", metavar="S:E")
    p.add_argument("--unit", metavar="sentence:K|turn:K")
    p.add_argument("--memo")
    p.add_argument("--json", action="store_true")

    p = command("uncode", "remove a coded segment", cmd_uncode, writes=True)
    p.add_argument("segment", metavar="SEGMENT_ID")

    p = command("segments", "list coded segments", cmd_segments, coder=False)
    p.add_argument("--doc")
    p.add_argument("--code")
    p.add_argument("--coder", dest="coder_filter", help="only this coder's segments")
    p.add_argument("--json", action="store_true")

    p = command("export", "export for manuscripts (themes: .docx .md .csv .xlsx) or other tools (qdpx)",
                cmd_export)
    p.add_argument("what", choices=["themes", "qdpx"])
    p.add_argument("out", metavar="OUT", help="output file (a bare name goes to exports/)")
    p.add_argument("--lang", help="language of labels: sv, zh or en (default: the project's)")
    p.add_argument("--quotes", type=int, default=3, help="quotes per theme (default 3)")
    p.add_argument("--theme", action="append", metavar="NAME", help="only this theme (repeat)")
    p.add_argument("--group", action="append", metavar="NAME", help="only this group (repeat)")
    p.add_argument("--no-translation", action="store_true", help="leave translations out")
    p.add_argument("--coders", help="whose coding counts (default: consensus if any, else all)")
    p.add_argument("--nvivo", action="store_true", help="qdpx: positions in UTF-16 units as NVivo counts")

    p = command("redact", "names never to appear in exports (they become [name]); without NAME, list them",
                cmd_redact, writes=True)
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--json", action="store_true")

    p = command("merge", "merge a co-author's project into this one (documents by text, codes by UUID)",
                cmd_merge, writes=True)
    p.add_argument("other", metavar="OTHER_PROJECT")
    p.add_argument("--json", action="store_true")

    p = command("participants", "list participants, or load their attributes from a CSV",
                cmd_participants, writes=True)
    p.add_argument("action", nargs="?", choices=["list", "load"], default="list")
    p.add_argument("file", nargs="?", metavar="FILE.csv")
    p.add_argument("--json", action="store_true")

    codebook = sub.add_parser("codebook", help="the codebook: codes and themes",
                              description="the codebook: codes and themes")
    cb = codebook.add_subparsers(dest="codebook_command", metavar="ACTION", required=True,
                                 parser_class=Parser)

    def cb_command(name: str, help: str, handler, *, writes: bool = False):
        p = cb.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler, writes=writes, needs_project=True)
        p.add_argument("--coder", default=None, help="who is working")
        return p

    p = cb_command("add", "add one code", cmd_codebook_add, writes=True)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--parent", metavar="NAME")
    p.add_argument("--color", help="#RRGGBB")
    p.add_argument("--category", action="store_true", help="a category that groups codes, not codable")
    p.add_argument("--json", action="store_true")

    p = cb_command("show", "show the codebook", cmd_codebook_show)
    p.add_argument("--lang", help="show labels in this language")
    p.add_argument("--json", action="store_true")

    p = cb_command("load", "load a codebook (.yaml or REFI .qdc/.qdpx), merging by UUID", cmd_codebook_load,
                   writes=True)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--retire", action="store_true",
                   help="retire codes with codings that the file no longer has (else the load is refused)")
    p.add_argument("--json", action="store_true")

    p = cb_command("export", "write the codebook as .yaml, REFI .qdc or a .docx appendix", cmd_codebook_export)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--lang", help="language of the .docx appendix")

    p = cb_command("edit", "change a code: name, parent, colour or a field in a language", cmd_codebook_edit,
                   writes=True)
    p.add_argument("code", metavar="CODE")
    p.add_argument("--name")
    p.add_argument("--parent", help="new parent code ('' for the top level)")
    p.add_argument("--color", help="#RRGGBB")
    for option in ("label", "brief", "definition", "when-to-use", "when-not-to-use", "example"):
        p.add_argument(f"--{option}", action="append", metavar="LANG=TEXT", dest=option.replace("-", "_"))
    p.add_argument("--json", action="store_true")

    p = cb_command("retire", "retire a code: it keeps its codings but can no longer be applied",
                   cmd_codebook_retire, writes=True)
    p.add_argument("code", metavar="CODE")

    p = cb_command("pin", "put a code on a number key (1-9) of the workbench", cmd_codebook_pin, writes=True)
    p.add_argument("code", metavar="CODE")
    p.add_argument("key", type=int, choices=range(1, 10), metavar="KEY")

    p = cb_command("history", "every change to the codebook: who, when, what", cmd_codebook_history)
    p.add_argument("--json", action="store_true")

    theme = sub.add_parser("theme", help="themes: named groups of codes", description="themes: named groups of codes")
    th = theme.add_subparsers(dest="theme_command", metavar="ACTION", required=True, parser_class=Parser)
    p = th.add_parser("add", help="add a theme", description="add a theme")
    p.set_defaults(handler=cmd_theme_add, writes=True, needs_project=True)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--code", action="append", metavar="CODE", help="a code of the theme (repeat)")
    p.add_argument("--definition")
    p.add_argument("--lang", help="language of the definition")
    p.add_argument("--coder", help="who is working")
    p = th.add_parser("show", help="list themes and their codes", description="list themes and their codes")
    p.set_defaults(handler=cmd_theme_show, writes=False, needs_project=True, coder=None)
    p.add_argument("--lang")
    p.add_argument("--json", action="store_true")

    p = command("settings", "show or set a project setting (display_language)", cmd_settings, writes=True,
                coder=False)
    p.add_argument("key", nargs="?", choices=["display_language"])
    p.add_argument("value", nargs="?")
    return parser


def project_path(args) -> Path:
    return Path(args.project or os.environ.get("QUALCODE_PROJECT") or DEFAULT_PROJECT)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        args = parser.parse_args([*(argv or sys.argv[1:]), "tui"])
    path = project_path(args)
    created = False
    try:
        if not args.needs_project:
            args.handler(args, path)
            return 0
        from .project import Project

        created = args.writes and not path.exists()
        with Project(path, create=args.writes) as project:
            args.handler(args, project)
        return 0
    except QualcodeError as exc:
        if created:
            _remove_project(path)
        for problem in getattr(exc, "problems", None) or [str(exc)]:
            print(f"qualcode: error: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        if created:
            _remove_project(path)
        print("qualcode: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a fault of ours: one line, exit 1 (QUALCODE_DEBUG=1 shows the traceback)
        if created:
            _remove_project(path)
        if os.environ.get("QUALCODE_DEBUG"):
            raise
        print(f"qualcode: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _remove_project(path: Path) -> None:
    """A project this command created and then failed to fill is not left behind."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
