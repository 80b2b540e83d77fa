"""Coding: segments (a code on a span of a document by a coder), and undo/redo of them.

Undo and redo replay the actor's coding events from the events table, so the history
survives a restart and is the same whichever face made the change. One undo step is one event,
or the events of one action that share a step id (`payload["step"]`): autocoding adds many
segments and takes them back together.
"""

from __future__ import annotations

from ..analysis.autocode import AutocodePlan
from ..errors import QualcodeError
from ..model import Code, Document, Segment
from ..store import Store
from ..store.base import new_uid, now
from .codebook import CodebookService
from .common import check_span, default_coder
from .documents import DocumentService

CODING_ACTIONS = ("segment.add", "segment.remove", "segment.update")
SEGMENT_COLUMNS = ("uid", "doc_id", "code_id", "coder_id", "start", "end", "memo", "exemplar",
                   "translation", "created_at")


class CodingService:
    def __init__(self, store: Store, documents: DocumentService, codebook: CodebookService) -> None:
        self.store = store
        self.documents = documents
        self.codebook = codebook

    # --- segments -----------------------------------------------------------------------------

    def add_segment(self, doc_ref: str | int, code_ref: str, start: int, end: int,
                    coder: str | None = None, memo: str | None = None, *, exemplar: bool = False,
                    translation: str | None = None) -> Segment:
        """Code [start, end) of a document (one undoable action)."""
        coder = coder or default_coder()
        doc = self.documents.get(doc_ref)
        code = self._applicable(code_ref)
        _check_codable_span(doc, start, end)
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

    def _applicable(self, code_ref: str | int) -> Code:
        code = self.codebook.code(code_ref)
        if not code.codable:
            raise QualcodeError("this code is a category and cannot be applied", code.name)
        if code.retired:
            raise QualcodeError("this code is retired", code.name)
        return code

    def apply_autocode(self, plan: AutocodePlan, *, dry_run: bool = False) -> list[Segment]:
        """The segments an autocoding plan adds (analysis.autocode; project.queries.plan_autocode
        makes one for a code and a coder), in document order: written in one transaction as one
        undo step (their events share a step id) and recorded as one `autocode` event; with
        `dry_run`, the same segments unsaved (no id, no uid)."""
        if plan.code_id is None:
            raise QualcodeError("an autocoding plan names its code", "autocode")
        coder = plan.coder or default_coder()
        code = self._applicable(plan.code_id)
        docs: dict[int, Document] = {}
        for doc_id, start, end in plan.spans:
            if doc_id not in docs:
                docs[doc_id] = self.documents.get(doc_id)
            _check_codable_span(docs[doc_id], start, end)
        ordered = sorted(plan.spans, key=lambda s: (docs[s[0]].position, s[1], s[2]))
        segments = [Segment(None, None, d, docs[d].name, code.id, code.name, coder, s, e, docs[d].text[s:e])
                    for d, s, e in ordered]
        if dry_run or not segments:
            return segments
        step = new_uid()
        with self.store.transaction():
            coder_id = self.store.coder_id(coder)
            for segment in segments:
                row = {"uid": new_uid(), "doc_id": segment.doc_id, "code_id": code.id, "coder_id": coder_id,
                       "start": segment.start, "end": segment.end, "memo": None, "exemplar": 0,
                       "translation": None, "created_at": now()}
                segment.id, segment.uid, segment.created_at = self.store.insert_segment(row), row["uid"], \
                    row["created_at"]
                self.store.log(coder, "segment.add", {"id": segment.id, **row, "coder_name": coder,
                                                      "code_uid": code.uid, "doc_uid": docs[segment.doc_id].uid,
                                                      "step": step})
            self.store.log(coder, "autocode", {**plan.about, "code": code.name, "code_uid": code.uid,
                                               "hits": plan.hits, "added": len(segments),
                                               "already_coded": plan.already_coded, "outside": plan.outside,
                                               "step": step})
        return segments

    def segment(self, segment_id: int | str) -> Segment:
        """A segment by id or uid."""
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

    def update_segment(self, segment_id: int | str, actor: str | None = None, **changes) -> Segment:
        """Change memo, exemplar, translation or code of a segment (one undoable action)."""
        actor = actor or default_coder()
        row = self.store.segment_row(segment_id)
        if row is None:
            raise QualcodeError("no such segment", segment_id)
        if "code" in changes:
            code = self.codebook.code(changes.pop("code"))
            if not code.codable or code.retired:
                raise QualcodeError("this code cannot be applied", code.name)
            changes["code_id"] = code.id
        if "exemplar" in changes:
            changes["exemplar"] = int(bool(changes["exemplar"]))
        for key in ("memo", "translation"):
            if key in changes:
                changes[key] = (changes[key] or "").strip() or None
        before = {k: row[k] for k in changes}
        if before == changes:
            return self.segment(row["id"])
        with self.store.transaction():
            self.store.update_segment(row["id"], **changes)
            self.store.log(actor, "segment.update", {"uid": row["uid"], "before": before, "after": changes})
        return self.segment(row["id"])

    def segments(self, doc: str | int | None = None, code: str | None = None,
                 coder: str | None = None) -> list[Segment]:
        """Segments in document order, filtered by document, code or coder."""
        doc_id = self.documents.get(doc).id if doc is not None else None
        code_id = self.codebook.code(code).id if code is not None else None
        coder_id = None
        if coder is not None:
            coder_id = self.store.coder_id(coder, create=False)
            if coder_id is None:
                return []
        segments = self.store.segments(doc_id=doc_id, code_id=code_id, coder_id=coder_id, with_text=False)
        texts: dict[int, str] = {}
        for s in segments:  # one read of each document's text, not a substr() per segment
            if s.doc_id not in texts:
                texts[s.doc_id] = self.store.document(s.doc_id).text
            s.text = texts[s.doc_id][s.start:s.end]
        return segments

    def document_segments(self, doc_id: int) -> list[Segment]:
        """All segments of one document, their text sliced here (SQLite's substr() walks the
        text from its start for every row: slow for long transcripts)."""
        text = self.documents.get(doc_id).text
        segments = self.store.segments(doc_id=doc_id, with_text=False)
        for s in segments:
            s.text = text[s.start:s.end]
        return segments

    # --- counts -------------------------------------------------------------------------------

    def coders(self) -> list[str]:
        """Everyone who has coded in this project, in the order they first did."""
        return self.store.coders()

    def code_counts(self, coder: str | None = None) -> dict[int, int]:
        """Segments per code id, for one coder or all."""
        coder_id = self.store.coder_id(coder, create=False) if coder else None
        if coder and coder_id is None:
            return {}
        return self.store.code_segment_counts(coder_id)

    def progress(self, coder: str | None = None, doc_id: int | None = None) -> dict[int, tuple[int, int]]:
        """Per document (or for one): (sentences with a segment, sentences), for one coder or all."""
        coder_id = self.store.coder_id(coder, create=False) if coder else None
        if coder and coder_id is None:
            return {d.id: (0, d.sentences) for d in self.documents.list() if doc_id in (None, d.id)}
        return self.store.sentence_coverage(coder_id, doc_id)

    # --- undo and redo ------------------------------------------------------------------------

    def can_undo(self, actor: str) -> bool:
        return bool(self._undo_state(actor)[0])

    def undo(self, actor: str | None = None) -> str | None:
        """Undo the actor's last coding action; returns what was undone, or None."""
        return self._step(actor, undo=True)

    def redo(self, actor: str | None = None) -> str | None:
        return self._step(actor, undo=False)

    def _undo_state(self, actor: str) -> tuple[list[list[dict]], list[list[dict]]]:
        """(done, undone) coding steps of `actor`, replayed from the events table: a step is the
        run of events that share a step id, or one event without one."""
        events = self.store.events_of(actor, (*CODING_ACTIONS, "undo", "redo"))
        done: list[list[dict]] = []
        undone: list[list[dict]] = []
        joining = None  # the step id the last coding event belonged to
        for event in events:
            action, payload = event["action"], event["payload"]
            if action in CODING_ACTIONS:
                step = payload.get("step")
                if step is not None and step == joining:
                    done[-1].append(event)
                else:
                    done.append([event])
                    undone.clear()
                joining = step
                continue
            joining = None
            source, target = (done, undone) if action == "undo" else (undone, done)
            if source and source[-1][0]["id"] == payload["event"]:
                target.append(source.pop())
        return done, undone

    def _step(self, actor: str | None, undo: bool) -> str | None:
        actor = actor or default_coder()
        done, undone = self._undo_state(actor)
        stack = done if undo else undone
        if not stack:
            return None
        events = stack[-1]
        word = "undo" if undo else "redo"
        what = describe_step(events)
        with self.store.transaction():
            try:
                with self.store.transaction():  # a step that cannot be replayed whole is not replayed at all
                    for event in reversed(events) if undo else events:
                        self._apply_event(event, inverse=undo)
            except QualcodeError as exc:
                # someone else changed that segment meanwhile: step past it rather than stick
                self.store.log(actor, word, {"event": events[0]["id"], "action": events[0]["action"],
                                             "skipped": exc.message})
                return f"{word} skipped ({exc.message}): {what}"
            self.store.log(actor, word, {"event": events[0]["id"], "action": events[0]["action"]})
        return f"{word}: {what}"

    def _apply_event(self, event: dict, inverse: bool) -> None:
        action, payload = event["action"], event["payload"]
        adding = (action == "segment.add") != inverse
        current = self.store.segment_row(payload["uid"])
        if action in ("segment.add", "segment.remove"):
            if adding:
                if current:
                    raise QualcodeError("the segment exists already", payload["uid"])
                self.store.insert_segment({k: payload[k] for k in SEGMENT_COLUMNS})
            else:
                if current is None:
                    raise QualcodeError("the segment was removed meanwhile", payload["uid"])
                self.store.delete_segment(current["id"])
            return
        if current is None:
            raise QualcodeError("the segment was removed meanwhile", payload["uid"])
        self.store.update_segment(current["id"], **(payload["before"] if inverse else payload["after"]))


def _check_codable_span(doc: Document, start: int, end: int) -> None:
    check_span(doc, start, end)
    if not doc.text[start:end].strip():
        raise QualcodeError(f"span {start}:{end} holds only white space", doc.name)


def describe_step(events: list[dict]) -> str:
    if len(events) == 1:
        return describe_coding(events[0])
    return f"{len(events)} codings added (autocoding)"


def describe_coding(event: dict) -> str:
    p = event["payload"]
    what = {"segment.add": "coding added", "segment.remove": "coding removed",
            "segment.update": "segment changed"}[event["action"]]
    if event["action"] == "segment.update":
        return f"{what} ({', '.join(p['after'])})"
    return f"{what} ({p.get('start')}:{p.get('end')})"
