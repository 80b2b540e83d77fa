"""REFI-QDA project exchange: valid, deterministic exports; faithful round trips; files as NVivo,
MAXQDA, ATLAS.ti and Taguette write them (our own twins, and the real samples where they are
beside the checkout); damaged and hostile archives refused."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import uuid
import zipfile
from pathlib import Path

import pytest
from fixtures import make_refi
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import SAMPLES, needs_samples, store_of
from qualcode import __version__
from qualcode.errors import QualcodeError
from qualcode.project import Project
from qualcode.text.prepare import prepare_text

NS = {"q": "urn:QDA-XML:project:1.0"}
GUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
TEXT = ("Moderator: Hej 😀 och välkomna 👩\u200d⚕️ till gruppen.\n"
        "D1: Det är 𠀋 för dyrt för oss, 我们 tycker så.\n"
        "D2: Ja, för dyrt.\n")


@pytest.fixture(scope="module")
def schema():
    from qualcode.exchange.validate import refi_schema

    return refi_schema("Project")


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


# --- export -----------------------------------------------------------------------------------

def test_demo_export_is_valid_deterministic_and_exact(demo_path, tmp_path, schema):
    with Project(demo_path) as p:
        first = p.exchange.export_qdpx(tmp_path / "a.qdpx")
        p.exchange.export_qdpx(tmp_path / "b.qdpx")
        docs = {d.uid.upper(): p.documents.get(d.id).text for d in p.documents.list()}
        n_segments, n_codes = len(p.coding.segments()), len(p.codebook.codes())
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()
    root = assert_valid(schema, qde(tmp_path / "a.qdpx"))
    assert first.segments == n_segments == len(root.findall(".//q:PlainTextSelection", NS))
    assert first.codes == n_codes and first.documents == len(docs) and first.participants == 39
    assert root.get("origin") == f"qualcode {__version__}" and root.get("creationDateTime").endswith("Z")
    for element in root.iter():
        for attribute in ("guid", "targetGUID", "creatingUser", "creatingUserGUID"):
            if element.get(attribute):
                assert GUID.match(element.get(attribute)), (element.tag, element.get(attribute))
        if element.get("color"):
            assert re.fullmatch(r"#[0-9A-F]{6}", element.get("color"))
    with zipfile.ZipFile(tmp_path / "a.qdpx") as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
        for guid, text in docs.items():
            data = archive.read(f"sources/{guid}.txt")
            assert data == text.encode("utf-8") and not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    # a coder's coding is a Coding with its own creatingUser; memos are Notes named Memo
    coding = root.find(".//q:PlainTextSelection/q:Coding", NS)
    assert coding.get("creatingUser") and coding.find("q:CodeRef", NS) is not None
    assert {n.get("name") for n in root.findall("q:Notes/q:Note", NS)} == {"Memo", "Translation", "Exemplar"}
    assert {v.get("name") for v in root.findall("q:Variables/q:Variable", NS)} >= {
        "years_in_balint", "Document:group", "Document:language", "Speaker"}
    years = root.find("q:Variables/q:Variable[@name='years_in_balint']", NS)
    assert years.get("typeOfVariable") == "Integer"


def test_empty_project_exports_a_valid_bare_project(project, tmp_path, schema):
    report = project.exchange.export_qdpx(tmp_path / "empty.qdpx")
    root = assert_valid(schema, qde(tmp_path / "empty.qdpx"))
    assert len(root) == 0 and report.warnings == []


def test_nvivo_mode_counts_utf16_units(tmp_path, schema):
    with small_project(tmp_path / "s.qualcode") as p:
        text = p.documents.get("intervju").text
        p.codebook.add_code("Kort", actor="anna", color="#abc")
        plain = p.exchange.export_qdpx(tmp_path / "plain.qdpx")
        nvivo = p.exchange.export_qdpx(tmp_path / "nvivo.qdpx", nvivo=True)
    assert any("outside the BMP" in w and "--nvivo" in w for w in plain.warnings)
    assert any("UTF-16" in w for w in nvivo.warnings)
    assert "NVivo" in etree.fromstring(qde(tmp_path / "nvivo.qdpx")).get("origin")
    start = text.index("för dyrt")
    astral = sum(1 for ch in text[:start] if ord(ch) > 0xFFFF)
    assert astral == 3  # 😀, 👩 of the ZWJ sequence, 𠀋
    for path, expected in ((tmp_path / "plain.qdpx", start), (tmp_path / "nvivo.qdpx", start + astral)):
        root = assert_valid(schema, qde(path))
        selection = next(s for s in root.iter(f"{{{NS['q']}}}PlainTextSelection") if s.get("name") == "för dyrt")
        assert int(selection.get("startPosition")) == expected
        assert root.find(".//q:Code[@name='Kort']", NS).get("color") == "#AABBCC"
    units = text.encode("utf-16-le")
    begin, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert units[2 * begin:2 * end].decode("utf-16-le") == "för dyrt"


# --- round trips ------------------------------------------------------------------------------

def test_demo_round_trip_keeps_everything_and_uids(demo_path, tmp_path, schema):
    with Project(demo_path) as p:
        p.exchange.export_qdpx(tmp_path / "demo.qdpx")
        before = state(p)
    with new_project(tmp_path / "copy.qualcode") as q:
        report = q.exchange.import_qdpx(tmp_path / "demo.qdpx", actor="tester")
        assert report.segments_added == len(before["segments"]) and not report.warnings
        after = state(q)
        q.exchange.export_qdpx(tmp_path / "again.qdpx")
        # importing the same file again changes nothing
        again = q.exchange.import_qdpx(tmp_path / "demo.qdpx", actor="tester")
        assert again.segments_added == 0 and again.segments_present == len(before["segments"])
        assert len(again.documents_matched) == 7 and again.codes_added == [] and again.participants_added == []
        assert state(q) == after
    for key in before:
        assert after[key] == before[key], key

    def guids(path, tag):
        return sorted(e.get("guid") for e in etree.fromstring(qde(path)).iter(f"{{{NS['q']}}}{tag}"))

    for tag in ("PlainTextSelection", "Coding", "Note", "TextSource", "Code", "Case", "User", "Set"):
        assert guids(tmp_path / "demo.qdpx", tag) == guids(tmp_path / "again.qdpx", tag), tag
    assert_valid(schema, qde(tmp_path / "again.qdpx"))


pieces = st.sampled_from([
    "Moderator: ", "D1: ", "主持人：", "\n", "\n\n", "。", ". ", "? ", "😀", "👩\u200d⚕️", "𠀋", "𩸽",
    "q\u0301", "e\u0301", "a\u0308\u0304", "å", "我们", "巴林特小组", "välkomna ", "för dyrt ", "\t",
])
texts = st.lists(pieces, min_size=3, max_size=30).map(lambda xs: "Moderator: Hej 😀.\nD1: " + "".join(xs) + " slut.")
codings = st.lists(st.tuples(st.integers(0, 1), st.floats(0, 1), st.integers(1, 12), st.integers(0, 2),
                             st.integers(0, 2), st.sampled_from([None, "memo 😀", "备忘录\n第二行", "kort"])),
                   min_size=1, max_size=12)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies=st.lists(texts, min_size=1, max_size=2), codings=codings)
def test_generated_projects_validate_and_round_trip(schema, bodies, codings):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        p = new_project(folder / "g.qualcode")
        p.documents.store_documents([prepare_text(f"doc{i}", body) for i, body in enumerate(bodies)], actor="anna")
        p.codebook.add_code("Kategori", actor="anna", codable=False, color="#112233")
        for name in ("Alfa", "Beta 😀", "伽马"):
            p.codebook.add_code(name, parent="Kategori", actor="anna", color="#4E79A7")
        coders = ["anna", "bo", "李"]
        docs = p.documents.list()
        for doc_index, where, length, code, coder, memo in codings:
            doc = docs[doc_index % len(docs)]
            text = p.documents.get(doc.id).text
            start = min(int(where * len(text)), len(text) - 1)
            end = min(start + length, len(text))
            if not text[start:end].strip():
                continue
            for who in {coders[coder], coders[(coder + 1) % 3]}:  # overlapping codings by two coders
                p.coding.add_segment(doc.id, ["Alfa", "Beta 😀", "伽马"][code], start, end, coder=who, memo=memo,
                              exemplar=code == 1, translation="in English" if coder == 2 else None)
        before = state(p)
        for nvivo in (False, True):
            out = folder / f"g{nvivo}.qdpx"
            p.exchange.export_qdpx(out, nvivo=nvivo)
            assert_valid(schema, qde(out))
            with new_project(folder / f"back{nvivo}.qualcode") as q:
                q.exchange.import_qdpx(out, actor="tester")
                after = state(q)
            for key in ("documents", "codes", "coders", "segments"):
                assert after[key] == before[key], (key, nvivo)
        p.close()


# --- other tools' files -----------------------------------------------------------------------

def aligned_starts(p: Project) -> int:
    """How many segments start a line or a coding unit (as NVivo users select)."""
    aligned = 0
    for doc in p.documents.list():
        text = p.documents.get(doc.id).text
        starts = {u.start for u in p.documents.units(doc.id)}
        for s in (s for s in p.coding.segments() if s.doc_id == doc.id):
            aligned += s.start == 0 or text[s.start - 1] == "\n" or s.start in starts
    return aligned


def assert_no_split_surrogates(path: Path, folder: str) -> None:
    """No selection of the file splits a surrogate pair of its .txt (UTF-16 units, BOM not counted)."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        for source in root.iter(f"{{{NS['q']}}}TextSource"):
            raw = archive.read(f"{folder}/{source.get('guid')}.txt").decode("utf-8-sig").encode("utf-16-le")
            for sel in source.iter(f"{{{NS['q']}}}PlainTextSelection"):
                for attribute in ("startPosition", "endPosition"):
                    unit = int(sel.get(attribute))
                    assert unit * 2 <= len(raw)
                    low_surrogate = 0xDC00 <= int.from_bytes(raw[2 * unit:2 * unit + 2], "little") <= 0xDFFF
                    assert unit * 2 == len(raw) or not low_surrogate


