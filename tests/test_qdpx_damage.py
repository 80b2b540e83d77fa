"""REFI-QDA files that are damaged or hostile are refused and change nothing; the loose
matching other tools' archives need (member names, folder case, shapes) is kept."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from qdpx_kit import NS, new_project, small_project, snapshot, state

from conftest import store_of
from qualcode.errors import QualcodeError

# --- damage and hostile archives ----------------------------------------------------------------

def rewrite(src: Path, dst: Path, change) -> Path:
    """A copy of a .qdpx whose project.qde went through `change(root)`."""
    with zipfile.ZipFile(src) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    root = etree.fromstring(members["project.qde"])
    change(root)
    members["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return dst


def first(root, tag):
    return next(root.iter(f"{{{NS['q']}}}{tag}"))


def damage_past_end(root):
    source = first(root, "TextSource")
    first(source, "PlainTextSelection").set("endPosition", "5012")


def damage_code_ref(root):
    first(root, "CodeRef").set("targetGUID", str(uuid.uuid4()).upper())


def damage_note_ref(root):
    ref = next(root.iter(f"{{{NS['q']}}}NoteRef"))
    ref.set("targetGUID", "{" + str(uuid.uuid4()) + "}")  # braced, lower case: still a GUID


@pytest.mark.parametrize("change, message", [
    (damage_past_end,
     r"PlainTextSelection '𠀋 för dyrt för oss, 我们' \([0-9A-F-]+\) ends at 5012, past the end of its text \(\d+\)"),
    (damage_code_ref, r"Coding .* refers to code [0-9A-F-]+, which the project does not declare"),
    (damage_note_ref, r"NoteRef in PlainTextSelection .* refers to note [0-9A-F-]+, which the project does not"),
])
def test_damaged_files_are_refused_and_change_nothing(tmp_path, change, message):
    with small_project(tmp_path / "s.qualcode") as p:
        p.exchange.export_qdpx(tmp_path / "s.qdpx")
    bad = rewrite(tmp_path / "s.qdpx", tmp_path / "bad.qdpx", change)
    with small_project(tmp_path / "target.qualcode") as target:
        before = snapshot(target.path)
        with pytest.raises(QualcodeError, match=message):
            target.exchange.import_qdpx(bad, actor="tester")
        assert snapshot(target.path) == before


def test_unknown_users_are_tolerated_with_a_warning(tmp_path):
    with small_project(tmp_path / "s.qualcode") as p:
        p.exchange.export_qdpx(tmp_path / "s.qdpx")
    stranger = str(uuid.uuid4()).upper()
    bad = rewrite(tmp_path / "s.qdpx", tmp_path / "u.qdpx",
                  lambda root: first(root, "Coding").set("creatingUser", stranger))
    with new_project(tmp_path / "t.qualcode") as q:
        report = q.exchange.import_qdpx(bad, actor="tester")
        assert any("not declared" in w for w in report.warnings)
        assert stranger.lower() in {r["name"] for r in store_of(q).coder_rows()}


def hostile_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return path


PROJECT = (b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources><TextSource name="big"'
           b' guid="1C4B1A3E-1111-4D2E-8F00-000000000030" plainTextPath="internal://big.txt"/></Sources></Project>')
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "hahahahahahaha">'
          + b"".join(b'<!ENTITY %c "%s">' % (ord("a") + i + 1, b"".join([b"&%c;" % (ord("a") + i)] * 10))
                     for i in range(9))
          + b']><Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&j;</Description></Project>')
EXTERNAL = (b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&x;</Description></Project>')


def declared_size(path: Path, actual: bytes, declared: int) -> Path:
    """A member of `actual` bytes whose headers say it unpacks to `declared` (as an attacker writes)."""
    hostile_zip(path, {"project.qde": PROJECT, "sources/big.txt": actual})
    data = bytearray(path.read_bytes())
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while not data[at + name_at:].startswith(b"sources/big.txt"):
            at = data.find(signature, at + 1)
        data[at + offset:at + offset + 4] = declared.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("build, message", [
    (lambda p: hostile_zip(p, {"project.qde": PROJECT, "../../x.txt": b"x"}), "points outside the project"),
    (lambda p: hostile_zip(p, {"project.qde": PROJECT, "/tmp/x.txt": b"x"}), "points outside the project"),
    (lambda p: hostile_zip(p, {"project.qde": PROJECT, "sources\\..\\..\\x.txt": b"x"}), "points outside"),
    (lambda p: hostile_zip(p, {"project.qde": LAUGHS}), "DTD|entity amplification"),
    (lambda p: hostile_zip(p, {"project.qde": EXTERNAL}), "DTD"),
    (lambda p: declared_size(p, bytes(1000), 2**30), "unpacks to more than"),  # claims 1 GB
    (lambda p: hostile_zip(p, {"project.qde": PROJECT, "sources/zeros.txt": bytes(8 * 2**20)}), "compression bomb"),
    (lambda p: declared_size(p, bytes(4 * 2**20), 1000), "damaged archive|larger than it declares"),
    (lambda p: hostile_zip(p, {"project.qde": PROJECT, **{f"sources/{i}.txt": b"" for i in range(10_001)}}),
     "members"),
    (lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "not a valid .qdpx"),
    (lambda p: hostile_zip(p, {"sources/a.txt": b"x"}), "no project.qde"),
])
def test_hostile_archives_are_refused_and_change_nothing(tmp_path, build, message):
    path = tmp_path / "hostile.qdpx"
    build(path)
    with small_project(tmp_path / "s.qualcode") as p:
        before = snapshot(p.path)
        with pytest.raises(QualcodeError, match=message):
            p.exchange.import_qdpx(path, actor="tester")
        assert snapshot(p.path) == before
    assert not (tmp_path / "x.txt").exists() and not Path("/tmp/x.txt").exists()


def test_archive_member_names_and_folder_case_are_matched_loosely(tmp_path):
    """NVivo writes Sources/ and lower-case GUIDs; a .qde may have any name."""
    with small_project(tmp_path / "s.qualcode") as p:
        p.exchange.export_qdpx(tmp_path / "s.qdpx")
        before = state(p)
    with zipfile.ZipFile(tmp_path / "s.qdpx") as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    renamed = {("Study Name.qde" if n == "project.qde" else n.replace("sources/", "Sources/").lower()): d
               for n, d in members.items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in renamed.items():
            archive.writestr(name, data)
    (tmp_path / "n.qdpx").write_bytes(buffer.getvalue())
    with new_project(tmp_path / "n.qualcode") as q:
        q.exchange.import_qdpx(tmp_path / "n.qdpx", actor="tester")
        assert state(q)["segments"] == before["segments"]


FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="ATLAS.ti for Windows 23.2"
  creatingUserGUID="{3f2504e0-4f89-41d3-9a0c-0305e82c3301}">
 <Users><User guid="3F2504E0-4F89-41D3-9A0C-0305E82C3301" name="alice"/></Users>
 <CodeBook><Codes><Code guid="1c4b1a3e-1111-4d2e-8f00-000000000002" name="Cost" isCodable="true"/></Codes></CodeBook>
 <Variables>
  <Variable guid="1C4B1A3E-1111-4D2E-8F00-000000000010" name="Cases:Age" typeOfVariable="Integer"/>
  <Variable guid="1C4B1A3E-1111-4D2E-8F00-000000000011" name="Cases:Smoker" typeOfVariable="Boolean"/>
 </Variables>
 <Cases><Case guid="1C4B1A3E-1111-4D2E-8F00-000000000020" name="P1">
  <VariableValue><VariableRef targetGUID="1C4B1A3E-1111-4D2E-8F00-000000000010"/>
   <IntegerValue>42</IntegerValue></VariableValue>
  <VariableValue><VariableRef targetGUID="1C4B1A3E-1111-4D2E-8F00-000000000011"/>
   <BooleanValue>1</BooleanValue></VariableValue>
  <SourceRef targetGUID="1C4B1A3E-1111-4D2E-8F00-000000000030"/>
 </Case></Cases>
 <Sources>
  <TextSource guid="1C4B1A3E-1111-4D2E-8F00-000000000030" name="crlf"
    plainTextPath="internal://1C4B1A3E-1111-4D2E-8F00-000000000030.txt">
   <PlainTextSelection guid="1C4B1A3E-1111-4D2E-8F00-000000000040" name="too expensive"
     startPosition="{s1}" endPosition="{e1}">
    <Description>A comment</Description>
    <Coding guid="1C4B1A3E-1111-4D2E-8F00-000000000050">
     <CodeRef targetGUID="1C4B1A3E-1111-4D2E-8F00-000000000002"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="1C4B1A3E-1111-4D2E-8F00-000000000041" name="for us…"
     startPosition="{s2}" endPosition="{e2}">
    <Coding guid="1C4B1A3E-1111-4D2E-8F00-000000000051">
     <CodeRef targetGUID="1C4B1A3E-1111-4D2E-8F00-000000000002"/></Coding>
   </PlainTextSelection>
  </TextSource>
  <TextSource guid="1C4B1A3E-1111-4D2E-8F00-000000000031" name="inline">
   <PlainTextContent>Inline text here.</PlainTextContent></TextSource>
  <PDFSource guid="1C4B1A3E-1111-4D2E-8F00-000000000032" name="scan" path="internal://x.pdf"/>
 </Sources>
 <Notes><Note guid="1C4B1A3E-1111-4D2E-8F00-0000000000A1" name="a memo">
  <PlainTextContent>Linked memo.</PlainTextContent></Note></Notes>
 <Links><Link guid="1C4B1A3E-1111-4D2E-8F00-0000000000B1" originGUID="1C4B1A3E-1111-4D2E-8F00-0000000000A1"
   targetGUID="1C4B1A3E-1111-4D2E-8F00-000000000040" direction="OneWay"/></Links>
 <Sets/>
</Project>
"""


