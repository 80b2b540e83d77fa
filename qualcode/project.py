"""Project: the one service API that both faces (CLI and TUI) call.

Plain Python: no SQL (that is the Store's), no Textual. Every method that changes the
project does so in one transaction and records an event in it.
"""

from __future__ import annotations

import csv
import getpass
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .codebook import Codebook, ThemeEntry, codebook_yaml, read_codebook
from .codebook_sync import apply_codebook, describe_event, project_codebook
from .errors import QualcodeError
from .model import Code, Document, DocumentSummary, Participant, Segment, Theme, Unit
from .store import Store
from .store.store import new_uid, now
from .text.prepare import PreparedDocument, analyze_document, read_document

UNIT_KINDS = ("sentence", "turn")
Progress = Callable[[str, int, int], None]  # (what, done, total)


def default_coder() -> str:
    return os.environ.get("QUALCODE_CODER") or getpass.getuser() or "coder"


@dataclass
class ImportReport:
    imported: list[DocumentSummary] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)


class Project:
    def __init__(self, path: Path | str, *, create: bool = False) -> None:
        path = Path(path)
        if not create and not path.exists():
            raise QualcodeError("no such project (create one with 'qualcode init' or import a file)", path)
        if path.exists() and not _is_sqlite(path):
            raise QualcodeError("not a qualcode project (not an SQLite file)", path)
        self.path = path
        self.store = Store(path)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- documents ----------------------------------------------------------------------------

    def read_files(self, paths: Sequence[Path], lang: str = "auto", speakers: str = "auto",
                   progress: Progress | None = None) -> tuple[list[PreparedDocument], list[tuple[str, str]]]:
        """Read and normalise files and find their turns, without changing the project.

        Returns the new documents and the (file, reason) of those skipped because the
        project already holds the same text. Any unreadable file raises before anything
        is written."""
        new: list[PreparedDocument] = []
        skipped: list[tuple[str, str]] = []
        seen: dict[str, str] = {}
        for i, path in enumerate(paths):
            if progress:
                progress(f"reading {Path(path).name}", i, len(paths))
            doc = read_document(Path(path), lang, speakers)
            existing = self.store.document_by_hash(doc.text_sha256)
            if existing or doc.text_sha256 in seen:
                same = existing.name if existing else seen[doc.text_sha256]
                skipped.append((doc.source_name, f"same text as document '{same}'"))
                continue
            seen[doc.text_sha256] = doc.name
            new.append(doc)
        return new, skipped

    def import_files(self, paths: Sequence[Path], *, lang: str = "auto", group: str | None = None,
                     speakers: str = "auto", actor: str | None = None,
                     progress: Progress | None = None) -> ImportReport:
        """Import transcripts in one transaction: one bad file imports nothing."""
        prepared, skipped = self.read_files(paths, lang, speakers, progress)
        report = self.store_documents(prepared, group=group, actor=actor, progress=progress)
        report.skipped[:0] = skipped
        return report

    def store_documents(self, prepared: Sequence[PreparedDocument], *, group: str | None = None,
                        actor: str | None = None, progress: Progress | None = None) -> ImportReport:
        """Analyse (spaCy) and store documents one at a time, so memory stays flat however
        many there are; all in one transaction."""
        actor = actor or default_coder()
        report = ImportReport()
        imported_ids: list[int] = []
        with self.store.transaction():
            names = self.store.document_names()
            for i, doc in enumerate(prepared):
                if progress:
                    progress(f"analysing {doc.source_name}", i, len(prepared))
                if not doc.sentences:
                    analyze_document(doc)
                doc.name = _unique_name(doc.name, names)
                names.add(doc.name)
                doc_id, speaker_ids = self.store.insert_document(doc, group, actor)
                doc.lemmas, doc.sentences = {}, []  # stored: let them go (memory stays flat)
                for label, speaker_id in speaker_ids.items():
                    # each speaker is a case of its own until a participants CSV says otherwise
                    attributes = {"group": group} if group else {}
                    pid = self.store.upsert_participant(f"{doc.name}/{label}", None, attributes)
                    self.store.link_speaker(speaker_id, pid)
                imported_ids.append(doc_id)
            if progress:
                progress("done", len(prepared), len(prepared))
        summaries = {d.id: d for d in self.store.document_summaries()}
        report.imported = [summaries[i] for i in imported_ids]
        return report

    def documents(self) -> list[DocumentSummary]:
        return self.store.document_summaries()

    def document(self, ref: str | int) -> Document:
        doc = self.store.find_document(str(ref))
        if doc is None:
            raise QualcodeError("no such document", ref)
        return doc

    def text(self, ref: str | int, start: int | None = None, end: int | None = None) -> str:
        doc = self.document(ref)
        start = 0 if start is None else start
        end = len(doc.text) if end is None else end
        _check_span(doc, start, end, allow_empty=True)
        return doc.text[start:end]

    def units(self, ref: str | int, kind: str = "sentence") -> list[Unit]:
        doc = self.document(ref)
        if kind == "sentence":
            return self.store.sentences(doc.id)
        if kind == "turn":
            return [Unit(t.index, t.start, t.end, t.speaker, t.index) for t in self.store.turns(doc.id)]
        raise QualcodeError(f"unknown unit '{kind}' (use {' or '.join(UNIT_KINDS)})", kind)

    def unit(self, ref: str | int, kind: str, index: int) -> Unit:
        units = self.units(ref, kind)
        if not 0 <= index < len(units):
            raise QualcodeError(f"no {kind} {index} (the document has {len(units)})", ref)
        return units[index]

    # --- participants -------------------------------------------------------------------------

    def participants(self) -> list[Participant]:
        return self.store.participants()

    def load_participants(self, path: Path, actor: str | None = None) -> list[Participant]:
        """Attach participants (id, document, speaker, attributes…) from a CSV; all or nothing."""
        actor = actor or default_coder()
        rows = _read_participants_csv(Path(path))
        speakers = {(s["document"], s["label"]): s for s in self.store.speakers()}
        problems = [
            f"line {line}: no speaker '{row['speaker']}' in document '{row['document']}'"
            for line, row in rows
            if (row["document"], row["speaker"]) not in speakers
        ]
        if problems:
            raise QualcodeError("; ".join(problems), path)
        with self.store.transaction():
            for _line, row in rows:
                speaker = speakers[(row["document"], row["speaker"])]
                # what the speaker carried already (the import's --group) stays unless overridden
                attributes = {**speaker["attributes"], **{
                    k: v for k, v in row.items()
                    if k not in {"id", "document", "speaker", "pseudonym"} and v != ""}}
                pid = self.store.upsert_participant(row["id"], row.get("pseudonym") or None, attributes)
                self.store.link_speaker(speaker["id"], pid)
            self.store.drop_orphan_participants()
            self.store.log(actor, "participants.load", {"file": Path(path).name, "rows": len(rows)})
        return self.participants()

    # --- codes --------------------------------------------------------------------------------

    def codes(self) -> list[Code]:
        return self.store.codes()

    def code(self, ref: str) -> Code:
        code = self.store.find_code(str(ref))
        if code is None:
            raise QualcodeError("unknown code", ref)
        return code

    def add_code(self, name: str, parent: str | None = None, actor: str | None = None,
                 codable: bool = True, color: str | None = None) -> Code:
        actor = actor or default_coder()
        name = name.strip()
        if not name:
            raise QualcodeError("a code needs a name", "''")
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
            from .exchange.qdc import read_qdc

            book = read_qdc(path, fallback_lang=self.display_language or "en")
        else:
            raise QualcodeError(f"unsupported codebook type '{suffix}' (use .yaml, .qdc or .qdpx)", path)
        with self.store.transaction():
            return apply_codebook(self.store, book, retire=retire, actor=actor or default_coder(),
                                  source=path.name)

    def export_codebook(self, path: Path, lang: str | None = None) -> Path:
        """Write the codebook as YAML, REFI .qdc or a Word appendix, by the file's suffix."""
        from .files import write_atomically

        path = Path(path)
        suffix = path.suffix.lower()
        book = self.codebook()
        if suffix in (".yaml", ".yml"):
            write_atomically(path, codebook_yaml(book).encode("utf-8"))
        elif suffix == ".qdc":
            from .exchange.qdc import qdc_bytes

            write_atomically(path, qdc_bytes(book))
        elif suffix == ".docx":
            from .reports.codebook_docx import codebook_docx_bytes

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
            for other in book.codes:
                if other.parent == entry.name:
                    other.parent = name
            for theme in book.themes:
                theme.codes = [name if n == entry.name else n for n in theme.codes]
            entry.name = name
        if parent is not None:
            entry.parent = self.code(parent).name if parent else None
        if color is not None:
            entry.color = color
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
        from .codebook import parse_codebook

        parse_codebook(codebook_yaml(book), source)  # the same validation a file gets
        with self.store.transaction():
            apply_codebook(self.store, book, retire=False, actor=actor or default_coder(), source=source,
                           from_file=False)

    # --- segments -----------------------------------------------------------------------------

    def transaction(self):
        """Group several actions into one transaction (one undo step is still one action)."""
        return self.store.transaction()

    def add_segment(self, doc_ref: str | int, code_ref: str, start: int, end: int,
                    coder: str | None = None, memo: str | None = None, *, exemplar: bool = False,
                    translation: str | None = None) -> Segment:
        coder = coder or default_coder()
        doc = self.document(doc_ref)
        code = self.code(code_ref)
        if not code.codable:
            raise QualcodeError("this code is a category and cannot be applied", code.name)
        if code.retired:
            raise QualcodeError("this code is retired", code.name)
        _check_span(doc, start, end)
        if not doc.text[start:end].strip():
            raise QualcodeError(f"span {start}:{end} holds only white space", doc.name)
        with self.store.transaction():
            row = {
                "uid": new_uid(), "doc_id": doc.id, "code_id": code.id,
                "coder_id": self.store.coder_id(coder), "start": start, "end": end,
                "memo": memo or None, "exemplar": int(exemplar), "translation": translation or None,
                "created_at": now(),
            }
            segment_id = self.store.insert_segment(row)
            self.store.log(coder, "segment.add", self.store.segment_row(segment_id))
        return self.segment(segment_id)

    def segment(self, segment_id: int | str) -> Segment:
        row = self.store.segment_row(segment_id)
        if row is None:
            raise QualcodeError("no such segment", segment_id)
        return self.store.segments(segment_id=row["id"])[0]

    def remove_segment(self, segment_id: int | str, actor: str | None = None) -> Segment:
        actor = actor or default_coder()
        segment = self.segment(segment_id)
        with self.store.transaction():
            self.store.log(actor, "segment.remove", self.store.segment_row(segment.id))
            self.store.delete_segment(segment.id)
        return segment

    def segments(self, doc: str | int | None = None, code: str | None = None,
                 coder: str | None = None) -> list[Segment]:
        doc_id = self.document(doc).id if doc is not None else None
        code_id = self.code(code).id if code is not None else None
        coder_id = None
        if coder is not None:
            coder_id = self.store.coder_id(coder, create=False)
            if coder_id is None:
                return []
        return self.store.segments(doc_id=doc_id, code_id=code_id, coder_id=coder_id)


def _check_span(doc: Document, start: int, end: int, allow_empty: bool = False) -> None:
    n = len(doc.text)
    if start < 0 or end > n or start > end or (start == end and not allow_empty):
        raise QualcodeError(f"span {start}:{end} is outside the text (0:{n})", doc.name)


def _unique_name(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def _is_sqlite(path: Path) -> bool:
    if path.stat().st_size == 0:
        return True
    with path.open("rb") as f:
        return f.read(16) == b"SQLite format 3\x00"


def _read_participants_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            columns = reader.fieldnames or []
            missing = [c for c in ("id", "document", "speaker") if c not in columns]
            if missing:
                raise QualcodeError(f"participants CSV lacks column(s) {', '.join(missing)}", path)
            rows = [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k})
                    for row in reader]
    except FileNotFoundError:
        raise QualcodeError("file not found", path) from None
    except UnicodeDecodeError:
        raise QualcodeError("participants CSV is not UTF-8", path) from None
    except csv.Error as exc:
        raise QualcodeError(f"not a valid CSV file: {exc}", path) from None
    if not rows:
        raise QualcodeError("participants CSV has no rows", path)
    return rows
