"""The workbench opens on a project, lists documents by group and shows the transcript."""

from __future__ import annotations

import pytest
from textual.geometry import Offset
from textual.widgets import OptionList

from qualcode.project import Project
from qualcode.tui.app import make_app
from qualcode.tui.widgets.transcript import TranscriptView


async def test_opens_with_documents_grouped_and_first_transcript(demo_path):
    app = make_app(demo_path, coder="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        documents = app.query_one("#documents", OptionList)
        options = [documents.get_option_at_index(i) for i in range(documents.option_count)]
        prompts = [str(o.prompt) for o in options]
        assert sum(1 for o in options if (o.id or "").startswith("doc-")) == 7
        assert "GP A" in prompts and "儿科" in prompts
        view = app.query_one(TranscriptView)
        with Project(demo_path) as p:
            assert view.text == p.documents.get("fokusgrupp1_allmanlakare").text
        assert "tester" in app.sub_title


async def test_doc_option_opens_that_document_with_cursor_at_zero(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("zhongliu_huli_jiaoliu")
    app = make_app(demo_path, coder="x", doc=doc.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.query_one(TranscriptView)
        assert view.text == doc.text
        assert view.cursor_offset == 0 and app.focused is view
        await pilot.press("q")
    assert app.return_code in (0, None)


async def test_coder_is_asked_once_and_remembered(demo_path, monkeypatch):
    from qualcode.tui.screens import TextPrompt

    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        prompt = app.screen.query_one("Input")
        prompt.value = ""
        await pilot.press(*"Åsa", "enter")
        await pilot.pause()
        assert app.coder == "Åsa" and "coder: Åsa" in app.sub_title
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.coder == "Åsa" and not isinstance(app.screen, TextPrompt)


@pytest.mark.parametrize("keys", [["ctrl+u", "enter"], ["escape"]])
async def test_a_coder_left_unnamed_is_the_name_offered_not_a_made_up_one(demo_path, monkeypatch, keys):
    from qualcode.tui.screens import TextPrompt

    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    monkeypatch.setenv("USER", "gp_lund")
    monkeypatch.setenv("LOGNAME", "gp_lund")
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt) and app.screen.query_one("Input").value == "gp_lund"
        await pilot.press(*keys)
        await pilot.pause()
        assert app.coder == "gp_lund" and "coder: gp_lund" in app.sub_title


def test_the_core_never_imports_textual():
    import subprocess
    import sys

    code = ("import sys, qualcode.project, qualcode.cli, qualcode.reports.summary, qualcode.exchange.merge;"
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


async def test_import_runs_in_a_worker_and_lists_the_new_document(demo_path, tmp_path):
    src = tmp_path / "ny_grupp.txt"
    src.write_text("Moderator: Välkomna.\nD1: Tack, det var fint.\nModerator: Något mer?\nD2: Nej.\n", encoding="utf-8")
    app = make_app(demo_path, coder="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        app.import_files([src])
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        documents = app.query_one("#documents", OptionList)
        ids = [documents.get_option_at_index(i).id for i in range(documents.option_count)]
        assert len([i for i in ids if i and i.startswith("doc-")]) == 8
        assert any("imported 1 document" in n.message for n in app._notifications)


async def test_the_demo_opens_showing_everyones_coding(demo_path):
    app = make_app(demo_path, coder="newcomer", layer="all", unblind=True)  # as `qualcode demo` opens it
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "showing all coders" in app.sub_title
        assert [s for s in app.segments if app.visible(s)]


async def test_coding_updates_the_open_documents_progress_line(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp2_allmanlakare")
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        documents = app.query_one("#documents", OptionList)
        line = lambda: str(documents.get_option(f"doc-{doc.id}").prompt)  # noqa: E731
        assert "  0%" in line()
        await pilot.press("right_square_bracket", "1")
        await pilot.pause()
        assert "  0%" not in line() and "1%" in line()


async def test_a_pane_shown_or_hidden_keeps_the_reader_at_the_same_words(demo_path):
    """Showing the documents pane narrows the transcript and wraps it anew: the line the reader
    had at the top stays at the top (a scroll position kept in rows moved them elsewhere), and a
    selected sentence stays on screen."""
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp1_allmanlakare")
        sentence = p.documents.units(doc.id, "sentence")[60]
    app = make_app(demo_path, coder="karin", doc=doc.id, layer="all", unblind=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = app.query_one(TranscriptView)
        view.scroll_to(y=80, animate=False)  # read on with the wheel, the cursor left at the top
        await pilot.pause()

        def top_offset() -> int:
            line, column = view.wrapped_document.offset_to_location(Offset(0, round(view.scroll_y)))
            return view.index.offset((line, column))

        before = top_offset()
        for _ in range(2):  # hidden, then shown again
            await pilot.press("f2")
            await pilot.pause()
            await pilot.pause()
            assert view.index.location(top_offset())[0] == view.index.location(before)[0]  # the same line
            assert abs(top_offset() - before) < view.scrollable_content_region.width
        view.select_offsets(sentence.start, sentence.end)
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        await pilot.pause()
        row = view.wrapped_document.location_to_offset(view.cursor_location).y - round(view.scroll_y)
        assert abs(row - view.scrollable_content_region.height // 2) <= 1  # centred again, as selected
