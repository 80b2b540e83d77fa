"""The columns the agreement and the summary compute from (analysis/columns.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.analysis.columns import IdIndex, JoinedTexts, sort_order


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_sort_order_is_lexsort(data):
    n = data.draw(st.integers(0, 60))
    keys = [np.array(data.draw(st.lists(st.one_of(st.integers(-3, 3), st.integers(-2**40, 2**40)),
                                        min_size=n, max_size=n)), np.int64)
            for _ in range(data.draw(st.integers(1, 4)))]
    assert sort_order(*keys).tolist() == np.lexsort(keys).tolist()


@given(st.lists(st.text(alphabet="ab \n\u3000\u00a0我", max_size=12), max_size=6))
def test_joined_texts_count_non_whitespace_before_every_position(texts):
    joined = JoinedTexts(texts)
    line = "".join(texts)
    assert joined.nonwhite.tolist() == [sum(not c.isspace() for c in line[:i]) for i in range(len(line) + 1)]
    assert joined.nonwhite_chars.tolist() == [not c.isspace() for c in line]
    assert joined.start.tolist() == [sum(map(len, texts[:i])) for i in range(len(texts) + 1)]


def test_id_index_maps_ids_to_places_and_others_to_minus_one():
    assert IdIndex([7, 3])(np.array([3, 3, 7, 9, -1, 0])).tolist() == [1, 1, 0, -1, -1, -1]
    assert IdIndex([])(np.array([1])).tolist() == [-1]