@needs_samples
def test_nvivo_sample_reads_utf16_positions(tmp_path):
    path = SAMPLES / "oltas0517.qdpx"
    with new_project(tmp_path / "nvivo.qualcode") as p:
        report = p.exchange.import_qdpx(path, actor="tester")
        assert report.segments_added == 303 and report.origin.startswith("NVivo")
        assert sorted(r["name"] for r in store_of(p).coder_rows()) == ["Gergo", "floriansipos"]
        assert len(p.codebook.codes()) == 152
        assert len(p.coding.segments()) == 303
        assert aligned_starts(p) >= 0.9 * 303
        assert {d.uid for d in p.documents.list()} == {"ddbebe1b-306f-4271-acdd-ae1da7c06fcd",
                                                  "68bbdc14-c361-4432-b4dd-ae1dbfc12890"}
    assert_no_split_surrogates(path, "Sources")


def test_nvivo_twin_reads_utf16_positions(refi, tmp_path):
    """NVivo for Windows: UTF-16 units, CRLF as 2, BOM not counted, Sources/, lower-case GUIDs,
    nameless selections, and the Coding's creatingUser (not the selection's) is the coder."""
    path = refi["nvivo.qdpx"]
    selections = make_refi.NVIVO_SELECTIONS
    with new_project(tmp_path / "nvivo.qualcode") as p:
        report = p.exchange.import_qdpx(path, actor="tester")
        assert report.segments_added == 4 and report.origin.startswith("NVivo") and report.warnings == []
        assert sorted(r["name"] for r in store_of(p).coder_rows()) == ["karin", "li"]
        assert len(p.codebook.codes()) == len(make_refi.NVIVO_CODES) == 7
        assert len(p.coding.segments()) == 4
        assert aligned_starts(p) == 4
        assert {d.uid for d in p.documents.list()} == {make_refi.NVIVO_CODED, make_refi.NVIVO_PLAIN}
        assert p.documents.get("fokusgrupp_nvivo").text == "\n".join(make_refi.NVIVO_LINES) + "\n"
        assert {s.uid: (s.text, s.code, s.coder) for s in p.coding.segments()} == {
            make_refi.coding_guid(s.guid): (s.text, s.code, s.coded_by) for s in selections}
    assert {s.selected_by for s in selections} == {"li", "karin"} and {s.coded_by for s in selections} == {"karin"}
    # every selection reads differently as code points: an importer that ignored NVivo's units fails
    lf = "\n".join(make_refi.NVIVO_LINES) + "\n"
    for s in selections:
        units = make_refi.nvivo_positions(make_refi.NVIVO_LINES, s)
        assert (lf.index(s.text), lf.index(s.text) + len(s.text)) != units
    assert_no_split_surrogates(path, "Sources")


