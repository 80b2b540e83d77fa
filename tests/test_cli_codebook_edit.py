"""The command-line twins of the codebook editor: delete (unused codes only), merge, move."""

from __future__ import annotations

import json
import sqlite3

from qualcode.cli import main
from qualcode.project import Project


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def dump(path) -> list:
    with sqlite3.connect(path) as conn:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("codes", "segments", "events")]


def test_delete_merge_and_move(demo_path, capsys):
    p = str(demo_path)
    before = dump(demo_path)
    code, _, err = run(capsys, "-p", p, "codebook", "delete", "För tungt")
    assert code == 2 and err == ("qualcode: error: this code has 4 codings: retire it, or merge it into another "
                                 "code (För tungt)\n")
    assert dump(demo_path) == before  # refused: nothing changed

    assert run(capsys, "-p", p, "codebook", "add", "Tom", "--parent", "Hinder och svåra erfarenheter")[0] == 0
    code, out, _ = run(capsys, "-p", p, "codebook", "move", "Tom", "--position", "1", "--json")
    moved = json.loads(out)
    assert code == 0 and (moved["name"], moved["parent"]) == ("Tom", "Hinder och svåra erfarenheter")
    with Project(demo_path) as project:
        siblings = [c.name for c in project.codebook.codes()
                    if c.parent_id == project.codebook.code("Hinder och svåra erfarenheter").id]
        assert siblings[0] == "Tom"
    code, out, _ = run(capsys, "-p", p, "codebook", "move", "Tom", "--parent", "")
    assert code == 0 and out == f"code {moved['id']}: Tom under (top level), place 8\n"
    assert run(capsys, "-p", p, "codebook", "move", "Tom")[2] == (
        "qualcode: error: nothing to change (give --parent or --position) (Tom)\n")
    assert run(capsys, "-p", p, "codebook", "delete", "Tom")[1] == f"code {moved['id']} 'Tom' deleted\n"

    code, out, _ = run(capsys, "-p", p, "codebook", "merge", "För tungt", "Passar inte alla", "--json")
    assert code == 0 and json.loads(out) == {"merged": "För tungt", "into": "Passar inte alla", "codings": 4}
    with Project(demo_path) as project:
        assert "För tungt" not in [c.name for c in project.codebook.codes()]
    history = run(capsys, "-p", p, "codebook", "history")[1]
    assert "code 'För tungt' merged into 'Passar inte alla' (4 codings)" in history
    assert run(capsys, "-p", p, "codebook", "merge", "X", "Sekretess")[0] == 2
