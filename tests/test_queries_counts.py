"""Matrices, co-occurrence, word frequencies and autocoding plans against naive recounts."""

from __future__ import annotations

import json
import math
from collections import Counter
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.analysis.attribution import MODERATOR, Speech
from qualcode.analysis.autocode import plan_autocode
from qualcode.analysis.cooccurrence import cooccurrence
from qualcode.analysis.frequencies import chi2_p, log_likelihood, word_frequencies
from qualcode.analysis.matrix import crosstab
from qualcode.analysis.selection import choose_coding
from qualcode.model import DocRef, Participant

LABELS = ["Moderator", "D1", "D2", "主持人", "A"]
KEYS = [None, "P1", "P2", "P3", "P4"]
WHOLE = "whole document"
NOBODY = "a speaker linked to no participant"


@st.composite
def corpora(draw, max_segments=12):
    """Small projects: documents with or without turns (labels, moderators, text outside turns),
    participants with groups and an attribute, segments by two coders with three codes."""
    people = {k: Participant(i, k, k, None, {a: v for a, v in (("group", draw(st.sampled_from([None, "A", "B"]))),
                                                                ("city", draw(st.sampled_from([None, "X", "Y"]))))
                                                if v is not None})
              for i, k in enumerate(KEYS[1:])}
    docs, turns, speakers, lengths = [], [], [], {}
    for d in range(1, draw(st.integers(1, 3)) + 1):
        docs.append(DocRef(d, f"doc{d}", "sv", draw(st.sampled_from([None, "A", "C"])), d))
        pos = 0
        mine = {}
        for _ in range(draw(st.integers(0, 4))):
            label = draw(st.sampled_from(LABELS))
            if label not in mine:
                mine[label] = len(speakers) + 1
                speakers.append((mine[label], label, draw(st.sampled_from(KEYS))))
            label_start = pos + draw(st.integers(0, 3))
            start = label_start + draw(st.integers(1, 3))
            end = start + draw(st.integers(1, 8))
            turns.append((d, start, end, mine[label]))
            pos = end
        lengths[d] = pos + draw(st.integers(1, 4))
    segments = []
    for i in range(draw(st.integers(0, max_segments))):
        d = draw(st.sampled_from([doc.id for doc in docs]))
        start = draw(st.integers(0, lengths[d] - 1))
        end = draw(st.integers(start + 1, lengths[d]))
        segments.append((i + 1, d, draw(st.integers(1, 3)), draw(st.integers(1, 2)), start, end))
    linked = {k for _, _, k in speakers if k}
    speech = Speech(docs, turns, speakers, [p for k, p in people.items() if k in linked])
    return speech, np.array(segments, dtype=np.int64).reshape(-1, 6), lengths


def naive_covered(speech: Speech, doc: int, start: int, end: int) -> set:
    """Participants whose speech [start, end) covers (methods.md R1, R4): NOBODY for a speaker
    linked to no participant, WHOLE in a document without turns."""
    turns = [t for t in speech.turns if t[0] == doc]
    if not turns:
        return {WHOLE}
    label = {sid: (lab, key) for sid, lab, key in speech.speakers}
    moderators = {key for _, lab, key in speech.speakers if key and MODERATOR.match(lab)}
    found = set()
    for _, s, e, sid in turns:
        lab, key = label[sid]
        if s < end and start < e and (key is None or key not in moderators):  # only participants moderate
            found.add(key or NOBODY)
    return found


def naive_columns(speech: Speech, cols: str, doc: int, who) -> set:
    person = {p.key: p for p in speech.people}
    group = {d.id: d.group for d in speech.docs}
    name = {d.id: d.name for d in speech.docs}
    if cols == "document":
        return {name[doc]}
    if who in (WHOLE, NOBODY):
        return {group[doc]} if cols == "group" else set()
    if cols == "participant":
        return {who}
    if cols == "group":
        return {person[who].attributes.get("group") or group[doc]}
    return {person[who].attributes.get(cols)}


ROWS = [("c1", [1]), ("c2", [2]), ("c3", [3]), ("theme", [1, 2])]


