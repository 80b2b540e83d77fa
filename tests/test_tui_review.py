"""The workbench's review tools, driven as a coder would: coding stripes (asserted on the
rendered gutter), memos on every kind, the Memos screen, retrieval that reads like a transcript,
blind coding in every list, and playing a timed turn."""

from __future__ import annotations

import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import store_of
from qualcode.project import Project
from qualcode.tui.app import make_app
from qualcode.tui.memos import MemoEditor, MemosScreen
from qualcode.tui.screens import ChoicePrompt
from qualcode.tui.widgets.codebook import CodebookTree, CodeNode, ThemeNode
from qualcode.tui.widgets.stripes import BOTH, MINE, THEIRS, Stripe, StripeGutter, StripeIndex, StripeLegend
from qualcode.tui.widgets.transcript import TranscriptView

LONG = "Det var tryggt i gruppen och vi pratade länge om läkarna och om patienterna som vi träffar varje dag. " * 3
SV = f"Moderator: Hur var det?\nAnna: {LONG.strip()}\nModerator: Och du?\nErik: Jag höll med Anna.\n"
ZH = ("主持人：大家好。\n护士A：" + "我一直觉得对不起他，觉得他到最后都没机会跟家人好好告别。" * 3
      + "\n主持人：谢谢。\n护士B：我也有过同样的感觉。\n")


def _project(tmp_path, text: str, lang: str):
    src = tmp_path / "fg.txt"
    src.write_text(text, encoding="utf-8")
    path = tmp_path / "p.qualcode"
    with Project(path, create=True) as p:
        p.documents.import_files([src], lang=lang, group="GP A", actor="me")
        for name in ("Alfa", "Beta", "Gamma"):
            p.codebook.add_code(name, actor="me")
        p.codebook.add_theme("Tema", ["Alfa"], actor="me")
        turns = p.documents.units("fg", "turn")
        sentences = p.documents.units("fg", "sentence")
        long_turn, last = turns[1], turns[3]
        first_sentence = next(s for s in sentences if s.start == long_turn.start)
        p.coding.add_segment("fg", "Alfa", long_turn.start, long_turn.end, coder="me")
        p.coding.add_segment("fg", "Beta", first_sentence.start, first_sentence.end, coder="li")
        p.coding.add_segment("fg", "Alfa", last.start, last.end, coder="li")
        p.coding.add_segment("fg", "Alfa", last.start, last.end, coder="me")
        return path, p.documents.get("fg"), turns, first_sentence


def _rows(view: TranscriptView) -> list[tuple[int, int]]:
    """Every screen row of the transcript as document offsets, from Textual's own wrapping."""
    rows = []
    for line, start in enumerate(view.index.starts):
        bounds = [0, *view.wrapped_document.get_offsets(line), view.index.line_end(line) - start]
        rows += [(start + a, start + b) for a, b in zip(bounds, bounds[1:], strict=False)]
    return rows


