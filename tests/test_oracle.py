"""The oracle: docs/methods.md, read literally, recounts every figure qualcode reports.

Hypothesis builds small projects at the pure level — transcripts with a moderator, participants,
an unlinked speaker, labels, title lines, texts without turns; spans across turns and labels;
several coders and a consensus coder under any name — and a deliberately naive reading of the
written rules (character-by-character loops, sharing no code with qualcode) recounts every cell
of the theme table, the code frequencies, saturation, and every agreement statistic. The quotes
are checked against R9's promises.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations, pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.analysis.agreement import CodedSpan, DocumentCoding, compute_agreement
from qualcode.model import Code, Segment, Theme
from qualcode.reports.agreement_table import agreement_tables, fmt
from qualcode.reports.summary import DocInput, PersonInput, SummaryInput, summarize
from qualcode.reports.words import method_text

SPEECH = "ab .我\u3000\n"  # letters, a sentence end, a CJK character, two kinds of whitespace
CODERS = ["ann", "li", "bo"]
CONSENSUS_NAMES = ["consensus", "team", "konsensus", "共识"]
LABELS = {"P1": "Anna", "P2": "Bo", "P3": "Cai"}  # no label can occur in SPEECH


# -- generated projects -----------------------------------------------------------------------------

@st.composite
def documents(draw, labels: dict[str | None, str]):
    n = draw(st.integers(1, 3))
    positions = draw(st.permutations(range(1, n + 1)))
    docs = []
    for i in range(n):
        text = draw(st.sampled_from(["", "Titel ab\n"]))  # a title line lies outside every turn
        turns, runs = [], []
        if draw(st.integers(0, 4)):  # most documents are transcripts with turns
            for _ in range(draw(st.integers(1, 5))):
                key = draw(st.sampled_from(["M", "P1", "P2", "P3", None]))
                text += labels[key] + ": "
                speech = draw(st.text(SPEECH, min_size=1, max_size=12))
                turns.append((len(text), len(text) + len(speech), key))
                text += speech + "\n"
            runs = [(s, e) for s, e, _ in turns]
        else:
            text += draw(st.text(SPEECH, max_size=30))
            runs = [(0, len(text))]
        sentences = []  # within turns, as the importer makes them
        for s, e in runs:
            cuts = sorted(set(draw(st.lists(st.integers(s + 1, max(s + 1, e - 1)), max_size=3)))) if e > s else []
            bounds = [s] + [c for c in cuts if s < c < e] + [e]
            sentences += [(a, b) for a, b in pairwise(bounds) if b > a and draw(st.integers(0, 5))]
        docs.append(DocInput(i + 1, f"doc{i + 1}", draw(st.sampled_from([None, "G1", "G3"])), positions[i],
                             text, sentences, turns))
    return docs


@st.composite
def projects(draw):
    moderator = draw(st.sampled_from(["Moderator", "主持人", "M 2", "Intervjuare"]))
    labels = {"M": moderator, None: "Gäst", **LABELS}
    people = {"M": PersonInput("M", "Mod", draw(st.sampled_from([None, "G1"])), [moderator])}
    for key, label in LABELS.items():
        people[key] = PersonInput(key, key, draw(st.sampled_from([None, "G1", "G2"])), [label])
    docs = draw(documents(labels))
    consensus = draw(st.sampled_from(CONSENSUS_NAMES))
    coders = CODERS[:draw(st.integers(2, 3))]
    codes = [Code(k, f"u{k}", f"c{k}", None, k, None, codable=k < 3 or draw(st.booleans())) for k in (1, 2, 3)]
    themes = [Theme(t, f"t{t}", f"T{t}", t, code_ids=sorted(draw(st.sets(st.sampled_from([1, 2, 3]), min_size=1))))
              for t in (1, 2)]
    segments: list[Segment] = []
    for i in range(draw(st.integers(0, 16))):
        if segments and draw(st.integers(0, 3)) == 0:  # the same span again: another coder or code
            twin = segments[-1]
            doc, a, b = next(d for d in docs if d.id == twin.doc_id), twin.start, twin.end
        else:
            doc = draw(st.sampled_from(docs))
            if not doc.text:
                continue
            a = draw(st.integers(0, len(doc.text) - 1))
            b = draw(st.integers(a + 1, len(doc.text)))
        code = draw(st.sampled_from([1, 2, 3]))
        coder = draw(st.sampled_from(coders + [consensus]))
        segments.append(Segment(i + 1, f"s{i}", doc.id, doc.name, code, f"c{code}", coder, a, b, doc.text[a:b],
                                exemplar=draw(st.integers(0, 4)) == 0,
                                translation=draw(st.sampled_from([None, "in English"]))))
    decided = draw(st.sets(st.sampled_from([d.id for d in docs])))  # reconciled, some keeping no code
    return SummaryInput("Study", docs, people, codes, themes, segments, coders + [consensus], consensus=consensus,
                        decided=decided)


# -- R1–R8 read literally ---------------------------------------------------------------------------

MODERATOR_WORDS = {"moderator", "mod", "m", "facilitator", "intervjuare", "interviewer", "主持人", "主持",
                   "访谈者", "采访者"}


def is_moderator(person: PersonInput) -> bool:
    """'a moderator's role word … alone or followed by a number'"""
    return any(label.rstrip("0123456789").strip().lower() in MODERATOR_WORDS for label in person.labels)


