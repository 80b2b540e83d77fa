"""The store's reads for queries, and the query service end to end on a small project."""

from __future__ import annotations

import json

import pytest

from tests.test_queries_kwic import SV, ZH, at, import_samples


@pytest.fixture
def coded(project, tmp_path):
    queries = import_samples(project, tmp_path)
    (tmp_path / "p.csv").write_text("id,document,speaker,pseudonym,group,ort\n"
                                    "P1,sv,D1,Läkare 1,GP A,Lund\nP2,sv,D2,,GP B,Malmö\nP3,zh,护士A,护士1,,\n",
                                    encoding="utf-8")
    project.participants.load_csv(tmp_path / "p.csv")
    for name in ("Skuld", "Tillit", "安全"):
        project.codebook.add_code(name)
    sv, zh = project.documents.get("sv").id, project.documents.get("zh").id
    add = project.coding.add_segment
    add(sv, "Skuld", at(SV, "Läkarna"), at(SV, "vet.") + 4, coder="anna")
    add(sv, "Tillit", at(SV, "säger"), SV.index("råd.") + 4, coder="anna")  # D1 and D2
    add(sv, "Skuld", at(SV, "Vad"), at(SV, "läkarna?") + 8, coder="anna")  # the moderator only
    add(sv, "Skuld", at(SV, "Läkarna"), at(SV, "vet.") + 4, coder="bo")
    add(zh, "安全", at(ZH, "我们"), at(ZH, "安全感") + 4, coder="anna")
    add(zh, "Tillit", at(ZH, "護士"), len(ZH), coder="anna")
    return queries, sv, zh


def test_store_reads(coded, project):
    queries, sv, zh = coded
    store = queries.store
    assert [d.name for d in store.document_refs()] == ["sv", "zh"]
    assert [d.name for d in store.document_refs([zh])] == ["zh"]
    assert set(store.texts_containing(["疼"])) == {zh}
    assert set(store.texts_containing(["疼", "läkaren"])) == {sv, zh}
    assert store.texts_containing(["疼"], [sv]) == {}
    postings = store.lemma_postings(["läkare", "安全"])
    assert json.loads(postings["läkare"][sv])[:2] == [at(SV, "läkarna"), at(SV, "läkarna") + 7]
    first, second = at(ZH, "安全"), at(ZH, "安全", 1)
    assert json.loads(postings["安全"][zh]) == [first, first + 2, second, second + 2]
    turns = store.speech_turns([sv])[sv]
    assert [(t.label, t.participant, t.speaker) for t in turns] == [
        ("Moderator", "sv/Moderator", "Moderator"), ("D1", "P1", "Läkare 1"), ("D2", "P2", "D2")]
    assert [tuple(t[:3]) for t in store.turn_rows().tolist()] == [(sv, t.start, t.end) for t in turns] + [
        (zh, t.start, t.end) for t in store.speech_turns([zh])[zh]]
    assert store.sentence_spans([sv])[sv] == [(u.start, u.end) for u in project.documents.units(sv)]
    anna = store.coder_ids()["anna"]
    assert store.span_array(coder_ids=[anna]).shape == (5, 6)
    assert store.span_array(doc_ids=[zh], code_ids=[project.codebook.code("安全").id]).shape == (1, 6)
    assert {p.key: p.speakers for p in store.all_participants()}["P1"] == [("sv", "D1")]
    assert store.label_spans([zh])[0].tolist() == [zh, 0, ZH.index("大家")]


def test_matrix_through_the_service(coded):
    queries, sv, zh = coded
    m = queries.matrix("codes", "group")
    assert m.rows == ["Skuld", "Tillit", "安全"]
    assert m.cols == ["GP A", "GP B", "护理"]
    assert m.cells == [[1, 0, 0], [1, 1, 1], [0, 0, 1]]  # the moderator's Skuld is no evidence
    assert m.row_totals == [1, 2, 1] and m.col_totals == [2, 1, 2] and m.total == 4
    by_participant = queries.matrix("codes", "participant", cells="participants", coders=["bo"])
    assert by_participant.cols == ["Läkare 1", "P2", "护士1", "zh/病人B"] and by_participant.cells[0] == [1, 0, 0, 0]
    assert queries.matrix("codes", "ort").cols == ["Lund", "Malmö", None]
    assert [s.doc_id for s in m.segments(1, 2)] == [zh]


