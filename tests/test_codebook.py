"""Codebooks: lossless YAML, validation with lines, merge by UUID, REFI .qdc, Word appendix."""

from __future__ import annotations

import hashlib
import shutil

import docx
import pytest
from fixtures import make_refi
from lxml import etree

from conftest import ROOT, SAMPLES, needs_samples, store_of
from qualcode.codebook import CodebookError, parse_codebook, read_codebook
from qualcode.errors import QualcodeError
from qualcode.exchange.qdc import read_qdc
from qualcode.exchange.validate import refi_schema
from qualcode.project import Project

BALINT = ROOT / "codebooks" / "balint.yaml"


def test_yaml_project_yaml_is_lossless(project, tmp_path):
    original = read_codebook(BALINT)
    project.codebook.load(BALINT, actor="t")
    out = project.codebook.export(tmp_path / "again.yaml")
    again = read_codebook(out)
    assert again == original  # every field, language, order and UUID
    assert [c.uid for c in again.codes] == [c.uid for c in original.codes]
    assert again.codes[1].texts["example"]["zh"] == original.codes[1].texts["example"]["zh"]
    assert (again.languages, again.default_language, again.title) == (["sv", "zh", "en"], "sv", original.title)


def test_balint_codebook_is_complete(project):
    book = read_codebook(BALINT)
    codable = [c for c in book.codes if c.codable]
    assert len(book.themes) == 9 and len(codable) >= 25
    for entry in [*book.codes]:
        assert set(entry.labels) == {"sv", "zh", "en"}, entry.name
        for field in ("brief", "definition", "when_to_use", "when_not_to_use", "example"):
            assert set(entry.texts[field]) == {"sv", "zh", "en"}, (entry.name, field)
    # example quotes are real: each is in a transcript of the demo study
    project.codebook.load(BALINT)
    from qualcode.demo import data_root, manifest

    texts = []
    for item in manifest():
        prepared, _ = project.documents.read_files([data_root() / "corpora" / item["file"]], lang=item["lang"])
        texts.append(prepared[0].text)
    for entry in book.codes:
        for lang in ("sv", "zh"):
            assert any(entry.texts["example"][lang] in t for t in texts), (entry.name, lang)


def test_yaml_qdc_project_keeps_names_hierarchy_colours_and_fields(project, tmp_path):
    project.codebook.load(BALINT)
    qdc = project.codebook.export(tmp_path / "balint.qdc")
    schema = refi_schema("CodeBook")
    assert schema.validate(etree.parse(str(qdc))), schema.error_log
    with Project(tmp_path / "other.qualcode", create=True) as other:
        other.codebook.load(qdc)
        before = project.codebook.codes()
        after = other.codebook.codes()
        assert [(c.uid, c.name, c.color, c.codable, c.labels) for c in after] == [
            (c.uid, c.name, c.color, c.codable, c.labels) for c in before]
        parents = lambda codes: {c.name: next((p.name for p in codes if p.id == c.parent_id), None) for c in codes}  # noqa: E731
        assert parents(after) == parents(before)
        for a, b in zip(after, before, strict=True):
            for field in ("brief", "definition", "when_to_use", "when_not_to_use", "example"):
                assert getattr(a, field) == getattr(b, field), (a.name, field)
        assert [(t.name, [c.name for c in after if c.id in t.code_ids]) for t in other.codebook.themes()] == [
            (t.name, [c.name for c in before if c.id in t.code_ids]) for t in project.codebook.themes()]


def assert_codes(path, total, top, children_of, project, coloured=False):
    book = read_qdc(path)
    assert len(book.codes) == total
    assert len(book.children(None)) == top
    if children_of:
        first = book.children(None)[0]
        assert len(book.children(first.name)) == children_of["first"]
    project.codebook.load(path)
    assert len(project.codebook.codes()) == total
    if coloured:
        assert all(c.color for c in project.codebook.codes())
    return book


@needs_samples
@pytest.mark.parametrize("sample,total,top,children_of", [
    ("codebook.qdc", 3, 3, {}),
    ("oltas0517.qdpx", 152, 12, None),
    ("target-atlas-project.qdpx", 3, 1, {"first": 2}),
    ("2025-06-16_ICLS_Conf_Themes_ALL_just10.zip", 307, 18, None),
])
def test_refi_samples_yield_their_codes(sample, total, top, children_of, project, tmp_path):
    path = SAMPLES / sample
    if path.suffix == ".zip":  # a MAXQDA .qdpx stored under another name
        path = shutil.copy(path, tmp_path / "maxqda.qdpx")
    assert_codes(path, total, top, children_of, project, coloured="ICLS" in sample)


