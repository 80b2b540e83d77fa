"""Rules that used to live in several places and now live in one: the consensus coder's name,
matching codes (by UUID, then by name), and which project a command means."""

from __future__ import annotations

import json
import shutil

import pytest

from qualcode.cli import main
from qualcode.errors import QualcodeError
from qualcode.project import Project
from qualcode.tui.app import make_app


def run(capsys, *argv) -> str:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_init_uses_the_project_option_when_no_path_is_given(tmp_path, capsys):
    path = tmp_path / "x.qualcode"
    assert run(capsys, "-p", path, "init") == f"created {path}\n"
    assert path.exists()
    assert main(["-p", str(path), "init"]) == 2
    assert "a file exists already at this path" in capsys.readouterr().err


async def test_a_consensus_coder_of_another_name_is_the_consensus_everywhere(demo_path, capsys):
    run(capsys, "-p", demo_path, "reconcile", "--coders", "karin,li", "--agreed", "--consensus", "team")
    assert run(capsys, "-p", demo_path, "settings", "consensus_coder") == "team\n"
    # later commands need not repeat the name: the project remembers it
    queue = json.loads(run(capsys, "-p", demo_path, "reconcile", "--coders", "karin,li", "--json"))
    run(capsys, "-p", demo_path, "reconcile", "--coders", "karin,li", "--decide", queue[0]["id"], "accept-a")
    with Project(demo_path) as p:
        coders = p.coding.coders()
        assert "team" in coders and "consensus" not in coders
        assert p.settings.consensus_coder == "team"
        segments = p.coding.segments()
        summary = p.reports.theme_summary("en")
    # the method paragraph reports the co-authors' agreement, not the consensus coder's
    assert summary.agreement["coders"] == [c for c in coders if c != "team"]
    # the summary counts the consensus where it was made, everyone's coding elsewhere; it names the
    # co-authors as coders and the consensus apart (docs/methods.md R2), never "team" as a coder
    reconciled = {s.doc_id for s in segments if s.coder == "team"}
    assert summary.coders == [c for c in coders if c != "team"]
    assert (summary.consensus, summary.consensus_documents) == ("team", len(reconciled)) and len(reconciled) > 0
    app = make_app(demo_path, coder="karin")
    async with app.run_test(size=(120, 40)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
    assert "Reconcile karin and li" in titles and not any("team" in t for t in titles)


def test_merge_matches_codes_as_a_codebook_load_does(tmp_path, capsys):
    """A renames Old to New; B keeps Old and makes another code called New. The one matcher pairs
    A's New with B's Old (one UUID) and keeps B's New apart, both ways; the rename itself is a
    conflict the merge does not settle alone (issue 11, case 7: tests/test_merge_cases.py)."""
    src = tmp_path / "fg.txt"
    src.write_text("Moderator: Hur var det?\nAnna: Det var tryggt. Det tog tid.\nModerator: Tack.\nAnna: Ja.\n",
                   encoding="utf-8")
    base, a, b = (tmp_path / f"{n}.qualcode" for n in ("base", "a", "b"))
    with Project(base, create=True) as p:
        p.documents.import_files([src])
        old = p.codebook.add_code("Old")
    shutil.copy(base, a)
    shutil.copy(base, b)
    with Project(a) as p:
        p.codebook.edit_code("Old", name="New")
    with Project(b) as p:
        new = p.codebook.add_code("New")
        first, second = p.documents.units("fg")[1:3]
        p.coding.add_segment("fg", "Old", first.start, first.end, coder="li")
        p.coding.add_segment("fg", "New", second.start, second.end, coder="li")
    for here, there, mine, theirs in ((a, b, "New", "Old"), (b, a, "Old", "New")):
        with Project(here) as p, pytest.raises(QualcodeError, match="1 conflict") as refused:
            p.team.merge(there, actor="karin")
        assert refused.value.details == [f"code '{mine}': name '{mine}' here, '{theirs}' there"]
    with Project(a) as p:
        report = p.team.merge(b, actor="karin", prefer="theirs")
        assert report.codes_added == ["New"] and report.kept_both == []
        assert report.conflicts == ["code 'New': name 'New' here, 'Old' there (kept theirs)"]
        assert [(c.uid, c.name) for c in p.codebook.codes()] == [(old.uid, "Old"), (new.uid, "New")]
        assert [(s.code, s.text) for s in p.coding.segments(coder="li")] == [
            ("Old", "Det var tryggt."), ("New", "Det tog tid.")]
        assert "code 'New' added" in [what for _, _, what in p.codebook.history()]
