"""The Store: every SQL statement of qualcode, and the rows <-> model mapping.

Each public write runs inside `transaction()`, and writes its event in the same
transaction, so the audit trail and the data never disagree.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from ..errors import QualcodeError

from .base import new_uid, now  # noqa: F401  (re-exported: callers import them from here)
from .codebook import CodebookRows
from .coding import CodingRows
from .decisions import DecisionRows
from .documents import DocumentRows
from .people import ParticipantRows
from .schema import migrations


class Store(DocumentRows, ParticipantRows, CodebookRows, CodingRows, DecisionRows):
    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = Path(path)
        # autocommit mode: transactions are explicit (BEGIN IMMEDIATE), never implicit
        target = f"file:{self.path}?mode=ro" if read_only else str(self.path)
        self.conn = sqlite3.connect(target, uri=read_only, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        try:
            self.conn.execute("PRAGMA busy_timeout = 5000")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.db = sqlite_utils.Database(self.conn)
            self._check_is_ours(read_only)
            if not read_only:
                if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: large imports stay in memory
                self._migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise QualcodeError(f"not a qualcode project ({exc})", self.path) from None
        except BaseException:
            self.conn.close()
            raise

    def _check_is_ours(self, read_only: bool) -> None:
        """Never turn someone else's SQLite database into a project, nor read one as ours."""
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied = [m.name for m in migrations.applied(self.db)] if "_sqlite_migrations" in tables else []
        if tables and not applied:
            raise QualcodeError("not a qualcode project (an SQLite database of something else)", self.path)
        if read_only:
            known = [m.name for m in migrations._migrations]
            if not applied:
                raise QualcodeError("not a qualcode project (empty)", self.path)
            if applied != known[: len(applied)] or len(applied) > len(known):
                raise QualcodeError("made by a newer qualcode: update qualcode to read it", self.path)
            if len(applied) < len(known):
                raise QualcodeError("made by an older qualcode: open it once with this version to update it",
                                    self.path)

    def _migrate(self) -> None:
        pending = migrations.pending(self.db)
        if not pending:
            return
        if migrations.applied(self.db):
            # an existing project: keep a copy from before the migration
            backup = self.path.with_name(f"{self.path.name}.before-{pending[0].name}.bak")
            with sqlite3.connect(backup) as target:
                self.conn.backup(target)
        migrations.apply(self.db)

    def close(self) -> None:
        self.conn.close()

    @property
    def schema_version(self) -> str:
        applied = migrations.applied(self.db)
        return applied[-1].name if applied else ""

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
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _q(self, sql: str, params: Iterable | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params if isinstance(params, dict) else tuple(params)).fetchall()

    def _tuples(self, sql: str, params: Iterable = ()) -> sqlite3.Cursor:
        """Rows as plain tuples, for reads of many rows (a name lookup per field costs more than
        reading the row)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, tuple(params))

    def _one(self, sql: str, params: Iterable = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, tuple(params)).fetchone()

    # --- events -------------------------------------------------------------------------------

    def log(self, actor: str, action: str, payload: dict) -> int:
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

    def events_of(self, actor: str, actions: tuple[str, ...]) -> list[dict]:
        marks = ", ".join("?" for _ in actions)
        return [
            {**dict(r), "payload": json.loads(r["payload"])}
            for r in self._q(f"SELECT * FROM events WHERE actor = ? AND action IN ({marks}) ORDER BY id",
                             (actor, *actions))
        ]

    # --- settings -----------------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return row["value"] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