@settings(max_examples=250, deadline=None)
@given(corpus=corpora(), cols=st.sampled_from(["document", "participant", "group", "city"]),
       cells=st.sampled_from(["segments", "participants", "documents"]))
def test_matrix_equals_naive_recount(corpus, cols, cells):
    speech, spans, _ = corpus
    if cols == "city" and not any("city" in p.attributes for p in speech.people):
        return
    m = crosstab(spans, speech, ROWS, cols, cells)
    expected: dict[tuple[int, object], set] = {}
    for _, doc, code, _, start, end in spans.tolist():
        for who in naive_covered(speech, doc, start, end):
            if cells == "participants" and who in (WHOLE, NOBODY):
                continue
            item = {"segments": (doc, start, end), "participants": who, "documents": doc}[cells]
            for r, (_, codes) in enumerate(ROWS):
                if code in codes:
                    for col in naive_columns(speech, cols, doc, who):
                        expected.setdefault((r, col), set()).add(item)
    found = {(r, col): n for r in range(len(ROWS)) for col, n in zip(m.cols, m.cells[r], strict=True) if n}
    assert found == {k: len(v) for k, v in expected.items()}
    for r in range(len(ROWS)):
        assert m.row_totals[r] == len(set().union(*[v for (row, _), v in expected.items() if row == r]))
    for c, col in enumerate(m.cols):
        assert m.col_totals[c] == len(set().union(*[v for (_, k), v in expected.items() if k == col]))
    assert m.total == len(set().union(*expected.values()))
    # the drill-down gives the segments behind each cell, which make exactly its items
    for r in range(len(ROWS)):
        for c, col in enumerate(m.cols):
            behind = m.segments(r, c)
            assert all(s.code_id in ROWS[r][1] for s in behind)
            if cells == "segments":
                assert {(s.doc_id, s.start, s.end) for s in behind} == expected.get((r, col), set())


def test_matrix_hand_case():
    """A segment over a moderator's question and two participants' answers, in two groups."""
    docs = [DocRef(1, "fg1", "sv", "GP", 1), DocRef(2, "notes", "sv", "GP", 2)]
    speakers = [(1, "Moderator", "fg1/Moderator"), (2, "D1", "P1"), (3, "D2", "P2")]
    turns = [(1, 11, 30, 1), (1, 35, 60, 2), (1, 65, 90, 3)]
    people = [Participant(1, "m", "fg1/Moderator", None, {}), Participant(2, "a", "P1", "Anna", {"group": "GP A"}),
              Participant(3, "b", "P2", None, {"group": "GP B"})]
    spans = np.array([
        (1, 1, 7, 1, 20, 70),  # moderator, P1 and P2: counts for P1 (GP A) and P2 (GP B)
        (2, 1, 7, 2, 20, 70),  # the same span by a second coder: the same segment
        (3, 1, 7, 1, 12, 25),  # the moderator alone: no evidence
        (4, 1, 7, 1, 0, 5),  # the title, outside turns: no evidence
        (5, 2, 7, 1, 0, 9),  # a document without turns: counts for its group
        (6, 1, 8, 1, 40, 50),  # another code, P1
    ])
    speech = Speech(docs, turns, speakers, people)
    m = crosstab(spans, speech, [("Skuld", [7]), ("Skam", [8]), ("Tema", [7, 8])], "group")
    assert m.cols == ["GP", "GP A", "GP B"]
    assert m.cells == [[1, 1, 1], [0, 1, 0], [1, 2, 1]]
    assert m.row_totals == [2, 1, 3]  # distinct segments, not the sum of the cells (3, 1, 4)
    assert m.col_totals == [1, 2, 1]
    assert m.total == 3
    assert [s.id for s in m.segments(0, 1)] == [1, 2]
    people_m = crosstab(spans, speech, [("Skuld", [7]), ("Skam", [8])], "participant", "participants")
    assert people_m.cols == ["Anna", "P2"] and people_m.cells == [[1, 1], [1, 0]] and people_m.col_totals == [1, 1]
    assert crosstab(spans, speech, [("Skuld", [7])], "document", "documents").cells == [[1, 1]]
    with pytest.raises(Exception, match="no participant attribute 'city'"):
        crosstab(spans, speech, [("Skuld", [7])], "city")
    # a speaker linked to no participant is evidence of an unidentified speaker (R1): counted for
    # the document and its group, never as a participant
    unlinked = Speech(docs, turns, [(1, "Moderator", "fg1/Moderator"), (2, "D1", None), (3, "D2", "P2")], people)
    assert crosstab(spans[:1], unlinked, [("Skuld", [7])], "group").cells == [[1, 1]]  # GP (D1's), GP B (D2)
    assert crosstab(spans[:1], unlinked, [("Skuld", [7])], "participant", "participants").cells == [[1]]


