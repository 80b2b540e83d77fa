"""REFI-QDA from the command line: export, import, and a hostile archive refused with exit 2."""

from __future__ import annotations

import hashlib
import io
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
        assert sorted((s.uid, s.start, s.end, s.code, s.coder, s.memo) for s in a.segments()) == sorted(
            (s.uid, s.start, s.end, s.code, s.coder, s.memo) for s in b.segments())


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
