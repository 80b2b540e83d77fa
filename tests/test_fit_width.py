"""Cutting text to terminal cells: the longest prefix that fits with its mark, however long the text."""

from __future__ import annotations

from hypothesis import given
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
