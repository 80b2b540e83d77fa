"""The workbench with another process holding the project's lock, and on a read-only project."""

from __future__ import annotations

import sqlite3

import pytest

from qualcode.project import Project
from qualcode.store import opening
from qualcode.tui.app import make_app
from qualcode.tui.widgets.transcript import TranscriptView

WAITING = "waiting for another qualcode process…"


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def segments_of_tester(path) -> list[tuple[int, int]]:
    with Project(path) as p:
        return [(s.start, s.end) for s in p.coding.segments(coder="tester")]


@pytest.fixture
def short_waits(monkeypatch):
    """The notice after 0.2 s (a command would wait 3 s in all)."""
    monkeypatch.setattr(opening, "LOCK_NOTICE", 0.2)
    monkeypatch.setenv("QUALCODE_LOCK_WAIT", "3")


def hold_lock(path) -> sqlite3.Connection:
    """Another process's write transaction: a connection of its own."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    return conn


async def test_a_code_key_waits_for_another_process_then_goes_through(demo_path, short_waits):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp1_allmanlakare")
        first = p.documents.units(doc.id, "sentence")[0]
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        holder = hold_lock(demo_path)
        await pilot.press("right_square_bracket", "1")
        await pilot.pause()
        assert f"{WAITING} (trying again until it is free)" in messages(app)
        assert segments_of_tester(demo_path) == []
        holder.execute("ROLLBACK")
        holder.close()
        await pilot.pause(2.5)
        assert segments_of_tester(demo_path) == [(first.start, first.end)]
        assert "Done: the other process let go of the project." in messages(app)
        assert [(s.start, s.end) for s in app.segments if s.coder == "tester"] == [(first.start, first.end)]
        assert not any("internal" in m.lower() for m in messages(app))


async def test_a_lock_never_freed_is_said_plainly_and_nothing_changes(demo_path, short_waits):
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp1_allmanlakare")
    app = make_app(demo_path, coder="tester", doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        holder = hold_lock(demo_path)
        try:
            await pilot.press("right_square_bracket", "1")
            await pilot.pause(5)
            said = messages(app)
            assert said.count(f"{WAITING} (trying again until it is free)") == 1
            assert said[-1] == ("The project is busy: another qualcode process still holds it. Nothing was changed; "
                                "try again.")
            assert not any("internal" in m.lower() for m in said)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    assert segments_of_tester(demo_path) == []


def newer_schema(path) -> str:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES"
                     " ('qualcode', 'm099_future', '2031-01-01')")
    conn.close()
    return "made by a newer qualcode"


def read_only_file(path, monkeypatch) -> str:
    # as root every file is writable: the store is told what a user without the right would find
    monkeypatch.setattr("qualcode.store.store.write_obstacle", lambda path: "the project file is read-only")
    return "the project file is read-only"


@pytest.mark.parametrize("make_read_only", [newer_schema, read_only_file])
@pytest.mark.parametrize("coder", ["tester", None])
async def test_a_read_only_project_opens_for_reading_and_refuses_writes_in_notifications(
        demo_path, monkeypatch, make_read_only, coder):
    reason = make_read_only(demo_path, monkeypatch) if make_read_only is read_only_file else make_read_only(demo_path)
    before = demo_path.read_bytes()
    with Project(demo_path) as p:
        doc = p.documents.get("fokusgrupp1_allmanlakare")
    app = make_app(demo_path, coder=coder, doc=doc.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        if coder is None:  # asked who codes: the name is used, not remembered
            await pilot.press(*"ana", "enter")
            await pilot.pause()
        assert app.coder == (coder or "ana")
        assert "read-only" in app.sub_title
        assert any(m.startswith(f"Read-only: {reason}") and "coding is off" in m for m in messages(app))
        assert app.query_one(TranscriptView).text == doc.text  # reading works
        await pilot.press("right_square_bracket", "1")
        await pilot.pause()
        assert any(m.startswith(f"cannot change the project: {reason}") for m in messages(app))
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.is_running
        assert not any("internal" in m.lower() for m in messages(app))
    assert demo_path.read_bytes() == before
