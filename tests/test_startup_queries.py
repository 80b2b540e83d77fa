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


async def coding_statements(path) -> list[str]:
    """The statements of coding a sentence by key, undoing it and opening another document."""
    app = make_app(path, coder="anna")
    statements: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        store_of(app.project).conn.set_trace_callback(statements.append)
        await pilot.press("right_square_bracket", "1")
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        app.open_document(list(app.summaries)[1])
        await pilot.pause()
        store_of(app.project).conn.set_trace_callback(None)
    return statements


async def test_coding_and_switching_documents_read_the_open_document_only(projects):
    """Applying a code, undoing it and opening another document ask the same questions for 3 or
    30 documents; none scans a table of the corpus or the documents (not even their listing)."""
    small, large = projects
    few, many = await coding_statements(small), await coding_statements(large)
    assert [_shape(s) for s in few] == [_shape(s) for s in many]
    assert any(s.startswith("INSERT INTO segments") for s in many)
    db = sqlite3.connect(large)
    for sql in many:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        for line in [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql)]:
            found = re.match(r"SCAN (\w+)", line)
            if found:
                table = _table_of(sql, found.group(1))
                assert table not in CORPUS_TABLES | {"documents", "document_stats"}, f"{line!r} in {sql}"


async def test_the_documents_pane_is_filled_once_at_start_and_never_on_switching(projects, monkeypatch):
    from qualcode.tui.widgets.documents import DocumentList

    _, large = projects
    fills = []
    original = DocumentList.fill
    monkeypatch.setattr(DocumentList, "fill", lambda self, *a, **k: (fills.append(1), original(self, *a, **k))[1])
    app = make_app(large, coder="anna")
    statements: list[str] = []
    store_of(app.project).conn.set_trace_callback(statements.append)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        listings = [s for s in statements if "documents_listing" in s or "FROM documents d" in s]
        for doc_id in list(app.summaries)[1:4]:
            app.open_document(doc_id)
            await pilot.pause()
        pane = app.query_one(DocumentList)
        bold = [i for i in range(pane.option_count)
                if any(span.style == "bold" for span in pane.get_option_at_index(i).prompt.spans)]
        assert bold == [pane.get_option_index(f"doc-{list(app.summaries)[3]}")]  # the open document alone
    assert len(fills) == 1
    assert len(listings) == 1, listings
