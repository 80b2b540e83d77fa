"""Agreement and reconciliation operations of a Project.

Agreement compares coders over the documents all of them coded. Reconciliation walks the
units where two coders disagree; each decision writes the consensus coder's segments for
that unit (what both agreed on, plus what the decision keeps) and is stored with who,
when, the choice and a note.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..errors import QualcodeError
from ..store.base import new_uid, now

CHOICES = ("accept-a", "accept-b", "both", "neither", "edit")
_SWAP = {"accept-a": "accept-b", "accept-b": "accept-a"}
CONTEXT = 120


@dataclass
class QueueItem:
    key: str
    position: int
    doc_id: int
    document: str
    unit_index: int
    start: int
    end: int
    text: str
    before: str
    after: str
    codes_a: list[str]  # every code coder A put on the unit
    codes_b: list[str]
    disputed: list[str]  # the codes only one of them put there
    decision: dict | None


class AgreementOps:
    def _coders(self, coders: list[str]) -> list[str]:
        coders = [c.strip() for c in coders if c.strip()]
        if len(coders) < 2 or len(set(coders)) != len(coders):
            raise QualcodeError("compare at least two different coders", ",".join(coders))
        known = set(self.store.coders())
        for coder in coders:
            if coder not in known:
                raise QualcodeError("no such coder", coder)
        return coders

    def coding_documents(self, coders: list[str], unit: str = "sentence", docs: list[str] | None = None,
                         codes: list[str] | None = None) -> list:
        """The documents to compare: those named, else those every coder has coded."""
        from ..analysis.agreement import CodedSpan, DocumentCoding  # numpy: loaded only when needed

        if unit not in ("sentence", "turn", "char"):
            raise QualcodeError(f"unknown unit '{unit}' (use sentence, turn or char)", unit)
        code_names = {self.code(c).name for c in codes} if codes else None
        chosen = [self.document(d) for d in docs] if docs else None
        out = []
        for summary in self.documents():
            if chosen is not None and summary.id not in {d.id for d in chosen}:
                continue
            segments = [s for s in self.store.segments(doc_id=summary.id, with_text=False) if s.coder in coders]
            if chosen is None and {s.coder for s in segments} != set(coders):
                continue
            doc = self.document(summary.id)
            units = [] if unit == "char" else [(u.start, u.end) for u in self.units(doc.id, unit)]
            spans = [CodedSpan(s.coder, s.code, s.start, s.end) for s in segments
                     if code_names is None or s.code in code_names]
            out.append(DocumentCoding(doc.name, doc.text, units, spans))
        return out

    def agreement(self, coders: list[str], unit: str = "sentence", docs: list[str] | None = None,
                  codes: list[str] | None = None, overlap: float = 0.9) -> dict:
        coders = self._coders(coders)
        documents = self.coding_documents(coders, unit, docs, codes)
        if not documents:
            raise QualcodeError("no document is coded by all of these coders (name documents with --doc)",
                                ",".join(coders))
        from ..analysis.agreement import compute_agreement

        code_names = [self.code(c).name for c in codes] if codes else None
        return compute_agreement(documents, coders, unit, code_names, overlap,
                                 consensus=self.consensus_name()).to_json()

    def disagreement_list(self, coders: list[str], unit: str = "sentence", docs: list[str] | None = None,
                          codes: list[str] | None = None):
        from ..analysis.agreement import disagreements

        coders = self._coders(coders)
        documents = self.coding_documents(coders, unit, docs, codes)
        return disagreements(documents, coders, unit, [self.code(c).name for c in codes] if codes else None)

    # --- reconciliation -------------------------------------------------------------------------

    def reconcile_queue(self, a: str, b: str, unit: str = "sentence", docs: list[str] | None = None,
                        consensus: str = "consensus") -> list[QueueItem]:
        """Units where A and B disagree, in document order, with any decision already made."""
        if unit == "char":
            raise QualcodeError("reconcile by sentence or turn (character runs are not units)", unit)
        a, b = self._coders([a, b])
        # a decision belongs to the pair, whichever order the coders are named in
        pair = sorted([a, b])
        swapped = pair != [a, b]
        decided = self.store.decisions(consensus, pair)
        if not self.coding_documents([a, b], unit, docs):
            raise QualcodeError("no document is coded by both of these coders (name documents with --doc)",
                                f"{a},{b}")
        grouped: dict[tuple[str, int], list] = {}
        for d in self.disagreement_list([a, b], unit, docs):
            grouped.setdefault((d.document, d.unit_index), []).append(d)
        items = []
        texts: dict[str, tuple[int, str]] = {}
        doc_uids = {}
        for (document, index), found in grouped.items():
            if document not in texts:
                doc = self.document(document)
                texts[document] = (doc.id, doc.text)
                doc_uids[document] = doc.uid
            doc_id, text = texts[document]
            start, end = found[0].start, found[0].end
            mine = [s for s in self.store.segments(doc_id=doc_id, with_text=False)
                    if s.start < end and start < s.end]
            key = hashlib.sha1(f"{doc_uids[document]}:{unit}:{start}:{end}:{pair[0]}:{pair[1]}".encode()).hexdigest()[:8]
            decision = decided.get(key)
            if decision and swapped:  # told in the order the coders were named
                decision = {**decision, "choice": _SWAP.get(decision["choice"], decision["choice"])}
            items.append(QueueItem(
                key=key, position=len(items) + 1, doc_id=doc_id, document=document, unit_index=index,
                start=start, end=end, text=text[start:end], before=text[max(0, start - CONTEXT):start],
                after=text[end:end + CONTEXT],
                codes_a=sorted({s.code for s in mine if s.coder == a}),
                codes_b=sorted({s.code for s in mine if s.coder == b}),
                disputed=sorted({d.code for d in found}), decision=decision,
            ))
        return items

    def reconcile_agreed(self, a: str, b: str, unit: str = "sentence", docs: list[str] | None = None,
                         consensus: str = "consensus", actor: str | None = None) -> int:
        """Write what A and B agree on (unit by unit) as consensus segments; returns how many
        were added (running it again adds none)."""
        if unit == "char":
            raise QualcodeError("reconcile by sentence or turn (character runs are not units)", unit)
        a, b = self._coders([a, b])
        actor = actor or self.default_actor()
        added = 0
        with self.store.transaction():
            consensus_id = self.store.coder_id(consensus, create=False)  # made when first needed
            existing = {(s.doc_id, s.code_id, s.start, s.end)
                        for s in self.store.segments(coder_id=consensus_id, with_text=False)} if consensus_id else set()
            for doc in self.coding_documents([a, b], unit, docs):
                doc_id = self.document(doc.name).id
                segments = [s for s in self.store.segments(doc_id=doc_id, with_text=False) if s.coder in (a, b)]
                codes = {s.code: s.code_id for s in segments}
                for start, end in doc.units:
                    here = {coder: {s.code for s in segments if s.coder == coder and s.start < end and start < s.end
                                    and doc.text[max(s.start, start):min(s.end, end)].strip()}
                            for coder in (a, b)}
                    for code in sorted(here[a] & here[b]):
                        key = (doc_id, codes[code], start, end)
                        if key not in existing:
                            consensus_id = consensus_id or self.store.coder_id(consensus)
                            self._consensus_segment(doc_id, codes[code], start, end, consensus_id)
                            existing.add(key)
                            added += 1
            if added:
                self.store.log(actor, "reconcile.agreed", {"coders": [a, b], "unit": unit, "added": added,
                                                           "consensus": consensus})
        return added

    def decide(self, a: str, b: str, key: str, choice: str, *, note: str | None = None,
               unit: str = "sentence", span: tuple[int, int] | None = None, codes: list[str] | None = None,
               consensus: str = "consensus", actor: str | None = None) -> QueueItem:
        """Decide one disputed unit: accept A's codes, B's, both, neither, or edit the span."""
        if choice not in CHOICES:
            raise QualcodeError(f"unknown choice '{choice}' (use {', '.join(CHOICES)})", choice)
        actor = actor or self.default_actor()
        item = next((i for i in self.reconcile_queue(a, b, unit, consensus=consensus) if i.key == key), None)
        if item is None:
            raise QualcodeError("no such disagreement (see 'qualcode disagreements')", key)
        agreed = sorted(set(item.codes_a) & set(item.codes_b))
        keep = {
            "accept-a": [c for c in item.disputed if c in item.codes_a],
            "accept-b": [c for c in item.disputed if c in item.codes_b],
            "both": list(item.disputed), "neither": [],
            "edit": [self.code(c).name for c in codes] if codes else list(item.disputed),
        }[choice]
        start, end = span if (choice == "edit" and span) else (item.start, item.end)
        text = self.document(item.doc_id).text
        if not (0 <= start < end <= len(text)) or not text[start:end].strip():
            raise QualcodeError(f"span {start}:{end} is not a span of the text", item.document)
        with self.store.transaction():
            consensus_id = self.store.coder_id(consensus)
            previous = item.decision["segments"] if item.decision else []
            for uid in previous:  # a changed mind: what the earlier decision wrote goes
                row = self.store.segment_row(uid)
                if row:
                    self.store.delete_segment(row["id"])
            written = []
            present = {(s.code_id, s.start, s.end) for s in self.store.segments(
                doc_id=item.doc_id, coder_id=consensus_id, with_text=False)}
            for name in sorted(set(agreed) | set(keep)):
                code = self.code(name)
                if (code.id, start, end) not in present:
                    written.append(self._consensus_segment(item.doc_id, code.id, start, end, consensus_id))
            swapped = sorted([a, b]) != [a, b]
            self.store.save_decision({
                "key": key, "coders": sorted([a, b]), "unit": unit, "doc_id": item.doc_id, "start": start,
                "end": end, "choice": _SWAP.get(choice, choice) if swapped else choice, "codes": sorted(set(agreed) | set(keep)), "note": note or None,
                "decided_by": actor, "consensus": consensus, "segments": written,
            })
            self.store.log(actor, "reconcile.decide", {"key": key, "coders": [a, b], "choice": choice,
                                                       "codes": sorted(set(agreed) | set(keep)), "note": note,
                                                       "document": item.document, "start": start, "end": end})
        return next(i for i in self.reconcile_queue(a, b, unit, consensus=consensus) if i.key == key)

    def _consensus_segment(self, doc_id: int, code_id: int, start: int, end: int, coder_id: int) -> str:
        uid = new_uid()
        self.store.insert_segment({"uid": uid, "doc_id": doc_id, "code_id": code_id, "coder_id": coder_id,
                                   "start": start, "end": end, "memo": None, "exemplar": 0,
                                   "translation": None, "created_at": now()})
        return uid
