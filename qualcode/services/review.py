"""Reviewing the coding: where each segment sits in its transcript (speakers, turn, time),
retrieval with filters, and blind coding (a coder's "done" marks).

Who a span is attributed to is `analysis.speech`: every speaker whose speech it covers on a
non-whitespace character. Blind coding: while a coder has not marked a document done,
co-authors' coding of it is hidden from that coder in the workbench (the command line shows
everything: scripts need it); the project setting `blind` (or `qualcode tui --unblind`) lifts it.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..analysis.speech import SpeechIndex
from ..errors import QualcodeError
from ..model import BlindView, Segment, SpanContext, Turn, Voice
from ..store import Store
from ..store.base import now
from .coding import CodingService
from .common import default_coder
from .documents import DocumentService
from .settings import SettingsService

SORTS = ("document", "group")


class ReviewService:
    def __init__(self, store: Store, documents: DocumentService, coding: CodingService,
                 settings: SettingsService) -> None:
        self.store = store
        self.documents = documents
        self.coding = coding
        self.settings = settings

    # --- blind coding -------------------------------------------------------------------------

    def mark_done(self, doc_ref: str | int, coder: str | None = None, *, done: bool = True) -> bool:
        """Mark (or unmark) a document as done by a coder; False when it already was (or wasn't)."""
        coder = coder or default_coder()
        doc = self.documents.get(doc_ref)
        with self.store.transaction():
            changed = self.store.set_done(doc.id, coder, now()) if done else self.store.clear_done(doc.id, coder)
            if changed:
                self.store.log(coder, "document.done" if done else "document.undone",
                               {"uid": doc.uid, "name": doc.name, "coder": coder})
        return changed

    def done_documents(self, coder: str) -> set[int]:
        """The documents a coder has marked done."""
        return self.store.done_documents(coder)

    def done_marks(self) -> list[dict]:
        """Every mark: [{"doc_id", "coder", "done_at"}]."""
        return self.store.done_rows()

    def blind_view(self, coder: str, *, unblind: bool = False) -> BlindView:
        """What blind coding hides from `coder` (nothing when the setting or `unblind` lifts it)."""
        if unblind or not self.settings.blind_coding:
            return BlindView(coder, None)
        return BlindView(coder, frozenset(self.done_documents(coder)))

    # --- where a span sits ----------------------------------------------------------------------

    def contexts(self, spans: Iterable[tuple[int, int, int]]) -> list[SpanContext]:
        """For each (document id, start, end): its speakers, first turn and that turn's time."""
        spans = list(spans)
        by_doc: dict[int, tuple] = {}
        out = []
        for doc_id, start, end in spans:
            if doc_id not in by_doc:
                by_doc[doc_id] = self._speech(doc_id)
            doc, index, voices = by_doc[doc_id]
            turns = index.covered(doc.text, start, end)
            found = list(dict.fromkeys(voices[t.speaker] for t in turns if t.speaker in voices))
            first = turns[0] if turns else None
            out.append(SpanContext(
                doc_id=doc.id, document=doc.name, position=doc.position, start=start, end=end,
                voices=tuple(found), turn=first.index if first else None, time=first.time_start if first else None,
                group=next((v.group for v in found if v.group), None) or doc.group))
        return out

    def turns(self, doc_id: int) -> list[Turn]:
        """A document's turns with their labels' offsets and times (when the transcript has them)."""
        return self.store.turns(self.documents.get(doc_id).id)

    def context(self, doc_id: int, start: int, end: int) -> SpanContext:
        return self.contexts([(doc_id, start, end)])[0]

    def _speech(self, doc_id: int):
        doc = self.documents.get(doc_id)
        voices = {}
        for row in self.store.speaker_people(doc.id):
            attributes = row["attributes"]
            voices[row["label"]] = Voice(
                label=row["label"], name=row["pseudonym"] or row["label"], participant=row["key"],
                group=attributes.get("group") or doc.group,
                attributes=tuple(sorted((str(k), str(v)) for k, v in attributes.items())))
        return doc, SpeechIndex(self.store.turns(doc.id)), voices

    # --- retrieval ------------------------------------------------------------------------------

    def retrieve(self, *, code: str | None = None, doc: str | int | None = None, coder: str | None = None,
                 group: str | None = None, attribute: tuple[str, str] | None = None,
                 exemplar: bool | None = None, sort: str = "document",
                 blind: BlindView | None = None) -> list[tuple[Segment, SpanContext]]:
        """Segments with where they sit, filtered by code, document, coder, group (a speaker's,
        else the document's), a participant attribute (name, value) of a speaker, exemplar;
        in document order or by group. `blind` leaves out what it hides."""
        if sort not in SORTS:
            raise QualcodeError(f"unknown order '{sort}' (use {' or '.join(SORTS)})", sort)
        segments = self.coding.segments(doc=doc, code=code, coder=coder)
        if blind is not None:
            segments = [s for s in segments if not blind.hides(s.coder, s.doc_id)]
        if exemplar is not None:
            segments = [s for s in segments if s.exemplar == exemplar]
        rows = list(zip(segments, self.contexts((s.doc_id, s.start, s.end) for s in segments), strict=True))
        if group is not None:
            wanted = group.casefold()
            rows = [(s, c) for s, c in rows if wanted in {g.casefold() for g in _groups(c)}]
        if attribute is not None:
            name, value = attribute[0].casefold(), attribute[1].casefold()
            rows = [(s, c) for s, c in rows
                    if any(k.casefold() == name and v.casefold() == value for voice in c.voices
                           for k, v in voice.attributes)]
        if sort == "group":
            rows.sort(key=lambda r: (r[1].group is None, r[1].group or "", r[1].position, r[0].start, r[0].end))
        return rows

    def memos_in(self, doc_id: int, start: int, end: int, coders: Iterable[str]) -> list[Segment]:
        """The memos of these coders' segments that overlap [start, end) (reconciliation shows them)."""
        coders = set(coders)
        return [s for s in self.coding.document_segments(doc_id)
                if s.memo and s.coder in coders and s.start < end and start < s.end]


def _groups(context: SpanContext) -> set[str]:
    found = {v.group for v in context.voices if v.group}
    return found or ({context.group} if context.group else set())