@pytest.mark.parametrize(("text", "lang"), [(SV, "sv"), (ZH, "zh")])
async def test_stripes_follow_the_wrapped_rows_and_tell_mine_from_theirs(tmp_path, text, lang):
    path, doc, turns, first = _project(tmp_path, text, lang)
    app = make_app(path, coder="me", doc=doc.id, layer="all", unblind=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view, gutter = app.query_one(TranscriptView), app.query_one(StripeGutter)
        rows = _rows(view)[:view.scrollable_content_region.height]
        long_rows = [i for i, (a, b) in enumerate(rows) if a < turns[1].end and turns[1].start < b]
        assert len(long_rows) >= 3  # the long turn wraps
        lines = [gutter.render_line(y).text for y in range(gutter.size.height)]
        assert gutter.size.width == 2 and lines[0] == "12"  # Alfa and Beta are quick codes 1 and 2
        expected = []
        for a, b in rows:
            alfa = [s for s in ((turns[1].start, turns[1].end, MINE), (turns[3].start, turns[3].end, BOTH))
                    if s[0] < b and a < s[1]]
            beta = first.start < b and a < first.end
            cell_a = ("1" if a <= alfa[0][0] < b else alfa[0][2]) if alfa else " "
            cell_b = ("2" if a <= first.start < b else THEIRS) if beta else " "
            expected.append(cell_a + cell_b)
        assert lines[1:1 + len(rows)] == expected
        assert expected[long_rows[0]] == "12" and expected[long_rows[-1]] == MINE + " "
        legend = str(app.query_one(StripeLegend).render())
        assert "1 Alfa" in legend and "2 Beta" in legend
        await pilot.press("s")  # hidden, and the transcript takes the room back
        await pilot.pause()
        assert not gutter.display and not app.query_one(StripeLegend).display
        await pilot.press("s")
        await pilot.pause()
        assert gutter.display


async def test_stripes_scroll_with_the_transcript_and_show_turn_times(demo_path):
    from qualcode.text.snippet import clock

    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp3_sjukhuslakare")  # a WebVTT transcript
        turns = p.review.turns(doc.id)
    app = make_app(demo_path, coder="karin", doc=doc.id, layer="all", unblind=True)
    async with app.run_test(size=(120, 40)) as pilot:
        view, gutter = app.query_one(TranscriptView), app.query_one(StripeGutter)
        view.select_offsets(turns[20].start, turns[20].end)
        await pilot.pause()
        assert view.scroll_y > 0
        rows = gutter.visible_rows()
        assert rows == _rows(view)[round(view.scroll_y):round(view.scroll_y) + len(rows)]
        stamps = [gutter.render_line(y).text[:gutter.time_width].strip() for y in range(1, 1 + len(rows))]
        expected = [next((clock(t.time_start) for t in turns if a <= t.label_start < b), "") for a, b in rows]
        assert stamps == expected and sum(map(bool, stamps)) >= 3
        assert gutter.time_width == 5  # the recording is shorter than an hour: m:ss


async def test_stripes_count_the_empty_lines_between_turns(demo_path):
    """A blank line is a row of the transcript: the gutter below it must not move up a row."""
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp1_allmanlakare")  # turns separated by blank lines
        sentences = p.documents.units(doc.id, "sentence")
    app = make_app(demo_path, coder="karin", doc=doc.id, layer="all", unblind=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view, gutter = app.query_one(TranscriptView), app.query_one(StripeGutter)
        rows = gutter.visible_rows()
        assert any(a == b for a, b in rows)  # a blank line is on screen
        assert rows == _rows(view)[:len(rows)]
        view.select_offsets(sentences[3].start, sentences[3].end)  # scrolls a little
        await pilot.pause()
        rows = gutter.visible_rows()
        top = round(view.scroll_y)
        assert rows == _rows(view)[top:top + len(rows)]


async def test_memos_on_every_kind_from_the_workbench(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp1_allmanlakare")
        sentences = p.documents.units(doc.id, "sentence")
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.query_one(CodebookTree)
        tree.focus()
        await pilot.press("down")
        while not isinstance(tree.cursor_node.data, ThemeNode):
            await pilot.press("down")
        theme = tree.cursor_node.data.theme
        await pilot.press("m", *"Temat bär", "enter", *"analysen.", "ctrl+s")
        while not isinstance(tree.cursor_node.data, CodeNode):
            await pilot.press("down")
        code = tree.cursor_node.data.code
        await pilot.press("m", *"Om koden", "ctrl+s")
        await pilot.press("m")  # again: the memo is there to change
        await pilot.pause()
        assert isinstance(app.screen, MemoEditor) and app.screen.query_one("#memo-text").text == "Om koden"
        await pilot.press("end", *" (ändrad)", "ctrl+s")
        documents = app.query_one("#documents")
        documents.focus()
        documents.highlighted = next(i for i in range(documents.option_count)
                                     if documents.get_option_at_index(i).id == f"doc-{doc.id}")
        await pilot.press("m", *"Dokumentets memo", "ctrl+s")
        view = app.query_one(TranscriptView)
        view.focus()
        view.select_offsets(sentences[5].start, sentences[5].start)
        await pilot.press("m")  # none of my coding here: what to memo?
        await pilot.pause()
        assert isinstance(app.screen, ChoicePrompt)
        labels = [label for label, _ in app.screen.choices]
        speaking = next(i for i, label in enumerate(labels) if label.startswith("the participant"))
        await pilot.press(*["down"] * speaking, "enter", *"Deltagaren", "ctrl+s")
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*["down"] * labels.index("the project"), "enter", *"Projektet", "ctrl+s")
        await pilot.press("right_square_bracket", "1", "m", *"Kodningens memo", "ctrl+s")
        await pilot.press("m", "escape")  # Escape cancels: nothing changes
        await pilot.pause()
    with Project(demo_path) as p:
        mine = p.memos.list(author="tester")
        assert [(m.kind, m.text) for m in mine] == [
            ("project", "Projektet"), ("document", "Dokumentets memo"), ("code", "Om koden (ändrad)"),
            ("theme", "Temat bär\nanalysen."), ("participant", "Deltagaren"), ("segment", "Kodningens memo")]
        assert mine[1].target == doc.name and mine[2].target == code.name and mine[3].target == theme.name
        assert mine[5].start == sentences[5].start
        assert [e["action"] for e in store_of(p).events("memo.")] == ["memo.add"] * 2 + ["memo.edit"] + [
            "memo.add"] * 3


async def test_memos_screen_lists_filters_edits_and_goes_to(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp3_sjukhuslakare")
        p.memos.add("document", doc.id, "Inspelningen brusar.", author="karin")
        p.memos.add("code", "Sekretess", "Gräns mot Trygghet.", author="li")
        theme = p.codebook.themes()[2]
        karins = [m for m in p.memos.list(kind="segment") if m.author == "karin"]
        lis = [m for m in p.memos.list(kind="segment") if m.author == "li"]
        assert karins and lis
    app = make_app(demo_path, coder="karin")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("M")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MemosScreen)
        # blind: li's memos on li's coding are part of li's coding; the code memo is not
        assert [(m.kind, m.author) for m in screen.memos] == [("document", "karin"), ("code", "li")] + [
            ("segment", "karin")] * len(karins)
        await pilot.press("slash", *"kind:coding skammen", "enter")
        await pilot.pause()
        assert [m.text for m in screen.memos] == ["Skammen över den egna ilskan."]
        await pilot.press("e", "ctrl+u", *"Skam och ilska.", "ctrl+s")  # ctrl+u: the line so far goes
        await pilot.pause()
        assert [m.text for m in screen.memos] == []  # the filter's words no longer match
        await pilot.press("slash", "home", "ctrl+k", *"author:li", "enter", "e")
        await pilot.pause()
        assert any("li's to change" in str(n.message) for n in app._notifications)
        await pilot.press("slash", "home", "ctrl+k", *"kind:document", "enter", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, MemosScreen) and app.doc_id == doc.id
        app.project.memos.add("theme", theme.uid, "Om temat.", author="karin")
        await pilot.press("M", "slash", *"kind:theme", "enter", "enter")  # to the theme in the codebook
        await pilot.pause()
        tree = app.query_one(CodebookTree)
        assert tree.has_focus and tree.cursor_node.data.theme.uid == theme.uid
    with Project(demo_path) as p:
        assert "Skam och ilska." in [m.text for m in p.memos.list(author="karin")]


async def test_retrieval_reads_like_a_transcript_and_filters(demo_path):
    from qualcode.tui.retrieval import RetrievalScreen

    with Project(demo_path) as p:
        code = p.codebook.code("Sekretess")
        doc = p.documents.get("fokusgrupp3_sjukhuslakare")
        segment = next(s for s in p.coding.segments(code="Sekretess", coder="karin") if s.doc_id == doc.id)
        context = p.review.context(doc.id, segment.start, segment.end)
        everyone = p.review.retrieve(code="Sekretess")
    app = make_app(demo_path, coder="karin", layer="all", unblind=True)
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(CodebookTree.CodeChosen(code))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RetrievalScreen)
        assert [s.id for s in screen.segments] == [s.id for s, _ in everyone]
        listing = screen.query_one("#retrieval")
        i = screen.segments.index(segment)
        prompt = listing.get_option_at_index(i).prompt
        head = prompt.renderables[0].plain
        assert head.startswith(f"fokusgrupp3_sjukhuslakare · {context.speakers[0]} · turn {context.turn + 1} · 5:08")
        assert context.time == pytest.approx(308.0, abs=1)
        await pilot.press("slash", *"coder:li", "enter")
        await pilot.pause()
        assert {s.coder for s in screen.segments} == {"li"}
        await pilot.press("slash", "home", "ctrl+k", *"group:ICU", "enter")
        await pilot.pause()
        assert {c.group for c in screen.contexts} == {"ICU"} and screen.segments
        await pilot.press("slash", "home", "ctrl+k", *"specialty:psykiatri", "enter")
        await pilot.pause()
        assert all(("specialty", "psykiatri") in v.attributes for c in screen.contexts for v in c.voices[:1])
        await pilot.press("slash", "home", "ctrl+k", "enter", "s")
        await pilot.pause()
        groups = [c.group for c in screen.contexts]
        assert groups == sorted(groups) and len(groups) == len(everyone)
        await pilot.press("enter")
        await pilot.pause()
        first = screen.segments[0]
        assert app.query_one(TranscriptView).selection_offsets() == (first.start, first.end)


async def test_blind_coding_holds_in_retrieval_reconcile_and_the_choice_of_segments(demo_path):
    from qualcode.tui.reconcile import ReconcileScreen
    from qualcode.tui.retrieval import RetrievalScreen

    with Project(demo_path) as p:
        code = p.codebook.code("Sekretess")
        docs = {s.doc_id for s in p.coding.segments(coder="karin")} & {s.doc_id for s in p.coding.segments(coder="li")}
    app = make_app(demo_path, coder="karin", layer="all")
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(CodebookTree.CodeChosen(code))
        await pilot.pause()
        assert {s.coder for s in app.screen.segments} == {"karin"}  # li's hidden: nothing marked done
        await pilot.press("escape")
        app.reconcile("karin", "li")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReconcileScreen) and screen.queue == [] and screen.hidden > 0
        await pilot.press("escape")
        for doc_id in docs:
            app.open_document(doc_id)
            await pilot.press("d")
        await pilot.pause()
        app.reconcile("karin", "li")
        await pilot.pause()
        screen = app.screen
        assert screen.hidden == 0 and screen.queue
        review = app.project.review
        # an item where both coders wrote a memo on their coding: each side shows its coder's
        screen.index = next(i for i, item in enumerate(screen.queue)
                            if review.memos_in(item.doc_id, item.start, item.end, ["karin"])
                            and review.memos_in(item.doc_id, item.start, item.end, ["li"]))
        screen.show()
        item = screen.queue[screen.index]
        for side, coder in (("#codes-a", "karin"), ("#codes-b", "li")):
            shown = str(screen.query_one(side).render())
            for s in review.memos_in(item.doc_id, item.start, item.end, [coder]):
                assert s.memo in shown
        context = review.context(item.doc_id, item.start, item.end)
        assert str(screen.query_one("#reconcile-where").render()) == (
            f"{item.document} · {', '.join(context.speakers)} · turn {context.turn + 1} · sentence "
            f"{item.unit_index + 1}")
        await pilot.press("escape")
        app.post_message(CodebookTree.CodeChosen(code))
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen) and {s.coder for s in app.screen.segments} >= {"karin", "li"}


