"""Documents: importing transcripts, reading their text and coding units, searching them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence, Sized
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import QualcodeError
from ..model import Document, DocumentSummary, Progress, Unit, unique_name
from ..store import Store
from ..text.files import collect_sources
from ..text.parallel import read_and_analyse
from ..text.prepare import PreparedDocument, analyze_document, read_document
from .common import check_span, default_coder, not_found

UNIT_KINDS = ("sentence", "turn")


@dataclass
class ImportReport:
    imported: list[DocumentSummary] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)


class DocumentService:
    def __init__(self, store: Store) -> None:
        self.store = store

    # --- importing ----------------------------------------------------------------------------

    def read_files(self, paths: Sequence[Path], lang: str = "auto", speakers: str = "auto",
                   progress: Progress | None = None) -> tuple[list[PreparedDocument], list[tuple[str, str]]]:
        """Read and normalise files and find their turns, without changing the project.

        Returns the new documents and the (file, reason) of those skipped because the
        project already holds the same text. Any unreadable file raises before anything
        is written."""
        def read() -> Iterator[PreparedDocument]:
            for i, path in enumerate(paths):
                if progress:
                    progress(f"reading {Path(path).name}", i, len(paths))
                yield read_document(Path(path), lang, speakers)

        skipped: list[tuple[str, str]] = []
        return list(self._new_texts(read(), skipped)), skipped

    def _new_texts(self, docs: Iterable[PreparedDocument],
                   skipped: list[tuple[str, str]]) -> Iterator[PreparedDocument]:
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

    def import_files(self, paths: Sequence[Path | str], *, lang: str = "auto", group: str | None = None,
                     speakers: str = "auto", actor: str | None = None,
                     progress: Progress | None = None, jobs: int | None = None) -> ImportReport:
        """Import transcripts in one transaction: one bad file imports nothing. A folder brings
        every transcript under it (the other files are reported as skipped, with the reason).
        Files are read here and analysed by up to `jobs` worker processes (default: all cores),
        then stored by this one, in order."""
        files, skipped = collect_sources(paths)
        if paths and not files:  # only folders were named, and none holds a transcript
            raise QualcodeError("is a directory with no transcripts in it (txt, md, docx, vtt, srt)",
                                " ".join(map(str, paths)))
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
                doc.name = unique_name(doc.name, names)
                names.add(doc.name)
                doc_id, speaker_ids = self.store.insert_document(doc, group, actor)
                doc.lemmas, doc.sentences, doc.pieces = "{}", [], None  # stored: let them go (memory stays flat)
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

    # --- reading ------------------------------------------------------------------------------

    def get(self, ref: str | int) -> Document:
        """A document by id, name or uid."""
        doc = self.store.find_document(str(ref))
        if doc is None:
            raise not_found("no document", ref, [d.name for d in self.store.document_refs()])
        return doc

    def text(self, ref: str | int, start: int | None = None, end: int | None = None) -> str:
        doc = self.get(ref)
        start = 0 if start is None else start
        end = len(doc.text) if end is None else end
        check_span(doc, start, end, allow_empty=True)
        return doc.text[start:end]

    def units(self, ref: str | int, kind: str = "sentence") -> list[Unit]:
        doc = self.get(ref)
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

    def search(self, ref: str | int, query: str) -> list[tuple[int, int]]:
        """Where `query` occurs: as text (any case), and as a word in any inflection (lemma)."""
        query = query.strip()
        if not query:
            return []
        doc = self.get(ref)
        hits = {(m.start(), m.end()) for m in re.finditer(re.escape(query), doc.text, re.IGNORECASE)}
        if " " not in query:
            hits |= {(s, e) for _, s, e in self.store.lemma_spans(query.lower(), doc.id)}
        # "läkare" found as text inside "läkaren" (a lemma hit) is one hit, the longer
        return sorted(h for h in hits if not any(o != h and o[0] <= h[0] and h[1] <= o[1] for o in hits))

    def list(self) -> list[DocumentSummary]:
        """Every document, in import order, with its counts."""
        return self.store.document_summaries()
