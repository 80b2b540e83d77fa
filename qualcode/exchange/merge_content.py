"""A project's content as a merge sees it: every thing keyed by what identifies it across
projects, never by a row id (docs/merge.md defines "content").

- a document by the hash of its text; a participant by key; a coder by name;
- a code and a theme by UUID (which codes of two projects are one is `match_entries`' call);
- a coding by UUID; a reconciliation decision by its document, unit, span, coders and consensus;
- a memo by UUID (the thing it is about by the UUID its project gives that thing: which thing
  that is across projects is `merge_plan`'s call); a done mark by its document and coder.

Another table joins the merge by a field here, a step in `merge_plan.combine` and one in
`merge_apply.apply` (docs/merge.md, "Adding a table").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from ..codebook import MACQUEEN_FIELDS
from ..store import Store

TEXT_FIELDS = ("label", *MACQUEEN_FIELDS)
MINE, THEIRS = "mine", "theirs"  # the two sides of a merge, and which of them wins a conflict


@dataclass
class Document:
    sha: str
    uid: str
    name: str
    group: str | None
    lang: str
    units: str  # a digest of its language, turns and sentences: how this project reads the text
    reading: str  # the same for people: "sv, 4 turns, 7 sentences"
    length: int
    provenance: dict  # source_name, format, encoding, raw_sha256, imported_at, imported_by
    speakers: dict[str, str | None] = field(default_factory=dict)  # label -> participant key
    id: int = 0  # the row in its own project (not content)
    text_ok: bool = True  # its text hashes to its sha
    reading_of: str = "mine"  # in a merge's target: whose reading it takes (not content)


@dataclass
class Person:
    key: str
    uid: str
    pseudonym: str | None
    attributes: dict[str, str]
    id: int = 0


@dataclass
class Code:
    uid: str
    name: str
    parent: str | None  # the parent's uid
    texts: dict[str, dict[str, str]]  # label, brief, definition, … -> lang -> text
    color: str | None
    codable: bool
    retired: bool
    id: int = 0


@dataclass
class Theme:
    uid: str
    name: str
    labels: dict[str, str]
    definition: dict[str, str]
    codes: list[str]  # member codes' uids, in order
    id: int = 0


@dataclass
class Coding:
    uid: str
    doc: str  # the document's sha
    code: str  # the code's uid
    coder: str
    start: int
    end: int
    memo: str | None
    exemplar: bool
    translation: str | None
    created_at: str
    id: int = 0

    @property
    def key(self) -> tuple:
        """What makes two codings the same coding: a coder putting a code on a span of a text."""
        return (self.doc, self.code, self.coder, self.start, self.end)


@dataclass
class Decision:
    doc: str
    unit: str
    start: int
    end: int
    coders: tuple[str, ...]  # in name order
    consensus: str
    uid: str
    choice: str
    codes: tuple[str, ...]  # code uids (a name the project no longer knows stays a name: "?name")
    note: str | None
    decided_by: str
    decided_at: str
    segments: tuple[str, ...]  # the consensus codings it wrote (uids)
    id: int = 0

    @property
    def identity(self) -> tuple:
        return (self.doc, self.unit, self.start, self.end, self.coders, self.consensus)


@dataclass
class Memo:
    uid: str
    kind: str  # project, document, code, theme, participant (a coding's memo is `Coding.memo`)
    target: str | None  # the uid of the thing it is about, as its project names it (None: the project)
    author: str
    text: str
    created_at: str
    updated_at: str
    id: int = 0


@dataclass
class Content:
    documents: dict[str, Document] = field(default_factory=dict)
    participants: dict[str, Person] = field(default_factory=dict)
    coders: dict[str, str] = field(default_factory=dict)  # name -> uid
    codes: dict[str, Code] = field(default_factory=dict)  # uid -> code, parents before children
    themes: dict[str, Theme] = field(default_factory=dict)
    codings: dict[str, Coding] = field(default_factory=dict)
    decisions: dict[tuple, Decision] = field(default_factory=dict)
    memos: dict[str, Memo] = field(default_factory=dict)  # uid -> memo (about something gone too: merge_memos)
    done: dict[tuple[str, str], str] = field(default_factory=dict)  # (document's sha, coder) -> when marked done
    redactions: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # the codebook's (a setting, carried as a union)


def read_content(store: Store) -> Content:
    content = Content()
    turns, sentences = store.unit_rows()
    readings: dict[int, list] = {}
    for row in turns:
        readings.setdefault(row[0], [[], []])[0].append(row[1:])
    for row in sentences:
        readings.setdefault(row[0], [[], []])[1].append(row[1:])
    speakers: dict[int, dict[str, str | None]] = {}
    for sp in store.speaker_links():
        speakers.setdefault(sp["doc_id"], {})[sp["label"]] = sp["participant"]
    shas: dict[int, str] = {}
    for row in store.merge_documents():
        text = row["text"]
        reading = readings.get(row["id"], [[], []])
        digest = hashlib.sha256(repr((row["lang"], reading)).encode()).hexdigest()
        content.documents[row["text_sha256"]] = Document(
            sha=row["text_sha256"], uid=row["uid"], name=row["name"], group=row["group_name"] or None,
            lang=row["lang"], units=digest, length=len(text),
            reading=f"{row['lang']}, {len(reading[0])} turns, {len(reading[1])} sentences",
            provenance={k: row[k] for k in ("source_name", "format", "encoding", "raw_sha256", "imported_at",
                                             "imported_by")},
            speakers=speakers.get(row["id"], {}), id=row["id"],
            text_ok=hashlib.sha256(text.encode("utf-8")).hexdigest() == row["text_sha256"])
        shas[row["id"]] = row["text_sha256"]
    for row in store.participant_rows():
        content.participants[row["key"]] = Person(row["key"], row["uid"], row["pseudonym"] or None,
                                                  {str(k): str(v) for k, v in row["attributes"].items()}, row["id"])
    for row in store.coder_rows():
        content.coders[row["name"]] = row["uid"]
    codes = store.codes()
    uids = {c.id: c.uid for c in codes}
    for c in codes:
        content.codes[c.uid] = Code(
            uid=c.uid, name=c.name, parent=uids.get(c.parent_id), color=c.color, codable=c.codable,
            retired=c.retired, id=c.id,
            texts={f: dict(c.labels if f == "label" else getattr(c, f)) for f in TEXT_FIELDS})
    for t in store.themes():
        content.themes[t.uid] = Theme(t.uid, t.name, dict(t.labels), dict(t.definition),
                                      [uids[i] for i in t.code_ids if i in uids], t.id)
    for row in store.segment_rows():
        content.codings[row["uid"]] = Coding(
            uid=row["uid"], doc=row["text_sha256"], code=row["code_uid"], coder=row["coder_name"], start=row["start"],
            end=row["end"], memo=row["memo"] or None, exemplar=bool(row["exemplar"]),
            translation=row["translation"] or None, created_at=row["created_at"], id=row["id"])
    by_name = {c.name: c.uid for c in codes}
    for row in store.decision_rows():
        decision = Decision(
            doc=row["text_sha256"], unit=row["unit"], start=row["start"], end=row["end"],
            coders=tuple(sorted(row["coders"])), consensus=row["consensus"], uid=row["uid"], choice=row["choice"],
            codes=tuple(sorted(by_name.get(n, f"?{n}") for n in row["codes"])), note=row["note"] or None,
            decided_by=row["decided_by"], decided_at=row["decided_at"], segments=tuple(sorted(row["segments"])),
            id=row["id"])
        content.decisions[decision.identity] = decision
    for row in store.memo_rows():
        content.memos[row["uid"]] = Memo(row["uid"], row["kind"], row["target_uid"], row["author"], row["text"],
                                         row["created_at"], row["updated_at"], row["id"])
    for row in store.done_rows():
        content.done[(shas[row["doc_id"]], row["coder"])] = row["done_at"]
    content.redactions = list(json.loads(store.setting("redactions") or "[]"))
    content.languages = [x for x in (store.setting("codebook.languages") or "").split(",") if x]
    return content
