"""Cutting text to terminal cells: the longest prefix that fits with its mark, however long the text."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from qualcode.text.width import display_width, fit_width


@given(st.text(alphabet="ab 护士说å…", max_size=300), st.integers(0, 80))
def test_fit_width_keeps_the_longest_prefix_that_fits(text, cells):
    cut = fit_width(text, cells)
    if display_width(text) <= cells:
        assert cut == text
        return
    kept = cut[:-1]
    assert cut.endswith("…") and text.startswith(kept)
    assert display_width(kept) <= cells - 1 or kept == ""
    assert len(kept) == len(text) or display_width(text[:len(kept) + 1]) > cells - 1


def test_a_long_segment_is_clipped_without_measuring_every_prefix():
    assert fit_width("护士" * 50_000, 7) == "护士护…"


# every character class the widths and languages tell apart: narrow, wide BMP, wide astral,
# the ends of the wide ranges, Latin letters of the language test, a lone surrogate
CHARACTERS = st.one_of(st.characters(), st.sampled_from(
    "aZåÄÖéÉü护士说：，。🙂\u10ff\u1100\u115f\u1160\u2e7f\u2e80\u303e\u303f\u33ff\u3400\u9fff\ua000"
    "\ufaff\ufe30\uff60\uffe6\uffe7\U0001f2ff\U0001f300\U00020000\U0003fffd\U0003fffe\ud800\n "))


def bounds():
    from qualcode.text.width import WIDE_RANGES

    return ["".join(chr(c) for c in (low - 1, low, high, high + 1)) for low, high in WIDE_RANGES]


@given(st.lists(st.text(CHARACTERS, max_size=40), max_size=30))
@example(lines=bounds())
@example(lines=["", "\ud800", "", "护"])
def test_line_widths_are_each_lines_display_width(lines):
    """Counted by numpy for all lines at once, as the regex counts each line."""
    from qualcode.text.width import line_widths

    assert line_widths(lines) == [display_width(line) for line in lines]


def naive_language(text: str) -> str:
    """The rule of text/lang.py written plainly (regexes and a word at a time)."""
    import re

    from qualcode.text.lang import _EN, _SV

    sample = text[:20_000]
    han = len(re.findall(r"[\u3400-\u9fff]", sample))
    words = [w.lower() for w in re.findall(r"[A-Za-zÅÄÖåäöÉé]+", sample)]
    if han and han >= 0.3 * (han + sum(len(w) for w in words)):
        return "zh"
    sv = sum(1 for w in words if w in _SV)
    en = sum(1 for w in words if w in _EN)
    return "en" if en > sv else "sv"


@given(st.lists(st.one_of(st.text(CHARACTERS, max_size=30), st.sampled_from(
    ["och", "att", "the", "and", "Det", "THE", " ", "护士说", "我们", "ÅÄÖ", "x" * 20])), max_size=40))
def test_the_language_follows_its_rule(parts):
    from qualcode.text.lang import detect_language

    text = " ".join(parts)
    assert detect_language(text) == naive_language(text)
    assert detect_language(text * 2000) == naive_language(text * 2000)  # past the 20,000 sampled
