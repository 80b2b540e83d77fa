"""Memos on every kind of thing: written, changed, listed, removed, reported, merged, and carried
through REFI-QDA as Notes — each write one transaction with its event."""

from __future__ import annotations

import json
import sqlite3
import zipfile

import pytest
from lxml import etree

from conftest import store_of
from qualcode.cli import main
from qualcode.errors import QualcodeError
from qualcode.project import Project

TEXT = ("Moderator: Hur var det?\n"
        "Anna: Det var tryggt. Vi pratade om läkarna.\n"
        "Moderator: Och du?\n"
        "Erik: Jag höll med Anna.\n")
NS = "{urn:QDA-XML:project:1.0}"


def _study(path, tmp_path, text: str = TEXT) -> Project:
    src = tmp_path / "fg.txt"
    src.write_text(text, encoding="utf-8")
    project = Project(path, create=True)
    project.documents.import_files([src], lang="sv", group="GP A", actor="anna")
    project.codebook.add_code("Trygghet", actor="anna")
    project.codebook.add_code("Stöd", actor="anna")
    project.codebook.add_theme("Gruppen", ["Trygghet"], actor="anna")
    return project


@pytest.fixture
def study(tmp_path):
    project = _study(tmp_path / "a.qualcode", tmp_path)
    yield project
    project.close()


def _every_kind(p: Project) -> dict:
    start = TEXT.index("Det var")
    segment = p.coding.add_segment("fg", "Trygghet", start, start + 15, coder="anna")
    return {
        "project": p.memos.add("project", None, "Mättnad efter tre grupper?", author="anna"),
        "document": p.memos.add("document", "fg", "Lång tystnad\ni början.", author="anna"),
        "code": p.memos.add("code", "Trygghet", "Gränsfall mot Stöd.", author="li"),
        "theme": p.memos.add("theme", "Gruppen", "Bär hela analysen.", author="anna"),
        "participant": p.memos.add("participant", "fg/Anna", "Talar mest.", author="li"),
        "segment": p.memos.add("segment", segment.id, "Nyckelcitat.", author="anna"),
    }


def test_memos_on_every_kind_are_written_listed_changed_and_removed(study):
    memos = _every_kind(study)
    listed = study.memos.list()
    assert [(m.kind, m.target, m.author, m.text) for m in listed] == [
        ("project", None, "anna", "Mättnad efter tre grupper?"),
        ("document", "fg", "anna", "Lång tystnad\ni början."),
        ("code", "Trygghet", "li", "Gränsfall mot Stöd."),
        ("theme", "Gruppen", "anna", "Bär hela analysen."),
        ("participant", "fg/Anna", "li", "Talar mest."),
        ("segment", str(memos["segment"].target_id), "anna", "Nyckelcitat."),
    ]
    assert all(m.created_at == m.updated_at for m in listed)
    segment = study.coding.segment(memos["segment"].target_id)
    assert segment.memo == "Nyckelcitat."  # a coding's memo lives on the coding
    store = store_of(study)
    assert [e["action"] for e in store.events("memo.")] == ["memo.add"] * 5
    # changed: by its author only, the time of change kept apart from the time of writing
    code_memo = study.memos.edit(memos["code"], "Gränsfall mot Stöd, se P3.", actor="li")
    assert (code_memo.text, code_memo.created_at) == ("Gränsfall mot Stöd, se P3.", memos["code"].created_at)
    assert code_memo.updated_at > code_memo.created_at
    assert store.events("memo.edit")[0]["payload"] == {"uid": memos["code"].uid, "before": "Gränsfall mot Stöd.",
                                                        "after": "Gränsfall mot Stöd, se P3."}
    with pytest.raises(QualcodeError, match="li's to change"):
        study.memos.edit(code_memo, "nej", actor="anna")
    with pytest.raises(QualcodeError, match="its coder's"):
        study.memos.add("segment", segment.id, "min kommentar", author="li")
    added = study.memos.add("segment", segment.id, "Och ett till.", author="anna")
    assert added.text == "Nyckelcitat.\n\nOch ett till."
    study.memos.edit(study.memos.of("segment", segment.id, "anna"), "Bara detta.", actor="anna")
    assert study.coding.segment(segment.id).memo == "Bara detta."
    assert study.coding.undo("anna") == "undo: segment changed (memo) in fg"  # coding memos undo with the coding
    assert study.coding.segment(segment.id).memo == "Nyckelcitat.\n\nOch ett till."
    # filters
    assert [m.kind for m in study.memos.list(doc="fg")] == ["document", "segment"]
    assert [m.kind for m in study.memos.list(code="Trygghet")] == ["code", "segment"]
    assert [m.kind for m in study.memos.list(author="li")] == ["code", "participant"]
    assert [m.kind for m in study.memos.list(kind="theme")] == ["theme"]
    assert [m.text for m in study.memos.list(kind="segment", target=segment.id)] == ["Nyckelcitat.\n\nOch ett till."]
    # removed
    study.memos.remove(memos["theme"], actor="anna")
    study.memos.remove(study.memos.of("segment", segment.id, "anna"), actor="anna")
    assert [m.kind for m in study.memos.list()] == ["project", "document", "code", "participant"]
    assert study.coding.segment(segment.id).memo is None
    assert store.events("memo.remove")[0]["payload"]["text"] == "Bär hela analysen."


