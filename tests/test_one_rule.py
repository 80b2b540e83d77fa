"""Rules that used to live in several places and now live in one: the consensus coder's name,
matching codes (by UUID, then by name), and which project a command means."""

from __future__ import annotations

import json
import shutil

from qualcode.cli import main
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
    """A renames Old to New; B keeps Old and makes another code called New. Merging keeps them
    apart, both ways, instead of folding two codes into one."""
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
    with Project(a) as p:
        report = p.team.merge(b, actor="karin")
        assert report.codes_added == ["New (2)"]
        assert report.code_conflicts == ["code 'Old' is called 'New' here: kept 'New'",
                                         "code 'New' is another code here: added as 'New (2)'"]
        assert [(c.uid, c.name) for c in p.codebook.codes()] == [(old.uid, "New"), (new.uid, "New (2)")]
        assert [(s.code, s.text) for s in p.coding.segments(coder="li")] == [
            ("New", "Det var tryggt."), ("New (2)", "Det tog tid.")]
        assert "code 'New (2)' added" in [what for _, _, what in p.codebook.history()]
    with Project(b) as p:
        report = p.team.merge(a, actor="li")
        assert report.codes_added == []  # A holds B's code now too, under the name A gave it
        assert report.code_conflicts == ["code 'New' is called 'Old' here: kept 'Old'",
                                         "code 'New (2)' is called 'New' here: kept 'New'"]
        assert [(c.uid, c.name) for c in p.codebook.codes()] == [(old.uid, "Old"), (new.uid, "New")]
