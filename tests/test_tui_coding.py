"""Driving the real workbench on the demo project, as a coder would, then checking SQLite."""

from __future__ import annotations

import pytest

from conftest import store_of
from qualcode.project import Project
from qualcode.tui.app import make_app
from qualcode.tui.memos import MemoEditor
from qualcode.tui.picker import CodePicker, NewCodeDialog
from qualcode.tui.widgets.transcript import TranscriptView


def _doc(path, name):
    with Project(path) as p:
        doc = p.documents.get(name)
        return doc, p.documents.units(name, "sentence"), p.codebook.quick_codes()[0]


@pytest.mark.parametrize("name", ["fokusgrupp1_allmanlakare", "zhongliu_huli_jiaoliu"])
async def test_code_sentence_two_memo_undo_redo_and_reopen(demo_path, name):
    doc, sentences, code1 = _doc(demo_path, name)
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket", "right_square_bracket")
        view = app.query_one(TranscriptView)
        assert view.selection_offsets() == (sentences[1].start, sentences[1].end)
        await pilot.press("1")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MemoEditor)  # several lines: Enter is a line break, ctrl+s saves
        await pilot.press(*"viktig", "enter", *"rad", "ctrl+z")  # ctrl+z here undoes typing, not the coding
        await pilot.press("ctrl+s")
        await pilot.pause()
        with Project(demo_path) as p:
            mine = p.coding.segments(coder="tester")
            assert [(s.start, s.end, s.code, s.memo) for s in mine] == [
                (sentences[1].start, sentences[1].end, code1.name, "viktig")]
        await pilot.press("ctrl+z")  # undoes the memo
        await pilot.press("ctrl+z")  # undoes the coding
        with Project(demo_path) as p:
            assert p.coding.segments(coder="tester") == []
        await pilot.press("ctrl+y", "ctrl+y")
        await pilot.press("q")
    with Project(demo_path) as p:
        mine = p.coding.segments(coder="tester")
        assert [(s.start, s.end, s.code, s.memo) for s in mine] == [
            (sentences[1].start, sentences[1].end, code1.name, "viktig")]
    # reopen: the coding is there and undo still reaches it (history survives restarts)
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        assert [(s.start, s.end) for s in app.segments if s.coder == "tester"] == [
            (sentences[1].start, sentences[1].end)]
        await pilot.press("ctrl+z", "ctrl+z")
        await pilot.press("q")
    with Project(demo_path) as p:
        assert p.coding.segments(coder="tester") == []


