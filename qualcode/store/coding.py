"""Coders and coded segments."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence

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

    # the columns in Segment's order: rows become segments by position (a project may hold
    # half a million; looking each field up by name costs more than reading them)
    _SEGMENT_SELECT = """
        SELECT g.id, g.uid, g.doc_id, d.name, g.code_id, c.name, k.name, g.start, g.end, {text},
               g.memo, g.exemplar, g.translation, g.created_at
        FROM segments g
        JOIN documents d ON d.id = g.doc_id
        JOIN codes c ON c.id = g.code_id
        JOIN coders k ON k.id = g.coder_id
    """

    _INSERT_SEGMENT = (
        "INSERT INTO segments (uid, doc_id, code_id, coder_id, start, end, memo, exemplar,"
        " translation, created_at) VALUES (:uid, :doc_id, :code_id, :coder_id, :start, :end,"
        " :memo, :exemplar, :translation, :created_at)")

    def insert_segment(self, row: dict) -> int:
        check_text(row.get("memo"), "memo")
        check_text(row.get("translation"), "translation")
        return self.conn.execute(self._INSERT_SEGMENT, row).lastrowid

    def insert_segments(self, rows: Iterable[dict]) -> None:
        """Many segments in one statement (a benchmark's bulk), with no events; texts checked as one by one."""
        def checked(row: dict) -> dict:
            check_text(row.get("memo"), "memo")
            check_text(row.get("translation"), "translation")
            return row

        self.conn.executemany(self._INSERT_SEGMENT, map(checked, rows))

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
        # documents in import order, then by span; a document's position lies behind its text
        # in the row, so it is read only when segments of several documents need it
        if doc_id is not None or segment_id is not None:
            sql += " ORDER BY g.start, g.end, g.id"
        elif self._positions_follow_ids():
            sql += " ORDER BY g.doc_id, g.start, g.end, g.id"  # the segments_doc index's order: no sort
        else:
            sql += " ORDER BY d.position, g.start, g.end, g.id"
        return [Segment(i, uid, doc_id, doc, code_id, code, coder, start, end, text, memo, bool(exemplar),
                        translation, created_at)
                for i, uid, doc_id, doc, code_id, code, coder, start, end, text, memo, exemplar, translation,
                created_at in self._tuples(sql, params)]

    def coded_spans(self, coders: Sequence[str],
                    doc_ids: Collection[int] | None = None) -> Iterator[tuple[int, str, str, int, int]]:
        """(doc_id, coder, code, start, end) of these coders' segments (in these documents), by
        document and span: one read for a whole comparison, not one per document."""
        sql = ("SELECT g.doc_id, k.name, c.name, g.start, g.end FROM segments g"
               " JOIN coders k ON k.id = g.coder_id JOIN codes c ON c.id = g.code_id"
               " WHERE k.name IN (SELECT value FROM json_each(:coders))")
        if doc_ids is not None:
            sql += " AND g.doc_id IN (SELECT value FROM json_each(:docs))"
        return self._tuples(sql + " ORDER BY g.doc_id, g.start, g.end, g.id",
                            {"coders": json.dumps(list(coders)), "docs": json.dumps(list(doc_ids or []))})

    def _positions_follow_ids(self) -> bool:
        """Whether documents' import order is their id order (import and merge keep it so): then
        all segments in document order come straight from an index, with no sort of them all."""
        return not self._one("SELECT COUNT(*) FROM (SELECT position < LAG(position) OVER (ORDER BY id) AS back"
                             " FROM documents INDEXED BY documents_listing) WHERE back")[0]

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
