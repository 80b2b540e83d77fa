"""Speaker turns: every label style the issue names, in both languages, with exact offsets."""

from __future__ import annotations

import pytest

from qualcode.text.speakers import find_turns

CASES = [
    ("Moderator: Hur var det?\nD1: Bra.\n", [("Moderator", "Hur var det?"), ("D1", "Bra.")]),
    ("M: Fråga.\nLäkare 2: Svar ett.\nM: Till?\nLäkare 2: Svar två.",
     [("M", "Fråga."), ("Läkare 2", "Svar ett."), ("M", "Till?"), ("Läkare 2", "Svar två.")]),
    ("Deltagare 3: Ja.\nModerator: Och?\nDeltagare 3: Nej.",
     [("Deltagare 3", "Ja."), ("Moderator", "Och?"), ("Deltagare 3", "Nej.")]),
    ("[00:12:03] Anna: Hej hej.\n[00:12:09] Erik: Tjena.\n[00:13:00] Anna: Då så.",
     [("Anna", "Hej hej."), ("Erik", "Tjena."), ("Anna", "Då så.")]),
    ("Anna (00:12:03): Först.\nErik (00:12:20): Sen.\nAnna (00:12:40): Sist.",
     [("Anna", "Först."), ("Erik", "Sen."), ("Anna", "Sist.")]),
    ("主持人：大家好。\n护士A：你好。\n主持人：请说。",
     [("主持人", "大家好。"), ("护士A", "你好。"), ("主持人", "请说。")]),
    ("主持人：开始吧。\n医生 2：好的。\n医生 3: 我也来。",
     [("主持人", "开始吧。"), ("医生 2", "好的。"), ("医生 3", "我也来。")]),
    ("甲：是的。\n乙：不是。\n甲：为什么？", [("甲", "是的。"), ("乙", "不是。"), ("甲", "为什么？")]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_label_styles_give_exact_turns(text, expected):
    turns = find_turns(text)
    assert [(t.speaker, text[t.start:t.end]) for t in turns] == expected
    for turn in turns:
        label = text[turn.label_start:turn.start]
        assert label.rstrip().endswith((":", "：")) or "(" in label


def test_turn_runs_to_next_label_across_lines_and_timestamps_are_kept():
    text = "[00:01:00] Moderator: Välkomna.\nVi börjar nu.\n\n[00:02:30] D1: Tack.\n"
    turns = find_turns(text)
    assert [(t.speaker, text[t.start:t.end]) for t in turns] == [
        ("Moderator", "Välkomna.\nVi börjar nu."), ("D1", "Tack.")]
    assert turns[0].label_start == 0 and text[turns[0].label_start:turns[0].start] == "[00:01:00] Moderator: "
    assert (turns[0].time_start, turns[0].time_end) == (60.0, 150.0)


def test_article_headings_list_items_and_colons_are_not_speakers():
    article = (
        "Balintgrupper i primärvården\n"
        "Syfte: att beskriva erfarenheter.\n"
        "Metod: fokusgrupper med läkare.\n"
        "1. Inledning: bakgrund till studien.\n"
        "Tre teman framträdde: trygghet, tid och ledarskap.\n"
        "Resultat: gruppen gav stöd.\n"
    )
    assert find_turns(article) == []
    zh_article = ("摘要：本文探讨巴林特小组。\n关键词：巴林特小组；护士\n目的：了解护士的体验。\n"
                  "护士提到三个方面：时间、信任。\n")
    assert find_turns(zh_article) == []


def test_speakers_none_and_regex():
    text = "Moderator: Hej.\nD1: Hej!\n"
    assert find_turns(text, "none") == []
    turns = find_turns("<<Anna>> hej\n<<Bo>> tja\n", r"<<(?P<speaker>\w+)>>")
    assert [(t.speaker, t.start, t.end) for t in turns] == [("Anna", 9, 12), ("Bo", 20, 23)]


def test_label_alone_on_its_line_speech_below():
    text = "Moderator:\nHur var det?\nD1:\nBra."
    turns = find_turns(text)
    assert [(t.speaker, text[t.start:t.end]) for t in turns] == [("Moderator", "Hur var det?"), ("D1", "Bra.")]


@pytest.mark.parametrize("speech_line", [
    "Ja: jag är helt säker.", "Alltså: det var så.", "OK: vi kör.", "Nej: aldrig.",
])
def test_words_that_start_speech_are_not_speakers(speech_line):
    text = f"Moderator: Hur var det?\nD1: Det var bra, och jag sa\n{speech_line}\nModerator: Tack.\nD1: Ja: precis.\n"
    turns = find_turns(text)
    assert [t.speaker for t in turns] == ["Moderator", "D1", "Moderator", "D1"]
    assert speech_line in text[turns[1].start:turns[1].end]


def test_chinese_reported_speech_is_not_a_speaker():
    text = ("主持人：请说说。\n护士A：有一次病人家属问我，\n我说：没关系。\n她又问：真的吗？\n"
            "我说：真的。\n主持人：后来呢？\n护士A：后来就好了。\n")
    turns = find_turns(text)
    assert [t.speaker for t in turns] == ["主持人", "护士A", "主持人", "护士A"]
    assert "我说：真的。" in text[turns[1].start:turns[1].end]
