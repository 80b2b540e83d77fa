"""The demo project: the fictional Balint-group study in corpora/, ready to explore."""

from __future__ import annotations

import csv
from pathlib import Path

from .errors import QualcodeError
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
            report = project.documents.import_files([corpora / entry["file"]], lang=entry["lang"],
                                          group=entry["group"], actor=DEMO_CODER, progress=progress)
            imported += len(report.imported)
        if imported:
            project.participants.load_csv(corpora / "participants.csv", actor=DEMO_CODER)
        if not project.codebook.codes():
            project.codebook.load(root / "codebooks" / "balint.yaml", actor=DEMO_CODER)
        if not project.coding.segments():
            code_quotes(project, corpora / "demo_codings.csv")
        docs = project.documents.list()
        return (f"demo project {path}: {len(docs)} documents, {sum(d.turns for d in docs)} turns, "
                f"{len(project.participants.list())} participants, {len(project.codebook.codes())} codes, "
                f"{len(project.coding.segments())} coded segments by {len(project.coding.coders())} coders")


def code_quotes(project: Project, path: Path) -> int:
    """Code the quotes of a CSV (coder, document, code, quote, memo, exemplar, translation):
    each quote is found in its document's stored text, so the file needs no offsets."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts: dict[str, str] = {}
    with project.transaction():
        for line, row in enumerate(rows, start=2):
            text = texts.setdefault(row["document"], project.documents.get(row["document"]).text)
            start = text.find(row["quote"])
            if start < 0 or text.find(row["quote"], start + 1) >= 0:
                raise QualcodeError(f"line {line}: the quote is not found exactly once in "
                                    f"'{row['document']}'", path)
            project.coding.add_segment(row["document"], row["code"], start, start + len(row["quote"]),
                                coder=row["coder"], memo=row.get("memo") or None,
                                exemplar=row.get("exemplar") == "1",
                                translation=row.get("translation") or None)
    return len(rows)
