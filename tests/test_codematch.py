"""The code picker's ranking on the demo codebook (codebooks/balint.yaml): what a coder types,
in Swedish, Chinese or English, and the code that must come first."""

from __future__ import annotations

import pytest

from conftest import ROOT
from qualcode.analysis.codematch import (
    EXACT,
    FUZZY,
    IN_ORDER,
    PREFIX,
    SUBSTRING,
    WORD_PREFIX,
    code_path,
    fold,
    match_label,
    rank_codes,
)
from qualcode.project import Project


@pytest.fixture(scope="module")
def codes(tmp_path_factory):
    with Project(tmp_path_factory.mktemp("cm") / "p.qualcode", create=True) as p:
        p.codebook.load(ROOT / "codebooks" / "balint.yaml", actor="t")
        return p.codebook.codes()


# query, display language -> (first code's name, the label that matched, its rung)
TABLE = [
    # the cases: a word's start finds it, whatever the case
    ("ilska", "sv", "Ilska och irritation", "Ilska och irritation", PREFIX),
    ("tid", "sv", "Tid och schemaläggning", "Tid och schemaläggning", PREFIX),
    ("skift", "sv", "Skiftarbete och familj", "Skiftarbete och familj", PREFIX),
    ("Tid", "zh", "Tid och schemaläggning", "Tid och schemaläggning", PREFIX),
    ("leader", "sv", "Ledarens hållning", "The leader's stance", WORD_PREFIX),
    ("the leader", "en", "Ledarens hållning", "The leader's stance", PREFIX),
    # accents: optional when not typed, respected when typed
    ("radsla", "sv", "Rädsla och oro", "Rädsla och oro", PREFIX),
    ("RÄDSLA OCH ORO", "sv", "Rädsla och oro", "Rädsla och oro", EXACT),
    ("maktlos", "sv", "Maktlöshet", "Maktlöshet", PREFIX),
    ("satta ord", "sv", "Sätta ord på känslor", "Sätta ord på känslor", PREFIX),
    ("skam", "sv", "Skuld och skam", "Skuld och skam", WORD_PREFIX),
    ("ilska irr", "sv", "Ilska och irritation", "Ilska och irritation", WORD_PREFIX),
    ("känsl", "sv", "Känslor som information", "Känslor som information", PREFIX),
    # typos: a forgiving match, last
    ("sekretes", "sv", "Sekretess", "Sekretess", PREFIX),
    ("trygget", "sv", "Trygghet i gruppen", "Trygghet i gruppen", FUZZY),
    ("irritaton", "sv", "Ilska och irritation", "Ilska och irritation", FUZZY),
    ("confidentality", "en", "Sekretess", "Confidentiality", FUZZY),
    # English labels
    ("confidentiality", "sv", "Sekretess", "Confidentiality", EXACT),
    ("fear", "sv", "Rädsla och oro", "Fear and anxiety", PREFIX),
    ("shame", "en", "Skuld och skam", "Guilt and shame", WORD_PREFIX),
    ("online", "en", "Digital tillgänglighet", "Online accessibility", PREFIX),
    # Chinese: characters anywhere, or in order
    ("保密", "zh", "Sekretess", "保密", EXACT),
    ("愧疚", "zh", "Skuld och skam", "愧疚与羞耻", PREFIX),
    ("时间", "sv", "Tid och schemaläggning", "时间与排期", PREFIX),
    ("焦虑", "zh", "Rädsla och oro", "害怕与焦虑", SUBSTRING),
    ("害焦", "zh", "Rädsla och oro", "害怕与焦虑", IN_ORDER),
    ("小组", "zh", "Trygghet i gruppen", "小组中的安全感", PREFIX),
]


@pytest.mark.parametrize(("query", "lang", "name", "label", "rung"), TABLE)
def test_first_result(codes, query, lang, name, label, rung):
    first = rank_codes(codes, query, lang)[0]
    assert (first.code.name, first.label, first.rank) == (name, label, rung)


def test_leader_finds_only_the_leaders_codes(codes):
    found = [m.code.name for m in rank_codes(codes, "leader", "sv")]
    assert found == ["Ledarens hållning", "Ledaren skyddar gruppen"]  # the shorter label first
    assert "Rädsla och oro" not in [m.code.name for m in rank_codes(codes, "lead", "sv")]


def test_typed_accents_count(codes):
    found = rank_codes(codes, "rä", "sv")
    assert found[0].code.name == "Rädsla och oro"
    assert all("ä" in m.label.casefold() for m in found)
    assert [m.code.name for m in rank_codes(codes, "ra", "sv")][0] == "Rädsla och oro"


def test_nothing_found_is_nothing(codes):
    assert rank_codes(codes, "xyzzy", "sv") == []
    assert rank_codes(codes, "qq", "zh") == []


def test_categories_and_retired_codes_are_not_offered(codes):
    names = {m.code.name for m in rank_codes(codes, "", "sv", limit=100)}
    assert "Gruppen som rum" not in names and "Trygghet i gruppen" in names
    assert "Ledaren och mötesformen" not in [m.code.name for m in rank_codes(codes, "the leader", "en")]
    from dataclasses import replace

    retired = [replace(c, retired=True) if c.name == "Sekretess" else c for c in codes]
    assert [m.code.name for m in rank_codes(retired, "sekretess", "sv")] == []


def test_spans_point_into_the_label_as_shown():
    assert match_label("radsla", "Rädsla och oro") == (PREFIX, False, [(0, 6)])
    assert match_label("rä", "Rädsla och oro") == (PREFIX, True, [(0, 2)])
    assert match_label("ilska irr", "Ilska och irritation") == (WORD_PREFIX, True, [(0, 5), (10, 13)])
    assert match_label("害焦", "害怕与焦虑") == (IN_ORDER, True, [(0, 1), (3, 4)])
    # a folded character that grows (ß -> ss) still points at its own character
    assert fold("Straße")[0] == "strasse" and fold("Straße")[1] == [0, 1, 2, 3, 4, 4, 5]
    assert match_label("strasse", "Große Straße")[2] == [(6, 12)]


def test_path_from_the_top(codes):
    tid = next(c for c in codes if c.name == "Tid och schemaläggning")
    assert code_path(tid, codes, "sv") == ["Hinder och svåra erfarenheter", "Tid och schemaläggning"]
    assert code_path(tid, codes, "zh") == ["障碍与负面经历", "时间与排期"]


def test_pinyin_when_pypinyin_is_installed(codes):
    pytest.importorskip("pypinyin")
    for query, name in [("baomi", "Sekretess"), ("bao mi", "Sekretess"), ("bm", "Sekretess"),
                        ("kj", "Skuld och skam"), ("xiaozu", "Trygghet i gruppen")]:
        first = rank_codes(codes, query, "zh")[0]
        assert (first.code.name, first.rank) == (name, SUBSTRING), query
    # never from the middle of a word: "anx" is anxiety, not chuAN Xi (喘息空间)
    assert [m.code.name for m in rank_codes(codes, "anx", "en")] == ["Rädsla och oro"]
