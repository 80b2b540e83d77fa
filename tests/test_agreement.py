"""Intercoder agreement: exact tables, κ, α, presence, overlap and disagreements."""

from __future__ import annotations

import json
from itertools import combinations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.inter_rater import fleiss_kappa

from qualcode.analysis.agreement import (
    CodedSpan,
    Disagreement,
    DocumentCoding,
    compute_agreement,
    disagreements,
)


def hand_kappa(n11, n10, n01, n00):
    """Cohen's κ straight from the definition, in floats."""
    n = n11 + n10 + n01 + n00
    po = (n11 + n00) / n
    pa, pb = (n11 + n10) / n, (n11 + n01) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return (po - pe) / (1 - pe)


def table(entry, a="A", b="B"):
    return entry["both"], entry["only"][a], entry["only"][b], entry["neither"]


def sentences(*parts: str) -> tuple[str, list[tuple[int, int]]]:
    """Text of sentences joined by single spaces, and their units."""
    units, pos = [], 0
    for part in parts:
        units.append((pos, pos + len(part)))
        pos += len(part) + 1
    return " ".join(parts), units


# -- NVivo's worked example ------------------------------------------------------------------------

def nvivo(name="d"):
    """1,000 characters; A codes the first 150, B characters 100 to 200."""
    return DocumentCoding(name, "x" * 1000, [],
                          [CodedSpan("A", "c", 0, 150), CodedSpan("B", "c", 100, 200)])


def test_nvivo_worked_example():
    out = compute_agreement([nvivo()], ["A", "B"], unit="char").to_json()
    (code,) = out["codes"]
    assert (code["units"], *table(code)) == (1000, 50, 100, 50, 800)
    assert code["percent"] == 0.85
    po, pa, pb = 0.85, 0.15, 0.10
    pe = pa * pb + (1 - pa) * (1 - pb)
    assert pe == pytest.approx(0.78)
    assert code["kappa"] == pytest.approx((po - pe) / (1 - pe)) == pytest.approx(7 / 22)
    assert round(code["kappa"], 3) == 0.318
    a = np.zeros(1000)
    a[:150] = 1
    b = np.zeros(1000)
    b[100:200] = 1
    expected = krippendorff.alpha(reliability_data=np.stack([a, b]), level_of_measurement="nominal")
    assert code["alpha"] == pytest.approx(expected, rel=1e-12)
    assert round(code["alpha"], 3) == 0.315
    assert code["undefined"] is None
    assert out["overall"]["pooled_kappa"] == pytest.approx(7 / 22)
    assert out["overall"]["mean_kappa"] == pytest.approx(7 / 22)
    assert out["overall"]["alpha"] == pytest.approx(expected, rel=1e-12)
    assert out["overall"]["percent"] == 0.85


def test_json_shape():
    out = compute_agreement([nvivo("doc1")], ["A", "B"], unit="char").to_json()
    json.dumps(out)  # plain JSON all the way down
    assert {"unit", "coders", "documents", "codes", "overall", "pairs", "presence",
            "overlap"} <= set(out)
    assert (out["unit"], out["coders"], out["documents"]) == ("char", ["A", "B"], ["doc1"])
    assert {"code", "units", "both", "only", "neither", "percent", "kappa", "alpha",
            "undefined", "pairs"} <= set(out["codes"][0])
    assert {"pooled_kappa", "mean_kappa", "alpha", "percent",
            "presence_percent"} <= set(out["overall"])
    assert out["codes"][0]["pairs"][0]["coders"] == ["A", "B"]
    assert {"threshold", "codes", "matched"} <= set(out["overlap"])
    assert out["overlap"]["threshold"] == 0.9


# -- more than two coders --------------------------------------------------------------------------

def three_coders():
    text, units = sentences("S0.", "S1.", "S2.", "S3.", "S4.", "S5.")
    spans = [CodedSpan("A", "x", 0, 11), CodedSpan("B", "x", 4, 15), CodedSpan("C", "x", 0, 19),
             CodedSpan("A", "y", 20, 23), CodedSpan("B", "y", 20, 23)]
    return DocumentCoding("d", text, units, spans)


