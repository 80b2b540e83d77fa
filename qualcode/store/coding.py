"""Coders and coded segments."""

from __future__ import annotations

import sqlite3

from ..model import Segment
from .base import check_name, check_text, new_uid


class CodingRows:
    # --- coders -------------------------------------------------------------------------------

    def coder_id(self, name: str, create: bool = True) -> int | None:
        row = self._one("SELECT id FROM coders WHERE name = ?", (name,))
        if row:
            return row["id"]
        if not create:
            return None
        check_name(name, "coder name")
        return self.conn.execute(
            "INSERT INTO coders (uid, name) VALUES (?, ?)", (new_uid(), name)
        ).lastrowid

    def coders(self) -> list[str]:
        return [r["name"] for r in self._q("SELECT name FROM coders ORDER BY id")]

    _SEGMENT_SELECT = """
        SELECT g.*, d.name AS doc_name, c.name AS code_name, k.name AS coder_name, {text} AS text
        FROM segments g
        JOIN documents d ON d.id = g.doc_id
        JOIN codes c ON c.id = g.code_id
        JOIN coders k ON k.id = g.coder_id
    """

    def insert_segment(self, row: dict) -> int:
        check_text(row.get("memo"), "memo")
        check_text(row.get("translation"), "translation")
        return self.conn.execute(
            "INSERT INTO segments (uid, doc_id, code_id, coder_id, start, end, memo, exemplar,"
            " translation, created_at) VALUES (:uid, :doc_id, :code_id, :coder_id, :start, :end,"
            " :memo, :exemplar, :translation, :created_at)",
            row,
        ).lastrowid

    def segment_row(self, segment_id: int | str) -> dict | None:
        """The raw row (with coder name and code uid) an event needs to undo or redo a change."""
        row = self._one(
            "SELECT g.*, k.name AS coder_name, c.uid AS code_uid, c.name AS code_name, d.uid AS doc_uid"
            " FROM segments g"
            " JOIN coders k ON k.id = g.coder_id JOIN codes c ON c.id = g.code_id"
            " JOIN documents d ON d.id = g.doc_id WHERE g.id = ? OR g.uid = ?",
            (segment_id, str(segment_id)),
        )
        return dict(row) if row else None

    def delete_segment(self, segment_id: int) -> None:
        self.conn.execute("DELETE FROM segments WHERE id = ?", (segment_id,))

    def update_segment(self, segment_id: int, **fields) -> None:
        allowed = {"memo", "exemplar", "translation", "code_id", "start", "end"}
        assert set(fields) <= allowed, fields
        check_text(fields.get("memo"), "memo")
        check_text(fields.get("translation"), "translation")
        sets = ", ".join(f"{k} = :{k}" for k in fields)
        self.conn.execute(f"UPDATE segments SET {sets} WHERE id = :id", {**fields, "id": segment_id})

    def segments(self, doc_id: int | None = None, code_id: int | None = None,
                 coder_id: int | None = None, segment_id: int | None = None,
                 with_text: bool = True) -> list[Segment]:
        text = "substr(d.text, g.start + 1, g.end - g.start)" if with_text else "''"
        sql, params = self._SEGMENT_SELECT.format(text=text) + " WHERE 1=1", []
        for column, value in (("g.doc_id", doc_id), ("g.code_id", code_id),
                              ("g.coder_id", coder_id), ("g.id", segment_id)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        sql += " ORDER BY d.position, g.start, g.end, g.id"
        return [_segment(r) for r in self._q(sql, params)]
    def segment_rows(self) -> list[dict]:
        """Raw segment rows with the uids and names that identify them across projects."""
        return [dict(r) for r in self._q(
            "SELECT g.*, d.uid AS doc_uid, d.text_sha256, c.uid AS code_uid, c.name AS code_name,"
            " k.name AS coder_name FROM segments g JOIN documents d ON d.id = g.doc_id"
            " JOIN codes c ON c.id = g.code_id JOIN coders k ON k.id = g.coder_id ORDER BY g.id")]

    def segment_uids(self) -> set[str]:
        return {r[0] for r in self._q("SELECT uid FROM segments")}

    def coded_documents(self) -> dict[str, dict[int, int]]:
        """Each coder's name -> the documents they coded -> how many segments."""
        found: dict[str, dict[int, int]] = {}
        for r in self._q("SELECT k.name, g.doc_id, COUNT(*) FROM segments g JOIN coders k ON k.id = g.coder_id"
                         " GROUP BY k.name, g.doc_id"):
            found.setdefault(r[0], {})[r[1]] = r[2]
        return found

    def coder_rows(self) -> list[dict]:
        """Coders with their uids (a REFI-QDA User is a coder, its GUID the uid)."""
        return [dict(r) for r in self._q("SELECT id, uid, name FROM coders ORDER BY id")]

    def insert_coder(self, name: str, uid: str) -> int:
        check_name(name, "coder name")
        return self.conn.execute("INSERT INTO coders (uid, name) VALUES (?, ?)", (uid, name)).lastrowid



def _segment(r: sqlite3.Row) -> Segment:
    return Segment(r["id"], r["uid"], r["doc_id"], r["doc_name"], r["code_id"], r["code_name"],
                   r["coder_name"], r["start"], r["end"], r["text"], r["memo"], bool(r["exemplar"]),
                   r["translation"], r["created_at"])
