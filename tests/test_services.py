"""Each service stands on its own: built from a store and the services it declares, no Project."""

from __future__ import annotations

import csv
import io
import json

import pytest

from qualcode.errors import QualcodeError
from qualcode.services.codebook import CodebookService
from qualcode.services.coding import CodingService
from qualcode.services.documents import DocumentService
from qualcode.services.exchange import ExchangeService
from qualcode.services.participants import ParticipantService
from qualcode.services.reports import ReportService
from qualcode.services.settings import DEFAULT_CONSENSUS, SettingsService
from qualcode.services.team import TeamService
from qualcode.store import Store

TEXT = ("Moderator: Hur var det?\n"
        "Anna: Det var tryggt. Vi pratade om läkarna.\n"
        "Moderator: Och du?\n"
        "Erik: Jag höll med Anna.\n")


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "s.qualcode")
    yield store
    store.close()


@pytest.fixture
def doc(store, tmp_path):
    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    DocumentService(store).import_files([src], lang="sv", group="GP A", actor="tester")
    return DocumentService(store).get("fg")


def events(store: Store, action: str) -> list[dict]:
    return [e for e in store.events() if e["action"] == action]


def test_settings_alone(store):
    settings = SettingsService(store)
    assert settings.consensus_coder == DEFAULT_CONSENSUS == "consensus"
    assert settings.display_language is None
    settings.set_consensus_coder("  team ", actor="karin")
    settings.set_consensus_coder("team", actor="karin")  # unchanged: nothing written
    assert settings.consensus_coder == "team"
    assert [e["payload"] for e in events(store, "settings.set")] == [{"key": "consensus_coder", "value": "team"}]
    with pytest.raises(QualcodeError, match="needs a name"):
        settings.set_consensus_coder(" ")
    settings.set_display_language("zh")
    assert settings.display_language == "zh"
    with pytest.raises(QualcodeError, match=r"unknown language 'Svenska' \(choose from: sv, zh, en\)"):
        settings.set_display_language("Svenska")


def test_the_workbench_coder_is_the_shells_else_the_remembered_one(store, monkeypatch):
    settings = SettingsService(store)
    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    assert settings.coder is None
    assert settings.set_coder(" Åsa ") == "Åsa"
    assert settings.coder == "Åsa"
    monkeypatch.setenv("QUALCODE_CODER", "li")
    assert settings.coder == "li"


def test_documents_alone(store, doc):
    documents = DocumentService(store)
    assert [d.name for d in documents.list()] == ["fg"]
    assert [(u.speaker, documents.text("fg", u.start, u.end)) for u in documents.units("fg", "turn")] == [
        ("Moderator", "Hur var det?"), ("Anna", "Det var tryggt. Vi pratade om läkarna."),
        ("Moderator", "Och du?"), ("Erik", "Jag höll med Anna.")]
    assert [documents.text("fg", u.start, u.end) for u in documents.units("fg")][1:3] == [
        "Det var tryggt.", "Vi pratade om läkarna."]
    start = TEXT.index("läkarna")
    assert documents.search("fg", "läkare") == [(start, start + len("läkarna"))]  # by lemma
    with pytest.raises(QualcodeError, match="no sentence 9"):
        documents.unit("fg", "sentence", 9)
    with pytest.raises(QualcodeError, match="no document 'nope'"):
        documents.get("nope")


def test_participants_alone(store, doc, tmp_path):
    participants = ParticipantService(store)
    assert sorted(p.key for p in participants.list()) == ["fg/Anna", "fg/Erik", "fg/Moderator"]
    table = tmp_path / "people.csv"
    table.write_text("id,document,speaker,pseudonym,age\nP1,fg,Anna,Deltagare 1,52\n", encoding="utf-8")
    people = {p.key: p for p in participants.load_csv(table, actor="tester")}
    assert people["P1"].pseudonym == "Deltagare 1"
    assert people["P1"].attributes == {"group": "GP A", "age": "52"}
    assert people["P1"].speakers == [("fg", "Anna")]
    assert "fg/Anna" not in people  # the import's placeholder for Anna went


def test_codebook_alone(store):
    codebook = CodebookService(store, SettingsService(store))
    trygghet = codebook.add_code("Trygghet", color="#abc", actor="tester")
    assert trygghet.color == "#AABBCC"
    codebook.add_code("Tid", actor="tester")
    codebook.add_theme("Gruppen", ["Trygghet"], actor="tester")
    assert [c and c.name for c in codebook.quick_codes()] == ["Trygghet", "Tid", *[None] * 7]
    codebook.pin_quick_code(3, "Trygghet")
    assert [c and c.name for c in codebook.quick_codes()[:3]] == ["Tid", None, "Trygghet"]
    assert [what for _, _, what in codebook.history()] == [
        "code 'Trygghet' added", "code 'Tid' added", "theme 'Gruppen' added",
        "code 'Trygghet' added to theme 'Gruppen'"]


def test_coding_alone_with_undo_and_redo(store, doc):
    documents = DocumentService(store)
    coding = CodingService(store, documents, CodebookService(store, SettingsService(store)))
    coding.codebook.add_code("Trygghet", actor="anna")
    sentence = documents.unit("fg", "sentence", 1)
    segment = coding.add_segment("fg", "Trygghet", sentence.start, sentence.end, coder="anna")
    assert (segment.text, segment.coder) == ("Det var tryggt.", "anna")
    assert coding.coders() == ["anna"]
    assert coding.progress("anna") == {doc.id: (1, len(documents.units("fg")))}
    coding.update_segment(segment.id, "anna", memo=" nyckel ")
    assert coding.segment(segment.uid).memo == "nyckel"
    # the message names the document (the workbench's toast offers to go there)
    assert coding.undo("anna") == "undo: segment changed (memo) in fg"
    assert coding.undo("anna") == f"undo: coding added in fg ({sentence.start}:{sentence.end}, Trygghet)"
    assert coding.segments() == [] and not coding.can_undo("anna")
    assert coding.redo("anna") == f"redo: coding added in fg ({sentence.start}:{sentence.end}, Trygghet)"
    assert [s.uid for s in coding.segments(coder="anna")] == [segment.uid]
    with pytest.raises(QualcodeError, match="only white space"):
        coding.add_segment("fg", "Trygghet", sentence.end, sentence.end + 1, coder="anna")