async def test_which_segment_to_remove_names_speaker_and_turn(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp3_sjukhuslakare")
        turns = p.documents.units(doc.id, "turn")
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one(TranscriptView).select_offsets(turns[1].start, turns[1].end)
        await pilot.press("1", "2", "x")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePrompt)
        labels = [label for label, _ in app.screen.choices]
        assert all(" · turn 2 · 0:23 · “Jag kan börja. Jag jobbar på…”" in label for label in labels), labels
        await pilot.press("escape")


def _player(folder, name: str = "mpv") -> None:
    script = folder / name
    script.write_text(f'#!/bin/sh\necho "$@" > "{folder}/args.txt"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


async def test_play_starts_the_player_at_the_selected_turns_time(demo_path, tmp_path, monkeypatch):
    import asyncio

    recording = demo_path.parent / "fg3.mp4"
    recording.write_bytes(b"\x00")
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp3_sjukhuslakare")
        p.media.link(doc.id, recording)
        turns = p.review.turns(doc.id)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one(TranscriptView).select_offsets(turns[3].start, turns[3].start + 5)
        await pilot.press("p")
        await pilot.pause()
        assert any("no media player found" in str(n.message) for n in app._notifications)
        _player(bin_dir)
        await pilot.press("p")
        await pilot.pause()
        for _ in range(100):
            if (bin_dir / "args.txt").exists():
                break
            await asyncio.sleep(0.02)
        assert (bin_dir / "args.txt").read_text(encoding="utf-8").split() == [
            f"--start={turns[3].time_start:.2f}", str(recording)]
        assert any(str(n.message).startswith("playing from") for n in app._notifications)


@given(st.lists(st.tuples(st.integers(0, 20_000), st.integers(1, 9_000), st.integers(0, 3), st.booleans()),
                max_size=40), st.integers(0, 25_000), st.integers(1, 3_000))
def test_stripe_index_finds_exactly_the_overlapping_segments(spans, a, width):
    stripes = [Stripe(start, start + length, code, mine) for start, length, code, mine in spans]
    b = a + width
    found = StripeIndex(stripes).overlapping(a, b)
    assert sorted(found, key=repr) == sorted((s for s in stripes if s.start < b and a < s.end), key=repr)


async def test_stripes_and_text_keep_their_rows_while_scrolling(demo_path):
    """Scrolling changes which codes are on screen; the legend under the transcript must not
    change the transcript's height with them (it did: a code on the last row showed the legend,
    which pushed that row off screen, which hid the legend…), and the gutter must mark exactly
    the rows on screen."""
    from qualcode.tui.widgets.stripes import compute_frame

    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp1_allmanlakare")
    app = make_app(demo_path, coder="karin", doc=doc.id, layer="all", unblind=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view, gutter = app.query_one(TranscriptView), app.query_one(StripeGutter)
        heights, stale = set(), []
        for top in range(0, view.wrapped_document.height - 10, 7):
            view.scroll_to(y=top, animate=False)
            for _ in range(4):
                await pilot.pause()
            heights.add(view.scrollable_content_region.height)
            rows = gutter.visible_rows()
            assert len(rows) == view.scrollable_content_region.height
            fresh = compute_frame(rows, gutter.index, gutter.columns, gutter.order, gutter.stripe_width,
                                  gutter.turn_times)
            if (fresh.cells, fresh.starts) != (gutter.frame.cells, gutter.frame.starts):
                stale.append(top)
        assert len(heights) == 1, f"the transcript's height changed while scrolling: {sorted(heights)}"
        assert stale == []


async def test_reconcile_shows_the_context_in_whole_words(demo_path):
    """The words before and after a unit in Reconcile are its turn's, cut between words ("…kunde
    sätta or" was cut inside "ord"), and marked as cut."""
    from qualcode.tui.reconcile import ReconcileScreen

    app = make_app(demo_path, coder="karin", layer="all", unblind=True)
    async with app.run_test(size=(80, 24)) as pilot:
        app.reconcile("karin", "li")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReconcileScreen) and screen.queue
        latin = lambda c: c.isalnum() and ord(c) < 0x2E80  # noqa: E731 (a letter of a spaced script)
        checked = 0
        for index, item in enumerate(screen.queue):
            screen.index = index
            screen.show()
            shown = str(screen.query_one("#reconcile-text").render())
            text = app.project.documents.get(item.doc_id).text
            words = " ".join(item.text.split())
            before, after = (part.strip() for part in shown.split(words))
            # the unit's own line (its turn) around it
            following = " ".join(text[item.end:].split("\n")[0].split())
            preceding = " ".join(text[:item.start].split("\n")[-1].split())
            tail, head = after.removesuffix("…"), before.removeprefix("…")
            assert following.startswith(tail) and preceding.endswith(head)
            if len(tail) < len(following):  # cut: between words, and said to be
                assert after.endswith("…") and not (latin(tail[-1]) and latin(following[len(tail)]))
                checked += 1
            if len(head) < len(preceding):
                assert before.startswith("…") and not (latin(head[0]) and latin(preceding[-len(head) - 1]))
        assert checked >= 3
