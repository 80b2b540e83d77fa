"""Reading what a person hands us without hanging or exhausting memory: regular files only
(a FIFO would block, /dev/zero never ends), size limits, and zips checked before unpacking.

At the bottom of the layers (with model and errors): the readers of every kind of input use it.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path
from typing import BinaryIO

from .errors import QualcodeError

MiB = 1024 * 1024
TEXT_LIMIT = 50 * MiB  # a transcript (.txt .md .vtt .srt), a participants CSV
DOCUMENT_LIMIT = 200 * MiB  # a .docx or .qdpx as packed
YAML_LIMIT = 10 * MiB  # a codebook
# a zip (.docx, .qdpx) is refused before unpacking when it would explode
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_UNPACKED = 512 * MiB  # bytes, all members together
ZIP_MAX_RATIO = 200  # a member that unpacks to more than this many times its packed size is a bomb


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, for an error message."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def open_input(path: Path | str, *, limit: int | None = None) -> BinaryIO:
    """Open a file to read, refusing (QualcodeError) what is not a regular file — a FIFO would
    block, a device such as /dev/zero never ends — and files larger than `limit` bytes.
    Symbolic links are followed; what they point to is judged."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise QualcodeError(f"not a regular file ({file_kind(mode)})", path)
        # O_NONBLOCK: if the file was swapped for a FIFO since, opening still does not block
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise QualcodeError("file not found", path) from None
    except PermissionError:
        raise QualcodeError("permission denied: cannot read the file", path) from None
    except OSError as exc:
        raise QualcodeError(f"cannot read the file ({exc.strerror})", path) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise QualcodeError(f"not a regular file ({file_kind(info.st_mode)})", path)
    if limit is not None and info.st_size > limit:
        os.close(fd)
        raise QualcodeError(f"file too large ({_size(info.st_size)}; at most {_size(limit)})", path)
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_input(path: Path | str, *, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (see `open_input`)."""
    with open_input(path, limit=limit) as f:
        try:
            data = f.read(limit + 1)
        except OSError as exc:
            raise QualcodeError(f"cannot read the file ({exc.strerror})", path) from None
    if len(data) > limit:  # it grew while we read it
        raise QualcodeError(f"file too large (more than {_size(limit)})", path)
    return data


def _size(n: int) -> str:
    return f"{n / MiB:.0f} MiB" if n >= MiB else f"{n:,} bytes"


def check_zip(archive: zipfile.ZipFile, path: Path, *, what: str = "project",
              max_unpacked: int = ZIP_MAX_UNPACKED) -> None:
    """Refuse a zip (.docx, .qdpx) that could escape (absolute or ../ member names), explode (a
    member unpacking to ZIP_MAX_RATIO times its size) or exhaust (too many members, too much
    in all) — from its directory, before anything is unpacked."""
    members = archive.infolist()
    if len(members) > ZIP_MAX_MEMBERS:
        raise QualcodeError(f"archive has {len(members)} members (at most {ZIP_MAX_MEMBERS})", path)
    total = 0
    for info in members:
        name = info.filename
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or re.search(r"(^|[\\/])\.\.([\\/]|$)", name):
            raise QualcodeError(f"archive member '{name}' points outside the {what}", path)
        total += info.file_size
        if info.file_size > max_unpacked or total > max_unpacked:
            raise QualcodeError(f"archive unpacks to more than {max_unpacked // MiB} MiB", path)
        if info.compress_size and info.file_size / info.compress_size > ZIP_MAX_RATIO and info.file_size > MiB:
            raise QualcodeError(f"archive member '{name}' is a compression bomb", path)


class InputZip(zipfile.ZipFile):
    """A zip read from an `open_input` handle, which it closes with itself."""

    def __init__(self, path: Path | str, *, limit: int = DOCUMENT_LIMIT) -> None:
        self._handle = None
        self._handle = open_input(path, limit=limit)
        try:
            super().__init__(self._handle)
        except BaseException:
            self._handle.close()
            raise

    def close(self) -> None:
        try:
            if hasattr(self, "fp"):
                super().close()
        finally:
            if self._handle is not None:
                self._handle.close()