def test_three_coders_alpha_and_pairwise_kappa():
    out = compute_agreement([three_coders()], ["A", "B", "C"]).to_json()
    x, y = out["codes"]
    assert (x["code"], y["code"]) == ("x", "y")
    rows = {"x": [[1, 1, 1, 0, 0, 0], [0, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 0]],
            "y": [[0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0]]}
    for entry in (x, y):
        data = np.array(rows[entry["code"]], float)
        assert entry["alpha"] == pytest.approx(
            krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), rel=1e-12)
    everything = np.concatenate([np.array(rows["x"], float), np.array(rows["y"], float)], axis=1)
    assert out["overall"]["alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=everything, level_of_measurement="nominal"), rel=1e-12)

    expected = {"x": {("A", "B"): (2, 1, 1, 2), ("A", "C"): (3, 0, 2, 1), ("B", "C"): (3, 0, 2, 1)},
                "y": {("A", "B"): (1, 0, 0, 5), ("A", "C"): (0, 1, 0, 5), ("B", "C"): (0, 1, 0, 5)}}
    for entry in (x, y):
        pairs = entry["pairs"]
        assert [tuple(p["coders"]) for p in pairs] == [("A", "B"), ("A", "C"), ("B", "C")]
        for p in pairs:
            counts = expected[entry["code"]][tuple(p["coders"])]
            assert table(p, *p["coders"]) == counts
            assert p["kappa"] == pytest.approx(hand_kappa(*counts))
            assert p["percent"] == (counts[0] + counts[3]) / 6
        # the row's own cells and statistics come from all three coders (docs/methods.md A3–A4):
        # Fleiss' κ, and percent = the mean of the pairwise percentages (Fleiss' P̄)
        data = np.array(rows[entry["code"]])
        assert entry["marked_by"] == np.bincount(data.sum(axis=0), minlength=4).tolist()
        assert table(entry, "A", "B") == (int(np.all(data, axis=0).sum()), *(
            int((data[i] & (data.sum(axis=0) == 1)).sum()) for i in (0, 1)), int((~data.any(axis=0)).sum()))
        counts = np.stack([3 - data.sum(axis=0), data.sum(axis=0)], axis=1)
        assert entry["kappa"] == pytest.approx(fleiss_kappa(counts, method="fleiss"), abs=1e-12)
        assert entry["percent"] == pytest.approx(np.mean([p["percent"] for p in pairs]))
    assert y["kappa"] == 7 / 16  # Fleiss: p = 1/9, P̄ = 8/9, P̄ₑ = 65/81

    # pooled per pair over both codes (Cohen's κ of each pair's summed table); the overall pooled
    # κ is Fleiss' κ over all twelve (code, unit) columns
    pooled = {tuple(p["coders"]): p for p in out["pairs"]}
    assert table(pooled[("A", "B")]) == (3, 1, 1, 7)
    assert pooled[("A", "C")]["pooled_kappa"] == pytest.approx(hand_kappa(3, 1, 2, 6))
    ones = everything.sum(axis=0)
    assert out["overall"]["pooled_kappa"] == pytest.approx(
        fleiss_kappa(np.stack([3 - ones, ones], axis=1), method="fleiss"), abs=1e-12)
    assert out["overall"]["mean_kappa"] == pytest.approx((x["kappa"] + y["kappa"]) / 2)
    assert out["overall"]["percent"] == pytest.approx((4 + 4 + 4 + 6 + 5 + 5) / 36)


# -- undefined statistics --------------------------------------------------------------------------

def test_kappa_undefined_when_both_coders_coded_every_unit():
    text, units = sentences("One.", "Two.")
    doc = DocumentCoding("d", text, units, [CodedSpan("A", "c", 0, 9), CodedSpan("B", "c", 0, 9)])
    (code,) = compute_agreement([doc], ["A", "B"]).to_json()["codes"]
    assert code["percent"] == 1.0
    assert code["kappa"] is None and code["alpha"] is None
    assert "kappa undefined: both coders marked every unit" in code["undefined"]
    assert "alpha undefined" in code["undefined"]


def test_kappa_undefined_when_nobody_used_the_code():
    text, units = sentences("One.", "Two.")
    doc = DocumentCoding("d", text, units, [CodedSpan("A", "c", 0, 4)])
    out = compute_agreement([doc], ["A", "B"], codes=["c", "unused"]).to_json()
    unused = out["codes"][1]
    assert unused["code"] == "unused" and table(unused) == (0, 0, 0, 2)
    assert unused["kappa"] is None and unused["alpha"] is None
    assert "kappa undefined: neither coder marked any unit with this code" in unused["undefined"]
    assert "alpha undefined: all coders agree on a single value" in unused["undefined"]
    assert out["overall"]["mean_kappa"] == out["codes"][0]["kappa"]  # only defined ones count


@pytest.mark.parametrize("documents", [
    [],
    [DocumentCoding("empty", "", [], [])],
    [DocumentCoding("blank", "   \n ", [(0, 3)], [CodedSpan("A", "c", 0, 3)])],
])
@pytest.mark.parametrize("unit", ["sentence", "char"])
def test_no_units_no_crash(documents, unit):
    out = compute_agreement(documents, ["A", "B", "C"], unit=unit).to_json()
    json.dumps(out)
    for code in out["codes"]:
        assert code["kappa"] is None and code["alpha"] is None and code["undefined"]
    assert out["overall"]["pooled_kappa"] is None
    assert out["overall"]["alpha"] is None
    assert out["overall"]["undefined"]
    assert disagreements(documents, ["A", "B"], unit=unit) == []


def test_bad_arguments():
    doc = three_coders()
    with pytest.raises(ValueError):
        compute_agreement([doc], ["A"])
    with pytest.raises(ValueError):
        compute_agreement([doc], ["A", "B"], unit="word")
    with pytest.raises(ValueError):
        compute_agreement([doc], ["A", "B"], overlap=0)
    nested = DocumentCoding("n", "abc def", [(0, 7), (2, 5)], [])
    with pytest.raises(ValueError, match="nest"):
        compute_agreement([nested], ["A", "B"])
    # overlapping units, or one sharing an edge with another, are fine
    shared = DocumentCoding("s", "abc def", [(0, 7), (0, 3), (4, 7)],
                            [CodedSpan("A", "x", 5, 6)])
    assert table(compute_agreement([shared], ["A", "B"]).to_json()["codes"][0]) == (0, 2, 0, 1)


# -- units and whitespace --------------------------------------------------------------------------

def test_whitespace_never_makes_a_unit_present():
    text, units = sentences("Hello there.", "Bye now.   ")
    # the space between the sentences; the trailing spaces inside the second unit
    spans = [CodedSpan("A", "gap", 12, 13), CodedSpan("A", "tail", 21, 24),
             CodedSpan("A", "edge", 11, 14)]  # "." + space + "B": touches both sentences
    out = compute_agreement([DocumentCoding("d", text, units, spans)], ["A", "B"]).to_json()
    codes = {c["code"]: c for c in out["codes"]}
    assert table(codes["gap"]) == (0, 0, 0, 2)
    assert table(codes["tail"]) == (0, 0, 0, 2)
    assert table(codes["edge"]) == (0, 2, 0, 0)
    presence = {p["code"]: p["coders"] for p in out["presence"]}
    assert presence["gap"] == {"A": False, "B": False}  # no text coded, so not used
    assert presence["edge"] == {"A": True, "B": False}


def test_char_units_skip_whitespace():
    doc = DocumentCoding("d", "ab cd\n", [], [CodedSpan("A", "c", 0, 6)])
    (code,) = compute_agreement([doc], ["A", "B"], unit="char").to_json()["codes"]
    assert code["units"] == 4 and table(code) == (0, 4, 0, 0)


def test_offsets_are_code_points():
    text = "😀 ab\u3000我们"  # an emoji is one character; U+3000 is whitespace
    spans = [CodedSpan("A", "c", 0, 1), CodedSpan("B", "c", 4, 5), CodedSpan("B", "c", 5, 6)]
    doc = DocumentCoding("d", text, [(0, 1), (2, 4), (5, 7)], spans)
    (code,) = compute_agreement([doc], ["A", "B"]).to_json()["codes"]
    assert table(code) == (0, 1, 1, 1)
    (char,) = compute_agreement([doc], ["A", "B"], unit="char").to_json()["codes"]
    assert (char["units"], *table(char)) == (5, 0, 1, 1, 3)
    assert [d.text for d in disagreements([doc], ["A", "B"], unit="char")] == ["😀", "我"]


def test_turn_units_work_like_sentences():
    doc = three_coders()
    turn = compute_agreement([doc], ["A", "B"], unit="turn").to_json()
    sentence = compute_agreement([doc], ["A", "B"], unit="sentence").to_json()
    assert turn["codes"] == sentence["codes"]


def test_units_out_of_order_and_offsets_out_of_range():
    text, units = sentences("S0.", "S1.", "S2.")
    spans = [CodedSpan("A", "x", -5, 3), CodedSpan("B", "x", 8, 99), CodedSpan("B", "x", 3, 1)]
    doc = DocumentCoding("d", text, units[::-1], spans)
    out = compute_agreement([doc], ["A", "B"]).to_json()
    assert table(out["codes"][0]) == (0, 1, 1, 1)
    found = disagreements([doc], ["A", "B"])
    assert [(d.unit_index, d.text) for d in found] == [(2, "S0."), (0, "S2.")]


# -- codes, presence, overlap ----------------------------------------------------------------------

def test_codes_filter_and_default():
    text, units = sentences("S0.", "S1.")
    spans = [CodedSpan("A", "b", 0, 3), CodedSpan("B", "a", 4, 7), CodedSpan("Z", "z", 0, 7)]
    doc = DocumentCoding("d", text, units, spans)
    default = compute_agreement([doc], ["A", "B"]).to_json()
    assert [c["code"] for c in default["codes"]] == ["a", "b"]  # sorted; Z is not compared
    only = compute_agreement([doc], ["A", "B"], codes=["b"]).to_json()
    assert [c["code"] for c in only["codes"]] == ["b"]
    assert table(only["codes"][0]) == (0, 1, 0, 1)
    assert only["overall"]["pooled_kappa"] == only["codes"][0]["kappa"]
    assert {p["code"] for p in only["presence"]} == {"b"}
    assert only["overlap"]["matched"] == 0 and only["overlap"]["only"] == {"A": 1, "B": 0}


def test_presence_per_document():
    text, units = sentences("S0.", "S1.")
    d1 = DocumentCoding("d1", text, units, [CodedSpan("A", "x", 0, 3)])
    d2 = DocumentCoding("d2", text, units, [CodedSpan("A", "x", 0, 3), CodedSpan("B", "x", 4, 7),
                                            CodedSpan("B", "y", 0, 3)])
    out = compute_agreement([d1, d2], ["A", "B"]).to_json()
    assert out["documents"] == ["d1", "d2"]
    assert out["presence"] == [
        {"document": "d1", "code": "x", "coders": {"A": True, "B": False}, "agree": False},
        {"document": "d1", "code": "y", "coders": {"A": False, "B": False}, "agree": True},
        {"document": "d2", "code": "x", "coders": {"A": True, "B": True}, "agree": True},
        {"document": "d2", "code": "y", "coders": {"A": False, "B": True}, "agree": False},
    ]
    assert out["overall"]["presence_percent"] == 0.5


def test_overlap_threshold():
    text = "x" * 1000
    spans = [CodedSpan("A", "c", 0, 100), CodedSpan("B", "c", 0, 95),  # Jaccard 0.95
             CodedSpan("A", "c", 200, 300), CodedSpan("B", "c", 200, 280),  # Jaccard 0.8
             CodedSpan("A", "c", 400, 500), CodedSpan("B", "d", 400, 500),  # other code
             CodedSpan("A", "c", 600, 700), CodedSpan("B", "c", 600, 700),
             CodedSpan("B", "c", 601, 700)]
    docs = [DocumentCoding("d", text, [], spans),
            DocumentCoding("e", text, [], [CodedSpan("B", "c", 0, 100)])]  # other document
    out = compute_agreement(docs, ["A", "B"], unit="char").to_json()["overlap"]
    c, d = out["codes"]
    # one-to-one: 600-700 matches once, its near twin 601-700 stays unmatched
    assert (c["code"], c["matched"], c["only"]) == ("c", 2, {"A": 2, "B": 3})
    assert c["percent"] == 2 / 7
    assert (d["matched"], d["only"]) == (0, {"A": 0, "B": 1})
    assert (out["matched"], out["only"], out["percent"]) == (2, {"A": 2, "B": 4}, 2 / 8)
    loose = compute_agreement(docs, ["A", "B"], unit="char", overlap=0.8).to_json()["overlap"]
    assert loose["codes"][0]["matched"] == 3


def test_overlap_prefers_the_best_jaccard():
    spans = [CodedSpan("A", "c", 0, 100), CodedSpan("A", "c", 5, 100),
             CodedSpan("B", "c", 5, 100)]  # 0.95 with the first, 1.0 with the second
    doc = DocumentCoding("d", "x" * 200, [], spans)
    out = compute_agreement([doc], ["A", "B"], unit="char").to_json()["overlap"]
    assert (out["matched"], out["only"]) == (1, {"A": 1, "B": 0})


# -- disagreements ---------------------------------------------------------------------------------

def test_disagreements_by_sentence():
    text, units = sentences("S0.", "S1.", "S2.")
    spans = [CodedSpan("A", "x", 0, 3), CodedSpan("B", "x", 0, 7), CodedSpan("A", "y", 0, 3),
             CodedSpan("A", "z", 8, 11), CodedSpan("B", "z", 8, 11)]
    other = DocumentCoding("e", text, units, [CodedSpan("B", "y", 8, 11)])
    found = disagreements([DocumentCoding("d", text, units, spans), other], ["A", "B"])
    assert found == [
        Disagreement("d", 0, 0, 3, "y", {"A": True, "B": False}, "S0."),
        Disagreement("d", 1, 4, 7, "x", {"A": False, "B": True}, "S1."),
        Disagreement("e", 2, 8, 11, "y", {"A": False, "B": True}, "S2."),
    ]


def test_disagreements_by_character_merge_runs():
    doc = DocumentCoding("d", "ab cd ef", [], [CodedSpan("A", "x", 0, 5), CodedSpan("B", "x", 3, 8),
                                              CodedSpan("A", "y", 0, 8)])
    found = disagreements([doc], ["A", "B"], unit="char")
    assert found == [
        Disagreement("d", 0, 0, 2, "x", {"A": True, "B": False}, "ab"),
        Disagreement("d", 0, 0, 8, "y", {"A": True, "B": False}, "ab cd ef"),
        Disagreement("d", 4, 6, 8, "x", {"A": False, "B": True}, "ef"),
    ]


def test_disagreements_runs_stop_at_a_new_pattern_or_document():
    doc = DocumentCoding("d", "abcd", [], [CodedSpan("A", "x", 0, 4), CodedSpan("B", "x", 2, 4),
                                          CodedSpan("C", "x", 3, 4)])
    found = disagreements([doc, DocumentCoding("e", "zz", [], [CodedSpan("A", "x", 0, 2)])],
                          ["A", "B", "C"], unit="char")
    assert [(d.document, d.start, d.end, d.coders) for d in found] == [
        ("d", 0, 2, {"A": True, "B": False, "C": False}),
        ("d", 2, 3, {"A": True, "B": True, "C": False}),
        ("e", 0, 2, {"A": True, "B": False, "C": False}),
    ]


# -- property: the vectorised tables equal a naive per-unit computation ----------------------------

CODERS, CODES = ["A", "B", "C"], ["x", "y"]


@st.composite
def documents(draw):
    docs = []
    for n in range(draw(st.integers(1, 3))):
        text = draw(st.text(alphabet="ab \n\u3000", max_size=30))
        cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
        units = [(s, e) for s, e in zip([0] + cuts, cuts + [len(text)], strict=True)
                 if draw(st.booleans()) or s == e]  # some gaps and empty units
        offset = st.integers(-2, len(text) + 2)
        spans = [CodedSpan(draw(st.sampled_from(CODERS + ["Z"])), draw(st.sampled_from(CODES)),
                           draw(offset), draw(offset))
                 for _ in range(draw(st.integers(0, 12)))]
        docs.append(DocumentCoding(f"d{n}", text, units, spans))
    return docs


def naive(docs, coders, unit, threshold):
    codes = sorted({s.code for d in docs for s in d.spans if s.coder in coders})

    def covers(s, lo, hi, text):
        return any(not text[i].isspace() for i in range(max(s.start, lo), min(s.end, hi)))

    present = {}  # (coder, code) -> list over all units
    for d in docs:
        units = ([(i, i + 1) for i, ch in enumerate(d.text) if not ch.isspace()] if unit == "char"
                 else d.units)
        for x in coders:
            for c in codes:
                present.setdefault((x, c), []).extend(
                    any(s.coder == x and s.code == c and covers(s, lo, hi, d.text) for s in d.spans)
                    for lo, hi in units)
    tables = {}
    for c in codes:
        for a, b in combinations(coders, 2):
            cells = list(zip(present[(a, c)], present[(b, c)], strict=True))
            tables[(c, a, b)] = (sum(p and q for p, q in cells), sum(p and not q for p, q in cells),
                                 sum(q and not p for p, q in cells), sum(not (p or q) for p, q in cells))
    used = {(d.name, c, x): any(s.coder == x and s.code == c and covers(s, 0, len(d.text), d.text)
                                for s in d.spans) for d in docs for c in codes for x in coders}

    def segments(x, c):  # non-empty, clipped, in document order then start (stable)
        out = []
        for n, d in enumerate(docs):
            for s in d.spans:
                lo, hi = max(s.start, 0), min(s.end, len(d.text))
                if s.coder == x and s.code == c and hi > lo:
                    out.append((n, lo, hi))
        return sorted(out, key=lambda t: (t[0], t[1]))

    matched = {}
    for c in codes:
        for a, b in combinations(coders, 2):
            sa, sb = segments(a, c), segments(b, c)
            cands = []
            for i, (n1, s1, e1) in enumerate(sa):
                for j, (n2, s2, e2) in enumerate(sb):
                    inter = min(e1, e2) - max(s1, s2)
                    if n1 == n2 and inter > 0:
                        jac = inter / ((e1 - s1) + (e2 - s2) - inter)
                        if jac >= threshold:
                            cands.append((-jac, i, j))
            taken_a, taken_b = set(), set()
            for _, i, j in sorted(cands):
                if i not in taken_a and j not in taken_b:
                    taken_a.add(i)
                    taken_b.add(j)
            matched[(c, a, b)] = (len(taken_a), len(sa) - len(taken_a), len(sb) - len(taken_b))
    return codes, tables, used, matched, present


def package_alpha(data: np.ndarray):
    """The `krippendorff` package's nominal α of a coders × units 0/1 matrix, as pytest.approx to
    1e-9; None where it is 0/0 (a single value, or no units)."""
    if data.size == 0 or len(np.unique(data)) < 2:
        return None
    return pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"),
                         rel=1e-9, abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(coders=st.integers(2, 6), units=st.integers(0, 40), density=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_alpha_from_cells_is_the_packages_alpha(coders, units, density, seed):
    from qualcode.analysis.statistics import krippendorff_alpha

    data = (np.random.default_rng(seed).random((coders, units)) < density).astype(float)
    marked_by = np.bincount(data.sum(axis=0).astype(int), minlength=coders + 1).tolist()
    value, why = krippendorff_alpha(marked_by)
    assert value == package_alpha(data)
    assert (value is None) == (why is not None)


@settings(max_examples=300, deadline=None)
@given(docs=documents(), unit=st.sampled_from(["sentence", "char"]), three=st.booleans(),
       threshold=st.sampled_from([0.5, 0.9, 1.0]))
def test_tables_equal_a_naive_computation(docs, unit, three, threshold):
    coders = CODERS if three else CODERS[:2]
    out = compute_agreement(docs, coders, unit=unit, overlap=threshold).to_json()
    codes, tables, used, matched, present = naive(docs, coders, unit, threshold)
    assert [c["code"] for c in out["codes"]] == codes
    for entry, overlap in zip(out["codes"], out["overlap"]["codes"], strict=True):
        for pair, ov in zip(entry["pairs"], overlap["pairs"], strict=True):
            a, b = pair["coders"]
            assert table(pair, a, b) == tables[(entry["code"], a, b)]
            assert (ov["matched"], ov["only"][a], ov["only"][b]) == matched[(entry["code"], a, b)]
    for p in out["presence"]:
        assert p["coders"] == {x: used[(p["document"], p["code"], x)] for x in coders}
    # α (from the cells) is the package's α of the naive presence matrix, per code and pooled
    matrices = [np.array([present[(x, c)] for x in coders], float) for c in codes]
    for entry, data in zip(out["codes"], matrices, strict=True):
        assert entry["alpha"] == package_alpha(data)
    if matrices:
        assert out["overall"]["alpha"] == package_alpha(np.concatenate(matrices, axis=1))
    # and the disagreements are exactly the units where the coders differ
    if not three and unit == "sentence":
        found = {(d.document, d.unit_index, d.code) for d in disagreements(docs, coders)}
        differ = sum(t[1] + t[2] for t in tables.values())
        assert len(found) == differ


@settings(max_examples=200, deadline=None)
@given(docs=documents(), unit=st.sampled_from(["sentence", "char"]), coders=st.integers(2, 5), data=st.data())
def test_cells_of_the_sweep_equal_the_dense_presence(docs, unit, coders, data):
    """The cells come from a sweep over runs of marked units (analysis.agreement._patterns); the
    disagreements from a dense coders × codes × units array (_presence): the two agree."""
    from qualcode.analysis.agreement import _prepare, _presence

    names = ["A", "B", "C", "D", "E"][:coders]
    docs = [DocumentCoding(d.name, d.text, d.units, [CodedSpan(data.draw(st.sampled_from(names)), s.code, s.start,
                                                               s.end) for s in d.spans]) for d in docs]
    out = compute_agreement(docs, names, unit=unit).to_json()
    present = _presence(_prepare(docs, names, unit, None))
    for k, entry in enumerate(out["codes"]):
        raters = present[:, k, :].sum(axis=0)
        assert entry["marked_by"] == np.bincount(raters, minlength=coders + 1).tolist()
        assert entry["marked"] == {x: int(present[i, k].sum()) for i, x in enumerate(names)}
        assert entry["only"] == {x: int((present[i, k] & (raters == 1)).sum()) for i, x in enumerate(names)}
        for pair in entry["pairs"]:
            i, j = (names.index(x) for x in pair["coders"])
            assert pair["both"] == int((present[i, k] & present[j, k]).sum())


@settings(max_examples=100, deadline=None)
@given(docs=documents(), unit=st.sampled_from(["sentence", "char"]), three=st.booleans())
def test_the_headline_is_the_full_reports_figures(docs, unit, three):
    """The method paragraph's figures, computed without presence and overlap, are the full report's."""
    coders = CODERS if three else CODERS[:2]
    full = compute_agreement(docs, coders, unit=unit).to_json()
    headline = compute_agreement(docs, coders, unit=unit, overlap=None)
    overall = dict(full["overall"])
    del overall["presence_percent"]
    assert headline.headline() == {**{k: full[k] for k in ("unit", "coders", "documents", "consensus",
                                                            "kappa_statistic", "pairs")}, "overall": overall}
    with pytest.raises(ValueError):
        headline.to_json()
