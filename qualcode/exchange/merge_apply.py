"""Writing a merge's target into our project: only what differs from what we have, each row
counted as it is written (so the report says exactly what the merge added, changed, removed)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from ..codebook import MACQUEEN_FIELDS, CodeEntry, ThemeEntry
from ..codebook_sync import apply_codebook, project_codebook
from ..store import Store
from .merge_content import Content
from .merge_plan import Plan, decision_keys


@dataclass
class Tally:
    added: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    names: dict[str, list[str]] = field(default_factory=dict)  # table -> names of the rows added
    codings_present: int = 0  # their codings that were here already
    memos_present: int = 0  # their memos that were here already

    def add(self, table: str, name: str | None = None) -> None:
        self.added[table] += 1
        if name is not None:
            self.names.setdefault(table, []).append(name)


def apply(store: Store, their_store: Store, mine: Content, theirs: Content, plan: Plan, *, actor: str,
          source: str) -> Tally:
    """Make our project hold `plan.target`, inside the caller's transaction."""
    tally = Tally()
    coder_ids = _coders(store, plan.target, tally)
    person_ids = _participants(store, mine, plan.target, tally)
    read_anew: set[int] = set()
    doc_ids = _documents(store, their_store, mine, theirs, plan.target, tally, read_anew)
    _speakers(store, plan.target, doc_ids, person_ids, {d.id for d in mine.documents.values()} - read_anew, tally)
    for key, person in mine.participants.items():
        if key not in plan.target.participants:
            store.delete_participant(person.id)
            tally.removed["participants"] += 1
    code_ids = _codebook(store, mine, theirs, plan, tally, actor=actor, source=source)
    _codings(store, mine, plan, doc_ids, code_ids, coder_ids, tally)
    _decisions(store, plan.target, doc_ids, tally)
    _memos(store, mine, theirs, plan.target, tally)
    _done_marks(store, mine, plan.target, doc_ids, tally)
    new = [n for n in plan.target.redactions if n not in mine.redactions]
    if new:
        store.set_setting("redactions", json.dumps(plan.target.redactions, ensure_ascii=False))
        tally.added["redactions"] += len(new)
    return tally


def _coders(store: Store, target: Content, tally: Tally) -> dict[str, int]:
    rows = {r["name"]: r for r in store.coder_rows()}
    for name, uid in target.coders.items():
        if name not in rows:
            store.insert_coder(name, uid)
            tally.add("coders", name)
        elif rows[name]["uid"] != uid:
            store.set_coder_uid(rows[name]["id"], uid)
            tally.changed["coders"] += 1
    return {r["name"]: r["id"] for r in store.coder_rows()}


def _participants(store: Store, mine: Content, target: Content, tally: Tally) -> dict[str, int]:
    ids = {key: p.id for key, p in mine.participants.items()}
    for key, person in target.participants.items():
        here = mine.participants.get(key)
        if here is None:
            ids[key] = store.insert_participant(key, person.uid, person.pseudonym, person.attributes)
            tally.add("participants", key)
        elif (here.uid, here.pseudonym, here.attributes) != (person.uid, person.pseudonym, person.attributes):
            store.update_participant(here.id, person.uid, person.pseudonym, person.attributes)
            tally.changed["participants"] += 1
    return ids