def evidence(inp: SummaryInput, doc: DocInput, groups: list[str] | None) -> list:
    """R1 and R6, one character at a time: None, or (participant or None, group) of the speaker."""
    out = [None] * len(doc.text)
    if doc.turns:
        for start, end, key in doc.turns:
            person = inp.people.get(key) if key else None
            if person and is_moderator(person):
                continue
            for i in range(start, end):
                if not doc.text[i].isspace():
                    out[i] = (key, (person.group if person else None) or doc.group)
    else:
        for i, ch in enumerate(doc.text):
            if not ch.isspace():
                out[i] = (None, doc.group)
    if groups is not None:
        out = [e if e and e[1] in groups else None for e in out]
    return out


def naive_summary(inp: SummaryInput, groups: list[str] | None, coders: list[str] | None) -> dict:
    docs = {d.id: d for d in inp.documents}
    ev = {d.id: evidence(inp, d, groups) for d in inp.documents}
    ev_all = {d.id: evidence(inp, d, None) for d in inp.documents}
    # R2
    if coders:
        counted = [s for s in inp.segments if s.coder in coders]
    else:
        counted = []
        for d in inp.documents:
            mine = [s for s in inp.segments if s.doc_id == d.id]
            reconciled = [s for s in mine if s.coder == inp.consensus]
            counted += reconciled if reconciled or d.id in inp.decided else mine
    distinct = {(s.doc_id, s.code_id, s.start, s.end) for s in counted}  # R3: twins once

    def covered(doc_id, start, end, table):
        return [table[doc_id][i] for i in range(start, end) if table[doc_id][i] is not None]

    themes = {}
    for t in inp.themes:
        spans = {(d, a, b) for d, c, a, b in distinct if c in t.code_ids}
        counted_spans = [sp for sp in spans if covered(*sp, ev)]
        people = {who for sp in counted_spans for who, _ in covered(*sp, ev) if who}
        per_group = defaultdict(lambda: [set(), set()])
        for sp in counted_spans:
            for who, g in covered(*sp, ev):
                per_group[g or "—"][0].add(sp)
                if who:
                    per_group[g or "—"][1].add(who)
        themes[t.name] = {
            "segments": len(counted_spans), "participants": len(people),
            "documents": len({sp[0] for sp in counted_spans}),
            "per_group": {g: {"segments": len(v[0]), "participants": len(v[1])} for g, v in per_group.items()},
            "not_counted": sum(1 for sp in spans if not covered(*sp, ev_all)),
        }
    frequencies = []
    for code in inp.codes:
        row = defaultdict(int)
        for d, c, a, b in distinct:
            if c == code.id:
                for g in {g or "—" for _, g in covered(d, a, b, ev)}:
                    row[g] += 1
        if code.codable and row:
            frequencies.append((code.name, dict(row)))
    seen, saturation = set(), []
    for doc in sorted(inp.documents, key=lambda d: d.position):
        here = {c for d, c, a, b in distinct if d == doc.id and covered(d, a, b, ev)}
        saturation.append((doc.name, len(here - seen), len(here | seen)))
        seen |= here
    named = {s.coder for s in inp.segments if s.doc_id in docs and (not coders or s.coder in coders)}
    return {"themes": themes, "frequencies": frequencies, "saturation": saturation,
            "coders": sorted(named - {inp.consensus}),
            "consensus_documents": len({s.doc_id for s in counted if s.coder == inp.consensus}
                                       | (set() if coders else inp.decided & docs.keys()))}


# -- A1–A6 read literally ---------------------------------------------------------------------------

def naive_presence(doc: DocumentCoding, coder: str, code: str, units) -> list[bool]:
    """A2: a unit is marked when a segment covers one of its non-whitespace characters."""
    marks = []
    for lo, hi in units:
        marks.append(any(s.coder == coder and s.code == code and
                         any(not doc.text[i].isspace() for i in range(max(s.start, lo), min(s.end, hi)))
                         for s in doc.spans))
    return marks


