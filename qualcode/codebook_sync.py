"""Bringing a codebook file into a project, and the project's codebook back out.

Loading merges by UUID, then by name (`codebook.match_entries`): renames, re-definitions and
moves keep their codings; a code missing from the file is deleted when unused, refused when it
has codings (unless retiring is asked for, which keeps it and its codings, marked retired).
Adding another tool's or co-author's codebook (`add_codebook`) keeps ours and brings in what is
new. Every change is an event, which is what `codebook history` tells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .codebook import MACQUEEN_FIELDS, Codebook, CodeEntry, ThemeEntry, match_entries
from .errors import QualcodeError
from .model import Code, unique_name
from .store import Store

TEXT_FIELDS = ("label", *MACQUEEN_FIELDS)


def project_codebook(store: Store) -> Codebook:
    codes = store.codes()
    by_id = {c.id: c for c in codes}
    book = Codebook(
        title=store.setting("codebook.title"), version=store.setting("codebook.version"),
        languages=[x for x in (store.setting("codebook.languages") or "").split(",") if x],
        default_language=store.setting("codebook.default_language"),
    )
    for c in codes:
        parent = by_id.get(c.parent_id)
        book.codes.append(CodeEntry(
            name=c.name, uid=c.uid, parent=parent.name if parent else None, labels=dict(c.labels),
            color=c.color, codable=c.codable, retired=c.retired,
            texts={f: dict(getattr(c, f)) for f in MACQUEEN_FIELDS if getattr(c, f)},
        ))
    for t in store.themes():
        book.themes.append(ThemeEntry(
            name=t.name, uid=t.uid, labels=dict(t.labels), definition=dict(t.definition),
            codes=[by_id[i].name for i in t.code_ids if i in by_id],
        ))
    return book


def _texts(code: Code) -> dict[str, dict[str, str]]:
    return {"label": code.labels, **{f: getattr(code, f) for f in MACQUEEN_FIELDS}}


def apply_codebook(store: Store, book: Codebook, *, retire: bool, actor: str, source: str,
                   from_file: bool = True) -> list[str]:
    """Merge `book` into the project inside the caller's transaction; return what changed.
    `source` names the file (or the edit) in messages."""
    existing = store.codes()
    matches = match_entries(book.codes, existing)
    matched: dict[str, Code | None] = {entry.name: found for entry, found in matches}
    used = {found.id for _, found in matches if found}
    counts = store.code_segment_counts()
    absent = [c for c in existing if c.id not in used]  # codes the file no longer has
    missing = [c for c in absent if not c.retired]
    coded_missing = [c for c in missing if counts.get(c.id)]
    if coded_missing and not retire:
        names = ", ".join(f"'{c.name}' ({counts[c.id]} codings)" for c in coded_missing)
        raise QualcodeError(f"codes with codings are missing from the codebook: {names}; "
                            "load with --retire to mark them retired", source)

    changes: list[str] = []

    def log(action: str, payload: dict) -> None:
        store.log(actor, action, payload)
        changes.append(describe_event({"action": action, "payload": payload}))

    # unused codes the file dropped go first, so their names are free for renames ("merge A into B")
    for code in reversed([c for c in absent if not counts.get(c.id)]):  # children first
        for child in store.codes():
            if child.parent_id == code.id:
                store.update_code(child.id, parent_id=None)
        store.delete_code(code.id)
        log("code.remove", {"uid": code.uid, "name": code.name})
    # free the names that change hands before anyone takes them (names are unique)
    for entry in book.codes:
        code = matched[entry.name]
        if code and code.name != entry.name:
            store.update_code(code.id, name=f" renaming {code.uid}")  # no name begins with a space
    taken = {e.name for e in book.codes}
    for code in [c for c in absent if counts.get(c.id)]:  # kept, retired: out of the names' way
        if code.name in taken:
            name, n = f"{code.name} (retired)", 2
            while name in taken or store.find_code(name):
                name, n = f"{code.name} (retired {n})", n + 1
            store.update_code(code.id, name=name)

    ids: dict[str, int] = {}
    positions: dict[str | None, int] = {}
    old_names = {c.id: c.name for c in existing}
    for entry in book.codes:
        parent_id = ids[entry.parent] if entry.parent else None
        positions[entry.parent] = position = positions.get(entry.parent, 0) + 1
        code = matched[entry.name]
        if code is None:
            code_id = store.insert_code(entry.name, parent_id, uid=entry.uid, color=entry.color,
                                        codable=entry.codable, position=position)
            if entry.retired:
                store.update_code(code_id, retired=1)
            for f in TEXT_FIELDS:
                store.set_code_texts(code_id, f, entry.labels if f == "label" else entry.texts.get(f, {}))
            uid = next(c.uid for c in store.codes() if c.id == code_id)
            log("code.add", {"uid": uid, "name": entry.name, "parent": entry.parent})
            ids[entry.name] = code_id
            continue
        ids[entry.name] = code.id
        updates: dict = {"name": entry.name, "parent_id": parent_id, "position": position}
        if entry.uid and entry.uid != code.uid:
            updates["uid"] = entry.uid
        if entry.name != code.name:
            log("code.rename", {"uid": code.uid, "from": code.name, "to": entry.name})
        if parent_id != code.parent_id:
            before = old_names.get(code.parent_id)
            log("code.move", {"uid": code.uid, "name": entry.name, "from": before, "to": entry.parent})
        for attribute, new, old in (("color", entry.color, code.color), ("codable", entry.codable, code.codable)):
            if new != old:
                updates[attribute] = int(new) if isinstance(new, bool) else new
                log("code.edit", {"uid": code.uid, "name": entry.name, "field": attribute, "from": old, "to": new})
        if entry.retired != code.retired:
            updates["retired"] = int(entry.retired)
            log("code.retire" if entry.retired else "code.unretire", {"uid": code.uid, "name": entry.name})
        store.update_code(code.id, **updates)
        old_texts = _texts(code)
        for f in TEXT_FIELDS:
            new_texts = entry.labels if f == "label" else entry.texts.get(f, {})
            if new_texts != old_texts[f]:
                store.set_code_texts(code.id, f, new_texts)
                for lang in sorted(set(new_texts) | set(old_texts[f])):
                    if new_texts.get(lang) != old_texts[f].get(lang):
                        log("code.edit", {"uid": code.uid, "name": entry.name, "field": f, "lang": lang,
                                          "from": old_texts[f].get(lang), "to": new_texts.get(lang)})

    for code in coded_missing:
        store.update_code(code.id, retired=1, parent_id=None)
        log("code.retire", {"uid": code.uid, "name": code.name, "codings": counts[code.id]})

    _apply_themes(store, book, ids, log)
    for key, value in (("codebook.title", book.title), ("codebook.version", book.version),
                       ("codebook.languages", ",".join(book.languages)),
                       ("codebook.default_language", book.default_language)):
        if value:
            store.set_setting(key, value)
    if book.default_language and not store.setting("display_language"):
        store.set_setting("display_language", book.default_language)
    if from_file:
        store.log(actor, "codebook.load", {"file": source, "title": book.title, "version": book.version,
                                            "changes": len(changes)})
    return changes


@dataclass
class Added:
    """What `add_codebook` did: names map the incoming codes' names to their names here."""

    names: dict[str, str] = field(default_factory=dict)
    codes_added: list[str] = field(default_factory=list)
    themes_added: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def add_codebook(store: Store, book: Codebook, *, actor: str, source: str, from_file: bool = True) -> Added:
    """Add another tool's or co-author's codes and themes to the project's, inside the caller's
    transaction. What matches (`match_entries`) stays as it is here; what is new comes in,
    under a name of its own when its name is taken by another code; differences are told."""
    ours = project_codebook(store)
    added = Added()
    order = list(dict.fromkeys(lang for c in book.codes
                               for lang in [*c.labels, *(x for t in c.texts.values() for x in t)]))
    merged = Codebook(title=ours.title or book.title, version=ours.version,
                      default_language=ours.default_language or (order[0] if order else None),
                      languages=ours.languages + [x for x in order if x not in ours.languages],
                      codes=list(ours.codes), themes=list(ours.themes))
    taken = {c.name for c in ours.codes}
    for entry, match in match_entries(book.codes, ours.codes):
        if match:
            if match.name != entry.name:
                added.conflicts.append(f"code '{entry.name}' is called '{match.name}' here: kept '{match.name}'")
            elif match.uid != entry.uid:
                added.conflicts.append(f"code '{entry.name}' has another UUID here: matched by name")
            added.names[entry.name] = match.name
            continue
        name = unique_name(entry.name, taken)
        if name != entry.name:
            added.conflicts.append(f"code '{entry.name}' is another code here: added as '{name}'")
        taken.add(name)
        added.names[entry.name] = name
        merged.codes.append(CodeEntry(**{**entry.__dict__, "name": name,
                                         "parent": added.names.get(entry.parent or "")}))
        added.codes_added.append(name)
    theme_names = {t.name for t in ours.themes}
    for theme, match in match_entries(book.themes, ours.themes):
        if match:
            continue
        name = unique_name(theme.name, theme_names)  # other tools allow twins
        theme_names.add(name)
        merged.themes.append(ThemeEntry(name, theme.uid, theme.labels, theme.definition,
                                        [added.names[n] for n in theme.codes if n in added.names]))
        added.themes_added.append(name)
    apply_codebook(store, merged, retire=False, actor=actor, source=source, from_file=from_file)
    return added


