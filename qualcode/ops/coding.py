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
        segments = self.store.segments(doc_id=doc_id, code_id=code_id, coder_id=coder_id, with_text=False)
        texts: dict[int, str] = {}
        for s in segments:  # one read of each document's text, not a substr() per segment
            if s.doc_id not in texts:
                texts[s.doc_id] = self.store.document(s.doc_id).text
            s.text = texts[s.doc_id][s.start:s.end]
        return segments

    def code_counts(self, coder: str | None = None) -> dict[int, int]:
        """Segments per code id, for one coder or all."""
        coder_id = self.store.coder_id(coder, create=False) if coder else None
        if coder and coder_id is None:
            return {}
        return self.store.code_segment_counts(coder_id)


    def document_segments(self, doc_id: int) -> list[Segment]:
        """All segments of one document, their text sliced here (SQLite's substr() walks the
        text from its start for every row: slow for long transcripts)."""
        text = self.document(doc_id).text
        segments = self.store.segments(doc_id=doc_id, with_text=False)
        for s in segments:
            s.text = text[s.start:s.end]
        return segments

    def update_segment(self, segment_id: int | str, actor: str | None = None, **changes) -> Segment:
        """Change memo, exemplar, translation or code of a segment (one undoable action)."""
        actor = actor or self.default_actor()
        row = self.store.segment_row(segment_id)
        if row is None:
            raise QualcodeError("no such segment", segment_id)
        if "code" in changes:
            code = self.code(changes.pop("code"))
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

    # --- undo and redo --------------------------------------------------------------------------

    def _undo_state(self, actor: str) -> tuple[list[dict], list[dict]]:
        """(done, undone) coding events of `actor`, replayed from the events table, so the
        history survives restarts."""
        events = self.store.events_of(actor, (*CODING_ACTIONS, "undo", "redo"))
        by_id = {e["id"]: e for e in events}
        done: list[dict] = []
        undone: list[dict] = []
        for event in events:
            if event["action"] in CODING_ACTIONS:
                done.append(event)
                undone.clear()
            elif event["action"] == "undo" and done and done[-1]["id"] == event["payload"]["event"]:
                undone.append(done.pop())
            elif event["action"] == "redo" and undone and undone[-1]["id"] == event["payload"]["event"]:
                done.append(by_id[undone.pop()["id"]])
        return done, undone

    def can_undo(self, actor: str) -> bool:
        return bool(self._undo_state(actor)[0])

    def undo(self, actor: str | None = None) -> str | None:
        """Undo the actor's last coding action; returns what was undone, or None."""
        return self._step(actor, undo=True)

    def redo(self, actor: str | None = None) -> str | None:
        return self._step(actor, undo=False)

    def _step(self, actor: str | None, undo: bool) -> str | None:
        actor = actor or self.default_actor()
        done, undone = self._undo_state(actor)
        stack = done if undo else undone
        if not stack:
            return None
        event = stack[-1]
        word = "undo" if undo else "redo"
        with self.store.transaction():
            try:
                self._apply_event(event, inverse=undo)
            except QualcodeError as exc:
                # someone else changed that segment meanwhile: step past it rather than stick
                self.store.log(actor, word, {"event": event["id"], "action": event["action"], "skipped": exc.message})
                return f"{word} skipped ({exc.message}): {describe_coding(event)}"
            self.store.log(actor, word, {"event": event["id"], "action": event["action"]})
        return f"{word}: {describe_coding(event)}"

    def _apply_event(self, event: dict, inverse: bool) -> None:
        action, payload = event["action"], event["payload"]
        adding = (action == "segment.add") != inverse
        if action in ("segment.add", "segment.remove"):
            current = self.store.segment_row(payload["uid"])
            if adding:
                if current:
                    raise QualcodeError("the segment exists already", payload["uid"])
                self.store.insert_segment({k: payload[k] for k in SEGMENT_COLUMNS})
            else:
                if current is None:
                    raise QualcodeError("the segment was removed meanwhile", payload["uid"])
                self.store.delete_segment(current["id"])
            return
        current = self.store.segment_row(payload["uid"])
        if current is None:
            raise QualcodeError("the segment was removed meanwhile", payload["uid"])
        self.store.update_segment(current["id"], **(payload["before"] if inverse else payload["after"]))

    # --- reading helpers for the faces ----------------------------------------------------------

    def quick_codes(self) -> list:
        """Nine slots for keys 1-9: pinned codes, else the first codable codes in codebook order."""
        import json

        codes = [c for c in self.codes() if c.codable and not c.retired]
        pinned = json.loads(self.store.setting("quick_codes") or "[]")
        by_uid = {c.uid: c for c in codes}
        slots = [by_uid.get(uid) for uid in pinned[:9]] + [None] * (9 - len(pinned[:9]))
        rest = iter(c for c in codes if c not in slots)
        return [slot or next(rest, None) for slot in slots]

    def pin_quick_code(self, slot: int, code_ref: str) -> None:
        import json

        if not 1 <= slot <= 9:
            raise QualcodeError("quick code slots are 1-9", slot)
        code = self.code(code_ref)
        pinned = json.loads(self.store.setting("quick_codes") or "[]")
        pinned += [None] * (9 - len(pinned))
        pinned[slot - 1] = code.uid
        with self.store.transaction():
            self.store.set_setting("quick_codes", json.dumps(pinned))

    def search(self, doc_ref: str | int, query: str) -> list[tuple[int, int]]:
        """Where `query` occurs: as text (any case), and as a word in any inflection (lemma)."""
        import re

        query = query.strip()
        if not query:
            return []
        doc = self.document(doc_ref)
        hits = {(m.start(), m.end()) for m in re.finditer(re.escape(query), doc.text, re.IGNORECASE)}
        if " " not in query:
            hits |= {(s, e) for _, s, e in self.store.lemma_spans(query.lower(), doc.id)}
        # "läkare" found as text inside "läkaren" (a lemma hit) is one hit, the longer
        return sorted(h for h in hits if not any(o != h and o[0] <= h[0] and h[1] <= o[1] for o in hits))

    def progress(self, coder: str | None = None, doc_id: int | None = None) -> dict[int, tuple[int, int]]:
        """Per document (or for one): (sentences with a segment, sentences), for one coder or all."""
        coder_id = self.store.coder_id(coder, create=False) if coder else None
        if coder and coder_id is None:
            return {d.id: (0, d.sentences) for d in self.documents() if doc_id in (None, d.id)}
        return self.store.sentence_coverage(coder_id, doc_id)