async def test_picker_finds_codes_in_any_language_and_creates_new_ones(demo_path):
    doc, sentences, _ = _doc(demo_path, "zhongliu_huli_jiaoliu")
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket", "c")
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"保密", "enter")
        await pilot.pause()
        await pilot.press("right_square_bracket", "c")
        await pilot.press(*"Confidentiality", "enter")
        await pilot.press("right_square_bracket", "c")
        await pilot.press(*"Helt ny kod", "down", "down", "down", "down", "down", "down", "down", "down",
                          "down", "down", "down", "down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NewCodeDialog)  # the last row asks where the new code goes
        await pilot.press("enter")
        await pilot.pause()
    with Project(demo_path) as p:
        mine = p.coding.segments(coder="tester")
        assert [(s.start, s.code) for s in mine] == [
            (sentences[0].start, "Sekretess"), (sentences[1].start, "Sekretess"), (sentences[2].start, "Helt ny kod")]
        assert p.codebook.code("Helt ny kod").codable


async def test_turn_keys_select_speech_and_remove_asks_when_several(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp3_sjukhuslakare")
        turns = p.documents.units(doc.id, "turn")
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(TranscriptView)
        await pilot.press("right_curly_bracket", "right_curly_bracket")
        assert view.selection_offsets() == (turns[1].start, turns[1].end)
        await pilot.press("left_curly_bracket")
        assert view.selection_offsets() == (turns[0].start, turns[0].end)
        await pilot.press("1", "2")
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("down", "enter")  # the second of the two segments
        await pilot.pause()
    with Project(demo_path) as p:
        mine = p.coding.segments(coder="tester")
        first_quick = p.codebook.quick_codes()[0].name
        assert [(s.start, s.end, s.code) for s in mine] == [(turns[0].start, turns[0].end, first_quick)]


async def test_search_finds_word_forms_and_n_moves(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp1_allmanlakare")
        expected = p.documents.search(doc.id, "patient")
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"patient", "enter")
        await pilot.pause()
        view = app.query_one(TranscriptView)
        assert view.selection_offsets() == expected[0]
        await pilot.press("n")
        assert view.selection_offsets() == expected[1]
        await pilot.press("N")
        assert view.selection_offsets() == expected[0]
        assert any(doc.text[a:b].lower() == "patienter" for a, b in expected)


async def test_blind_coding_holds_until_the_document_is_marked_done(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp1_allmanlakare")
        karins = len([s for s in p.coding.segments(doc=doc.id) if s.coder == "karin"])
        everyone = len(p.coding.segments(doc=doc.id))
        assert 0 < karins < everyone
    app = make_app(demo_path, coder="karin", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        shown = lambda: [s for s in app.segments if app.visible(s)]  # noqa: E731
        assert len(shown()) == karins and "showing my coding" in app.sub_title and "blind until done" in app.sub_title
        assert app.layer_coder() == "karin"  # counts too: the panes count only what is shown
        await pilot.press("v")  # not done yet: v says why instead of showing anyone else's coding
        await pilot.pause()
        assert len(shown()) == karins and "showing my coding" in app.sub_title
        assert any("Blind coding" in str(n.message) and "mark it done (d)" in str(n.message)
                   for n in app._notifications)
        await pilot.press("d", "v")  # done: now v shows everyone's
        await pilot.pause()
        assert len(shown()) == everyone and "showing all coders · done" in app.sub_title
        assert app.layer_coder() == "karin"  # other documents are still blind: counts stay hers
        await pilot.press("d")  # not done again: hidden again, whatever the layer
        await pilot.pause()
        assert len(shown()) == karins and "showing all coders · blind until done" in app.sub_title
    with Project(demo_path) as p:
        assert p.review.done_documents("karin") == set()
        assert [e["action"] for e in store_of(p).events("document.")] == ["document.import"] * 7 + [
            "document.done", "document.undone"]
        p.settings.set_blind_coding(False)  # the project lifts it for everyone
    app = make_app(demo_path, coder="karin", doc=doc.id, layer="all")
    async with app.run_test(size=(120, 40)) as pilot:
        assert len([s for s in app.segments if app.visible(s)]) == everyone
    with Project(demo_path) as p:
        p.settings.set_blind_coding(True)
    app = make_app(demo_path, coder="karin", doc=doc.id, layer="all", unblind=True)  # qualcode tui --unblind
    async with app.run_test(size=(120, 40)) as pilot:
        assert len([s for s in app.segments if app.visible(s)]) == everyone


async def test_errors_are_notifications_not_tracebacks(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp1_allmanlakare")
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("x")  # nothing of mine here
        await pilot.pause()
        assert any("None of your coding" in n.message for n in app._notifications)
        app.guard(app.project.coding.add_segment, doc.id, "no such code", 0, 5, coder="tester")
        await pilot.pause()
        assert any("unknown code" in n.message for n in app._notifications)
        assert app.is_running


async def test_retrieval_lists_a_codes_segments_and_acts_on_them(demo_path):
    from qualcode.tui.retrieval import RetrievalScreen
    from qualcode.tui.widgets.codebook import CodebookTree

    with Project(demo_path) as p:
        code = p.codebook.code("Sekretess")
        karin = [s for s in p.coding.segments(code="Sekretess") if s.coder == "karin"]
    app = make_app(demo_path, coder="karin")
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(CodebookTree.CodeChosen(code))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RetrievalScreen)
        assert [s.uid for s in screen.segments] == [s.uid for s in karin]  # blind: only mine
        await pilot.press("e")  # mark the first as exemplar
        await pilot.press("down", "x")  # remove the second
        await pilot.pause()
        first = screen.segments[0]
        await pilot.press("up", "enter")  # open the first in its transcript
        await pilot.pause()
        assert not isinstance(app.screen, RetrievalScreen)
        assert app.query_one(TranscriptView).selection_offsets() == (first.start, first.end)
    with Project(demo_path) as p:
        after = [s for s in p.coding.segments(code="Sekretess") if s.coder == "karin"]
        assert [s.uid for s in after] == [karin[0].uid] + [s.uid for s in karin[2:]]
        assert after[0].exemplar


async def test_help_and_palette_list_the_keys(demo_path):
    from qualcode.tui.screens import HelpScreen

    app = make_app(demo_path, coder="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for expected in ("Sentence", "Code…", "Remove", "Memo", "Undo", "Search", "Import files…"):
            assert expected in titles
        assert any(t.startswith("Segments of: ") for t in titles)


def test_pinned_quick_codes(demo_path):
    with Project(demo_path) as p:
        codable = [c for c in p.codebook.codes() if c.codable and not c.retired]
        last = codable[-1]
        p.codebook.pin_quick_code(1, last.name)
        p.codebook.pin_quick_code(3, codable[0].name)
        after = [c.name for c in p.codebook.quick_codes()]
        # pinned slots hold their codes; the others fill with codebook order, skipping the pinned
        rest = [c.name for c in codable if c.name not in (last.name, codable[0].name)]
        assert after == [last.name, rest[0], codable[0].name, *rest[1:7]]


async def test_export_dialog_writes_the_summary_in_a_worker(demo_path, tmp_path):
    from qualcode.tui.screens import ExportDialog

    app = make_app(demo_path, coder="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        path = app.screen.query_one("#export-path")
        path.value = str(tmp_path / "out.md")
        app.screen.query_one("#export-go").press()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (tmp_path / "out.md").exists()
        assert any("wrote" in n.message for n in app._notifications)
    assert "# " in (tmp_path / "out.md").read_text(encoding="utf-8")


async def test_markup_in_transcripts_and_bad_stored_colours_do_not_crash(tmp_path):
    from qualcode.tui.screens import ChoicePrompt

    src = tmp_path / "chat.txt"
    src.write_text("Moderator: Hur var det?\nAnna: Ja jag [/] jag tycker det [b]. Bra.\nModerator: Tack.\nAnna: Ja.\n",
                   encoding="utf-8")
    path = tmp_path / "p.qualcode"
    with Project(path, create=True) as p:
        p.documents.import_files([src])
        p.codebook.add_code("Kostnad [ekonomi]")
        p.codebook.add_code("Annan")
        sentence = p.documents.units("chat", "sentence")[1]
        p.coding.add_segment("chat", "Kostnad [ekonomi]", sentence.start, sentence.end, coder="t")
        p.coding.add_segment("chat", "Annan", sentence.start, sentence.end, coder="t")
        p.codebook.add_theme("Tema", ["Annan"])
        store_of(p).conn.execute("UPDATE codes SET color = 'red' WHERE name = 'Annan'")  # as another tool might
    app = make_app(path, coder="t")
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(TranscriptView)
        view.select_offsets(sentence.start, sentence.end)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePrompt)
        await pilot.press("escape", "c", *"[/", "escape", "ctrl+e")
        await pilot.pause()
        app.screen.query_one("#export-quotes").value = "-"
        app.screen.query_one("#export-path").value = str(tmp_path / "x.md")
        app.screen.query_one("#export-go").press()
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.is_running
