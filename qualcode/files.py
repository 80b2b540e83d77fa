"""Writing output files so that a crash or a full disk never leaves half a file behind."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import QualcodeError

_NO_SPACE = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place. A full disk or a
    folder we may not write to is a QualcodeError, and nothing is left behind. The file gets
    the mode any new file gets (0666 less the umask), not the temporary file's private 0600."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise QualcodeError("the folder does not exist", path.parent)
    if path.is_dir():
        raise QualcodeError("is a directory, not a file", path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    except OSError as exc:
        raise output_error(exc, path) from None
    try:
        os.fchmod(fd, 0o666 & ~umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise output_error(exc, path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def umask() -> int:
    """The process's umask, read without changing it where the system tells (Linux), else set
    and put back at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def output_error(exc: OSError, path: Path) -> QualcodeError:
    """What went wrong writing `path`, for people."""
    if exc.errno in _NO_SPACE:
        return QualcodeError("no space left on the disk: nothing was written", path)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return QualcodeError("permission denied: cannot write here (read-only?)", path)
    return QualcodeError(f"cannot write the file ({exc.strerror or exc})", path)