def test_nvivo_mac_twin_reads_stored_members_and_skips_empty_texts(refi, tmp_path):
    """NVivo for Mac: stored (not deflated) members, sources/.root, a .txt of one line break, User ids."""
    path = refi["nvivo_mac.qdpx"]
    with zipfile.ZipFile(path) as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}
        assert "sources/.root" in archive.namelist()
    with new_project(tmp_path / "mac.qualcode") as p:
        report = p.exchange.import_qdpx(path, actor="tester")
        assert report.documents_added == ["lektion_3"] and report.origin == "NVivo for Mac 15.0.0"
        assert sorted(report.sources_skipped) == sorted((n, "no text") for n in make_refi.NVIVO_MAC_EMPTY.values())
        assert sorted(r["name"] for r in store_of(p).coder_rows()) == ["chrisp", "cp"]
        [segment] = p.coding.segments()
        selection = make_refi.NVIVO_MAC_SELECTION
        assert (segment.uid, segment.text, segment.code, segment.coder) == (
            make_refi.coding_guid(selection.guid), selection.text, selection.code, selection.coded_by)
        # 📚 comes before it: one code point here, two UTF-16 units in the file
        assert segment.start == make_refi.NVIVO_MAC_TEXT[2].index(selection.text)


@needs_samples
def test_maxqda_sample_yields_sources_and_coloured_codes(tmp_path):
    path = shutil.copy(SAMPLES / "2025-06-16_ICLS_Conf_Themes_ALL_just10.zip", tmp_path / "maxqda.qdpx")
    with new_project(tmp_path / "m.qualcode") as p:
        report = p.exchange.import_qdpx(path, actor="tester")
        assert len(report.documents_added) == 10 and len(p.documents.list()) == 10
        codes = p.codebook.codes()
        assert len(codes) == 307 and all(re.fullmatch(r"#[0-9A-F]{6}", c.color) for c in codes)
        assert store_of(p).coder_rows()[0]["name"] == "johnb"
        assert all(d.uid == d.uid.lower() for d in p.documents.list())


