"""Merging co-authors' projects: idempotent, order-independent, matching documents by text."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from merge_kit import NOT_CONTENT, REFERENCES, content_dump

from conftest import CORPORA, ROOT, store_of
from qualcode.cli import main
from qualcode.demo import code_quotes
from qualcode.errors import QualcodeError
from qualcode.project import Project

FILES = ["sv/fokusgrupp1_allmanlakare.txt", "sv/fokusgrupp3_sjukhuslakare.vtt", "zh/zhongliu_huli_jiaoliu.txt"]


def build(tmp_path, name: str, coder: str, rename: dict[str, str] | None = None):
    """A co-author's own project: the same transcripts (perhaps renamed), the codebook, their coding."""
    folder = tmp_path / f"{name}-files"
    folder.mkdir()
    paths = []
    for f in FILES:
        src = CORPORA / f
        target = folder / ((rename or {}).get(src.stem, src.stem) + src.suffix)
        shutil.copy(src, target)
        paths.append(target)
    path = tmp_path / f"{name}.qualcode"
    with Project(path, create=True) as p:
        p.documents.import_files(paths, actor=coder)
        p.codebook.load(ROOT / "codebooks" / "balint.yaml", actor=coder)
        rows = [r for r in csv.DictReader((CORPORA / "demo_codings.csv").open(encoding="utf-8"))
                if r["coder"] == coder]
        for r in rows:
            r["document"] = (rename or {}).get(r["document"], r["document"])
        codings = tmp_path / f"{name}.csv"
        with codings.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        code_quotes(p, codings)
    return path


def fingerprint(path):
    with Project(path) as p:
        docs = {d.id: p.documents.get(d.id).text_sha256 for d in p.documents.list()}
        codes = {c.id: c.uid for c in p.codebook.codes()}
        return sorted((docs[s.doc_id], codes[s.code_id], s.coder, s.start, s.end, s.memo or "", s.uid)
                      for s in p.coding.segments())


@pytest.fixture
def coauthors(tmp_path):
    karin = build(tmp_path, "karin", "karin")
    li = build(tmp_path, "li", "li", rename={"zhongliu_huli_jiaoliu": "肿瘤科焦点小组"})
    return karin, li


def test_merge_is_order_independent_and_idempotent(coauthors, tmp_path):
    karin, li = coauthors
    ab, ba = tmp_path / "ab.qualcode", tmp_path / "ba.qualcode"
    shutil.copy(karin, ab)
    shutil.copy(li, ba)
    # Li named the Chinese transcript otherwise: a difference the merge does not settle by itself
    with Project(ab) as p, pytest.raises(QualcodeError, match="1 conflict, nothing merged") as refused:
        p.team.merge(li, actor="karin")
    assert refused.value.details == ["document 'zhongliu_huli_jiaoliu': name 'zhongliu_huli_jiaoliu' here, "
                                     "'肿瘤科焦点小组' there"]
    assert fingerprint(ab) == fingerprint(karin)
    with Project(ab) as p:
        report = p.team.merge(li, actor="karin", prefer="mine")
    # every document matched by its text, the renamed Chinese one included
    assert sorted(report.documents_matched) == sorted(["fokusgrupp1_allmanlakare", "fokusgrupp3_sjukhuslakare",
                                                      "zhongliu_huli_jiaoliu"])
    assert report.documents_added == [] and report.codes_added == [] and report.coders_added == ["li"]
    with Project(li) as p:
        assert report.segments_added == len(p.coding.segments())
    with Project(ba) as p:
        p.team.merge(karin, actor="li", prefer="theirs")  # the same side wins: Karin's name
    assert fingerprint(ab) == fingerprint(ba)
    assert content_dump(ab) == content_dump(ba)
    before = content_dump(ab)
    with Project(ab) as p:
        again = p.team.merge(li, actor="karin", prefer="mine")
    assert again.segments_added == 0 and again.added == {} and again.changed == {} and again.removed == {}
    assert content_dump(ab) == before
    with Project(ab) as p:
        assert {s.coder for s in p.coding.segments()} == {"karin", "li"}
        assert len(p.documents.list()) == 3
        assert p.documents.get("zhongliu_huli_jiaoliu")


