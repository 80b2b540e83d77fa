"""The project file: pragmas, migrations, immutability, the audit trail, participants CSV."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import store_of
from qualcode.errors import QualcodeError
from qualcode.project import Project

TEXT = "Moderator: Välkomna.\nAnna: Tack.\nModerator: Hur var det?\nErik: Bra.\n"


@pytest.fixture
def imported(project, tmp_path):
    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    project.documents.import_files([src], group="Hospital", actor="tester")
    return project


def test_pragmas_and_schema_version(project):
    conn = store_of(project).conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert store_of(project).schema_version == "m004_memos"  # the latest migration
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"segments_doc", "segments_code", "segments_coder"} <= indexes


def test_lemma_index_finds_inflected_forms(imported, tmp_path):
    src = tmp_path / "lakare.txt"
    src.write_text("Moderator: Läkarna pratade.\nD1: En läkare pratar om läkaren.\n", encoding="utf-8")
    imported.documents.import_files([src])
    doc = imported.documents.get("lakare")
    hits = store_of(imported).lemma_spans("läkare", doc.id)
    assert [doc.text[s:e] for _, s, e in hits] == ["Läkarna", "läkare", "läkaren"]


def test_document_text_is_immutable_and_events_append_only(imported):
    conn = store_of(imported).conn
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        conn.execute("UPDATE documents SET text = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")


def test_failed_write_rolls_back_everything(imported):
    store = store_of(imported)
    before = store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.log("x", "test", {})
            store.insert_code("Kod", None)
            raise RuntimeError("crash in the middle")
    assert store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == before
    assert store.codes() == []


def test_speakers_become_participants_then_csv_attaches_them(imported, tmp_path):
    people = imported.participants.list()
    assert sorted(p.key for p in people) == ["fg/Anna", "fg/Erik", "fg/Moderator"]
    assert all(p.attributes == {"group": "Hospital"} for p in people)
    csv = tmp_path / "people.csv"
    csv.write_text("id,document,speaker,pseudonym,specialty\nP11,fg,Anna,P11,internmedicin\n"
                   "P12,fg,Erik,P12,kirurgi\n", encoding="utf-8")
    imported.participants.load_csv(csv)
    by_key = {p.key: p for p in imported.participants.list()}
    assert sorted(by_key) == ["P11", "P12", "fg/Moderator"]
    assert by_key["P11"].speakers == [("fg", "Anna")]
    assert by_key["P11"].attributes == {"group": "Hospital", "specialty": "internmedicin"}
    assert by_key["P11"].pseudonym == "P11"


def test_participants_csv_problems_are_all_reported_and_change_nothing(imported, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("id,document,speaker\nP1,fg,Anna\nP2,fg,Nobody\nP3,other,Erik\n", encoding="utf-8")
    with pytest.raises(QualcodeError) as info:
        imported.participants.load_csv(csv)
    assert info.value.details == ["line 3: no speaker 'Nobody' in document 'fg'",
                                  "line 4: document 'other' is not in the project"]
    assert info.value.message == ("line 3: no speaker 'Nobody' in document 'fg' (and 1 more problem: "
                                  "'qualcode participants check FILE' lists all)")
    assert imported.participants.check_csv(csv) == info.value.details
    assert sorted(p.key for p in imported.participants.list()) == ["fg/Anna", "fg/Erik", "fg/Moderator"]
    missing = tmp_path / "missing.csv"
    missing.write_text("name,group\nx,y\n", encoding="utf-8")
    with pytest.raises(QualcodeError, match="lacks column"):
        imported.participants.load_csv(missing)


def test_not_a_project_file(tmp_path):
    bogus = tmp_path / "notes.qualcode"
    bogus.write_text("hello")
    with pytest.raises(QualcodeError, match="not a qualcode project"):
        Project(bogus)


def test_an_older_project_is_migrated_after_a_backup(tmp_path):
    import sqlite_utils

    from qualcode.store.schema import migrations

    path = tmp_path / "old.qualcode"
    db = sqlite_utils.Database(path)
    migrations().apply(db, stop_before="m002_decisions")
    db.execute("INSERT INTO coders (uid, name) VALUES ('u', 'anna')")
    db.conn.commit()
    db.close()
    with Project(path) as p:
        assert store_of(p).schema_version == "m004_memos"  # brought up to the latest
        assert p.coding.coders() == ["anna"]
    backup = tmp_path / "old.qualcode.before-m002_decisions.bak"
    assert backup.exists()
    old = sqlite3.connect(backup)
    assert old.execute("SELECT name FROM coders").fetchall() == [("anna",)]
    assert old.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'decisions'").fetchone() == (0,)


def test_undo_steps_past_a_segment_someone_else_removed(imported):
    imported.codebook.add_code("K")
    first = imported.coding.add_segment("fg", "K", 11, 20, coder="anna")
    second = imported.coding.add_segment("fg", "K", 27, 32, coder="anna")
    imported.coding.remove_segment(second.id, actor="bo")  # a co-author removes anna's latest coding
    assert "skipped" in imported.coding.undo("anna")
    assert imported.coding.undo("anna").startswith("undo: coding added")
    assert imported.coding.segments(coder="anna") == []
    assert imported.coding.undo("anna") is None
    assert imported.coding.redo("anna").startswith("redo: coding added")
    assert [s.uid for s in imported.coding.segments(coder="anna")] == [first.uid]
