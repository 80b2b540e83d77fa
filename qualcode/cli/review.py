"""Commands for reviewing: memos, a coder's "done" marks (blind coding), recordings."""

from __future__ import annotations

from pathlib import Path

from ..errors import QualcodeError
from .output import _clip, _output_path, emit_json, emit_table

# memo targets: option -> (kind, help)
TARGETS = {"doc": ("document", "a document"), "code": ("code", "a code"), "theme": ("theme", "a theme"),
           "participant": ("participant", "a participant (key or pseudonym)"),
           "segment": ("segment", "a coding (segment id): its coder's memo")}


def add_review_commands(sub, command, parser_class) -> None:
    """The parsers of `memo`, `done` and `media` (called by build_parser)."""
    memo = sub.add_parser("memo", help="memos on the project, documents, codes, themes, participants, codings",
                          description="memos on the project, documents, codes, themes, participants, codings")
    actions = memo.add_subparsers(dest="memo_command", metavar="ACTION", required=True, parser_class=parser_class)

    def action(name: str, help: str, handler, writes: bool = False):
        p = actions.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler, writes=writes, needs_project=True)
        p.add_argument("--coder", default=None, help="who writes (default: $QUALCODE_CODER or login name)")
        return p

    def targets(p, required: bool) -> None:
        group = p.add_mutually_exclusive_group(required=required)
        for option, (_, text) in TARGETS.items():
            group.add_argument(f"--{option}", metavar=option.upper() if option != "segment" else "ID",
                               help=f"on {text}")
        group.add_argument("--project-wide", action="store_true", help="on the project as a whole")

    p = action("add", "add a memo", cmd_memo_add, writes=True)
    targets(p, required=True)
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--json", action="store_true")

    p = action("list", "list memos (all, or those on what the options name)", cmd_memo_list)
    targets(p, required=False)
    p.add_argument("--kind", choices=["project", "document", "code", "theme", "participant", "segment"])
    p.add_argument("--author", help="only this author's memos")
    p.add_argument("--json", action="store_true")

    p = action("export", "write every memo as a report (.docx or .md)", cmd_memo_export)
    p.add_argument("out", metavar="OUT", help="output file (a bare name goes to exports/)")

    p = command("done", "mark a document as coded by you: blind coding then shows you co-authors' coding of it",
                cmd_done, writes=True)
    p.add_argument("doc", metavar="DOC")
    p.add_argument("--undo", action="store_true", help="take the mark back")

    p = command("media", "link a document to its recording (audio or video), to play turns from their time",
                cmd_media, writes=True)
    p.add_argument("doc", metavar="DOC")
    p.add_argument("file", metavar="FILE", nargs="?", help="the recording (without it: show the link)")


def _target(args) -> tuple[str | None, str | None]:
    for option, (kind, _) in TARGETS.items():
        value = getattr(args, option)
        if value is not None:
            return kind, value
    return ("project", None) if args.project_wide else (None, None)


def memo_json(m) -> dict:
    target = m.target_id if m.kind == "segment" else m.target
    return {"id": m.id, "uid": m.uid, "kind": m.kind, "target": target, "author": m.author, "text": m.text,
            "created_at": m.created_at, "updated_at": m.updated_at}


def cmd_memo_add(args, project) -> None:
    kind, target = _target(args)
    memo = project.memos.add(kind, target, args.text, author=args.coder)
    if args.json:
        emit_json(memo_json(memo))
    else:
        print(f"memo on {_name(memo)} by {memo.author}")


def cmd_memo_list(args, project) -> None:
    kind, target = _target(args)
    if kind and args.kind and kind != args.kind:
        raise QualcodeError(f"--kind {args.kind} does not match the memo's target ({kind})", args.kind)
    if kind == "document":  # a document's memos and its codings'
        memos = project.memos.list(doc=target, author=args.author, kind=args.kind)
    elif kind == "code":
        memos = project.memos.list(code=target, author=args.author, kind=args.kind)
    else:
        memos = project.memos.list(kind=kind or args.kind, target=target, author=args.author)
    if args.json:
        emit_json([memo_json(m) for m in memos])
        return
    emit_table(["id", "kind", "target", "author", "updated", "text"],
               [[m.id if m.id is not None else "", m.kind, _name(m), m.author, m.updated_at[:16].replace("T", " "),
                 _clip(m.text, 50)] for m in memos])


def cmd_memo_export(args, project) -> None:
    path = project.memos.export(_output_path(args.out))
    print(f"wrote {path}")


def _name(m) -> str:
    if m.kind == "segment":
        return f"segment {m.target_id} ({m.code})"
    return m.target if m.kind != "project" else "the project"


def cmd_done(args, project) -> None:
    doc = project.documents.get(args.doc)
    coder = args.coder or project.default_actor()
    changed = project.review.mark_done(doc.id, coder, done=not args.undo)
    state = "not done" if args.undo else "done"
    print(f"{doc.name}: {state} for {coder}" + ("" if changed else " (it was already)"))


def cmd_media(args, project) -> None:
    doc = project.documents.get(args.doc)
    if args.file:
        stored = project.media.link(doc.id, Path(args.file), actor=args.coder)
        print(f"{doc.name}: {stored}")
        return
    media = project.media.media(doc.id)
    print(media if media else f"{doc.name}: no recording linked")


def segments_help() -> str:
    return ("list coded segments, every coder's: blind coding hides co-authors' coding only in the "
            "workbench (scripts see everything). --json adds where each sits: \"speaker\" (every speaker "
            "whose speech it covers, pseudonym where set), \"turn\" (the first such turn's index, as "
            "'units --unit turn' numbers it) and \"time\" (that turn's start, in seconds, when known)")


def segment_rows_json(segments, contexts) -> list[dict]:
    from .output import segment_json

    return [{**segment_json(s), "speaker": c.speakers, "turn": c.turn, "time": c.time}
            for s, c in zip(segments, contexts, strict=True)]


def segments_table(segments, contexts) -> tuple[list[str], list[list]]:
    from ..text.snippet import clip_words, clock

    return (["id", "doc", "start", "end", "code", "coder", "speaker", "turn", "time", "text"],
            [[s.id, s.doc, s.start, s.end, s.code, s.coder, ", ".join(c.speakers), "" if c.turn is None else c.turn,
              clock(c.time), clip_words(s.text, 40)] for s, c in zip(segments, contexts, strict=True)])
