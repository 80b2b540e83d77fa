"""Undo and redo, replayed from the events table.

An undoable action logs events that carry enough to be inverted. The events one action logs
share a step id (`payload["step"]`, see `Store.step`); a segment event without one (older
projects) is a step by itself. A step belongs to one scope, read from its events: `coding`
(it holds a segment event: coding, or creating a code and applying it), `codebook` (code
changes: add, edit, move, merge, delete) or `reconcile:A|B` (one pair's decisions). Undo and
redo are events too, naming the step's first event and the scope, so the history survives a
restart and is the same whichever face made the change. Other events of the step (the
codebook's history lines) are told, not replayed. A merge is a wall: nothing done before it is
undone after it (it may have given those rows other UUIDs, those decisions other keys).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import QualcodeError
from ..store import Store

# (the step's events of one kind, in the order they are replayed; inverse?) -> None
Handler = Callable[[list[dict], bool], None]
SEGMENT_ACTIONS = ("segment.add", "segment.remove", "segment.update")


@dataclass
class StepResult:
    """What an undo or redo did: `events` is the step, `skipped` why it could not be replayed."""

    word: str
    events: list[dict]
    skipped: str | None = None


def scope_of(events: list[dict]) -> str:
    actions = {e["action"] for e in events}
    if actions & set(SEGMENT_ACTIONS):
        return "coding"
    reconciled = next((e for e in events if e["action"].startswith("reconcile.")), None)
    if reconciled is not None:
        return reconcile_scope(reconciled["payload"]["coders"])
    return "codebook"


def reconcile_scope(coders: list[str]) -> str:
    return "reconcile:" + "|".join(sorted(coders))


class History:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.handlers: dict[str, Handler] = {}

    def register(self, action: str, handler: Handler) -> None:
        self.handlers[action] = handler

    def state(self, actor: str, scope: str) -> tuple[list[list[dict]], list[list[dict]]]:
        """(done, undone) steps of `actor` in `scope`, oldest first."""
        wall = self.store.last_merge_event()
        events = [e for e in self.store.events_of(actor, (*self.handlers, "undo", "redo")) if e["id"] > wall]
        items: list[tuple[str, list[dict], str | None]] = []
        for event in events:
            action, payload = event["action"], event["payload"]
            if action in ("undo", "redo"):
                if payload.get("scope", "coding") == scope:
                    items.append((action, [event], None))
                continue
            step = payload.get("step") or (f"event {event['id']}" if action in SEGMENT_ACTIONS else None)
            if step is None:  # logged before it could be undone (an older reconciliation)
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

    def can_undo(self, actor: str, scope: str) -> bool:
        return bool(self.state(actor, scope)[0])

    def step(self, actor: str, scope: str, undo: bool) -> StepResult | None:
        """Undo (or redo) the actor's last step in `scope`; None when there is none. A step that
        can no longer be replayed (someone changed its data meanwhile) is stepped past, told."""
        done, undone = self.state(actor, scope)
        stack = done if undo else undone
        if not stack:
            return None
        events = stack[-1]
        word = "undo" if undo else "redo"
        payload = {"event": events[0]["id"], "scope": scope, "action": events[0]["action"]}
        try:
            with self.store.transaction():
                self._replay(events, inverse=undo)
                self.store.log(actor, word, payload)
        except QualcodeError as exc:
            with self.store.transaction():
                self.store.log(actor, word, {**payload, "skipped": exc.message})
            return StepResult(word, events, exc.message)
        return StepResult(word, events)

    def _replay(self, events: list[dict], inverse: bool) -> None:
        """The step's events, backwards to undo, forwards to redo; runs of one kind go to
        their handler together (a codebook change restores several codes at once)."""
        ordered = [e for e in (reversed(events) if inverse else events) if e["action"] in self.handlers]
        run: list[dict] = []
        for event in ordered:
            if run and run[-1]["action"] != event["action"]:
                self.handlers[run[0]["action"]](run, inverse)
                run = []
            run.append(event)
        if run:
            self.handlers[run[0]["action"]](run, inverse)