def test_choose_coding_prefers_the_consensus_where_made():
    spans = np.array([(1, 1, 1, 1, 0, 5), (2, 1, 1, 9, 0, 5), (3, 2, 1, 1, 0, 5)])
    assert choose_coding(spans, 9)[:, 0].tolist() == [2, 3]
    assert choose_coding(spans, None)[:, 0].tolist() == [1, 2, 3]
    assert choose_coding(spans, 4)[:, 0].tolist() == [1, 2, 3]


# --- co-occurrence ------------------------------------------------------------------------------


def units_of(speech: Speech, lengths, unit):
    if unit == "turn":
        units = {}
        for d, s, e, _ in speech.turns:
            units.setdefault(d, []).append((s, e))
        return units
    return {d: [(i, i + 3) for i in range(0, n, 4)] for d, n in lengths.items()}  # sentences of 3


@settings(max_examples=250, deadline=None)
@given(corpus=corpora(max_segments=14), unit=st.sampled_from(["overlap", "sentence", "turn", "document"]))
def test_cooccurrence_equals_pairwise_loops(corpus, unit):
    speech, spans, lengths = corpus
    units = units_of(speech, lengths, unit)
    rows = np.array([(d, s, e) for d in sorted(units) for s, e in units[d]], dtype=np.int64).reshape(-1, 3)
    result = cooccurrence(spans, unit, rows, order=[3, 2, 1])
    distinct = {(d, c, s, e) for _, d, c, _, s, e in spans.tolist()}
    codes = sorted({c for _, c, _, _ in distinct})
    expected = {}
    if unit == "overlap":
        chars = {c: {(d, i) for d, k, s, e in distinct if k == c for i in range(s, e)} for c in codes}
        for a, b in combinations(codes, 2):
            n = sum(1 for x in distinct for y in distinct
                    if x[1] == a and y[1] == b and x[0] == y[0] and x[2] < y[3] and y[2] < x[3])
            if n:
                expected[(b, a)] = (n, len(chars[a] & chars[b]) / len(chars[a] | chars[b]))
        totals = Counter(c for _, c, _, _ in distinct)
    else:
        present = {c: set() for c in codes}
        for d, c, s, e in distinct:
            if unit == "document":
                present[c].add((d, 0))
            for i, (us, ue) in enumerate(units.get(d, []) if unit != "document" else []):
                if us < e and s < ue:
                    present[c].add((d, i))
        for a, b in combinations(codes, 2):
            n = len(present[a] & present[b])
            if n:
                expected[(b, a)] = (n, n / len(present[a] | present[b]))
        totals = {c: len(v) for c, v in present.items() if v}
    got = {(p.a, p.b): (p.count, p.jaccard) for p in result.pairs}
    assert got.keys() == expected.keys()
    for pair, (count, jaccard) in got.items():
        assert count == expected[pair][0] and jaccard == pytest.approx(expected[pair][1])
    assert result.totals == dict(totals)
    assert [p.count for p in result.pairs] == sorted((p.count for p in result.pairs), reverse=True)


