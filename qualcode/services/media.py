"""A transcript's recording: linking a document to its audio or video file, and playing it from
a turn's time with whichever player the machine has (mpv, ffplay or VLC, found on PATH).

The link is stored relative to the project file's folder when the file lies below it, so a
project folder moved to another machine keeps its links.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ..errors import QualcodeError
from ..store import Store
from ..store.base import now
from .common import default_coder
from .documents import DocumentService

# (program, how it is told where to start) in order of preference
PLAYERS = (("mpv", lambda t: [f"--start={t:.2f}"]), ("ffplay", lambda t: ["-autoexit", "-ss", f"{t:.2f}"]),
           ("vlc", lambda t: [f"--start-time={t:.2f}"]))


class MediaService:
    def __init__(self, store: Store, documents: DocumentService) -> None:
        self.store = store
        self.documents = documents

    @property
    def base(self) -> Path:
        """The folder links are relative to: the project file's."""
        return self.store.path.resolve().parent

    def link(self, doc_ref: str | int, file: Path, actor: str | None = None) -> Path:
        """Link a document to its recording; returns the path as stored."""
        doc = self.documents.get(doc_ref)
        file = Path(file).expanduser()
        if not file.is_file():
            raise QualcodeError("no such media file", file)
        absolute = file.resolve()
        try:
            stored = absolute.relative_to(self.base)
        except ValueError:
            stored = absolute
        with self.store.transaction():
            self.store.set_media(doc.id, stored.as_posix(), actor or default_coder(), now())
            self.store.log(actor or default_coder(), "document.media", {"uid": doc.uid, "path": stored.as_posix()})
        return stored

    def media(self, doc_ref: str | int) -> Path | None:
        """The recording of a document, as a path to open (None when none is linked)."""
        stored = self.store.media_path(self.documents.get(doc_ref).id)
        if stored is None:
            return None
        path = Path(stored)
        return path if path.is_absolute() else self.base / path

    @staticmethod
    def player() -> str | None:
        """The first of mpv, ffplay and vlc found on PATH (its full path), or None."""
        for name, _ in PLAYERS:
            found = shutil.which(name)
            if found:
                return found
        return None

    def play_command(self, doc_ref: str | int, seconds: float | None) -> list[str]:
        """The command that plays a document's recording from `seconds` (0 when unknown)."""
        media = self.media(doc_ref)
        if media is None:
            raise QualcodeError("no recording linked to this document (qualcode media DOC FILE links one)",
                                self.documents.get(doc_ref).name)
        if not media.is_file():
            raise QualcodeError("the linked recording is missing", media)
        player = self.player()
        if player is None:
            raise QualcodeError("no media player found: install mpv, ffplay (ffmpeg) or VLC", "PATH")
        name = Path(player).name.removesuffix(".exe")
        start = next(options for program, options in PLAYERS if program == name)
        return [player, *start(max(0.0, seconds or 0.0)), str(media)]

    def play(self, doc_ref: str | int, seconds: float | None) -> list[str]:
        """Start the player on its own (its output never reaches the terminal); returns the command."""
        command = self.play_command(doc_ref, seconds)
        subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, env=os.environ.copy())
        return command
