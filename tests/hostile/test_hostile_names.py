"""Control characters in names: refused when typed, removed (with a note) when read from a
file, refused by the store as a last line of defence; never sent raw to a terminal."""

from __future__ import annotations

import io
import json
import sqlite3
import sys

import pytest

from hostile.hostile_kit import SV, assert_clean_failure, run, snapshot
from qualcode.errors import QualcodeError
from qualcode.names import checked_name, clean_name, clean_text, cleaned_name, escape_controls, unsafe_characters

ESC_RED = "\x1b[31mRöd\x1b[0m"


@pytest.mark.parametrize("value, cleaned, found", [
    (ESC_RED, "Röd", ["U+001B"]),
    ("Åsa\tÖberg\n", "Åsa Öberg", ["U+0009", "U+000A"]),
    ("\u202eTrygghet\u202c", "Trygghet", ["U+202E", "U+202C"]),
    ("A\x9b31mB", "AB", ["U+009B"]),  # a C1 CSI sequence
    ("x\x1b]0;titel\x07y", "xy", ["U+001B", "U+0007"]),  # an OSC sequence sets the terminal's title
    ("tag\U000e0041", "tag", ["U+E0041"]),
    ("A\u0308sa ", "Äsa", []),
    ("Trygghet", "Trygghet", []),
])
def test_the_name_cleaner(value, cleaned, found):
    assert clean_name(value) == cleaned
    assert unsafe_characters(value) == found
    notes: list[str] = []
    assert cleaned_name(value, "code name", notes, "cb.yaml:3") == cleaned
    assert len(notes) == (1 if found else 0)
    if found:
        assert "\x1b" not in notes[0] and "cb.yaml:3" in notes[0]
        with pytest.raises(QualcodeError, match="cannot hold control characters"):
            checked_name(value, "code name")
    else:
        assert checked_name(value) == cleaned
    assert escape_controls(value).isprintable() or "\u0308" in value


def test_texts_keep_their_line_breaks():
    assert clean_text("rad ett\n\trad två\x1b[1m!\x07") == "rad ett\n\trad två!"
    assert escape_controls("a\nb\x1b", keep="\n") == "a\nb\\x1b"


@pytest.mark.parametrize("argv, says", [
    (["codebook", "add", ESC_RED], "a code name cannot hold control characters (U+001B) (\\x1b[31mRöd\\x1b[0m)"),
    (["codebook", "add", "Rad\nbrytning"], "a code name cannot hold control characters (U+000A)"),
    (["code", "intervju_Kungsbacka", "Tid", "--unit", "turn:2", "--coder", "evil\x9b2J"],
     "a coder name cannot hold control characters (U+009B)"),
    (["theme", "add", "\u202eTema", "--code", "Tid"], "a theme name cannot hold control characters (U+202E)"),
    (["codebook", "edit", "Tid", "--name", "x\x1b]0;hacked\x07"], "a code name cannot hold control characters"),
    (["codebook", "edit", "Tid", "--label", "sv=Ti\x1bd"], "a label cannot hold control characters"),
    (["redact", "Åsa\x1b[2J"], "a redacted name cannot hold control characters"),
    (["code", "intervju_Kungsbacka", "Tid", "--unit", "turn:2", "--memo", "ok\x1b[8m"],
     "a memo cannot hold control characters"),
])
def test_typed_names_with_control_characters_are_refused(project, capsys, argv, says):
    before = snapshot(project)
    line = assert_clean_failure(run(capsys, "-p", project, *argv), before, project, says=says)
    assert line.isprintable()


def test_an_import_group_with_control_characters_is_refused(project, tmp_path, capsys):
    src = tmp_path / "fg2.txt"
    src.write_text(SV.replace("Kungsbacka", "Mölndal"), encoding="utf-8")
    before = snapshot(project)
    assert_clean_failure(run(capsys, "-p", project, "import", src, "--group", "GP\x1b[5m"), before, project,
                         says="a group name cannot hold control characters")


def test_a_file_name_with_control_characters_gives_a_clean_document_name(project, tmp_path, capsys):
    src = tmp_path / "fg\x1b[31m2\u202e.txt"
    src.write_text(SV.replace("Kungsbacka", "Mölndal"), encoding="utf-8")
    code, _, err = run(capsys, "-p", project, "import", src)
    assert code == 0, err
    docs = json.loads(run(capsys, "-p", project, "docs", "--json")[1])
    assert [d["name"] for d in docs] == ["intervju_Kungsbacka", "fg2"]


def test_speaker_labels_lose_their_control_characters(project, tmp_path, capsys):
    src = tmp_path / "bidi.txt"
    src.write_text("\u202eÅsa: Hej.\n\u202eÅsa: Igen.\nPer\u200f: Ja.\nPer\u200f: Nej.\n", encoding="utf-8")
    code, _, err = run(capsys, "-p", project, "import", src, "--speakers", r"^([^:\n]+):")
    assert code == 0, err
    doc = [d for d in json.loads(run(capsys, "-p", project, "docs", "--json")[1]) if d["name"] == "bidi"][0]
    assert doc["speakers"] == ["Åsa", "Per"]


