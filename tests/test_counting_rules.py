"""Issue 11, cases 1–4: the counts a manuscript copies, by the rules of docs/methods.md.

Each test builds a small project at the pure level (SummaryInput, DocumentCoding) and checks
the numbers by hand."""

from __future__ import annotations

import re

import numpy as np
import pytest
from statsmodels.stats.inter_rater import fleiss_kappa

from qualcode.analysis.agreement import CodedSpan, DocumentCoding, compute_agreement
from qualcode.model import Code, Segment, Theme
from qualcode.reports.summary import DocInput, PersonInput, SummaryInput, summarize
from qualcode.reports.words import method_text

TEXT = ("Moderator: Hur var det?\n"
        "Anna: Det var tryggt. Jag kunde prata.\n"
        "Bo: Jag höll med. Det var bra.\n")
LABELS = {"Moderator": "M1", "Anna": "P1", "Bo": "P2"}


def _turns_and_sentences(text: str):
    turns, sentences = [], []
    pos = 0
    for line in text.splitlines(keepends=True):
        label, speech = line.rstrip("\n").split(": ", 1)
        start = pos + len(label) + 2
        turns.append((start, start + len(speech), LABELS[label]))
        for m in re.finditer(r"[^.?]+[.?]", speech):
            lead = len(m.group()) - len(m.group().lstrip())
            sentences.append((start + m.start() + lead, start + m.end()))
        pos += len(line)
    return turns, sentences


def at(quote: str) -> tuple[int, int]:
    i = TEXT.index(quote)
    return i, i + len(quote)


def _input(spans: list[tuple[int, int, str]], consensus: str | None = None) -> SummaryInput:
    """One document, one theme of one code; `spans` are (start, end, coder)."""
    turns, sentences = _turns_and_sentences(TEXT)
    doc = DocInput(1, "fg", "GP A", 1, TEXT, sentences, turns)
    code = Code(1, "u1", "Trygghet", None, 1, None, labels={"en": "Safety"})
    theme = Theme(1, "t1", "Trygghet", 1, labels={"en": "Safety"}, code_ids=[1])
    segments = [Segment(i, f"s{i}", 1, "fg", 1, "Trygghet", coder, a, b, TEXT[a:b])
                for i, (a, b, coder) in enumerate(spans, 1)]
    people = {"M1": PersonInput("M1", "Moderator", None, ["Moderator"]),
              "P1": PersonInput("P1", "P1", "GP A", ["Anna"]),
              "P2": PersonInput("P2", "P2", "GP B", ["Bo"])}
    coders = sorted({c for _, _, c in spans})
    extra = {"consensus": consensus} if consensus else {}
    return SummaryInput("Studie", [doc], people, [code], [theme], segments, coders, **extra)


# -- case 1: moderator and label-only spans ------------------------------------------------------

def test_a_span_over_a_label_alone_is_neither_counted_nor_quoted():
    label = at("Anna:")
    s = summarize(_input([(*label, "a"), (*at("Jag höll med."), "a")]), "en", quotes=5)
    (theme,) = s.themes
    assert (theme.segments, theme.participants, theme.documents) == (1, 1, 1)
    assert [q.text for q in theme.quotes] == ["Jag höll med."]
    assert theme.not_counted == 1


def test_the_moderators_line_with_its_label_is_neither_counted_nor_quoted():
    line = (0, TEXT.index("\n"))  # "Moderator: Hur var det?"
    s = summarize(_input([(*line, "a")]), "en", quotes=5)
    (theme,) = s.themes
    assert (theme.segments, theme.participants, theme.documents) == (0, 0, 0)
    assert theme.quotes == [] and theme.per_group == {}
    assert s.frequencies == [] and s.saturation == [("fg", 0, 0)]
    assert theme.not_counted == 1


def test_a_span_from_the_question_into_the_answer_counts_for_the_participant():
    start = TEXT.index("Hur var det?")
    end = TEXT.index("Det var tryggt.") + len("Det var tryggt.")
    s = summarize(_input([(start, end, "a")]), "en", quotes=5)
    (theme,) = s.themes
    assert (theme.segments, theme.participants, theme.documents) == (1, 1, 1)
    assert theme.per_group == {"GP A": {"segments": 1, "participants": 1}}
    (quote,) = theme.quotes
    # the participant's speech only: no moderator question, no label
    assert quote.text == "Det var tryggt." and (quote.start, quote.end) == at("Det var tryggt.")
    assert quote.participant == "P1" and quote.attribution == "(GP A group, P1)"


