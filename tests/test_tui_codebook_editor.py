"""Editing the codebook where one codes (C): find, add, rename, move, reorder, the texts per
language, merge, retire, delete when unused; ctrl+z there undoes the last codebook change."""

from __future__ import annotations

from qualcode.project import Project
from qualcode.tui.app import make_app


def names(path) -> list[str]:
    with Project(path) as p:
        return [c.name for c in p.codebook.codes()]


async def open_editor(pilot, app):
    from qualcode.tui.codebook_editor import CodebookEditor

    await pilot.press("C")
    await pilot.pause()
    assert isinstance(app.screen, CodebookEditor)
    return app.screen


async def find(pilot, screen, query: str):
    await pilot.press("slash", *query, "enter")
    await pilot.pause()
    return screen.code


async def test_find_add_rename_move_reorder_and_undo(demo_path):
    from qualcode.tui.picker import NewCodeDialog
    from qualcode.tui.screens import ChoicePrompt, TextPrompt

    app = make_app(demo_path, coder="anna")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(pilot, app)
        assert (await find(pilot, screen, "skift")).name == "Skiftarbete och familj"
        assert (await find(pilot, screen, "hinder")).name == "Hinder och svåra erfarenheter"  # categories too
        await pilot.press("a")  # under the highlighted category
        await pilot.pause()
        assert isinstance(app.screen, NewCodeDialog)
        await pilot.press(*"Tidspress", "enter")
        await pilot.pause()
        with Project(demo_path) as p:
            made = p.codebook.code("Tidspress")
            assert p.codebook.code(made.parent_id).name == "Hinder och svåra erfarenheter"
        assert screen.code.name == "Tidspress"
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one("Input").value = "Tidsbrist"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.code.name == "Tidsbrist"
        await pilot.press("K")  # one place up among its siblings
        await pilot.pause()
        order = names(demo_path)
        assert order.index("Tidsbrist") == order.index("Passar inte alla") - 1
        await pilot.press("m")  # under another category
        await pilot.pause()
        assert isinstance(app.screen, ChoicePrompt)
        prompts = [str(o.prompt) for o in app.screen.query_one("OptionList")._options]
        await pilot.press(*["down"] * prompts.index("Arbetsliv och återhämtning"), "enter")
        await pilot.pause()
        with Project(demo_path) as p:
            assert p.codebook.code(p.codebook.code("Tidsbrist").parent_id).name == "Arbetsliv och återhämtning"
        for _ in range(3):  # move, reorder, rename
            await pilot.press("ctrl+z")
            await pilot.pause()
        with Project(demo_path) as p:
            code = p.codebook.code("Tidspress")
            assert p.codebook.code(code.parent_id).name == "Hinder och svåra erfarenheter"
            assert [c.name for c in p.codebook.codes()][-1] == "Tidspress"  # last again
        await pilot.press("ctrl+z")  # the add
        await pilot.pause()
        assert "Tidspress" not in names(demo_path)
        assert list(app._notifications)[-1].message == "undo: code 'Tidspress' added"


async def test_edit_texts_per_language(demo_path):
    from textual.widgets import TextArea

    from qualcode.tui.codebook_editor import CodeTextsDialog

    app = make_app(demo_path, coder="anna")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(pilot, app)
        await find(pilot, screen, "andrum")
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CodeTextsDialog)
        assert dialog.query_one("#label-zh").value == "喘息空间"
        dialog.query_one("#label-en").value = "A breather"
        dialog.query_one("#brief-zh", TextArea).load_text("休息一下。")
        dialog.query_one("#example-en", TextArea).load_text("")  # emptied: no English example
        await pilot.press("ctrl+s")
        await pilot.pause()
    with Project(demo_path) as p:
        code = p.codebook.code("Andrum")
        assert code.labels["en"] == "A breather" and code.brief["zh"] == "休息一下。"
        assert "en" not in code.example and code.example["sv"]
        assert code.labels["sv"] == "Andrum"  # the rest as it was