def test_new_documents_codes_participants_come_along(coauthors, tmp_path):
    karin, li = coauthors
    extra = tmp_path / "extra.txt"
    extra.write_text("Moderator: Hej.\nD9: Ny fokusgrupp.\nModerator: Tack.\n", encoding="utf-8")
    with Project(li) as p:
        p.documents.import_files([extra], group="GP C")
        p.codebook.add_code("Ny kod från Li", actor="li")
        p.coding.add_segment("extra", "Ny kod från Li", 20, 34, coder="li", memo="bara hos Li")
    with Project(karin) as p:
        report = p.team.merge(li, actor="karin", prefer="mine")
        assert report.documents_added == ["extra"] and report.codes_added == ["Ny kod från Li"]
        segment = p.coding.segments(doc="extra")[0]
        assert (segment.text, segment.memo, segment.coder) == ("Ny fokusgrupp.", "bara hos Li", "li")
        assert [t.speaker for t in p.documents.units("extra", "turn")] == ["Moderator", "D9", "Moderator"]
        assert "extra/D9" in {x.key for x in p.participants.list()}
        assert report.participants_added == ["extra/Moderator", "extra/D9"]
        assert p.documents.get("extra").group == "GP C"


def test_same_name_different_text_keeps_both(coauthors, tmp_path):
    """Two transcripts that happen to share a name are two documents: both kept, neither guessed
    to be the other; the one with the smaller UUID keeps the name, whichever project it is in."""
    karin, li = coauthors
    other = tmp_path / "other.qualcode"
    folder = tmp_path / "changed"
    folder.mkdir()
    changed = folder / "fokusgrupp1_allmanlakare.txt"
    changed.write_text("Moderator: En annan text.\nD1: Helt annan.\n", encoding="utf-8")
    with Project(other, create=True) as p:
        p.documents.import_files([changed])
        p.codebook.add_code("K")
        p.coding.add_segment("fokusgrupp1_allmanlakare", "K", 11, 25, coder="li")
        theirs = p.documents.get("fokusgrupp1_allmanlakare").uid
    before = fingerprint(karin)
    with Project(karin) as p:
        ours = p.documents.get("fokusgrupp1_allmanlakare").uid
        report = p.team.merge(other, actor="karin")
        later = max(ours, theirs)
        twin = f"fokusgrupp1_allmanlakare ({later[:8]})"
        assert report.documents_added == [twin if later == theirs else "fokusgrupp1_allmanlakare"]
        assert len(report.kept_both) == 1 and twin in report.kept_both[0]
        assert p.documents.get(twin).uid == later
        segment = p.coding.segments(coder="li")[0]
        assert (segment.doc, segment.text, segment.code) == (p.documents.get(theirs).name, "En annan text.", "K")
        assert report.segments_added == 1
    assert [row[2:] for row in set(fingerprint(karin)) - set(before)] == [("li", 11, 25, "", segment.uid)]


