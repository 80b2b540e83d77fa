"""The four ways the workbench broke a coder's trust (issue 13), driven as a coder would on the
demo project, each checked in SQLite: the picker misses codes; Enter makes a code; opening
Reconcile writes; ctrl+z in Reconcile undoes unrelated coding."""

from __future__ import annotations

from conftest import store_of
from qualcode.project import Project
from qualcode.tui.app import make_app
from qualcode.tui.widgets.transcript import TranscriptView


def picker_lines(app) -> list[str]:
    options = app.screen.query_one("#picker-options")
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def last_message(app) -> str:
    return list(app._notifications)[-1].message


def db_state(path) -> tuple[int, list, list]:
    """Events, segments and codes: what 'nothing was written' compares."""
    with Project(path) as p:
        segments = sorted((s.uid, s.code, s.coder, s.start, s.end) for s in p.coding.segments())
        return len(store_of(p).events()), segments, [c.uid for c in p.codebook.codes()]


async def test_picker_finds_by_the_start_of_any_word_in_any_language(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp1_allmanlakare")
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        for query, first in [("ilska", "Ilska och irritation"), ("tid", "Tid och schemaläggning"),
                             ("skift", "Skiftarbete och familj"), ("leader", "Ledarens hållning"),
                             ("愧疚", "Skuld och skam")]:
            await pilot.press("c", *query)
            await pilot.pause()
            lines = picker_lines(app)
            assert first in lines[0], (query, lines)
            if query == "leader":  # the English label that matched is shown, and no fear
                assert "The leader's stance" in lines[0]
                assert not any("Rädsla" in line for line in lines)
            if query == "tid":  # where the code sits
                assert "Hinder och svåra erfarenheter › Tid och schemaläggning" in lines[0]
            await pilot.press("escape")
        # c tid Enter codes with the code found, and makes no code "tid"
        await pilot.press("right_square_bracket", "c", *"tid", "enter")
        await pilot.pause()
    with Project(demo_path) as p:
        assert [s.code for s in p.coding.segments(coder="tester")] == ["Tid och schemaläggning"]
        assert not any(c.name == "tid" for c in p.codebook.codes())


async def test_enter_with_no_match_creates_nothing(demo_path):
    before = db_state(demo_path)
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp1_allmanlakare")
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket", "c", *"zzqx", "enter")
        await pilot.pause()
        assert db_state(demo_path) == before
        assert type(app.screen).__name__ == "CodePicker"  # still asking
        assert any("No code matches “zzqx”" in n.message for n in app._notifications)
        assert picker_lines(app)[-1].startswith("+ new code “zzqx”")
        await pilot.press("escape")
        await pilot.pause()
    assert db_state(demo_path) == before


async def test_a_new_code_is_made_only_when_chosen_and_undo_takes_back_code_and_coding(demo_path):
    from qualcode.tui.picker import NewCodeDialog

    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp1_allmanlakare")
        sentence = p.documents.units(doc.id, "sentence")[0]
    before = db_state(demo_path)
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket", "c", *"Skift", "down")  # past the match, to the last row
        await pilot.pause()
        # where the best match sits is where the new code goes, unless the coder says otherwise
        assert picker_lines(app)[-1] == "+ new code “Skift” under Hinder och svåra erfarenheter"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NewCodeDialog)
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", *"Tidspress")
        await pilot.pause()
        preview = str(app.screen.query_one("#new-code-preview").content)
        assert preview == ("Adds the code “Tidspress” under “Hinder och svåra erfarenheter” and codes sentence 1 "
                           "of fokusgrupp1_allmanlakare with it (one undo step).")
        await pilot.press("enter")
        await pilot.pause()
        with Project(demo_path) as p:
            code = p.codebook.code("Tidspress")
            assert p.codebook.code(code.parent_id).name == "Hinder och svåra erfarenheter"
            assert [(s.code, s.start, s.end) for s in p.coding.segments(coder="tester")] == [
                ("Tidspress", sentence.start, sentence.end)]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert db_state(demo_path)[1:] == before[1:]  # the coding and the code are gone
        assert last_message(app) == (
            f"undo: coding added in fokusgrupp1_allmanlakare ({sentence.start}:{sentence.end}, new code 'Tidspress')")
        await pilot.press("ctrl+y")
        await pilot.pause()
    with Project(demo_path) as p:
        assert [s.code for s in p.coding.segments(coder="tester")] == ["Tidspress"]


