"""Opening a project file, and the SQLite failures people must understand.

- What is not a project (a directory, a FIFO, a device, another kind of file) is refused
  before SQLite sees it; a FIFO never blocks.
- A project we may not write (a read-only file or folder) is opened read-only: reading
  works, and the first write says why it cannot be done (see `Store.transaction`).
- A path is a path: file names with '#', '%' or '?' are quoted into the URI, never read as
  URI syntax.
- A writer that finds another process holding the write lock waits (LOCK_WAIT seconds,
  QUALCODE_LOCK_WAIT overrides), saying so once after LOCK_NOTICE seconds.
- A full disk, a read-only database, an I/O error become one-line errors; the transaction
  is rolled back, so nothing is half written.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from ..errors import QualcodeError
from ..inputs import file_kind

LOCK_WAIT = 60.0  # seconds a writer waits for another process's write lock
LOCK_NOTICE = 5.0  # seconds before it says it is waiting (the busy timeout of every connection)
WAITING = "waiting for another qualcode process…"
_HEADER = b"SQLite format 3\x00"


def lock_wait() -> float:
    """Seconds a writer waits for another's lock in all (QUALCODE_LOCK_WAIT overrides)."""
    try:
        return max(0.0, float(os.environ.get("QUALCODE_LOCK_WAIT", LOCK_WAIT)))
    except ValueError:
        return LOCK_WAIT


def busy_timeout() -> int:
    """Milliseconds of every connection's busy timeout: how long before a writer says it waits."""
    return int(min(LOCK_NOTICE, lock_wait()) * 1000)


def check_project_file(path: Path) -> None:
    """Refuse what cannot be a project before SQLite opens it (an absent file may be created)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise QualcodeError(f"cannot open the project ({exc.strerror})", path) from None
    if not stat.S_ISREG(mode):
        raise QualcodeError(f"not a qualcode project ({file_kind(mode)})", path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except PermissionError:
        raise QualcodeError("permission denied: cannot read the project", path) from None
    try:
        header = os.read(fd, len(_HEADER))
    finally:
        os.close(fd)
    if header and header != _HEADER:
        raise QualcodeError("not a qualcode project (not an SQLite file)", path)


def write_obstacle(path: Path) -> str | None:
    """Why this process cannot write the project at `path` (an existing file), or None."""
    if not os.access(path, os.W_OK):
        return "the project file is read-only"
    folder = path.parent
    if os.access(folder, os.W_OK | os.X_OK):
        return None
    # WAL needs its -wal and -shm files: in a read-only folder they must exist and be writable
    sidecars = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    if all(p.exists() and os.access(p, os.W_OK) for p in sidecars):
        return None
    return "the project's folder is read-only"


def uri(path: Path, *, read_only: bool) -> str:
    """The SQLite URI of `path`, quoted (a '#' or '?' in a file name is no URI syntax). Read-only:
    immutable when no write-ahead log is pending, so nothing (-wal, -shm) is made beside it."""
    target = "file:" + quote(str(Path(path).absolute()), safe="/")
    if not read_only:
        return target
    wal = Path(f"{path}-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    return target + ("?mode=ro" if pending else "?mode=ro&immutable=1")


def is_locked(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc))


def user_error(exc: sqlite3.Error, path: Path, reason: str | None = None) -> QualcodeError | None:
    """The one-line error for an SQLite failure a person can act on; None for a fault of ours."""
    message = str(exc).lower()
    if "full" in message:
        return QualcodeError("no space left on the disk: nothing was written", path)
    if "readonly" in message or "read-only" in message:
        return QualcodeError(f"cannot change the project: {reason or 'it is read-only'}", path)
    if "disk i/o error" in message:
        return QualcodeError("cannot write the project (disk I/O error): nothing was written", path)
    if "unable to open" in message:
        return QualcodeError("cannot open the project (permission denied, or the folder is missing)", path)
    if is_locked(exc):
        return QualcodeError(f"the project is busy: another qualcode process holds it (waited "
                             f"{lock_wait():.0f} s)", path)
    return None
