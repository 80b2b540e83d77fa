"""Autocoding applied: one transaction, one undo step, one event; a dry run writes nothing."""

from __future__ import annotations

import pytest

from conftest import store_of
from qualcode.errors import QualcodeError
from tests.test_queries_kwic import SV, ZH, at, import_samples


@pytest.fixture
def samples(project, tmp_path):
    import_samples(project, tmp_path)
    for name in ("Skuld", "安全"):
        project.codebook.add_code(name)
    return project


def spans_of(project, coder="anna"):
    return [(s.doc, s.start, s.end, s.code) for s in project.coding.segments(coder=coder)]


def test_dry_run_shows_the_segments_and_writes_nothing(samples):
    project = samples
    plan = project.queries.plan_autocode("Skuld", "anna", query="läkare")
    preview = project.coding.apply_autocode(plan, dry_run=True)
    assert [(s.doc, s.start, s.end, s.text) for s in preview] == [
        ("sv", at(SV, "läkarna"), at(SV, "läkarna") + 7, "läkarna"),
        ("sv", at(SV, "Läkarna"), at(SV, "Läkarna") + 7, "Läkarna"),
        ("sv", at(SV, "läkaren"), at(SV, "läkaren") + 7, "läkaren"),
        ("sv", at(SV, "läkare."), at(SV, "läkare.") + 6, "läkare"),
        ("sv", at(SV, "läkarens"), at(SV, "läkarens") + 8, "läkarens")]
    assert all(s.id is None and s.uid is None and s.coder == "anna" and s.code == "Skuld" for s in preview)
    assert project.coding.segments() == []
    assert store_of(project).events("autocode") == []


def test_applied_as_one_undo_step_and_one_event(samples):
    project = samples
    sv = project.documents.get("sv").id
    project.coding.add_segment(sv, "Skuld", at(SV, "Jag"), len(SV), coder="anna")  # before: its own step
    plan = project.queries.plan_autocode("Skuld", "anna", query="läkare", unit="sentence")
    added = project.coding.apply_autocode(plan)
    sentences = project.documents.units(sv, "sentence")
    # the moderator's question and D1's two sentences; D2's is coded already
    assert [(s.start, s.end) for s in added] == [(u.start, u.end) for u in sentences[:3]]
    assert all(s.id is not None for s in added)
    assert len(spans_of(project)) == 4
    (event,) = store_of(project).events("autocode")
    assert event["payload"] | {"step": None} == {
        "query": "läkare", "unit": "sentence", "code": "Skuld", "code_uid": project.codebook.code("Skuld").uid,
        "hits": 5, "added": 3, "already_coded": 1, "outside": 0, "step": None}
    assert project.coding.undo("anna") == "undo: 3 codings added in sv (Skuld)"
    assert spans_of(project) == [("sv", at(SV, "Jag"), len(SV), "Skuld")]  # only the autocoding went
    assert project.coding.redo("anna") == "redo: 3 codings added in sv (Skuld)"
    assert len(spans_of(project)) == 4
    project.coding.undo("anna")
    assert project.coding.undo("anna").startswith("undo: coding added")  # then the single coding before it
    assert spans_of(project) == []
    assert project.coding.undo("anna") is None


def test_a_step_that_cannot_be_replayed_whole_is_not_replayed_at_all(samples):
    project = samples
    plan = project.queries.plan_autocode("安全", "anna", query="安全")
    added = project.coding.apply_autocode(plan)
    assert [s.text for s in added] == ["安全", "安全", "安全"]
    project.coding.remove_segment(added[1].id, actor="bo")  # someone else removes one of them
    message = project.coding.undo("anna")
    assert message.startswith("undo skipped (the segment was removed meanwhile)")
    assert [s.start for s in project.coding.segments()] == [added[0].start, added[2].start]  # nothing undone
    assert project.coding.undo("anna") is None  # stepped past


def test_speaker_turns_and_refusals(samples):
    project = samples
    plan = project.queries.plan_autocode("安全", "anna", speaker="护士A", unit="turn")
    added = project.coding.apply_autocode(plan)
    assert [(s.start, s.end) for s in added] == [(at(ZH, "我们"), at(ZH, "安全感。") + 4), (at(ZH, "護士"), len(ZH))]
    assert project.coding.apply_autocode(project.queries.plan_autocode("安全", "anna", speaker="护士A",
                                                                       unit="turn")) == []
    with pytest.raises(QualcodeError, match="unknown code"):
        project.queries.plan_autocode("Nope", "anna", query="x")
    project.codebook.add_code("Kategori", codable=False)
    with pytest.raises(QualcodeError, match="category"):
        project.coding.apply_autocode(project.queries.plan_autocode("Kategori", "anna", query="läkare"))
    assert len(project.coding.segments()) == 2