@pytest.mark.parametrize("fixture,total,top,children_of", [
    ("taguette.qdc", 3, 3, {}),
    ("nvivo.qdpx", 7, 3, {"first": 2}),
    ("nvivo_mac.qdpx", 1, 1, {"first": 0}),
    ("atlas.qdpx", 3, 1, {"first": 2}),
    ("maxqda.zip", 5, 2, {"first": 2}),
    ("nvivo12_mac.qdc", 2, 1, {"first": 1}),  # codebook namespace …:1:0
    ("atlas23_4.qdc", 2, 1, {"first": 1}),  # codebook namespace …:0:4
    ("schema_edges.qdc", 3, 3, {}),
])
def test_refi_twins_yield_their_codes(fixture, total, top, children_of, project, refi, tmp_path):
    path = refi[fixture]
    if path.suffix == ".zip":  # `codebook load` takes .qdpx only, as with the real sample
        path = shutil.copy(path, tmp_path / "maxqda.qdpx")
    book = assert_codes(path, total, top, children_of, project, coloured=fixture == "maxqda.zip")
    if fixture == "maxqda.zip":
        assert [c.color for c in project.codebook.codes()] == [c.upper() for _, _, _, c, _ in make_refi.MAXQDA_CODES]
    if fixture == "schema_edges.qdc":  # braces stripped, #RGB widened, alpha dropped
        assert [(c.uid, c.color) for c in project.codebook.codes()] == [
            (g.strip("{}").lower(), kept) for g, _, kept in make_refi.SCHEMA_EDGE_CODES]
    if fixture.endswith("_4.qdc") or fixture.startswith("nvivo12"):
        assert [(c.name, c.parent, c.codable) for c in book.codes] == [
            ("Känslor", None, False), ("Skam", "Känslor", True)]


def test_every_written_qdc_validates_including_edge_cases(project, tmp_path):
    project.codebook.add_code("Ensam kod")  # no colour, no texts, no themes
    qdc = project.codebook.export(tmp_path / "min.qdc")
    schema = refi_schema("CodeBook")
    assert schema.validate(etree.parse(str(qdc))), schema.error_log
    assert b"<Sets" not in qdc.read_bytes()  # no empty containers


