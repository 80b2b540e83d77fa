"""Co-authors at the project level: agreement from the CLI, reconciliation in CLI and TUI."""

from __future__ import annotations

import json

from conftest import store_of
from qualcode.cli import main
from qualcode.project import Project
from qualcode.tui.app import make_app


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_nvivo_worked_example_through_the_cli(tmp_path, capsys):
    src = tmp_path / "x.txt"
    src.write_text("x" * 1000, encoding="utf-8")
    p = str(tmp_path / "p.qualcode")
    run(capsys, "-p", p, "import", str(src))
    run(capsys, "-p", p, "codebook", "add", "K")
    run(capsys, "-p", p, "code", "x", "K", "--span", "0:150", "--coder", "A")
    run(capsys, "-p", p, "code", "x", "K", "--span", "100:200", "--coder", "B")
    report = json.loads(run(capsys, "-p", p, "agreement", "--coders", "A,B", "--unit", "char", "--json"))
    (k,) = report["codes"]
    assert (k["units"], k["both"], k["only"], k["neither"]) == (1000, 50, {"A": 100, "B": 50}, 800)
    assert k["percent"] == 0.85 and round(k["kappa"], 3) == 0.318 and round(k["alpha"], 3) == 0.315
    assert report["unit"] == "char" and report["coders"] == ["A", "B"] and report["documents"] == ["x"]
    assert set(report["overall"]) >= {"pooled_kappa", "mean_kappa", "alpha", "percent"}
    table = run(capsys, "-p", p, "agreement", "--coders", "A,B", "--unit", "char", "--out", str(tmp_path / "a.csv"))
    assert "0.318" in table and (tmp_path / "a.csv").read_text(encoding="utf-8-sig").startswith("code,units")


def test_unknown_coder_and_no_common_documents_are_clear_errors(demo_path, capsys):
    assert main(["-p", str(demo_path), "agreement", "--coders", "karin,nobody"]) == 2
    assert "unknown coder 'nobody' (choose from: demo, karin, li)" in capsys.readouterr().err
    assert main(["-p", str(demo_path), "agreement", "--coders", "karin"]) == 2
    assert "at least two different coders" in capsys.readouterr().err


def test_reconcile_each_choice_writes_consensus_and_logs(demo_path, capsys):
    p = str(demo_path)
    out = run(capsys, "-p", p, "reconcile", "--coders", "karin,li", "--agreed", "--json")
    queue = json.loads(out.split("\n", 1)[1])
    assert len(queue) >= 5 and all(item["decision"] is None for item in queue)
    with Project(demo_path) as project:
        agreed = len(project.coding.segments(coder="consensus"))
    assert agreed > 0
    choices = ["accept-a", "accept-b", "both", "neither"]
    for item, choice in zip(queue, choices, strict=False):  # the first four items
        run(capsys, "-p", p, "reconcile", "--coders", "karin,li", "--decide", item["id"], choice,
            "--note", f"n-{choice}")
    edit = queue[4]
    run(capsys, "-p", p, "reconcile", "--coders", "karin,li", "--decide", edit["id"], "edit",
        "--span", f"{edit['start']}:{edit['start'] + 10}")
    after = {i["id"]: i for i in json.loads(run(capsys, "-p", p, "reconcile", "--coders", "karin,li", "--json"))}
    with Project(demo_path) as project:
        consensus = project.coding.segments(coder="consensus")
        for item, choice in zip(queue, choices, strict=False):  # the first four items
            decision = after[item["id"]]["decision"]
            assert decision["choice"] == choice and decision["note"] == f"n-{choice}"
            assert decision["decided_by"]
            expected = {"accept-a": set(item["karin"]), "accept-b": set(item["li"]),
                        "both": set(item["karin"]) | set(item["li"]),
                        "neither": set(item["karin"]) & set(item["li"])}[choice]
            where = (item["document"], item["start"], item["end"])
            here = {s.code for s in consensus if (s.doc, s.start, s.end) == where}
            assert here == expected, (choice, here, expected)
        edited = [s for s in consensus
                  if s.doc == edit["document"] and (s.start, s.end) == (edit["start"], edit["start"] + 10)]
        assert {s.code for s in edited} >= set(edit["disputed"])
        log = [e for e in store_of(project).events() if e["action"] == "reconcile.decide"]
        assert [e["payload"]["choice"] for e in log] == choices + ["edit"]
    # a changed mind replaces what the first decision wrote
    first = queue[0]
    run(capsys, "-p", p, "reconcile", "--coders", "karin,li", "--decide", first["id"], "neither")
    with Project(demo_path) as project:
        here = {s.code for s in project.coding.segments(coder="consensus")
                if (s.doc, s.start, s.end) == (first["document"], first["start"], first["end"])}
        assert here == set(first["karin"]) & set(first["li"])
    # each coder against the consensus: one command
    report = json.loads(run(capsys, "-p", p, "agreement", "--coders", "karin,li,consensus", "--json"))
    pairs = [pair["coders"] for pair in report["pairs"]]
    assert pairs == [["karin", "li"], ["karin", "consensus"], ["li", "consensus"]]


