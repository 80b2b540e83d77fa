"""The query commands as scripts use them: CLI.md's JSON shapes, tables by display width, errors, files."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import docx
import pytest
from openpyxl import load_workbook

from qualcode.cli import main
from qualcode.project import Project
from tests.test_queries_kwic import SV, at, import_samples


def run(capsys, path, *argv):
    code = main(["-p", str(path), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def proj(tmp_path):
    path = tmp_path / "q.qualcode"
    with Project(path, create=True) as project:
        import_samples(project, tmp_path)
        (tmp_path / "p.csv").write_text("id,document,speaker,pseudonym,group,ort\n"
                                        "P1,sv,D1,Läkare 1,GP A,Lund\nP2,sv,D2,,GP B,Malmö\n"
                                        "P3,zh,护士A,护士1,,\n", encoding="utf-8")
        project.participants.load_csv(tmp_path / "p.csv")
        for name in ("Skuld", "Tillit"):
            project.codebook.add_code(name)
        sv = project.documents.get("sv").id
        project.coding.add_segment(sv, "Skuld", at(SV, "Läkarna"), at(SV, "vet.") + 4, coder="anna")
        project.coding.add_segment(sv, "Tillit", at(SV, "säger"), SV.index("råd.") + 4, coder="anna")
    return path


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_kwic_json_and_table(proj, capsys):
    code, out, _ = run(capsys, proj, "kwic", "läkare", "--json")
    hits = json.loads(out)
    assert code == 0 and [list(h) for h in hits][0] == ["doc", "start", "end", "speaker", "turn", "time", "left",
                                                         "match", "right"]
    assert [(h["doc"], h["start"], h["match"], h["speaker"]) for h in hits] == [
        ("sv", at(SV, "läkarna"), "läkarna", "Moderator"), ("sv", at(SV, "Läkarna"), "Läkarna", "Läkare 1"),
        ("sv", at(SV, "läkaren"), "läkaren", "Läkare 1"), ("sv", at(SV, "läkare."), "läkare", "Läkare 1"),
        ("sv", at(SV, "läkarens"), "läkarens", "D2")]
    assert all(SV[h["start"] - len(h["left"]):h["start"]] == h["left"] for h in hits)
    code, out, _ = run(capsys, proj, "kwic", "läkare", "--speaker", "P1", "--group", "GP A", "--json")
    assert [h["start"] for h in json.loads(out)] == [at(SV, "Läkarna"), at(SV, "läkaren"), at(SV, "läkare.")]
    # the table: the matches start in one column, whatever the script to their left (a Chinese character: 2 cells)
    code, out, _ = run(capsys, proj, "kwic", "安全 OR 疼", "--width", "12")
    lines = out.splitlines()
    assert lines[-1] == "7 hits in 1 document"
    from qualcode.text.width import display_width

    columns = {display_width(line[:line.index("  " + match + "  ")]) for line in lines[2:-1]
               for match in ("安全", "疼") if "  " + match + "  " in line}
    assert len(columns) == 1


def test_words_cooccur_matrix_json_shapes(proj, capsys):
    words = json.loads(run(capsys, proj, "words", "--by", "group", "--lang", "sv", "--json")[1])
    assert list(words[0]) == ["word", "count", "per_10k", "by"] and set(words[0]["by"]) == {"GP A", "GP B"}
    forms = {w["word"]: w["count"] for w in words}
    assert forms["läkarna"] == 1 and "läkare" in forms  # written forms (the moderator's läkarna is no evidence)
    lemmas = {w["word"]: w for w in json.loads(run(capsys, proj, "words", "--lemma", "--by", "group", "--lang", "sv",
                                                   "--keyness", "GP A", "--json")[1])}
    assert lemmas["läkare"]["count"] == 4 and lemmas["läkare"]["by"] == {"GP A": 3, "GP B": 1}
    assert set(lemmas["läkare"]) == {"word", "count", "per_10k", "by", "keyness", "p"}
    pairs = json.loads(run(capsys, proj, "cooccur", "--unit", "overlap", "--json")[1])
    assert pairs == [{"a": "Skuld", "b": "Tillit", "count": 1, "jaccard": pytest.approx(
        (SV.index("vet.") + 4 - SV.index("säger")) / (SV.index("råd.") + 4 - SV.index("Läkarna")))}]
    assert run(capsys, proj, "cooccur", "--unit", "overlap")[1].splitlines()[-1] == \
        "counted by overlap: 1 pair of codes occurs together"
    matrix = json.loads(run(capsys, proj, "matrix", "--rows", "codes", "--cols", "ort", "--json")[1])
    assert {k: matrix[k] for k in ("rows", "cols", "cells", "row_totals", "col_totals")} == {
        "rows": ["Skuld", "Tillit"], "cols": ["Lund", "Malmö"], "cells": [[1, 0], [1, 1]],
        "row_totals": [1, 1], "col_totals": [2, 1]}
    code, out, _ = run(capsys, proj, "matrix", "--cols", "ort", "--cells", "participants")
    assert out.splitlines()[:5] == ["code    Lund  Malmö  total", "------  ----  -----  -----",
                                    "Skuld   1     0      1", "Tillit  1     1      2", "total   1     1      2"]


def test_autocode_dry_run_then_for_real(proj, capsys):
    before = digest(proj)
    code, out, _ = run(capsys, proj, "autocode", "--kwic", "läkare", "Skuld", "--as", "sentence", "--dry-run",
                       "--coder", "anna", "--json")
    preview = json.loads(out)
    assert code == 0 and digest(proj) == before
    assert {(s["doc"], s["id"], s["uid"], s["coder"], s["code"]) for s in preview} == {
        ("sv", None, None, "anna", "Skuld")}
    assert set(preview[0]) >= {"id", "uid", "doc", "start", "end", "code", "coder", "text", "memo", "exemplar",
                               "speaker", "turn", "time"}  # as `segments --json`
    assert [(s["speaker"], s["turn"]) for s in preview] == [(["Moderator"], 0), (["Läkare 1"], 1), (["D2"], 2)]
    # anna has coded "Läkarna säger att läkaren vet." with Skuld already
    assert [s["text"] for s in preview] == ["Vad tycker läkarna?", "En allmänläkare är också läkare.",
                                            "Jag tror att patienten litar på läkarens råd."]
    code, out, _ = run(capsys, proj, "autocode", "--kwic", "läkare", "Skuld", "--as", "sentence", "--coder", "anna")
    assert out.splitlines()[0] == ("5 hits -> 4 sentences; 1 coded already, 0 outside any sentence; "
                                   "added 3 segments of Skuld for anna (one undo step)")
    code, out, _ = run(capsys, proj, "autocode", "--kwic", "läkare", "Skuld", "--as", "sentence", "--coder", "anna")
    assert out.splitlines()[0] == ("5 hits -> 4 sentences; 4 coded already, 0 outside any sentence; "
                                   "added 0 segments of Skuld for anna")
    with Project(proj) as project:
        assert len(project.coding.segments(coder="anna")) == 5
        assert project.coding.undo("anna") == "undo: 3 codings added in sv (Skuld)"
        assert len(project.coding.segments(coder="anna")) == 2
    code, out, _ = run(capsys, proj, "autocode", "--speaker", "护士1", "Tillit", "--as", "turn", "--json")
    assert [s["text"][:2] for s in json.loads(out)] == ["我们", "護士"]


@pytest.mark.parametrize("argv, message", [
    (["kwic", "läkare", "--group", "GP C"], "no group 'GP C' (groups: GP, GP A, GP B, 护理)"),
    (["kwic", "läkare", "--doc", "nope"], "no document 'nope' (documents: sv, zh)"),
    (["kwic", "läkare", "--speaker", "D9"], "no speaker 'D9' (speakers: D1, D2, Läkare 1, Moderator, P1, P2, P3, "
                                           "sv/Moderator, zh/主持人, zh/病人B, 主持人, 护士1, … 2 more)"),
    (["matrix", "--cols", "stad"], "no participant attribute 'stad' (use document, participant, group, ort)"),
    (["words", "--by", "group", "--keyness", "GP C"], "no column 'GP C' to compare (columns: GP A, GP B, 护理)"),
    (["autocode", "--speaker", "D9", "Skuld"], "no speaker 'D9' (speakers: "),
    (["autocode", "--kwic", "läkare", "Okänd"], "unknown code 'Okänd' (choose from:"),
    (["cooccur", "--coders", "anna,cecilia"], "no coder 'cecilia' (coders: anna)"),
    (["kwic", "läkare", "--out", "hits.pdf"], "unsupported export '.pdf' (use .csv, .xlsx, .docx)"),
])
def test_errors_name_the_choices_and_change_nothing(proj, capsys, argv, message):
    before = digest(proj)
    code, out, err = run(capsys, proj, *argv)
    assert code == 2 and err.startswith(f"qualcode: error: {message}") and err.count("\n") == 1
    assert digest(proj) == before


def test_out_writes_each_format(proj, capsys, tmp_path):
    out_csv, out_xlsx, out_docx = tmp_path / "kwic.csv", tmp_path / "words.xlsx", tmp_path / "matrix.docx"
    assert run(capsys, proj, "kwic", "läkare", "--out", str(out_csv))[0] == 0
    rows = list(csv.reader(io.StringIO(out_csv.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["Document", "Speaker", "Turn", "Time", "Left", "Match", "Right", "Start", "End"]
    assert [r[5] for r in rows[1:]] == ["läkarna", "Läkarna", "läkaren", "läkare", "läkarens"]
    code, out, err = run(capsys, proj, "words", "--lang", "sv", "--by", "group", "--out", str(out_xlsx), "--json")
    assert code == 0 and json.loads(out) and err == f"wrote {out_xlsx}\n"  # JSON alone on stdout
    sheet = load_workbook(out_xlsx).active
    assert [c.value for c in sheet[1]] == ["Word", "Count", "Per 10,000", "GP A", "GP B"]
    assert run(capsys, proj, "matrix", "--cols", "group", "--doc", "sv", "--out", str(out_docx))[0] == 0
    document = docx.Document(str(out_docx))
    assert [c.text for c in document.tables[0].rows[0].cells] == ["Code", "GP A", "GP B", "Total"]
    assert [c.text for c in document.tables[0].rows[-1].cells] == ["Total", "2", "1", "2"]
    assert len(document.inline_shapes) == 1  # the bars, as a picture


def test_autocode_of_one_groups_hits(proj, capsys):
    code, out, _ = run(capsys, proj, "autocode", "--kwic", "läkare", "Tillit", "--group", "GP A", "--dry-run",
                       "--coder", "bo", "--json")
    # D1's hits, not D2's nor the moderator's
    assert code == 0 and [s["start"] for s in json.loads(out)] == [at(SV, "Läkarna"), at(SV, "läkaren"),
                                                                   at(SV, "läkare.")]


def test_query_files_go_out_redacted(proj, capsys, tmp_path):
    assert run(capsys, proj, "redact", "Malmgren")[0] == 0
    with Project(proj) as project:  # someone named in a transcript
        (tmp_path / "fg.txt").write_text("D9: Jag pratade med läkaren Malmgren i går.", encoding="utf-8")
        project.documents.import_files([tmp_path / "fg.txt"], lang="sv")
    out = tmp_path / "kwic.csv"
    assert run(capsys, proj, "kwic", "läkare", "--doc", "fg", "--out", str(out))[0] == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[1][4:7] == ["D9: Jag pratade med ", "läkaren", " [name] i går."]
    hit = json.loads(run(capsys, proj, "kwic", "läkare", "--doc", "fg", "--json")[1])[0]
    assert hit["right"] == " Malmgren i går."  # the project keeps its text: only what goes out is redacted
