"""REFI-QDA exchange: a whole project to and from .qdpx (NVivo, MAXQDA, ATLAS.ti, QualCoder…)."""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..exchange.qdpx import ExportReport, ImportReport, export_qdpx, import_qdpx
from ..model import Progress
from ..store import Store
from .common import default_coder
from .participants import ParticipantService
from .redaction import RedactionService
from .settings import SettingsService


class ExchangeService:
    def __init__(self, store: Store, redaction: RedactionService | None = None,
                 settings: SettingsService | None = None) -> None:
        self.store = store
        self.redaction = redaction or RedactionService(store, ParticipantService(store))
        self.settings = settings or SettingsService(store)

    def import_qdpx(self, path: Path, *, actor: str | None = None,
                    progress: Progress | None = None) -> ImportReport:
        """Bring a .qdpx (or .zip), or a .qdc codebook, into the project, which may hold work
        already: all of it in one transaction, or nothing."""
        return import_qdpx(self.store, Path(path), actor=actor or default_coder(), progress=progress)

    def export_qdpx(self, path: Path, *, nvivo: bool = False, origin: str | None = None, redact: bool = False,
                    lang: str | None = None) -> ExportReport:
        """Write the whole project as a .qdpx (atomically); positions in code points, or in
        UTF-16 units as NVivo counts them with `nvivo`. It carries every transcript in full;
        with `redact`, the redacted texts (placeholders in `lang`) and names, coded spans moved."""
        lang = self.settings.check_language(lang) or self.settings.display_language or "en"
        outward = self.redaction.outward(lang) if redact else None
        return export_qdpx(self.store, Path(path), nvivo=nvivo, origin=origin or f"qualcode {__version__}",
                           outward=outward)

    def validate(self, path: Path) -> str:
        """Check a .qdpx or .qdc file against the REFI-QDA 1.0 schema: a line saying it is valid,
        else a QualcodeError naming the first problem."""
        from ..exchange.validate import check_against_schema

        return check_against_schema(Path(path))