async def test_reconcile_screen_walks_the_queue_and_resumes(demo_path):
    from qualcode.tui.reconcile import ReconcileScreen

    with Project(demo_path) as project:  # karin has coded her documents: blind coding shows her li's now
        for doc in project.documents.list():
            project.review.mark_done(doc.id, "karin")
    app = make_app(demo_path, coder="karin")
    async with app.run_test(size=(120, 40)) as pilot:
        app.reconcile("karin", "li")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        total = len(screen.queue)
        assert "0 / " in str(screen.query_one("#reconcile-progress").render())
        await pilot.press("a", "b", "o")
        await pilot.pause()
        assert sum(1 for i in screen.queue if i.decision) == 3
        await pilot.press("left_square_bracket", "m")  # back to the third, then a note on it
        await pilot.pause()
        await pilot.press("end", *" ok", "enter")
        await pilot.pause()
        await pilot.press("q", "q")
    with Project(demo_path) as project:
        queue = project.team.reconcile_queue("karin", "li")
        decided = [i for i in queue if i.decision]
        assert [i.decision["choice"] for i in decided] == ["accept-a", "accept-b", "both"]
        assert decided[-1].decision["note"] == " ok"
        assert len(queue) == total
    # resumes at the first undecided item
    app = make_app(demo_path, coder="karin")
    async with app.run_test(size=(120, 40)) as pilot:
        app.reconcile("karin", "li")
        await pilot.pause()
        screen = app.screen
        assert screen.index == 3 and "3 / " in str(screen.query_one("#reconcile-progress").render())
        await pilot.press("n")
        await pilot.pause()
        assert screen.queue[3].decision["choice"] == "neither"


def test_a_decision_belongs_to_the_pair_whatever_the_order(demo_path):
    with Project(demo_path) as p:
        item = p.team.reconcile_queue("karin", "li")[0]
        p.team.decide("karin", "li", item.key, "accept-a")
        swapped = next(i for i in p.team.reconcile_queue("li", "karin") if (i.start, i.end) == (item.start, item.end))
        assert swapped.key == item.key and swapped.decision["choice"] == "accept-b"  # still karin's coding
        assert swapped.codes_a == item.codes_b
        p.team.decide("li", "karin", item.key, "accept-a")  # li's this time
        again = next(i for i in p.team.reconcile_queue("karin", "li") if i.key == item.key)
        assert again.decision["choice"] == "accept-b"
        consensus = {s.code for s in p.coding.segments(coder="consensus") if (s.start, s.end) == (item.start, item.end)
                     and s.doc == item.document}
        assert consensus == set(item.codes_b)


def test_an_agreed_pass_that_writes_nothing_makes_no_consensus_coder(demo_path, capsys):
    before = json.loads(run(capsys, "-p", str(demo_path), "theme", "show", "--json"))
    assert main(["-p", str(demo_path), "reconcile", "--coders", "karin,li", "--agreed", "--unit", "char"]) == 2
    capsys.readouterr()
    with Project(demo_path) as p:
        assert "consensus" not in p.coding.coders()
        with p.transaction():
            pass
        added = p.team.reconcile_agreed("karin", "li", docs=["erke_huli_pdf"])
        assert added == 0 and "consensus" not in p.coding.coders()
        summary = p.reports.theme_summary("sv")
        assert sum(t.segments for t in summary.themes) > 0
    assert before


def test_coders_who_share_no_document_are_told_so(demo_path, capsys):
    with Project(demo_path) as p:
        p.codebook.add_code("Ensam")
        p.coding.add_segment("erke_huli_pdf", "Ensam", 0, 5, coder="solo")
    assert main(["-p", str(demo_path), "reconcile", "--coders", "karin,solo"]) == 2
    assert "no document is coded by both" in capsys.readouterr().err


def test_an_unknown_decision_id_points_to_where_the_ids_are(demo_path, capsys):
    """`disagreements` shows no ids; the queue (`reconcile --coders A,B`) does."""
    assert main(["-p", str(demo_path), "reconcile", "--coders", "karin,li", "--decide", "zzz", "accept-a"]) == 2
    err = capsys.readouterr().err
    assert err == ("qualcode: error: no disagreement with the id 'zzz' "
                   "(the ids are in the queue: qualcode reconcile --coders karin,li)\n")