def test_cooccurrence_hand_case():
    # code 1 on [0,10) twice (two coders: one segment), code 2 on [5,15) and [8,9): two pairs
    spans = np.array([(1, 1, 1, 1, 0, 10), (2, 1, 1, 2, 0, 10), (3, 1, 2, 1, 5, 15), (4, 1, 2, 1, 8, 9),
                      (5, 1, 3, 1, 20, 30)])
    over = cooccurrence(spans, "overlap", order=[1, 2, 3])
    assert [(p.a, p.b, p.count) for p in over.pairs] == [(1, 2, 2)]
    assert over.pairs[0].jaccard == pytest.approx(5 / 15)  # chars 5..9 shared, 0..14 coded
    assert over.totals == {1: 1, 2: 2, 3: 1}
    sentences = np.array([(1, 0, 6), (1, 7, 12), (1, 13, 25), (1, 26, 30)])
    by_sentence = cooccurrence(spans, "sentence", sentences, order=[1, 2, 3])
    assert [(p.a, p.b, p.count, p.jaccard) for p in by_sentence.pairs] == [(1, 2, 2, 2 / 3), (2, 3, 1, 1 / 4)]


# --- word frequencies ---------------------------------------------------------------------------


@st.composite
def token_corpora(draw):
    speech, _, lengths = draw(corpora(max_segments=0))
    tokens = []
    for d, n in lengths.items():
        pos = 0
        while pos < n - 1:
            length = draw(st.integers(1, 2))
            if pos + length > n:
                break
            tokens.append((d, pos, pos + length, draw(st.sampled_from(["vård", "tre", "42", "och", "skam", "护士"]))))
            pos += length + draw(st.integers(0, 2))
    return speech, tokens


@settings(max_examples=200, deadline=None)
@given(corpus=token_corpora(), by=st.sampled_from([None, "document", "participant", "group", "city"]))
def test_word_frequencies_equal_a_counter(corpus, by):
    speech, tokens = corpus
    if by == "city" and not any("city" in p.attributes for p in speech.people):
        return
    postings: dict[tuple[str, int], list[int]] = {}
    for d, s, e, key in tokens:
        postings.setdefault((key, d), []).extend([s, e])
    rows = [(key, d, json.dumps(flat)) for (key, d), flat in postings.items()]
    table = word_frequencies(rows, speech, by=by, is_stop=lambda w: w == "och",
                             is_number=lambda w, lang: w == "tre")
    counted = Counter()
    per_col = Counter()
    for d, s, e, key in tokens:
        whos = naive_covered(speech, d, s, e)
        if not whos or key in ("tre", "42"):
            continue
        (who,) = whos  # a token lies in one turn
        counted[key] += 1
        if by is not None:
            for col in naive_columns(speech, by, d, who):
                per_col[(key, col)] += 1
    total = sum(counted.values())
    assert table.tokens == total
    assert {w.word: w.count for w in table.words} == {k: n for k, n in counted.items() if k != "och"}
    for w in table.words:
        assert w.per_10k == pytest.approx(w.count / total * 10_000)
        assert {c: n for c, n in w.by.items() if n} == {c: n for (k, c), n in per_col.items() if k == w.word}
        assert set(w.by) == set(table.cols)


def test_log_likelihood_by_hand():
    # 10 of 100 tokens against 5 of 200: E = 5 and 10, G² = 2(10 ln 2 + 5 ln ½) = 10 ln 2
    assert log_likelihood(10, 5, 100, 200) == pytest.approx(10 * math.log(2))
    assert log_likelihood(5, 10, 200, 100) == pytest.approx(-10 * math.log(2))
    assert log_likelihood(0, 7, 50, 50) == pytest.approx(-2 * 7 * math.log(2))
    assert chi2_p(3.841458820694124) == pytest.approx(0.05)


def test_keyness_of_a_group():
    docs = [DocRef(1, "a", "sv", "GP", 1), DocRef(2, "b", "sv", "ST", 2)]
    speech = Speech(docs, [], [], [])
    rows = [("skam", 1, json.dumps([0, 4] * 10)), ("skam", 2, json.dumps([0, 4] * 5)),
            ("vård", 1, json.dumps([5, 9] * 90)), ("vård", 2, json.dumps([5, 9] * 195))]
    table = word_frequencies(rows, speech, by="group", keyness="GP")
    assert [(w.word, w.by) for w in table.words] == [("skam", {"GP": 10, "ST": 5}), ("vård", {"GP": 90, "ST": 195})]
    assert table.words[0].keyness == pytest.approx(log_likelihood(10, 5, 100, 200))
    assert table.words[0].keyness > 0 > table.words[1].keyness
    assert table.col_tokens == [100, 200]


