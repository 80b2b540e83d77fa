"""The demo project: the fictional Balint-group study in corpora/, ready to explore."""

from __future__ import annotations

import csv
from pathlib import Path

from .project import Progress, Project

DEMO_CODER = "demo"


def data_root() -> Path:
    """corpora/ and codebooks/: packaged inside the wheel, or beside the package in a checkout."""
    packaged = Path(__file__).parent / "_demo"
    if (packaged / "corpora").is_dir():
        return packaged
    return Path(__file__).resolve().parents[1]


def manifest(root: Path | None = None) -> list[dict[str, str]]:
    root = root or data_root()
    with (root / "corpora" / "manifest.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def build_demo(path: Path, progress: Progress | None = None) -> str:
    """Build the demo project at `path`; running it again changes nothing."""
    root = data_root()
    corpora = root / "corpora"
    with Project(path, create=True) as project:
        imported = 0
        for entry in manifest(root):
            report = project.import_files([corpora / entry["file"]], lang=entry["lang"],
                                          group=entry["group"], actor=DEMO_CODER, progress=progress)
            imported += len(report.imported)
        if imported:
            project.load_participants(corpora / "participants.csv", actor=DEMO_CODER)
        docs = project.documents()
        return (f"demo project {path}: {len(docs)} documents, "
                f"{sum(d.turns for d in docs)} turns, {len(project.participants())} participants")
