"""Hostile and unlucky input files: each refused with exit 2, one line, the project unchanged.

Nothing large is committed: FIFOs, sparse files, symlinks to /dev/zero and zip bombs are made
here, in tmp_path, at the size the case needs.
"""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from hostile.hostile_kit import assert_clean_failure, run, snapshot

# --- transcripts ----------------------------------------------------------------------------

def test_a_fifo_is_refused_without_hanging(project, tmp_path, capsys):
    fifo = tmp_path / "fg.txt"
    os.mkfifo(fifo)
    before = snapshot(project)
    assert_clean_failure(run(capsys, "-p", project, "import", fifo), before, project,
                         says="not a regular file (a FIFO) (")


def test_a_symlink_to_dev_zero_is_refused_before_reading(project, tmp_path, capsys):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    before = snapshot(project)
    assert_clean_failure(run(capsys, "-p", project, "import", link), before, project,
                         says="not a regular file (a device)")


def test_a_text_file_over_the_size_limit_is_refused_unread(project, tmp_path, capsys):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:  # sparse: 60 MiB that take no disk
        f.truncate(60 * 2**20)
    before = snapshot(project)
    assert_clean_failure(run(capsys, "-p", project, "import", big), before, project,
                         says="file too large (60 MiB; at most 50 MiB)")


def test_a_directory_named_like_a_transcript_is_refused(project, tmp_path, capsys):
    folder = tmp_path / "fg.txt"
    folder.mkdir()
    before = snapshot(project)
    assert_clean_failure(run(capsys, "-p", project, "import", folder), before, project, says="is a directory")


def docx_bomb(path, unpacked: int = 64 * 2**20) -> None:
    """A .docx whose document.xml is `unpacked` bytes that pack to almost nothing."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<" + b"\0" * unpacked)


def test_a_docx_zip_bomb_is_refused_from_its_directory(project, tmp_path, capsys):
    bomb = tmp_path / "bomb.docx"
    docx_bomb(bomb)
    assert bomb.stat().st_size < 2**20
    before = snapshot(project)
    assert_clean_failure(run(capsys, "-p", project, "import", bomb), before, project,
                         says="archive member 'word/document.xml' is a compression bomb")


def test_a_docx_member_outside_the_archive_is_refused(project, tmp_path, capsys):
    evil = tmp_path / "evil.docx"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../../evil.xml", "x")
    before = snapshot(project)
    assert_clean_failure(run(capsys, "-p", project, "import", evil), before, project,
                         says="points outside the document")


@pytest.mark.slow
def test_a_single_line_longer_than_spacy_takes_is_imported(project, capsys, tmp_path):
    sentence = "Vi pratade länge om hur det var att vara ny i gruppen och om ansvaret för patienterna. "
    line = "Moderator: " + sentence * (1_200_000 // len(sentence))  # past nlp.max_length (1,000,000)
    src = tmp_path / "lang.txt"
    src.write_text(line, encoding="utf-8")
    code, out, err = run(capsys, "-p", project, "import", src, "--json")
    assert code == 0, err
    code, out, err = run(capsys, "-p", project, "units", "lang", "--json")
    import json

    units = json.loads(out)
    assert len(units) >= len(line) // len(sentence) - 30  # a sentence may end at a cut every 100,000 characters
    assert all(line[u["start"]:u["end"]].strip() for u in units)
    assert units[-1]["end"] == len(line.rstrip())


# --- codebooks (YAML, .qdc) -----------------------------------------------------------------

YAML_CASES = {
    "digits": ("codes:\n  - name: Trygghet\n    color: " + "9" * 5000 + "\n", "cb.yaml:3: a number of more than 300"),
    "brackets": ("codes: " + "[" * 50_000 + "]" * 50_000 + "\n", "cb.yaml:1: nested more than 64 levels deep"),
    "dashes": ("codes:\n" + "- " * 50_000 + "x\n", "cb.yaml:1: nested too deeply"),
    "aliases": ("codes:\n  - &a {name: A, children: [*a]}\n", "cb.yaml:2: YAML anchors and aliases"),
    "laughs": ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\ncodes: [*b, *b]\n",
               "YAML anchors and aliases"),
    "not utf-8": ("codes:\n  - name: Tr\xe4\n".encode("latin-1"), "a codebook must be UTF-8 text"),
}


@pytest.mark.parametrize("case", YAML_CASES)
def test_hostile_yaml_gives_one_line_naming_the_file(project, tmp_path, capsys, case):
    text, says = YAML_CASES[case]
    path = tmp_path / "cb.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    before = snapshot(project)
    line = assert_clean_failure(run(capsys, "-p", project, "codebook", "load", path), before, project, says=says)
    assert "cb.yaml" in line


def test_a_huge_yaml_file_is_refused_unread(project, tmp_path, capsys):
    path = tmp_path / "cb.yaml"
    with path.open("wb") as f:
        f.truncate(20 * 2**20)
    before = snapshot(project)
    assert_clean_failure(run(capsys, "-p", project, "codebook", "load", path), before, project,
                         says="file too large (20 MiB; at most 10 MiB)")


@pytest.mark.parametrize("suffix", [".yaml", ".qdc", ".qdpx"])
def test_codebook_and_exchange_files_that_are_fifos_or_devices(project, tmp_path, capsys, suffix):
    fifo = tmp_path / f"cb{suffix}"
    os.mkfifo(fifo)
    zero = tmp_path / f"zero{suffix}"
    zero.symlink_to("/dev/zero")
    before = snapshot(project)
    command = ["import"] if suffix == ".qdpx" else ["codebook", "load"]
    assert_clean_failure(run(capsys, "-p", project, *command, fifo), before, project, says="(a FIFO)")
    assert_clean_failure(run(capsys, "-p", project, *command, zero), before, project, says="(a device)")


# --- participants ---------------------------------------------------------------------------

def test_a_participants_csv_that_is_a_fifo_or_too_large(project, tmp_path, capsys):
    fifo = tmp_path / "people.csv"
    os.mkfifo(fifo)
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(51 * 2**20)
    before = snapshot(project)
    assert_clean_failure(run(capsys, "-p", project, "participants", "load", fifo), before, project,
                         says="not a regular file (a FIFO)")
    assert_clean_failure(run(capsys, "-p", project, "participants", "load", big), before, project,
                         says="file too large")


def test_bomb_check_runs_before_python_docx(tmp_path):
    """The check reads only the zip's directory: a bomb of 2 GiB is refused without unpacking."""
    from qualcode.errors import QualcodeError
    from qualcode.text.readers import read_docx

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (8 * 2**20))
    raw = bytearray(buffer.getvalue())
    # make the central directory claim 2 GiB unpacked (a lying bomb is cut off by its declared size)
    directory = raw.rfind(b"PK\x01\x02")
    raw[directory + 24:directory + 28] = (2**31).to_bytes(4, "little")
    with pytest.raises(QualcodeError, match="unpacks to more than 512 MiB"):
        read_docx(bytes(raw), tmp_path / "bomb.docx")