def test_a_yaml_codebook_with_control_characters_loads_clean_with_notes(project, tmp_path, capsys):
    path = tmp_path / "cb.yaml"
    path.write_text(
        "codebook: Test\ncodes:\n"
        '  - name: "Trygg\\e[31mhet"\n    labels: {sv: "Trygg\\u202ehet"}\n'
        '    definition: {sv: "rad ett\\nrad två\\u0007"}\n'
        '  - name: "Ny\\u009bkod"\n', encoding="utf-8")
    code, out, err = run(capsys, "-p", project, "codebook", "load", path)
    assert code == 0, err
    notes = [line for line in out.splitlines() if line.startswith("note: ")]
    assert len(notes) == 4 and all(line.isprintable() for line in notes)
    codes = json.loads(run(capsys, "-p", project, "codebook", "show", "--json")[1])
    by_name = {c["name"]: c for c in codes}
    assert set(by_name) == {"Trygghet", "Nykod"}  # Tid, uncoded and not in the file, went
    assert by_name["Trygghet"]["labels"] == {"sv": "Trygghet"}
    assert by_name["Trygghet"]["definition"] == {"sv": "rad ett\nrad två"}


def test_a_qdc_with_control_characters_imports_clean_with_warnings(project, tmp_path, capsys):
    qdc = tmp_path / "cb.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x"><Codes>'
        '<Code guid="11111111-1111-1111-1111-111111111111" name="Ond&#x202E;sinnad&#x9B;" isCodable="true"/>'
        '</Codes><Sets><Set guid="22222222-2222-2222-2222-222222222222" name="Tema&#x200F;">'
        '<MemberCode guid="11111111-1111-1111-1111-111111111111"/></Set></Sets></CodeBook>', encoding="utf-8")
    code, out, err = run(capsys, "-p", project, "codebook", "load", qdc, "--retire")
    assert code == 0, err
    assert "note: control characters (U+202E, U+009B) removed from the code name" in out
    assert "\u202e" not in out and "\x9b" not in out
    assert "Ondsinnad" in [c["name"] for c in json.loads(run(capsys, "-p", project, "codebook", "show", "--json")[1])]
    themes = json.loads(run(capsys, "-p", project, "theme", "show", "--json")[1])
    assert [t["name"] for t in themes] == ["Tema"]


def test_a_participants_csv_with_control_characters_loads_clean(project, tmp_path, capsys):
    csv_path = tmp_path / "people.csv"
    csv_path.write_text("id,document,speaker,pseudonym,ort\x1b[1m\n"
                        "P1\u202e,intervju_Kungsbacka,Åsa,Deltagare\x1b[31m 1,Kung\x07sbacka\n", encoding="utf-8")
    code, out, err = run(capsys, "-p", project, "participants", "load", csv_path, "--json")
    assert code == 0, err
    people = {p["key"]: p for p in json.loads(out)}
    assert people["P1"]["pseudonym"] == "Deltagare 1"
    assert people["P1"]["attributes"]["ort"] == "Kungsbacka"


def put_raw_names(project):
    """Names as an old qualcode or another tool may have stored them, straight into SQLite."""
    conn = sqlite3.connect(project)
    with conn:
        conn.execute("UPDATE codes SET name = ? WHERE name = 'Tid'", ("Tid\x1b]0;hacked\x07\x1b[2J",))
        conn.execute("UPDATE documents SET name = ?", ("intervju\u202e\x9b31m",))
    conn.close()  # the last connection: the log is checkpointed and removed


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_output_to_a_terminal_shows_control_characters_as_escapes(project, capsys, monkeypatch):
    put_raw_names(project)
    for command in (["codebook", "show"], ["docs"], ["segments"], ["codebook", "show", "--json"]):
        terminal = FakeTerminal()
        monkeypatch.setattr(sys, "stdout", terminal)
        assert run(capsys, "-p", project, *command)[0] == 0
        monkeypatch.undo()
        shown = terminal.getvalue()
        assert shown and all(ch.isprintable() or ch in "\n" for ch in shown), (command, shown)
    code, _, err = run(capsys, "-p", project, "text", "intervju\u202e\x9b31m", "--start", "99999")
    assert code == 2 and len(err.splitlines()) == 1 and err.splitlines()[0].isprintable()
    assert "\\u202e\\x9b31m" in err


def test_json_to_a_pipe_escapes_c1_and_bidi_but_means_the_same(project, capsys):
    put_raw_names(project)
    code, out, _ = run(capsys, "-p", project, "docs", "--json")
    assert code == 0 and "\u202e" not in out and "\x9b" not in out and "\\u202e\\u009b31m" in out
    assert json.loads(out)[0]["name"] == "intervju\u202e\x9b31m"


def test_the_store_refuses_what_entry_points_let_through(project):
    from qualcode.project import Project

    with Project(project) as p:
        for write in (lambda: p._store.insert_code("X\x1b", None), lambda: p._store.insert_theme("\u202eT"),
                      lambda: p._store.coder_id("c\x00"), lambda: p._store.upsert_participant("k\x85", None, {}),
                      lambda: p._store.set_setting("display_language", "sv\x1b")):
            with pytest.raises(QualcodeError, match="cannot hold control characters"):
                with p.transaction():
                    write()


def test_exports_of_an_older_project_carry_no_control_characters(project, tmp_path, capsys):
    import zipfile

    put_raw_names(project)
    qdpx, qdc = tmp_path / "out.qdpx", tmp_path / "out.qdc"
    assert run(capsys, "-p", project, "export", "qdpx", qdpx)[0] == 0
    assert run(capsys, "-p", project, "codebook", "export", qdc)[0] == 0
    for xml in (zipfile.ZipFile(qdpx).read("project.qde").decode("utf-8"), qdc.read_text(encoding="utf-8")):
        assert not unsafe_characters(xml.replace("\n", "")) and 'name="Tid"' in xml
