"""Merging co-authors' projects: idempotent, order-independent, matching documents by text."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from conftest import CORPORA, ROOT
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
    with Project(ab) as p:
        report = p.team.merge(li, actor="karin")
    # every document matched by its text, the renamed Chinese one included
    assert sorted(report.documents_matched) == sorted(["fokusgrupp1_allmanlakare", "fokusgrupp3_sjukhuslakare",
                                                      "肿瘤科焦点小组"])
    assert report.documents_added == [] and report.codes_added == [] and report.coders_added == ["li"]
    with Project(li) as p:
        assert report.segments_added == len(p.coding.segments())
    with Project(ba) as p:
        p.team.merge(karin, actor="li")
    assert fingerprint(ab) == fingerprint(ba)
    before = fingerprint(ab)
    with Project(ab) as p:
        again = p.team.merge(li, actor="karin")
    assert again.segments_added == 0 and fingerprint(ab) == before
    with Project(ab) as p:
        assert {s.coder for s in p.coding.segments()} == {"karin", "li"}
        assert len(p.documents.list()) == 3


def test_new_documents_codes_participants_come_along(coauthors, tmp_path):
    karin, li = coauthors
    extra = tmp_path / "extra.txt"
    extra.write_text("Moderator: Hej.\nD9: Ny fokusgrupp.\nModerator: Tack.\n", encoding="utf-8")
    with Project(li) as p:
        p.documents.import_files([extra], group="GP C")
        p.codebook.add_code("Ny kod från Li", actor="li")
        p.coding.add_segment("extra", "Ny kod från Li", 20, 34, coder="li", memo="bara hos Li")
    with Project(karin) as p:
        report = p.team.merge(li, actor="karin")
        assert report.documents_added == ["extra"] and report.codes_added == ["Ny kod från Li"]
        segment = p.coding.segments(doc="extra")[0]
        assert (segment.text, segment.memo, segment.coder) == ("Ny fokusgrupp.", "bara hos Li", "li")
        assert [t.speaker for t in p.documents.units("extra", "turn")] == ["Moderator", "D9", "Moderator"]
        assert "extra/D9" in {x.key for x in p.participants.list()}


def test_same_name_different_text_is_reported_not_merged(coauthors, tmp_path):
    karin, li = coauthors
    other = tmp_path / "other.qualcode"
    folder = tmp_path / "changed"
    folder.mkdir()
    changed = folder / "fokusgrupp1_allmanlakare.txt"
    changed.write_text("Moderator: En annan text.\nD1: Helt annan.\n", encoding="utf-8")
    with Project(other, create=True) as p:
        p.documents.import_files([changed])
        p.codebook.add_code("K")
        p.coding.add_segment("fokusgrupp1_allmanlakare", "K", 11, 26, coder="li")
    with Project(karin) as p:
        before = fingerprint(karin)
        report = p.team.merge(other, actor="karin")
        assert report.document_conflicts and "fokusgrupp1_allmanlakare" in report.document_conflicts[0]
        assert report.segments_skipped == 1 and report.segments_added == 0
    assert fingerprint(karin) == before


def test_merge_cli_and_errors(coauthors, tmp_path, capsys):
    karin, li = coauthors
    assert main(["-p", str(karin), "merge", str(li), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["segments_added"] > 0 and out["coders_added"] == ["li"]
    assert main(["-p", str(karin), "merge", str(tmp_path / "nope.qualcode")]) == 2
    assert "no such project" in capsys.readouterr().err
    with Project(karin) as p, pytest.raises(QualcodeError, match="into itself"):
        p.team.merge(karin, actor="x")


def test_differences_in_shared_segments_are_reported_not_overwritten(coauthors, tmp_path):
    karin, li = coauthors
    shutil.copy(karin, tmp_path / "karin2.qualcode")
    other = tmp_path / "karin2.qualcode"
    with Project(other) as p:
        s = p.coding.segments(coder="karin")[0]
        p.coding.update_segment(s.id, "karin", memo="ändrad")
    with Project(karin) as p:
        report = p.team.merge(other, actor="karin")
        assert report.segments_added == 0
        assert report.segment_conflicts == [f"segment {s.uid[:8]} by karin differs (memo): kept ours"]
        assert p.coding.segment(s.uid).memo != "ändrad"


def test_a_file_that_is_not_a_project_is_refused_and_left_alone(coauthors, tmp_path):
    import sqlite3

    karin, _ = coauthors
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    before = other.read_bytes()
    with Project(karin) as p, pytest.raises(QualcodeError, match="not a qualcode project"):
        p.team.merge(other, actor="karin")
    assert other.read_bytes() == before
