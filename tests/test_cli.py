"""The command line as scripts use it: JSON shapes, exact slices, errors that change nothing."""

from __future__ import annotations

import hashlib
import json

import pytest

from conftest import store_of
from qualcode.cli import main

SV = ("Fokusgrupp 1\n\nModerator: Hur har det varit att delta? Vi träffas kl. 16.30 t.ex. på torsdagar.\n\n"
      "D1: Tryggt. Vi pratar bl.a. om svåra möten, ca en gång i månaden.\n\n"
      "Moderator: Något som varit svårt?\n\nD2: Tiden. Det är efter jobbet.\n")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def proj(tmp_path, capsys):
    path = tmp_path / "p.qualcode"
    src = tmp_path / "fg1.txt"
    src.write_text(SV, encoding="utf-8")
    code, out, err = run(capsys, "-p", str(path), "import", str(src), "--group", "GP A", "--json")
    assert code == 0, err
    assert run(capsys, "-p", str(path), "codebook", "add", "Trygghet")[0] == 0
    return path


def test_import_docs_units_and_code_by_unit(proj, capsys):
    code, out, _ = run(capsys, "-p", str(proj), "docs", "--json")
    docs = json.loads(out)
    assert [(d["name"], d["lang"], d["turns"], d["speakers"], d["group"]) for d in docs] == [
        ("fg1", "sv", 4, ["Moderator", "D1", "D2"], "GP A")]
    assert set(docs[0]) >= {"id", "uid", "name", "lang", "chars", "sentences", "turns", "speakers", "group"}
    units = json.loads(run(capsys, "-p", str(proj), "units", "fg1", "--json")[1])
    texts = [SV[u["start"]:u["end"]] for u in units]
    assert texts == ["Fokusgrupp 1", "Hur har det varit att delta?",
                     "Vi träffas kl. 16.30 t.ex. på torsdagar.", "Tryggt.",
                     "Vi pratar bl.a. om svåra möten, ca en gång i månaden.",
                     "Något som varit svårt?", "Tiden.", "Det är efter jobbet."]
    assert [u["speaker"] for u in units] == [None, "Moderator", "Moderator", "D1", "D1", "Moderator", "D2", "D2"]
    code, out, _ = run(capsys, "-p", str(proj), "code", "fg1", "Trygghet", "--unit", "sentence:3",
                       "--coder", "anna", "--memo", "kort svar", "--json")
    segment = json.loads(out)
    assert (segment["start"], segment["end"], segment["text"], segment["coder"], segment["memo"]) == (
        units[3]["start"], units[3]["end"], "Tryggt.", "anna", "kort svar")
    assert set(segment) >= {"id", "uid", "doc", "start", "end", "code", "coder", "text", "memo", "exemplar"}


def test_text_slice_equals_segment_text_exactly(proj, capsys):
    turns = json.loads(run(capsys, "-p", str(proj), "units", "fg1", "--unit", "turn", "--json")[1])
    t = turns[1]
    run(capsys, "-p", str(proj), "code", "fg1", "Trygghet", "--span", f"{t['start']}:{t['end']}", "--coder", "bo")
    segments = json.loads(run(capsys, "-p", str(proj), "segments", "--coder", "bo", "--json")[1])
    assert len(segments) == 1
    s = segments[0]
    out = run(capsys, "-p", str(proj), "text", "fg1", "--start", str(s["start"]), "--end", str(s["end"]))[1]
    assert out == s["text"] == "Tryggt. Vi pratar bl.a. om svåra möten, ca en gång i månaden."
    assert run(capsys, "-p", str(proj), "text", "fg1")[1] == SV.rstrip("\n") + "\n"