def build_team(store: Store) -> TeamService:
    settings = SettingsService(store)
    documents = DocumentService(store)
    codebook = CodebookService(store, settings)
    coding = CodingService(store, documents, codebook)
    return TeamService(store, documents, codebook, coding, settings)


def test_team_alone_writes_the_consensus_coder_the_settings_name(store, doc):
    team = build_team(store)
    team.codebook.add_code("Trygghet", actor="x")
    team.codebook.add_code("Tid", actor="x")
    s1, s2 = team.documents.units("fg")[1:3]
    for coder in ("anna", "li"):
        team.coding.add_segment("fg", "Trygghet", s1.start, s1.end, coder=coder)
    team.coding.add_segment("fg", "Tid", s2.start, s2.end, coder="anna")
    team.settings.set_consensus_coder("team", actor="x")
    assert team.reconcile_agreed("anna", "li", actor="x") == 1
    [item] = team.reconcile_queue("anna", "li")
    assert (item.codes_a, item.codes_b, item.disputed) == (["Tid"], [], ["Tid"])
    team.decide("anna", "li", item.key, "accept-a", actor="x")
    assert sorted((s.code, s.start) for s in team.coding.segments(coder="team")) == [
        ("Tid", s2.start), ("Trygghet", s1.start)]
    assert "consensus" not in team.coding.coders()
    assert store.decisions("team", ["anna", "li"])[item.key]["choice"] == "accept-a"
    team.settings.set_consensus_coder("li", actor="x")
    with pytest.raises(QualcodeError, match=r"consensus coder is one of the coders reconciled .*\(li\)"):
        team.reconcile_agreed("anna", "li", actor="x")


def test_reports_alone_export_the_agreement_table(store, doc, tmp_path):
    team = build_team(store)
    reports = ReportService(store, team.documents, ParticipantService(store), team.codebook, team.coding, team,
                            team.settings)
    team.codebook.add_code("Trygghet", actor="x")
    units = team.documents.units("fg")
    for coder, coded in (("anna", [1, 2]), ("li", [1])):
        for i in coded:
            team.coding.add_segment("fg", "Trygghet", units[i].start, units[i].end, coder=coder)
    report = team.agreement(["anna", "li"])
    # 5 sentences: both coded 1, anna alone 1, neither 3
    assert report["codes"][0]["units"] == 5 and report["codes"][0]["both"] == 1
    out = reports.export_agreement(report, tmp_path / "a.csv")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["code", "units", "both", "only anna", "only li", "neither", "agreement", "kappa", "alpha",
                       "note"]
    assert rows[1][:7] == ["Trygghet", "5", "1", "1", "0", "3", "80.0 %"]
    kappa = 2 * (1 * 3 - 1 * 0) / ((1 + 1) * (1 + 3) + (1 + 0) * (0 + 3))  # Cohen's kappa by hand: 6/11
    assert rows[1][7] == f"{kappa:.3f}"
    docx_path = reports.export_agreement(report, tmp_path / "a.docx")
    import docx

    table = docx.Document(str(docx_path)).tables[0]
    assert [c.text for c in table.rows[1].cells] == rows[1][:-1]
    with pytest.raises(QualcodeError, match="use .docx or .csv"):
        reports.export_agreement(report, tmp_path / "a.pdf")
    assert reports.summary_input().consensus == "consensus"


def test_exchange_alone_round_trips_a_project(store, doc, tmp_path):
    team = build_team(store)
    team.codebook.add_code("Trygghet", actor="x")
    sentence = team.documents.unit("fg", "sentence", 1)
    team.coding.add_segment("fg", "Trygghet", sentence.start, sentence.end, coder="anna")
    report = ExchangeService(store).export_qdpx(tmp_path / "fg.qdpx")
    assert (report.documents, report.codes, report.segments) == (1, 1, 1)
    other = Store(tmp_path / "other.qualcode")
    try:
        imported = ExchangeService(other).import_qdpx(tmp_path / "fg.qdpx", actor="li")
        assert imported.documents_added == ["fg"] and imported.segments_added == 1
        [segment] = other.segments()
        assert (segment.text, segment.code, segment.coder) == ("Det var tryggt.", "Trygghet", "anna")
        assert json.loads(other.setting("redactions") or "[]") == []
    finally:
        other.close()


def test_redaction_alone_writes_only_redacted_data(store, doc, tmp_path):
    from dataclasses import dataclass

    from qualcode.services.redaction import RedactionService

    redaction = RedactionService(store, ParticipantService(store))
    assert redaction.add(" Erik ", actor="tester") == ["Erik"] and redaction.add("Erik") == ["Erik"]
    assert [e["payload"] for e in events(store, "redaction.add")] == [{"count": 1}]

    @dataclass
    class Table:
        title: str
        rows: dict[str, list[str]]

    seen = []
    path = redaction.write(tmp_path / "t.md", lambda t: seen.append(t) or t.title.encode(),
                           Table("Eriks tabell", {"Erik": ["Erik sa", "#4E79A7"]}), "sv")
    assert seen == [Table("[namn]:s tabell", {"[namn]": ["[namn] sa", "#4E79A7"]})]
    assert path.read_bytes() == b"[namn]:s tabell"
