"""Which files an import takes: the files named, and the transcripts under the folders named.

Pure: it only looks at names and the file tree, and reads no file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import QualcodeError
from .readers import READABLE_SUFFIXES

PROJECT_SUFFIXES = (".qdpx", ".zip")  # REFI-QDA projects: imported on their own, never from a folder


def collect_sources(paths: Sequence[Path | str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The files to import, and the (file, reason) of files under the folders that are not taken.

    A file named is taken as it is (the reader says if it cannot read it). A folder is walked
    recursively in a fixed order (names sorted, a folder's files before its subfolders); its
    transcripts are taken, and every other file is listed with the reason, except hidden files
    and folders (".git", ".DS_Store") and qualcode's own project files, which are passed over
    silently. A file reached twice is taken once. A path that is not there is refused: as a
    folder when it was named as one (a trailing slash), as a file or folder when it has no
    extension (the reader says a missing file with one is not found)."""
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    taken: set[Path] = set()

    def take(path: Path, key: Path | None = None) -> None:
        key = key or path.resolve()
        if key not in taken:
            taken.add(key)
            files.append(path)

    for named in paths:
        path = Path(named)
        if not path.exists():
            if str(named).endswith(("/", os.sep)):
                raise QualcodeError("the folder does not exist", named)
            if not path.suffix:
                raise QualcodeError("no such file or folder", named)
        if not path.is_dir():
            take(path)
            continue
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            real_folder = Path(folder).resolve()  # once a folder: resolving each file costs a syscall a step
            for name in sorted(names):
                reason = _not_a_transcript(name)
                if reason is None:
                    real = real_folder / name
                    take(Path(folder, name), real.resolve() if real.is_symlink() else real)
                elif reason:
                    skipped.append((str(Path(folder, name)), reason))
    return files, skipped


def _not_a_transcript(name: str) -> str | None:
    """Why a file in a folder is not imported ('' to pass over it silently), or None to import it."""
    suffix = Path(name).suffix.lower()
    if name.startswith(".") or ".qualcode" in name:  # hidden; a project, its -wal/-shm and backups
        return ""
    if name.startswith("~$"):
        return "a lock file Word leaves while a document is open"
    if name.upper().startswith("README"):
        return "a README, not a transcript (name the file to import it)"
    if suffix in PROJECT_SUFFIXES:
        return "a REFI-QDA project: import it on its own"
    if suffix not in READABLE_SUFFIXES:
        return f"not a transcript type ({suffix or 'no extension'})"
    return None