def test_save_is_the_editors_one_call_and_bad_input_changes_nothing(study):
    saved = study.memos.save("document", "fg", "Första.", author="anna")
    again = study.memos.save("document", "fg", "Andra.", author="anna")
    assert again.id == saved.id and again.text == "Andra."
    assert study.memos.save("document", "fg", "   ", author="anna") is None
    assert study.memos.list() == []
    before = len(store_of(study).events())
    for call in (lambda: study.memos.add("code", "Ingen sådan", "x", author="anna"),
                 lambda: study.memos.add("document", "fg", "  ", author="anna"),
                 lambda: study.memos.add("participant", "P99", "x", author="anna"),
                 lambda: study.memos.add("code", None, "x", author="anna"),
                 lambda: study.memos.list(kind="case")):
        with pytest.raises(QualcodeError):
            call()
    assert len(store_of(study).events()) == before and study.memos.list() == []


def test_cli_memo_add_list_export(tmp_path, capsys):
    path = tmp_path / "p.qualcode"
    _study(path, tmp_path).close()
    run = lambda *argv: (main(["-p", str(path), *argv]), capsys.readouterr())  # noqa: E731
    code, out = run("memo", "add", "--doc", "fg", "Tyst grupp.", "--coder", "anna", "--json")
    assert code == 0
    memo = json.loads(out.out)
    assert list(memo) == ["id", "uid", "kind", "target", "author", "text", "created_at", "updated_at"]
    assert (memo["kind"], memo["target"], memo["author"], memo["text"]) == ("document", "fg", "anna", "Tyst grupp.")
    assert run("memo", "add", "--project-wide", "Hela projektet.", "--coder", "li")[0] == 0
    assert run("code", "fg", "Stöd", "--span", "30:45", "--coder", "li")[0] == 0
    assert run("memo", "add", "--segment", "1", "Stödjande.", "--coder", "li")[0] == 0
    code, out = run("memo", "add", "--segment", "1", "Inte min.", "--coder", "anna")
    assert code == 2 and out.err.startswith("qualcode: error: a coding's memo is its coder's")
    code, out = run("memo", "add", "Utan mål.")
    assert code == 2 and "one of the arguments" in out.err
    listed = json.loads(run("memo", "list", "--json")[1].out)
    assert [(m["id"], m["kind"], m["target"], m["author"], m["text"]) for m in listed] == [
        (2, "project", None, "li", "Hela projektet."), (1, "document", "fg", "anna", "Tyst grupp."),
        (None, "segment", 1, "li", "Stödjande.")]  # a coding's memo has no id of its own: it is the segment's
    assert [m["kind"] for m in json.loads(run("memo", "list", "--doc", "fg", "--json")[1].out)] == [
        "document", "segment"]
    assert json.loads(run("memo", "list", "--author", "anna", "--json")[1].out)[0]["text"] == "Tyst grupp."
    code, out = run("memo", "export", str(tmp_path / "memos.md"))
    assert code == 0 and out.out == f"wrote {tmp_path / 'memos.md'}\n"
    report = (tmp_path / "memos.md").read_text(encoding="utf-8")
    assert "## Documents\n\n### fg\n\n*anna · " in report
    assert "## Codings\n\n### Stöd — fg · Anna · turn 2\n\n*li · " in report
    assert "> Det var tryggt.\n\nStödjande.\n" in report
    assert run("memo", "export", str(tmp_path / "memos.docx"))[0] == 0
    from docx import Document

    paragraphs = [p.text for p in Document(str(tmp_path / "memos.docx")).paragraphs]
    assert ["Project", "Documents", "fg", "Tyst grupp.", "Codings", "Stöd — fg · Anna · turn 2",
            "“Det var tryggt.”", "Stödjande."] == [p for p in paragraphs if p in {
                "Project", "Documents", "fg", "Tyst grupp.", "Codings", "Stöd — fg · Anna · turn 2",
                "“Det var tryggt.”", "Stödjande."}]
    assert run("memo", "export", str(tmp_path / "memos.pdf"))[0] == 2
    assert run("memo", "add", "--theme", "Gruppen", "Temat håller.", "--coder", "anna")[0] == 0
    assert run("code", "fg", "Trygghet", "--span", "30:45", "--coder", "anna")[0] == 0
    assert run("export", "themes", str(tmp_path / "themes.md"), "--lang", "sv", "--memos")[0] == 0
    assert "**Gruppen** (anna): Temat håller." in (tmp_path / "themes.md").read_text(encoding="utf-8")
    assert run("export", "themes", str(tmp_path / "bare.md"), "--lang", "sv")[0] == 0
    assert "Temat håller." not in (tmp_path / "bare.md").read_text(encoding="utf-8")


