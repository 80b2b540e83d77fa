"""Codebook and theme commands."""

from __future__ import annotations

from pathlib import Path

from ..errors import QualcodeError
from ..model import plural
from .output import _output_path, code_json, emit_json, emit_table


def cmd_codebook_add(args, project) -> None:
    code = project.codebook.add_code(args.name, args.parent, actor=args.coder,
                            codable=not args.category, color=args.color)
    if args.json:
        emit_json(code_json(code, {c.id: c for c in project.codebook.codes()}))
    else:
        print(f"added code {code.id}: {code.name}")


def cmd_codebook_show(args, project) -> None:
    codes = project.codebook.codes()
    by_id = {c.id: c for c in codes}
    if args.json:
        emit_json([code_json(c, by_id) for c in codes])
        return
    lang = project.settings.check_language(args.lang) or project.settings.display_language
    depth = {}
    rows = []
    for c in codes:
        depth[c.id] = depth.get(c.parent_id, -1) + 1
        rows.append([c.id, "  " * depth[c.id] + c.label(lang), c.color or "",
                     "" if c.codable else "category", "retired" if c.retired else ""])
    emit_table(["id", "code", "colour", "kind", "status"], rows)


def cmd_codebook_load(args, project) -> None:
    changes = project.codebook.load(Path(args.file), retire=args.retire, actor=args.coder)
    if args.json:
        emit_json(changes)
        return
    for change in changes:
        print(change)
    in_use, themes = sum(1 for c in project.codebook.codes() if not c.retired), len(project.codebook.themes())
    print(f"{plural(len(changes), 'change')}; {plural(in_use, 'code')}, {plural(themes, 'theme')}")


def cmd_codebook_check(args, _project_path) -> None:
    """Every problem of a codebook file on stdout, one a line (exit 2 when there is any)."""
    from ..project import check_codebook_file

    try:
        book, notes = check_codebook_file(Path(args.file))
    except QualcodeError as exc:
        problems = exc.details or [str(exc)]
        print("\n".join(problems))
        raise QualcodeError(f"{len(problems)} problem{'s' * (len(problems) > 1)} in the codebook", args.file) from None
    for note in notes:
        print(f"note: {note}")
    print(f"{args.file}: no problems ({plural(len(book.codes), 'code')}, {plural(len(book.themes), 'theme')})")


def cmd_codebook_export(args, project) -> None:
    path = project.codebook.export(_output_path(args.file), lang=args.lang)
    print(f"wrote {path}")
    if args.validate:
        print(project.exchange.validate(path))


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
    code = project.codebook.edit_code(args.code, actor=args.coder, name=args.name, parent=args.parent,
                             color=args.color, texts=texts)
    if args.json:
        emit_json(code_json(code, {c.id: c for c in project.codebook.codes()}))
    else:
        print(f"code {code.id}: {code.name}")


def cmd_codebook_retire(args, project) -> None:
    code = project.codebook.retire_code(args.code, actor=args.coder)
    print(f"code {code.id} '{code.name}' retired; its codings are kept")


def cmd_codebook_delete(args, project) -> None:
    code = project.codebook.delete_code(args.code, actor=args.coder)
    print(f"code {code.id} '{code.name}' deleted")


def cmd_codebook_merge(args, project) -> None:
    source, target = project.codebook.code(args.source), project.codebook.code(args.target)
    moved = project.coding.merge_codes(source.uid, target.uid, actor=args.coder)
    if args.json:
        emit_json({"merged": source.name, "into": target.name, "codings": moved})
    else:
        print(f"code '{source.name}' merged into '{target.name}': {plural(moved, 'coding')} moved")


def cmd_codebook_move(args, project) -> None:
    if args.parent is None and args.position is None:
        raise QualcodeError("nothing to change (give --parent or --position)", args.code)
    kwargs = {} if args.parent is None else {"parent": args.parent}
    code = project.codebook.move_code(args.code, position=args.position, actor=args.coder, **kwargs)
    if args.json:
        emit_json(code_json(code, {c.id: c for c in project.codebook.codes()}))
    else:
        parent = next((c.name for c in project.codebook.codes() if c.id == code.parent_id), "(top level)")
        print(f"code {code.id}: {code.name} under {parent}, place {code.position}")


def cmd_codebook_pin(args, project) -> None:
    project.codebook.pin_quick_code(args.key, args.code)
    for n, code in enumerate(project.codebook.quick_codes(), start=1):
        print(f"{n}  {code.label(project.settings.display_language) if code else '-'}")


def cmd_codebook_history(args, project) -> None:
    rows = project.codebook.history()
    if args.json:
        emit_json([{"at": at, "by": who, "change": what} for at, who, what in rows])
        return
    for at, who, what in rows:
        print(f"{at[:16].replace('T', ' ')}  {who}: {what}")


def cmd_theme_add(args, project) -> None:
    definition = {}
    if args.definition:
        lang = args.lang or project.settings.display_language or "en"
        definition[lang] = args.definition
    theme = project.codebook.add_theme(args.name, args.code or [], definition=definition, actor=args.coder)
    print(f"theme {theme.id}: {theme.name} ({plural(len(theme.code_ids), 'code')})")


def cmd_theme_show(args, project) -> None:
    codes = {c.id: c for c in project.codebook.codes()}
    lang = project.settings.check_language(args.lang) or project.settings.display_language
    themes = project.codebook.themes()
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
