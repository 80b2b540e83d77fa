"""What the REFI-QDA tests share: the schema, a project's .qde, small projects with emoji and
CJK beyond the BMP, and what a round trip must keep."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from conftest import store_of
from qualcode.project import Project
from qualcode.text.prepare import prepare_text

NS = {"q": "urn:QDA-XML:project:1.0"}
GUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
TEXT = ("Moderator: Hej 😀 och välkomna 👩\u200d⚕️ till gruppen.\n"
        "D1: Det är 𠀋 för dyrt för oss, 我们 tycker så.\n"
        "D2: Ja, för dyrt.\n")


def qde(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


def assert_valid(schema, data: bytes):
    root = etree.fromstring(data)
    assert schema.validate(root), schema.error_log
    return root


def new_project(path: Path) -> Project:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return Project(path, create=True)


def small_project(path: Path) -> Project:
    """One document with emoji, CJK beyond the BMP and a ZWJ sequence; two coders on one span."""
    p = new_project(path)
    p.documents.store_documents([prepare_text("intervju", TEXT, lang="sv")], actor="anna")
    p.codebook.add_code("Hinder", actor="anna", codable=False, color="#AABBCC")
    p.codebook.add_code("Kostnad", parent="Hinder", actor="anna", color="#FF7800")
    text = p.documents.get("intervju").text
    start = text.index("för dyrt")
    p.coding.add_segment("intervju", "Kostnad", start, start + 8, coder="anna", memo="Starkt 😀\nordval",
                  translation="too expensive", exemplar=True)
    p.coding.add_segment("intervju", "Kostnad", start - 2, start + 20, coder="bo")
    return p


def state(p: Project) -> dict:
    """What a round trip must keep, by uid."""
    docs = {d.id: d.uid for d in p.documents.list()}
    codes = {c.id: c for c in p.codebook.codes()}
    return {
        "documents": sorted((d.uid, d.name, p.documents.get(d.id).text, d.group, d.lang) for d in p.documents.list()),
        "codes": [(c.uid, c.name, codes[c.parent_id].uid if c.parent_id else None, c.color, c.codable,
                   c.retired, c.labels, c.brief, c.definition, c.when_to_use, c.when_not_to_use, c.example)
                  for c in p.codebook.codes()],
        "themes": [(t.uid, t.name, t.labels, t.definition, [codes[i].uid for i in t.code_ids])
                   for t in p.codebook.themes()],
        "coders": sorted((r["uid"], r["name"]) for r in store_of(p).coder_rows()),
        "segments": sorted((s.uid, docs[s.doc_id], codes[s.code_id].uid, s.coder, s.start, s.end, s.memo,
                            s.exemplar, s.translation) for s in p.coding.segments()),
        "participants": sorted((x.uid, x.key, x.pseudonym, sorted(x.attributes.items()), x.speakers)
                               for x in p.participants.list()),
    }


def snapshot(path: Path) -> tuple:
    return tuple(Path(f"{path}{s}").read_bytes() if Path(f"{path}{s}").exists() else None for s in ("", "-wal"))