# --- autocoding ---------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(data=st.data(), unit=st.sampled_from(["hit", "sentence", "turn"]))
def test_autocode_plan_equals_naive(data, unit):
    units = {1: [(0, 5), (6, 12), (14, 20)], 2: [(3, 9)]}
    span = st.tuples(st.sampled_from([1, 2]), st.integers(0, 19)).flatmap(
        lambda ds: st.tuples(st.just(ds[0]), st.just(ds[1]), st.integers(ds[1] + 1, 20)))
    hits = data.draw(st.lists(span, max_size=8))
    existing = data.draw(st.lists(span, max_size=4))
    plan = plan_autocode(hits, unit, units, existing)
    wanted, outside = set(), 0
    for d, s, e in hits:
        if unit == "hit":
            wanted.add((d, s, e))
            continue
        found = [(d, us, ue) for us, ue in units[d] if us < e and s < ue]
        wanted |= set(found)
        outside += not found
    skipped = {w for w in wanted if any(x[0] == w[0] and x[1] <= w[1] and w[2] <= x[2] for x in existing)}
    assert plan.spans == sorted(wanted - skipped)
    assert (plan.hits, plan.units, plan.already_coded, plan.outside) == (len(hits), len(wanted), len(skipped),
                                                                         outside)


@settings(max_examples=250, deadline=None)
@given(corpus=corpora(max_segments=15), data=st.data())
def test_attribution_equals_the_summarys_evidence(corpus, data):
    """The bulk rule (analysis.attribution) and the summary's (reports.evidence) attribute every
    segment to the same speakers, on texts as the app keeps them: turns' speech trimmed, no
    segment of white space alone."""
    from qualcode.analysis.attribution import UNIDENTIFIED, WHOLE_DOCUMENT, covered_participants, speaker_owners
    from qualcode.analysis.columns import JoinedTexts
    from qualcode.reports.evidence import Evidence

    speech, spans, lengths = corpus
    people = sorted(speech.people, key=lambda p: p.key)
    number = {p.key: i for i, p in enumerate(people)}
    label_of = {sid: (label, key) for sid, label, key in speech.speakers}
    moderators = {key for _, label, key in speech.speakers if key and MODERATOR.match(label)}
    texts, turns_of = {}, []
    for doc in speech.docs:
        turns = [t for t in speech.turns if t[0] == doc.id]
        edges = {x for _, s, e, _ in turns for x in (s, e - 1)}
        texts[doc.id] = "".join(" " if i not in edges and data.draw(st.booleans()) else "x"
                                for i in range(lengths[doc.id]))
        turns_of.append([(s, e, label_of[sid][1]) for _, s, e, sid in turns])
    evidence = Evidence(JoinedTexts([texts[d.id] for d in speech.docs]), turns_of, [d.group for d in speech.docs],
                        lambda key: key in moderators, lambda key: None)
    place = {d.id: i for i, d in enumerate(speech.docs)}
    spans = np.array([s for s in spans.tolist() if not texts[s[1]][s[4]:s[5]].isspace()], dtype=np.int64)
    spans = spans.reshape(-1, 6)
    turns = np.array(speech.turns, dtype=np.int64).reshape(-1, 4)
    rows, who = covered_participants(spans[:, 1], spans[:, 4], spans[:, 5], turns, speaker_owners(speech.speakers,
                                                                                                  number))
    ours = {(int(r), None if w in (UNIDENTIFIED, WHOLE_DOCUMENT) else people[w].key)
            for r, w in zip(rows.tolist(), who.tolist(), strict=True)}
    theirs = {(r, piece.speech.person) for r, (_, d, _, _, s, e) in enumerate(spans.tolist())
              for piece in evidence.pieces_of(place[d], s, e)}
    assert ours == theirs
