"""Values that name nothing are refused, saying what there is; a file with many problems is one
line, and a command lists them all.

Every refusal: exit 2, one line on stderr, the project byte for byte as it was.
"""

from __future__ import annotations

import pytest

from hostile.hostile_kit import assert_clean_failure, run, snapshot


@pytest.fixture
def themed(project, capsys):
    assert run(capsys, "-p", project, "theme", "add", "Trygghet och tid", "--code", "Trygghet", "--code", "Tid",
               "--coder", "anna")[0] == 0
    return project


@pytest.mark.parametrize("argv, says", [
    (["export", "themes", "OUT.md", "--theme", "Nope"], "unknown theme 'Nope' (choose from: Trygghet och tid)"),
    (["export", "themes", "OUT.docx", "--lang", "xx"], "unknown language 'xx' (choose from: sv, zh, en)"),
    (["export", "themes", "OUT.csv", "--group", "Nope"], "unknown group 'Nope' (there is none yet)"),
    (["export", "themes", "OUT.xlsx", "--coders", "anna,nobody"], "unknown coder 'nobody' (choose from: anna)"),
    (["export", "qdpx", "OUT.qdpx", "--redact", "--lang", "xx"], "unknown language 'xx' (choose from: sv, zh, en)"),
    (["codebook", "export", "OUT.docx", "--lang", "klingon"], "unknown language 'klingon' (choose from: sv, zh, en)"),
    (["codebook", "show", "--lang", "xx"], "unknown language 'xx' (choose from: sv, zh, en)"),
    (["theme", "show", "--lang", "xx"], "unknown language 'xx' (choose from: sv, zh, en)"),
    (["settings", "display_language", "xx"], "unknown language 'xx' (choose from: sv, zh, en)"),
    (["settings", "consensus_coder", "a\x1b[31mb"], "cannot hold control characters (U+001B)"),
    (["settings", "consensus_coder", "lag\u202e"], "cannot hold control characters (U+202E)"),
    (["settings", "colour", "red"], "argument key: invalid choice: 'colour' (choose from"),
])
def test_a_value_that_names_nothing_is_refused_with_the_choices(themed, tmp_path, capsys, argv, says):
    argv = [str(tmp_path / a) if a.startswith("OUT.") else a for a in argv]
    before = snapshot(themed)
    line = assert_clean_failure(run(capsys, "-p", themed, *argv), before, themed, says=says)
    assert "\x1b" not in line and "\u202e" not in line
    assert not list(tmp_path.glob("OUT.*"))


def test_a_language_of_the_codebook_counts_as_known(themed, tmp_path, capsys):
    assert run(capsys, "-p", themed, "codebook", "edit", "Tid", "--label", "de=Zeit")[0] == 0
    code, out, _ = run(capsys, "-p", themed, "codebook", "show", "--lang", "de")
    assert code == 0 and "Zeit" in out
    before = snapshot(themed)
    assert_clean_failure(run(capsys, "-p", themed, "settings", "display_language", "fr"), before, themed,
                         says="unknown language 'fr' (choose from: sv, zh, en, de)")


BAD_CODEBOOK = "codes:\n" + "".join(f"  - name: Kod {i}\n    colour: red\n" for i in range(28))


def test_a_codebook_with_28_problems_is_one_line_and_check_lists_them_all(project, tmp_path, capsys):
    book = tmp_path / "book.yaml"
    book.write_text(BAD_CODEBOOK, encoding="utf-8")
    before = snapshot(project)
    line = assert_clean_failure(run(capsys, "-p", project, "codebook", "load", book), before, project,
                                says="book.yaml:3: unknown field 'colour' in code (and 27 more problems: "
                                     f"'qualcode codebook check {book}' lists all)")
    assert line.count("book.yaml:") == 1
    code, out, err = run(capsys, "codebook", "check", book)
    assert code == 2 and err == f"qualcode: error: 28 problems in the codebook ({book})\n"
    assert out.splitlines() == [f"book.yaml:{3 + 2 * i}: unknown field 'colour' in code" for i in range(28)]
    assert snapshot(project) == before


def test_codebook_check_of_a_good_file_and_of_one_problem(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text("codes:\n  - name: Trygghet\n  - name: Tid\nthemes:\n  - name: T\n    codes: [Tid]\n",
                    encoding="utf-8")
    assert run(capsys, "codebook", "check", good) == (0, f"{good}: no problems (2 codes, 1 theme)\n", "")
    broken = tmp_path / "broken.yaml"
    broken.write_text("codes: [\n", encoding="utf-8")
    code, out, err = run(capsys, "codebook", "check", broken)
    assert code == 2 and out.startswith("broken.yaml:") and "not valid YAML" in out
    assert err == f"qualcode: error: 1 problem in the codebook ({broken})\n"
    assert not (tmp_path / "project.qualcode").exists()  # it needs no project, and makes none


def test_a_participants_csv_with_problems_is_one_line_and_check_lists_them(project, tmp_path, capsys):
    rows = "".join(f"P{i},intervju_Kungsbacka,Nobody{i}\n" for i in range(5))
    csv = tmp_path / "people.csv"
    csv.write_text("id,document,speaker\nP9,intervju_Kungsbacka,Åsa\n" + rows, encoding="utf-8")
    before = snapshot(project)
    assert_clean_failure(run(capsys, "-p", project, "participants", "load", csv), before, project,
                         says="line 3: no speaker 'Nobody0' in document 'intervju_Kungsbacka' (and 4 more problems")
    code, out, err = run(capsys, "-p", project, "participants", "check", csv)
    assert code == 2 and err == f"qualcode: error: 5 problems in the participants CSV ({csv})\n"
    assert out.splitlines() == [f"line {i + 3}: no speaker 'Nobody{i}' in document 'intervju_Kungsbacka'"
                                for i in range(5)]
    assert snapshot(project) == before
