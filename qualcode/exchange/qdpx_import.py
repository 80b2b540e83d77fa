"""Reading a REFI-QDA project (.qdpx) into a project, which may hold work already.

First the whole file is read and checked, nothing written: a selection past the end of
its text, or a reference (CodeRef, NoteRef, VariableRef) to nothing declared, is damage
and refuses the file. Then everything is written in one transaction.

Positions: origins naming NVivo count UTF-16 units of the .txt (CRLF as 2, BOM not
counted); the others count code points. Where selections carry their text as a name
(ATLAS.ti, qualcode) the reading that matches more of them wins, which also catches a
file written in NVivo units by another tool. Raw positions then go through
`clean_offsets` to the text we store (`clean(raw)`).

Matching, as for `qualcode merge`: documents by text, codes by UUID then name, coders by
GUID then name, participants by key, segments by uid (or same coder, code and span).
What exists is kept; nothing is overwritten. Our own exports come back with the same uids.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
import zipfile
import zlib
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

from ..codebook import Codebook
from ..codebook_sync import add_codebook
from ..errors import QualcodeError
from ..model import Progress, unique_name
from ..names import clean_name, clean_text, cleaned_name, escape_controls
from ..store import Store
from ..store.base import now
from ..text.lang import LANGUAGES
from ..text.normalize import clean, clean_offsets
from ..text.prepare import analyze_document, prepare_text
from .qdc import read_qdc, unpack_description
from .qdpx import ImportReport
from .qdpx_export import NAMESPACE, SPEAKER_VARIABLE, derived_guid, utc
from .refi import child, children, guid, local, open_archive, project_xml, read_member

_NOT_TEXT = {"PictureSource": "a picture", "PDFSource": "a PDF", "AudioSource": "audio", "VideoSource": "video"}
_VALUES = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")


@dataclass
class _Coding:
    uid: str
    code: str  # code GUID
    user: str | None  # user GUID
    when: str | None
    notes: list[str]  # note GUIDs
    start: int = 0  # in the stored text
    end: int = 0
    memo: list[str] = field(default_factory=list)


@dataclass
class _Source:
    guid: str
    name: str
    raw: str
    text: str
    values: dict[str, str]
    codings: list[_Coding] = field(default_factory=list)


def read_qdpx(store: Store, path: Path, *, actor: str, progress: Progress | None) -> ImportReport:
    """Bring a .qdpx (or a .qdc codebook) into the project: all of it, or nothing."""
    path = Path(path)
    report = ImportReport(path=str(path))
    if path.suffix.lower() not in (".qdpx", ".zip", ".qdc"):
        raise QualcodeError("not a REFI-QDA file (use .qdpx, or .qdc for a codebook)", path)
    lang = store.setting("display_language") or "en"
    if path.suffix.lower() == ".qdc":
        book = read_qdc(path, fallback_lang=lang)
        report.warnings += book.notes
        with store.transaction():
            _codes(store, book, report, actor, path)
            store.log(actor, "project.import", {"file": path.name, "codes": len(report.codes_added)})
        return report
    try:
        with open_archive(path) as archive:
            root = project_xml(archive, path)
            if local(root) != "Project":
                raise QualcodeError(f"not a REFI-QDA project (root element is <{local(root)}>)", path)
            reader = _Reader(root, archive, path, report)
            reader.read()
        book = read_qdc(path, fallback_lang=lang)
        report.warnings += book.notes
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a member that lies about its size or CRC
        raise QualcodeError(f"damaged archive: {exc}", path) from None
    _mark_retired(root, book, lang)
    with store.transaction():
        coder_ids = _coders(store, reader, report)
        code_ids = _codes(store, book, report, actor, path)
        doc_ids, speakers = _documents(store, reader, report, actor, progress)
        _cases(store, reader, doc_ids, speakers, report)
        _segments(store, reader, doc_ids, code_ids, coder_ids, report)
        _memos(store, reader, doc_ids, code_ids, report, actor)
        store.log(actor, "project.import", {
            "file": path.name, "origin": report.origin, "documents": len(report.documents_added),
            "codes": len(report.codes_added), "segments": report.segments_added,
            "participants": len(report.participants_added)})
    return report


class _Reader:
    """Everything of a project.qde that we keep, checked; no writes."""

    def __init__(self, root, archive, path: Path, report: ImportReport) -> None:
        self.root, self.archive, self.path, self.report = root, archive, path, report
        self.members = {i.filename.lower(): i for i in archive.infolist()}
        self.origin = report.origin = root.get("origin") or ""
        self.users: dict[str, str] = {}
        self.unknown_users: set[str] = set()
        self.code_names: dict[str, str] = {}
        self.variables: dict[str, str] = {}
        self.notes: dict[str, tuple[str, str]] = {}
        self.note_meta: dict[str, tuple[str | None, str | None, str | None]] = {}  # user, created, modified
        self.memos: list[tuple[str, str | None, str]] = []  # (kind, target GUID, note GUID): notes on things
        self.sets: dict[str, str] = {}  # Set GUID -> name
        self.sources: list[_Source] = []
        self.seen_sources: set[str] = set()
        self.selections: dict[str, list[_Coding]] = {}
        self.cases: list[tuple[str, str, str | None, dict[str, str], list[str]]] = []
        creator = root.get("creatingUserGUID")
        self.creator = guid(creator, "Project@creatingUserGUID") if creator else None

    def read(self) -> None:
        root = self.root
        for user in _items(root, "Users", "User"):
            g = guid(user.get("guid"), f"User '{escape_controls(user.get('name') or '')}'")
            self.users[g] = self._name(user.get("name"), "coder name") or g
        for note in _items(root, "Notes", "Note"):
            where = f"Note '{note.get('name')}'"
            text = self._text(note, where)
            g = guid(note.get("guid"), where)
            self.notes[g] = ((note.get("name") or "").strip(), (text or "").strip())
            self.note_meta[g] = (note.get("creatingUser"), note.get("creationDateTime"), note.get("modifiedDateTime"))
        book = child(root, "CodeBook")
        for code in (book.iter() if book is not None else []):
            if local(code) == "Code":
                where = f"Code '{code.get('name')}'"
                g = guid(code.get("guid"), where)
                if g in self.code_names:
                    raise QualcodeError(f"{where} has the GUID {g.upper()} of another code", self.path.name)
                self.code_names[g] = code.get("name") or ""
                self._element_notes(code, where, "code", g)
        for variable in _items(root, "Variables", "Variable"):
            name = self._name(variable.get("name"), "variable name")
            self.variables[guid(variable.get("guid"), f"Variable '{name}'")] = name
        for source in _items(root, "Sources", None):
            kind, name = local(source), self._name(source.get("name"), "document name") or source.get("guid") or "?"
            if kind == "TextSource":
                self._source(source, name)
            elif kind:
                codings = sum(1 for e in source.iter() if local(e) == "Coding")
                self.report.sources_skipped.append((name, f"{_NOT_TEXT.get(kind, kind)} is not imported"
                                                    + (f" ({codings} codings)" if codings else "")))
                self.report.segments_skipped += codings
        for case in _items(root, "Cases", "Case"):
            self._case(case)
        cases = {g for g, *_ in self.cases}
        for link in _items(root, "Links", "Link"):  # ATLAS.ti: memo -> quotation; ours: memo -> case
            ends = [guid(link.get(a), "Link") if link.get(a) else None for a in ("originGUID", "targetGUID")]
            for note, other in (ends, ends[::-1]):
                if note in self.notes and other in self.selections:
                    for coding in self.selections[other]:
                        coding.notes.append(note)
                elif note in self.notes and other in cases:
                    self.memos.append(("participant", other, note))
        for item in _items(root, "Sets", "Set"):
            where = f"Set '{item.get('name')}'"
            g = guid(item.get("guid"), where)
            self.sets[g] = item.get("name") or ""
            for ref in children(item, "MemberNote"):
                self.memos.append(("theme", g, self._note_ref(ref, where)))
        self._element_notes(root, "the project", "project", None)
        if self.unknown_users:
            self.report.warnings.append(f"{len(self.unknown_users)} user(s) referenced but not declared:"
                                        " coders named by their GUID")

    def _text(self, element, where: str) -> str | None:
        """Inline PlainTextContent, or the internal .txt that plainTextPath names."""
        inline = child(element, "PlainTextContent")
        if inline is not None:
            return inline.text or ""
        ref = element.get("plainTextPath") or ""
        if not ref.lower().startswith("internal://"):
            return None  # none, or outside the archive (relative://, absolute://): never read
        member = "sources/" + ref[len("internal://"):].lower()
        info = self.members.get(member)
        if info is None:
            raise QualcodeError(f"{where}: its text {member} is not in the archive", self.path)
        try:
            return read_member(self.archive, info, self.path).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise QualcodeError(f"{where}: {info.filename} is not UTF-8", self.path) from None

    def _user(self, value: str | None, where: str) -> str | None:
        if not value:
            return None
        g = guid(value, where)
        if g not in self.users:
            self.unknown_users.add(g)
        return g

    def _element_notes(self, element, where: str, kind: str, target: str | None) -> None:
        """Notes on a code, a source or the project: checked, and kept to become memos."""
        for ref in children(element, "NoteRef"):
            self.memos.append((kind, target, self._note_ref(ref, where)))

    def _note_ref(self, ref, where: str) -> str:
        target = guid(ref.get("targetGUID"), f"NoteRef in {where}")
        if target not in self.notes:
            raise QualcodeError(f"NoteRef in {where} refers to note {target.upper()}, which the project"
                                " does not declare", self.path.name)
        return target

    def _source(self, source, name: str) -> None:
        where = f"TextSource '{name}'"
        g = guid(source.get("guid"), where)
        if g in self.seen_sources:
            raise QualcodeError(f"{where} has the GUID {g.upper()} of another source", self.path.name)
        self.seen_sources.add(g)
        self._element_notes(source, where, "document", g)
        raw = self._text(source, where)
        if raw is None:
            path = source.get("plainTextPath") or source.get("richTextPath") or "no text"
            codings = sum(1 for e in source.iter() if local(e) == "Coding")
            self.report.sources_skipped.append((name, f"its text is not in the archive ({path})"))
            self.report.segments_skipped += codings
            return
        raw = raw.removeprefix("\ufeff")
        values = {}
        for vv in children(source, "VariableValue"):
            values.update([self._value(vv, where)])
        item = _Source(g, name, raw, clean(raw), values)
        if not item.text.strip():
            self.report.sources_skipped.append((name, "no text"))
            return
        selections = children(source, "PlainTextSelection")
        to_raw, length = self._units(raw, selections, name)
        offsets = clean_offsets(raw) if raw != item.text else None
        for sel in selections:
            label = sel.get("name") or ""
            sg = guid(sel.get("guid"), f"PlainTextSelection '{label}'")
            here = f"PlainTextSelection '{label}' ({sel.get('guid')})"
            try:
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            except (TypeError, ValueError):
                raise QualcodeError(f"{here} has no valid startPosition/endPosition", self.path) from None
            if end > length:
                raise QualcodeError(f"{here} ends at {end}, past the end of its text ({length})", self.path)
            if not 0 <= start <= end:
                raise QualcodeError(f"{here} spans {start}-{end}, which is not a span of its text", self.path)
            a, b = to_raw(start), to_raw(end)
            a, b = (offsets[a], offsets[b]) if offsets else (a, b)
            description = _content(child(sel, "Description"))
            notes = self._notes(sel, here)
            codings = []
            for coding in self._codings(sel, here, sg):
                coding.start, coding.end, coding.notes = a, b, notes + coding.notes
                coding.memo = [description] if description else []
                coding.user = coding.user or self._user(sel.get("creatingUser"), here)
                coding.when = coding.when or sel.get("creationDateTime")
                codings.append(coding)
            self.selections[sg] = codings
            item.codings += codings
        for coding in self._codings(source, where, g):  # a coding of the whole source
            coding.start, coding.end = 0, len(item.text)
            item.codings.append(coding)
        self.sources.append(item)

    def _codings(self, parent, where: str, owner: str) -> list[_Coding]:
        found = []
        for i, coding in enumerate(children(parent, "Coding")):
            ref = child(coding, "CodeRef")
            cg = guid(coding.get("guid"), where) if coding.get("guid") else str(uuid.uuid5(NAMESPACE, f"{owner}:{i}"))
            target = guid(ref.get("targetGUID") if ref is not None else None, f"Coding {coding.get('guid')} in {where}")
            if target not in self.code_names:
                raise QualcodeError(f"Coding {coding.get('guid')} in {where} refers to code {target.upper()},"
                                    " which the project does not declare", self.path)
            uid = owner if cg == derived_guid(owner, "coding") else cg  # our own export: the segment uid
            found.append(_Coding(uid, target, self._user(coding.get("creatingUser"), where),
                                 coding.get("creationDateTime"), self._notes(coding, where)))
        return found

    def _notes(self, element, where: str) -> list[str]:
        found = []
        for ref in children(element, "NoteRef"):
            target = guid(ref.get("targetGUID"), f"NoteRef in {where}")
            if target not in self.notes:
                raise QualcodeError(f"NoteRef in {where} refers to note {target.upper()}, which the project"
                                    " does not declare", self.path)
            found.append(target)
        return found

    def _value(self, element, where: str) -> tuple[str, str]:
        ref = child(element, "VariableRef")
        target = guid(ref.get("targetGUID") if ref is not None else None, f"VariableRef in {where}")
        if target not in self.variables:
            raise QualcodeError(f"VariableRef in {where} refers to variable {target.upper()}, which the project"
                                " does not declare", self.path)
        value = next((c.text or "" for c in element if local(c) in _VALUES), "")
        if next((local(c) for c in element if local(c) in _VALUES), "") == "BooleanValue":
            value = "true" if value.strip() in ("true", "1") else "false"
        return self.variables[target], clean_text(value)

    def _name(self, value: str | None, what: str) -> str:
        """A name from the file, without control characters (removed, with a warning)."""
        return cleaned_name(value or "", what, self.report.warnings, self.path.name)

    def _case(self, case) -> None:
        where = f"Case '{escape_controls(case.get('name') or '')}'"
        g = guid(case.get("guid"), where)
        description = child(case, "Description")
        values = dict(self._value(vv, where) for vv in children(case, "VariableValue"))
        sources = [guid(r.get("targetGUID"), f"SourceRef in {where}") for r in children(case, "SourceRef")]
        key = self._name(case.get("name"), "participant") or g
        text = clean_text(description.text) if description is not None and description.text else None
        self.cases.append((g, key, text, values, sources))

    def _units(self, raw: str, selections, name: str) -> tuple:
        """How this source's positions read: (position -> raw code point, length in those units)."""
        cp, utf16, lf = "code points", "UTF-16 units", "code points with CRLF as one"
        readings = {cp: ((lambda i: i), len(raw))}
        astral = [m.start() for m in re.finditer("[\U00010000-\U0010ffff]", raw)]
        if astral:
            starts = [a + k for k, a in enumerate(astral)]  # where each one begins, in UTF-16 units
            readings[utf16] = ((lambda u: u - bisect_left(starts, u - 1)), len(raw) + len(astral))
        elif "nvivo" in self.origin.lower():
            readings[utf16] = readings[cp]
        crlf = [m.start() - k for k, m in enumerate(re.finditer("\r\n", raw))]
        if crlf:  # a line break counted as 1 in a CRLF file
            readings[lf] = ((lambda j: j + bisect_left(crlf, j)), len(raw) - len(crlf))
        default = utf16 if "nvivo" in self.origin.lower() else cp
        named = [(s, _flat(s.get("name") or "")) for s in selections]
        named = [(s, n) for s, n in named if n]
        if named and len(readings) > 1:
            scores = {k: _score(raw, named, *reading) for k, reading in readings.items()}
            best = max(scores, key=lambda k: (scores[k], k == default))
            if scores[best] > scores[default]:
                self.report.warnings.append(f"'{name}': positions read as {best}, not {default}: they match the"
                                            f" selections' names ({scores[best]} of {len(named)})")
                default = best
        return readings[default]


