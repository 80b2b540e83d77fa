"""Memos, the coders' "done" marks (blind coding), media links, and who speaks in each document."""

from __future__ import annotations

import json

# what a memo's target uid names, per kind: (table, the column that names a row)
_TARGETS = {"document": ("documents", "name"), "code": ("codes", "name"), "theme": ("themes", "name"),
            "participant": ("participants", "key")}


class ReviewRows:
    # --- memos --------------------------------------------------------------------------------

    def memo_rows(self, kind: str | None = None, target_uid: str | None = None,
                  author: str | None = None) -> list[dict]:
        sql, params = "SELECT * FROM memos WHERE 1=1", []
        for column, value in (("kind", kind), ("target_uid", target_uid), ("author", author)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        return [dict(r) for r in self._q(sql + " ORDER BY created_at, id", params)]

    def memo_row(self, memo_id: int | str) -> dict | None:
        row = self._one("SELECT * FROM memos WHERE id = ? OR uid = ?", (memo_id, str(memo_id)))
        return dict(row) if row else None

    def insert_memo(self, row: dict) -> int:
        return self.conn.execute(
            "INSERT INTO memos (uid, kind, target_uid, author, text, created_at, updated_at)"
            " VALUES (:uid, :kind, :target_uid, :author, :text, :created_at, :updated_at)", row).lastrowid

    def update_memo(self, memo_id: int, text: str, updated_at: str) -> None:
        self.conn.execute("UPDATE memos SET text = ?, updated_at = ? WHERE id = ?", (text, updated_at, memo_id))

    def delete_memo(self, memo_id: int) -> None:
        self.conn.execute("DELETE FROM memos WHERE id = ?", (memo_id,))

    def memo_uids(self) -> set[str]:
        return {r[0] for r in self._q("SELECT uid FROM memos")}

    def target_names(self, kind: str) -> dict[str, str]:
        """uid -> name (a participant's key) of every document, code, theme or participant."""
        table, column = _TARGETS[kind]
        return {r[0]: r[1] for r in self._q(f"SELECT uid, {column} FROM {table}")}

    def segment_memo_rows(self, doc_id: int | None = None, code_id: int | None = None,
                          segment_id: int | None = None) -> list[dict]:
        """Segments that carry a memo (a coding's memo lives on its segment), in document order."""
        sql = ("SELECT g.id, g.uid, g.doc_id, d.name AS doc_name, g.code_id, c.name AS code_name,"
               " k.name AS coder_name, g.start, g.end, g.memo, g.created_at FROM segments g"
               " JOIN documents d ON d.id = g.doc_id JOIN codes c ON c.id = g.code_id"
               " JOIN coders k ON k.id = g.coder_id WHERE g.memo IS NOT NULL")
        params: list = []
        for column, value in (("g.doc_id", doc_id), ("g.code_id", code_id), ("g.id", segment_id)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        return [dict(r) for r in self._q(sql + " ORDER BY d.position, g.start, g.end, g.id", params)]

    def segment_memo_times(self) -> dict[str, tuple[str, str]]:
        """segment uid -> (first, last) time its memo was written, from the audit trail."""
        rows = self._q(
            "SELECT json_extract(payload, '$.uid') AS uid, MIN(at) AS first, MAX(at) AS last FROM events"
            " WHERE (action = 'segment.update' AND json_type(payload, '$.after.memo') = 'text')"
            " OR (action = 'segment.add' AND json_type(payload, '$.memo') = 'text') GROUP BY 1")
        return {r["uid"]: (r["first"], r["last"]) for r in rows}

    # --- done marks ---------------------------------------------------------------------------

    def set_done(self, doc_id: int, coder: str, at: str) -> bool:
        """Mark a document done by a coder; False if it was marked already."""
        return self.conn.execute("INSERT OR IGNORE INTO done_marks (doc_id, coder, done_at) VALUES (?, ?, ?)",
                                 (doc_id, coder, at)).rowcount > 0

    def clear_done(self, doc_id: int, coder: str) -> bool:
        return self.conn.execute("DELETE FROM done_marks WHERE doc_id = ? AND coder = ?",
                                 (doc_id, coder)).rowcount > 0

    def done_documents(self, coder: str) -> set[int]:
        return {r[0] for r in self._q("SELECT doc_id FROM done_marks WHERE coder = ?", (coder,))}

    def done_rows(self) -> list[dict]:
        return [dict(r) for r in self._q("SELECT doc_id, coder, done_at FROM done_marks ORDER BY doc_id, coder")]

    # --- media --------------------------------------------------------------------------------

    def set_media(self, doc_id: int, path: str, linked_by: str, at: str) -> None:
        self.conn.execute(
            "INSERT INTO media (doc_id, path, linked_by, linked_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(doc_id) DO UPDATE SET path = excluded.path, linked_by = excluded.linked_by,"
            " linked_at = excluded.linked_at", (doc_id, path, linked_by, at))

    def media_path(self, doc_id: int) -> str | None:
        row = self._one("SELECT path FROM media WHERE doc_id = ?", (doc_id,))
        return row[0] if row else None

    # --- who speaks ---------------------------------------------------------------------------

    def speaker_people(self, doc_id: int | None = None) -> list[dict]:
        """Each speaker label of a document with the participant it is (key, pseudonym, attributes)."""
        rows = self._q(
            "SELECT sp.doc_id, sp.label, p.key, p.pseudonym, COALESCE(p.attributes, '{}') AS attributes"
            " FROM speakers sp LEFT JOIN participants p ON p.id = sp.participant_id"
            " WHERE (:doc IS NULL OR sp.doc_id = :doc) ORDER BY sp.doc_id, sp.id", {"doc": doc_id})
        return [{**dict(r), "attributes": json.loads(r["attributes"])} for r in rows]
