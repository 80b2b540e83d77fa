"""Undo steps: an action that logs several events (create a code and apply it, merge two codes,
a reconciliation decision) is undone and redone as one, in its own scope, across restarts."""

from __future__ import annotations

import pytest

from conftest import store_of
from qualcode.errors import QualcodeError
from qualcode.project import Project

TEXT = ("Moderator: Hur var det?\n"
        "Anna: Det var tryggt. Vi pratade om läkarna.\n"
        "Moderator: Och du?\n"
        "Erik: Jag höll med Anna.\n")


@pytest.fixture
def proj(tmp_path):
    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    with Project(tmp_path / "p.qualcode", create=True) as p:
        p.documents.import_files([src], lang="sv", actor="tester")
        p.codebook.add_code("Känslor", codable=False, actor="tester")
        p.codebook.add_code("Trygghet", "Känslor", actor="tester")
        p.codebook.add_code("Rädsla", "Känslor", actor="tester")
        p.codebook.add_theme("Gruppen", ["Trygghet", "Rädsla"], actor="tester")
    return tmp_path / "p.qualcode"


def state(p: Project) -> tuple:
    """Everything undo may touch: codes (with texts and themes) and segments."""
    codes = [(c.uid, c.name, c.parent_id, c.position, c.color, c.codable, c.retired, c.labels, c.definition)
             for c in p.codebook.codes()]
    themes = [(t.name, [next(c.uid for c in p.codebook.codes() if c.id == i) for i in t.code_ids])
              for t in p.codebook.themes()]
    segments = sorted((s.uid, s.code, s.coder, s.start, s.end) for s in p.coding.segments())
    return codes, themes, segments


def test_create_and_apply_is_one_step_undone_and_redone_together(proj):
    with Project(proj) as p:
        sentence = p.documents.units("fg", "sentence")[1]
        before = state(p)
        segment = p.coding.create_and_apply("Tid", "Känslor", "fg", sentence.start, sentence.end, coder="anna")
        assert (segment.code, segment.start) == ("Tid", sentence.start)
        made = state(p)
        assert p.coding.undo("anna") == (f"undo: coding added in fg ({sentence.start}:{sentence.end}, "
                                         "new code 'Tid')")
        assert state(p) == before  # the coding and the code are gone
    with Project(proj) as p:  # the history survives a restart
        assert p.coding.redo("anna").startswith("redo: coding added in fg")
        assert state(p) == made  # the same code (uid) and the same segment come back
        assert p.codebook.code("Tid").parent_id == p.codebook.code("Känslor").id
        assert p.coding.undo("anna") and state(p) == before
        assert p.coding.undo("anna") is None  # adding the codes by hand is the codebook's history


def test_coding_undo_leaves_codebook_steps_alone(proj):
    with Project(proj) as p:
        sentence = p.documents.units("fg", "sentence")[1]
        p.coding.add_segment("fg", "Trygghet", sentence.start, sentence.end, coder="anna")
        p.codebook.edit_code("Rädsla", name="Rädsla och oro", actor="anna")
        assert p.coding.undo("anna").startswith("undo: coding added")
        assert p.codebook.code("Rädsla och oro")  # the rename is a codebook step: not undone here
        assert p.coding.undo_step("anna", scope="codebook") is not None
        assert p.codebook.code("Rädsla").name == "Rädsla"


def test_delete_code_only_when_unused_and_undo_brings_it_back_with_its_texts_and_themes(proj):
    with Project(proj) as p:
        p.codebook.edit_code("Rädsla", texts={"label": {"en": "Fear"}, "definition": {"sv": "Rädsla."}},
                             actor="anna")
        before = state(p)
        sentence = p.documents.units("fg", "sentence")[1]
        p.coding.add_segment("fg", "Trygghet", sentence.start, sentence.end, coder="anna")
        with pytest.raises(QualcodeError, match="this code has 1 coding: retire it, or merge it"):
            p.codebook.delete_code("Trygghet", actor="anna")
        with pytest.raises(QualcodeError, match="child codes"):
            p.codebook.delete_code("Känslor", actor="anna")
        p.coding.undo("anna")
        p.codebook.delete_code("Rädsla", actor="anna")
        assert [c.name for c in p.codebook.codes()] == ["Känslor", "Trygghet"]
        assert "code 'Rädsla' removed" in [what for _, _, what in p.codebook.history()]
        result = p.coding.undo_step("anna", scope="codebook")
        assert p.coding.describe(result) == "undo: code 'Rädsla' deleted"
        assert state(p) == before
        p.coding.redo_step("anna", scope="codebook")
        assert [c.name for c in p.codebook.codes()] == ["Känslor", "Trygghet"]


def test_merge_moves_every_coding_drops_twins_and_undoes_as_one_step(proj):
    with Project(proj) as p:
        s1, s2, s3 = p.documents.units("fg", "sentence")[1:4]
        keep = p.coding.add_segment("fg", "Trygghet", s1.start, s1.end, coder="anna")
        twin = p.coding.add_segment("fg", "Rädsla", s1.start, s1.end, coder="anna")  # anna has Trygghet here
        moved = p.coding.add_segment("fg", "Rädsla", s2.start, s2.end, coder="anna")
        other = p.coding.add_segment("fg", "Rädsla", s1.start, s1.end, coder="erik")
        p.codebook.add_theme("Oro", ["Rädsla"], actor="anna")
        before = state(p)
        assert p.coding.merge_codes("Rädsla", "Trygghet", actor="anna") == 3
        segments = sorted((s.uid, s.code, s.coder) for s in p.coding.segments())
        assert segments == sorted([(keep.uid, "Trygghet", "anna"), (moved.uid, "Trygghet", "anna"),
                                   (other.uid, "Trygghet", "erik")])
        assert twin.uid not in {s.uid for s in p.coding.segments()}
        assert [(t.name, [p.codebook.code(i).name for i in t.code_ids]) for t in p.codebook.themes()] == [
            ("Gruppen", ["Trygghet"]), ("Oro", ["Trygghet"])]
        assert "code 'Rädsla' merged into 'Trygghet' (3 codings)" in [what for _, _, what in p.codebook.history()]
        merged = state(p)
        assert p.coding.can_undo("anna", "codebook")
        result = p.coding.undo_step("anna", scope="codebook")
        assert p.coding.describe(result) == "undo: code 'Rädsla' merged into 'Trygghet'"
        assert state(p) == before
        p.coding.redo_step("anna", scope="codebook")
        assert state(p) == merged
        with pytest.raises(QualcodeError, match="into itself"):
            p.coding.merge_codes("Trygghet", "Trygghet", actor="anna")
        with pytest.raises(QualcodeError, match="codable"):
            p.coding.merge_codes("Trygghet", "Känslor", actor="anna")


