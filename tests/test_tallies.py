"""The tallies the triggers keep (progress, segments per document and per code) always equal
what a count from scratch gives, whatever was added, removed or changed; a project from before
them gets them filled in when it is opened."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import store_of
from qualcode.project import Project
from qualcode.store.base import new_uid, now

TEXT = ("Moderator: Hur var det? Berätta gärna.\n\n"
        "D1: Det var tryggt. Vi pratade länge. Sen gick vi hem.\n\n"
        "D2: Svårt ibland. Men bra.\n")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("tallies") / "t.qualcode"
    with Project(path, create=True) as p:
        src = path.with_name("a.txt")
        src.write_text(TEXT, encoding="utf-8")
        p.documents.import_files([src], lang="sv")
        src = path.with_name("b.txt")
        src.write_text(TEXT.replace("tryggt", "roligt"), encoding="utf-8")
        p.documents.import_files([src], lang="sv")
        for name in ("K1", "K2"):
            p.codebook.add_code(name)
    return path


def copy(path, target):
    with sqlite3.connect(path) as source, sqlite3.connect(target) as out:
        source.backup(out)
    return target


def from_scratch(db: sqlite3.Connection) -> dict:
    """The tallies counted the slow, obvious way."""
    sentences = db.execute("SELECT doc_id, start, end FROM sentences").fetchall()
    segments = db.execute("SELECT doc_id, coder_id, code_id, start, end FROM segments").fetchall()
    coders = [0] + [r[0] for r in db.execute("SELECT id FROM coders")]
    coverage, per_doc, per_code = {}, {}, {}
    for coder in coders:
        mine = [g for g in segments if coder in (0, g[1])]
        for doc, s, e in sentences:
            if any(g[0] == doc and g[3] < e and g[4] > s for g in mine):
                coverage[(coder, doc)] = coverage.get((coder, doc), 0) + 1
        for g in mine:
            per_doc[(coder, g[0])] = per_doc.get((coder, g[0]), 0) + 1
            per_code[(coder, g[2])] = per_code.get((coder, g[2]), 0) + 1
    return {"coverage": coverage, "per_doc": per_doc, "per_code": per_code, "coders": coders}


def check(project: Project) -> None:
    db = store_of(project).conn
    expected = from_scratch(db)
    totals = dict(db.execute("SELECT doc_id, COUNT(*) FROM sentences GROUP BY doc_id").fetchall())
    for coder in expected["coders"]:
        assert store_of(project).sentence_coverage(coder or None) == {
            doc: (expected["coverage"].get((coder, doc), 0), total) for doc, total in totals.items()}
        assert store_of(project).code_segment_counts(coder or None) == {
            code: n for (k, code), n in expected["per_code"].items() if k == coder}
    assert {d.id: d.coded for d in store_of(project).document_summaries()} == {
        doc: expected["per_doc"].get((0, doc), 0) for doc in totals}


spans = st.tuples(st.integers(0, 110), st.integers(1, 60)).map(lambda t: (t[0], t[0] + t[1]))
operations = st.lists(st.one_of(
    st.tuples(st.just("add"), st.sampled_from([1, 2]), st.sampled_from(["anna", "bo"]),
              st.sampled_from(["K1", "K2"]), spans),
    st.tuples(st.just("remove"), st.integers(0, 30)),
    st.tuples(st.just("move"), st.integers(0, 30), spans),
    st.tuples(st.just("recode"), st.integers(0, 30), st.sampled_from(["K1", "K2"])),
), max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_tallies_equal_a_count_from_scratch(template, tmp_path, ops):
    path = copy(template, tmp_path / "p.qualcode")
    with Project(path) as project:
        store = store_of(project)
        codes = {c.name: c.id for c in project.codebook.codes()}
        with store.transaction():
            for op in ops:
                ids = [r[0] for r in store.conn.execute("SELECT id FROM segments ORDER BY id")]
                if op[0] == "add":
                    _, doc, coder, code, (start, end) = op
                    store.insert_segment({"uid": new_uid(), "doc_id": doc, "code_id": codes[code],
                                          "coder_id": store.coder_id(coder), "start": start, "end": end,
                                          "memo": None, "exemplar": 0, "translation": None,
                                          "created_at": now()})
                elif ids and op[0] == "remove":
                    store.delete_segment(ids[op[1] % len(ids)])
                elif ids and op[0] == "move":
                    store.update_segment(ids[op[1] % len(ids)], start=op[2][0], end=op[2][1])
                elif ids and op[0] == "recode":
                    store.update_segment(ids[op[1] % len(ids)], code_id=codes[op[2]])
        check(project)


def test_progress_through_the_project_api(template, tmp_path):
    path = copy(template, tmp_path / "p.qualcode")
    with Project(path) as p:
        first = p.coding.add_segment(1, "K1", 11, 27, coder="anna")  # "Hur var det? Berätta" touches 2 sentences
        p.coding.add_segment(1, "K1", 11, 14, coder="bo")
        assert p.coding.progress("anna", 1) == {1: (2, 7)} and p.coding.progress("bo", 1) == {1: (1, 7)}
        assert p.coding.progress(None, 1) == {1: (2, 7)}
        p.coding.remove_segment(first.id, actor="anna")
        assert p.coding.progress("anna") == {1: (0, 7), 2: (0, 7)} and p.coding.progress(None, 1) == {1: (1, 7)}
        p.coding.undo("anna")
        assert p.coding.progress("anna", 1) == {1: (2, 7)}
        check(p)


def test_a_project_from_before_the_tallies_gets_them(template, tmp_path):
    """m003_scale fills the tallies from the segments there are."""
    import sqlite_utils

    from qualcode.store.schema import migration_names, migrations

    old = tmp_path / "old.qualcode"
    db = sqlite_utils.Database(old)
    migrations().apply(db, stop_before="m003_scale")
    source = sqlite3.connect(template)
    for table in ("documents", "speakers", "turns", "sentences", "coders", "codes"):
        rows = source.execute(f"SELECT * FROM {table}").fetchall()
        if rows:
            db.conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    db.conn.executemany("INSERT INTO coders (id, uid, name) VALUES (?, ?, ?)", [(7, "u7", "anna"), (8, "u8", "bo")])
    segments = [(1, 1, 7, 11, 27), (1, 2, 7, 30, 31), (1, 1, 8, 11, 14), (2, 2, 8, 0, 120), (2, 1, 7, 40, 41)]
    db.conn.executemany("INSERT INTO segments (uid, doc_id, code_id, coder_id, start, end, created_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, 'then')", [(new_uid(), *s) for s in segments])
    db.conn.commit()
    db.close()
    with Project(old) as p:
        assert store_of(p).schema_version == migration_names()[-1]  # the latest
        assert [(d.chars, d.sentences, d.turns, d.coded) for d in p.documents.list()] == [
            (len(p.documents.text(1)), 7, 3, 3), (len(p.documents.text(2)), 7, 3, 2)]
        assert len(p.documents.text(1)) == len(TEXT)
        check(p)


def test_a_document_read_anew_keeps_its_tallies_and_sizes(template, tmp_path):
    """A merge may replace a document's sentences with another project's reading of the same text."""
    path = copy(template, tmp_path / "p.qualcode")
    with Project(path) as p:
        p.coding.add_segment(1, "K1", 11, 27, coder="anna")
        p.coding.add_segment(1, "K2", 60, 70, coder="bo")
        store = store_of(p)
        rows = store.document_rows(1)
        sentences = rows["sentences"]
        # their reading: every two of our sentences are one
        rows["sentences"] = [{**a, "idx": i, "end": b["end"]} for i, (a, b) in
                             enumerate(zip(sentences[::2], sentences[1::2], strict=False))]
        with store.transaction():
            store.replace_reading(1, rows)
        assert [d.sentences for d in p.documents.list()] == [3, 7]
        check(p)
