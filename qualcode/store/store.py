"""The Store: every SQL statement of qualcode, and the rows <-> model mapping.

Each public write runs inside `transaction()`, and writes its event in the same
transaction, so the audit trail and the data never disagree.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import QualcodeError
from .base import check_name, new_uid, now  # noqa: F401  (re-exported: callers import them from here)
from .codebook import CodebookRows
from .coding import CodingRows
from .decisions import DecisionRows
from .documents import DocumentRows
from .merging import MergeRows
from .opening import WAITING, busy_timeout, check_project_file, is_locked, lock_wait, uri, user_error, write_obstacle
from .people import ParticipantRows
from .queries import QueryRows
from .review import ReviewRows
from .schema import MIGRATION_SET, migration_names, migrations, sqlite_utils


class Store(DocumentRows, ParticipantRows, CodebookRows, CodingRows, DecisionRows, QueryRows, MergeRows,
            ReviewRows):
    def __init__(self, path: Path, read_only: bool = False, on_wait: Callable[[str], None] | None = None) -> None:
        self.path = Path(path)
        self.on_wait = on_wait
        check_project_file(self.path)
        # why this project cannot be changed (None: it can); reads work all the same
        self.read_only_reason: str | None = "opened read-only" if read_only else None
        if not read_only and self.path.exists():
            self.read_only_reason = write_obstacle(self.path)
        opened_read_only = self.read_only_reason is not None
        try:
            # autocommit mode: transactions are explicit (BEGIN IMMEDIATE), never implicit
            self.conn = sqlite3.connect(uri(self.path, read_only=opened_read_only), uri=True, isolation_level=None,
                                        check_same_thread=False)
        except sqlite3.Error as exc:
            raise user_error(exc, self.path) or QualcodeError(f"cannot open the project ({exc})", self.path) from None
        self.conn.row_factory = sqlite3.Row
        self._step: str | None = None  # the undo step the events being logged belong to
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {busy_timeout()}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._check_is_ours(read_only)
            if not opened_read_only and self.read_only_reason is None:
                if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self._waiting_for_lock(lambda: self.conn.execute("PRAGMA journal_mode = WAL"))
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: large imports stay in memory
                self._waiting_for_lock(self._migrate)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            error = user_error(exc, self.path, self.read_only_reason)
            if error and "not a database" not in str(exc):
                raise error from None
            raise QualcodeError(f"not a qualcode project ({exc})", self.path) from None
        except BaseException:
            self.conn.close()
            raise

    def _check_is_ours(self, read_only: bool) -> None:
        """Never turn someone else's SQLite database into a project, nor read one as ours; a
        project of a newer qualcode is read, never written."""
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied = self._applied_migrations()
        if tables and not applied:
            raise QualcodeError("not a qualcode project (an SQLite database of something else)", self.path)
        known = migration_names()
        if applied != known[: len(applied)] or len(applied) > len(known):
            newer = f"made by a newer qualcode (project schema {applied[-1]}; this qualcode knows up to {known[-1]})"
            if read_only:
                raise QualcodeError(f"{newer}: update qualcode to read it", self.path)
            self.read_only_reason = f"{newer}: update qualcode to change it"
        elif self.read_only_reason is not None:  # no migration can run
            if not applied:
                raise QualcodeError("not a qualcode project (empty)", self.path)
            if len(applied) < len(known):
                how = "" if read_only else f" ({self.read_only_reason})"
                raise QualcodeError(f"made by an older qualcode: open it once with this version, where it can be "
                                    f"written, to update it{how}", self.path)

    def _applied_migrations(self) -> list[str]:
        """Our steps of the schema this project has had, in order (sqlite-utils' record of them)."""
        if self._one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'") is None:
            return []
        return [r[0] for r in self.conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", (MIGRATION_SET,))]

    def _migrate(self) -> None:
        applied = self._applied_migrations()
        known = migration_names()
        if applied == known:
            return
        if applied:
            # an existing project: keep a copy from before the migration
            backup = self.path.with_name(f"{self.path.name}.before-{known[len(applied)]}.bak")
            with sqlite3.connect(backup) as target:
                self.conn.backup(target)
        migrations().apply(sqlite_utils().Database(self.conn))

    def _waiting_for_lock(self, action: Callable[[], object]) -> object:
        """Run `action`; when another process holds the write lock, say so once (`on_wait`: the
        CLI prints it, the TUI notifies) and wait for it (up to QUALCODE_LOCK_WAIT, default 60 s),
        then give up with a one-line error."""
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not is_locked(exc):
                raise
            remaining = int(lock_wait() * 1000) - busy_timeout()
            if remaining <= 0:
                raise user_error(exc, self.path) from None
        if self.on_wait:
            self.on_wait(WAITING)
        self.conn.execute(f"PRAGMA busy_timeout = {remaining}")
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if is_locked(exc):
                raise user_error(exc, self.path) from None
            raise
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {busy_timeout()}")

    def close(self) -> None:
        self.conn.close()

    @property
    def schema_version(self) -> str:
        applied = self._applied_migrations()
        return applied[-1] if applied else ""

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One unit of work; nested calls join the outer transaction through a savepoint."""
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT nested")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK TO nested")
                self.conn.execute("RELEASE nested")
                raise
            self.conn.execute("RELEASE nested")
            return
        if self.read_only_reason:
            raise QualcodeError(f"cannot change the project: {self.read_only_reason}", self.path)
        self._waiting_for_lock(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # SQLite rolled back itself (a full disk, an I/O error)
            if isinstance(exc, sqlite3.Error) and (error := user_error(exc, self.path, self.read_only_reason)):
                raise error from None
            raise

    def _q(self, sql: str, params: Iterable | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params if isinstance(params, dict) else tuple(params)).fetchall()

    def _tuples(self, sql: str, params: Iterable | dict = ()) -> sqlite3.Cursor:
        """Rows as plain tuples, for reads of many rows: cheaper than sqlite3.Row when there are
        hundreds of thousands (a name lookup per field costs more than reading the row)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params if isinstance(params, dict) else tuple(params))

    def _one(self, sql: str, params: Iterable = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, tuple(params)).fetchone()

    # --- events -------------------------------------------------------------------------------

    @contextmanager
    def step(self) -> Iterator[str]:
        """One transaction whose events share a step id: undo takes them back together
        (services/history.py). A step inside a step joins it."""
        if self._step is not None:
            yield self._step
            return
        self._step = new_uid()
        try:
            with self.transaction():
                yield self._step
        finally:
            self._step = None

    def log(self, actor: str, action: str, payload: dict) -> int:
        check_name(actor, "coder name")
        if self._step is not None and "step" not in payload:
            payload = {**payload, "step": self._step}
        cur = self.conn.execute(
            "INSERT INTO events (at, actor, action, payload) VALUES (?, ?, ?, ?)",
            (now(), actor, action, json.dumps(payload, ensure_ascii=False)),
        )
        return cur.lastrowid

    def events(self, action_prefix: str | None = None, actor: str | None = None) -> list[dict]:
        sql, params = "SELECT * FROM events WHERE 1=1", []
        if action_prefix:
            sql += " AND action LIKE ?"
            params.append(action_prefix.replace("%", r"\%") + "%")
        if actor:
            sql += " AND actor = ?"
            params.append(actor)
        return [
            {**dict(r), "payload": json.loads(r["payload"])} for r in self._q(sql + " ORDER BY id", params)
        ]

    def events_backwards(self, actor: str, actions: tuple[str, ...], page: int = 8,
                         before: int | None = None) -> Iterator[dict]:
        """The actor's events of these actions (before the event `before`, if given), newest
        first, read a page at a time (undo looks at the last few, whatever the length of the
        history: the events_actor index); pages grow, so a walk to the start of a long history
        (nothing to undo in a scope) takes few reads."""
        return self._events_paged(actor, actions, before, page, backwards=True)

    def events_forwards(self, actor: str, actions: tuple[str, ...], first: int, page: int = 8) -> Iterator[dict]:
        """The actor's events of these actions from the event `first` on, oldest first, a page at a
        time (undo reads one step's events from where a marker names it)."""
        return self._events_paged(actor, actions, first, page, backwards=False)

    def _events_paged(self, actor: str, actions: tuple[str, ...], bound: int | None, page: int, *,
                      backwards: bool) -> Iterator[dict]:
        marks = ", ".join("?" for _ in actions)
        while True:
            where = "" if bound is None else " AND id < ?" if backwards else " AND id >= ?"
            rows = self._q(f"SELECT * FROM events WHERE actor = ? AND action IN ({marks}){where}"
                           f" ORDER BY id{' DESC' if backwards else ''} LIMIT ?",
                           (actor, *actions, *([] if bound is None else [bound]), page))
            for r in rows:
                yield {**dict(r), "payload": json.loads(r["payload"])}
            if len(rows) < page:
                return
            bound, page = rows[-1]["id"] + (0 if backwards else 1), min(page * 4, 16_384)

    def merged_after(self, event_id: int) -> bool:
        """Whether a merge was logged after this event (undo goes no further back than a merge)."""
        return self._one("SELECT 1 FROM events WHERE id > ? AND action = 'project.merge' LIMIT 1",
                         (event_id,)) is not None

    # --- settings -----------------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return row["value"] if row else default

    def set_setting(self, key: str, value: str) -> None:
        for name in json.loads(value) if key == "redactions" else [value]:  # a JSON list of names
            check_name(name, "redacted name" if key == "redactions" else f"value of the setting {key}")
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