CODING_ACTIONS = ("segment.add", "segment.remove", "segment.update")
SEGMENT_COLUMNS = ("uid", "doc_id", "code_id", "coder_id", "start", "end", "memo", "exemplar",
                   "translation", "created_at")


def describe_coding(event: dict) -> str:
    p = event["payload"]
    what = {"segment.add": "coding added", "segment.remove": "coding removed",
            "segment.update": "segment changed"}[event["action"]]
    if event["action"] == "segment.update":
        return f"{what} ({', '.join(p['after'])})"
    return f"{what} ({p.get('start')}:{p.get('end')})"


def coded_units(units: list, spans: list[tuple[int, int]]) -> int:
    """How many units some span overlaps: merged intervals and a bisection per unit."""
    from bisect import bisect_left

    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    ends = [e for _, e in merged]
    count = 0
    for unit in units:
        i = bisect_left(ends, unit.start + 1)  # first interval ending after the unit starts
        if i < len(merged) and merged[i][0] < unit.end:
            count += 1
    return count


def covering(segments: list[Segment], start: int, end: int | None = None) -> list[Segment]:
    """Segments under a cursor (end None) or overlapping a selection."""
    if end is None or end == start:
        return [s for s in segments if s.start <= start < s.end]
    return [s for s in segments if s.start < end and start < s.end]
