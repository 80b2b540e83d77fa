"""Project: the one door both faces (CLI and TUI) use to reach the domain.

A small facade: it opens the project file and composes the services, each an attribute named
for its subject — `project.coding.add_segment(...)`, `project.codebook.load(...)`. Every
service method that changes the project does so in one transaction and records its event in it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from .errors import QualcodeError
from .model import Progress
from .services.codebook import CodebookService, check_codebook_file
from .services.coding import CodingService
from .services.common import default_coder
from .services.documents import DocumentService, ImportReport
from .services.exchange import ExchangeService
from .services.media import MediaService
from .services.memos import MemoService
from .services.participants import ParticipantService
from .services.queries import QueryService
from .services.redaction import RedactionService
from .services.reports import ReportService
from .services.review import ReviewService
from .services.settings import SettingsService
from .services.team import TeamService
from .store import Store

__all__ = ["ImportReport", "Progress", "Project", "check_codebook_file"]


class Project:
    def __init__(self, path: Path | str, *, create: bool = False, on_wait: Callable[[str], None] | None = None) -> None:
        """`on_wait` is told (once) when a change waits for another process's lock on the project;
        what is not a project, or cannot be written, the store refuses (see store/opening.py)."""
        path = Path(path)
        if not create and not path.exists():
            raise QualcodeError("no such project (create one with 'qualcode init' or import a file)", path)
        self.path = path
        store = self._store = Store(path, on_wait=on_wait)
        self.settings = SettingsService(store)
        self.documents = DocumentService(store)
        self.participants = ParticipantService(store)
        self.redaction = RedactionService(store, self.participants)
        self.codebook = CodebookService(store, self.settings, self.redaction)
        self.coding = CodingService(store, self.documents, self.codebook)
        self.team = TeamService(store, self.documents, self.codebook, self.coding, self.settings)
        self.reports = ReportService(store, self.documents, self.participants, self.codebook, self.coding,
                                     self.team, self.settings, self.redaction)
        self.exchange = ExchangeService(store, self.redaction, self.settings)
        self.queries = QueryService(store, self.settings, self.redaction)
        self.review = ReviewService(store, self.documents, self.coding, self.settings)
        self.memos = MemoService(store, self.documents, self.codebook, self.coding, self.review, self.redaction)
        self.media = MediaService(store, self.documents)

    def transaction(self) -> AbstractContextManager[None]:
        """Group several actions into one transaction (each is still its own undo step)."""
        return self._store.transaction()

    @property
    def read_only(self) -> str | None:
        """Why this project cannot be changed here (a read-only file or folder, a newer
        qualcode's schema), or None: reading works all the same."""
        return self._store.read_only_reason

    def lock_wait(self) -> float:
        """Seconds a change waits for another process's lock before it gives up."""
        from .store.opening import lock_wait

        return lock_wait()

    def default_actor(self) -> str:
        """Who acts when no one is named: $QUALCODE_CODER, else the login name."""
        return default_coder()

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
