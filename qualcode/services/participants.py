"""Participants (cases): who speaks in which document, and their attributes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import QualcodeError
from ..inputs import TEXT_LIMIT, read_input
from ..model import Participant
from ..names import clean_name, clean_text
from ..store import Store
from .common import default_coder


class ParticipantService:
    def __init__(self, store: Store) -> None:
        self.store = store

    def check_csv(self, path: Path) -> list[str]:
        """Every problem of a participants CSV against this project ('line N: …'); [] if none.
        A file that cannot be read as one is a QualcodeError."""
        rows = _read_participants_csv(Path(path))
        speakers = {(s["document"], s["label"]) for s in self.store.speakers()}
        documents = self.store.document_names()
        return [f"line {line}: no speaker '{row['speaker']}' in document '{row['document']}'"
                if row["document"] in documents else f"line {line}: document '{row['document']}' is not in the project"
                for line, row in rows if (row["document"], row["speaker"]) not in speakers]

    def load_csv(self, path: Path, actor: str | None = None) -> list[Participant]:
        """Attach participants (id, document, speaker, attributes…) from a CSV; all or nothing.
        Problems are refused in one line naming the first (`details`: all of them)."""
        actor = actor or default_coder()
        problems = self.check_csv(Path(path))
        if problems:
            more = len(problems) - 1
            raise QualcodeError(problems[0] if not more else f"{problems[0]} (and {more} more problem"
                                f"{'s' * (more > 1)}: 'qualcode participants check FILE' lists all)", path,
                                details=problems)
        rows = _read_participants_csv(Path(path))
        speakers = {(s["document"], s["label"]): s for s in self.store.speakers()}
        with self.store.transaction():
            for _line, row in rows:
                speaker = speakers[(row["document"], row["speaker"])]
                # what the speaker carried already (the import's --group) stays unless overridden
                attributes = {**speaker["attributes"], **{
                    k: v for k, v in row.items()
                    if k not in {"id", "document", "speaker", "pseudonym"} and v != ""}}
                pid = self.store.upsert_participant(row["id"], row.get("pseudonym") or None, attributes)
                self.store.link_speaker(speaker["id"], pid)
            self.store.drop_orphan_participants()
            self.store.log(actor, "participants.load", {"file": Path(path).name, "rows": len(rows)})
        return self.list()

    def list(self) -> list[Participant]:
        return self.store.participants()


_NAME_COLUMNS = {"id", "document", "speaker", "pseudonym"}


def _read_participants_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of a participants CSV; names and values without control characters (removed)."""
    try:
        reader = csv.DictReader(io.StringIO(read_input(path, limit=TEXT_LIMIT).decode("utf-8-sig"), newline=""))
        columns = [clean_name(c) for c in reader.fieldnames or []]
        reader.fieldnames = columns
        missing = [c for c in ("id", "document", "speaker") if c not in columns]
        if missing:
            raise QualcodeError(f"participants CSV lacks column(s) {', '.join(missing)}", path)
        rows = [(reader.line_num, {k: (clean_name if k in _NAME_COLUMNS else clean_text)(v or "").strip()
                                   for k, v in row.items() if k})
                for row in reader]
    except UnicodeDecodeError:
        raise QualcodeError("participants CSV is not UTF-8", path) from None
    except csv.Error as exc:
        raise QualcodeError(f"not a valid CSV file: {exc}", path) from None
    if not rows:
        raise QualcodeError("participants CSV has no rows", path)
    return rows