# -- case 2: a segment across two turns ----------------------------------------------------------

def test_a_segment_across_two_turns_counts_both_speakers():
    start = TEXT.index("Jag kunde prata.")
    end = TEXT.index("Jag höll med.") + len("Jag höll med.")
    s = summarize(_input([(start, end, "a")]), "en", quotes=5)
    (theme,) = s.themes
    assert (theme.segments, theme.participants, theme.documents) == (1, 2, 1)
    # one segment, voiced in two groups: it counts once in each
    assert theme.per_group == {"GP A": {"segments": 1, "participants": 1},
                               "GP B": {"segments": 1, "participants": 1}}
    assert sorted((q.text, q.participant) for q in theme.quotes) == [
        ("Jag höll med.", "P2"), ("Jag kunde prata.", "P1")]
    assert s.frequencies == [("Safety", {"GP A": 1, "GP B": 1})]


# -- case 3: a consensus coder by another name ---------------------------------------------------

def test_a_consensus_coder_named_team_is_the_consensus():
    spans = [(*at("Det var tryggt."), "karin"), (*at("Jag kunde prata."), "karin"),
             (*at("Det var tryggt."), "li"), (*at("Det var bra."), "li"),
             (*at("Det var tryggt."), "team")]
    s = summarize(_input(spans, consensus="team"), "en", quotes=5)
    (theme,) = s.themes
    assert (theme.segments, theme.participants) == (1, 1)  # the consensus only
    assert s.coders == ["karin", "li"] and s.consensus == "team" and s.consensus_documents == 1
    text = method_text(s)
    assert "coded by 2 coders (karin, li)" in text and "team" in text
    assert "coders (karin, li, team)" not in text
    # without that name, "team" is a coder like the others and everyone's coding counts
    s = summarize(_input(spans), "en", quotes=5)
    assert s.themes[0].segments == 3 and s.coders == ["karin", "li", "team"] and s.consensus_documents == 0


# -- case 4: three coders, one definition --------------------------------------------------------

def three_coders():
    units, pos, parts = [], 0, [f"S{i}." for i in range(6)]
    for part in parts:
        units.append((pos, pos + len(part)))
        pos += len(part) + 1
    spans = [CodedSpan("A", "x", 0, 11), CodedSpan("B", "x", 4, 15), CodedSpan("C", "x", 0, 19),
             CodedSpan("A", "y", 20, 23), CodedSpan("B", "y", 20, 23)]
    return DocumentCoding("d", " ".join(parts), units, spans)


# presence per (code, unit) for A, B, C, by hand from the spans above
PRESENT = {"x": [[1, 1, 1, 0, 0, 0], [0, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 0]],
           "y": [[0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0]]}


def _fleiss(rows) -> float:
    marked = np.array(rows).sum(axis=0)
    return fleiss_kappa(np.stack([len(rows) - marked, marked], axis=1), method="fleiss")


def test_three_coders_rows_come_from_all_coders():
    out = compute_agreement([three_coders()], ["A", "B", "C"]).to_json()
    x, y = out["codes"]
    assert out["kappa_statistic"] == "fleiss"
    for entry in (x, y):
        rows = PRESENT[entry["code"]]
        marked = np.array(rows).sum(axis=0)
        assert entry["units"] == 6
        assert entry["marked_by"] == [int(np.sum(marked == k)) for k in range(4)]
        assert entry["marked"] == {c: sum(r) for c, r in zip("ABC", rows, strict=True)}
        assert entry["both"] == int(np.sum(marked == 3)) and entry["neither"] == int(np.sum(marked == 0))
        assert entry["kappa"] == pytest.approx(_fleiss(rows), abs=1e-12)
        assert entry["fleiss_kappa"] == entry["kappa"]
        # percent: the share of agreeing coder pairs per unit, averaged (Fleiss' P̄)
        agreeing = [(k * (k - 1) + (3 - k) * (2 - k)) / 6 for k in marked]
        assert entry["percent"] == pytest.approx(np.mean(agreeing), abs=1e-12)
    pooled = [rx + ry for rx, ry in zip(PRESENT["x"], PRESENT["y"], strict=True)]
    overall = out["overall"]
    assert overall["pooled_kappa"] == pytest.approx(_fleiss(pooled), abs=1e-12)
    assert overall["fleiss_kappa"] == overall["pooled_kappa"]
    assert overall["units"] == 12
    assert overall["marked_by"] == [a + b for a, b in zip(x["marked_by"], y["marked_by"], strict=True)]


