"""Chinese lines in the transcript break by kinsoku: no closing punctuation at a line's start,
no opening bracket at its end, every row within the width, no character lost or doubled."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from textual._cells import cell_len
from textual._wrap import compute_wrap_offsets

from qualcode.project import Project
from qualcode.tui.app import make_app
from qualcode.tui.widgets.kinsoku import NO_LINE_END, NO_LINE_START, KinsokuDocument, kinsoku_offsets
from qualcode.tui.widgets.transcript import TranscriptView

LINE = ("护士C：我想补充一点，保密这件事其实很重要。我们科室人少，谁跟哪个病人有矛盾，大家多少都知道。"
        "带领者每次开始都会重复一遍规则，一开始我觉得有点啰嗦。后来才明白，这种重复本身就是一种承诺。")


def rows(line: str, offsets: list[int]) -> list[str]:
    cuts = [0, *offsets, len(line)]
    return [line[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


def violations(parts: list[str]) -> int:
    return sum(1 for i, row in enumerate(parts) if (i and row[:1] in NO_LINE_START)
               or (i + 1 < len(parts) and row[-1:] in NO_LINE_END))


def test_textual_alone_puts_punctuation_at_line_starts_and_kinsoku_does_not():
    widths = range(8, 60)
    assert sum(violations(rows(LINE, compute_wrap_offsets(LINE, w, 4))) for w in widths) > 0  # the bug
    for width in widths:
        parts = rows(LINE, kinsoku_offsets(LINE, width, 4))
        assert violations(parts) == 0, (width, parts)
        assert "".join(parts) == LINE
        assert all(cell_len(row) <= width for row in parts), width


text = st.text(alphabet=st.sampled_from(list("我们的小组安全感保密害怕。，、？！；：」「『』（）《》“”… abc")),
               min_size=1, max_size=300)


@settings(max_examples=300, deadline=None)
@given(text, st.integers(min_value=4, max_value=50))
def test_kinsoku_keeps_every_character_and_the_width(line, width):
    offsets = kinsoku_offsets(line, width, 4)
    parts = rows(line, offsets)
    assert "".join(parts) == line
    assert offsets == sorted(set(offsets)) and all(0 < o < len(line) for o in offsets)
    assert all(cell_len(row.rstrip(" ")) <= width for row in parts)
    if all(ch < "\u3000" for ch in line):  # nothing Chinese: Textual's own breaks
        assert offsets == compute_wrap_offsets(line, width, 4)


async def test_the_transcript_view_wraps_chinese_by_kinsoku(demo_path):
    with Project(demo_path) as p:
        doc = p.documents.get("zhongliu_huli_jiaoliu")
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.query_one(TranscriptView)
        assert isinstance(view.wrapped_document, KinsokuDocument)
        wrapped = view.wrapped_document.lines  # per line of the text, its rows on screen
        assert ["".join(sections) for sections in wrapped] == doc.text.split("\n")
        assert sum(len(sections) for sections in wrapped) > len(wrapped)  # it did wrap
        assert [row for sections in wrapped for row in sections[1:] if row[:1] in NO_LINE_START] == []
        assert [row for sections in wrapped for row in sections[:-1] if row[-1:] in NO_LINE_END] == []
        # the rows moved, the offsets did not: a selection is the sentence it names
        await pilot.press("right_square_bracket", "right_square_bracket")
        start, end = view.selection_offsets()
        assert (start, end) == next((u.start, u.end) for u in app.sentences if u.index == 1)
        assert view.selected_text == doc.text[start:end]