def test_theme_summary_carries_memos_when_asked(study, tmp_path):
    _every_kind(study)
    start = TEXT.index("Det var")
    study.coding.add_segment("fg", "Trygghet", start, start + 21, coder="li")
    plain = study.reports.export_themes(tmp_path / "plain.md", lang="sv").read_text(encoding="utf-8")
    assert "Memon" not in plain
    text = study.reports.export_themes(tmp_path / "t.md", lang="sv", memos=True).read_text(encoding="utf-8")
    assert "### Memon\n\n**Gruppen** (anna): Bär hela analysen.\n\n**Trygghet** (li): Gränsfall mot Stöd.\n" in text
    import csv

    with study.reports.export_themes(tmp_path / "t.csv", lang="sv", memos=True).open(encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["table"] == "memo"]
    assert [(r["theme"], r["about"], r["author"], r["memo"]) for r in rows] == [
        ("Gruppen", "Gruppen", "anna", "Bär hela analysen."), ("Gruppen", "Trygghet", "li", "Gränsfall mot Stöd.")]
    from openpyxl import load_workbook

    sheet = load_workbook(study.reports.export_themes(tmp_path / "t.xlsx", lang="sv", memos=True))["Memon"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["theme", "about", "author", "memo"], ["Gruppen", "Gruppen", "anna", "Bär hela analysen."],
        ["Gruppen", "Trygghet", "li", "Gränsfall mot Stöd."]]
    from docx import Document

    paragraphs = [p.text for p in Document(str(study.reports.export_themes(tmp_path / "t.docx", lang="sv",
                                                                           memos=True))).paragraphs]
    assert "Memon" in paragraphs and "Trygghet (li): Gränsfall mot Stöd." in paragraphs


