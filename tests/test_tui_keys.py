"""Keys: every binding has an id, a keymap file moves keys, a Swedish preset needs no AltGr,
the help screen shows the keys in effect; long jobs fail in one place, as a notification."""

from __future__ import annotations

import io

import pytest
from textual.widgets import Static
from textual.worker import WorkerFailed

from qualcode.project import Project
from qualcode.tui.app import QualcodeApp, default_keys, make_app
from qualcode.tui.keymap import PRESETS
from qualcode.tui.screens import HelpScreen
from qualcode.tui.widgets.transcript import TranscriptView

DOC = "fokusgrupp1_allmanlakare"


def help_text(app) -> str:
    """The help as text, wide enough that nothing wraps (it is a grid per section)."""
    from rich.console import Console

    console = Console(width=300, record=True, file=io.StringIO())
    console.print(app.screen.query_one("#help-text", Static).content)
    return console.export_text()


def test_every_binding_has_an_id_and_the_preset_names_only_real_ones():
    assert all(b.id for b in QualcodeApp.BINDINGS)
    ids = default_keys()
    assert {"transcript.next_sentence", "reconcile.next", "retrieval.recode", "codebook.pin",
            "dialog.cancel"} <= set(ids)
    assert set(PRESETS["sv"]) <= set(ids)
    # the preset's keys are free: no binding of the workbench has them already
    taken = {b.key for b in QualcodeApp.BINDINGS}
    assert not {k for keys in PRESETS["sv"].values() for k in keys.split(",")} & taken


async def test_a_keymap_file_moves_a_key(demo_path, tmp_path, monkeypatch):
    keys = tmp_path / "keys.toml"
    keys.write_text('[keys]\n"transcript.next_sentence" = "j"\n', encoding="utf-8")
    monkeypatch.setenv("QUALCODE_KEYMAP", str(keys))
    with Project(demo_path) as p:
        first = p.documents.units(DOC, "sentence")[0]
        quick = p.codebook.quick_codes()[0]
    app = make_app(demo_path, coder="tester", doc=None)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(TranscriptView)
        await pilot.press("right_square_bracket")  # the old key does nothing now
        assert view.selection_offsets() == (0, 0)
        await pilot.press("j")
        assert view.selection_offsets() == (first.start, first.end)
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = help_text(app)
        assert "j / [" in text and str(keys) in text and "(some keys remapped there)" in text
    with Project(demo_path) as p:
        mine = p.coding.segments(coder="tester")
    assert [(s.start, s.end, s.code) for s in mine] == [(first.start, first.end, quick.name)]


async def test_the_swedish_preset_needs_no_altgr(demo_path, tmp_path, monkeypatch):
    (tmp_path / "qualcode").mkdir()
    (tmp_path / "qualcode" / "keys.toml").write_text('preset = "sv"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    with Project(demo_path) as p:
        sentences = p.documents.units(DOC, "sentence")
        turns = p.documents.units(DOC, "turn")
    app = make_app(demo_path, coder="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(TranscriptView)
        await pilot.press("full_stop", "full_stop")
        assert view.selection_offsets() == (sentences[1].start, sentences[1].end)
        await pilot.press("comma")
        assert view.selection_offsets() == (sentences[0].start, sentences[0].end)
        await pilot.press("colon", "colon")
        at = next(i for i, t in enumerate(turns) if t.start >= sentences[0].end)
        assert view.selection_offsets() == (turns[at + 1].start, turns[at + 1].end)
        await pilot.press("semicolon")
        assert view.selection_offsets() == (turns[at].start, turns[at].end)
        await pilot.press("question_mark")
        await pilot.pause()
        text = help_text(app)
        assert ". / ," in text and ": / ;" in text and "preset 'sv' (Swedish keyboard" in text


async def test_keys_option_picks_a_preset_and_a_bad_keymap_is_said_not_fatal(demo_path, tmp_path, monkeypatch):
    keys = tmp_path / "keys.toml"
    keys.write_text('preset = "de"\n[keys]\n"no.such" = "x"\n"coding.memo" = 3\n', encoding="utf-8")
    monkeypatch.setenv("QUALCODE_KEYMAP", str(keys))
    app = make_app(demo_path, coder="tester", keys="sv")  # --keys sv wins over the file's preset
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("no binding 'no.such'" in m for m in messages)
        assert any("'coding.memo' needs a key" in m for m in messages)
        assert app.user_keys.preset == "sv"
        await pilot.press("full_stop")
        assert app.query_one(TranscriptView).selection_offsets() != (0, 0)
    keys.write_text("preset = [", encoding="utf-8")
    app = make_app(demo_path, coder="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert any("not read" in n.message for n in app._notifications) and app.is_running


async def test_help_shows_brackets_and_quick_code_marks_as_text(demo_path):
    app = make_app(demo_path, coder="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = help_text(app)
        assert "] / [" in text and "} / {" in text and "(shown as [n] in the codebook)" in text
        assert "1 … 9" in text and "ctrl+z / ctrl+y" in text and 'preset = "sv"' in text
        # a key named in a description is the key in effect, never the binding's id in braces
        assert "Enter opens one, a codes them all" in " ".join(text.split())
        assert "{" not in text.replace("} / {", "")


async def test_a_failing_job_is_one_notification_and_the_bar_goes(demo_path, tmp_path):
    from qualcode.tui.screens import ExportChoice

    app = make_app(demo_path, coder="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        app.import_files([tmp_path / "missing.txt"])  # a user's mistake: said as it is
        with pytest.raises(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(n.severity == "error" and "missing.txt" in n.message for n in app._notifications)
        blocker = tmp_path / "file"
        blocker.write_text("x", encoding="utf-8")
        app.export_themes(ExportChoice(str(blocker / "out.md"), "en", [], 3, True))  # a fault of the disk
        with pytest.raises(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(n.message.startswith("export failed: ") for n in app._notifications)
        assert not app.query_one("#progress").display and app.is_running


def test_the_readme_lists_every_binding_id():
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [i for i in default_keys() if f"`{i}`" not in readme and i not in
               {f"coding.quick_code_{n}" for n in range(2, 9)}]  # written `coding.quick_code_1` … `_9`
    assert missing == []
