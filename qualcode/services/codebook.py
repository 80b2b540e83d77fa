"""The codebook: codes and themes, loading and exporting it, its history, the quick-code keys.

Every change goes through `codebook_sync.apply_codebook`, the one merge a codebook file gets
too, so `history()` reads alike whichever way a change came.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..codebook import Codebook, ThemeEntry, codebook_yaml, normal_color, parse_codebook, read_codebook
from ..codebook_sync import apply_codebook, describe_event, project_codebook
from ..errors import QualcodeError
from ..files import write_atomically
from ..model import Code, Theme
from ..store import Store
from .common import default_coder
from .settings import SettingsService

QUICK_SLOTS = 9


class CodebookService:
    def __init__(self, store: Store, settings: SettingsService) -> None:
        self.store = store
        self.settings = settings

    # --- reading ------------------------------------------------------------------------------

    def codes(self) -> list[Code]:
        """Every code in tree order, retired ones included."""
        return self.store.codes()

    def code(self, ref: str | int) -> Code:
        """A code by id, uid, name, or a label in any language."""
        code = self.store.find_code(str(ref))
        if code is None:
            raise QualcodeError("unknown code", ref)
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
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            book = read_codebook(path)
        elif suffix in (".qdc", ".qdpx"):
            from ..exchange.qdc import read_qdc

            book = read_qdc(path, fallback_lang=self.settings.display_language or "en")
        else:
            raise QualcodeError(f"unsupported codebook type '{suffix}' (use .yaml, .qdc or .qdpx)", path)
        with self.store.transaction():
            changes = apply_codebook(self.store, book, retire=retire, actor=actor or default_coder(),
                                     source=path.name)
        return [*(f"note: {note}" for note in book.notes), *changes]

    def export(self, path: Path, lang: str | None = None) -> Path:
        """Write the codebook as YAML, REFI .qdc or a Word appendix, by the file's suffix."""
        path = Path(path)
        suffix = path.suffix.lower()
        book = self.book()
        if suffix in (".yaml", ".yml"):
            write_atomically(path, codebook_yaml(book).encode("utf-8"))
        elif suffix == ".qdc":
            from ..exchange.qdc import qdc_bytes

            write_atomically(path, qdc_bytes(book))
        elif suffix == ".docx":
            from ..reports.codebook_docx import codebook_docx_bytes

            write_atomically(path, codebook_docx_bytes(book, lang or self.settings.display_language or "en"))
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
        with self.store.transaction():
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
        if color is not None:
            if not normal_color(color):
                raise QualcodeError("bad colour (use #RRGGBB)", color)
            entry.color = normal_color(color)
        for f, values in (texts or {}).items():
            target = entry.labels if f == "label" else entry.texts.setdefault(f, {})
            target.update(values)
        self._apply(book, actor, "edit")
        return self.code(entry.name)

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
        with self.store.transaction():
            apply_codebook(self.store, book, retire=False, actor=actor or default_coder(), source=source,
                           from_file=False)

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
