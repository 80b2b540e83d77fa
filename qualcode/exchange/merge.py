"""Merging a co-author's project into this one.

Documents match by the hash of their text (names may differ), codes and themes as any
foreign codebook's (`codebook_sync.add_codebook`: by UUID, then by name),
coders by name, segments by UUID. Nothing is ever overwritten: what differs is reported.
Merging twice changes nothing the second time, and A<-B holds the same segments as B<-A.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..codebook_sync import add_codebook, project_codebook
from ..errors import QualcodeError
from ..store import Store


@dataclass
class MergeReport:
    documents_added: list[str] = field(default_factory=list)
    documents_matched: list[str] = field(default_factory=list)
    document_conflicts: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    code_conflicts: list[str] = field(default_factory=list)
    coders_added: list[str] = field(default_factory=list)
    segments_added: int = 0
    segments_present: int = 0
    segments_skipped: int = 0
    participants_added: list[str] = field(default_factory=list)
    themes_added: list[str] = field(default_factory=list)
    segment_conflicts: list[str] = field(default_factory=list)
    decisions_not_merged: int = 0

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}

    def lines(self) -> list[str]:
        out = [
            f"documents: {len(self.documents_added)} added, {len(self.documents_matched)} already here",
            f"codes: {len(self.codes_added)} added",
            f"coders: {len(self.coders_added)} added"
            + (f" ({', '.join(self.coders_added)})" if self.coders_added else ""),
            f"segments: {self.segments_added} added, {self.segments_present} already here"
            + (f", {self.segments_skipped} skipped" if self.segments_skipped else ""),
            f"participants: {len(self.participants_added)} added",
            f"themes: {len(self.themes_added)} added",
        ]
        out += [f"conflict: {c}" for c in self.document_conflicts + self.code_conflicts + self.segment_conflicts]
        if self.decisions_not_merged:
            out.append(f"note: {self.decisions_not_merged} reconciliation decisions were not merged "
                       "(reconcile in one project; its consensus segments did come along)")
        return out


def merge_project(ours: Store, other_path: Path, actor: str) -> MergeReport:
    other_path = Path(other_path)
    if not other_path.exists():
        raise QualcodeError("no such project", other_path)
    if other_path.resolve() == ours.path.resolve():
        raise QualcodeError("cannot merge a project into itself", other_path)
    theirs = Store(other_path, read_only=True)  # a co-author's file is read, never changed
    try:
        report = MergeReport()
        with ours.transaction():
            doc_map = _merge_documents(ours, theirs, report)
            code_map = _merge_codebook(ours, theirs, report, actor, other_path.name)
            _merge_participants(ours, theirs, report)
            _merge_segments(ours, theirs, doc_map, code_map, report)
            report.decisions_not_merged = theirs.decision_count()
            ours.log(actor, "project.merge", {"from": other_path.name, **{
                k: (len(v) if isinstance(v, list) else v) for k, v in report.to_json().items()}})
        return report
    finally:
        theirs.close()


def _merge_documents(ours: Store, theirs: Store, report: MergeReport) -> dict[int, int]:
    doc_map: dict[int, int] = {}
    names = ours.document_names()
    for doc in sorted((theirs.document(s.id) for s in theirs.document_summaries()), key=lambda d: d.position):
        same = ours.document_by_hash(doc.text_sha256)
        if same:
            doc_map[doc.id] = same.id
            report.documents_matched.append(doc.name)
            continue
        if doc.name in names:
            report.document_conflicts.append(
                f"document '{doc.name}' has different text here and there: not merged, nor its segments")
            continue
        rows = theirs.document_rows(doc.id)
        new_id, speakers = ours.insert_document_rows(rows, doc.name)
        for sp in rows["speakers"]:
            key = sp["participant"] or f"{doc.name}/{sp['label']}"
            existing = ours.participant_by_key(key)
            pid = existing.id if existing else ours.upsert_participant(key, None, {})
            ours.link_speaker(speakers[sp["id"]], pid)
        names.add(doc.name)
        doc_map[doc.id] = new_id
        report.documents_added.append(doc.name)
    return doc_map


def _merge_codebook(ours: Store, theirs: Store, report: MergeReport, actor: str, source: str) -> dict[int, int]:
    """Their codes and themes added to ours as any foreign codebook is (ours kept, the one
    matcher); their code id -> our code id."""
    book = project_codebook(theirs)
    added = add_codebook(ours, book, actor=actor, source=source, from_file=False)
    report.codes_added += added.codes_added
    report.code_conflicts += added.conflicts
    report.themes_added += added.themes_added
    ids = {c.name: c.id for c in ours.codes()}
    their_ids = {c.uid: c.id for c in theirs.codes()}
    return {their_ids[e.uid]: ids[added.names[e.name]] for e in book.codes}


def _merge_participants(ours: Store, theirs: Store, report: MergeReport) -> None:
    for person in theirs.participants():
        existing = ours.participant_by_key(person.key)
        if existing is None:
            report.participants_added.append(person.key)
        # attributes we lack are added; where both have one, ours is kept
        attributes = {**person.attributes, **(existing.attributes if existing else {})}
        ours.upsert_participant(person.key, (existing and existing.pseudonym) or person.pseudonym, attributes)


def _merge_segments(ours: Store, theirs: Store, doc_map: dict[int, int], code_map: dict[int, int],
                    report: MergeReport) -> None:
    mine = {r["uid"]: r for r in ours.segment_rows()}
    present = set(mine)
    # the same coding made twice (same coder, code and span) is one segment, whatever its uid
    same = {(r["doc_id"], r["code_id"], r["coder_name"], r["start"], r["end"]) for r in mine.values()}
    coders = set(ours.coders())
    for row in theirs.segment_rows():
        if row["doc_id"] not in doc_map or row["code_id"] not in code_map:
            report.segments_skipped += 1
            continue
        key = (doc_map[row["doc_id"]], code_map[row["code_id"]], row["coder_name"], row["start"], row["end"])
        if row["uid"] in present or key in same:
            report.segments_present += 1
            ours_row = mine.get(row["uid"])
            if ours_row:
                differs = [f for f in ("code_uid", "start", "end", "memo", "exemplar", "translation")
                           if ours_row[f] != row[f]]
                if differs:
                    report.segment_conflicts.append(
                        f"segment {row['uid'][:8]} by {row['coder_name']} differs ({', '.join(differs)}): kept ours")
            continue
        same.add(key)
        if row["coder_name"] not in coders:
            coders.add(row["coder_name"])
            report.coders_added.append(row["coder_name"])
        ours.insert_segment({
            "uid": row["uid"], "doc_id": doc_map[row["doc_id"]], "code_id": code_map[row["code_id"]],
            "coder_id": ours.coder_id(row["coder_name"]), "start": row["start"], "end": row["end"],
            "memo": row["memo"], "exemplar": row["exemplar"], "translation": row["translation"],
            "created_at": row["created_at"],
        })
        present.add(row["uid"])
        report.segments_added += 1