def naive_statistics(columns: list[list[bool]]) -> dict:
    """columns: one list of C booleans per unit. Percent, Cohen (C = 2), Fleiss, α by definition."""
    n = len(columns)
    if n == 0:
        return {"percent": None, "cohen": None, "fleiss": None, "alpha": None}
    c = len(columns[0])
    pairs = list(combinations(range(c), 2))
    percent = sum(sum(col[i] == col[j] for i, j in pairs) / len(pairs) for col in columns) / n
    out = {"percent": percent}
    if c == 2:
        pa = sum(col[0] for col in columns) / n
        pb = sum(col[1] for col in columns) / n
        pe = pa * pb + (1 - pa) * (1 - pb)
        out["cohen"] = None if pe == 1 else (percent - pe) / (1 - pe)
    # Fleiss (1971): P_i = Σ_j n_ij(n_ij − 1)/(n(n − 1)); p_j = Σ_i n_ij/(N n)
    p_i = [sum(v * (v - 1) for v in (sum(col), c - sum(col))) / (c * (c - 1)) for col in columns]
    p1 = sum(sum(col) for col in columns) / (n * c)
    pe = p1 ** 2 + (1 - p1) ** 2
    out["fleiss"] = None if pe == 1 else (sum(p_i) / n - pe) / (1 - pe)
    # Krippendorff's α, nominal, from the coincidence matrix
    o = defaultdict(float)
    for col in columns:
        for i in range(c):
            for j in range(c):
                if i != j:
                    o[(col[i], col[j])] += 1 / (c - 1)
    n_v = {v: o[(v, True)] + o[(v, False)] for v in (True, False)}
    total = n_v[True] + n_v[False]
    expected = 2 * n_v[True] * n_v[False]
    out["alpha"] = None if expected == 0 else 1 - (total - 1) * (o[(True, False)] + o[(False, True)]) / expected
    return out


def units_of(doc: DocInput, unit: str) -> list[tuple[int, int]]:
    if unit == "char":
        return [(i, i + 1) for i, ch in enumerate(doc.text) if not ch.isspace()]
    return doc.sentences if unit == "sentence" else [(s, e) for s, e, _ in doc.turns]


def close(value, expected) -> bool:
    return (value is None) == (expected is None) and (value is None or value == pytest.approx(expected, abs=1e-9))


# -- the test ---------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(inp=projects(), unit=st.sampled_from(["sentence", "turn", "char"]), data=st.data())
def test_every_figure_equals_the_written_rules(inp, unit, data):
    everyone = inp.coders
    groups = data.draw(st.one_of(st.none(), st.lists(st.sampled_from(["G1", "G2", "G3"]), min_size=1, unique=True)))
    coders = data.draw(st.one_of(st.none(), st.lists(st.sampled_from(everyone), min_size=1, unique=True)))
    limit = data.draw(st.integers(0, 4))

    # agreement of the coders other than the consensus, over every document (A1–A6)
    compared = [c for c in everyone if c != inp.consensus]
    coded = [DocumentCoding(d.name, d.text, [] if unit == "char" else units_of(d, unit),
                            [CodedSpan(s.coder, s.code, s.start, s.end) for s in inp.segments if s.doc_id == d.id])
             for d in inp.documents]
    report = compute_agreement(coded, compared, unit, consensus=inp.consensus).to_json()
    check_agreement(report, coded, inp, compared, unit)
    inp.agreement = report

    summary = summarize(inp, "en", quotes=limit, groups=groups, coders=coders)
    expected = naive_summary(inp, groups, coders)
    for theme in summary.themes:
        want = expected["themes"][theme.name]
        assert (theme.segments, theme.participants, theme.documents, theme.not_counted) == (
            want["segments"], want["participants"], want["documents"], want["not_counted"])
        assert theme.per_group == want["per_group"] and theme.groups == sorted(want["per_group"])
        check_quotes(inp, summary, theme, limit, groups)
    assert summary.frequencies == expected["frequencies"]
    assert summary.saturation == expected["saturation"]
    assert sorted(summary.coders) == expected["coders"]
    assert summary.consensus_documents == expected["consensus_documents"]

    # the method paragraph and the command line's "all codes" row print the same pooled figures
    text = method_text(summary)
    overall = report["overall"]
    rows = agreement_tables(report).rows
    assert fmt(overall["pooled_kappa"]) in rows[-1] and fmt(overall["alpha"]) in rows[-1]
    for value in (overall["pooled_kappa"], overall["alpha"]):
        assert ("–" if value is None else f"{value:.2f}") in text
    assert "Fleiss" in text if len(compared) > 2 else "Cohen" in text