def _documents(store: Store, their_store: Store, mine: Content, theirs: Content, target: Content,
               tally: Tally, read_anew: set[int]) -> dict[str, int]:
    """Our documents changed as the target has them, theirs added; `read_anew` gathers the ids
    of ours that take their reading (their speakers come unlinked, like a new document's)."""
    ids = {sha: d.id for sha, d in mine.documents.items()}
    renamed = [sha for sha, d in target.documents.items() if sha in mine.documents
               and mine.documents[sha].name != d.name]
    for sha in renamed:  # names are unique: free those that change hands before anyone takes them
        store.update_document(ids[sha], name=f" merging {sha}")  # no name begins with a space
    for sha, document in target.documents.items():
        here = mine.documents.get(sha)
        if here is None:
            continue
        fields = {k: v for k, v in document.provenance.items() if here.provenance.get(k) != v}
        for column, old, new in (("uid", here.uid, document.uid), ("group_name", here.group, document.group)):
            if old != new:
                fields[column] = new
        if sha in renamed:
            fields["name"] = document.name
        if fields:
            store.update_document(ids[sha], **fields)
        if document.units != here.units:  # read as they read it: their speakers, turns, sentences
            rows = their_store.document_rows(theirs.documents[sha].id)
            store.replace_reading(ids[sha], rows)
            tally.removed["speakers"] += len(here.speakers)
            tally.added["speakers"] += len(rows["speakers"])
            read_anew.add(ids[sha])
        if fields or document.units != here.units:
            tally.changed["documents"] += 1
    for sha, document in target.documents.items():
        if sha in ids:
            continue
        rows = their_store.document_rows(theirs.documents[sha].id)
        rows["document"].update(uid=document.uid, group_name=document.group, **document.provenance)
        ids[sha], _ = store.insert_document_rows(rows, document.name)
        tally.add("documents", document.name)
        tally.added["speakers"] += len(rows["speakers"])
    return ids


def _speakers(store: Store, target: Content, doc_ids: dict[str, int], person_ids: dict[str, int],
              ours: set[int], tally: Tally) -> None:
    """Link every speaker to the participant the target names (a new document's come unlinked)."""
    sha_of = {doc_id: sha for sha, doc_id in doc_ids.items()}
    for speaker in store.speaker_links():
        document = target.documents[sha_of[speaker["doc_id"]]]
        wanted = document.speakers.get(speaker["label"], speaker["participant"])
        if wanted != speaker["participant"]:
            store.link_speaker(speaker["id"], person_ids[wanted] if wanted else None)
            tally.changed["speakers"] += speaker["doc_id"] in ours


def _codebook(store: Store, mine: Content, theirs: Content, plan: Plan, tally: Tally, *, actor: str,
              source: str) -> dict[str, int]:
    """Codes and themes through the one way a codebook comes in (`apply_codebook`), after our
    codes and themes take the UUIDs they keep; returns code ids by uid."""
    target = plan.target
    code_uids, theme_uids = plan.uids["code"][0], plan.uids["theme"][0]
    for uid, code in mine.codes.items():
        if code_uids[uid] != uid:
            store.update_code(code.id, uid=code_uids[uid])
    for uid, theme in mine.themes.items():
        if theme_uids[uid] != uid:
            store.set_theme_uid(theme.id, theme_uids[uid])
    book = project_codebook(store)
    book.languages += [lang for lang in theirs.languages if lang not in book.languages]
    book.codes = [CodeEntry(name=c.name, uid=c.uid, parent=target.codes[c.parent].name if c.parent else None,
                            labels=dict(c.texts.get("label", {})), color=c.color, codable=c.codable,
                            retired=c.retired, texts={f: dict(c.texts[f]) for f in MACQUEEN_FIELDS if c.texts.get(f)})
                  for c in target.codes.values()]
    book.themes = [ThemeEntry(t.name, t.uid, dict(t.labels), dict(t.definition),
                              [target.codes[u].name for u in t.codes]) for t in target.themes.values()]
    apply_codebook(store, book, retire=False, actor=actor, source=f"merge of {source}", from_file=False)

    def code_as(code, uids: dict[str, str]) -> tuple:
        return (uids.get(code.uid, code.uid), code.name, uids.get(code.parent, code.parent), code.color,
                code.codable, code.retired, {f: t for f, t in code.texts.items() if t})

    our_codes = {code_uids[u]: c for u, c in mine.codes.items()}
    our_themes = {theme_uids[u]: t for u, t in mine.themes.items()}
    for uid, code in target.codes.items():
        here = our_codes.get(uid)
        if here is None:
            tally.add("codes", code.name)
        elif code_as(here, code_uids) != code_as(code, {}):
            tally.changed["codes"] += 1
    for uid, theme in target.themes.items():
        here = our_themes.get(uid)
        if here is None:
            tally.add("themes", theme.name)
        elif (theme_uids[here.uid], here.name, here.labels, here.definition,
              {code_uids[u] for u in here.codes}) != (uid, theme.name, theme.labels, theme.definition,
                                                           set(theme.codes)):
            tally.changed["themes"] += 1
    return {c.uid: c.id for c in store.codes()}


