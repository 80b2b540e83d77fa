"""A co-author's project, read from a private copy.

The file is named by a plain path (never an SQLite URI: '#', '%', '?' are letters of a file
name here), read byte for byte into a temporary folder with its write-ahead log, if one is
pending, and opened there. Their file and its folder gain nothing (no -wal, no -shm) and
change in no byte; an older project is brought up to date in the copy only.

Before anything is read from it the copy must be sound: an SQLite file, a qualcode project of
a schema this qualcode knows, passing `integrity_check` and `foreign_key_check`, with every
offset an integer inside its text and every JSON column JSON.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import QualcodeError
from .schema import MIGRATION_SET, migration_names
from .store import Store

_HEADER = b"SQLite format 3\x00"


@contextmanager
def coauthor_snapshot(path: Path) -> Iterator[Store]:
    """The project at `path`, opened from a private copy that is deleted afterwards."""
    _check_regular_file(path)
    with tempfile.TemporaryDirectory(prefix="qualcode-merge-") as folder:
        copy = Path(folder) / "coauthor.qualcode"
        _copy(path, copy, header=True)
        wal = Path(f"{path}-wal")
        if _is_file(wal) and wal.stat().st_size:
            _copy(wal, Path(f"{copy}-wal"))  # what their qualcode wrote and has not yet checkpointed
        try:
            _check_schema(copy, path)
            store = Store(copy)  # an older project is migrated here, in the copy
        except sqlite3.DatabaseError as exc:
            raise QualcodeError(f"not a sound qualcode project ({exc})", path) from None
        except QualcodeError as exc:
            raise QualcodeError(exc.message, path, exc.details) from None
        try:
            try:
                problems = store.soundness_problems() or store.row_problems()
            except sqlite3.DatabaseError as exc:
                problems = [str(exc)]
            if problems:
                raise QualcodeError(f"{len(problems)} problem{'' if len(problems) == 1 else 's'} in the project, "
                                    "nothing merged", path, details=problems)
            yield store
        finally:
            store.close()


def _check_regular_file(path: Path) -> None:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise QualcodeError("no such project", path) from None
    except OSError as exc:
        raise QualcodeError(f"cannot read the project ({exc.strerror})", path) from None
    if stat.S_ISDIR(mode):
        raise QualcodeError("not a qualcode project (a directory)", path)
    if not stat.S_ISREG(mode):  # a FIFO would never end, a device never be a project
        raise QualcodeError("not a qualcode project (not a regular file)", path)


def _is_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _copy(source: Path, target: Path, header: bool = False) -> None:
    try:
        with open(source, "rb") as f:
            if header and f.read(len(_HEADER)) != _HEADER:
                raise QualcodeError("not a qualcode project (not an SQLite file)", source)
            f.seek(0)
            with open(target, "wb") as out:
                shutil.copyfileobj(f, out, 1 << 20)
    except OSError as exc:
        raise QualcodeError(f"cannot read the project ({exc.strerror})", source) from None


def _check_schema(copy: Path, shown: Path) -> None:
    """A qualcode project whose migrations are ours, up to ours (a newer one is refused, naming
    both versions; an older one is brought up to date in the copy when it is opened)."""
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied = [r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", (MIGRATION_SET,))
        ] if "_sqlite_migrations" in tables else []
    finally:
        conn.close()
    if not applied:
        raise QualcodeError("not a qualcode project (an SQLite database of something else)" if tables
                            else "not a qualcode project (empty)", shown)
    known = migration_names()
    if applied != known[: len(applied)]:
        theirs = next((name for name in applied if name not in known), applied[-1])
        raise QualcodeError(f"made by a newer qualcode (its schema has {theirs}; this qualcode knows up to "
                            f"{known[-1]}): update qualcode to merge it", shown)
