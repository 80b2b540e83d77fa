"""The project file: pragmas, migrations, immutability, the audit trail, participants CSV."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import ROOT, store_of
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
    assert store_of(project).schema_version == "m005_word_index_by_document"  # the latest migration
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"segments_doc", "segments_code", "segments_coder"} <= indexes


def test_lemma_index_finds_inflected_forms(imported, tmp_path):
    src = tmp_path / "lakare.txt"
    src.write_text("Moderator: Läkarna pratade.\nD1: En läkare pratar om läkaren.\n", encoding="utf-8")
    imported.documents.import_files([src])
    doc = imported.documents.get("lakare")
    hits = store_of(imported).lemma_spans("läkare", doc.id)
    assert [doc.text[s:e] for _, s, e in hits] == ["Läkarna", "läkare", "läkaren"]


def test_the_word_index_is_kept_by_document_and_searched_not_scanned(imported, tmp_path):
    """m005: rows in (document, word) order, so an import appends; a word across the project is
    one seek per document."""
    src = tmp_path / "lakare.txt"
    src.write_text("Moderator: Läkarna pratade.\nD1: En läkare pratar om läkaren.\n", encoding="utf-8")
    imported.documents.import_files([src])
    store = store_of(imported)
    assert [(d, s, e) for d, s, e in store.lemma_spans("läkare")] == [
        (2, 11, 18), (2, 35, 41), (2, 52, 59)]  # Läkarna, läkare, läkaren
    plans = []
    store.conn.set_trace_callback(lambda sql: plans.extend(
        r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql)) if sql.startswith("SELECT") else None)
    try:
        store.lemma_spans("läkare")
        store.lemma_postings(["läkare", "prata"])
    finally:
        store.conn.set_trace_callback(None)
    assert plans and not [p for p in plans if p.startswith("SCAN lemmas")], plans
    assert any("SEARCH lemmas USING PRIMARY KEY (doc_id=? AND lemma=?)" in p for p in plans), plans


def test_the_schema_documents_examples_run_and_find_words_by_seeking(imported, tmp_path):
    """docs/schema.md's queries, as a reader would paste them."""
    src = tmp_path / "lakare.txt"
    src.write_text("Moderator: Läkarna pratade.\nD1: En läkare pratar om läkaren.\n", encoding="utf-8")
    imported.documents.import_files([src])
    conn = store_of(imported).conn
    block = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8").split("```sql\n")[1].split("```")[0]
    queries = [q.strip() for q in block.split(";") if q.strip()]
    assert len(queries) == 5
    for query in queries:
        conn.execute(query).fetchall()
    word = next(q for q in queries if "läkare" in q)
    assert [tuple(r) for r in conn.execute(word)] == [("lakare", 11), ("lakare", 35), ("lakare", 52)]
    plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + word)]
    assert any(p.startswith("SEARCH l USING PRIMARY KEY (doc_id=? AND lemma=?)") for p in plan), plan


def test_an_older_word_index_is_rebuilt_in_document_order(tmp_path):
    import sqlite_utils

    from qualcode.store.schema import migrations

    path = tmp_path / "old.qualcode"
    db = sqlite_utils.Database(path)
    migrations().apply(db, stop_before="m005_word_index_by_document")
    db.execute("INSERT INTO documents (id, uid, name, source_name, format, lang, text, raw_sha256, text_sha256,"
               " position, imported_at, imported_by) VALUES (1, 'u1', 'a', 'a.txt', 'txt', 'sv', 'En läkare.',"
               " 'r', 't', 1, 'then', 'anna'), (2, 'u2', 'b', 'b.txt', 'txt', 'sv', 'Läkare, en.', 'r', 't', 2,"
               " 'then', 'anna')")
    old = [("läkare", 2, "[0,6]"), ("en", 1, "[0,2]"), ("läkare", 1, "[3,9]"), ("en", 2, "[8,10]")]
    db.conn.executemany("INSERT INTO lemmas VALUES (?, ?, ?)", old)
    db.conn.commit()
    db.close()
    with Project(path) as p:
        store = store_of(p)
        assert [tuple(r) for r in store.conn.execute("SELECT * FROM lemmas")] == sorted(old, key=lambda r: (r[1], r[0]))
        assert store.lemma_spans("läkare") == [(1, 3, 9), (2, 0, 6)]
        assert "PRIMARY KEY (doc_id, lemma)" in store.conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'lemmas'").fetchone()[0]
    assert (tmp_path / "old.qualcode.before-m005_word_index_by_document.bak").exists()


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


def test_creating_a_project_leaves_pandas_alone(tmp_path):
    """sqlite-utils imports pandas where it is installed (here, for statsmodels) unless kept from
    it: a third of a second on creating or migrating every project."""
    import subprocess
    import sys

    script = ("import sys; from qualcode.project import Project; Project(sys.argv[1], create=True).close();"
              " import sqlite_utils.db, pandas; print('pandas' in sys.modules, sqlite_utils.db.pd)")
    made = subprocess.run([sys.executable, "-c", script, str(tmp_path / "new.qualcode")],
                          capture_output=True, text=True, check=True)
    assert made.stdout == "True None\n"  # pandas still imports afterwards; sqlite-utils never took it
    assert (tmp_path / "new.qualcode").exists()


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
        assert store_of(p).schema_version == "m005_word_index_by_document"  # brought up to the latest
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


def test_the_word_index_of_a_document_is_stored_as_given(project):
    """From the JSON object the analysis hands over, in its order, a key with a NUL too (which
    SQLite's json_each would cut)."""
    from qualcode.text.nlp import json_object
    from qualcode.text.prepare import PreparedDocument

    words = {"a\\b": "[0,1]", "läkare": "[2,8,20,26]", "x\x00y": "[9,10]", "护士": "[11,13]"}
    for index in (dict(list(words.items())[:2]), words):
        doc = PreparedDocument(f"d{len(index)}", "d.txt", "txt", "utf-8", "sv", "läkare " * 5, "0" * 64, [],
                               lemmas=json_object(list(index), index.values()))
        doc_id, _ = store_of(project).insert_document(doc, None, "tester")
        rows = store_of(project).conn.execute("SELECT lemma, spans FROM lemmas WHERE doc_id = ? ORDER BY lemma",
                                              (doc_id,)).fetchall()
        assert [tuple(row) for row in rows] == list(index.items())