def _codings(store: Store, mine: Content, plan: Plan, doc_ids: dict[str, int], code_ids: dict[str, int],
             coder_ids: dict[str, int], tally: Tally) -> None:
    """New codings first (their UUIDs are nobody's here), then ours folded into one or lost with
    a decision go, then ours change (perhaps to a UUID just freed)."""
    def values(c, code_uids: dict[str, str] | None = None) -> dict:
        code = code_uids[c.code] if code_uids else c.code
        return {"uid": c.uid, "doc_id": doc_ids[c.doc], "code_id": code_ids[code], "coder_id": coder_ids[c.coder],
                "start": c.start, "end": c.end, "memo": c.memo, "exemplar": int(c.exemplar),
                "translation": c.translation, "created_at": c.created_at}

    for absorbed in plan.codings:
        if not absorbed.our_rows:
            store.insert_segment(values(absorbed.coding))
            tally.added["segments"] += 1
    rows = {c.id: c for c in mine.codings.values()}
    kept = {a.our_rows[0] for a in plan.codings if a.our_rows}
    for row_id in sorted(set(rows) - kept):
        store.delete_segment(row_id)
        tally.removed["segments"] += 1
    for absorbed in plan.codings:
        if not absorbed.our_rows:
            continue
        tally.codings_present += len(absorbed.their_uids)
        here = rows[absorbed.our_rows[0]]
        before = values(here, plan.uids["code"][0])  # ours as it was, its code under the UUID it keeps
        changes = {k: v for k, v in values(absorbed.coding).items() if before[k] != v}
        if changes:
            store.rewrite_segment(here.id, **changes)
            tally.changed["segments"] += 1


def _decisions(store: Store, target: Content, doc_ids: dict[str, int], tally: Tally) -> None:
    current = {(r["text_sha256"], r["unit"], r["start"], r["end"], tuple(sorted(r["coders"])), r["consensus"]): r
               for r in store.decision_rows()}
    keys = decision_keys(target)
    for ident, d in target.decisions.items():
        row = {"uid": d.uid, "key": keys[ident], "coders": list(d.coders), "unit": d.unit, "doc_id": doc_ids[d.doc],
               "start": d.start, "end": d.end, "choice": d.choice,
               "codes": sorted(target.codes[c].name if c in target.codes else c[1:] for c in d.codes),
               "note": d.note, "decided_by": d.decided_by, "decided_at": d.decided_at, "consensus": d.consensus,
               "segments": list(d.segments)}
        here = current.get(ident)
        if here is None:
            store.write_decision(row)
            tally.added["decisions"] += 1
            continue
        stored = {**{k: here[k] for k in row}, "codes": sorted(here["codes"]), "segments": sorted(here["segments"]),
                  "note": here["note"] or None}
        if stored != row:
            store.write_decision(row, here["id"])
            tally.changed["decisions"] += 1


def _memos(store: Store, mine: Content, theirs: Content, target: Content, tally: Tally) -> None:
    """Theirs added, ours changed where the target differs (a thing it is about took another
    UUID, a conflict went their way); ours about something in neither project stay as they are."""
    for uid, memo in target.memos.items():
        row = {"uid": uid, "kind": memo.kind, "target_uid": memo.target, "author": memo.author, "text": memo.text,
               "created_at": memo.created_at, "updated_at": memo.updated_at}
        here = mine.memos.get(uid)
        tally.memos_present += here is not None and uid in theirs.memos
        if here is None:
            store.insert_memo(row)
            tally.added["memos"] += 1
        elif (here.kind, here.target, here.author, here.text, here.created_at, here.updated_at) != (
                memo.kind, memo.target, memo.author, memo.text, memo.created_at, memo.updated_at):
            store.rewrite_memo(here.id, row)
            tally.changed["memos"] += 1


def _done_marks(store: Store, mine: Content, target: Content, doc_ids: dict[str, int], tally: Tally) -> None:
    for (sha, coder), at in target.done.items():
        here = mine.done.get((sha, coder))
        if here is None:
            store.set_done(doc_ids[sha], coder, at)
            tally.added["done_marks"] += 1
        elif here != at:
            store.set_done_at(doc_ids[sha], coder, at)
            tally.changed["done_marks"] += 1