def test_merge_cli_and_errors(coauthors, tmp_path, capsys):
    karin, li = coauthors
    before = karin.read_bytes()
    assert main(["-p", str(karin), "merge", str(li)]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "1 conflict, nothing merged" in captured.err
    assert captured.out == ("document 'zhongliu_huli_jiaoliu': name 'zhongliu_huli_jiaoliu' here, "
                            "'肿瘤科焦点小组' there\n")
    assert karin.read_bytes() == before
    assert main(["-p", str(karin), "merge", str(li), "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith("dry run: the merge would stop at 1 conflict")
    assert main(["-p", str(karin), "merge", str(li), "--dry-run", "--prefer", "mine"]) == 0
    assert "segments: 50 added, 0 already here" in capsys.readouterr().out
    assert karin.read_bytes() == before
    assert main(["-p", str(karin), "merge", str(li), "--prefer", "ask"]) == 2  # not on a terminal
    assert "--prefer ask asks on a terminal" in capsys.readouterr().err
    assert main(["-p", str(karin), "merge", str(li), "--json", "--prefer", "mine"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["segments_added"] > 0 and out["coders_added"] == ["li"]
    assert out["added"] == {"coders": 1, "segments": out["segments_added"]}
    assert main(["-p", str(karin), "merge", str(tmp_path / "nope.qualcode")]) == 2
    assert "no such project" in capsys.readouterr().err
    with Project(karin) as p, pytest.raises(QualcodeError, match="into itself"):
        p.team.merge(karin, actor="x")


def test_differences_in_shared_segments_are_conflicts_not_overwrites(coauthors, tmp_path):
    karin, li = coauthors
    other = tmp_path / "karin2.qualcode"
    shutil.copy(karin, other)
    with Project(other) as p:
        with_memo = next(s for s in p.coding.segments(coder="karin") if s.memo)
        without = next(s for s in p.coding.segments(coder="karin") if not s.memo)
        p.coding.update_segment(with_memo.id, "karin", memo="ändrad")
        p.coding.update_segment(without.id, "karin", memo="ny")
    with Project(karin) as p:
        with pytest.raises(QualcodeError, match="1 conflict") as refused:
            p.team.merge(other, actor="karin")
        assert refused.value.details == [f"coding {with_memo.uid[:8]} by karin in 'fokusgrupp1_allmanlakare': memo "
                                         f"{with_memo.memo!r} here, 'ändrad' there"]
        report = p.team.merge(other, actor="karin", prefer="mine")
        assert report.segments_added == 0 and report.changed == {"segments": 1}
        assert p.coding.segment(with_memo.uid).memo == with_memo.memo  # ours kept, as asked
        assert p.coding.segment(without.uid).memo == "ny"  # a memo where we had none: no conflict


def test_a_file_that_is_not_a_project_is_refused_and_left_alone(coauthors, tmp_path):
    import sqlite3

    karin, _ = coauthors
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    before = other.read_bytes()
    with Project(karin) as p, pytest.raises(QualcodeError, match="not a qualcode project"):
        p.team.merge(other, actor="karin")
    assert other.read_bytes() == before


def test_every_table_is_carried_by_the_merge_or_said_not_to_be(project):
    """A new table (memos: m004) fails here until the merge carries it (docs/merge.md, "Adding a table")."""
    from qualcode.store.merging import CARRIED_TABLES, NOT_CARRIED_TABLES

    tables = set(store_of(project).table_names())
    assert CARRIED_TABLES | NOT_CARRIED_TABLES == tables and not CARRIED_TABLES & NOT_CARRIED_TABLES
    assert set(REFERENCES) | NOT_CONTENT == tables


def test_asking_settles_each_conflict_as_answered(coauthors, tmp_path, capsys, monkeypatch):
    karin, li = coauthors
    asked = []

    def choose(conflict):
        asked.append(conflict.line())
        return "theirs"

    target = tmp_path / "asked.qualcode"
    shutil.copy(karin, target)
    with Project(target) as p:
        report = p.team.merge(li, actor="karin", choose=choose)
        assert p.documents.get("肿瘤科焦点小组")
    assert asked == ["document 'zhongliu_huli_jiaoliu': name 'zhongliu_huli_jiaoliu' here, '肿瘤科焦点小组' there"]
    assert report.conflicts == [asked[0] + " (kept theirs)"]
    theirs = tmp_path / "theirs.qualcode"
    shutil.copy(karin, theirs)
    with Project(theirs) as p:
        p.team.merge(li, actor="karin", prefer="theirs")
    assert content_dump(target) == content_dump(theirs)
    # on a terminal, the command line asks: one question per conflict, m or t
    import qualcode.cli.merge as cli_merge

    monkeypatch.setattr(cli_merge, "_on_a_terminal", lambda: True)
    answers = iter(["x", "m"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert main(["-p", str(karin), "merge", str(li), "--prefer", "ask"]) == 0
    assert "(kept ours)" in capsys.readouterr().out
    with Project(karin) as p:
        assert p.documents.get("zhongliu_huli_jiaoliu")
