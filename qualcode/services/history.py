"""Undo and redo, replayed from the events table.

An undoable action logs events that carry enough to be inverted. The events one action logs
share a step id (`payload["step"]`, see `Store.step`); a segment event without one (older
projects) is a step by itself. A step belongs to one scope, read from its events: `coding`
(it holds a segment event: coding, or creating a code and applying it), `codebook` (code
changes: add, edit, move, merge, delete) or `reconcile:A|B` (one pair's decisions). Undo and
redo are events too, naming the step's first event and the scope, so the history survives a
restart and is the same whichever face made the change. Other events of the step (the
codebook's history lines) are told, not replayed. A merge is a wall: nothing done before it is
undone after it (it may have given those rows other UUIDs, those decisions other keys). The
step to take is found by reading the history backwards from its end (`History._next`): a press
of ctrl+z costs the same after ten coding actions or a hundred thousand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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


def step_key(event: dict) -> str | None:
    """Which step an event belongs to: its step id; a segment event logged without one is a
    step by itself; None: not undoable (an older reconciliation's)."""
    step = event["payload"].get("step")
    return step or (f"event {event['id']}" if event["action"] in SEGMENT_ACTIONS else None)


def reconcile_scope(coders: list[str]) -> str:
    return "reconcile:" + "|".join(sorted(coders))


def _one_step(events: Iterable[dict], scope: str) -> Iterator[dict]:
    """The events of one step: the step of the first undoable event of `events`, up to another
    step's event or a marker of `scope` (other scopes' markers, and events that cannot be
    undone, are passed over, as the history groups them)."""
    key = None
    for event in events:
        if event["action"] in ("undo", "redo"):
            if event["payload"].get("scope", "coding") == scope:
                return
            continue
        step = step_key(event)
        if step is None:
            continue
        if key is not None and step != key:
            return
        key = step
        yield event


class History:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.handlers: dict[str, Handler] = {}

    def register(self, action: str, handler: Handler) -> None:
        self.handlers[action] = handler

    def _steps_backwards(self, actor: str, scope: str) -> Iterator[tuple[str, list[dict]]]:
        """The actor's history in `scope`, newest first: ("step", its events in order) and
        ("undo" or "redo", [the marker]), with steps of other scopes among them. Read from the
        end, a page at a time.

        Outside coding, a step of the scope holds no segment event, so the codings are not read
        at all: ctrl+z in the codebook editor costs the same after 100,000 codings as after ten.
        A step seen that way is read whole (`_whole_step`), so one that also codes (a code
        created and applied) is still a coding step."""
        partial = scope != "coding"
        actions = tuple(a for a in self._read if a not in SEGMENT_ACTIONS) if partial else self._read
        group: list[dict] = []
        key = None

        def finished(group: list[dict]) -> list[dict]:
            return self._whole_step(actor, scope, group[-1]) if partial else group[::-1]

        for event in self.store.events_backwards(actor, actions):
            action, payload = event["action"], event["payload"]
            if action in ("undo", "redo"):
                if payload.get("scope", "coding") != scope:
                    continue
                if group:
                    yield "step", finished(group)
                    group, key = [], None
                yield action, [event]
                continue
            step = step_key(event)
            if step is None:  # logged before it could be undone (an older reconciliation)
                continue
            if group and step != key:
                yield "step", finished(group)
                group = []
            group.append(event)
            key = step
        if group:
            yield "step", finished(group)

    def _whole_step(self, actor: str, scope: str, seen: dict) -> list[dict]:
        """Every event of the step `seen` belongs to, in order, as the full history groups them
        (a step is one transaction, so its events are neighbours): back from `seen` to the
        step's first event, then forwards from there."""
        first = seen["id"]
        for event in _one_step(self.store.events_backwards(actor, self._read, before=first + 1), scope):
            first = event["id"]
        return self._step_from(actor, scope, first) or [seen]

    def _step_from(self, actor: str, scope: str, first: int) -> list[dict] | None:
        """The step whose first event is `first` (as a marker names it), read forwards."""
        group = list(_one_step(self.store.events_forwards(actor, self._read, first), scope))
        return group if group and group[0]["id"] == first else None

    @property
    def _read(self) -> tuple[str, ...]:
        """The actions the history is made of: the undoable ones and the markers."""
        return (*self.handlers, "undo", "redo")

    def _next(self, actor: str, scope: str, undo: bool) -> list[dict] | None:
        """The step undo (or redo) would take: the top of the done (or undone) stack.

        Undo and redo markers are logged for the top of the stacks, so the stacks follow from
        the history read backwards, without replaying it from the start: a step is undone when
        the last marker naming it is an undo; the done stack is every other step of the scope,
        in order (its top: the newest); the undone stack, the steps undone since the last new
        step (its top: the one undone last). When the newest of the scope is a redo (for undo)
        or an undo (for redo), its step is the answer, read where it is. So each press reads the
        last few events, whatever the length of the history or the run of undos and redos before
        it. A merge is a wall: nothing before it is undone after it."""
        last_marker: dict[int, str] = {}  # step (its first event's id) -> the newest marker naming it
        wanted = None  # redo: the step the newest effective undo marker names
        newest = True
        for kind, events in self._steps_backwards(actor, scope):
            if kind != "step":
                named = events[0]["payload"].get("event")
                if newest and (kind == "redo") == undo:
                    # the newest of the scope is a redo (undo) of a step: that step is on top of
                    # the done (undone) stack now; read it where it is, not every marker before
                    # it (ctrl+z and ctrl+y in turn, a thousand times, log a thousand markers)
                    step = self._step_from(actor, scope, named)
                    if step is not None and scope_of(step) == scope:
                        return None if self.store.merged_after(named) else step
                newest = False
                last_marker.setdefault(named, kind)
                if not undo and wanted is None and kind == "undo" and last_marker[named] == "undo":
                    wanted = named
                continue
            if scope_of(events) != scope:
                continue
            newest = False
            first = events[0]["id"]
            if undo and last_marker.get(first) != "undo":
                return None if self.store.merged_after(first) else events
            if not undo:
                if wanted is None:
                    return None  # a step done since the last undo: nothing left to redo
                if first == wanted:
                    return None if self.store.merged_after(first) else events
        return None

    def can_undo(self, actor: str, scope: str) -> bool:
        return self._next(actor, scope, undo=True) is not None

    def step(self, actor: str, scope: str, undo: bool) -> StepResult | None:
        """Undo (or redo) the actor's last step in `scope`; None when there is none. A step that
        can no longer be replayed (someone changed its data meanwhile) is stepped past, told."""
        events = self._next(actor, scope, undo)
        if events is None:
            return None
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