def check_agreement(report: dict, coded: list[DocumentCoding], inp: SummaryInput, compared: list[str],
                    unit: str) -> None:
    codes = sorted({s.code for d in coded for s in d.spans if s.coder in compared})
    assert [c["code"] for c in report["codes"]] == codes
    assert report["consensus"] is None  # the consensus coder is not among those compared
    assert report["kappa_statistic"] == ("cohen" if len(compared) == 2 else "fleiss")
    every_column = []
    for entry in report["codes"]:
        columns = []
        for doc, d in zip(coded, inp.documents, strict=True):
            units = units_of(d, unit)
            marks = [naive_presence(doc, x, entry["code"], units) for x in compared]
            columns += [[m[u] for m in marks] for u in range(len(units))]
        every_column += columns
        check_row(entry, columns, compared)
        for pair in entry["pairs"]:
            i, j = (compared.index(x) for x in pair["coders"])
            two = [[col[i], col[j]] for col in columns]
            assert (pair["both"], pair["only"][pair["coders"][0]], pair["only"][pair["coders"][1]],
                    pair["neither"]) == (sum(a and b for a, b in two), sum(a and not b for a, b in two),
                                         sum(b and not a for a, b in two), sum(not (a or b) for a, b in two))
            assert close(pair["kappa"], naive_statistics(two)["cohen"])
    overall = dict(report["overall"], kappa=report["overall"]["pooled_kappa"])
    check_row(overall, every_column, compared)
    defined = [c["kappa"] for c in report["codes"] if c["kappa"] is not None]
    assert close(overall["mean_kappa"], sum(defined) / len(defined) if defined else None)
    for pair in report["pairs"]:
        i, j = (compared.index(x) for x in pair["coders"])
        assert close(pair["pooled_kappa"], naive_statistics([[col[i], col[j]] for col in every_column])["cohen"])
    overlap = report["overlap"]
    for row in overlap["codes"] + [overlap]:  # A7: the pairs' cells summed
        assert row["matched"] == sum(p["matched"] for p in row["pairs"])
        for x in compared:
            assert row["only"][x] == sum(p["only"][x] for p in row["pairs"] if x in p["coders"])


def check_row(entry: dict, columns: list[list[bool]], compared: list[str]) -> None:
    c = len(compared)
    assert entry["units"] == len(columns)
    assert entry["marked_by"] == [sum(sum(col) == k for col in columns) for k in range(c + 1)]
    assert entry["marked"] == {x: sum(col[i] for col in columns) for i, x in enumerate(compared)}
    assert entry["both"] == sum(all(col) for col in columns)
    assert entry["neither"] == sum(not any(col) for col in columns)
    assert entry["only"] == {x: sum(col[i] and sum(col) == 1 for col in columns) for i, x in enumerate(compared)}
    stats = naive_statistics(columns)
    assert close(entry["percent"], stats["percent"])
    assert close(entry["kappa"], stats["cohen"] if c == 2 else stats["fleiss"])
    assert close(entry["fleiss_kappa"], stats["fleiss"])
    assert close(entry["alpha"], stats["alpha"])
    assert bool(entry["undefined"]) == (entry["kappa"] is None or entry["alpha"] is None)


def check_quotes(inp: SummaryInput, summary, theme, limit: int, groups: list[str] | None) -> None:
    """R9: each quote is one participant turn's speech (never a label, never a moderator), in whole
    sentences of that turn, attributed to its speaker, and covering a counted segment's evidence."""
    assert len(theme.quotes) <= limit
    if theme.segments and limit:
        assert theme.quotes
    docs = {d.name: d for d in inp.documents}
    codes = {t.name: t.code_ids for t in inp.themes}
    for q in theme.quotes:
        doc = docs[q.document]
        ev = evidence(inp, doc, groups)
        assert q.text == doc.text[q.start:q.end]  # no names occur in the generated speech
        assert not q.text[0].isspace() and not q.text[-1].isspace()
        speakers = {ev[i] for i in range(q.start, q.end) if ev[i] is not None}
        assert len(speakers) == 1  # one speaker's evidence, nothing else
        (who, group), = speakers
        runs = [(s, e) for s, e, _ in doc.turns] or [(0, len(doc.text))]
        assert any(s <= q.start and q.end <= e for s, e in runs)  # inside one turn's speech
        assert q.participant == (inp.people[who].pseudonym if who else None) and q.group == group
        assert any(s.doc_id == doc.id and s.code_id in codes[theme.name] and
                   any(ev[i] == (who, group) for i in range(max(s.start, q.start), min(s.end, q.end)))
                   for s in inp.segments)
    for a, b in combinations(theme.quotes, 2):
        assert a.document != b.document or a.end <= b.start or b.end <= a.start