def test_other_tools_shapes(tmp_path):
    """Line breaks counted as 1 in a CRLF file (ATLAS.ti, found by the selections' names), inline
    text, a PDF skipped, a memo by Link, a comment, braced GUIDs, a case with typed values."""
    raw = "Intro line.\r\nSecond line.\r\nIt is too expensive for us, she said.\r\n"
    lf = raw.replace("\r\n", "\n")
    s1, s2 = lf.index("too expensive"), lf.index("for us")
    xml = FOREIGN
    for mark, offset in (("{s1}", s1), ("{e1}", s1 + 13), ("{s2}", s2), ("{e2}", s2 + 12)):
        xml = xml.replace(mark, str(offset))
    path = hostile_zip(tmp_path / "atlas.qdpx", {
        "project.qde": xml.encode("utf-8"),
        "sources/1C4B1A3E-1111-4D2E-8F00-000000000030.txt": b"\xef\xbb\xbf" + raw.encode("utf-8")})
    with new_project(tmp_path / "a.qualcode") as p:
        report = p.exchange.import_qdpx(path, actor="tester")
        assert [name for name, _ in report.sources_skipped] == ["scan"]
        assert any("'crlf': positions read as code points with CRLF as one" in w for w in report.warnings)
        assert sorted(report.documents_added) == ["crlf", "inline"]
        segments = {s.uid: s for s in p.coding.segments()}
        first = segments["1c4b1a3e-1111-4d2e-8f00-000000000050"]
        assert first.text == "too expensive" and first.memo == "A comment\n\nLinked memo."
        assert first.coder == "alice"  # the project's creating user
        assert segments["1c4b1a3e-1111-4d2e-8f00-000000000051"].text == "for us, she "
        person = next(x for x in p.participants.list() if x.key == "P1")
        assert person.attributes == {"Cases:Age": "42", "Cases:Smoker": "true", "documents": "crlf"}
        assert person.uid == "1c4b1a3e-1111-4d2e-8f00-000000000020"