def _apply_themes(store: Store, book: Codebook, ids: dict[str, int], log) -> None:
    themes = store.themes()
    code_names = {c.id: c.name for c in store.codes()}
    pending = match_entries(book.themes, themes)
    used = {theme.id for _, theme in pending if theme}
    for entry, theme in pending:
        if theme and theme.name != entry.name:
            store.update_theme(theme.id, name=f" renaming {theme.uid}")
    for theme in themes:
        if theme.id not in used:
            store.delete_theme(theme.id)
            log("theme.remove", {"uid": theme.uid, "name": theme.name})
    for position, (entry, theme) in enumerate(pending, start=1):
        code_ids = [ids[name] for name in entry.codes]
        if theme is None:
            theme_id = store.insert_theme(entry.name, entry.uid, position)
            store.set_theme_texts(theme_id, "label", entry.labels)
            store.set_theme_texts(theme_id, "definition", entry.definition)
            store.set_theme_codes(theme_id, code_ids)
            log("theme.add", {"name": entry.name, "codes": entry.codes})
            continue
        store.update_theme(theme.id, name=entry.name, position=position)
        if theme.name != entry.name:
            log("theme.rename", {"uid": theme.uid, "from": theme.name, "to": entry.name})
        if theme.labels != entry.labels or theme.definition != entry.definition:
            store.set_theme_texts(theme.id, "label", entry.labels)
            store.set_theme_texts(theme.id, "definition", entry.definition)
            log("theme.edit", {"uid": theme.uid, "name": entry.name})
        if theme.code_ids != code_ids:
            store.set_theme_codes(theme.id, code_ids)
    # membership is told per code: "moved from theme A to theme B" reads as the researcher did it;
    # compared by theme id, so renaming a theme moves nothing
    now_themes = store.themes()
    names = {t.id: t.name for t in themes} | {t.id: t.name for t in now_themes}
    before = _memberships(themes, code_names)
    after = _memberships(now_themes, {v: k for k, v in ids.items()})
    for code in sorted(set(before) | set(after)):
        old, new = before.get(code, set()), after.get(code, set())
        if old != new and code in ids:
            log("code.themes", {"name": code, "from": [names[t] for t in sorted(old - new)],
                                "to": [names[t] for t in sorted(new - old)]})