def test_move_reparents_and_reorders_and_undo_puts_it_back(proj):
    with Project(proj) as p:
        p.codebook.add_code("Tid", actor="anna")
        before = [(c.name, c.parent_id, c.position) for c in p.codebook.codes()]
        p.codebook.move_code("Rädsla", position=1, actor="anna")
        assert [c.name for c in p.codebook.codes()] == ["Känslor", "Rädsla", "Trygghet", "Tid"]
        p.codebook.move_code("Tid", parent="Känslor", position=2, actor="anna")
        assert [c.name for c in p.codebook.codes()] == ["Känslor", "Rädsla", "Tid", "Trygghet"]
        p.codebook.move_code("Känslor", parent="", actor="anna")  # already at the top: stays first
        assert [c.name for c in p.codebook.codes()][0] == "Känslor"
        with pytest.raises(QualcodeError, match="under itself"):
            p.codebook.move_code("Känslor", parent="Tid", actor="anna")
        assert p.coding.undo_step("anna", scope="codebook")
        assert p.coding.undo_step("anna", scope="codebook")
        assert [(c.name, c.parent_id, c.position) for c in p.codebook.codes()] == before


def test_undo_of_a_code_change_keeps_a_later_edit_of_another_field(proj):
    with Project(proj) as p:
        p.codebook.edit_code("Rädsla", name="Oro", actor="anna")
        p.codebook.edit_code("Oro", texts={"brief": {"sv": "Kort."}}, actor="bo")  # a co-author
        p.coding.undo_step("anna", scope="codebook")
        code = p.codebook.code("Rädsla")
        assert code.brief == {"sv": "Kort."}


def test_reconcile_decision_and_agreed_writes_undo_in_their_own_scope(proj):
    with Project(proj) as p:
        s1, s2 = p.documents.units("fg", "sentence")[1:3]
        for coder in ("anna", "li"):
            p.coding.add_segment("fg", "Trygghet", s1.start, s1.end, coder=coder)
        p.coding.add_segment("fg", "Rädsla", s2.start, s2.end, coder="anna")
        events = len(store_of(p).events())
        assert p.team.reconcile_agreed("anna", "li", actor="lead", dry_run=True) == 1
        assert len(store_of(p).events()) == events and p.coding.segments(coder="consensus") == []
        assert p.team.reconcile_agreed("anna", "li", actor="lead") == 1
        [item] = p.team.reconcile_queue("anna", "li")
        p.team.decide("anna", "li", item.key, "accept-a", actor="lead")
        p.team.decide("anna", "li", item.key, "neither", note="no", actor="lead")  # a changed mind
        consensus = lambda: sorted((s.code, s.start) for s in p.coding.segments(coder="consensus"))  # noqa: E731
        assert consensus() == [("Trygghet", s1.start)]
        p.coding.add_segment("fg", "Rädsla", s1.start, s1.end, coder="lead")  # the lead also codes
        assert p.team.undo("anna", "li", actor="lead") == f"undo: decision 'neither' in fg ({s2.start}:{s2.end})"
        assert consensus() == [("Rädsla", s2.start), ("Trygghet", s1.start)]
        assert p.team.reconcile_queue("anna", "li")[0].decision["choice"] == "accept-a"
        assert p.team.undo("li", "anna", actor="lead")  # the pair in either order
        assert p.team.reconcile_queue("anna", "li")[0].decision is None
        assert p.team.undo("anna", "li", actor="lead") == "undo: 1 agreed coding written"
        assert consensus() == [] and p.team.undo("anna", "li", actor="lead") is None
        assert [s.coder for s in p.coding.segments(coder="lead")] == ["lead"]  # the lead's coding stays
        assert p.team.redo("anna", "li", actor="lead") == "redo: 1 agreed coding written"
        assert consensus() == [("Trygghet", s1.start)]


def test_reconcile_pairs_share_documents_and_leave_out_the_consensus(demo_path):
    with Project(demo_path) as p:
        pairs = p.team.reconcile_pairs()
        consensus = p.settings.consensus_coder
        assert pairs and all(consensus not in (a, b) for a, b, _ in pairs)
        counts = [n for _, _, n in pairs]
        assert counts == sorted(counts, reverse=True) and min(counts) > 0
        coded = {c: {s.doc_id for s in p.coding.segments(coder=c)} for c in p.coding.coders()}
        for a, b, n in pairs:
            assert n == len(coded[a] & coded[b])
        expected = {(a, b) for a in coded for b in coded if a < b and coded[a] & coded[b]
                    and consensus not in (a, b)}
        assert {tuple(sorted((a, b))) for a, b, _ in pairs} == expected
        # the two who coded the same transcripts through come first, not the one with a few examples
        assert pairs[0][:2] == ("karin", "li")