@pytest.mark.parametrize("path, parent, children, users", [
    pytest.param(SAMPLES / "target-atlas-project.qdpx", "Commits",
                 ["2022-02-11T10:39:25Z cdbfd92", "2022-05-10T02:05:59Z 19e4dce"], ["ATLAS.ti", "Enric Llagostera"],
                 marks=needs_samples, id="sample"),
    # our twin's .qde is named after the project (atlas-projekt.qde), as ATLAS.ti may write it
    pytest.param("atlas.qdpx", "Möten", ["2024-03-01 första mötet", "2024-04-12 andra mötet"],
                 ["ATLAS.ti", "Eva Lind"], id="twin"),
])
def test_atlas_yields_hierarchy_and_users(path, parent, children, users, refi, tmp_path):
    with new_project(tmp_path / "a.qualcode") as p:
        p.exchange.import_qdpx(refi.get(path, path), actor="tester")
        codes = p.codebook.codes()
        parents = [c for c in codes if c.parent_id is None]
        assert [c.name for c in parents] == [parent]
        assert sorted(c.name for c in codes if c.parent_id == parents[0].id) == children
        assert sorted(r["name"] for r in store_of(p).coder_rows()) == users


@pytest.mark.parametrize("codebook, project", [
    pytest.param(SAMPLES / "codebook.qdc", SAMPLES / "target-atlas-project.qdpx", marks=needs_samples, id="samples"),
    pytest.param("taguette.qdc", "atlas.qdpx", id="twins"),  # an empty <Sets/>, UUIDv5 GUIDs
])
def test_taguette_codebook_and_import_into_a_project_with_work(codebook, project, refi, demo_path):
    with Project(demo_path) as p:
        before = state(p)
        report = p.exchange.import_qdpx(refi.get(codebook, codebook), actor="tester")
        assert len(report.codes_added) == 3
        report = p.exchange.import_qdpx(refi.get(project, project), actor="tester")
        after = state(p)
    assert len(after["codes"]) == len(before["codes"]) + 6
    assert after["codes"][:len(before["codes"])] == before["codes"]  # ours kept as they were
    assert after["segments"] == before["segments"] and after["documents"] == before["documents"]


