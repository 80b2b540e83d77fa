"""Writing a project as a REFI-QDA project exchange file (.qdpx).

The archive holds `project.qde` and one `sources/<GUID>.txt` per document: the stored text
exactly (UTF-8, no BOM, LF), so the offsets we keep are the positions we write. Every GUID
is a uid we store or one derived from it (uuid5), and every date is the data's own, so
exporting the same project twice gives the same bytes.

What has no element of its own in REFI travels in a documented way:
- a segment is a PlainTextSelection (GUID = segment uid) with one Coding
  (GUID = uuid5(segment uid + ":coding"));
- its memo, translation and exemplar mark are Notes named "Memo", "Translation" and
  "Exemplar" (GUID = uuid5(segment uid + ":memo" / ":translation" / ":exemplar")),
  referenced by NoteRef from the selection;
- memos on the project, documents and codes are Notes named "Memo" referenced by a NoteRef from
  the Project, TextSource or Code; on themes, a MemberNote of the Set; on participants (a Case
  takes no NoteRef), a Link from the Note to the Case. Their GUIDs are the memos' uids, and
  authors who never coded are Users too;
- participants are Cases (GUID = participant uid, name = key, Description = pseudonym),
  their attributes typed Variables, and the speaker labels they have in the documents of
  their SourceRefs a Text variable "Speaker" (one line per SourceRef);
- a document's group, language and format are the variables "Document:group",
  "Document:language" and "Document:format", valued inside its TextSource.

Positions are code points, as the spec says; `nvivo=True` writes UTF-16 units instead (a
character beyond the BMP counts 2, as NVivo counts) and says so in the origin.

Without an `outward` redaction the archive carries every transcript in full, as a project
exchange must. With one (`export qdpx --redact`), the sources are the redacted texts, every
selection's positions are moved through the redaction's `OffsetMap` (a selection that cuts
into a name covers its whole placeholder), and every name and text of project.qde (codes,
sets, cases, users, sources, notes, variable values, the project's own name) is redacted.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from bisect import bisect_left
from datetime import UTC, datetime
from pathlib import Path

from ..codebook_sync import project_codebook
from ..files import write_atomically
from ..names import clean_name
from ..store import Store
from ..text.outward import Outward
from .qdc import append_codes, append_set
from .qdpx import ExportReport
from .refi import PROJECT_NS

# uuid5 namespace of the GUIDs qualcode derives (codings, notes, variables)
NAMESPACE = uuid.UUID("6f1c2a7e-3b0d-5c4e-9a51-7d2e0b8c4f10")
SPEAKER_VARIABLE = "Speaker"
DOCUMENT_VARIABLES = (("Document:group", "group"), ("Document:language", "lang"),
                      ("Document:format", "format"))
NAME_CHARS = 50
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_NON_BMP = re.compile("[\U00010000-\U0010ffff]")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def derived_guid(uid: str, what: str) -> str:
    """The GUID of something that belongs to `uid` (its coding, its memo note…): stable."""
    return str(uuid.uuid5(NAMESPACE, f"{uid.lower()}:{what}"))


def variable_guid(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"variable:{name}")).upper()


def refi(uid: str) -> str:
    """A uid as REFI writes it: upper case; anything not a UUID gets a stable one."""
    try:
        return str(uuid.UUID(uid)).upper()
    except (ValueError, AttributeError, TypeError):
        return str(uuid.uuid5(NAMESPACE, str(uid))).upper()


def utc(value: str | None) -> datetime | None:
    """An ISO 8601 / xsd:dateTime string as a moment in UTC (no zone: UTC); None if it is not one."""
    try:
        moment = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def refi_time(value: str | None) -> str | None:
    """ISO 8601 of ours -> xsd:dateTime in UTC, to the second ("2025-01-31T09:05:00Z")."""
    moment = utc(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def variable_type(values: list[str]) -> str:
    """The narrowest REFI type every value fits (values are written as they are)."""
    if values and all(re.fullmatch(r"[+-]?\d+", v) for v in values):
        return "Integer"
    if values and all(re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", v) for v in values):
        return "Float"
    if values and all(v in ("true", "false") for v in values):
        return "Boolean"
    return "Text"


def write_qdpx(store: Store, path: Path, *, nvivo: bool, origin: str, outward: Outward | None = None) -> ExportReport:
    """Write the whole project as a .qdpx at `path` (atomically); redacted with `outward`."""
    path = Path(path)
    report = ExportReport(path=str(path), nvivo=nvivo, redacted=outward is not None)
    qde, sources = project_qde(store, report, nvivo=nvivo, origin=origin, outward=outward)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("project.qde", qde), *sources]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    write_atomically(path, buffer.getvalue())
    return report


def project_qde(store: Store, report: ExportReport, *, nvivo: bool, origin: str,
                outward: Outward | None = None) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The project.qde bytes and the (member name, bytes) of the source texts."""
    from lxml import etree

    ns = f"{{{PROJECT_NS}}}"

    def sub(parent, tag: str, attributes: dict | None = None, text: str | None = None):
        element = etree.SubElement(parent, ns + tag, {  # no control characters in names (an older project's)
            k: clean_name(v) if k == "name" else _XML_INVALID.sub("", v)
            for k, v in (attributes or {}).items() if v is not None})
        if text is not None:
            element.text = _XML_INVALID.sub("", text)
        return element

    coders = store.coder_rows()
    coder_guid = {c["name"]: refi(c["uid"]) for c in coders}
    memos = store.memo_rows()
    authors = sorted({m["author"] for m in memos} - set(coder_guid))  # memo writers who never coded
    user_guid = {**coder_guid, **{a: str(uuid.uuid5(NAMESPACE, f"user:{a}")).upper() for a in authors}}
    docs = [store.document(s.id) for s in store.document_summaries()]
    segments = store.segments(with_text=False)
    book = project_codebook(store)
    participants = store.participants()
    times = sorted(t for t in [*(d.imported_at for d in docs), *(s.created_at for s in segments)] if t)
    importers = store.importers()
    creator = next((coder_guid[importers[d.id]] for d in docs if importers.get(d.id) in coder_guid), None)
    creator = creator or (refi(coders[0]["uid"]) if coders else None)
    root = etree.Element(ns + "Project", {k: v for k, v in {
        # importers (ours, QualCoder's) read UTF-16 units when the origin names NVivo
        "name": store.path.stem, "origin": f"{origin} (NVivo: UTF-16 positions)" if nvivo else origin,
        "creatingUserGUID": creator,
        "creationDateTime": refi_time(times[0]) if times else None,
        "modifiedDateTime": refi_time(times[-1]) if times else None,
    }.items() if v is not None}, nsmap={None: PROJECT_NS})

    if coders or authors:
        users = sub(root, "Users")
        for c in coders:
            sub(users, "User", {"guid": refi(c["uid"]), "name": c["name"]})
        for a in authors:
            sub(users, "User", {"guid": user_guid[a], "name": a})
    report.coders = len(coders)

    notes: list[tuple[str, str, str, str | None, str | None]] = []  # guid, name, text, user, time
    edits: dict[str, tuple[str | None, str | None]] = {}  # note guid -> (modifying user, time)
    memo_notes: dict[tuple[str, str | None], list[str]] = {}  # (kind, target uid) -> note GUIDs
    for m in memos:
        note = refi(m["uid"])
        notes.append((note, "Memo", m["text"], user_guid.get(m["author"]), refi_time(m["created_at"])))
        if m["updated_at"] != m["created_at"]:
            edits[note] = (user_guid.get(m["author"]), refi_time(m["updated_at"]))
        memo_notes.setdefault((m["kind"], m["target_uid"]), []).append(note)

    if book.codes:
        codes = sub(sub(root, "CodeBook"), "Codes")
        append_codes(codes, book, None, ns)
        code_uids = {refi(c.uid): c.uid for c in book.codes}
        for element in codes.iter(ns + "Code"):
            color = _color(element.get("color"))
            if color:
                element.set("color", color)
            elif "color" in element.attrib:
                del element.attrib["color"]
            # its memos: after its Description, before its child codes (the schema's order)
            place = 1 if len(element) and element[0].tag == ns + "Description" else 0
            for i, note in enumerate(memo_notes.get(("code", code_uids.get(element.get("guid"))), [])):
                element.insert(place + i, etree.Element(ns + "NoteRef", {"targetGUID": note}))
    report.codes = len(book.codes)

    # variables: the participants' attributes, their speaker labels, the documents' own
    attribute_names = sorted({k for p in participants for k in p.attributes})
    variables: dict[str, tuple[str, str]] = {}  # name -> (guid, type)
    for name in attribute_names:
        values = [str(p.attributes[name]) for p in participants if str(p.attributes.get(name, "")) != ""]
        variables[name] = (variable_guid(name), variable_type(values))
    speaking = SPEAKER_VARIABLE not in variables and any(p.speakers for p in participants)
    if speaking:
        variables[SPEAKER_VARIABLE] = (variable_guid(SPEAKER_VARIABLE), "Text")
    for name, column in DOCUMENT_VARIABLES:
        if any(getattr(d, column) for d in docs):
            variables[name] = (variable_guid(name), "Text")
    if variables:
        element = sub(root, "Variables")
        for name, (guid, kind) in variables.items():
            sub(element, "Variable", {"guid": guid, "name": name, "typeOfVariable": kind})

    def value(parent, name: str, text: str) -> None:
        guid, kind = variables[name]
        element = sub(parent, "VariableValue")
        sub(element, "VariableRef", {"targetGUID": guid})
        sub(element, f"{kind}Value", text=text)

    doc_guid = {d.name: refi(d.uid) for d in docs}
    code_uid = {c.name: c.uid for c in book.codes}
    if participants:
        cases = sub(root, "Cases")
        for person in participants:
            case = sub(cases, "Case", {"guid": refi(person.uid), "name": person.key})
            if person.pseudonym:
                sub(case, "Description", text=person.pseudonym)
            for name in attribute_names:
                if str(person.attributes.get(name, "")) != "":
                    value(case, name, str(person.attributes[name]))
            links = [(doc, label) for doc, label in person.speakers if doc in doc_guid]
            if links and speaking:
                value(case, SPEAKER_VARIABLE, "\n".join(label for _, label in links))
            for doc, _ in links:
                sub(case, "SourceRef", {"targetGUID": doc_guid[doc]})
    report.participants = len(participants)

    by_doc: dict[int, list] = {}
    for s in segments:
        by_doc.setdefault(s.doc_id, []).append(s)
    sources_xml = sub(root, "Sources") if docs else None
    files: list[tuple[str, bytes]] = []
    beyond_bmp = 0
    for doc in docs:
        guid = doc_guid[doc.name]
        written, moved = (doc.text, None) if outward is None else outward.with_map(doc.text)
        astral = [m.start() for m in _NON_BMP.finditer(written)]
        beyond_bmp += bool(astral)
        position = (lambda i, a=astral: i + bisect_left(a, i)) if nvivo and astral else (lambda i: i)
        source = sub(sources_xml, "TextSource", {
            "guid": guid, "name": doc.name, "plainTextPath": f"internal://{guid}.txt",
            "creatingUser": coder_guid.get(importers.get(doc.id) or ""),
            "creationDateTime": refi_time(doc.imported_at)})
        for s in sorted(by_doc.get(doc.id, []), key=lambda s: (s.start, s.end, s.uid)):
            user, when = coder_guid.get(s.coder), refi_time(s.created_at)
            start, end = (s.start, s.end) if moved is None else moved.span(s.start, s.end)
            selection = sub(source, "PlainTextSelection", {
                "guid": refi(s.uid), "name": _name(written[start:end]),  # of the text written: redacted already
                "startPosition": str(position(start)), "endPosition": str(position(end)),
                "creatingUser": user, "creationDateTime": when})
            coding = sub(selection, "Coding", {"guid": refi(derived_guid(s.uid, "coding")),
                                               "creatingUser": user, "creationDateTime": when})
            sub(coding, "CodeRef", {"targetGUID": refi(code_uid[s.code])})
            for kind, text in (("Memo", s.memo), ("Translation", s.translation),
                               ("Exemplar", f"Exemplar of '{s.code}'" if s.exemplar else None)):
                if text:
                    note = refi(derived_guid(s.uid, kind.lower()))
                    notes.append((note, kind, text, user, when))
                    sub(selection, "NoteRef", {"targetGUID": note})
            report.segments += 1
        for note in memo_notes.get(("document", doc.uid), []):
            sub(source, "NoteRef", {"targetGUID": note})
        for name, column in DOCUMENT_VARIABLES:
            if getattr(doc, column):
                value(source, name, str(getattr(doc, column)))
        files.append((f"sources/{guid}.txt", written.encode("utf-8")))
    report.documents = len(docs)

    if notes:
        element = sub(root, "Notes")
        for guid, name, text, user, when in notes:
            editor, edited = edits.get(guid, (None, None))
            note = sub(element, "Note", {"guid": guid, "name": name, "creatingUser": user, "creationDateTime": when,
                                         "modifyingUser": editor, "modifiedDateTime": edited})
            sub(note, "PlainTextContent", text=text)
    report.notes = len(notes)

    links = [(note, refi(person.uid)) for person in participants
             for note in memo_notes.get(("participant", person.uid), [])]
    if links:
        element = sub(root, "Links")
        for note, case in links:
            sub(element, "Link", {"guid": refi(derived_guid(note, "link")), "name": "Memo", "originGUID": note,
                                  "targetGUID": case})

    if book.themes:
        sets = sub(root, "Sets")
        uids = {c.name: c.uid for c in book.codes}
        for theme in book.themes:
            append_set(sets, book, theme, ns, uids, member="MemberCode", attribute="targetGUID")
            for note in memo_notes.get(("theme", theme.uid), []):
                sub(sets[-1], "MemberNote", {"targetGUID": note})
    report.themes = len(book.themes)
    for note in memo_notes.get(("project", None), []):  # the project's memos come last
        sub(root, "NoteRef", {"targetGUID": note})

    if beyond_bmp and not nvivo:
        report.warnings.append(f"{beyond_bmp} document(s) contain characters outside the BMP (emoji, rare CJK);"
                               " NVivo counts UTF-16 units: use --nvivo for NVivo")
    elif beyond_bmp:
        report.warnings.append(f"{beyond_bmp} document(s) contain characters outside the BMP: positions are"
                               " UTF-16 units, which only NVivo reads right")
    if outward is not None:
        _redact_tree(root, outward, skip=ns + "PlainTextSelection")
    qde = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return qde, files


def _redact_tree(root, outward: Outward, skip: str) -> None:
    """Every name attribute and every text of the tree, redacted (identifiers, positions and
    dates are other attributes). `skip`: elements named from redacted text already."""
    done: dict[str, str] = {}

    def redact(value: str) -> str:
        if value not in done:
            done[value] = outward.text(value)
        return done[value]

    for element in root.iter():
        name = element.get("name")
        if name is not None and element.tag != skip:
            element.set("name", redact(name))
        if element.text and element.text.strip():
            element.text = redact(element.text)


def _color(value: str | None) -> str | None:
    """#RRGGBB in upper case, from #RGB too; anything else (alpha, names) is dropped."""
    if not value:
        return None
    if re.fullmatch(r"#[0-9A-Fa-f]{3}", value):
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value.upper() if re.fullmatch(r"#[0-9A-Fa-f]{6}", value) else None


def _name(text: str) -> str:
    """A selection's name: its first characters on one line (as ATLAS.ti names quotations)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= NAME_CHARS else flat[:NAME_CHARS] + "…"
