"""Pinned pictures of the coding screen: coloured spans, overlaps and selection, the coding
stripes beside the transcript (yours, a co-author's, both; turn times of a timed transcript),
Swedish and Chinese, wide and small terminals. They guard the TextArea internals the
transcript and the gutter use."""

from __future__ import annotations

import pytest

from qualcode.project import Project
from qualcode.tui.app import make_app

# a coded passage of each (overlapping codes, several coders): the screen centres on it
PASSAGES = {"fokusgrupp3_sjukhuslakare": "Jag skämdes över hur arg jag blev.",
            "zhongliu_huli_jiaoliu": "我们每天在病房里跑来跑去"}


def _app(path, name):
    with Project(path) as p:
        doc = p.documents.get(name)
    # karin sees everyone's coding (blind coding lifted), so stripes show hers and her co-authors'
    return make_app(path, coder="karin", doc=doc.id, layer="all", unblind=True), doc.text.index(PASSAGES[name])


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@pytest.mark.parametrize("name", list(PASSAGES))
def test_coding_screen(snap_compare, demo_path, name, size):
    app, start = _app(demo_path, name)

    async def select(pilot) -> None:
        from qualcode.tui.widgets.transcript import TranscriptView

        await pilot.pause()  # laid out first: the transcript wraps beside the gutter, then centres
        app.query_one(TranscriptView).select_offsets(start, start + len(PASSAGES[name]))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=select)