def test_cooccurrence_words_and_autocode_through_the_service(coded, project):
    queries, sv, zh = coded
    pairs = queries.cooccurrence("overlap").pairs
    names = queries.code_labels()
    assert [(names[p.a], names[p.b], p.count) for p in pairs] == [("Skuld", "Tillit", 1)]
    assert queries.cooccurrence("overlap").as_json(names) == [
        {"a": "Skuld", "b": "Tillit", "count": 1, "jaccard": pytest.approx(
            # shared: "säger … vet."; either: the moderator's question, "Läkarna … råd." and Tillit in zh
            (SV.index("vet.") + 4 - SV.index("säger"))
            / (len("Vad tycker läkarna?") + SV.index("råd.") + 4 - SV.index("Läkarna") + len(ZH) - ZH.index("護士")))}]
    assert [(names[p.a], names[p.b], p.count) for p in queries.cooccurrence("document").pairs] == [
        ("Skuld", "Tillit", 1), ("Tillit", "安全", 1)]
    words = queries.words(by="speaker", langs=["sv"])
    assert {w.word: w.count for w in words.words}["läkare"] == 4  # the moderator's läkarna is not counted
    assert words.cols == ["Läkare 1", "P2"]  # participants by pseudonym, else by key
    plan = queries.plan_autocode(project.codebook.code("Skuld").id, "anna", query="läkare", unit="sentence")
    # four sentences ("… vet." and "En …" are two); the moderator's and "Läkarna … vet." are coded already
    assert (plan.hits, plan.units, plan.already_coded) == (5, 4, 2)
    plan = queries.plan_autocode(project.codebook.code("安全").id, "anna", speaker="护士1", unit="turn")
    # the nurse's first turn is coded whole already (我们 … 安全感。)
    assert (plan.hits, plan.already_coded, plan.spans) == (2, 1, [(zh, ZH.index("護士"), len(ZH))])


def test_kwic_hits_carry_the_turn_time(project):
    from tests.conftest import CORPORA

    project.documents.import_files([CORPORA / "sv" / "fokusgrupp3_sjukhuslakare.vtt"], lang="sv")
    hit = project.queries.kwic("medicinkliniken")[0]
    assert (hit.speaker, hit.turn, hit.time) == ("Anna", 1, 23.293)  # cues 3 and 4: Anna's first turn
    assert hit.left == "Jag kan börja. Jag jobbar på " and hit.match == "medicinkliniken"


def test_folding_without_opencc_says_how_to_get_it(monkeypatch):
    import sys

    from qualcode.errors import QualcodeError
    from qualcode.text import fold

    monkeypatch.setitem(sys.modules, "opencc", None)
    monkeypatch.setattr(fold, "_classes", {})
    with pytest.raises(QualcodeError, match=r"pip install 'qualcode\[chinese\]'"):
        fold.folded_pattern("护士")


def test_written_forms_and_stop_words(coded):
    queries, sv, zh = coded
    forms = {w.word: w.count for w in queries.words(langs=["sv"], lemma=False).words}
    # participants' speech only: D1 and D2 (the moderator's "Vad tycker läkarna?" is left out)
    assert forms["läkarna"] == 1 and forms["läkaren"] == 1 and forms["läkare"] == 1 and forms["allmänläkare"] == 1
    assert "tycker" not in forms
    # stop words as written or by their lemma: "är" (lemma vara), "att", "på" are out; "tror" is not
    assert "är" not in forms and "att" not in forms and "på" not in forms and forms["tror"] == 1
    everything = queries.words(langs=["sv"], lemma=False, stop=False)
    assert {w.word: w.count for w in everything.words}["att"] == 2
    assert everything.tokens == queries.words(langs=["sv"], lemma=False).tokens == sum(
        w.count for w in everything.words)


def test_themes_and_the_consensus(coded, project):
    queries, sv, zh = coded
    project.codebook.add_theme("Relation", ["Skuld", "Tillit"])
    themes = queries.matrix("themes", "document")
    assert themes.rows == ["Relation"] and themes.cells == [[2, 1]]  # Skuld and Tillit spans in sv, Tillit in zh
    # a consensus made for one document replaces everyone's coding there, and only there
    project.coding.add_segment(sv, "Tillit", at(SV, "Jag tror"), len(SV), coder="consensus")
    consensus = queries.matrix("codes", "document")
    assert consensus.cells == [[0, 0], [1, 1], [0, 1]]
    assert [s.coder_id for s in consensus.segments(1, 0)] == [queries.store.coder_ids()["consensus"]]


def test_a_blind_view_counts_only_what_it_shows(coded, project):
    from qualcode.model import BlindView

    queries, sv, zh = coded
    everyone = queries.matrix("codes", "group")
    assert everyone.cells[0] == [1, 0, 0]  # Skuld: anna's and bo's same span, one segment
    blind = queries.matrix("codes", "group", blind=BlindView("bo", frozenset()))
    assert blind.cells == [[1, 0, 0], [0, 0, 0], [0, 0, 0]]  # bo's own Skuld only
    assert {s.coder_id for s in blind.segments(0, 0)} == {queries.store.coder_ids()["bo"]}
    done = queries.matrix("codes", "group", blind=BlindView("bo", frozenset({sv})))
    assert done.cells == [[1, 0, 0], [1, 1, 0], [0, 0, 0]]  # anna's coding of sv, not of zh
    assert queries.cooccurrence("document", blind=BlindView("bo", frozenset())).pairs == []
    assert queries.matrix("codes", "group", blind=BlindView("bo", None)).cells == everyone.cells  # blind off
