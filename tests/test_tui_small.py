"""The small surprises of issue 13, each driven as a coder meets it: plurals, a toast that keeps
a Chinese query whole, what ] and } select after a search hit or a turn, } in a document
without speakers, the display language per coder."""

from __future__ import annotations

from qualcode.model import plural
from qualcode.project import Project
from qualcode.text.width import display_width
from qualcode.tui.app import make_app
from qualcode.tui.widgets.transcript import TranscriptView


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def test_plural():
    assert [plural(n, "segment") for n in (0, 1, 2)] == ["0 segments", "1 segment", "2 segments"]
    assert plural(1, "coding") == "1 coding" and plural(3, "match", "matches") == "3 matches"


def test_method_paragraph_counts_one_as_one(tmp_path):
    from qualcode.reports.words import method_text

    src = tmp_path / "fg.txt"
    src.write_text("Moderator: Hur var det?\nAnna: Det var tryggt.\n", encoding="utf-8")
    with Project(tmp_path / "p.qualcode", create=True) as p:
        p.documents.import_files([src], lang="sv", group="GP A", actor="t")
        p.codebook.add_code("Trygghet", actor="t")
        p.codebook.add_theme("Gruppen", ["Trygghet"], actor="t")
        sentence = p.documents.units("fg", "sentence")[1]
        p.coding.add_segment("fg", "Trygghet", sentence.start, sentence.end, coder="anna")
        english = method_text(p.reports.theme_summary("en"))
        swedish = method_text(p.reports.theme_summary("sv"))
    assert "1 transcript with" in english and "in 1 group (GP A), coded by 1 coder (anna)." in english
    assert "i 1 grupp (GP A), kodade av 1 kodare (anna)." in swedish


async def test_one_segment_is_one_segment(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp2_allmanlakare")
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(TranscriptView)
        assert view.border_subtitle.startswith("0 segments · ")
        await pilot.press("right_square_bracket", "1")
        await pilot.pause()
        assert view.border_subtitle.startswith("1 segment · 1/")


async def test_search_codes_the_hit_and_then_selects_the_sentence_holding_it(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("zhongliu_huli_jiaoliu")
        hits = p.documents.search(doc.id, "愧疚")
        sentences = p.documents.units(doc.id, "sentence")
        code3 = p.codebook.quick_codes()[2]
    holding = next(s for s in sentences if s.start <= hits[0][0] and hits[0][1] <= s.end)
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"愧疚", "enter")
        await pilot.pause()
        # the toast keeps the Chinese query whole
        assert f'{plural(len(hits), "hit")} for "愧疚" · n next' in messages(app)
        view = app.query_one(TranscriptView)
        assert view.selection_offsets() == hits[0]
        await pilot.press("3")  # codes what is selected: the hit
        await pilot.pause()
        await pilot.press("right_square_bracket")  # the sentence holding the hit, not the one after
        assert view.selection_offsets() == (holding.start, holding.end)
        await pilot.press("right_square_bracket")
        following = sentences[sentences.index(holding) + 1]
        assert view.selection_offsets() == (following.start, following.end)
        await pilot.press("left_square_bracket")
        assert view.selection_offsets() == (holding.start, holding.end)
    with Project(demo_path) as p:
        assert [(s.start, s.end, s.code) for s in p.coding.segments(coder="tester")] == [(*hits[0], code3.name)]


async def test_a_long_chinese_query_is_cut_by_width_not_by_characters(demo_path):
    query = "我们每天在病房里跑来跑去换药输液处理副作用真的很累"
    with Project(demo_path) as p:
        doc = p.documents.get("zhongliu_huli_jiaoliu")
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *query, "enter")
        await pilot.pause()
        message = messages(app)[-1]
        shown = message.split('"')[1]
        assert shown.endswith("…") and query.startswith(shown[:-1])
        assert display_width(shown) <= 20  # half the screen for the toast, less its words


async def test_turn_keys_after_a_turn_and_sentences_inside_it(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp3_sjukhuslakare")
        turns = p.documents.units(doc.id, "turn")
        sentences = p.documents.units(doc.id, "sentence")
    inside = [s for s in sentences if turns[1].start <= s.start and s.end <= turns[1].end]
    assert len(inside) > 1  # a turn of several sentences
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(TranscriptView)
        await pilot.press("right_curly_bracket", "right_curly_bracket")
        assert view.selection_offsets() == (turns[1].start, turns[1].end)
        await pilot.press("right_square_bracket")  # into the turn: its first sentence, not past it
        assert view.selection_offsets() == (inside[0].start, inside[0].end)
        await pilot.press("right_curly_bracket")  # from a sentence: the turn holding it
        assert view.selection_offsets() == (turns[1].start, turns[1].end)
        await pilot.press("right_curly_bracket")  # from the turn: the next turn
        assert view.selection_offsets() == (turns[2].start, turns[2].end)
        await pilot.press("left_curly_bracket", "left_square_bracket")  # back, and the turn's last sentence
        assert view.selection_offsets() == (inside[-1].start, inside[-1].end)


async def test_turn_keys_in_a_document_without_speakers_say_so(tmp_path):
    src = tmp_path / "essay.txt"
    src.write_text("Det var en lång dag. Vi pratade mycket.\n\nSedan gick vi hem.\n", encoding="utf-8")
    path = tmp_path / "p.qualcode"
    with Project(path, create=True) as p:
        p.documents.import_files([src], lang="sv", speakers="none")
        assert p.documents.units("essay", "turn") == []
    app = make_app(path, coder="t")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right_curly_bracket")
        await pilot.pause()
        assert "This document has no speaker turns: ] and [ select sentences." in messages(app)
        assert app.query_one(TranscriptView).selection_offsets() == (0, 0)


async def test_language_switches_and_is_remembered_per_coder(demo_path):
    from qualcode.tui.widgets.codebook import CodebookTree

    def labels(app) -> str:
        tree = app.query_one(CodebookTree)
        return " ".join(str(node.label) for node in tree.code_nodes.values())

    app = make_app(demo_path, coder="li")
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.lang == "sv" and "Sekretess" in labels(app)
        await pilot.press("L")
        await pilot.pause()
        assert app.lang == "zh" and "保密" in labels(app) and "Sekretess" not in labels(app)
    app = make_app(demo_path, coder="li")
    async with app.run_test(size=(120, 40)):
        assert app.lang == "zh"  # li reads Chinese from now on
    app = make_app(demo_path, coder="karin")
    async with app.run_test(size=(120, 40)):
        assert app.lang == "sv"  # karin still Swedish
    with Project(demo_path) as p:
        assert p.settings.display_language == "sv"  # exports keep the project's language


async def test_the_quick_codes_are_on_screen_at_80_by_24(demo_path):
    """The codebook pane lists the codes on keys 1–9 first: at 80 × 24 the themes filled it and
    the codes, with their keys, began below its last row."""
    from qualcode.tui.widgets.codebook import CodebookTree

    app = make_app(demo_path, coder="tester", unblind=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tree = app.query_one(CodebookTree)
        rows = [tree.render_line(y).text.rstrip() for y in range(tree.content_region.height)]
        quick = app.project.codebook.quick_codes()
        assert len([c for c in quick if c]) == 9
        for key, code in enumerate(quick, start=1):  # the key first: a long label is cut at its end
            assert code is None or any(f"{key} ■ {code.label(app.lang)[:8]}" in row for row in rows), (key, rows)
