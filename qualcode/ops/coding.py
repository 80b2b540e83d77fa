"""Coding operations of a Project: segments, and undo/redo from the events table."""

from __future__ import annotations

from ..errors import QualcodeError
from ..model import Segment
from ..store.store import new_uid, now
from .common import check_span


class CodingOps:
    def transaction(self):
        """Group several actions into one transaction (one undo step is still one action)."""
        return self.store.transaction()

    def add_segment(self, doc_ref: str | int, code_ref: str, start: int, end: int,
                    coder: str | None = None, memo: str | None = None, *, exemplar: bool = False,
                    translation: str | None = None) -> Segment:
        coder = coder or self.default_actor()
        doc = self.document(doc_ref)
        code = self.code(code_ref)
        if not code.codable:
            raise QualcodeError("this code is a category and cannot be applied", code.name)
        if code.retired:
            raise QualcodeError("this code is retired", code.name)
        check_span(doc, start, end)
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
        actor = actor or self.default_actor()
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


