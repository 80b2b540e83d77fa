"""Bulk reads of the store (issue 12): segments come in document order, then by span, whichever
way the store finds fastest."""

from __future__ import annotations

from conftest import store_of
from qualcode.project import Project

TEXT = "Moderator: Hur var det? Berätta gärna.\n\nD1: Det var tryggt. Vi pratade länge.\n"


def test_segments_come_in_document_order_even_when_positions_do_not_follow_ids(tmp_path):
    files = []
    for name in ("a", "b", "c"):
        files.append(tmp_path / f"{name}.txt")
        files[-1].write_text(TEXT.replace("tryggt", f"tryggt {name}"), encoding="utf-8")
    with Project(tmp_path / "p.qualcode", create=True) as p:
        p.documents.import_files(files, lang="sv")
        p.codebook.add_code("K")
        store = store_of(p)
        for doc in ("c", "a", "b"):
            for start, end in ((30, 40), (11, 20), (11, 15)):
                p.coding.add_segment(doc, "K", start, end, coder="anna")
        expected = [(d, s, e) for d in ("a", "b", "c") for s, e in ((11, 15), (11, 20), (30, 40))]
        assert [(s.doc, s.start, s.end) for s in store.segments()] == expected
        with store.transaction():  # the import order changed behind our back: c first, then a, b
            store.conn.execute("UPDATE documents SET position = 10 - position WHERE name = 'c'")
            store.conn.execute("UPDATE documents SET position = position + 10 WHERE name != 'c'")
        assert [d.name for d in p.documents.list()] == ["c", "a", "b"]
        assert [(s.doc, s.start, s.end) for s in store.segments()] == expected[6:] + expected[:6]
        assert [s.exemplar for s in store.segments()] == [False] * 9


def test_packed_reads_equal_the_plain_ones(tmp_path, monkeypatch):
    """segment_columns and sentence_rows read ids and offsets packed into few integers a row; the
    same rows come back as read one column at a time (and as read unpacked when ids are large)."""
    files = []
    for name in ("a", "b"):
        files.append(tmp_path / f"{name}.txt")
        files[-1].write_text(TEXT.replace("tryggt", f"tryggt {name}"), encoding="utf-8")
    with Project(tmp_path / "p.qualcode", create=True) as p:
        p.documents.import_files(files, lang="sv")
        p.codebook.add_code("K")
        p.codebook.add_code("L")
        coding = (("a", "K", "anna", 11, 20, True), ("b", "L", "wei", 30, 40, False),
                  ("b", "K", "anna", 0, 9, False), ("a", "L", "erik", 11, 15, True))
        for doc, code, coder, start, end, exemplar in coding:
            segment = p.coding.add_segment(doc, code, start, end, coder=coder, exemplar=exemplar)
        store = store_of(p)
        plain = store.conn.execute("SELECT id, doc_id, code_id, coder_id, start, end, exemplar FROM segments"
                                   " ORDER BY id").fetchall()
        sentences = store.conn.execute("SELECT doc_id, start, end FROM sentences ORDER BY doc_id, idx").fetchall()
        anna = store.coder_ids()["anna"]
        for _ in range(2):
            assert [tuple(r) for r in store.segment_columns().tolist()] == [tuple(r) for r in plain]
            assert [tuple(r) for r in store.segment_columns([anna], {segment.doc_id}).tolist()] == [
                tuple(r) for r in plain if r[3] == anna and r[1] == segment.doc_id]
            assert [tuple(r) for r in store.sentence_rows().tolist()] == [tuple(r) for r in sentences]
            monkeypatch.setattr(type(store), "_largest_id", lambda self, table: 1 << 40)