def _items(root, container: str, name: str | None) -> list:
    """The children called `name` (any, when None) of an optional container."""
    element = child(root, container)
    if element is None:
        return []
    return [e for e in element if name is None or local(e) == name]


def _content(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def _flat(name: str) -> str:
    name = name.strip().removesuffix("…").removesuffix("...")
    return " ".join(unicodedata.normalize("NFC", name).split())


def _score(raw: str, named, to_raw, length: int) -> int:
    hits = 0
    for sel, name in named:
        try:
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        except (TypeError, ValueError):
            continue
        if 0 <= start <= end <= length:
            hits += _flat(raw[to_raw(start):to_raw(end)]).startswith(name)
    return hits


def _mark_retired(root, book: Codebook, lang: str) -> None:
    """Our own export marks a retired code "(retired)" in its description."""
    entries = {c.uid: c for c in book.codes}
    for code in root.iter():
        description = child(code, "Description") if local(code) == "Code" else None
        text = description.text if description is not None else None
        if text and text.startswith("(retired)"):
            entry = entries.get(guid(code.get("guid"), "Code"))
            if entry:
                entry.retired, entry.codable = True, True
                entry.labels, entry.texts = unpack_description(text.removeprefix("(retired)").strip("\n"), lang)


def _coders(store, reader: _Reader, report: ImportReport) -> dict[str | None, int]:
    rows = store.coder_rows()
    by_uid = {r["uid"]: r["id"] for r in rows}
    by_name = {r["name"]: r["id"] for r in rows}
    ids: dict[str | None, int] = {}
    for g, name in [*reader.users.items(), *((g, g) for g in sorted(reader.unknown_users))]:
        if g in by_uid:
            ids[g] = by_uid[g]
        elif name in by_name:
            ids[g] = by_name[name]
        else:
            ids[g] = by_name[name] = store.insert_coder(name, g)
            report.coders_added.append(name)
    if reader.creator in ids:
        ids[None] = ids[reader.creator]
    return ids


def _codes(store, book: Codebook, report: ImportReport, actor: str, path: Path) -> dict[str, int]:
    """The file's codes and themes added to ours (ours kept as they are); file GUID -> code id."""
    added = add_codebook(store, book, actor=actor, source=path.name)
    report.codes_added += added.codes_added
    report.themes_added += added.themes_added
    report.code_conflicts += added.conflicts
    ids = {c.name: c.id for c in store.codes()}
    return {e.uid: ids[added.names[e.name]] for e in book.codes}


def _documents(store, reader: _Reader, report: ImportReport, actor: str,
               progress: Progress | None) -> tuple[dict[str, int], dict]:
    doc_ids: dict[str, int] = {}
    speakers: dict[int, dict[str, int]] = {}  # new documents only: doc id -> label -> speaker id
    taken_names, taken_uids = store.document_names(), set(store.document_uids())
    # documents here already, by text: the one with the source's GUID first, then any other
    here = [(d.uid, d.id, store.document(d.id).text_sha256) for d in store.document_summaries()]
    for i, source in enumerate(reader.sources):
        if progress:
            progress(f"analysing {source.name}", i, len(reader.sources))
        sha = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
        same = sorted((uid != source.guid, d) for uid, d, h in here if h == sha and d not in doc_ids.values())
        if same:
            doc_ids[source.guid] = same[0][1]
            report.documents_matched.append(source.name)
            continue
        lang = source.values.get("Document:language")
        doc = prepare_text(_unique(source.name, taken_names), source.raw, source_name=source.name,
                           lang=lang if lang in LANGUAGES else "auto",
                           format=source.values.get("Document:format") or "txt",
                           raw_sha256=hashlib.sha256(source.raw.encode("utf-8")).hexdigest())
        analyze_document(doc)
        group = source.values.get("Document:group") or None
        uid = source.guid if source.guid not in taken_uids else None
        doc_id, speakers[doc_id] = store.insert_document(doc, group, actor, uid=uid)
        taken_uids.add(source.guid)
        taken_names.add(doc.name)
        doc_ids[source.guid] = doc_id
        report.documents_added.append(doc.name)
        source.raw = ""
    return doc_ids, speakers


def _cases(store, reader: _Reader, doc_ids: dict[str, int], speakers: dict, report: ImportReport) -> None:
    names = {s.guid: s.name for s in reader.sources}
    taken = {p.uid for p in store.participants()}
    linked: set[int] = set()
    for g, key, description, values, sources in reader.cases:
        sources = [s for s in sources if s in doc_ids]
        labels = values.pop(SPEAKER_VARIABLE, None)
        labels = labels.split("\n") if labels is not None else []
        if len(labels) == 1:
            labels *= len(sources)
        # speakers are linked in the documents added now; those here already keep their links
        padded = labels + [None] * len(sources)  # a source without a label of its own gets None
        fresh = [(s, label) for s, label in zip(sources, padded, strict=False) if doc_ids[s] in speakers]
        links = [speakers[doc_ids[s]].get(label) for s, label in fresh]
        pseudonym = description.strip() if description and description.strip() else None
        if pseudonym and ("\n" in pseudonym or len(pseudonym) > 80):  # a memo, not a pseudonym
            values.setdefault("description", pseudonym)
            pseudonym = None
        pseudonym = clean_name(pseudonym) if pseudonym else None
        if fresh and not all(links):
            values.setdefault("documents", "; ".join(names[s] for s in sources))
            links = []
        existing = store.participant_by_key(key)
        # attributes we lack are added; where both have one, ours is kept
        pid = store.upsert_participant(key, None if existing and existing.pseudonym else pseudonym,
                                       {**values, **(existing.attributes if existing else {})})
        if existing is None:
            report.participants_added.append(key)
            if g not in taken:
                store.set_participant_uid(pid, g)
                taken.add(g)
        for speaker_id in links:
            store.link_speaker(speaker_id, pid)
            linked.add(speaker_id)
    for doc_id, labels in speakers.items():  # each other speaker is a case of its own, as at import
        doc = store.document(doc_id)
        for label, speaker_id in labels.items():
            if speaker_id not in linked:
                key = f"{doc.name}/{label}"
                if store.participant_by_key(key) is None:
                    report.participants_added.append(key)
                attributes = {"group": doc.group} if doc.group else {}
                store.link_speaker(speaker_id, store.upsert_participant(key, None, attributes))


def _segments(store, reader: _Reader, doc_ids: dict[str, int], code_ids: dict[str, int],
              coder_ids: dict[str | None, int], report: ImportReport) -> None:
    present, added = store.segment_uids(), set()
    same = {(r["doc_id"], r["code_id"], r["coder_id"], r["start"], r["end"]) for r in store.segment_rows()}
    fallback = coder_ids.get(None)
    empty = 0
    for source in reader.sources:
        for c in source.codings:
            if c.end <= c.start:
                empty += 1
                continue
            if fallback is None and c.user is None:
                fallback = coder_ids[None] = store.coder_id("imported")
            coder = coder_ids[c.user] if c.user else fallback
            key = (doc_ids[source.guid], code_ids[c.code], coder, c.start, c.end)
            uid = c.uid
            if uid in added:  # the file gives two codings one GUID
                uid = str(uuid.uuid5(NAMESPACE, f"{c.uid}:{c.code}:{c.start}:{c.end}:{len(added)}"))
            if uid in present or key in same:
                report.segments_present += 1
                continue
            memo = list(c.memo)
            translation, exemplar = None, False
            for note in c.notes:
                name, text = reader.notes[note]
                if name == "Translation":
                    translation = text or None
                elif name == "Exemplar":
                    exemplar = True
                elif text:
                    memo.append(text)
            store.insert_segment({
                "uid": uid, "doc_id": key[0], "code_id": key[1], "coder_id": coder, "start": c.start,
                "end": c.end, "memo": "\n\n".join(memo) or None, "exemplar": int(exemplar),
                "translation": translation,
                "created_at": (utc(c.when) or utc(now())).isoformat(timespec="milliseconds")})
            added.add(uid)
            report.segments_added += 1
    if empty:
        report.segments_skipped += empty
        report.warnings.append(f"{empty} empty selection(s) skipped")


def _unique(name: str, taken: set[str]) -> str:
    return unique_name(name.strip() or "document", taken)


def _memos(store, reader: _Reader, doc_ids: dict[str, int], code_ids: dict[str, int], report: ImportReport,
           actor: str) -> None:
    """Notes on the project, sources, codes, sets and cases become memos (by the note's GUID: a
    memo here already is kept), authored by their creating user."""
    present, used = store.memo_uids(), set()
    docs = {i: uid for uid, i in store.document_uids().items()}
    codes = {c.id: c.uid for c in store.codes()}
    themes = store.themes()
    cases = {g: key for g, key, *_ in reader.cases}
    for kind, target, note in reader.memos:
        name, text = reader.notes[note]
        if not text:
            continue
        if kind == "document":
            uid = docs.get(doc_ids.get(target))
        elif kind == "code":
            uid = codes.get(code_ids.get(target))
        elif kind == "theme":
            uid = next((t.uid for t in themes if t.uid == target), None) or next(
                (t.uid for t in themes if t.name == reader.sets.get(target)), None)
        elif kind == "participant":
            person = store.participant_by_key(cases.get(target, ""))
            uid = person.uid if person else None
        else:
            uid = None
        if kind != "project" and uid is None:
            continue  # about a source that was skipped
        # one note on two things (a Link and a NoteRef, say) is a memo on each
        memo_uid = note if note not in used else str(uuid.uuid5(NAMESPACE, f"{note}:{kind}:{uid}"))
        used.add(note)
        if memo_uid in present:
            continue
        user, created, modified = reader.note_meta[note]
        user = guid(user, "Note") if user else None
        author = reader.users.get(user) or user or actor
        created = (utc(created) or utc(now())).isoformat(timespec="milliseconds")
        modified = utc(modified).isoformat(timespec="milliseconds") if utc(modified) else created
        store.insert_memo({"uid": memo_uid, "kind": kind, "target_uid": uid, "author": author, "text": text,
                           "created_at": created, "updated_at": modified})
        present.add(memo_uid)
        report.memos_added += 1
