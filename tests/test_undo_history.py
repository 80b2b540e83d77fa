"""Undo and redo find their step by reading the history backwards from its end
(services/history.py `History._next`); the stacks they take from are the ones a replay of the
whole history from its start gives (the reference below, as undo worked before): checked after
every action of random sessions of two coders in two scopes, merges among them."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import event as note_event
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import store_of
from qualcode.errors import QualcodeError
from qualcode.project import Project
from qualcode.services.history import SEGMENT_ACTIONS, scope_of

TEXT = "Moderator: Hur var det?\nAnna: Det var tryggt. Vi pratade om läkarna.\nErik: Jag höll med Anna.\n"


def replayed(store, handlers, actor: str, scope: str) -> tuple[list[list[dict]], list[list[dict]]]:
    """(done, undone) steps of `actor` in `scope`, oldest first, by replaying every event."""
    merges = [e["id"] for e in store.events("project.merge")]
    wall = max(merges, default=0)
    events = [e for e in store.events(actor=actor) if e["action"] in (*handlers, "undo", "redo") and e["id"] > wall]
    items: list[tuple[str, list[dict], str | None]] = []
    for event in events:
        action, payload = event["action"], event["payload"]
        if action in ("undo", "redo"):
            if payload.get("scope", "coding") == scope:
                items.append((action, [event], None))
            continue
        step = payload.get("step") or (f"event {event['id']}" if action in SEGMENT_ACTIONS else None)
        if step is None:
            continue
        if items and items[-1][0] == "step" and items[-1][2] == step:
            items[-1][1].append(event)
        else:
            items.append(("step", [event], step))
    done: list[list[dict]] = []
    undone: list[list[dict]] = []
    for kind, group, _ in items:
        if kind == "step":
            if scope_of(group) == scope:
                done.append(group)
                undone.clear()
            continue
        source, target = (done, undone) if kind == "undo" else (undone, done)
        if source and source[-1][0]["id"] == group[0]["payload"].get("event"):
            target.append(source.pop())
    return done, undone


# what a session does; "remove" takes anyone's coding and "code new" applies the newest code, so
# some steps can no longer be replayed and are stepped past (their markers still move them)
ACTIONS = st.lists(st.tuples(st.sampled_from(["code", "code", "code new", "create and apply", "new code", "delete code",
                                              "remove", "undo", "undo", "undo", "redo", "redo", "merge"]),
                             st.sampled_from(["anna", "anna", "bo"]), st.sampled_from(["coding", "coding", "codebook"]),
                             st.integers(0, 3)), max_size=30)


@settings(max_examples=150, deadline=None)
@given(actions=ACTIONS)
def test_the_step_read_backwards_is_the_top_of_the_replayed_stacks(actions):
    with tempfile.TemporaryDirectory() as tmp, project(tmp) as p:
        sentences = p.documents.units("fg", "sentence")
        store, history = store_of(p), p.coding.history
        for n, (action, actor, scope, k) in enumerate(actions):
            act(p, store, action, actor, scope, k, n, sentences)
            for who in ("anna", "bo"):
                for where in ("coding", "codebook"):
                    done, undone = replayed(store, history.handlers, who, where)
                    assert history._next(who, where, undo=True) == (done[-1] if done else None)
                    assert history._next(who, where, undo=False) == (undone[-1] if undone else None)
                    assert history.can_undo(who, where) == bool(done)


def act(p, store, action: str, actor: str, scope: str, k: int, n: int, sentences) -> None:
    unit = sentences[k % len(sentences)]
    codes = p.codebook.codes()
    newest = codes[-1].name if codes else "Trygghet"  # (an unknown code: refused like any bad input)
    try:
        if action == "code":
            p.coding.add_segment("fg", "Trygghet", unit.start, unit.end, coder=actor)
        elif action == "code new":
            p.coding.add_segment("fg", newest, unit.start, unit.end, coder=actor)
        elif action == "create and apply":
            p.coding.create_and_apply(f"Ny {n}", None, "fg", unit.start, unit.end, coder=actor)
        elif action == "new code":
            p.codebook.add_code(f"Kod {n}", actor=actor)
        elif action == "delete code":
            p.codebook.delete_code(newest, actor=actor)
        elif action == "remove":
            segments = p.coding.segments(doc="fg")
            if segments:
                p.coding.remove_segment(segments[k % len(segments)].id, actor=actor)
        elif action == "merge":  # the wall a merge puts up (its event is all undo reads)
            with store.transaction():
                store.log(actor, "project.merge", {})
        else:
            result = (p.coding.undo_step if action == "undo" else p.coding.redo_step)(actor, scope)
            if result is not None and result.skipped:
                note_event(f"{action} stepped past")
    except QualcodeError:
        pass


def project(tmp: str) -> Project:
    source = Path(tmp) / "fg.txt"
    source.write_text(TEXT, encoding="utf-8")
    p = Project(Path(tmp) / "p.qualcode", create=True)
    p.documents.import_files([source], lang="sv", actor="tester")
    p.codebook.add_code("Trygghet", actor="tester")
    return p


def test_a_step_that_cannot_be_replayed_is_stepped_past_and_the_next_undo_takes_the_one_before():
    with tempfile.TemporaryDirectory() as tmp, project(tmp) as p:
        first, second = p.documents.units("fg", "sentence")[:2]
        kept = p.coding.add_segment("fg", "Trygghet", first.start, first.end, coder="anna")
        gone = p.coding.add_segment("fg", "Trygghet", second.start, second.end, coder="anna")
        p.coding.remove_segment(gone.id, actor="bo")  # bo removes anna's last coding
        skipped = p.coding.undo_step("anna")
        assert skipped.skipped == "the segment was removed meanwhile"
        assert skipped.events[0]["payload"]["uid"] == gone.uid
        assert p.coding.undo_step("anna").skipped is None  # the one before, undone
        assert p.coding.segments(doc="fg") == []
        assert p.coding.undo_step("anna") is None
        redone = p.coding.redo_step("anna")  # redo takes the last undone first: anna's first coding
        assert (redone.skipped, redone.events[0]["payload"]["uid"]) == (None, kept.uid)
        again = p.coding.redo_step("anna")  # then the stepped-past one: its coding is put back
        assert (again.skipped, again.events[0]["payload"]["uid"]) == (None, gone.uid)
        assert sorted(s.uid for s in p.coding.segments(doc="fg")) == sorted([kept.uid, gone.uid])
        assert p.coding.redo_step("anna") is None


def test_the_history_read_in_growing_pages_is_every_event_of_the_actor_in_order():
    with tempfile.TemporaryDirectory() as tmp, project(tmp) as p:
        sentences = p.documents.units("fg", "sentence")
        for n in range(40):
            unit = sentences[n % len(sentences)]
            p.coding.add_segment("fg", "Trygghet", unit.start, unit.end, coder="anna" if n % 3 else "bo")
            if n % 7 == 0:
                p.coding.undo("anna")
        store = store_of(p)
        actions = ("segment.add", "undo", "redo")
        expected = [e for e in reversed(store.events(actor="anna")) if e["action"] in actions]
        assert len(expected) == 26 + 5  # 26 codings, 5 undos (the first of 6 presses found nothing)
        middle = expected[10]["id"]
        for page in (1, 2, 3, 64):
            assert list(store.events_backwards("anna", actions, page=page)) == expected
            assert list(store.events_forwards("anna", actions, middle, page=page)) == expected[10::-1]


@pytest.fixture
def read(monkeypatch) -> list[dict]:
    """The events the history reads from the store, as it reads them."""
    from qualcode.store.store import Store

    seen: list[dict] = []
    for name in ("events_backwards", "events_forwards"):
        original = getattr(Store, name)

        def counted(self, *args, _original=original, **kwargs):
            for event in _original(self, *args, **kwargs):
                seen.append(event)
                yield event

        monkeypatch.setattr(Store, name, counted)
    return seen


def test_undo_and_redo_in_turn_read_as_few_events_after_a_long_run_of_them(read):
    """ctrl+z and ctrl+y pressed in turn log a marker each; the next press reads the step the
    newest marker names, not every marker before it."""
    with tempfile.TemporaryDirectory() as tmp, project(tmp) as p:
        first, second = p.documents.units("fg", "sentence")[:2]
        kept = p.coding.add_segment("fg", "Trygghet", first.start, first.end, coder="anna")
        last = p.coding.add_segment("fg", "Trygghet", second.start, second.end, coder="anna")
        reads = []
        for n in range(300):
            read.clear()
            result = (p.coding.undo_step if n % 2 == 0 else p.coding.redo_step)("anna")
            assert result.events[0]["payload"]["uid"] == last.uid and result.skipped is None
            reads.append(len(read))
        assert max(reads) <= 16 and reads[-2:] == reads[2:4]
        assert sorted(s.uid for s in p.coding.segments(doc="fg")) == sorted([kept.uid, last.uid])  # ends on a redo


def test_undo_in_the_codebook_reads_no_codings(read):
    """ctrl+z in the codebook editor after many codings reads the codebook's steps (and a step
    that also codes, whole), not the codings: its cost does not grow with them."""
    with tempfile.TemporaryDirectory() as tmp, project(tmp) as p:
        sentences = p.documents.units("fg", "sentence")
        p.codebook.add_code("Oro", actor="anna")
        p.coding.create_and_apply("Ny", None, "fg", sentences[0].start, sentences[0].end, coder="anna")
        for n in range(120):
            unit = sentences[n % len(sentences)]
            p.coding.add_segment("fg", "Trygghet", unit.start, unit.end, coder="anna")
        read.clear()
        result = p.coding.undo_step("anna", "codebook")
        assert result.skipped is None and len(result.events) == 1
        assert sorted(c.name for c in p.codebook.codes()) == ["Ny", "Trygghet"]  # Oro; "Ny"'s step coded too
        actions = [e["action"] for e in read]
        assert actions.count("segment.add") <= 2, actions  # the created-and-applied step read whole (and where it ends)
        assert len(actions) <= 10, actions
