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
