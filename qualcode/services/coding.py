"""Coding: segments (a code on a span of a document by a coder), and undo/redo of them.

Undo and redo replay the actor's coding events from the events table, so the history
survives a restart and is the same whichever face made the change. Autocoding adds many
segments as one undo step (their events share a step id, services/history.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analysis.autocode import AutocodePlan
from ..errors import QualcodeError
from ..model import Code, Document, Segment, plural
from ..store import Store
from ..store.base import new_uid, now
from .codebook import CodebookService
from .common import check_span, default_coder
from .documents import DocumentService
from .history import SEGMENT_ACTIONS, History, StepResult

if TYPE_CHECKING:  # numpy loads only when a whole project's coding is read
    from ..analysis.columns import ProjectCoding

SEGMENT_COLUMNS = ("uid", "doc_id", "code_id", "coder_id", "start", "end", "memo", "exemplar",
                   "translation", "created_at")


class CodingService:
    def __init__(self, store: Store, documents: DocumentService, codebook: CodebookService) -> None:
        self.store = store
        self.documents = documents
        self.codebook = codebook
        self.history = History(store)
        for action in SEGMENT_ACTIONS:
            self.history.register(action, self._replay_segments)
        self.history.register("code.change", codebook.replay_changes)
        self.history.register("code.merge", self._replay_merge)

    # --- segments -----------------------------------------------------------------------------

    def columns(self, unit: str = "sentence", coders: list[str] | None = None,
                doc_ids: set[int] | None = None) -> ProjectCoding:
        """The documents (all, or these) and their coding (everyone's, or these coders') as
        arrays, with their sentences or turns (`unit`; none for "char"): a few statements
        for a whole project, no object per segment (analysis/columns.py)."""
        import numpy as np

        from ..analysis.columns import JoinedTexts, ProjectCoding

        names = self.store.coder_ids()
        chosen = None if coders is None else [names[c] for c in coders if c in names]
        documents = self.store.document_refs(doc_ids)
        texts = self.store.document_texts(doc_ids)
        if unit == "sentence":
            units = self.store.sentence_rows(doc_ids)
        elif unit == "turn":
            units = self.store.turn_rows(doc_ids)[:, :3]
        else:
            units = np.zeros((0, 3), np.int64)
        return ProjectCoding(documents, JoinedTexts([texts[d.id] for d in documents]),
                             self.store.segment_columns(chosen, doc_ids), units,
                             {i: name for name, i in names.items()},
                             {c.id: c.name for c in self.store.codes()})


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

    def create_and_apply(self, name: str, parent: str | None, doc_ref: str | int, start: int, end: int,
                         coder: str | None = None) -> Segment:
        """Add a code and apply it to [start, end): one undo step, undone together."""
        coder = coder or default_coder()
        with self.store.step():
            code = self.codebook.add_code(name, parent, actor=coder)
            return self.add_segment(doc_ref, code.uid, start, end, coder=coder)

    def _applicable(self, code_ref: str | int) -> Code:
        code = self.codebook.code(code_ref)
        if not code.codable:
            raise QualcodeError("this code is a category and cannot be applied", code.name)
        if code.retired:
            raise QualcodeError("this code is retired", code.name)
        return code

    def apply_autocode(self, plan: AutocodePlan, *, dry_run: bool = False) -> list[Segment]:
        """The segments an autocoding plan adds (analysis.autocode; project.queries.plan_autocode
        makes one for a code and a coder), in document order: written as one undo step (their
        events share a step id) and recorded as one `autocode` event; with `dry_run`, the same
        segments unsaved (no id, no uid)."""
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
        with self.store.step():
            coder_id = self.store.coder_id(coder)
            for segment in segments:
                row = {"uid": new_uid(), "doc_id": segment.doc_id, "code_id": code.id, "coder_id": coder_id,
                       "start": segment.start, "end": segment.end, "memo": None, "exemplar": 0,
                       "translation": None, "created_at": now()}
                segment.id, segment.uid, segment.created_at = self.store.insert_segment(row), row["uid"], \
                    row["created_at"]
                # the row as store.segment_row reads it, without reading it back
                self.store.log(coder, "segment.add", {"id": segment.id, **row, "coder_name": coder,
                                                      "code_uid": code.uid, "code_name": code.name,
                                                      "doc_uid": docs[segment.doc_id].uid})
            self.store.log(coder, "autocode", {**plan.about, "code": code.name, "code_uid": code.uid,
                                               "hits": plan.hits, "added": len(segments),
                                               "already_coded": plan.already_coded, "outside": plan.outside})
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
            self.store.log(actor, "segment.update", {"uid": row["uid"], "doc_id": row["doc_id"], "start": row["start"],
                                                     "end": row["end"], "before": before, "after": changes})
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

    def merge_codes(self, source: str, target: str, actor: str | None = None) -> int:
        """Merge `source` into `target`: every coding of source becomes target's (one that target
        has already, same coder and span, goes), source's themes gain target, source goes.
        One undo step (codebook scope); returns how many codings moved."""
        actor = actor or default_coder()
        src, dst = self.codebook.code(source), self.codebook.code(target)
        if src.id == dst.id:
            raise QualcodeError("a code cannot be merged into itself", src.name)
        if not (dst.codable and not dst.retired):
            raise QualcodeError("merge into a codable code that is not retired", dst.name)
        if any(c.parent_id == src.id for c in self.codebook.codes()):
            raise QualcodeError("this code has child codes: move them first", src.name)
        with self.store.step(), self.codebook.undoable(actor):
            have = {(s.doc_id, s.coder, s.start, s.end) for s in self.store.segments(code_id=dst.id, with_text=False)}
            moved, removed = [], []
            for s in self.store.segments(code_id=src.id, with_text=False):
                if (s.doc_id, s.coder, s.start, s.end) in have:
                    removed.append(self.store.segment_row(s.id))
                    self.store.delete_segment(s.id)
                else:
                    moved.append(s.uid)
                    self.store.update_segment(s.id, code_id=dst.id)
            for theme in self.store.themes():
                if src.id in theme.code_ids and dst.id not in theme.code_ids:
                    self.store.set_theme_codes(theme.id, [dst.id if i == src.id else i for i in theme.code_ids])
            self.store.log(actor, "code.merge", {"uid": src.uid, "name": src.name, "into": dst.uid,
                                                 "into_name": dst.name, "moved": moved, "removed": removed})
            self.store.delete_code(src.id)
        return len(moved) + len(removed)

    def _replay_merge(self, events: list[dict], inverse: bool) -> None:
        for event in events:
            p = event["payload"]
            src, dst = self.store.find_code(p["uid"]), self.store.find_code(p["into"])
            if src is None or dst is None:
                raise QualcodeError("a merged code was deleted meanwhile", p["name"])
            for uid in p["moved"]:
                row = self.store.segment_row(uid)
                if row is None:
                    raise QualcodeError("a merged coding was removed meanwhile", uid)
                self.store.update_segment(row["id"], code_id=src.id if inverse else dst.id)
            for row in p["removed"]:
                if inverse:
                    self.restore_segment(row)
                else:
                    self.drop_segment(row["uid"])

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
        if coder and coder_id is None:  # a coder who has coded nothing yet
            return {d: (0, total) for d, (_, total) in self.store.sentence_coverage(None, doc_id).items()}
        return self.store.sentence_coverage(coder_id, doc_id)

    # --- undo and redo ------------------------------------------------------------------------

    def can_undo(self, actor: str, scope: str = "coding") -> bool:
        return self.history.can_undo(actor, scope)

    def undo(self, actor: str | None = None) -> str | None:
        """Undo the actor's last coding action; returns what was undone, or None."""
        result = self.undo_step(actor)
        return self.describe(result) if result else None

    def redo(self, actor: str | None = None) -> str | None:
        result = self.redo_step(actor)
        return self.describe(result) if result else None

    def undo_step(self, actor: str | None = None, scope: str = "coding") -> StepResult | None:
        """Undo the actor's last step in `scope` (coding, codebook); `describe` and `where` tell it."""
        return self.history.step(actor or default_coder(), scope, undo=True)

    def redo_step(self, actor: str | None = None, scope: str = "coding") -> StepResult | None:
        return self.history.step(actor or default_coder(), scope, undo=False)

    def describe(self, result: StepResult) -> str:
        """"undo: coding added in fg (12:40, Trygghet)", and why it was skipped if it was."""
        what = describe_step(result.events, self._document_name)
        if result.skipped:
            return f"{result.word} skipped ({result.skipped}): {what}"
        return f"{result.word}: {what}"

    def where(self, result: StepResult) -> tuple[int, int, int] | None:
        """(document id, start, end) of the coding a step changed, if it changed one."""
        for event in result.events:
            if event["action"] in SEGMENT_ACTIONS:
                row = event["payload"] if "doc_id" in event["payload"] else self.store.segment_row(
                    event["payload"]["uid"])
                if row:
                    return row["doc_id"], row["start"], row["end"]
        return None

    def _document_name(self, doc_id: int) -> str:
        doc = self.store.find_document(str(doc_id))  # one row by id, not the listing of a thousand
        return doc.name if doc is not None else f"document {doc_id}"

    def restore_segment(self, row: dict) -> None:
        """Put a segment back as an event recorded it (its code found by uid: a code deleted and
        made again has another id)."""
        if self.store.segment_row(row["uid"]):
            raise QualcodeError("the segment exists already", row["uid"])
        code = self.store.find_code(row["code_uid"]) if row.get("code_uid") else None
        if row.get("code_uid") and code is None:
            raise QualcodeError("its code was deleted meanwhile", row["uid"])
        values = {k: row[k] for k in SEGMENT_COLUMNS}
        if code is not None:
            values["code_id"] = code.id
        if row.get("coder_name"):
            values["coder_id"] = self.store.coder_id(row["coder_name"])
        self.store.insert_segment(values)

    def drop_segment(self, uid: str) -> None:
        """Delete a segment an event recorded; refused when it is gone already."""
        current = self.store.segment_row(uid)
        if current is None:
            raise QualcodeError("the segment was removed meanwhile", uid)
        self.store.delete_segment(current["id"])

    def _replay_segments(self, events: list[dict], inverse: bool) -> None:
        for event in events:
            action, payload = event["action"], event["payload"]
            if action == "segment.update":
                current = self.store.segment_row(payload["uid"])
                if current is None:
                    raise QualcodeError("the segment was removed meanwhile", payload["uid"])
                values = payload["before"] if inverse else payload["after"]
                if "code_id" in values and not any(c.id == values["code_id"] for c in self.store.codes()):
                    raise QualcodeError("its code was deleted meanwhile", payload["uid"])
                self.store.update_segment(current["id"], **values)
            elif (action == "segment.add") != inverse:
                self.restore_segment(payload)
            else:
                self.drop_segment(payload["uid"])