def test_twin_guids_as_taguette_and_atlas_write_them(refi, tmp_path):
    """Upper-case GUIDs (UUIDv5 from Taguette) are kept as lower-case uids."""
    with new_project(tmp_path / "t.qualcode") as p:
        p.exchange.import_qdpx(refi["taguette.qdc"], actor="tester")
        p.exchange.import_qdpx(refi["atlas.qdpx"], actor="tester")
        assert [(c.uid, c.name) for c in p.codebook.codes()] == [
            *((make_refi.taguette_guid(n).lower(), n) for n in make_refi.TAGUETTE_CODES),
            *((g.lower(), n) for g, n in make_refi.ATLAS_CODES)]
    with zipfile.ZipFile(refi["atlas.qdpx"]) as archive:
        assert archive.namelist() == ["atlas-projekt.qde"]


def test_maxqda_twin_yields_sources_and_coloured_codes(refi, tmp_path):
    """MAXQDA: a .zip name, lower-case sources/ and colours, upper-case GUIDs, sets of sources, a comment."""
    path = refi["maxqda.zip"]  # imported under its .zip name
    with new_project(tmp_path / "m.qualcode") as p:
        report = p.exchange.import_qdpx(path, actor="tester")
        assert report.documents_added == [name for _, name, _ in make_refi.MAXQDA_SOURCES]
        assert len(p.documents.list()) == 3
        codes = p.codebook.codes()
        assert [(c.uid, c.name, c.color, c.definition) for c in codes] == [
            (g.lower(), name, color.upper(), {"en": description})
            for g, name, _, color, description in make_refi.MAXQDA_CODES]
        assert all(re.fullmatch(r"#[0-9A-F]{6}", c.color) for c in codes)
        assert store_of(p).coder_rows()[0]["name"] == "johanb"
        assert all(d.uid == d.uid.lower() for d in p.documents.list())
        assert {d.uid: p.documents.get(d.id).text for d in p.documents.list()} == {
            g.lower(): text for g, _, text in make_refi.MAXQDA_SOURCES}
        # sets of sources are not themes; a comment without a Coding codes nothing
        assert report.themes_added == [] and p.codebook.themes() == []
        assert p.coding.segments() == [] and report.warnings == []


def test_twins_are_the_same_bytes_every_time(refi, tmp_path):
    again = make_refi.write_all(tmp_path / "again")
    assert sorted(again) == sorted(refi)
    for name, path in refi.items():
        assert again[name].read_bytes() == path.read_bytes(), name


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


def test_retired_codes_and_their_texts_survive(tmp_path):
    with small_project(tmp_path / "s.qualcode") as p:
        code = p.codebook.code("Kostnad")
        store_of(p).update_code(code.id, retired=1)
        store_of(p).set_code_texts(code.id, "definition", {"sv": "Vad det kostar", "en": "What it costs"})
        p.exchange.export_qdpx(tmp_path / "s.qdpx")
        before = state(p)
    with new_project(tmp_path / "t.qualcode") as q:
        q.exchange.import_qdpx(tmp_path / "s.qdpx", actor="tester")
        assert state(q)["codes"] == before["codes"]
