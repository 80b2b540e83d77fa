"""Working as a team: agreement between coders, reconciliation into the consensus coder,
merging a co-author's project.

Agreement compares coders over the documents all of them coded. Reconciliation walks the
units where two coders disagree; each decision writes the consensus coder's segments for
that unit (what both agreed on, plus what the decision keeps) and is stored with who,
when, the choice and a note. The consensus coder is whoever `settings.consensus_coder` names.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..analysis.spans import present_codes
from ..errors import QualcodeError
from ..model import QueueItem, decision_key
from ..store import Store
from ..store.base import new_uid, now
from .codebook import CodebookService
from .coding import CodingService
from .common import default_coder, not_found
from .documents import DocumentService
from .history import StepResult, reconcile_scope
from .settings import SettingsService

if TYPE_CHECKING:  # numpy and friends load only when agreement is asked for
    from ..analysis.agreement import Disagreement, DocumentCoding
    from ..analysis.columns import CodingColumns, ProjectCoding
    from ..exchange.merge import MergeReport
    from ..exchange.merge_plan import Conflict

CHOICES = ("accept-a", "accept-b", "both", "neither", "edit")
_SWAP = {"accept-a": "accept-b", "accept-b": "accept-a"}
CONTEXT = 240  # characters of text around a queue item, for a face to cut at a word boundary


class TeamService:
    def __init__(self, store: Store, documents: DocumentService, codebook: CodebookService,
                 coding: CodingService, settings: SettingsService) -> None:
        self.store = store
        self.documents = documents
        self.codebook = codebook
        self.coding = coding
        self.settings = settings
        coding.history.register("reconcile.decide", self._replay)
        coding.history.register("reconcile.agreed", self._replay)

    # --- agreement ----------------------------------------------------------------------------

    def agreement(self, coders: list[str], unit: str = "sentence", docs: list[str] | None = None,
                  codes: list[str] | None = None, overlap: float = 0.9) -> dict:
        """Percent agreement, Cohen's kappa, Krippendorff's alpha, presence and overlap (JSON)."""
        from ..analysis.agreement import compute_agreement

        coders = self._coders(coders)
        documents = self._coding_columns(coders, unit, docs, codes)
        if not documents.names:
            raise QualcodeError("no document is coded by all of these coders (name documents with --doc)",
                                ",".join(coders))
        return compute_agreement(documents, coders, unit, self._code_names(codes), overlap,
                                 consensus=self.settings.consensus_coder).to_json()

    def agreement_headline(self, coders: list[str], project: ProjectCoding | None = None) -> dict:
        """The pooled figures of `agreement` over sentences (A6: `AgreementReport.headline()`),
        what a method paragraph prints, without the presence and overlap it does not print;
        from `project` when the caller has read the project's coding already."""
        from ..analysis.agreement import compute_agreement

        coders = self._coders(coders)
        documents = self._coding_columns(coders, "sentence", project=project)
        if not documents.names:
            raise QualcodeError("no document is coded by all of these coders (name documents with --doc)",
                                ",".join(coders))
        return compute_agreement(documents, coders, "sentence", overlap=None,
                                 consensus=self.settings.consensus_coder).headline()

    def disagreements(self, coders: list[str], unit: str = "sentence", docs: list[str] | None = None,
                      codes: list[str] | None = None) -> list[Disagreement]:
        """Every (document, unit, code) where the coders differ, in document order."""
        from ..analysis.agreement import disagreements

        coders = self._coders(coders)
        return disagreements(self._coding_columns(coders, unit, docs, codes), coders, unit, self._code_names(codes))

    def _code_names(self, codes: list[str] | None) -> list[str] | None:
        return [self.codebook.code(c).name for c in codes] if codes else None

    def _coders(self, coders: list[str]) -> list[str]:
        coders = [c.strip() for c in coders if c.strip()]
        if len(coders) < 2 or len(set(coders)) != len(coders):
            raise QualcodeError("compare at least two different coders", ",".join(coders))
        known = self.coding.coders()
        for coder in coders:
            if coder not in known:
                raise not_found("unknown coder", coder, known)
        return coders

    def _coding_documents(self, coders: list[str], unit: str = "sentence", docs: list[str] | None = None,
                          codes: list[str] | None = None) -> list[DocumentCoding]:
        """The documents to compare, as objects (reconciliation walks them one by one)."""
        return self._coding_columns(coders, unit, docs, codes).documents()

    def _coding_columns(self, coders: list[str], unit: str = "sentence", docs: list[str] | None = None,
                        codes: list[str] | None = None, project: ProjectCoding | None = None) -> CodingColumns:
        """The documents to compare — those named, else those every coder has coded — in import
        order, with their units and the coders' segments, as columns (from `project` when the
        caller has read it already)."""
        from ..analysis.agreement import UNITS

        if unit not in UNITS:
            raise QualcodeError(f"unknown unit '{unit}' (use sentence, turn or char)", unit)
        chosen = {self.documents.get(d).id for d in docs} if docs else None
        if project is None:
            project = self.coding.columns(unit, coders, chosen)
        return project.select(coders, every=chosen is None, codes=self._code_names(codes))

    # --- reconciliation -----------------------------------------------------------------------

    def reconcile_queue(self, a: str, b: str, unit: str = "sentence",
                        docs: list[str] | None = None) -> list[QueueItem]:
        """Units where A and B disagree, in document order, with any decision already made."""
        a, b = self._reconciled_pair(a, b, unit)
        # a decision belongs to the pair, whichever order the coders are named in
        pair = sorted([a, b])
        swapped = pair != [a, b]
        decided = self.store.decisions(self.settings.consensus_coder, pair)
        if not self._coding_documents([a, b], unit, docs):
            raise QualcodeError("no document is coded by both of these coders (name documents with --doc)",
                                f"{a},{b}")
        grouped: dict[tuple[str, int], list] = {}
        for d in self.disagreements([a, b], unit, docs):
            grouped.setdefault((d.document, d.unit_index), []).append(d)
        items = []
        documents: dict[str, tuple] = {}  # name -> (document, its segments)
        for (name, index), found in grouped.items():
            if name not in documents:
                doc = self.documents.get(name)
                documents[name] = (doc, self.store.segments(doc_id=doc.id, with_text=False))
            doc, segments = documents[name]
            start, end = found[0].start, found[0].end
            present = present_codes(doc.text, segments, start, end)
            key = decision_key(doc.uid, unit, start, end, pair)
            decision = decided.get(key)
            if decision and swapped:  # told in the order the coders were named
                decision = {**decision, "choice": _SWAP.get(decision["choice"], decision["choice"])}
            items.append(QueueItem(
                key=key, position=len(items) + 1, doc_id=doc.id, document=name, unit_index=index,
                start=start, end=end, text=doc.text[start:end], before=doc.text[max(0, start - CONTEXT):start],
                after=doc.text[end:end + CONTEXT],
                codes_a=sorted(present.get(a, set())), codes_b=sorted(present.get(b, set())),
                disputed=sorted({d.code for d in found}), decision=decision,
            ))
        return items

    def reconcile_agreed(self, a: str, b: str, unit: str = "sentence", docs: list[str] | None = None,
                         actor: str | None = None, *, dry_run: bool = False) -> int:
        """Write what A and B agree on (unit by unit) as consensus segments, one undo step;
        returns how many were added (running it again adds none). `dry_run`: only count them."""
        a, b = self._reconciled_pair(a, b, unit)
        actor = actor or default_coder()
        consensus = self.settings.consensus_coder
        agreed = self._agreed_unwritten(a, b, unit, docs)
        if dry_run or not agreed:
            return len(agreed)
        with self.store.step():
            consensus_id = self.store.coder_id(consensus)
            rows = [self.store.segment_row(self._consensus_segment(doc_id, code_id, start, end, consensus_id))
                    for doc_id, code_id, start, end in agreed]
            self.store.log(actor, "reconcile.agreed", {"coders": [a, b], "unit": unit, "added": len(rows),
                                                       "consensus": consensus, "segments": rows})
        return len(rows)

    def _agreed_unwritten(self, a: str, b: str, unit: str, docs: list[str] | None) -> list[tuple[int, int, int, int]]:
        """(document, code, start, end) of every unit and code both coders agree on that the
        consensus coder does not have yet."""
        consensus_id = self.store.coder_id(self.settings.consensus_coder, create=False)
        existing = {(s.doc_id, s.code_id, s.start, s.end)
                    for s in self.store.segments(coder_id=consensus_id, with_text=False)} if consensus_id else set()
        found = []
        for doc in self._coding_documents([a, b], unit, docs):
            doc_id = self.documents.get(doc.name).id
            segments = [s for s in self.store.segments(doc_id=doc_id, with_text=False) if s.coder in (a, b)]
            codes = {s.code: s.code_id for s in segments}
            for start, end in doc.units:
                present = present_codes(doc.text, segments, start, end)
                for code in sorted(present.get(a, set()) & present.get(b, set())):
                    key = (doc_id, codes[code], start, end)
                    if key not in existing:
                        existing.add(key)
                        found.append(key)
        return found

    def reconcile_pairs(self) -> list[tuple[str, str, int]]:
        """(A, B, documents both coded) for every two coders who share a coded document, the
        most shared first (then the most coding in them: two coders who coded the same
        transcripts through come before one who coded a few examples); never the consensus coder."""
        coded = self.store.coded_documents()
        consensus = self.settings.consensus_coder
        coders = [c for c in self.coding.coders() if c in coded and c != consensus]
        ranked = []
        for i, a in enumerate(coders):
            for b in coders[i + 1:]:
                shared = coded[a].keys() & coded[b].keys()
                if shared:
                    both = sum(min(coded[a][d], coded[b][d]) for d in shared)
                    ranked.append(((-len(shared), -both), (a, b, len(shared))))
        return [pair for _, pair in sorted(ranked, key=lambda r: r[0])]

    def undo(self, a: str, b: str, actor: str | None = None) -> str | None:
        """Undo the actor's last decision (or agreed writing) on this pair, with its consensus codings."""
        return self._step(a, b, actor, undo=True)

    def redo(self, a: str, b: str, actor: str | None = None) -> str | None:
        return self._step(a, b, actor, undo=False)

    def _step(self, a: str, b: str, actor: str | None, undo: bool) -> str | None:
        result = self.undo_step(a, b, actor, undo=undo)
        return self.coding.describe(result) if result else None

    def undo_step(self, a: str, b: str, actor: str | None = None, *, undo: bool = True) -> StepResult | None:
        """Undo (or redo) the actor's last step on this pair; the result names its events
        (a decision's `key` says which item it was)."""
        return self.coding.history.step(actor or default_coder(), reconcile_scope([a, b]), undo=undo)

    def _replay(self, events: list[dict], inverse: bool) -> None:
        for event in events:
            p = event["payload"]
            written = p["segments"] if event["action"] == "reconcile.agreed" else p["added"]
            removed = [] if event["action"] == "reconcile.agreed" else p["removed"]
            for row in written if inverse else removed:
                self.coding.drop_segment(row["uid"])
            for row in removed if inverse else written:
                self.coding.restore_segment(row)
            if event["action"] == "reconcile.decide":
                self.store.restore_decision(p["key"], p["consensus"], p["before"] if inverse else p["after"])

    def decide(self, a: str, b: str, key: str, choice: str, *, note: str | None = None,
               unit: str = "sentence", span: tuple[int, int] | None = None, codes: list[str] | None = None,
               actor: str | None = None) -> QueueItem:
        """Decide one disputed unit: accept A's codes, B's, both, neither, or edit the span."""
        if choice not in CHOICES:
            raise QualcodeError(f"unknown choice '{choice}' (use {', '.join(CHOICES)})", choice)
        actor = actor or default_coder()
        consensus = self.settings.consensus_coder
        item = next((i for i in self.reconcile_queue(a, b, unit) if i.key == key), None)
        if item is None:
            raise QualcodeError(f"no disagreement with the id '{key}'",
                                f"the ids are in the queue: qualcode reconcile --coders {a},{b}")
        agreed = sorted(set(item.codes_a) & set(item.codes_b))
        keep = {
            "accept-a": [c for c in item.disputed if c in item.codes_a],
            "accept-b": [c for c in item.disputed if c in item.codes_b],
            "both": list(item.disputed), "neither": [],
            "edit": self._code_names(codes) or list(item.disputed),
        }[choice]
        start, end = span if (choice == "edit" and span) else (item.start, item.end)
        text = self.documents.get(item.doc_id).text
        if not (0 <= start < end <= len(text)) or not text[start:end].strip():
            raise QualcodeError(f"span {start}:{end} is not a span of the text", item.document)
        decided = sorted(set(agreed) | set(keep))
        with self.store.step():
            consensus_id = self.store.coder_id(consensus)
            before = self.store.decision_raw(key, consensus)
            removed = []
            for uid in item.decision["segments"] if item.decision else []:
                row = self.store.segment_row(uid)  # a changed mind: what the earlier decision wrote goes
                if row:
                    removed.append(row)
                    self.store.delete_segment(row["id"])
            written = []
            present = {(s.code_id, s.start, s.end) for s in self.store.segments(
                doc_id=item.doc_id, coder_id=consensus_id, with_text=False)}
            for name in decided:
                code = self.codebook.code(name)
                if (code.id, start, end) not in present:
                    written.append(self._consensus_segment(item.doc_id, code.id, start, end, consensus_id))
            swapped = sorted([a, b]) != [a, b]
            self.store.save_decision({
                "key": key, "coders": sorted([a, b]), "unit": unit, "doc_id": item.doc_id, "start": start,
                "end": end, "choice": _SWAP.get(choice, choice) if swapped else choice, "codes": decided,
                "note": note or None, "decided_by": actor, "consensus": consensus, "segments": written,
            })
            self.store.log(actor, "reconcile.decide", {
                "key": key, "coders": [a, b], "choice": choice, "codes": decided, "note": note,
                "document": item.document, "start": start, "end": end, "consensus": consensus,
                "before": before, "after": self.store.decision_raw(key, consensus), "removed": removed,
                "added": [self.store.segment_row(uid) for uid in written]})
        return next(i for i in self.reconcile_queue(a, b, unit) if i.key == key)

    def _reconciled_pair(self, a: str, b: str, unit: str) -> tuple[str, str]:
        if unit == "char":
            raise QualcodeError("reconcile by sentence or turn (character runs are not units)", unit)
        a, b = self._coders([a, b])
        consensus = self.settings.consensus_coder
        if consensus in (a, b):  # decisions would overwrite that coder's own coding
            raise QualcodeError("the consensus coder is one of the coders reconciled (name another with "
                                "--consensus)", consensus)
        return a, b

    def _consensus_segment(self, doc_id: int, code_id: int, start: int, end: int, coder_id: int) -> str:
        uid = new_uid()
        self.store.insert_segment({"uid": uid, "doc_id": doc_id, "code_id": code_id, "coder_id": coder_id,
                                   "start": start, "end": end, "memo": None, "exemplar": 0,
                                   "translation": None, "created_at": now()})
        return uid

    # --- merging ------------------------------------------------------------------------------

    def merge(self, other_path: Path, actor: str | None = None, *, prefer: str | None = None,
              choose: Callable[[Conflict], str] | None = None, dry_run: bool = False) -> MergeReport:
        """Merge a co-author's project (read, never changed) into this one, in one transaction.
        Where the two disagree it stops with the conflicts, unless `prefer` ("mine", "theirs")
        or `choose` (asked once per conflict) says which side wins; `dry_run` writes nothing.
        The rules: docs/merge.md."""
        from ..exchange.merge import merge_project

        return merge_project(self.store, Path(other_path), actor=actor or default_coder(), prefer=prefer,
                             choose=choose, dry_run=dry_run)
