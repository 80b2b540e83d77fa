"""Merge cannot be fooled (issue 17): it opens the file it is named, leaves it and its folder as
they were, and takes nothing from a file that is not a sound qualcode project. Every crafted
file here is refused with exit 2 and one line on stderr (the problems listed on stdout), our
project byte for byte as it was."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from hostile.hostile_kit import assert_clean_failure, run, snapshot
from qualcode.cli import main
from qualcode.project import Project


@pytest.fixture
def coauthor(base_project, tmp_path, capsys):
    """A co-author's project in a folder of its own: the base project plus a document of theirs."""
    folder = tmp_path / "coauthor"
    folder.mkdir()
    path = folder / "co.qualcode"
    shutil.copy(base_project, path)
    source = tmp_path / "echt.txt"
    source.write_text("Moderator: Och sedan?\nPer: Det blev bättre.\nModerator: Tack.\nPer: Tack själv.\n",
                      encoding="utf-8")
    assert main(["-p", str(path), "import", str(source)]) == 0
    capsys.readouterr()
    return path


def craft(path: Path, *statements: str) -> None:
    """Change a project as no qualcode would: constraints and triggers out of the way."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA ignore_check_constraints = ON")
    for statement in statements:
        conn.execute(statement)
    conn.close()


def folder_state(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file()}


def refused(capsys, project: Path, other: Path, *, says: str) -> str:
    """Merging `other` fails cleanly, and `other` and its folder stay as they were."""
    before, around = snapshot(project), folder_state(other) if other.is_file() else None
    result = run(capsys, "-p", project, "merge", other)
    line = assert_clean_failure(result, before, project, says=says)
    if around is not None:
        assert folder_state(other) == around
    return line


def test_a_normal_merge_leaves_the_coauthors_file_and_folder_as_they_were(capsys, project, coauthor):
    around = folder_state(coauthor)
    code, out, err = run(capsys, "-p", project, "merge", coauthor)
    assert code == 0, err
    assert "documents: 1 added" in out
    assert folder_state(coauthor) == around


def test_a_write_ahead_log_pending_beside_their_file_is_read_and_left_alone(capsys, project, coauthor):
    """Their qualcode has written and not yet checkpointed: what it wrote counts, nothing of
    theirs changes (no -shm made, no checkpoint run)."""
    holder = sqlite3.connect(coauthor, isolation_level=None)
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("UPDATE codes SET color = '#112233' WHERE name = 'Tid'")
    try:
        assert Path(f"{coauthor}-wal").stat().st_size > 0
        around = folder_state(coauthor)
        code, _, err = run(capsys, "-p", project, "merge", coauthor)
        assert code == 0, err
        assert folder_state(coauthor) == around
    finally:
        holder.close()
    with Project(project) as p:
        assert p.codebook.code("Tid").color == "#112233"


@pytest.mark.parametrize(("name", "decoy"), [("co#1.qualcode", "co"), ("co%41.qualcode", "coA.qualcode"),
                                             ("co?mode=rwc.qualcode", "co")])
def test_uri_characters_in_a_file_name_are_letters_of_that_name(capsys, project, coauthor, tmp_path, name, decoy):
    folder = tmp_path / "uri"
    folder.mkdir()
    shutil.copy(coauthor, folder / decoy)
    with Project(folder / decoy) as p:
        p.codebook.add_code("Lockbete")  # what a merge of the wrong file would bring
    # the named file absent, the decoy present: refused, not the decoy merged
    refused(capsys, project, folder / name, says="no such project")
    shutil.copy(coauthor, folder / name)
    around = folder_state(folder / name)
    code, out, err = run(capsys, "-p", project, "merge", folder / name, "--json")
    assert code == 0, err
    with Project(project) as p:
        assert "Lockbete" not in {c.name for c in p.codebook.codes()}
        assert "echt" in {d.name for d in p.documents.list()}
    assert folder_state(folder / name) == around


def test_a_directory(capsys, project, tmp_path):
    refused(capsys, project, tmp_path, says="not a qualcode project (a directory)")


def test_a_fifo_is_refused_without_waiting_for_it(capsys, project, tmp_path):
    fifo = tmp_path / "co.qualcode"
    os.mkfifo(fifo)
    refused(capsys, project, fifo, says="not a qualcode project (not a regular file)")


@pytest.mark.parametrize("content", [b"", b"Moderator: Hej.\n", b"SQLite format 2\x00" + bytes(100)])
def test_not_an_sqlite_file(capsys, project, tmp_path, content):
    other = tmp_path / "co.qualcode"
    other.write_bytes(content)
    refused(capsys, project, other, says="not a qualcode project (not an SQLite file)")


def test_a_foreign_sqlite_database(capsys, project, tmp_path):
    other = tmp_path / "co.qualcode"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE patients (name TEXT)")
    conn.commit()
    conn.close()
    refused(capsys, project, other, says="not a qualcode project (an SQLite database of something else)")


def test_a_project_of_a_newer_qualcode_names_both_versions(capsys, project, coauthor):
    craft(coauthor, "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                    "VALUES ('qualcode', 'm999_future', '2030-01-01')")
    line = refused(capsys, project, coauthor, says="made by a newer qualcode")
    assert "m999_future" in line and "this qualcode knows up to m00" in line


def test_a_damaged_page(capsys, project, coauthor):
    data = bytearray(coauthor.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    pages = len(data) // page
    for n in range(pages // 2, pages):  # the second half of the file: tables and indexes, not the schema
        data[n * page + 8: n * page + 40] = b"\xff" * 32
    coauthor.write_bytes(bytes(data))
    line = refused(capsys, project, coauthor, says="")
    # where the damage falls decides whether SQLite stops at opening it or its integrity check does
    assert "not a sound qualcode project (" in line or "in the project, nothing merged" in line, line


def test_an_index_that_disagrees_with_its_table_fails_the_integrity_check(capsys, project, coauthor):
    """Readable, but not sound: two indexes of the segments swapped (what a torn write may leave)."""
    conn = sqlite3.connect(coauthor, isolation_level=None)
    roots = dict(conn.execute("SELECT name, rootpage FROM sqlite_master WHERE name IN ('segments_doc', "
                              "'segments_code')").fetchall())
    conn.execute("PRAGMA writable_schema = ON")
    for name, other in (("segments_doc", "segments_code"), ("segments_code", "segments_doc")):
        conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = ?", (roots[other], name))
    conn.close()
    before = snapshot(project)
    code, out, err = run(capsys, "-p", project, "merge", coauthor)
    assert_clean_failure((code, out, err), before, project, says="problems in the project, nothing merged")
    assert "index segments_" in out


_MEMO = ("INSERT INTO memos (uid, kind, target_uid, author, text, created_at, updated_at)"
         " VALUES ('m1', {kind}, {target}, {author}, {text}, 'nu', 'nu')")


@pytest.mark.parametrize(("statements", "problem"), [
    (["UPDATE segments SET end = 100000"], "outside its text"),
    (["UPDATE segments SET start = -5"], "CHECK constraint failed in segments"),
    (["UPDATE segments SET start = 'tre'"], "CHECK constraint failed in segments"),
    (["UPDATE segments SET start = 2.5"], "outside its text"),
    (["UPDATE codes SET parent_id = (SELECT id FROM codes WHERE name = 'Tid') WHERE name = 'Trygghet'",
      "UPDATE codes SET parent_id = (SELECT id FROM codes WHERE name = 'Trygghet') WHERE name = 'Tid'"],
     "codes under themselves (a cycle in the code tree): Tid, Trygghet"),
    (["UPDATE segments SET code_id = 999"], "refers to a missing codes row"),
    (["UPDATE participants SET attributes = '{not json'"], "rows whose attributes is not a JSON object"),
    (["UPDATE participants SET attributes = '[1, 2]'"], "rows whose attributes is not a JSON object"),
    (["INSERT INTO decisions (uid, key, coders, unit, doc_id, start, end, choice, codes, decided_by, decided_at,"
      " consensus, segments) VALUES ('u1', 'k1', '[\"anna\"]', 'sentence', 1, 0, 5, 'both', '[]', 'anna', 'nu',"
      " 'consensus', '[]')"], "decisions: 1 rows no reconciliation writes"),
    (["DROP TRIGGER documents_text_immutable", "UPDATE documents SET text = replace(text, 'Per', 'Bo.')"],
     "document 'echt': its text does not match its hash"),
    (["UPDATE codes SET name = 'Tid' || char(27) || '[31m' WHERE name = 'Tid'"],
     "code 'Tid\\x1b[31m' holds control characters (U+001B)"),
    (["UPDATE segments SET memo = 'se' || char(8238) || 'här'"], "holds control characters (U+202E)"),
    ([_MEMO.format(kind="'project'", target="NULL", author="'li'", text="'rensa' || char(27) || '[2J'")],
     "memo 'rensa\\x1b[2J' holds control characters (U+001B)"),
    ([_MEMO.format(kind="'project'", target="NULL", author="'li' || char(7)", text="'ok'")],
     "memo author 'li\\x07' holds control characters (U+0007)"),
    ([_MEMO.format(kind="'case'", target="'x'", author="'li'", text="'ok'")], "CHECK constraint failed in memos"),
    ([_MEMO.format(kind="'code'", target="NULL", author="'li'", text="'ok'")], "CHECK constraint failed in memos"),
    ([_MEMO.format(kind="'code'", target="x'35'", author="'li'", text="'ok'")],
     "memos: 1 rows whose target_uid is not text"),
    ([_MEMO.format(kind="'project'", target="NULL", author="'li'", text="x'00ff'")],
     "memos: 1 rows whose text is not text"),
    (["INSERT INTO done_marks (doc_id, coder, done_at) VALUES (1, 'li' || char(27), 'nu')"],
     "coder who marked a document done 'li\\x1b' holds control characters (U+001B)"),
])
def test_rows_no_qualcode_writes(capsys, project, coauthor, statements, problem):
    craft(coauthor, *statements)
    before = snapshot(project)
    code, out, err = run(capsys, "-p", project, "merge", coauthor)
    assert_clean_failure((code, out, err), before, project, says="nothing merged")
    assert any(problem in line for line in out.splitlines()), out


def test_a_project_cannot_be_merged_into_itself_by_another_path(capsys, project, tmp_path):
    link = tmp_path / "same.qualcode"
    link.symlink_to(project)
    refused(capsys, project, link, says="cannot merge a project into itself")