async def test_merge_retire_and_delete(demo_path):
    from qualcode.tui.picker import CodePicker

    with Project(demo_path) as p:
        before = {c.name: n for c, n in ((c, len(p.coding.segments(code=c.name))) for c in p.codebook.codes())}
    app = make_app(demo_path, coder="anna")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(pilot, app)
        await find(pilot, screen, "för tungt")
        await pilot.press("delete")  # it has codings: refused, said why
        await pilot.pause()
        assert "has" in list(app._notifications)[-1].message and "retire it (R) or merge it (g)" in list(
            app._notifications)[-1].message
        assert "För tungt" in names(demo_path)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"passar inte", "enter")
        await pilot.pause()
        await pilot.press("enter")  # "Merge"
        await pilot.pause()
        with Project(demo_path) as p:
            assert "För tungt" not in [c.name for c in p.codebook.codes()]
            after = len(p.coding.segments(code="Passar inte alla"))
            assert after <= before["Passar inte alla"] + before["För tungt"]
            assert after > before["Passar inte alla"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        with Project(demo_path) as p:
            assert len(p.coding.segments(code="För tungt")) == before["För tungt"]
            assert len(p.coding.segments(code="Passar inte alla")) == before["Passar inte alla"]
        await pilot.press("a", *"Oanvänd", "enter")
        await pilot.pause()
        await pilot.press("delete", "enter")  # unused: asked, then deleted
        await pilot.pause()
        assert "Oanvänd" not in names(demo_path)
        await find(pilot, screen, "andrum")
        await pilot.press("R", "enter")
        await pilot.pause()
        with Project(demo_path) as p:
            assert p.codebook.code("Andrum").retired
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("c", *"andrum")
        await pilot.pause()
        assert not any("Andrum" in str(o.prompt) for o in app.screen.query_one("#picker-options")._options
                       if o.id != "new")


async def test_ctrl_z_in_a_dialog_undoes_typing_not_coding(demo_path):
    from textual.widgets import TextArea

    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp2_allmanlakare")
    app = make_app(demo_path, coder="anna", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket", "1")  # something a workbench ctrl+z would take back
        await pilot.pause()
        screen = await open_editor(pilot, app)
        await find(pilot, screen, "andrum")
        await pilot.press("e")
        await pilot.pause()
        area = app.screen.query_one("#brief-sv", TextArea)
        area.focus()
        before = area.text
        await pilot.press("end", *"xyz")
        assert area.text != before
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert area.text == before
    with Project(demo_path) as p:
        assert len(p.coding.segments(coder="anna", doc=doc.id)) == 1


def texts_shown(screen) -> str:
    content = screen.query_one("#editor-texts").content
    return "\n".join(part.plain for part in getattr(content, "renderables", [content]))


async def test_the_texts_shown_are_the_highlighted_codes_after_undo_and_delete(demo_path):
    """Undoing an added code (or deleting one) takes it away; the texts beside the tree must
    not go on showing it."""
    app = make_app(demo_path, coder="anna")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(pilot, app)
        await find(pilot, screen, "sekretess")
        await pilot.press("a", *"Tystnad", "enter")
        await pilot.pause()
        assert screen.code.name == "Tystnad"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "Tystnad" not in names(demo_path)
        assert screen.code.name == "Gruppen som rum"  # where it was: under Sekretess's category
        shown = texts_shown(screen)
        assert screen.code is not None and "Tystnad" not in shown and shown.startswith(f"■ {screen.code.name} ")
        await pilot.press("a", *"Tystnad", "enter")
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("enter")  # Delete
        await pilot.pause()
        assert "Tystnad" not in names(demo_path)
        shown = texts_shown(screen)
        assert screen.code is not None and "Tystnad" not in shown and shown.startswith(f"■ {screen.code.name} ")
