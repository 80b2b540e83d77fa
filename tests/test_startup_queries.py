"""Opening the workbench asks SQLite the same questions however many documents and segments the
project holds, and none of them reads every segment, sentence or text (issue 12). Not timed:
statements are counted (sqlite3's trace callback) and their query plans read."""

from __future__ import annotations

import re
import sqlite3

import pytest

from conftest import store_of
from qualcode.project import Project
from qualcode.store.base import new_uid
from qualcode.tui.app import make_app
from qualcode.tui.widgets.transcript import TranscriptView

TEXT = ("Moderator: Hur har det varit i gruppen {n}? Berätta.\n\n"
        "D1: Tryggt, faktiskt. Vi pratar om svåra möten {n}.\n\n"
        "D2: Ibland svårt. Tiden räcker inte.\n")

# tables with rows per segment, sentence or word: a start-up plan may seek in them, never scan them
# (tables with a row per document may be scanned: the pane lists every document)
CORPUS_TABLES = {"segments", "sentences", "turns", "lemmas", "events", "sentence_coverage", "decisions"}


def build(path, docs: int, segments_per_doc: int):
    folder = path.parent / f"src{docs}"
    folder.mkdir()
    for n in range(docs):
        (folder / f"fg{n:02d}.txt").write_text(TEXT.format(n=n), encoding="utf-8")
    with Project(path, create=True) as project:
        project.documents.import_files(sorted(folder.iterdir()), lang="sv", group="GP A", jobs=1)
        project.codebook.add_code("Trygghet")
        code = project.codebook.code("Trygghet").id
        store = store_of(project)
        with store.transaction():
            coders = [store.coder_id(name) for name in ("anna", "bo")]
            store.insert_segments(
                {"uid": new_uid(), "doc_id": doc.id, "code_id": code, "coder_id": coders[i % 2],
                 "start": 11 + i % 20, "end": 30 + i % 40, "memo": None, "exemplar": 0,
                 "translation": None, "created_at": "then"}
                for doc in project.documents.list() for i in range(segments_per_doc))
    return path


async def startup_statements(path) -> list[str]:
    app = make_app(path, coder="anna")
    statements: list[str] = []
    store_of(app.project).conn.set_trace_callback(statements.append)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.query_one(TranscriptView).text  # the first transcript is shown
        shown = list(statements)
        store_of(app.project).conn.set_trace_callback(None)
    return shown


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    root = tmp_path_factory.mktemp("startup")
    (root / "small").mkdir()
    (root / "large").mkdir()
    return build(root / "small" / "p.qualcode", 3, 4), build(root / "large" / "p.qualcode", 30, 40)


async def test_startup_issues_the_same_statements_for_3_or_30_documents(projects):
    small, large = projects
    few, many = await startup_statements(small), await startup_statements(large)
    assert len(few) == len(many)
    assert [_shape(s) for s in few] == [_shape(s) for s in many]


async def test_no_startup_query_scans_the_corpus_or_reads_every_text(projects):
    _, large = projects
    statements = await startup_statements(large)
    db = sqlite3.connect(large)
    scanned = []
    for sql in statements:
        for line in [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql)]:
            found = re.match(r"SCAN (\w+)", line)
            if found:
                table = _table_of(sql, found.group(1))
                scanned.append(table)
                assert table not in CORPUS_TABLES, f"{line!r} in {sql}"
                # the documents' other columns sit behind their texts: listing them from the
                # table would read every transcript
                assert table != "documents" or "COVERING INDEX documents_listing" in line, sql
    assert "documents" in scanned  # the pane's listing was among them


def _shape(sql: str) -> str:
    """A statement without its literal values (ids differ between the projects)."""
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)


def _table_of(sql: str, alias: str) -> str:
    """The table an alias (or name) in a query plan stands for."""
    for table, name in re.findall(r"(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", sql, re.IGNORECASE):
        if alias in (table, name):
            return table
    return alias