BAD = {
    "duplicate": ("codes:\n  - name: A\n  - name: B\n  - name: A\n",
                  ["<f>:4: duplicate code name 'A' (first at line 2)"]),
    "parent": ("codes:\n  - name: A\n  - name: B\n    parent: Nope\n", ["<f>:3: unknown parent 'Nope' of code 'B'"]),
    "cycle": ("codes:\n  - name: A\n    parent: B\n  - name: B\n    parent: A\n",
              ["<f>:2: code 'A' is its own ancestor", "<f>:4: code 'B' is its own ancestor"]),
    "theme": ("codes:\n  - name: A\nthemes:\n  - name: T\n    codes: [A, Z]\n",
              ["<f>:4: theme 'T' names unknown code 'Z'"]),
    "colour": ("codes:\n  - name: A\n    color: red\n", ["<f>:3: bad colour 'red' (use #RRGGBB)"]),
    "yaml": ("codes:\n  - name: A\n   bad: [\n", ["<f>:3: not valid YAML"]),
    "several": ("codes:\n  - name: A\n    color: '#12'\n  - name: A\n",
                ["<f>:3: bad colour", "<f>:4: duplicate code name 'A'"]),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_malformed_codebooks_give_line_numbered_errors_and_change_nothing(kind, project, tmp_path):
    text, expected = BAD[kind]
    path = tmp_path / f"{kind}.yaml"
    path.write_text(text, encoding="utf-8")
    project.codebook.load(BALINT)
    digest = hashlib.sha256(str([(c.uid, c.name) for c in project.codebook.codes()]).encode()).hexdigest()
    events = len(store_of(project).events())
    with pytest.raises(CodebookError) as info:
        project.codebook.load(path)
    problems = info.value.problems
    for fragment in expected:
        assert any(p.startswith(fragment.replace("<f>", path.name)) for p in problems), problems
    assert hashlib.sha256(str([(c.uid, c.name) for c in project.codebook.codes()]).encode()).hexdigest() == digest
    assert len(store_of(project).events()) == events


def test_not_a_codebook_at_all(tmp_path):
    with pytest.raises(CodebookError) as info:
        parse_codebook("just a sentence\n", "x.yaml")
    assert info.value.problems == ["x.yaml:1: a codebook is a mapping with 'codes:' (and 'themes:')"]


def test_reloading_an_edited_codebook_keeps_codings_and_records_history(demo_path, tmp_path):
    with Project(demo_path) as p:
        before = {s.uid: s.code for s in p.coding.segments()}
        code_of = {s.uid: p.codebook.code(s.code).uid for s in p.coding.segments()}
        text = BALINT.read_text(encoding="utf-8")
        # 1. rename a code, 2. move a code to another theme, 3. change a definition
        text = text.replace("name: Sekretess\n", "name: Konfidentialitet\n", 1)
        text = "\n".join(line.replace("Sekretess", "Konfidentialitet") if line.lstrip().startswith("codes: [")
                         else line for line in text.split("\n"))
        text = text.replace("      sv: Deltagarens upplevelse av att kunna visa osäkerhet",
                            "      sv: Deltagarens känsla av att kunna visa osäkerhet")
        book = parse_codebook(text)
        moved = next(c.name for c in book.codes if sum(c.name in t.codes for t in book.themes) == 1
                     and c.name != "Konfidentialitet")
        src = next(t for t in book.themes if moved in t.codes)
        dst = next(t for t in book.themes if moved not in t.codes and t is not src)
        edited = tmp_path / "balint.yaml"
        edited.write_text(_move_in_yaml(text, moved, src.name, dst.name), encoding="utf-8")
        changes = p.codebook.load(edited, actor="karin")
        assert len(changes) == 3, changes
        after = {s.uid: s.code for s in p.coding.segments()}
        assert set(after) == set(before)
        assert {s.uid: p.codebook.code(s.code).uid for s in p.coding.segments()} == code_of  # same codes, by UUID
        assert sum(1 for c in after.values() if c == "Konfidentialitet") == sum(
            1 for c in before.values() if c == "Sekretess") > 0
        history = [what for _, who, what in p.codebook.history() if who == "karin"]
        assert "code 'Sekretess' renamed to 'Konfidentialitet'" in history
        assert "code 'Trygghet i gruppen': definition (sv) changed" in history
        assert f"code '{moved}' moved from theme '{src.name}' to theme '{dst.name}'" in history


def _move_in_yaml(text: str, code: str, src: str, dst: str) -> str:
    book = parse_codebook(text)
    lines = text.split("\n")
    for theme in book.themes:
        if theme.name not in (src, dst):
            continue
        codes = [c for c in theme.codes if c != code] + ([code] if theme.name == dst else [])
        i = theme.line - 1
        while not lines[i].lstrip().startswith("codes:"):
            i += 1
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        lines[i] = f"{indent}codes: [{', '.join(codes)}]"
    return "\n".join(lines)


def test_removed_code_with_codings_is_refused_unless_retired(demo_path, tmp_path):
    with Project(demo_path) as p:
        text = BALINT.read_text(encoding="utf-8")
        book = read_codebook(BALINT)
        victim = next(c for c in book.codes if c.name == "Sekretess")
        start = text.index(f"      - id: {victim.uid}")
        end = text.index("      - id:", start + 10)
        trimmed = text[:start] + text[end:]
        trimmed = trimmed.replace("Sekretess, ", "").replace(", Sekretess", "").replace("[Sekretess]", "[]")
        path = tmp_path / "trimmed.yaml"
        path.write_text(trimmed, encoding="utf-8")
        n = len(p.coding.segments(code="Sekretess"))
        with pytest.raises(QualcodeError, match="'Sekretess' \\(\\d+ codings\\)"):
            p.codebook.load(path)
        assert not p.codebook.code("Sekretess").retired
        p.codebook.load(path, retire=True)
        code = p.codebook.code("Sekretess")
        assert code.retired and len(p.coding.segments(code="Sekretess")) == n > 0
        with pytest.raises(QualcodeError, match="retired"):
            s = p.coding.segments()[0]
            p.coding.add_segment(s.doc, "Sekretess", s.start, s.end, coder="x")


def test_edit_retire_theme_and_history_through_the_api(project):
    project.codebook.load(BALINT, actor="anna")
    project.codebook.edit_code("Sekretess", actor="anna", texts={"brief": {"en": "What is said stays."}},
                      color="#123456")
    project.codebook.add_theme("Nytt tema", ["Sekretess", "Inte ensam"], actor="anna")
    project.codebook.retire_code("Inte ensam", actor="anna")
    code = project.codebook.code("Sekretess")
    assert code.brief["en"] == "What is said stays." and code.color == "#123456"
    assert project.codebook.code("Inte ensam").retired
    history = [what for _, _, what in project.codebook.history()][-6:]
    assert history == ["code 'Sekretess': color changed", "code 'Sekretess': brief (en) changed",
                       "theme 'Nytt tema' added", "code 'Inte ensam' added to theme 'Nytt tema'",
                       "code 'Sekretess' added to theme 'Nytt tema'", "code 'Inte ensam' retired"]
    members = [project.codebook.code("Sekretess").id, project.codebook.code("Inte ensam").id]
    assert project.codebook.theme("Nytt tema").code_ids == members


def test_codebook_appendix_docx(project, tmp_path):
    project.codebook.load(BALINT)
    path = project.codebook.export(tmp_path / "appendix.docx", lang="zh")
    document = docx.Document(str(path))
    rfonts = document.styles["Normal"].element.rPr.rFonts
    assert rfonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "SimSun"
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "编码手册" in text
    book = read_codebook(BALINT)
    for entry in book.codes:
        if entry.codable:
            assert entry.labels["zh"] in cells, entry.name
            assert entry.texts["when_not_to_use"]["zh"] in cells
    assert len(document.tables) == 1 + sum(1 for c in book.children(None) if not c.codable)
    xml = (tmp_path / "appendix.docx").read_bytes()
    assert b"PAGE" in __import__("zipfile").ZipFile(path).read("word/footer1.xml")
    assert xml


def test_merging_two_codes_by_renaming_one_to_the_others_name(demo_path, tmp_path):
    with Project(demo_path) as p:
        p.codebook.add_code("Ny A")
        p.codebook.add_code("Ny B")
        s = p.coding.segments()[0]
        p.coding.add_segment(s.doc, "Ny A", s.start, s.end, coder="karin")
        uid_a = p.codebook.code("Ny A").uid
        text = p.codebook.export(tmp_path / "cb.yaml").read_text(encoding="utf-8")
        book = parse_codebook(text)
        book.codes = [c for c in book.codes if c.name != "Ny B"]
        next(c for c in book.codes if c.name == "Ny A").name = "Ny B"
        from qualcode.codebook import codebook_yaml

        (tmp_path / "merged.yaml").write_text(codebook_yaml(book), encoding="utf-8")
        p.codebook.load(tmp_path / "merged.yaml")
        assert p.codebook.code("Ny B").uid == uid_a and len(p.coding.segments(code="Ny B")) == 1


def test_colours_are_normalised_everywhere(project, tmp_path):
    code = project.codebook.add_code("Kort", color="#abc")
    assert code.color == "#AABBCC"
    assert project.codebook.edit_code("Kort", color="#a1b2c3").color == "#A1B2C3"
    project.codebook.add_theme("T", ["Kort"])
    assert project.codebook.export(tmp_path / "c.docx").exists()
    assert 'color="#A1B2C3"' in (project.codebook.export(tmp_path / "c.qdc")).read_text(encoding="utf-8")


def test_renaming_a_theme_moves_no_code(demo_path, tmp_path):
    with Project(demo_path) as p:
        text = p.codebook.export(tmp_path / "cb.yaml").read_text(encoding="utf-8")
        old = p.codebook.themes()[0].name
        (tmp_path / "renamed.yaml").write_text(text.replace(f"name: {old}\n", "name: Nytt namn\n", 1),
                                               encoding="utf-8")
        changes = p.codebook.load(tmp_path / "renamed.yaml")
        assert changes == [f"theme '{old}' renamed to 'Nytt namn'"]


def test_edit_refuses_cycles_and_trims_names(project):
    project.codebook.load(BALINT)
    category = next(c for c in project.codebook.codes() if not c.codable)
    child = next(c for c in project.codebook.codes() if c.parent_id == category.id)
    with pytest.raises(QualcodeError, match="under itself or its own child"):
        project.codebook.edit_code(category.name, parent=child.name)
    assert project.codebook.edit_code(child.name, name="  Trimmat namn ").name == "Trimmat namn"


def test_numbers_as_names_must_be_quoted(project):
    with pytest.raises(CodebookError) as info:
        parse_codebook("codes:\n  - name: 1.10\n  - name: '1.1'\n", "n.yaml")
    assert info.value.problems == ["n.yaml:2: the name 1.1 is not text: put it in quotes"]


def test_qdc_with_twin_set_names(project, tmp_path):
    path = tmp_path / "twins.qdc"
    path.write_text('<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                    '<Code guid="1C4B1A3E-1111-4D2E-8F00-000000000001" name="A" isCodable="true"/></Codes><Sets>'
                    '<Set guid="1C4B1A3E-1111-4D2E-8F00-000000000002" name="Trust">'
                    '<MemberCode guid="1C4B1A3E-1111-4D2E-8F00-000000000001"/></Set>'
                    '<Set guid="1C4B1A3E-1111-4D2E-8F00-000000000003" name="Trust">'
                    '<MemberCode guid="1C4B1A3E-1111-4D2E-8F00-000000000001"/></Set></Sets></CodeBook>',
                    encoding="utf-8")
    project.codebook.load(path)
    assert [t.name for t in project.codebook.themes()] == ["Trust", "Trust (2)"]
