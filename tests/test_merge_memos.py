"""Memos, done marks and recording links in a merge (docs/merge.md): a memo follows the thing it
is about to the UUID the merge gives it; one memo with two texts, targets or authors is a
conflict; done marks are the union; recording links stay with each project. Counts are of rows
written, a dry run counts the same and writes nothing, and REFI-QDA notes brought in by import
merge like memos written here."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from merge_kit import content_dump, copies, media_links, table_rows

from conftest import store_of
from qualcode.errors import QualcodeError
from qualcode.project import Project

TEXT = ("Moderator: Hur var det?\n"
        "Anna: Det var tryggt. Vi pratade om läkarna.\n"
        "Moderator: Och du?\n"
        "Erik: Jag höll med Anna.\n")


@pytest.fixture
def base(tmp_path):
    """What two co-authors start from: one transcript, two codes, a theme, a memo on each kind."""
    source = tmp_path / "fg.txt"
    source.write_text(TEXT, encoding="utf-8")
    path = tmp_path / "base.qualcode"
    with Project(path, create=True) as p:
        p.documents.import_files([source], lang="sv", actor="anna")
        p.codebook.add_code("Trygghet", actor="anna")
        p.codebook.add_code("Stöd", actor="anna")
        p.codebook.add_theme("Gruppen", ["Trygghet"], actor="anna")
        p.memos.add("project", None, "Mättnad?", author="anna")
        p.memos.add("document", "fg", "Lång tystnad.", author="li")
        p.memos.add("code", "Trygghet", "Gränsfall.", author="anna")
    return path


def craft(path, *statements: str) -> None:
    """Change a project as no qualcode command can (a memo's target or author)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in statements:
        conn.execute(statement)
    conn.close()


def memo_rows(path) -> dict[str, tuple]:
    conn = sqlite3.connect(path)
    try:
        return {r[0]: r[1:] for r in conn.execute(
            "SELECT uid, kind, target_uid, author, text, created_at, updated_at FROM memos")}
    finally:
        conn.close()


def test_a_memo_follows_its_thing_to_the_uuid_the_merge_gives_it(tmp_path):
    """Two projects made apart: their code Trygghet is ours by name, and the smaller UUID of the
    two is kept; a memo on either side is about that UUID afterwards, whichever side had it."""
    source = tmp_path / "fg.txt"
    source.write_text(TEXT, encoding="utf-8")
    paths = []
    for name, author in (("a", "anna"), ("b", "li")):
        path = tmp_path / f"{name}.qualcode"
        with Project(path, create=True) as p:
            p.documents.import_files([source], lang="sv", actor=author)
            p.codebook.add_code("Trygghet", actor=author)
            p.memos.add("code", "Trygghet", f"Om Trygghet ({author}).", author=author)
            p.memos.add("participant", "fg/Erik", f"Om Erik ({author}).", author=author)
        paths.append(path)
    a, b = paths
    uids = {}
    for path in (a, b):
        with Project(path) as p:
            uids[path] = (p.codebook.code("Trygghet").uid, next(x.uid for x in p.participants.list()
                                                                if x.key == "fg/Erik"))
    smaller = tuple(min(u[i] for u in uids.values()) for i in range(2))
    ab, ba = copies(a, tmp_path, "ab") + copies(b, tmp_path, "ba")
    reports = {}
    for into, other in ((ab, b), (ba, a)):
        with Project(into) as p:
            reports[into] = p.team.merge(other, actor="anna")
            assert {(m.kind, m.target_uid, m.target) for m in p.memos.list()} == {
                ("code", smaller[0], "Trygghet"), ("participant", smaller[1], "fg/Erik")}
            assert len(p.memos.list()) == 4
    assert content_dump(ab) == content_dump(ba)
    # ours are rewritten only where the thing took their UUID: exactly the rows counted
    for into, before in ((ab, a), (ba, b)):
        ours = uids[before]
        rewritten = (ours[0] != smaller[0]) + (ours[1] != smaller[1])
        assert reports[into].added["memos"] == 2
        assert reports[into].changed.get("memos", 0) == rewritten


def test_one_memo_with_two_texts_is_a_conflict_and_its_dates_come_with_the_side_that_wins(base, tmp_path):
    a, b = copies(base, tmp_path, "a", "b")
    with Project(a) as p:
        memo = p.memos.list(kind="code")[0]
        p.memos.edit(memo, "Gränsfall, se P3.", actor="anna")
    with Project(b) as p:
        p.memos.edit(p.memos.list(kind="code")[0], "Gränsfall mot Stöd.\nOch mer.", actor="anna")
    theirs = memo_rows(b)[memo.uid]
    with Project(a) as p, pytest.raises(QualcodeError, match="1 conflict, nothing merged") as refused:
        p.team.merge(b, actor="anna")
    line = (f"memo {memo.uid[:8]} by anna on code 'Trygghet': text 'Gränsfall, se P3.' here, "
            "'Gränsfall mot Stöd.\\nOch mer.' there")
    assert refused.value.details == [line]
    mine = memo_rows(a)[memo.uid]
    with Project(a) as p:
        dry = p.team.merge(b, actor="anna", prefer="theirs", dry_run=True)
    assert memo_rows(a)[memo.uid] == mine  # a dry run writes nothing
    with Project(a) as p:
        report = p.team.merge(b, actor="anna", prefer="theirs")
    assert (report.added, report.changed, report.removed) == (dry.added, dry.changed, dry.removed) == (
        {}, {"memos": 1}, {})
    assert report.conflicts == [line + " (kept theirs)"]
    assert memo_rows(a)[memo.uid] == theirs  # their text with their record of when it was written and changed


def test_the_same_memo_changed_to_one_text_keeps_the_later_edit_or_the_preferred_sides(base, tmp_path):
    a, b = copies(base, tmp_path, "a", "b")
    for path in (a, b):
        with Project(path) as p:
            p.memos.edit(p.memos.list(kind="project")[0], "Mättnad efter tre grupper.", actor="anna")
    uid = next(u for u, row in memo_rows(a).items() if row[0] == "project")
    earlier, later = sorted((memo_rows(a)[uid], memo_rows(b)[uid]), key=lambda row: row[-1])
    assert earlier[-1] < later[-1]
    for prefer, expected in ((None, later), ("mine", memo_rows(a)[uid]), ("theirs", memo_rows(b)[uid])):
        target = tmp_path / f"a-{prefer}.qualcode"
        shutil.copy(a, target)
        with Project(target) as p:
            report = p.team.merge(b, actor="anna", prefer=prefer)
        assert memo_rows(target)[uid] == expected
        assert report.changed.get("memos", 0) == (expected != memo_rows(a)[uid])
        assert report.conflicts == []


def test_what_a_memo_is_about_and_who_wrote_it_conflict_too(base, tmp_path):
    """No command changes either; a file may (another tool, an older qualcode): a conflict each."""
    a, b = copies(base, tmp_path, "a", "b")
    uid = next(u for u, row in memo_rows(a).items() if row[0] == "code")
    craft(b, f"UPDATE memos SET target_uid = (SELECT uid FROM codes WHERE name = 'Stöd'), author = 'li'"
             f" WHERE uid = '{uid}'")
    with Project(a) as p, pytest.raises(QualcodeError, match="2 conflicts") as refused:
        p.team.merge(b, actor="anna")
    assert refused.value.details == [
        f"memo {uid[:8]} by anna on code 'Trygghet': about code 'Trygghet' here, code 'Stöd' there",
        f"memo {uid[:8]} by anna on code 'Trygghet': author 'anna' here, 'li' there"]
    asked = []

    def choose(conflict):
        asked.append(conflict.field)
        return "theirs" if conflict.field == "about" else "mine"

    with Project(a) as p:
        report = p.team.merge(b, actor="anna", choose=choose)
        assert asked == ["about", "author"] and report.changed == {"memos": 1}
        memo = next(m for m in p.memos.list() if m.uid == uid)
        assert (memo.target, memo.author, memo.text) == ("Stöd", "anna", "Gränsfall.")


def test_a_participant_with_a_memo_is_kept(base, tmp_path):
    """Import made fg/Erik for the speaker; we linked Erik to a participant we chose, so the
    merge would drop their fg/Erik as an empty leftover, but a memo about it is something."""
    a, b = copies(base, tmp_path, "a", "b")
    people = tmp_path / "people.csv"
    people.write_text("id,document,speaker,yrke\nP-Erik,fg,Erik,läkare\n", encoding="utf-8")
    with Project(a) as p:
        p.participants.load_csv(people, actor="anna")
    with Project(b) as p:
        p.memos.add("participant", "fg/Erik", "Kom sent.", author="li")
    for into, other in ((a, b), (b, a)):
        target = tmp_path / f"into-{into.stem}.qualcode"
        shutil.copy(into, target)
        with Project(target) as p:
            p.team.merge(other, actor="anna")
            keys = {x.key for x in p.participants.list()}
            assert {"P-Erik", "fg/Erik"} <= keys
            assert [(m.target, m.text) for m in p.memos.list(kind="participant")] == [("fg/Erik", "Kom sent.")]
    assert content_dump(tmp_path / "into-a.qualcode") == content_dump(tmp_path / "into-b.qualcode")


def test_done_marks_are_the_union_and_the_earlier_mark_is_kept(base, tmp_path):
    """A mark is a fact by its coder: taking one back on one side does not take back the other's."""
    a, b = copies(base, tmp_path, "a", "b")
    with Project(a) as p:
        p.review.mark_done("fg", "anna")
        p.review.mark_done("fg", "li")
    with Project(b) as p:
        p.review.mark_done("fg", "li")  # later than a's
        p.review.mark_done("fg", "karin")
    with Project(a) as p:
        p.review.mark_done("fg", "anna", done=False)
        p.review.mark_done("fg", "anna")  # again: now later than b's mark of li
    marks = {}
    for path in (a, b):
        with Project(path) as p:
            marks[path] = {m["coder"]: m["done_at"] for m in p.review.done_marks()}
    before = table_rows(b)
    with Project(b) as p:
        report = p.team.merge(a, actor="li")
        assert {m["coder"]: m["done_at"] for m in p.review.done_marks()} == {
            "anna": marks[a]["anna"], "li": min(marks[a]["li"], marks[b]["li"]), "karin": marks[b]["karin"]}
        assert marks[a]["li"] < marks[b]["li"]
    assert (report.added["done_marks"], report.changed["done_marks"]) == (1, 1)
    assert "done marks: 1 added, 1 changed" in report.lines()
    after = table_rows(b)
    assert len(after["done_marks"] - before["done_marks"]) == 2  # one new, one with its earlier time
    with Project(a) as p:
        p.review.mark_done("fg", "karin", done=False)  # a has no mark of karin's: nothing to take back
        p.team.merge(b, actor="anna")
        assert {m["coder"] for m in p.review.done_marks()} == {"anna", "li", "karin"}


def test_recording_links_stay_with_each_project(base, tmp_path):
    """A link is where one project's file finds a recording on one machine (a path relative to
    that file's folder, or absolute): ours are left as they are, theirs are told, never taken."""
    folder_a, folder_b = tmp_path / "anna", tmp_path / "li"
    folder_a.mkdir()
    folder_b.mkdir()
    a, b = folder_a / "a.qualcode", folder_b / "b.qualcode"
    shutil.copy(base, a)
    shutil.copy(base, b)
    (folder_b / "fg.mp3").write_bytes(b"ID3")
    with Project(b) as p:
        assert str(p.media.link("fg", folder_b / "fg.mp3", actor="li")) == "fg.mp3"
    with Project(a) as p:
        report = p.team.merge(b, actor="anna")
        assert p.media.media("fg") is None
    told = ("the recording of 'fg' is linked there as 'fg.mp3': each project links its own "
            "(qualcode media 'fg' FILE links it here)")
    assert report.left_out == [told] and f"left out: {told}" in report.lines()
    assert (report.added, report.changed) == ({}, {})
    (folder_a / "inspelning.mp3").write_bytes(b"ID3")
    with Project(a) as p:
        p.media.link("fg", folder_a / "inspelning.mp3", actor="anna")
    ours = media_links(a)
    with Project(a) as p:
        report = p.team.merge(b, actor="anna")
    assert media_links(a) == ours and report.left_out == []  # we have one: nothing to tell
    with Project(b) as p:
        p.team.merge(a, actor="li")
        assert p.media.media("fg") == folder_b / "fg.mp3"


def test_memos_and_marks_of_a_merge_are_logged_and_counted_in_a_dry_run_alike(base, tmp_path):
    a, b = copies(base, tmp_path, "a", "b")
    with Project(b) as p:
        p.memos.add("theme", "Gruppen", "Bär analysen.", author="li")
        p.memos.add("code", "Stöd", "Nytt.", author="li")
        p.review.mark_done("fg", "li")
    before = a.read_bytes()
    with Project(a) as p:
        dry = p.team.merge(b, actor="anna", dry_run=True)
    assert a.read_bytes() == before
    with Project(a) as p:
        report = p.team.merge(b, actor="anna")
        event = store_of(p).events("project.merge")[-1]["payload"]
    assert dry.added == report.added == {"memos": 2, "done_marks": 1}
    assert (dry.memos_present, report.memos_present) == (3, 3)
    assert event["added"] == {"memos": 2, "done_marks": 1} and event["left_out"] == []


def test_notes_brought_in_from_refi_qda_merge_like_memos_written_here(base, tmp_path):
    """Li imports our exchange file into a project of her own, changes and adds memos, and we
    merge her project: one memo per note (their UUIDs are the notes' GUIDs), hers added, the
    one she changed a conflict (no merge knows which text came first), nothing doubled; the
    dates REFI-QDA carries to the second change nothing (the later record stands); and merging
    back and forth then agrees."""
    a = tmp_path / "a.qualcode"
    shutil.copy(base, a)
    with Project(a) as p:
        exported = p.exchange.export_qdpx(tmp_path / "a.qdpx").path
        ours = {m.uid: m for m in p.memos.list()}
    b = tmp_path / "b.qualcode"
    with Project(b, create=True) as p:
        assert p.exchange.import_qdpx(exported, actor="li").memos_added == 3
        assert {m.uid for m in p.memos.list()} == set(ours)
        p.memos.add("code", "Stöd", "Li om Stöd.", author="li")
        p.memos.edit(next(m for m in p.memos.list() if m.kind == "document"), "Lång tystnad, sedan skratt.",
                     actor="li")
    document_memo = next(m for m in ours.values() if m.kind == "document")
    with Project(a) as p:
        report = p.team.merge(b, actor="anna", choose=lambda conflict: "theirs")
        assert report.conflicts == [f"memo {document_memo.uid[:8]} by li on document 'fg': text 'Lång tystnad.' "
                                    "here, 'Lång tystnad, sedan skratt.' there (kept theirs)"]
        assert (report.added["memos"], report.changed["memos"], report.memos_present) == (1, 1, 3)
        listed = p.memos.list()
        assert len(listed) == 4 and len({m.uid for m in listed}) == 4
        assert {(m.kind, m.target, m.text) for m in listed} == {
            ("project", None, "Mättnad?"), ("document", "fg", "Lång tystnad, sedan skratt."),
            ("code", "Trygghet", "Gränsfall."), ("code", "Stöd", "Li om Stöd.")}
    with Project(b) as p:
        p.team.merge(a, actor="li", prefer="mine")
    with Project(a) as p:
        again = p.team.merge(b, actor="anna")
    assert (again.added, again.changed, again.removed, again.conflicts) == ({}, {}, {}, [])
    assert {u: r[:4] for u, r in memo_rows(a).items()} == {u: r[:4] for u, r in memo_rows(b).items()}