def test_uncode_removes_and_is_audited(proj, capsys):
    seg = json.loads(run(capsys, "-p", str(proj), "code", "fg1", "Trygghet", "--span", "0:10", "--json")[1])
    assert run(capsys, "-p", str(proj), "uncode", str(seg["id"]))[0] == 0
    assert json.loads(run(capsys, "-p", str(proj), "segments", "--json")[1]) == []
    from qualcode.project import Project

    with Project(proj) as p:
        actions = [e["action"] for e in store_of(p).events()]
    # code.change: what undo needs to take the new code back (services/history.py)
    assert actions == ["document.import", "code.add", "code.change", "segment.add", "segment.remove"]


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("argv,message", [
    (["import", "{tmp}/binary.txt"], "binary file, not text ({tmp}/binary.txt)"),
    (["import", "{tmp}/empty.txt"], "empty file ({tmp}/empty.txt)"),
    (["import", "{tmp}/notes.pdf"], "unsupported file type '.pdf'"),
    (["import", "{tmp}/broken.docx"], "not a valid .docx file"),
    (["import", "{tmp}/ok.txt", "{tmp}/empty.txt"], "empty file"),
    (["import", "{tmp}/nothere/"], "the folder does not exist ({tmp}/nothere/)"),
    (["import", "{tmp}/nothere"], "no such file or folder ({tmp}/nothere)"),
    (["import", "{tmp}/nothere.txt"], "file not found ({tmp}/nothere.txt)"),
    (["text", "nosuchdoc"], "no document 'nosuchdoc' (choose from: fg1)"),
    (["code", "nosuchdoc", "Trygghet", "--span", "0:5"], "no document 'nosuchdoc' (choose from: fg1)"),
    (["code", "fg", "Trygghet", "--span", "0:5"], "no document 'fg' (did you mean 'fg1'?)"),
    (["code", "fg1", "Tryghet", "--span", "0:5"], "unknown code 'Tryghet' (did you mean 'Trygghet'?)"),
    (["code", "fg1", "tryghet", "--span", "0:5"], "unknown code 'tryghet' (did you mean 'Trygghet'?)"),
    (["code", "fg1", "Trygghet", "--span", "10:5"], "span 10:5 ends before it begins (fg1)"),
    (["code", "fg1", "Trygghet", "--span", "5:100000"], "is outside the text"),
    (["code", "fg1", "Trygghet", "--span=-1:5"], "is outside the text"),
    (["code", "fg1", "Trygghet", "--span", "1-5"], "--span takes two values"),
    (["units", "fg1", "--unit", "word"], "invalid choice"),
    (["code", "fg1", "Okänd kod", "--span", "0:5"], "unknown code 'Okänd kod' (choose from: Trygghet)"),
    (["code", "fg1", "Trygghet", "--unit", "sentence:99"], "no sentence 99"),
    (["uncode", "999"], "no such segment (999)"),
    (["codebook", "add", "Trygghet"], "a code with this name exists already"),
])
def test_bad_input_one_line_exit_2_project_byte_for_byte_unchanged(proj, tmp_path, capsys, argv, message):
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04garbage")
    (tmp_path / "ok.txt").write_text("Moderator: Hej.\nD1: Hej hej.\n", encoding="utf-8")
    before = _digest(proj)
    code, out, err = run(capsys, "-p", str(proj), *[a.format(tmp=tmp_path) for a in argv])
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("qualcode: error: ")
    assert message.format(tmp=tmp_path) in err
    assert _digest(proj) == before


def test_failed_first_import_leaves_no_project_behind(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    path = tmp_path / "new.qualcode"
    assert run(capsys, "-p", str(path), "import", str(tmp_path / "empty.txt"))[0] == 2
    assert not path.exists()


def test_read_commands_do_not_create_a_project(tmp_path, capsys):
    code, _, err = run(capsys, "-p", str(tmp_path / "none.qualcode"), "docs")
    assert code == 2 and "no such project" in err
    assert not (tmp_path / "none.qualcode").exists()


def test_reimport_of_same_text_is_skipped(proj, tmp_path, capsys):
    copy = tmp_path / "renamed.txt"
    copy.write_text(SV, encoding="utf-8")
    code, out, err = run(capsys, "-p", str(proj), "import", str(copy), "--json")
    assert code == 0 and json.loads(out) == [] and "same text as document 'fg1'" in err


def test_bad_colour_and_language_are_refused(proj, capsys):
    code, _, err = run(capsys, "-p", str(proj), "codebook", "add", "Röd", "--color", "red")
    assert code == 2 and "bad colour (use #RRGGBB) (red)" in err
    code, _, err = run(capsys, "-p", str(proj), "settings", "display_language", "Svenska")
    assert code == 2 and err == "qualcode: error: unknown language 'Svenska' (choose from: sv, zh, en)\n"


def test_tui_takes_unblind_and_segments_help_says_it_shows_everything(capsys):
    from qualcode.cli import build_parser

    assert build_parser().parse_args(["tui", "--unblind"]).unblind is True
    assert build_parser().parse_args(["tui"]).unblind is False
    assert main(["segments", "--help"]) == 0
    assert "scripts see everything" in " ".join(capsys.readouterr().out.split())


def test_the_coder_may_be_named_before_the_command_as_the_project_is(proj, capsys):
    """`qualcode --coder li code …` as `qualcode -p P code …`: before the command or after it."""
    assert run(capsys, "-p", str(proj), "--coder", "li", "code", "fg1", "Trygghet", "--span", "0:10")[0] == 0
    assert run(capsys, "--coder", "li", "-p", str(proj), "code", "fg1", "Trygghet", "--span", "12:20",
               "--coder", "bo")[0] == 0  # after the command wins: it is nearer
    segments = json.loads(run(capsys, "-p", str(proj), "segments", "--json")[1])
    assert [(s["start"], s["coder"]) for s in segments] == [(0, "li"), (12, "bo")]