def _check_codable_span(doc: Document, start: int, end: int) -> None:
    check_span(doc, start, end)
    if not doc.text[start:end].strip():
        raise QualcodeError(f"span {start}:{end} holds only white space", doc.name)


def describe_step(events: list[dict], document_name) -> str:
    """One line for an undo step: its coding (with document, span and code; an autocoding's
    count), else its codebook change, else its reconciliation."""
    added = [e["payload"] for e in events if e["action"] == "segment.add"]
    if len(added) > 1:
        docs = {p["doc_id"] for p in added}
        where = document_name(added[0]["doc_id"]) if len(docs) == 1 else f"{len(docs)} documents"
        return f"{len(added)} codings added in {where} ({added[0].get('code_name') or 'autocoding'})"
    segment = next((e for e in events if e["action"] in SEGMENT_ACTIONS), None)
    created = [e["payload"]["after"]["name"] for e in events
               if e["action"] == "code.change" and e["payload"]["before"] is None]
    if segment is not None:
        p = segment["payload"]
        what = {"segment.add": "coding added", "segment.remove": "coding removed",
                "segment.update": "segment changed"}[segment["action"]]
        if segment["action"] == "segment.update":
            text = f"{what} ({', '.join(p['after'])})"
            return text + (f" in {document_name(p['doc_id'])}" if "doc_id" in p else "")
        code = f", new code '{created[0]}'" if created else (f", {p['code_name']}" if p.get("code_name") else "")
        return f"{what} in {document_name(p['doc_id'])} ({p['start']}:{p['end']}{code})"
    merged = next((e for e in events if e["action"] == "code.merge"), None)
    if merged is not None:
        return f"code '{merged['payload']['name']}' merged into '{merged['payload']['into_name']}'"
    changes = [e["payload"] for e in events if e["action"] == "code.change"]
    if changes:
        first = changes[0]
        if first["before"] is None:
            return f"code '{first['after']['name']}' added"
        if first["after"] is None:
            return f"code '{first['before']['name']}' deleted"
        return f"code '{first['after']['name']}' changed" + (f" (and {len(changes) - 1} more)" if len(changes) > 1
                                                            else "")
    decided = next((e for e in events if e["action"] == "reconcile.decide"), None)
    if decided is not None:
        p = decided["payload"]
        return f"decision '{p['choice']}' in {p['document']} ({p['start']}:{p['end']})"
    agreed = next((e for e in events if e["action"] == "reconcile.agreed"), None)
    if agreed is not None:
        return plural(agreed["payload"]["added"], "agreed coding") + " written"
    return events[0]["action"]