def test_two_coders_keep_cohens_kappa():
    out = compute_agreement([three_coders()], ["A", "B"]).to_json()
    assert out["kappa_statistic"] == "cohen"
    x = out["codes"][0]
    assert (x["both"], x["only"], x["neither"]) == (2, {"A": 1, "B": 1}, 2)
    assert x["marked_by"] == [2, 2, 2] and x["kappa"] == pytest.approx(1 / 3)
    assert x["fleiss_kappa"] == pytest.approx(_fleiss(PRESENT["x"][:2]), abs=1e-12)


def test_cli_and_method_paragraph_print_the_same_three_coder_figures(tmp_path, capsys):
    from qualcode.cli import main

    src = tmp_path / "d.txt"
    src.write_text(three_coders().text, encoding="utf-8")
    p = str(tmp_path / "p.qualcode")

    def run(*argv):
        assert main(["-p", p, *argv]) == 0, capsys.readouterr().err
        return capsys.readouterr().out

    run("import", str(src), "--speakers", "none")
    run("codebook", "add", "x")
    run("codebook", "add", "y")
    for s in three_coders().spans:
        run("code", "d", s.code, "--span", f"{s.start}:{s.end}", "--coder", s.coder)
    table = run("agreement", "--coders", "A,B,C")
    pooled = next(line for line in table.splitlines() if line.startswith("all codes"))
    kappa = _fleiss([rx + ry for rx, ry in zip(PRESENT["x"], PRESENT["y"], strict=True)])
    assert f"{kappa:.3f}" in pooled
    run("export", "themes", str(tmp_path / "t.md"), "--lang", "en")
    method = (tmp_path / "t.md").read_text(encoding="utf-8")
    assert f"Fleiss' κ = {kappa:.2f}" in method
    assert "mean pairwise" not in method


def test_spans_without_participant_speech_are_reported_as_not_counted_in_every_format():
    import csv
    import io

    import docx

    from qualcode.reports import themes_docx, themes_tables

    s = summarize(_input([(*at("Anna:"), "a"), (0, TEXT.index("\n"), "a"), (*at("Det var bra."), "a")]), "en")
    rows = list(csv.DictReader(io.StringIO(themes_tables.csv_bytes(s).decode("utf-8-sig"))))
    (theme,) = [r for r in rows if r["table"] == "theme"]
    assert (theme["segments"], theme["not_counted"]) == ("1", "2")
    note = "Not counted (R3): coded spans that hold no participant speech"
    assert note in themes_tables.markdown(s).decode("utf-8")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(themes_docx.render(s))).paragraphs]
    assert any(p.startswith(note) and p.endswith("Safety 2.") for p in paragraphs)
    assert any("R1–R9" in p for p in paragraphs)  # the method paragraph cites the rules


# -- case 9: a reconciliation that kept no code ----------------------------------------------------

def test_a_document_reconciled_to_no_code_counts_nothing_not_everyone(tmp_path):
    """R2: karin and li disagree on two sentences, the pair decides 'neither' on both. The
    document is reconciled: it counts the consensus coding (none), not the co-authors' coding it
    rejected; a second, unreconciled document counts everyone's."""
    from qualcode.project import Project

    for name, who in (("fg1", "Anna"), ("fg2", "Bo")):
        (tmp_path / f"{name}.txt").write_text(f"Moderator: Hur var det?\n{who}: Det var tryggt. Det tog tid.\n",
                                              encoding="utf-8")
    with Project(tmp_path / "p.qualcode", create=True) as p:
        p.documents.import_files([tmp_path / "fg1.txt", tmp_path / "fg2.txt"], lang="sv")
        p.codebook.add_code("Trygghet", actor="karin")
        p.codebook.add_theme("Känslor", ["Trygghet"], actor="karin")
        for doc in ("fg1", "fg2"):
            first, second = p.documents.units(doc)[1:3]
            p.coding.add_segment(doc, "Trygghet", first.start, first.end, coder="karin")
            p.coding.add_segment(doc, "Trygghet", second.start, second.end, coder="li")
        queue = [item for item in p.team.reconcile_queue("karin", "li", docs=["fg1"])]
        assert len(queue) == 2
        for item in queue:
            p.team.decide("karin", "li", item.key, "neither", actor="karin")
        assert p.coding.segments(coder="consensus") == []
        summary = p.reports.theme_summary("en")
    (theme,) = summary.themes
    assert (theme.segments, theme.documents) == (2, 1)  # fg2's two, fg1's none
    assert (summary.consensus, summary.consensus_documents) == ("consensus", 1)
    assert summary.coders == ["karin", "li"]