def _memberships(themes, code_names: dict[int, str]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for theme in themes:
        for code_id in theme.code_ids:
            if code_id in code_names:
                found.setdefault(code_names[code_id], set()).add(theme.id)
    return found


def describe_event(event: dict) -> str | None:
    """One line of codebook history for an event, or None when it is not a codebook change."""
    p, a = event["payload"], event["action"]
    texts = {
        "code.add": lambda: f"code '{p['name']}' added",
        "code.rename": lambda: f"code '{p['from']}' renamed to '{p['to']}'",
        "code.move": lambda: f"code '{p['name']}' moved from '{p['from'] or '(top)'}' to '{p['to'] or '(top)'}'",
        "code.edit": lambda: f"code '{p['name']}': {p['field'].replace('_', ' ')}"
                             + (f" ({p['lang']})" if p.get("lang") else "") + " changed",
        "code.retire": lambda: f"code '{p['name']}' retired",
        "code.unretire": lambda: f"code '{p['name']}' brought back",
        "code.remove": lambda: f"code '{p['name']}' removed",
        "code.merge": lambda: f"code '{p['name']}' merged into '{p['into_name']}'"
                              f" ({len(p['moved']) + len(p['removed'])} codings)",
        "theme.add": lambda: f"theme '{p['name']}' added",
        "theme.rename": lambda: f"theme '{p['from']}' renamed to '{p['to']}'",
        "theme.edit": lambda: f"theme '{p['name']}': texts changed",
        "code.themes": lambda: f"code '{p['name']}' " + (
            f"moved from theme '{', '.join(p['from'])}' to theme '{', '.join(p['to'])}'" if p["from"] and p["to"]
            else f"added to theme '{', '.join(p['to'])}'" if p["to"]
            else f"removed from theme '{', '.join(p['from'])}'"),
        "theme.remove": lambda: f"theme '{p['name']}' removed",
        "codebook.load": lambda: f"codebook loaded from {p['file']} ({p['changes']} changes)",
    }
    return texts[a]() if a in texts else None
