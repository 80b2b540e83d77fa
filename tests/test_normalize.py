"""Normalisation and reflow of hard-wrapped text."""

from __future__ import annotations

from itertools import pairwise

import pytest

from conftest import CORPORA, FIXTURES
from qualcode.text.normalize import clean, normalize, reflow


def test_clean_bom_newlines_nfc_controls():
    assert clean("\ufeffa\r\nb\rc\u0065\u0301\x00\x07d\te") == "a\nb\ncé" + "d\te"


@pytest.mark.parametrize("name", ["zh_article_hardwrapped", "sv_article_blankwrapped"])
def test_reflow_matches_hand_made_expectation(name):
    source = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    expected = (FIXTURES / f"{name}.expected.txt").read_text(encoding="utf-8")
    assert normalize(source) == expected


def test_hard_wrapped_chinese_loses_only_line_breaks_and_gains_no_spaces():
    source = (FIXTURES / "zh_article_hardwrapped.txt").read_text(encoding="utf-8")
    result = normalize(source)
    assert result.replace("\n", "") == source.replace("\n", "")
    assert result.count(" ") == source.count(" ")
    lines = result.split("\n")
    header = "· 903 ·某某期刊 2020 年 12 月 第 36 卷 第 12 期"
    assert header in lines  # the page header survives as its own line
    assert "关键词：巴林特小组；护士；职业倦怠" in lines
    assert "1 对象与方法" in lines and "1.1 研究对象" in lines


def test_wrapped_swedish_joined_with_one_space_headings_and_bullets_kept():
    source = (FIXTURES / "sv_article_blankwrapped.txt").read_text(encoding="utf-8")
    lines = normalize(source).split("\n")
    assert {"Bakgrund", "Metod", "Resultat"} <= set(lines)
    assert sum(1 for line in lines if line.startswith("• ")) == 3
    assert any(line.startswith("Syfte: ") for line in lines)


def test_transcript_with_hard_wraps_keeps_each_turn_a_paragraph():
    text = (CORPORA / "sv" / "fokusgrupp4_st_lakare.txt").read_text(encoding="utf-8")
    result = normalize(text)
    paragraphs = [p for p in result.split("\n") if p]
    assert len(paragraphs) == 43
    assert all(p.startswith("[00:") for p in paragraphs)
    assert result.replace("\n", " ").split() == text.replace("\n", " ").split()


def test_blank_wrapped_chinese_transcript_joins_without_spaces():
    text = (CORPORA / "zh" / "erke_huli_pdf.txt").read_text(encoding="utf-8")
    result = normalize(text)
    assert result.replace("\n", "") == text.replace("\n", "")
    paragraphs = [p for p in result.split("\n") if p]
    assert len(paragraphs) == 35  # a header line and 34 turns
    assert all(p[:2] in ("主持", "甲：", "乙：", "丙：", "丁：") for p in paragraphs[1:])


@pytest.mark.parametrize("text", [
    "Moderator: Hej.\nD1: Kort.\nModerator: Och?\nD2: Längre svar här, men ändå en rad.\n",
    "En rad.\n\nEn annan rad som är lite längre än den första.\n\nKort.\n",
    "主持人：大家好。\n护士A：好。\n主持人：请说说。\n护士B：我先说吧，我觉得很好。\n",
])
def test_text_that_is_not_wrapped_is_left_alone(text):
    assert reflow(text) == text


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from qualcode.text.normalize import clean_offsets  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab é\r\n\x01\ufeff\u0301\u0308😀中")), max_size=30))
def test_clean_offsets_map_every_raw_offset_into_the_clean_text(raw):
    cleaned = clean(raw)
    mapping = clean_offsets(raw)
    assert len(mapping) == len(raw) + 1 and mapping[-1] == len(cleaned) and mapping[0] == 0
    assert all(a <= b for a, b in pairwise(mapping))
    # a letter lands on itself, or on the character it composed into
    import unicodedata

    for i, ch in enumerate(raw):
        if ch.isalpha() and mapping[i + 1] > mapping[i]:
            assert unicodedata.normalize("NFD", cleaned[mapping[i]])[0] == unicodedata.normalize("NFD", ch)[0]


def test_dashes_and_page_references_inside_wrapped_swedish_are_joined():
    line = "Det här är en rad som är tillräckligt lång för att vara ombruten text"
    text = "\n".join([line, "– det som hände sen var att vi pratade vidare om det hela,", line,
                      "s. 12 och framåt beskriver hur gruppen arbetade med frågorna.", line, "Slut."])
    result = reflow(text)
    assert "text – det som" in result and "text s. 12 och" in result


def test_an_exact_cut_is_a_chinese_extractor_habit_not_a_swedish_one():
    lines = ["a" * 60 + " abc", "b" * 60 + " abcd", "c" * 60 + " abc", "d" * 60 + " abcd", "e" * 60 + " abc", "Slut."]
    assert reflow("\n".join(lines)).count("\n") == 0
