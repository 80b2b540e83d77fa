"""What the merge tests compare: a project's content as docs/merge.md defines it, read straight
from its tables (not through the merge's own reading of them), and the rows of each table."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

# every table of the schema, and how its rows name other rows (column -> (table, the column that
# identifies a row there across projects)); a table missing here fails `content_dump`, so a new
# table must say how the merge compares it before the merge tests pass (a memo names its thing by
# uid, which the merge makes one across projects)
REFERENCES: dict[str, dict[str, tuple[str, str]]] = {
    "documents": {},
    "participants": {},
    "speakers": {"doc_id": ("documents", "uid"), "participant_id": ("participants", "key")},
    "turns": {"doc_id": ("documents", "uid"), "speaker_id": ("speakers", "label")},
    "sentences": {"doc_id": ("documents", "uid")},
    "lemmas": {"doc_id": ("documents", "uid")},
    "coders": {},
    "codes": {"parent_id": ("codes", "uid")},
    "code_texts": {"code_id": ("codes", "uid")},
    "themes": {},
    "theme_texts": {"theme_id": ("themes", "uid")},
    "theme_codes": {"theme_id": ("themes", "uid"), "code_id": ("codes", "uid")},
    "segments": {"doc_id": ("documents", "uid"), "code_id": ("codes", "uid"), "coder_id": ("coders", "name")},
    "decisions": {"doc_id": ("documents", "uid")},
    "memos": {},
    "done_marks": {"doc_id": ("documents", "uid")},
}
# not content (docs/merge.md): each project's history, its own settings and recording links, the
# schema's record
NOT_CONTENT = {"events", "settings", "media", "_sqlite_migrations",
               # derived from the content and kept by triggers (m003_scale): each project counts its own
               "document_stats", "document_tallies", "code_tallies", "sentence_coverage"}
# what a memo's target_uid names, by kind: a memo about none of these (its thing deleted) is no content
MEMO_TARGETS = {"document": "documents", "code": "codes", "theme": "themes", "participant": "participants"}
# row ids, and positions given by the order things came in
LOCAL_COLUMNS = {"id", "position"}
JSON_SETS = {("decisions", "coders"), ("decisions", "codes"), ("decisions", "segments")}


def content_dump(path: Path) -> dict[str, list]:
    """Table -> its rows (sorted), row ids and insertion positions left out, references to other
    rows by what identifies those across projects; plus the redacted names as a set."""
    conn = sqlite3.connect(f"file:{Path(path).absolute()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        unknown = tables - set(REFERENCES) - NOT_CONTENT
        assert not unknown, f"tables the merge tests do not know how to compare: {sorted(unknown)}"
        dump: dict[str, list] = {}
        for table, references in REFERENCES.items():
            names = {
                column: {r["id"]: r[key] for r in conn.execute(f"SELECT id, {key} FROM {target}")}
                for column, (target, key) in references.items()
            }
            rows = []
            known = {kind: {r[0] for r in conn.execute(f"SELECT uid FROM {t}")} for kind, t in MEMO_TARGETS.items()}
            for row in conn.execute(f"SELECT * FROM {table}"):
                if table == "memos" and row["kind"] != "project" and row["target_uid"] not in known[row["kind"]]:
                    continue
                values = []
                for column in row.keys():
                    if column in LOCAL_COLUMNS:
                        continue
                    value = row[column]
                    if column in names and value is not None:
                        value = names[column][value]
                    if (table, column) in JSON_SETS:
                        value = sorted(json.loads(value))
                    values.append((column, value))
                rows.append(repr(values))
            dump[table] = sorted(rows)
        setting = conn.execute("SELECT value FROM settings WHERE key = 'redactions'").fetchone()
        dump["redactions"] = sorted(json.loads(setting[0])) if setting else []
        return dump
    finally:
        conn.close()


def media_links(path: Path) -> dict[str, tuple]:
    """Each document's recording link (by the document's text hash): path, who linked it, when."""
    conn = sqlite3.connect(f"file:{Path(path).absolute()}?mode=ro", uri=True)
    try:
        return {r[0]: tuple(r[1:]) for r in conn.execute(
            "SELECT d.text_sha256, m.path, m.linked_by, m.linked_at FROM media m JOIN documents d ON d.id = m.doc_id")}
    finally:
        conn.close()


def table_rows(path: Path) -> dict[str, set]:
    """Each content table's rows as they are (ids included): what a merge added, changed, removed."""
    conn = sqlite3.connect(f"file:{Path(path).absolute()}?mode=ro", uri=True)
    try:
        return {table: {tuple(r) for r in conn.execute(f"SELECT * FROM {table}")} for table in REFERENCES}
    finally:
        conn.close()


def copies(base: Path, folder: Path, *names: str) -> list[Path]:
    """Copies of one project for co-authors to change: folder/NAME.qualcode each."""
    paths = [folder / f"{n}.qualcode" for n in names]
    for path in paths:
        shutil.copy(base, path)
    return paths
