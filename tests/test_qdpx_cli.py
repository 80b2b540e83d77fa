"""REFI-QDA from the command line: export, import, and a hostile archive refused with exit 2."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from qualcode.cli import main
from qualcode.project import Project


def test_export_then_import_through_the_cli(demo_path, tmp_path, capsys):
    out = tmp_path / "demo.qdpx"
    assert main(["-p", str(demo_path), "export", "qdpx", str(out)]) == 0
    target = tmp_path / "copy.qualcode"
    assert main(["-p", str(target), "import", str(out)]) == 0
    assert "segments: 203 added" in capsys.readouterr().out
    with Project(demo_path) as a, Project(target) as b:
        assert sorted((s.uid, s.start, s.end, s.code, s.coder, s.memo) for s in a.coding.segments()) == sorted(
            (s.uid, s.start, s.end, s.code, s.coder, s.memo) for s in b.coding.segments())


def test_zip_slip_is_refused_and_nothing_changes(demo_path, tmp_path, capsys):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("project.qde", "<Project/>")
        z.writestr("../../evil.txt", "x")
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(buffer.getvalue())
    before = hashlib.sha256(demo_path.read_bytes()).hexdigest()
    assert main(["-p", str(demo_path), "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qualcode: error: ") and "outside the project" in err
    assert hashlib.sha256(demo_path.read_bytes()).hexdigest() == before


def _qdpx(tmp_path, name, qde: str, sources: dict[str, str]):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde)
        for guid, text in sources.items():
            z.writestr(f"sources/{guid}.txt", text)
    return path


G = [f"1C4B1A3E-1111-4D2E-8F00-0000000000{i:02d}" for i in range(10)]
HEAD = '<?xml version="1.0" encoding="UTF-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="test">'


def test_damaged_projects_are_user_errors_and_change_nothing(demo_path, tmp_path, capsys):
    twin_sources = _qdpx(tmp_path, "twins.qdpx", HEAD + (
        f'<CodeBook><Codes><Code guid="{G[1]}" name="K" isCodable="true"/></Codes></CodeBook><Sources>'
        f'<TextSource guid="{G[2]}" name="a" plainTextPath="internal://{G[2]}.txt"/>'
        f'<TextSource guid="{G[2]}" name="b" plainTextPath="internal://{G[2]}.txt"/></Sources></Project>'),
        {G[2]: "It is too expensive for us.\n"})
    twin_codes = _qdpx(tmp_path, "codes.qdpx", HEAD + (
        f'<CodeBook><Codes><Code guid="{G[1]}" name="K" isCodable="true"/>'
        f'<Code guid="{G[1]}" name="L" isCodable="true"/></Codes></CodeBook></Project>'), {})
    before = hashlib.sha256(demo_path.read_bytes()).hexdigest()
    for path, message in ((twin_sources, "of another source"), (twin_codes, "of another code")):
        assert main(["-p", str(demo_path), "import", str(path)]) == 2
        assert message in capsys.readouterr().err
    assert hashlib.sha256(demo_path.read_bytes()).hexdigest() == before


def test_notes_on_codes_become_memos(tmp_path, capsys):
    path = _qdpx(tmp_path, "notes.qdpx", HEAD + (
        f'<CodeBook><Codes><Code guid="{G[1]}" name="K" isCodable="true"><NoteRef targetGUID="{G[5]}"/></Code>'
        f'</Codes></CodeBook><Notes><Note guid="{G[5]}" name="Memo"><PlainTextContent>Om koden</PlainTextContent>'
        '</Note></Notes></Project>'), {})
    assert main(["-p", str(tmp_path / "p.qualcode"), "import", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []  # no documents in this project: the list as `docs` gives it
    assert "memos: 1 added" in captured.err
    assert main(["-p", str(tmp_path / "p.qualcode"), "memo", "list", "--json"]) == 0
    memos = json.loads(capsys.readouterr().out)
    assert [(m["kind"], m["target"], m["text"]) for m in memos] == [("code", "K", "Om koden")]
    assert memos[0]["uid"] == G[5].lower()  # the note's GUID: importing it again adds nothing
