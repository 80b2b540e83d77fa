"""The REFI-QDA 1.0 schemas travel in the package: `schema_problems` on our own files, on files as
other tools write them, on the real samples (where they are), and `--validate` on the command line."""

from __future__ import annotations

import hashlib
import zipfile
from importlib.resources import files

import pytest

from conftest import SAMPLES, needs_samples
from qualcode.cli import main
from qualcode.errors import QualcodeError
from qualcode.exchange.qdpx import ExportReport
from qualcode.exchange.validate import SCHEMA_FILES, check_against_schema, schema_problems

SETS_PROBLEM = "Element '{urn:QDA-XML:codebook:1.0}Sets': Missing child element(s)."


def git_blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def test_packaged_schemas_are_refis_with_their_licence():
    schemas = files("qualcode.exchange") / "schemas"
    # the blobs SOURCES.md names (rpgauthier/ComputationalThematicAnalysisToolkit, src/External/XSD)
    assert git_blob((schemas / "Project-mrt2019.xsd").read_bytes()).startswith("bc38602d")
    assert git_blob((schemas / "Codebook-mrt2019.xsd").read_bytes()).startswith("6d2a8c68")
    for name in SCHEMA_FILES.values():
        text = (schemas / name).read_text(encoding="utf-8")
        assert "This specification is licensed under the MIT license." in text
        assert "Copyright 2019 REFI www.qdasoftware.org." in text
    assert "Permission is hereby granted" in (schemas / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.parametrize("fixture", ["nvivo.qdpx", "nvivo_mac.qdpx", "maxqda.zip", "atlas.qdpx", "schema_edges.qdc"])
def test_twins_of_valid_exports_validate(refi, fixture):
    assert schema_problems(refi[fixture]) == []


def test_twins_of_invalid_exports_are_told_why(refi):
    [problem] = schema_problems(refi["taguette.qdc"])  # the real Taguette file fails the same way
    assert problem.startswith("line 2: " + SETS_PROBLEM)
    for name, namespace in (("nvivo12_mac.qdc", "1:0"), ("atlas23_4.qdc", "0:4")):
        assert schema_problems(refi[name]) == [
            f"line 2: Element '{{urn:QDA-XML:codebook:{namespace}}}CodeBook': No matching global declaration"
            " available for the validation root."]


@needs_samples
def test_real_samples_validate_as_sources_md_says():
    for name in ("oltas0517.qdpx", "target-atlas-project.qdpx", "2025-06-16_ICLS_Conf_Themes_ALL_just10.zip"):
        assert schema_problems(SAMPLES / name) == [], name
    [problem] = schema_problems(SAMPLES / "codebook.qdc")
    assert problem.startswith("line 2: " + SETS_PROBLEM)


def test_unreadable_xml_is_a_problem_and_a_missing_file_an_error(tmp_path):
    (tmp_path / "broken.qdc").write_bytes(b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>")
    assert schema_problems(tmp_path / "broken.qdc")[0].startswith("not well-formed XML")
    (tmp_path / "dtd.qdc").write_bytes(b'<!DOCTYPE CodeBook [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                       b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'>&x;</CodeBook>")
    assert schema_problems(tmp_path / "dtd.qdc") == ["XML with a DTD is refused (entity expansion)"]
    with zipfile.ZipFile(tmp_path / "empty.qdpx", "w") as archive:
        archive.writestr("sources/a.txt", "x")
    assert schema_problems(tmp_path / "empty.qdpx") == ["no project.qde in the archive"]
    with pytest.raises(QualcodeError, match="file not found"):
        schema_problems(tmp_path / "missing.qdc")
    (tmp_path / "fake.qdpx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(QualcodeError, match="not a valid .qdpx"):
        schema_problems(tmp_path / "fake.qdpx")
    with pytest.raises(QualcodeError, match=r"only \.qdpx and \.qdc files have a REFI-QDA 1\.0 schema"):
        schema_problems(tmp_path / "book.yaml")


def test_check_names_the_first_problem_and_how_many_more(tmp_path):
    bad = tmp_path / "bad.qdc"
    bad.write_bytes(b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="A" isCodable="x"/>'
                    b"</Codes><Sets/></CodeBook>")
    problems = schema_problems(bad)
    assert len(problems) == 3  # no guid, a bad isCodable, an empty Sets
    with pytest.raises(QualcodeError) as info:
        check_against_schema(bad)
    assert str(info.value) == (f"not valid against the REFI-QDA 1.0 schema: {problems[0]} (and 2 more) ({bad})")


# --- the command line ---------------------------------------------------------------------------

def test_export_validate_says_valid(tmp_path, capsys):
    project = tmp_path / "p.qualcode"
    assert main(["init", str(project)]) == 0
    assert main(["-p", str(project), "codebook", "add", "Kostnad", "--color", "#f80"]) == 0
    capsys.readouterr()
    assert main(["-p", str(project), "export", "qdpx", str(tmp_path / "p.qdpx"), "--validate"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "valid against REFI-QDA 1.0 schema"
    assert main(["-p", str(project), "codebook", "export", str(tmp_path / "p.qdc"), "--validate"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote {tmp_path / 'p.qdc'}", "valid against REFI-QDA 1.0 schema"]


def test_invalid_exports_exit_2_with_one_line(tmp_path, capsys, monkeypatch):
    import qualcode.exchange.qdc as qdc
    import qualcode.exchange.qdpx_export as qdpx_export

    project = tmp_path / "p.qualcode"
    assert main(["init", str(project)]) == 0
    assert main(["-p", str(project), "codebook", "add", "Kostnad"]) == 0
    # as Taguette writes: an empty <Sets/>
    monkeypatch.setattr(qdc, "qdc_bytes", lambda book: b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                        b'<Code guid="1C4B1A3E-1111-4D2E-8F00-000000000001" name="K" isCodable="true"/>'
                        b"</Codes><Sets/></CodeBook>")

    def write_bad_qdpx(project, path, *, nvivo, origin, outward=None):
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("project.qde", '<Project xmlns="urn:QDA-XML:project:1.0"><Users/></Project>')
        return ExportReport(path=str(path))

    monkeypatch.setattr(qdpx_export, "write_qdpx", write_bad_qdpx)
    before = project.read_bytes()
    capsys.readouterr()
    for argv, problem in ((["codebook", "export", str(tmp_path / "bad.qdc")], f"line 1: {SETS_PROBLEM}"),
                          (["export", "qdpx", str(tmp_path / "bad.qdpx")], "line 1: Element '{urn:QDA-XML:project")):
        assert main(["-p", str(project), *argv, "--validate"]) == 2
        [line] = capsys.readouterr().err.splitlines()
        assert line.startswith(f"qualcode: error: not valid against the REFI-QDA 1.0 schema: {problem}")
        assert line.endswith(f"({argv[-1]})")
    assert main(["-p", str(project), "codebook", "export", str(tmp_path / "book.yaml"), "--validate"]) == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith(
        "qualcode: error: only .qdpx and .qdc files have a REFI-QDA 1.0 schema")
    assert project.read_bytes() == before