def test_memos_travel_through_merge_by_uid(tmp_path):
    with _study(tmp_path / "a.qualcode", tmp_path) as ours:
        ours.memos.add("code", "Stöd", "Vårt memo.", author="anna")
        our_code = ours.codebook.code("Stöd").uid
    # the co-author imported the same transcript on their own: another document uid, the same text
    other = tmp_path / "other"
    other.mkdir()
    with _study(tmp_path / "b.qualcode", other) as theirs:
        memos = _every_kind(theirs)
        theirs.review.mark_done("fg", "li")
        their_code = theirs.codebook.code("Stöd").uid
        assert theirs.documents.get("fg").uid != Project(tmp_path / "a.qualcode").documents.get("fg").uid
    with Project(tmp_path / "a.qualcode") as ours:
        report = ours.team.merge(tmp_path / "b.qualcode", actor="anna")
        assert (report.added["memos"], report.memos_present, report.left_out) == (5, 0, [])
        assert report.added["done_marks"] == 1
        # ours is about Stöd, which keeps the smaller of the two UUIDs: rewritten if that is theirs
        follows = their_code < our_code
        assert report.changed.get("memos", 0) == follows
        assert f"memos: 5 added, {'1 changed, ' if follows else ''}0 already here" in report.lines()
        assert next(m for m in ours.memos.list() if m.text == "Vårt memo.").target_uid == min(our_code, their_code)
        listed = {m.kind: m for m in ours.memos.list()}
        doc = ours.documents.get("fg")
        assert (listed["document"].target_uid, listed["document"].target) == (doc.uid, "fg")
        assert listed["code"].target == "Trygghet" and listed["theme"].target == "Gruppen"
        assert listed["participant"].target == "fg/Anna" and listed["project"].author == "anna"
        assert listed["segment"].text == "Nyckelcitat."  # with its segment
        assert {m.uid for m in ours.memos.list() if m.kind != "segment"} >= {
            memos[k].uid for k in ("project", "document", "code", "theme", "participant")}
        assert ours.review.done_documents("li") == {doc.id}
        mine = next(m for m in ours.memos.list() if m.kind == "document")
        ours.memos.edit(mine, "Ändrat här.", actor="anna")
        # one memo, two texts: a conflict that names the memo, settled as asked
        with pytest.raises(QualcodeError, match="1 conflict, nothing merged") as refused:
            ours.team.merge(tmp_path / "b.qualcode", actor="anna")
        assert refused.value.details == [f"memo {mine.uid[:8]} by anna on document 'fg': text 'Ändrat här.' here, "
                                         "'Lång tystnad\\ni början.' there"]
        again = ours.team.merge(tmp_path / "b.qualcode", actor="anna", prefer="mine")
        assert (again.added, again.changed, again.removed, again.memos_present) == ({}, {}, {}, 5)
        assert again.conflicts == [refused.value.details[0] + " (kept ours)"]
        assert next(m for m in ours.memos.list() if m.kind == "document").text == "Ändrat här."  # ours kept
        assert len(ours.memos.list()) == 7


def test_a_memo_about_something_not_merged_is_left_out(tmp_path):
    """A memo follows its thing wherever the merge puts it (a transcript of another text is
    another document, kept beside ours, with its memo); a memo about something in neither
    project (a code deleted after the memo was written) is left out and told, and one of ours
    like it stays as it is."""
    with _study(tmp_path / "a.qualcode", tmp_path) as ours:
        ours.codebook.add_code("Vår skiss", actor="anna")
        our_gone = ours.memos.add("code", "Vår skiss", "Om vår skiss.", author="anna")
        ours.codebook.delete_code("Vår skiss", actor="anna")
    other = tmp_path / "other"
    other.mkdir()
    with _study(tmp_path / "b.qualcode", other, text=TEXT.replace("tryggt", "otryggt")) as theirs:
        theirs.memos.add("document", "fg", "Om deras fg.", author="li")
        theirs.codebook.add_code("Tillfällig", actor="li")
        gone = theirs.memos.add("code", "Tillfällig", "Om en kod som inte finns.", author="li")
        theirs.codebook.delete_code("Tillfällig", actor="li")
        their_doc = theirs.documents.get("fg").uid
    with Project(tmp_path / "a.qualcode") as ours:
        report = ours.team.merge(tmp_path / "b.qualcode", actor="anna")
        assert len(report.documents_added) == 1 and len(report.kept_both) == 1
        assert (report.added["memos"], report.memos_present) == (1, 0)
        assert report.left_out == [f"memo {gone.uid[:8]} by li on a code that is in neither project: "
                                   "'Om en kod som inte finns.'"]
        assert f"left out: {report.left_out[0]}" in report.lines()
        about_theirs = ours.memos.list(kind="document")
        assert [(m.target_uid, m.target, m.text) for m in about_theirs] == [
            (their_doc, ours.documents.get(their_doc).name, "Om deras fg.")]
        assert [(m.uid, m.target, m.text) for m in ours.memos.list(kind="code")] == [
            (our_gone.uid, f"(gone: {our_gone.target_uid})", "Om vår skiss.")]