async def test_opening_reconcile_writes_nothing_and_agreed_codings_wait_for_w(demo_path):
    from qualcode.tui.reconcile import ReconcileScreen
    from qualcode.tui.screens import ChoicePrompt

    with Project(demo_path) as p:
        agreed = p.team.reconcile_agreed("karin", "li", dry_run=True)
        queue = len(p.team.reconcile_queue("karin", "li"))
    assert agreed > 0
    before = db_state(demo_path)
    app = make_app(demo_path, coder="lead", unblind=True)  # the reconciler sees both (qualcode tui --unblind)
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        reconciles = [t for t in titles if t.startswith("Reconcile ")]
        # pairs who coded the same documents, the fullest first; never the consensus coder
        assert reconciles == ["Reconcile karin and li", "Reconcile demo and karin", "Reconcile demo and li"]
        app.reconcile("karin", "li")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        assert db_state(demo_path) == before  # opening wrote nothing
        progress = str(screen.query_one("#reconcile-progress").content)
        assert f"0 / {queue} resolved" in progress
        assert f"{agreed} agreed codings not yet in consensus (w writes)" in progress
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePrompt)
        await pilot.press("escape")  # asked, not done
        await pilot.pause()
        assert db_state(demo_path) == before
        await pilot.press("w", "enter")  # "Write N codings"
        await pilot.pause()
        with Project(demo_path) as p:
            assert len(p.coding.segments(coder="consensus")) == agreed
        assert "agreed coding" not in str(screen.query_one("#reconcile-progress").content)
        await pilot.press("ctrl+z")  # one step
        await pilot.pause()
        assert db_state(demo_path)[1:] == before[1:]


async def test_ctrl_z_in_reconcile_undoes_the_decision_not_the_workbench(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp2_allmanlakare")
    app = make_app(demo_path, coder="karin", doc=doc.id, unblind=True)  # blind coding lifted: she reconciles
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket", "1")  # karin codes in the workbench first
        await pilot.pause()
        mine = db_state(demo_path)[1]
        app.reconcile("karin", "li")
        await pilot.pause()
        screen = app.screen
        await pilot.press("a")  # accept karin's on the first item
        await pilot.pause()
        assert f"1 / {len(screen.queue)} resolved" in str(screen.query_one("#reconcile-progress").content)
        with Project(demo_path) as p:
            assert p.coding.segments(coder="consensus")
        await pilot.press("ctrl+z")
        await pilot.pause()
        # the decision went, and the screen is back on its item
        assert f"0 / {len(screen.queue)} resolved · item 1" in str(screen.query_one("#reconcile-progress").content)
        assert last_message(app).startswith("undo: decision 'accept-a' in ")
        assert db_state(demo_path)[1] == mine  # the decision went, karin's own coding stayed
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert last_message(app) == "Nothing to undo here."
        assert db_state(demo_path)[1] == mine
        await pilot.press("escape", "ctrl+z")  # back in the workbench: karin's coding
        await pilot.pause()
    with Project(demo_path) as p:
        assert [s for s in p.coding.segments(doc=doc.id) if s.coder == "karin"] == [
            s for s in p.coding.segments(doc=doc.id) if s.coder == "karin" and s.uid in {m[0] for m in mine}]
        assert len([s for s in p.coding.segments(coder="karin")]) == len([m for m in mine if m[2] == "karin"]) - 1


async def test_workbench_undo_says_which_document_and_u_goes_there(demo_path):
    with Project(demo_path) as p:
        first = p.documents.get("fokusgrupp1_allmanlakare")
        other = p.documents.get("zhongliu_huli_jiaoliu")
        sentence = p.documents.units(first.id, "sentence")[2]
    app = make_app(demo_path, coder="tester", doc=first.id)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one(TranscriptView).select_offsets(sentence.start, sentence.end)
        await pilot.press("1")
        app.open_document(other.id)
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        message = last_message(app)
        assert message.startswith("undo: coding added in fokusgrupp1_allmanlakare ") and message.endswith(
            "u goes there")
        await pilot.press("u")
        await pilot.pause()
        assert app.doc_id == first.id
        assert app.query_one(TranscriptView).selection_offsets() == (sentence.start, sentence.end)
