"""Keyword in context: the query language, word and string matching in Swedish and Chinese, contexts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.errors import QualcodeError
from qualcode.text.kwic import KwicResult, context, find_spans, outermost, parse_query, string_pattern, term_kind
from qualcode.text.normalize import display_width

SV = ("Moderator: Vad tycker läkarna?\n"
      "D1: Läkarna säger att läkaren vet. En allmänläkare är också läkare.\n"
      "D2: Jag tror att patienten litar på läkarens råd.")
ZH = ("主持人：大家觉得安全吗？\n"
      "护士A：我们护士长说安全很重要，护士都要注意安全感。\n"
      "病人B：我头疼，疼得厉害，心疼孩子。\n"
      "主持人：还有吗？\n"
      "护士A：護士也怕疼。")


def import_samples(project, folder):
    """The two sample transcripts, as documents 'sv' (group GP) and 'zh' (group 护理); the query service."""
    (folder / "sv.txt").write_text(SV, encoding="utf-8")
    (folder / "zh.txt").write_text(ZH, encoding="utf-8")
    project.documents.import_files([folder / "sv.txt"], lang="sv", group="GP")
    project.documents.import_files([folder / "zh.txt"], lang="zh", group="护理")
    return project.queries


@pytest.fixture
def queries(project, tmp_path):
    return import_samples(project, tmp_path)


def spans(result):
    return [(h.doc, h.start, h.end) for h in result]


def at(text, word, nth=0):
    i = -1
    for _ in range(nth + 1):
        i = text.index(word, i + 1)
    return i


# --- the query language -------------------------------------------------------------------------


def test_parse_query():
    assert parse_query("läkare").alternatives == (("läkare",),)
    assert parse_query('läkare OR "ta hand om" | vård patient').alternatives == (
        ("läkare",), ("ta", "hand", "om"), ("vård", "patient"))
    assert parse_query("“护士 长”").alternatives == (("护士", "长"),)
    assert parse_query("a OR a").alternatives == (("a",),)
    for bad in ("", "   ", "OR a", "a OR", '"unclosed', "a OR OR b"):
        with pytest.raises(QualcodeError):
            parse_query(bad)


def test_term_kinds():
    assert term_kind("läkare", "auto") == "word"
    assert term_kind("疼", "auto") == "string"
    assert term_kind("疼", "word") == "word"
    assert term_kind("läkare", "string") == "string"
    with pytest.raises(QualcodeError):
        term_kind("x", "fuzzy")


# --- Swedish ------------------------------------------------------------------------------------


def test_swedish_word_finds_every_form_by_lemma(queries):
    hits = list(queries.kwic("läkare"))
    assert [h.match for h in hits] == ["läkarna", "Läkarna", "läkaren", "läkare", "läkarens"]
    assert [h.start for h in hits] == [at(SV, "läkarna"), at(SV, "Läkarna"), at(SV, "läkaren"),
                                       at(SV, " läkare.") + 1, at(SV, "läkarens")]
    # the same from any form of the word, any letter case
    assert spans(queries.kwic("Läkarna")) == spans(hits)
    assert [(h.speaker, h.turn) for h in hits] == [("Moderator", 0), ("D1", 1), ("D1", 1), ("D1", 1), ("D2", 2)]


def test_swedish_string_finds_compounds_not_other_forms(queries):
    hits = list(queries.kwic("läkare", match="string"))
    assert [(h.start, h.match) for h in hits] == [
        (at(SV, "läkaren"), "läkare"), (at(SV, "allmänläkare") + 6, "läkare"),
        (at(SV, " läkare.") + 1, "läkare"), (at(SV, "läkarens"), "läkare")]
    # a hit inside a word keeps the rest of the word as context
    compound = hits[1]
    assert compound.left.endswith("allmän") and compound.right.startswith(" är")


def test_phrase_and_or(queries):
    assert [h.match for h in queries.kwic('"läkaren vet"')] == ["läkaren vet"]
    assert [h.match for h in queries.kwic("läkaren vet")] == ["läkaren vet"]
    assert queries.kwic('"vet läkaren"').spans() == []
    # punctuation between words breaks a phrase
    assert queries.kwic('"vet en"').spans() == []
    both = [h.match for h in queries.kwic("läkare OR patient")]
    assert both == ["läkarna", "Läkarna", "läkaren", "läkare", "patienten", "läkarens"]


def test_filters(queries, project):
    d1 = [h.start for h in queries.kwic("läkare", speakers=["d1"])]
    assert d1 == [at(SV, "Läkarna"), at(SV, "läkaren"), at(SV, " läkare.") + 1]
    with pytest.raises(QualcodeError, match=r"^no group '護理' \(groups: GP, 护理\)$"):
        queries.kwic("läkare", groups=["護理"])  # a typo (here: traditional characters) is said, not silent
    with pytest.raises(QualcodeError, match=r"^no speaker 'D3' \(speakers: D1, D2, Moderator, "):
        queries.kwic("läkare", speakers=["D3"])
    assert len(queries.kwic("läkare", groups=["GP"])) == 5
    assert len(queries.kwic("疼", langs=["sv"])) == 0
    sv = project.documents.get("sv").id
    assert {d for d, _, _ in queries.kwic("läkare OR 疼", docs=[sv]).spans()} == {sv}


def test_pseudonyms_name_the_speaker(queries, project, tmp_path):
    (tmp_path / "p.csv").write_text("id,document,speaker,pseudonym,group\nP1,sv,D1,Läkare 1,GP A\n", encoding="utf-8")
    project.participants.load_csv(tmp_path / "p.csv")
    hits = list(queries.kwic("läkare"))
    assert [h.speaker for h in hits] == ["Moderator", "Läkare 1", "Läkare 1", "Läkare 1", "D2"]
    assert len(queries.kwic("läkare", speakers=["P1"])) == 3
    assert len(queries.kwic("läkare", groups=["GP A"])) == 3  # the participant's group before the document's


def test_json_shape(queries):
    hit = queries.kwic("patient")[0]
    assert list(hit.as_json()) == ["doc", "start", "end", "speaker", "turn", "time", "left", "match", "right"]
    assert hit.as_json()["doc"] == "sv" and hit.as_json()["time"] is None


# --- Chinese ------------------------------------------------------------------------------------


def test_chinese_one_character_anywhere(queries):
    hits = list(queries.kwic("疼"))
    assert [(h.start, h.end) for h in hits] == [(at(ZH, "疼", k), at(ZH, "疼", k) + 1) for k in range(4)]
    assert [h.speaker for h in hits] == ["病人B", "病人B", "病人B", "护士A"]
    # jieba has no word 疼 here (头疼, 疼得, 心疼, 怕疼): as a word it is not found
    assert queries.kwic("疼", match="word").spans() == []


def test_chinese_words_and_strings(queries):
    anywhere = [(h.start, h.match) for h in queries.kwic("护士")]
    assert anywhere == [(at(ZH, "护士长"), "护士"), (at(ZH, "护士都"), "护士")]
    assert [h.start for h in queries.kwic("护士", match="word")] == [at(ZH, "护士都")]  # not 护士长
    assert [h.start for h in queries.kwic("安全")] == [at(ZH, "安全", k) for k in range(3)]  # 安全感 too
    assert [h.start for h in queries.kwic("安全", match="word")] == [at(ZH, "安全", 0), at(ZH, "安全", 1)]
    # across jieba's word boundary (说 | 安全)
    assert [h.match for h in queries.kwic("说安全")] == ["说安全"]


def test_chinese_folding(queries):
    pytest.importorskip("opencc")
    assert [h.match for h in queries.kwic("护士", fold=True)] == ["护士", "护士", "護士"]
    assert [h.match for h in queries.kwic("護士", fold=True)] == ["护士", "护士", "護士"]
    assert [h.match for h in queries.kwic("護士")] == ["護士"]
    # as a word too: the word index is looked up in every spelling
    assert [h.match for h in queries.kwic("護士", match="word", fold=True)] == ["护士", "護士"]
    assert [h.match for h in queries.kwic("護士", match="word")] == ["護士"]


def test_chinese_context_in_cells(queries):
    hit = queries.kwic("头疼", width=6)[0]
    assert (hit.left, hit.match, hit.right) == ("我", "头疼", "，疼得")
    assert display_width(hit.right) == 6


def test_context_stays_in_the_turn(queries):
    first = queries.kwic("大家")[0]
    assert first.left == "" and first.right == "觉得安全吗？"
    moderator = queries.kwic("tycker")[0]
    assert moderator.left == "Vad " and moderator.right == " läkarna?"


# --- the word index agrees with the query -------------------------------------------------------


def test_every_stored_word_is_found_by_its_written_form(queries, project):
    """For each token of the word index, a query for the token as written finds it."""
    import json

    for doc in project.documents.list():
        text = project.documents.get(doc.id).text
        for key, _, stored in queries.store.lemma_rows([doc.id]):
            flat = json.loads(stored)
            for start, end in zip(flat[0::2], flat[1::2], strict=True):
                form = text[start:end]
                assert (doc.id, start, end) in queries.kwic(form, match="word", docs=[doc.id]).spans(), (form, key)


# --- properties: string matching against a brute-force scan ------------------------------------


def brute_force(text: str, query) -> list[tuple[int, int]]:
    """Leftmost, non-overlapping occurrences of each term (letter case ignored), chained into
    phrases across white space, alternatives merged, hits inside longer ones dropped."""
    def occurrences(term):
        found, i = [], 0
        low, t = text.lower(), term.lower()
        while i + len(t) <= len(text):
            if low[i:i + len(t)] == t:
                found.append((i, i + len(t)))
                i += len(t)
            else:
                i += 1
        return found

    hits = set()
    for phrase in query.alternatives:
        chains = occurrences(phrase[0])
        for term in phrase[1:]:
            nxt = occurrences(term)
            chains = [(s, e2) for s, e in chains for s2, e2 in nxt if s2 >= e and text[e:s2].strip() == ""]
        hits |= set(chains)
    return sorted(h for h in hits if not any(o != h and o[0] <= h[0] and h[1] <= o[1] for o in hits))


ALPHABET = "护士长疼安全 abAB\n"
terms = st.text(alphabet="护士长疼安全abAB", min_size=1, max_size=3)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=60),
       alternatives=st.lists(st.lists(terms, min_size=1, max_size=3), min_size=1, max_size=3))
def test_string_matching_equals_brute_force(text, alternatives):
    query = parse_query(" OR ".join('"' + " ".join(p) + '"' for p in alternatives))
    patterns = {t: string_pattern(t) for t in query.terms}
    assert find_spans(query, "string", text, {}, patterns) == brute_force(text, query)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="ab 护士,\n.é", max_size=80), data=st.data())
def test_context_is_an_exact_slice_within_width(text, data):
    if not text:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    width = data.draw(st.integers(0, 12))
    left, right = context(text, start, end, width)
    assert text[start - len(left):start] == left and text[end:end + len(right)] == right
    assert display_width(left) <= width and display_width(right) <= width
    assert not left[:1].isspace() and not right[-1:].isspace()
    # the far end is no cut inside a word, unless that word runs into the hit
    cut = start - len(left)
    if 0 < cut and re.match(r"[abé]{2}", text[cut - 1:cut + 1]):
        assert re.fullmatch(r"[abé]*", text[cut:start])
    stop = end + len(right)
    if stop < len(text) and re.match(r"[abé]{2}", text[stop - 1:stop + 1]):
        assert re.fullmatch(r"[abé]*", text[end:stop])


def test_outermost():
    assert outermost([(0, 5), (1, 3), (0, 5), (4, 8), (6, 7)]) == [(0, 5), (4, 8)]


def test_result_reads_documents_in_batches():
    loads = []

    def load(ids):
        loads.append(list(ids))
        return {i: "ab cd ef" for i in ids}, {}

    located = [(i, f"d{i}", [0, 2, 3, 5]) for i in range(40)]
    result = KwicResult(located, load, width=3)
    assert len(result) == 80 and loads == []
    assert result[79].match == "cd" and result[79].doc == "d39" and result[79].left == "ab "
    assert result[0:2][1].start == 3
    assert sum(1 for _ in result) == 80
    assert all(len(batch) <= KwicResult.BATCH_DOCS for batch in loads)
    assert result.spans()[:2] == [(0, 0, 2), (0, 3, 5)]
