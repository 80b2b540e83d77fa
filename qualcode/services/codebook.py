"""The codebook: codes and themes, loading and exporting it, its history, the quick-code keys.

Every change goes through `codebook_sync.apply_codebook`, the one merge a codebook file gets
too, so `history()` reads alike whichever way a change came.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..codebook import Codebook, ThemeEntry, codebook_yaml, normal_color, parse_codebook, read_codebook
from ..codebook_sync import TEXT_FIELDS, apply_codebook, describe_event, project_codebook
from ..errors import QualcodeError
from ..files import write_atomically
from ..model import Code, Theme
from ..store import Store
from .common import default_coder, not_found
from .participants import ParticipantService
from .redaction import RedactionService
from .settings import SettingsService

QUICK_SLOTS = 9
_KEEP = object()  # move_code: the parent stays


def check_codebook_file(path: Path, fallback_lang: str = "en") -> tuple[Codebook, list[str]]:
    """A codebook file read as `codebook load` reads it, without a project: the codebook and
    what reading it noted (control characters removed); a file with problems raises a
    CodebookError whose `problems` are all of them."""
    from ..codebook import CodebookError

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        book = read_codebook(path)
    elif suffix in (".qdc", ".qdpx"):
        from ..exchange.qdc import read_qdc

        try:
            book = read_qdc(path, fallback_lang=fallback_lang)
        except CodebookError:
            raise
        except QualcodeError as exc:  # one problem, said as the load says it
            raise CodebookError(path, [str(exc)]) from None
    else:
        raise QualcodeError(f"unsupported codebook type '{suffix}' (use .yaml, .qdc or .qdpx)", path)
    return book, book.notes


class CodebookService:
    def __init__(self, store: Store, settings: SettingsService, redaction: RedactionService | None = None) -> None:
        self.store = store
        self.settings = settings
        self.redaction = redaction or RedactionService(store, ParticipantService(store))

    # --- reading ------------------------------------------------------------------------------

    def codes(self) -> list[Code]:
        """Every code in tree order, retired ones included."""
        return self.store.codes()

    def code(self, ref: str | int) -> Code:
        """A code by id, uid, name, or a label in any language."""
        code = self.store.find_code(str(ref))
        if code is None:
            raise not_found("unknown code", ref, [c.name for c in self.store.codes()])
        return code

    def themes(self) -> list[Theme]:
        return self.store.themes()

    def theme(self, ref: str) -> Theme:
        for theme in self.themes():
            if ref in (str(theme.id), theme.uid, theme.name) or ref in theme.labels.values():
                return theme
        raise QualcodeError("unknown theme", ref)

    def book(self) -> Codebook:
        """The codebook as the plain model a file is read into or written from."""
        return project_codebook(self.store)

    def history(self) -> list[tuple[str, str, str]]:
        """(when, who, what) for every codebook change, oldest first."""
        rows = []
        for event in self.store.events():
            text = describe_event(event)
            if text:
                rows.append((event["at"], event["actor"], text))
        return rows

    # --- files --------------------------------------------------------------------------------

    def load(self, path: Path, *, retire: bool = False, actor: str | None = None) -> list[str]:
        """Merge a codebook file (.yaml or REFI .qdc) into the project; all or nothing."""
        path = Path(path)
        book, _ = check_codebook_file(path, self.settings.display_language or "en")
        with self.store.transaction():
            changes = apply_codebook(self.store, book, retire=retire, actor=actor or default_coder(),
                                     source=path.name)
        return [*(f"note: {note}" for note in book.notes), *changes]

    def export(self, path: Path, lang: str | None = None) -> Path:
        """Write the codebook as YAML, REFI .qdc or a Word appendix, by the file's suffix.

        The .qdc (for other tools) and the .docx (for a manuscript) go out: redacted names in
        their free texts (definitions, examples) and labels become [name]. The .yaml is the
        team's working file, loaded back with `codebook load`: it keeps every word."""
        path = Path(path)
        suffix = path.suffix.lower()
        book = self.book()
        lang = self.settings.check_language(lang) or self.settings.display_language or "en"
        if suffix in (".yaml", ".yml"):
            write_atomically(path, codebook_yaml(book).encode("utf-8"))
        elif suffix == ".qdc":
            from ..exchange.qdc import qdc_bytes

            self.redaction.write(path, qdc_bytes, book, lang)
        elif suffix == ".docx":
            from ..reports.codebook_docx import codebook_docx_bytes

            self.redaction.write(path, lambda redacted: codebook_docx_bytes(redacted, lang), book, lang)
        else:
            raise QualcodeError(f"unsupported codebook export '{suffix}' (use .yaml, .qdc or .docx)", path)
        return path

    # --- changes ------------------------------------------------------------------------------

    def add_code(self, name: str, parent: str | None = None, actor: str | None = None,
                 codable: bool = True, color: str | None = None) -> Code:
        actor = actor or default_coder()
        name = name.strip()
        if not name:
            raise QualcodeError("a code needs a name", "''")
        if color is not None and not normal_color(color):
            raise QualcodeError("bad colour (use #RRGGBB)", color)
        color = normal_color(color)
        if any(c.name == name for c in self.codes()):
            raise QualcodeError("a code with this name exists already", name)
        parent_code = self.code(parent) if parent else None
        with self.store.step(), self.undoable(actor):
            code_id = self.store.insert_code(name, parent_code.id if parent_code else None,
                                             codable=codable, color=color)
            code = next(c for c in self.store.codes() if c.id == code_id)
            self.store.log(actor, "code.add", {"uid": code.uid, "name": name,
                                               "parent": parent_code.uid if parent_code else None})
        return code

    def edit_code(self, ref: str, *, actor: str | None = None, name: str | None = None,
                  parent: str | None = None, color: str | None = None,
                  texts: dict[str, dict[str, str]] | None = None) -> Code:
        """Change one code through the same merge as a file load, so history reads alike."""
        code = self.code(ref)
        book = self.book()
        entry = next(e for e in book.codes if e.uid == code.uid)
        if name is not None:
            name = name.strip()
            if not name:
                raise QualcodeError("a code needs a name", "''")
            if name != entry.name and any(c.name == name for c in book.codes):
                raise QualcodeError("a code with this name exists already", name)
            for other in book.codes:
                if other.parent == entry.name:
                    other.parent = name
            for theme in book.themes:
                theme.codes = [name if n == entry.name else n for n in theme.codes]
            entry.name = name
        if parent is not None:
            entry.parent = self.code(parent).name if parent else None
            ancestor, parents = entry.parent, {c.name: c.parent for c in book.codes}
            while ancestor is not None:
                if ancestor == entry.name:
                    raise QualcodeError("a code cannot move under itself or its own child", parent)
                ancestor = parents.get(ancestor)
            # a book lists parents before children: the moved code and its own go last
            moved = [entry]
            for c in book.codes:
                if c.parent in {m.name for m in moved}:
                    moved.append(c)
            book.codes = [c for c in book.codes if c not in moved] + moved
        if color is not None:
            if not normal_color(color):
                raise QualcodeError("bad colour (use #RRGGBB)", color)
            entry.color = normal_color(color)
        for f, values in (texts or {}).items():
            target = entry.labels if f == "label" else entry.texts.setdefault(f, {})
            target.update(values)
            for lang in [lang for lang, text in target.items() if not text.strip()]:
                del target[lang]  # an emptied field is no text, not an empty one
        self._apply(book, actor, "edit")
        return self.code(entry.name)

    def move_code(self, ref: str, parent: str | None | object = _KEEP, position: int | None = None, *,
                  actor: str | None = None) -> Code:
        """Put a code under another parent ('' or None: the top level) and/or at a place among
        its siblings (1 is first; None: last when the parent changes, else where it is)."""
        code = self.code(ref)
        book = self.book()
        entry = next(e for e in book.codes if e.uid == code.uid)
        old_parent = entry.parent
        if parent is not _KEEP:
            entry.parent = self.code(parent).name if parent else None
            ancestor, parents = entry.parent, {c.name: c.parent for c in book.codes}
            while ancestor is not None:
                if ancestor == entry.name:
                    raise QualcodeError("a code cannot move under itself or its own child", str(parent))
                ancestor = parents.get(ancestor)
        siblings = [c for c in book.children(entry.parent) if c is not entry]
        if position is not None:
            place = max(0, min(len(siblings), position - 1))
        elif entry.parent != old_parent:
            place = len(siblings)
        else:
            place = book.children(entry.parent).index(entry)
        siblings.insert(place, entry)
        book.codes = _tree_order(book, entry.parent, siblings)
        self._apply(book, actor, "move")
        return self.code(code.uid)

    def delete_code(self, ref: str, *, actor: str | None = None) -> Code:
        """Delete a code nobody has applied (one undo step); one with codings is refused."""
        actor = actor or default_coder()
        code = self.code(ref)
        codings = self.store.code_segment_counts().get(code.id, 0)
        if codings:
            raise QualcodeError(f"this code has {codings} coding{'s' if codings != 1 else ''}: retire it, "
                                "or merge it into another code", code.name)
        if any(c.parent_id == code.id for c in self.codes()):
            raise QualcodeError("this code has child codes: move or delete them first", code.name)
        with self.store.step(), self.undoable(actor):
            self.store.delete_code(code.id)
            self.store.log(actor, "code.remove", {"uid": code.uid, "name": code.name})
        return code

    def retire_code(self, ref: str, *, actor: str | None = None) -> Code:
        code = self.code(ref)
        book = self.book()
        next(e for e in book.codes if e.uid == code.uid).retired = True
        self._apply(book, actor, "retire")
        return self.code(code.uid)

    def add_theme(self, name: str, codes: list[str], *, definition: dict[str, str] | None = None,
                  labels: dict[str, str] | None = None, actor: str | None = None) -> Theme:
        book = self.book()
        if any(t.name == name for t in book.themes):
            raise QualcodeError("a theme with this name exists already", name)
        book.themes.append(ThemeEntry(name=name, labels=labels or {}, definition=definition or {},
                                      codes=[self.code(c).name for c in codes]))
        self._apply(book, actor, "theme add")
        return self.theme(name)

    def _apply(self, book: Codebook, actor: str | None, source: str) -> None:
        parse_codebook(codebook_yaml(book), source)  # the same validation a file gets
        actor = actor or default_coder()
        with self.store.step(), self.undoable(actor):
            apply_codebook(self.store, book, retire=False, actor=actor, source=source, from_file=False)

    # --- undo ---------------------------------------------------------------------------------

    @contextmanager
    def undoable(self, actor: str) -> Iterator[None]:
        """Record what the codes were before and after the block as `code.change` events (in
        the caller's step), which `replay_changes` puts back."""
        before = self._snapshots()
        yield
        after = self._snapshots()
        for uid in [*before, *(u for u in after if u not in before)]:
            old, new = before.get(uid), after.get(uid)
            if old != new:
                self.store.log(actor, "code.change", {"uid": uid, "name": (new or old)["name"],
                                                      "before": old, "after": new})

    def _snapshots(self) -> dict[str, dict]:
        """Every code as a change records it: parent and themes by uid, texts per field and language."""
        codes = self.store.codes()
        uids = {c.id: c.uid for c in codes}
        themes: dict[int, list[list]] = {}  # code -> [theme uid, place in the theme]
        for theme in self.store.themes():
            for place, code_id in enumerate(theme.code_ids):
                themes.setdefault(code_id, []).append([theme.uid, place])
        return {c.uid: {
            "name": c.name, "parent": uids.get(c.parent_id), "position": c.position, "color": c.color,
            "codable": c.codable, "retired": c.retired,
            "texts": {f: dict(getattr(c, "labels" if f == "label" else f)) for f in TEXT_FIELDS},
            "themes": themes.get(c.id, []),
        } for c in codes}

    def replay_changes(self, events: list[dict], inverse: bool) -> None:
        """Put codes back as `code.change` events recorded them (before, to undo; after, to
        redo). Only what the change changed is put back, so a co-author's later edit of
        another field stays; a code that has codings by now is not deleted."""
        targets = [(e["payload"]["uid"], e["payload"]["after" if inverse else "before"],
                    e["payload"]["before" if inverse else "after"]) for e in events]
        current = {c.uid: c for c in self.store.codes()}
        counts = self.store.code_segment_counts()
        going = {uid for uid, _, target in targets if target is None and uid in current}
        for uid in going:
            if counts.get(current[uid].id):
                raise QualcodeError("the code has codings by now", current[uid].name)
        staying = {uid for uid, _, target in targets if target is not None}
        names = {c.name for uid, c in current.items() if uid not in going and uid not in staying}
        for _, _, target in targets:
            if target is not None and target["name"] in names:
                raise QualcodeError("another code has that name by now", target["name"])
        # children before parents go; names change hands through placeholders (names are unique)
        depth = {uid: _depth(current, uid) for uid in going}
        for uid in sorted(going, key=lambda u: -depth[u]):
            self.store.delete_code(current[uid].id)
        for uid in staying & set(current):
            self.store.update_code(current[uid].id, name=f" restoring {uid}")  # no name begins with a space
        pending = [(uid, source, target) for uid, source, target in targets if target is not None]
        while pending:  # parents first: a code waits until its parent is there
            ids = {c.uid: c.id for c in self.store.codes()}
            ready = [p for p in pending if p[2]["parent"] is None or p[2]["parent"] in ids]
            if not ready:
                raise QualcodeError("a parent code was deleted meanwhile", pending[0][2]["name"])
            for uid, source, target in ready:
                self._restore_code(uid, source, target, ids, current[uid].name if uid in current else None)
            pending = [p for p in pending if p not in ready]

    def _restore_code(self, uid: str, source: dict | None, target: dict, ids: dict[str, int],
                      name: str | None) -> None:
        parent_id = ids.get(target["parent"]) if target["parent"] else None
        if uid not in ids:
            code_id = self.store.insert_code(target["name"], parent_id, uid=uid, color=target["color"],
                                             codable=target["codable"], position=target["position"])
            source = None
        else:
            code_id = ids[uid]
        changed = {k for k in target if source is None or source.get(k) != target[k]}
        fields = {"name": target["name"] if "name" in changed or name is None else name}
        if "parent" in changed:
            fields["parent_id"] = parent_id
        for key in ("position", "color", "codable", "retired"):
            if key in changed:
                fields[key] = int(target[key]) if isinstance(target[key], bool) else target[key]
        self.store.update_code(code_id, **fields)
        for f in TEXT_FIELDS:
            if source is None or source["texts"].get(f) != target["texts"].get(f):
                self.store.set_code_texts(code_id, f, target["texts"].get(f, {}))
        if "themes" in changed:
            wanted = dict(map(tuple, target["themes"]))
            for theme in self.store.themes():
                members = [i for i in theme.code_ids if i != code_id]
                if theme.uid in wanted:
                    members.insert(wanted[theme.uid], code_id)
                if members != theme.code_ids:
                    self.store.set_theme_codes(theme.id, members)

    # --- quick codes --------------------------------------------------------------------------

    def quick_codes(self) -> list[Code | None]:
        """Nine slots for keys 1-9: pinned codes, else the first codable codes in codebook order."""
        codes = [c for c in self.codes() if c.codable and not c.retired]
        pinned = json.loads(self.store.setting("quick_codes") or "[]")[:QUICK_SLOTS]
        by_uid = {c.uid: c for c in codes}
        slots = [by_uid.get(uid) for uid in pinned] + [None] * (QUICK_SLOTS - len(pinned))
        rest = iter(c for c in codes if c not in slots)
        return [slot or next(rest, None) for slot in slots]

    def pin_quick_code(self, slot: int, code_ref: str) -> None:
        if not 1 <= slot <= QUICK_SLOTS:
            raise QualcodeError(f"quick code slots are 1-{QUICK_SLOTS}", slot)
        code = self.code(code_ref)
        pinned = json.loads(self.store.setting("quick_codes") or "[]")
        pinned += [None] * (QUICK_SLOTS - len(pinned))
        pinned[slot - 1] = code.uid
        with self.store.transaction():
            self.store.set_setting("quick_codes", json.dumps(pinned))


def _depth(codes: dict[str, Code], uid: str) -> int:
    by_id = {c.id: c for c in codes.values()}
    depth, parent = 0, codes[uid].parent_id
    while parent is not None and parent in by_id:
        depth, parent = depth + 1, by_id[parent].parent_id
    return depth


def _tree_order(book: Codebook, parent: str | None, siblings: list) -> list:
    """The book's codes depth first, with `parent`'s children in the order given."""
    ordered: list = []

    def walk(name: str | None) -> None:
        for entry in siblings if name == parent else book.children(name):
            ordered.append(entry)
            walk(entry.name)

    walk(None)
    return ordered
