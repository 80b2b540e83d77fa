"""Project: the one service API that both faces (CLI and TUI) call.

Plain Python: no SQL (that is the Store's), no Textual. Every method that changes the
project does so in one transaction and records an event in it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence, Sized
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from .errors import QualcodeError
from .model import Document, DocumentSummary, Participant, Unit
from .ops.agreement import AgreementOps
from .ops.codebook import CodebookOps
from .ops.coding import CodingOps
from .ops.common import check_span, default_coder
from .ops.reports import ReportOps
from .store import Store
from .text.files import collect_sources
from .text.parallel import read_and_analyse
from .text.prepare import PreparedDocument, analyze_document, read_document

UNIT_KINDS = ("sentence", "turn")
Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class ImportReport:
    imported: list[DocumentSummary] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)


class Project(CodebookOps, CodingOps, ReportOps, AgreementOps):
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

    def default_actor(self) -> str:
        return default_coder()

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
        def read():
            for i, path in enumerate(paths):
                if progress:
                    progress(f"reading {Path(path).name}", i, len(paths))
                yield read_document(Path(path), lang, speakers)

        skipped: list[tuple[str, str]] = []
        return list(self._new_texts(read(), skipped)), skipped

    def _new_texts(self, docs: Iterable[PreparedDocument], skipped: list[tuple[str, str]]):
        """The documents whose text neither the project nor an earlier one of `docs` holds;
        the others are added to `skipped` with the reason."""
        seen: dict[str, str] = {}
        for doc in docs:
            existing = self.store.document_by_hash(doc.text_sha256)
            if existing or doc.text_sha256 in seen:
                same = existing.name if existing else seen[doc.text_sha256]
                skipped.append((doc.source_name, f"same text as document '{same}'"))
                continue
            seen[doc.text_sha256] = doc.name
            yield doc

    def import_files(self, paths: Sequence[Path], *, lang: str = "auto", group: str | None = None,
                     speakers: str = "auto", actor: str | None = None,
                     progress: Progress | None = None, jobs: int | None = None) -> ImportReport:
        """Import transcripts in one transaction: one bad file imports nothing. A folder brings
        every transcript under it (the other files are reported as skipped, with the reason).
        Files are read and analysed by up to `jobs` worker processes (default: all cores) and
        stored by this one, in order."""
        # scale (issue 12): folders (text/files.py); spaCy on every core (text/parallel.py)
        files, skipped = collect_sources(paths)
        if paths and not files:
            raise QualcodeError("no transcripts to import (txt, md, docx, vtt, srt)", " ".join(map(str, paths)))
        with closing(read_and_analyse(files, lang, speakers, jobs=jobs, progress=progress)) as analysed:
            report = self.store_documents(self._new_texts(analysed, skipped), group=group, actor=actor)
        report.skipped[:0] = skipped
        return report

    def store_documents(self, prepared: Iterable[PreparedDocument], *, group: str | None = None,
                        actor: str | None = None, progress: Progress | None = None) -> ImportReport:
        """Analyse (spaCy, unless done) and store documents one at a time, so memory stays flat
        however many there are; all in one transaction."""
        actor = actor or default_coder()
        report = ImportReport()
        imported_ids: list[int] = []
        with self.store.transaction():
            names = self.store.document_names()
            total = len(prepared) if isinstance(prepared, Sized) else 0
            for i, doc in enumerate(prepared):
                if progress:
                    progress(f"analysing {doc.source_name}", i, total)
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
                progress("done", total, total)
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
        check_span(doc, start, end, allow_empty=True)
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
