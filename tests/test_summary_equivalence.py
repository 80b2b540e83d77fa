"""The theme summary, rewritten for half a million segments (array operations, quotes made only
for the candidates looked at), equals the summary as it was computed one segment at a time
(tests/reference_summary.py): every count, every quote, in order, on the oracle's generated
projects and on hand-made ones with the cases arrays get wrong (empty documents, overlapping
turns, spans beyond the turns, names in quotes)."""

from __future__ import annotations

import reference_summary
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_oracle import LABELS, documents, projects

from qualcode.model import Code, Segment, Theme
from qualcode.reports.summary import DocInput, PersonInput, SegmentColumns, SummaryInput, summarize


def both(inp: SummaryInput, **options):
    return summarize(inp, "en", **options), reference_summary.summarize(inp, "en", **options)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(inp=projects(), data=st.data())
def test_the_summary_equals_the_one_segment_at_a_time_reference(inp, data):
    options = {
        "quotes": data.draw(st.integers(0, 5)),
        "groups": data.draw(st.one_of(st.none(), st.lists(st.sampled_from(["G1", "G2", "G3"]), min_size=1,
                                                          unique=True))),
        "coders": data.draw(st.one_of(st.none(), st.lists(st.sampled_from(inp.coders), min_size=1, unique=True))),
        "translation": data.draw(st.booleans()),
    }
    ours, theirs = both(inp, **options)
    assert ours == theirs
    # and from columns, as the project reads them
    inp.segments = SegmentColumns.of(inp.segments)
    assert summarize(inp, "en", **options) == theirs


@st.composite
def crowded(draw):
    """Fewer documents, more turns and many segments: queues of several participants and groups,
    exemplars among them, segments starting before the turns they quote."""
    labels = {"M": "Moderator", None: "Gäst", **LABELS}
    people = {"M": PersonInput("M", "Mod", None, ["Moderator"])}
    for key, label in LABELS.items():
        people[key] = PersonInput(key, draw(st.sampled_from([key, None])), draw(st.sampled_from([None, "G1", "G2"])),
                                  [label])
    docs = [d for _ in range(draw(st.integers(1, 3))) for d in draw(documents(labels))][:4]
    for i, d in enumerate(docs):
        d.id, d.name = i + 1, f"doc{i + 1}"
    codes = [Code(k, f"u{k}", f"c{k}", None, k, None) for k in (1, 2, 3)]
    themes = [Theme(1, "t1", "T1", 1, code_ids=[1, 2]), Theme(2, "t2", "T2", 2, code_ids=[3])]
    segments = []
    for i in range(draw(st.integers(0, 60))):
        doc = draw(st.sampled_from(docs))
        if not doc.text:
            continue
        a = draw(st.integers(0, len(doc.text) - 1))
        b = draw(st.integers(a + 1, min(len(doc.text), a + 25)))
        code = draw(st.sampled_from([1, 2, 3]))
        segments.append(Segment(i + 1, f"s{i}", doc.id, doc.name, code, f"c{code}",
                                draw(st.sampled_from(["a", "b", "b", "consensus"])),
                                a, b, "", exemplar=draw(st.integers(0, 5)) == 0,
                                translation=draw(st.sampled_from([None, "in English"]))))
    decided = draw(st.sets(st.sampled_from([d.id for d in docs])))  # reconciled, perhaps to no code
    return SummaryInput("Study", docs, people, codes, themes, segments, ["a", "b", "consensus"], consensus="consensus",
                        decided=decided)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(inp=crowded(), quotes=st.integers(1, 8), groups=st.sampled_from([None, ["G1"], ["G1", "G2"]]))
def test_crowded_projects_quote_and_count_as_the_reference(inp, quotes, groups):
    ours, theirs = both(inp, quotes=quotes, groups=groups)
    assert ours == theirs


def test_overlapping_turns_empty_documents_and_names_in_quotes():
    text = ("Moderator: Vad tänker ni?\nAnna: Jag höll med Erik. Det var svårt.\nErik: Anna har rätt. "
            "Vi pratade länge.\nGäst: Jag också.")
    turns = []
    for label, key in (("Moderator", "M"), ("Anna", "P1"), ("Erik", "P2"), ("Gäst", None)):
        at = text.index(label + ":") + len(label) + 2
        end = text.find("\n", at)
        turns.append((at, len(text) if end < 0 else end, key))
    turns.append((turns[1][0] + 4, turns[2][1], "P2"))  # a turn overlapping two others
    sentences = [(turns[1][0], turns[1][0] + 18), (turns[1][0] + 19, turns[1][1])]
    docs = [DocInput(7, "fg", "GP A", 2, text, sentences, turns), DocInput(3, "tom", None, 1, "", [], []),
            DocInput(5, "essä", "GP B", 3, "Jag skriver om Anna. Inga talare här.", [(0, 20)], [])]
    people = {"M": PersonInput("M", "Mod", None, ["Moderator"]), "P1": PersonInput("P1", "D1", "GP A", ["Anna"]),
              "P2": PersonInput("P2", "D2", None, ["Erik"], names=["Erik Ek"])}
    codes = [Code(1, "u1", "skam", None, 1, None), Code(2, "u2", "tillit", None, 2, None)]
    themes = [Theme(1, "t1", "Känslor", 1, code_ids=[1, 2]), Theme(2, "t2", "Tillit", 2, code_ids=[2])]
    spans = [(7, 0, len(text)), (7, turns[1][0], turns[2][1]), (7, 2, 12), (5, 0, 20), (5, 5, 30),
             (7, turns[2][0], turns[2][0] + 10), (7, turns[3][0], len(text))]
    segments = [Segment(i + 1, f"s{i}", doc, "x", code, "c", coder, a, b, "", exemplar=(i % 4 == 0),
                        translation="in English" if i % 3 == 0 else None)
                for i, ((doc, a, b), code, coder) in enumerate(
                    (span, code, coder) for span in spans for code in (1, 2) for coder in ("a", "b", "consensus"))
                if not (coder == "consensus" and doc == 5)]
    inp = SummaryInput("Studie", docs, people, codes, themes, segments, ["a", "b", "consensus"],
                       consensus="consensus")
    for options in ({}, {"quotes": 10}, {"groups": ["GP A"]}, {"coders": ["a"]}, {"quotes": 10, "translation": False}):
        ours, theirs = both(inp, **options)
        assert ours == theirs
        assert sum(len(t.quotes) for t in ours.themes)  # the cases above quote something
