"""The query screens driven as a researcher would: keyword in context to a hit in its transcript,
a matrix cell to its segments to one of them, autocoding after a preview, the bars at 80 × 24."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widgets import DataTable, OptionList, Static

from qualcode.project import Project
from qualcode.tui.app import default_keys, make_app
from qualcode.tui.picker import CodePicker
from qualcode.tui.queries.chart import ChartScreen, bar, bar_chart, stacked_chart
from qualcode.tui.queries.common import QueryScreen
from qualcode.tui.queries.kwic import KwicScreen
from qualcode.tui.queries.matrix import MatrixScreen, SegmentsScreen
from qualcode.tui.queries.tables import CooccurrenceScreen, WordsScreen
from qualcode.tui.screens import ChoicePrompt
from qualcode.tui.widgets.transcript import TranscriptView


def plain(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text().splitlines()


async def test_kwic_enter_opens_the_hit_selected_in_its_transcript(demo_path):
    with Project(demo_path) as p:
        hits = list(p.queries.kwic("läkare"))
        first_doc = p.documents.list()[0].id
    k = next(i for i, h in enumerate(hits) if h.doc_id != first_doc)  # a hit in another document
    app = make_app(demo_path, coder="tester")
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.doc_id == first_doc
        await pilot.press("K")
        assert isinstance(app.screen, KwicScreen)
        await pilot.press(*"läkare", "enter")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#kwic-hits", OptionList).option_count == len(hits) == 15
        assert str(screen.query_one("#query-status").content).startswith("15 hits in 4 documents · match: auto")
        await pilot.press(*["down"] * k, "enter")
        await pilot.pause()
        assert not isinstance(app.screen, QueryScreen)
        view = app.query_one(TranscriptView)
        assert app.doc_id == hits[k].doc_id and view.selection_offsets() == (hits[k].start, hits[k].end)
        assert app.text[hits[k].start:hits[k].end] == hits[k].match and view.has_focus


async def test_kwic_lines_align_the_matches_whatever_the_script(demo_path):
    app = make_app(demo_path, coder="tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("K", *"护士", "enter")
        await pilot.pause()
        hits = app.screen.query_one("#kwic-hits", OptionList)
        lines = [hits.render_line(y).text for y in range(1, 12, 2)]  # the context line of each hit
        from rich.cells import cell_len

        columns = {cell_len(line[:line.index("护士")]) for line in lines if "护士" in line}
        assert len(columns) == 1 and all(cell_len(line.rstrip()) <= 76 for line in lines)


async def test_matrix_cell_to_its_segments_to_one_in_context(demo_path):
    with Project(demo_path) as p:
        matrix = p.queries.matrix("codes", "group")
        r, c = next((r, c) for r, row in enumerate(matrix.cells) for c, n in enumerate(row) if n >= 2)
        expected = [(s.doc_id, s.start, s.end) for s in matrix.segments(r, c)]
        row_total = [(s.doc_id, s.start, s.end) for s in matrix.segments(r, None)]
    app = make_app(demo_path, coder="tester", unblind=True)  # as the demo opens
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("X")
        await pilot.pause()
        assert isinstance(app.screen, MatrixScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(matrix.rows) + 1  # and the totals row
        assert str(table.get_cell_at((r, c + 1))) == str(matrix.cells[r][c])
        table.move_cursor(row=r, column=c + 1)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SegmentsScreen) and len(expected) >= 2
        assert [(s.doc_id, s.start, s.end) for s in screen.segments] == expected
        assert screen.query_one(OptionList).option_count == len(expected)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, QueryScreen)
        doc_id, start, end = expected[1]
        assert app.doc_id == doc_id and app.query_one(TranscriptView).selection_offsets() == (start, end)
        # a row's total lists the row's segments
        await pilot.press("X")
        await pilot.pause()
        app.screen.query_one(DataTable).move_cursor(row=r, column=len(matrix.cols) + 1)
        await pilot.press("enter")
        await pilot.pause()
        assert [(s.doc_id, s.start, s.end) for s in app.screen.segments] == row_total


async def test_autocode_from_kwic_after_a_preview_is_one_undo_step(demo_path):
    with Project(demo_path) as p:
        plans = [p.queries.plan_autocode("Yrkesrollen", "tester", query="läkare", unit=unit)
                 for unit in ("hit", "sentence", "turn")]
        expected = sorted(plans[1].spans)
    assert [len(plan.spans) for plan in plans] == [15, 15, 14]  # two hits share a turn
    app = make_app(demo_path, coder="tester")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("K", *"läkare", "enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"Yrkesrollen", "enter")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, ChoicePrompt)
        assert [label for label, _ in prompt.choices] == [
            "as the hits themselves: 15 new, 0 coded already",
            "as their sentences: 15 new, 0 coded already",
            "as their turns: 14 new, 0 coded already"]
        with Project(demo_path) as p:
            assert p.coding.segments(coder="tester") == []  # a preview writes nothing
        await pilot.press("down", "enter")
        await pilot.pause()
        with Project(demo_path) as p:
            coded = p.coding.segments(coder="tester")
            assert sorted((s.doc_id, s.start, s.end) for s in coded) == expected
            assert {s.code for s in coded} == {"Yrkesrollen"}
        assert isinstance(app.screen, KwicScreen)
        await pilot.press("ctrl+z")  # from the KWIC screen: the whole autocoding goes
        await pilot.pause()
        with Project(demo_path) as p:
            assert p.coding.segments(coder="tester") == []


async def test_words_cooccurrence_and_bars_at_80_by_24(demo_path):
    with Project(demo_path) as p:
        words = p.queries.words(by="group", lemma=False)
        matrix = p.queries.matrix("codes", "group")
        pairs = p.queries.cooccurrence("sentence").pairs
    app = make_app(demo_path, coder="tester", unblind=True)  # as the demo opens
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("W")
        await pilot.pause()
        assert isinstance(app.screen, WordsScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == min(500, len(words.words))
        assert [str(c.label) for c in table.columns.values()] == ["word", "count", "per 10k", *words.cols]
        assert str(table.get_cell_at((0, 0))) == words.words[0].word
        await pilot.press("k")  # keyness of the first group against the rest
        await pilot.pause()
        assert [str(c.label) for c in table.columns.values()][-2:] == ["G²", "p"]
        await pilot.press("escape", "O")
        await pilot.pause()
        assert isinstance(app.screen, CooccurrenceScreen)
        assert app.screen.query_one(DataTable).row_count == len(pairs)
        await pilot.press("escape", "B")
        await pilot.pause()
        assert isinstance(app.screen, ChartScreen)
        lines = plain(app.screen.query_one("#chart", Static).content, 200)
        assert all(len(line.rstrip()) <= 76 for line in lines)  # within the screen, borders and bar aside
        legend = lines[0]
        assert all(f"■ {g}" in legend for g in matrix.cols)
        sums = {line.rsplit(" ", 1)[0].rstrip("█ ").strip(): int(line.rsplit(" ", 1)[1]) for line in lines[2:] if line}
        assert sums == {row: sum(cells) for row, cells in zip(matrix.rows, matrix.cells, strict=True)}


async def test_the_queries_are_in_the_palette_and_the_keymap(demo_path):
    app = make_app(demo_path, coder="tester")
    async with app.run_test(size=(100, 30)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
    assert {"Keyword in context", "Word frequencies", "Co-occurrence of codes", "Matrix: codes × groups",
            "Code frequencies as bars"} <= set(titles)
    keys = default_keys()
    assert {keys[i] for i in ("queries.kwic", "queries.words", "queries.cooccurrence", "queries.matrix",
                              "queries.chart")} == {"K", "W", "O", "X", "B"}
    assert {"kwic.autocode", "matrix.drill", "query.save", "query.close", "chart.stacked"} <= set(keys)


def test_bars_by_hand():
    assert bar(4, 8, 10) == "█████" and bar(1, 8, 10) == "█▎" and bar(0, 8, 10) == ""
    assert bar(1, 1000, 10) == "▏"  # a value is never drawn as nothing
    lines = plain(bar_chart(["Skuld", "安全"], ["GP A", "儿科"], [[2, 0], [1, 4]], 40), 40)
    # 40 cells: label 5 + 2, column 4 + 1, number 1 + 1, and 24 for a bar of the largest value (4)
    assert lines[0] == "Skuld  GP A " + "█" * 12 + " 2"
    assert lines[1] == "       儿科  0"
    assert lines[3] == "安全   GP A " + "█" * 6 + " 1"
    assert lines[4] == "       儿科 " + "█" * 24 + " 4"
    stacked = plain(stacked_chart(["Skuld", "安全"], ["GP A", "儿科"], [[2, 0], [1, 4]], 20), 20)
    assert stacked[0].rstrip() == "■ GP A  ■ 儿科"
    assert stacked[2] == "Skuld " + "█" * 4 + " 2" and stacked[3] == "安全  " + "█" * 11 + " 5"  # 11 cells for 5


async def test_blind_coding_holds_in_the_matrix(demo_path):
    app = make_app(demo_path, coder="tester")  # has marked no document done: co-authors' coding is hidden
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("X")
        await pilot.pause()
        assert app.screen.result.total == 0 and app.screen.result.segments() == []
        assert "blind coding" in str(app.screen.query_one("#query-status").content)


def test_a_segment_in_context_keeps_the_spaces_of_the_text():
    from qualcode.tui.listing import in_context

    assert in_context("Hon sa: hej där ", "vi", " gick hem.", 80, "bold").plain == "Hon sa: hej där vi gick hem."
    assert in_context("我头", "疼", "，疼得厉害", 80, "bold").plain == "我头疼，疼得厉害"
    assert in_context("", "bara ord", "", 80, "bold").plain == "bara ord"


async def test_a_hit_opened_from_kwic_is_on_screen_in_the_middle(demo_path):
    """The transcript opens at the hit with context above and below: the gutter beside it takes
    its width after the document opens, the text wraps anew, and the hit was left off screen
    (rows above or below the view) or on its first row."""
    with Project(demo_path) as p:
        hits = list(p.queries.kwic("läkare"))
    for k in (0, 2, 5, 9, 12):
        app = make_app(demo_path, coder="karin", unblind=True)  # karin's coding: stripes beside the text
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("K", *"läkare", "enter")
            await pilot.pause()
            await pilot.press(*["down"] * k, "enter")
            await pilot.pause()
            view = app.query_one(TranscriptView)
            assert view.selection_offsets() == (hits[k].start, hits[k].end)
            row = view.wrapped_document.location_to_offset(view.selection.start).y - round(view.scroll_y)
            height = view.scrollable_content_region.height
            assert abs(row - height // 2) <= 1, (k, row, height)


async def test_a_query_screens_status_line_is_read_whole_at_80_by_24(demo_path):
    """The line under a query's table says what was counted and which keys do what; at 80
    columns it was cut ("… · b columns ·", "Chinese ma"): it wraps instead."""
    app = make_app(demo_path, coder="tester", unblind=True)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("K", "W"):
            await pilot.press(key)
            await pilot.pause()
            status = app.screen.query_one("#query-status")
            said = " ".join(str(status.content).split())
            shown = " ".join(" ".join(status.render_line(y).text for y in range(status.size.height)).split())
            assert status.size.width <= 80 and shown == said, (key, shown)
            await pilot.press("escape")
            await pilot.pause()


async def test_undo_on_a_query_screen_takes_the_coding_back_and_the_screens_count_again(demo_path):
    """ctrl+z on a query screen undoes the coder's last coding (as on the KWIC screen, whose
    autocoding it takes back), and every query screen open counts again: no stale numbers."""
    with Project(demo_path) as p:
        before = p.queries.matrix("codes", "group")
        for doc in p.documents.list():  # a participant's sentence in a transcript without consensus
            p.coding.add_segment(doc.id, "Andrum", *next((u.start, u.end) for u in p.documents.units(doc.id)
                                                         if u.speaker and u.speaker != "Moderator"), coder="tester")
            coded = p.queries.matrix("codes", "group")
            if coded.total != before.total:
                break
            p.coding.undo_step("tester")
        row = coded.rows.index("Andrum")
        cells = {"before": before.cells[row], "coded": coded.cells[row]}
        listed_rows = {"before": len(before.segments(row, None)), "coded": len(coded.segments(row, None))}
        assert cells["before"] != cells["coded"] and listed_rows["before"] == listed_rows["coded"] - 1
    app = make_app(demo_path, coder="tester", unblind=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("X")
        await pilot.pause()
        matrix = app.screen
        shown = lambda: [str(matrix.query_one(DataTable).get_cell_at((row, c + 1)))  # noqa: E731
                         for c in range(len(coded.cols))]
        assert shown() == [str(n) for n in cells["coded"]]
        matrix.query_one(DataTable).move_cursor(row=row, column=len(coded.cols) + 1)
        await pilot.press("enter")  # the row's segments, on top of the matrix
        await pilot.pause()
        listed = app.screen
        assert isinstance(listed, SegmentsScreen) and len(listed.segments) == listed_rows["coded"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.screen is listed and len(listed.segments) == listed_rows["before"]
        assert listed.query_one(OptionList).option_count == listed_rows["before"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is matrix and shown() == [str(n) for n in cells["before"]]
        await pilot.press("B", "ctrl+y")  # redo, from the bars
        await pilot.pause()
        assert isinstance(app.screen, ChartScreen) and app.screen.result.cells[row] == cells["coded"]
        await pilot.press("escape")
        await pilot.pause()
        assert shown() == [str(n) for n in cells["coded"]]
    with Project(demo_path) as p:
        assert len(p.coding.segments(coder="tester")) == 1
