"""Pinned pictures of the coding screen: coloured spans, overlaps and selection, Swedish and
Chinese, wide and small terminals. They guard the TextArea internals the transcript uses."""

from __future__ import annotations

import pytest

from qualcode.project import Project
from qualcode.tui.app import make_app


def _app(path, name):
    with Project(path) as p:
        doc = p.documents.get(name)
    return make_app(path, coder="snap", doc=doc.id)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@pytest.mark.parametrize("name", ["fokusgrupp1_allmanlakare", "zhongliu_huli_jiaoliu"])
def test_coding_screen(snap_compare, demo_path, name, size):
    # show every coder's spans (v), move into the coded part and select a sentence
    keys = ["v", *["right_curly_bracket"] * 3, "right_square_bracket"]
    assert snap_compare(_app(demo_path, name), terminal_size=size, press=keys)