def test_memos_travel_through_refi_qda_notes(study, tmp_path):
    memos = _every_kind(study)
    study.memos.edit(memos["project"], "Mättnad efter fyra grupper?", actor="anna")
    path = study.exchange.export_qdpx(tmp_path / "memos.qdpx").path
    assert study.exchange.validate(path) == "valid against REFI-QDA 1.0 schema"
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    guid = lambda m: m.uid.upper()  # noqa: E731
    notes = {n.get("guid"): n for n in root.iter(f"{NS}Note")}
    users = {u.get("name"): u.get("guid") for u in root.iter(f"{NS}User")}
    assert users.keys() == {"anna", "li"}  # li wrote memos but never coded: a User all the same
    edited = notes[guid(memos["project"])]
    assert (edited.get("modifyingUser"), edited.get("creatingUser")) == (users["anna"], users["anna"])
    assert edited.get("modifiedDateTime") >= edited.get("creationDateTime")
    assert notes[guid(memos["code"])].get("creatingUser") == users["li"]
    assert notes[guid(memos["code"])].get("modifiedDateTime") is None  # never changed
    assert root[-1].tag == f"{NS}NoteRef" and root[-1].get("targetGUID") == guid(memos["project"])
    code = next(c for c in root.iter(f"{NS}Code") if c.get("name") == "Trygghet")
    assert [(c.tag, c.get("targetGUID")) for c in code if c.tag == f"{NS}NoteRef"] == [
        (f"{NS}NoteRef", guid(memos["code"]))]
    source = next(root.iter(f"{NS}TextSource"))
    tags = [c.tag.removeprefix(NS) for c in source]
    assert tags.index("NoteRef") > tags.index("PlainTextSelection") and tags.index("NoteRef") < tags.index(
        "VariableValue")
    assert next(root.iter(f"{NS}MemberNote")).get("targetGUID") == guid(memos["theme"])
    link = next(root.iter(f"{NS}Link"))
    case = next(c for c in root.iter(f"{NS}Case") if c.get("name") == "fg/Anna")
    assert (link.get("originGUID"), link.get("targetGUID")) == (guid(memos["participant"]), case.get("guid"))
    with Project(tmp_path / "back.qualcode", create=True) as back:
        report = back.exchange.import_qdpx(path, actor="someone")
        assert report.memos_added == 5
        ours = [(m.uid, m.kind, m.target, m.author, m.text, m.created_at[:19], m.updated_at[:19])
                for m in study.memos.list()]
        theirs = [(m.uid, m.kind, m.target, m.author, m.text, m.created_at[:19], m.updated_at[:19])
                  for m in back.memos.list()]
        assert [t[1:] for t in theirs if t[1] != "segment"] == [o[1:] for o in ours if o[1] != "segment"]
        assert [t[0] for t in theirs if t[1] != "segment"] == [o[0] for o in ours if o[1] != "segment"]
        assert [t[3:5] for t in theirs if t[1] == "segment"] == [("anna", "Nyckelcitat.")]
        assert back.exchange.import_qdpx(path, actor="someone").memos_added == 0


def test_an_older_project_gains_the_memo_tables(tmp_path):
    from sqlite_utils import Database

    from qualcode.store.schema import migrations

    path = tmp_path / "old.qualcode"
    db = Database(sqlite3.connect(path))
    migrations().apply(db, stop_before="m004_memos")
    db.conn.close()
    with Project(path) as p:
        assert store_of(p).schema_version == "m005_word_index_by_document"
        assert p.memos.list() == [] and p.review.done_documents("anna") == set()
    assert (tmp_path / "old.qualcode.before-m004_memos.bak").exists()


def test_an_edit_in_the_same_millisecond_is_still_later(study, monkeypatch):
    import qualcode.services.memos as memos_module

    monkeypatch.setattr(memos_module, "now", lambda: "2026-12-01T10:00:00.000+00:00")
    memo = study.memos.add("project", None, "Första tanken.", author="anna")
    edited = study.memos.edit(memo, "Andra tanken.", actor="anna")
    assert (memo.created_at, edited.created_at) == ("2026-12-01T10:00:00.000+00:00",) * 2
    assert edited.updated_at == "2026-12-01T10:00:00.001+00:00"
    again = study.memos.edit(edited, "Tredje tanken.", actor="anna")
    assert again.updated_at == "2026-12-01T10:00:00.002+00:00"
