"""The presence rule, once: `analysis.spans.covers`, and agreement's vectorised form agrees with it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.analysis.agreement import CodedSpan, DocumentCoding, disagreements
from qualcode.analysis.spans import coded_units, covering, covers, present_codes
from qualcode.model import Unit

CODERS, CODES = ["A", "B"], ["x", "y"]


def test_covers_needs_a_non_blank_character_of_the_unit():
    text = "Ja. \u3000 Nej."
    assert covers(text, 0, 3, 0, 3)
    assert not covers(text, 3, 6, 0, 3)  # touches the unit's end only
    assert not covers(text, 2, 6, 3, 6)  # the overlap is blank (a space and an ideographic space)
    assert covers(text, 2, 7, 3, 10)
    assert not covers(text, 5, 5, 0, 10)  # an empty span covers nothing
    assert not covers(text, -5, 0, 0, 3) and covers(text, -5, 1, 0, 3)  # clipped to the text
    spans = [CodedSpan("A", "x", 0, 3), CodedSpan("B", "y", 3, 6), CodedSpan("B", "x", 0, 12)]
    assert present_codes(text, spans, 6, 10) == {"B": {"x"}}
    assert present_codes(text, spans, 0, 3) == {"A": {"x"}, "B": {"x"}}


def test_covering_and_coded_units():
    spans = [Unit(0, 0, 4), Unit(1, 3, 8), Unit(2, 10, 12)]
    assert [u.index for u in covering(spans, 3)] == [0, 1]  # a cursor
    assert [u.index for u in covering(spans, 8, 11)] == [2]  # a selection
    assert [u.index for u in covering(spans, 4)] == [1]  # ends are open
    units = [Unit(0, 0, 5), Unit(1, 6, 9), Unit(2, 10, 20), Unit(3, 21, 30)]
    assert coded_units(units, [(4, 7), (2, 3), (25, 26)]) == 3


@st.composite
def coded_documents(draw):
    docs = []
    for n in range(draw(st.integers(1, 3))):
        text = draw(st.text(alphabet="ab \n\u3000", max_size=24))
        cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=6))))
        units = [(s, e) for s, e in zip([0, *cuts], [*cuts, len(text)], strict=True) if e > s]
        offset = st.integers(-2, len(text) + 2)
        spans = [CodedSpan(draw(st.sampled_from(CODERS)), draw(st.sampled_from(CODES)), draw(offset), draw(offset))
                 for _ in range(draw(st.integers(0, 8)))]
        docs.append(DocumentCoding(f"d{n}", text, units, spans))
    return docs


@settings(max_examples=300, deadline=None)
@given(coded_documents())
def test_agreement_marks_exactly_what_the_presence_rule_marks(docs):
    expected = set()
    for d in docs:
        for index, (start, end) in enumerate(d.units):
            present = present_codes(d.text, d.spans, start, end)
            for code in CODES:
                marked = {coder: code in present.get(coder, set()) for coder in CODERS}
                if len(set(marked.values())) > 1:
                    expected.add((d.name, index, code, tuple(marked.items())))
    found = {(x.document, x.unit_index, x.code, tuple(x.coders.items()))
             for x in disagreements(docs, CODERS, "sentence", CODES)}
    assert found == expected
