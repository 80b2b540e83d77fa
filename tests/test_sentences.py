"""Sentence rules, held to a table: decimal numbers never split, a full stop before a number
word does, list numbers at a line start begin an item and are never sentences of their own."""

from __future__ import annotations

import pytest

from qualcode.text.nlp import WordIndex, analyze

CASES = [
    # Swedish: a number word after a full stop starts a sentence; decimals never split
    ("sv", "Vi sitter i 1,5 timme. Fyra gånger per termin.", ["Vi sitter i 1,5 timme.", "Fyra gånger per termin."]),
    ("sv", "Det tog 2,5 timmar. Sedan gick vi.", ["Det tog 2,5 timmar.", "Sedan gick vi."]),
    ("sv", "Det tog 2.5 timmar och 3,75 procent av tiden.", ["Det tog 2.5 timmar och 3,75 procent av tiden."]),
    ("sv", "Vi ses kl. 14.30 i morgon.", ["Vi ses kl. 14.30 i morgon."]),
    ("sv", "Det gäller resp. tre grupper.", ["Det gäller resp. tre grupper."]),
    ("sv", "Vi pratade om skam osv. Sedan gick vi.", ["Vi pratade om skam osv.", "Sedan gick vi."]),
    ("sv", "Det blev 12. Sedan gick vi hem.", ["Det blev 12.", "Sedan gick vi hem."]),
    # Swedish lists: the number starts the item, its full stop ends nothing
    ("sv", "Punkterna:\n1. Tid\n2. Plats", ["Punkterna:", "1. Tid", "2. Plats"]),
    ("sv", "1. Första punkten är tiden.\n2. Andra är platsen.",
     ["1. Första punkten är tiden.", "2. Andra är platsen."]),
    ("sv", "Vi har 1. tid och 2. plats att tänka på.", ["Vi har 1. tid och 2. plats att tänka på."]),
    ("sv", "Två saker:\n  3) schemat\n  4) lokalen", ["Två saker:", "3) schemat", "4) lokalen"]),
    # Chinese: "." after a number is a list number or a decimal point, never a sentence end
    ("zh", "大概1.5个小时。然后就结束了。", ["大概1.5个小时。", "然后就结束了。"]),
    ("zh", "费用是3.5元。很便宜。", ["费用是3.5元。", "很便宜。"]),
    ("zh", "我们讨论了两点：\n1. 时间。\n2. 地点。", ["我们讨论了两点：", "1. 时间。", "2. 地点。"]),
    ("zh", "1.时间安排\n2.排班问题", ["1.时间安排", "2.排班问题"]),
    ("zh", "然后第2. 个问题是排班。", ["然后第2. 个问题是排班。"]),
    ("zh", "我很害怕。你呢？我也是！", ["我很害怕。", "你呢？", "我也是！"]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES)
def test_sentences(lang, text, expected):
    spans = zip(*analyze(lang, [text], [0], WordIndex()), strict=True)  # starts, ends
    assert [text[a:b] for a, b in spans] == expected


def test_offsets_follow_the_piece_base():
    text = "Intro.\nPunkterna:\n1. Tid\n2. Plats"
    piece = text[7:]
    spans = zip(*analyze("sv", [piece], [7], WordIndex()), strict=True)
    assert [text[a:b] for a, b in spans] == ["Punkterna:", "1. Tid", "2. Plats"]
