"""Codebook operations of a Project: codes, themes, loading, exporting, history."""

from __future__ import annotations

from pathlib import Path

from ..codebook import Codebook, ThemeEntry, codebook_yaml, normal_color, read_codebook
from ..codebook_sync import apply_codebook, describe_event, project_codebook
from ..errors import QualcodeError
from ..model import Code, Theme


class CodebookOps:
    def codes(self) -> list[Code]:
        return self.store.codes()

    def code(self, ref: str) -> Code:
        code = self.store.find_code(str(ref))
        if code is None:
            raise QualcodeError("unknown code", ref)
        return code

    def add_code(self, name: str, parent: str | None = None, actor: str | None = None,
                 codable: bool = True, color: str | None = None) -> Code:
        actor = actor or self.default_actor()
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

    def themes(self) -> list[Theme]:
        return self.store.themes()

    def theme(self, ref: str) -> Theme:
        for theme in self.themes():
            if ref in (str(theme.id), theme.uid, theme.name) or ref in theme.labels.values():
                return theme
        raise QualcodeError("unknown theme", ref)

    @property
    def display_language(self) -> str | None:
        return self.store.setting("display_language")

    def set_display_language(self, lang: str) -> None:
        import re

        if not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?", lang):
            raise QualcodeError("not a language code (sv, zh, en, …)", lang)
        with self.store.transaction():
            self.store.set_setting("display_language", lang)

    def codebook(self) -> Codebook:
        return project_codebook(self.store)

    def load_codebook(self, path: Path, *, retire: bool = False, actor: str | None = None) -> list[str]:
        """Merge a codebook file (.yaml or REFI .qdc) into the project; all or nothing."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            book = read_codebook(path)
        elif suffix in (".qdc", ".qdpx"):
            from ..exchange.qdc import read_qdc

            book = read_qdc(path, fallback_lang=self.display_language or "en")
        else:
            raise QualcodeError(f"unsupported codebook type '{suffix}' (use .yaml, .qdc or .qdpx)", path)
        with self.store.transaction():
            changes = apply_codebook(self.store, book, retire=retire, actor=actor or self.default_actor(),
                                     source=path.name)
        return [*(f"note: {note}" for note in book.notes), *changes]

    def export_codebook(self, path: Path, lang: str | None = None) -> Path:
        """Write the codebook as YAML, REFI .qdc or a Word appendix, by the file's suffix."""
        from ..files import write_atomically

        path = Path(path)
        suffix = path.suffix.lower()
        book = self.codebook()
        if suffix in (".yaml", ".yml"):
            write_atomically(path, codebook_yaml(book).encode("utf-8"))
        elif suffix == ".qdc":
            from ..exchange.qdc import qdc_bytes

            write_atomically(path, qdc_bytes(book))
        elif suffix == ".docx":
            from ..reports.codebook_docx import codebook_docx_bytes

            write_atomically(path, codebook_docx_bytes(book, lang or self.display_language or "en"))
        else:
            raise QualcodeError(f"unsupported codebook export '{suffix}' (use .yaml, .qdc or .docx)", path)
        return path

    def codebook_history(self) -> list[tuple[str, str, str]]:
        """(when, who, what) for every codebook change, oldest first."""
        rows = []
        for event in self.store.events():
            text = describe_event(event)
            if text:
                rows.append((event["at"], event["actor"], text))
        return rows

    def edit_code(self, ref: str, *, actor: str | None = None, name: str | None = None,
                  parent: str | None = None, color: str | None = None,
                  texts: dict[str, dict[str, str]] | None = None) -> Code:
        """Change one code through the same merge as a file load, so history reads alike."""
        code = self.code(ref)
        book = self.codebook()
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
        book = self.codebook()
        next(e for e in book.codes if e.uid == code.uid).retired = True
        self._apply(book, actor, "retire")
        return self.code(code.uid)

    def add_theme(self, name: str, codes: list[str], *, definition: dict[str, str] | None = None,
                  labels: dict[str, str] | None = None, actor: str | None = None) -> Theme:
        book = self.codebook()
        if any(t.name == name for t in book.themes):
            raise QualcodeError("a theme with this name exists already", name)
        book.themes.append(ThemeEntry(name=name, labels=labels or {}, definition=definition or {},
                                      codes=[self.code(c).name for c in codes]))
        self._apply(book, actor, "theme add")
        return self.theme(name)

    def _apply(self, book: Codebook, actor: str | None, source: str) -> None:
        from ..codebook import parse_codebook

        parse_codebook(codebook_yaml(book), source)  # the same validation a file gets
        with self.store.transaction():
            apply_codebook(self.store, book, retire=False, actor=actor or self.default_actor(), source=source,
                           from_file=False)

