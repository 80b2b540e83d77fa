"""REFI-QDA project exchange: valid, deterministic exports; faithful round trips; files as NVivo,
MAXQDA, ATLAS.ti and Taguette write them (our own twins, and the real samples where they are
beside the checkout); damaged and hostile archives refused."""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from fixtures import make_refi
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from qdpx_kit import GUID, NS, assert_valid, new_project, qde, small_project, state

from conftest import SAMPLES, needs_samples, store_of
from qualcode import __version__
from qualcode.project import Project
from qualcode.text.prepare import prepare_text

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
