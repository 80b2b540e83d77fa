"""REFI-QDA project exchange (.qdpx): the API the faces call, and what it reports.

`export_qdpx` writes the whole project; `import_qdpx` brings a .qdpx (NVivo, MAXQDA,
ATLAS.ti, qualcode…) or a .qdc codebook into a project. How each of our things is written
is told in `qdpx_export`; how other tools' files are read, in `qdpx_import`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..model import Progress
from ..store import Store
from ..text.outward import Outward


def export_qdpx(store: Store, path: Path, *, nvivo: bool = False, origin: str = "qualcode 0.1",
                outward: Outward | None = None) -> ExportReport:
    """Write the whole project as a .qdpx (atomically). Positions are code points, or UTF-16
    units with `nvivo`; the report warns when the choice matters (text beyond the BMP). With
    `outward`, redacted (texts, names, positions moved: see qdpx_export)."""
    from .qdpx_export import write_qdpx

    return write_qdpx(store, Path(path), nvivo=nvivo, origin=origin, outward=outward)


def import_qdpx(store: Store, path: Path, *, actor: str, progress: Progress | None = None) -> ImportReport:
    """Bring a .qdpx (or .zip), or a .qdc codebook, into the project, which may hold work already:
    all of it in one transaction, or nothing (a QualcodeError names the damage)."""
    from .qdpx_import import read_qdpx

    return read_qdpx(store, Path(path), actor=actor, progress=progress)


@dataclass
class ExportReport:
    path: str
    nvivo: bool = False
    documents: int = 0
    codes: int = 0
    themes: int = 0
    coders: int = 0
    participants: int = 0
    segments: int = 0
    notes: int = 0
    warnings: list[str] = field(default_factory=list)
    redacted: bool = False

    def to_json(self) -> dict:
        return dict(self.__dict__)

    def lines(self) -> list[str]:
        units = "UTF-16 units (NVivo)" if self.nvivo else "code points"
        return [
            f"wrote {self.path}",
            (f"{self.documents} documents, {self.codes} codes, {self.themes} themes, {self.coders} coders,"
             f" {self.participants} participants"),
            f"{self.segments} coded segments (positions in {units}), {self.notes} notes",
            *(["redacted: the transcripts, names and notes hold no redacted name"] if self.redacted else []),
            *(f"warning: {w}" for w in self.warnings),
        ]



@dataclass
class ImportReport:
    path: str
    origin: str = ""
    documents_added: list[str] = field(default_factory=list)
    documents_matched: list[str] = field(default_factory=list)
    sources_skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    codes_added: list[str] = field(default_factory=list)
    code_conflicts: list[str] = field(default_factory=list)
    coders_added: list[str] = field(default_factory=list)
    participants_added: list[str] = field(default_factory=list)
    themes_added: list[str] = field(default_factory=list)
    segments_added: int = 0
    segments_present: int = 0
    segments_skipped: int = 0
    memos_added: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {k: ([list(x) for x in v] if k == "sources_skipped" else v) for k, v in self.__dict__.items()}

    def lines(self) -> list[str]:
        return [
            f"imported {Path(self.path).name}" + (f" (from {self.origin})" if self.origin else ""),
            f"documents: {len(self.documents_added)} added, {len(self.documents_matched)} already here"
            + (f", {len(self.sources_skipped)} sources skipped" if self.sources_skipped else ""),
            f"codes: {len(self.codes_added)} added; themes: {len(self.themes_added)} added",
            f"coders: {len(self.coders_added)} added"
            + (f" ({', '.join(self.coders_added)})" if self.coders_added else ""),
            f"participants: {len(self.participants_added)} added",
            f"segments: {self.segments_added} added, {self.segments_present} already here"
            + (f", {self.segments_skipped} skipped" if self.segments_skipped else ""),
            f"memos: {self.memos_added} added",
            *(f"skipped source '{name}': {reason}" for name, reason in self.sources_skipped),
            *(f"conflict: {c}" for c in self.code_conflicts),
            *(f"warning: {w}" for w in self.warnings),
        ]
