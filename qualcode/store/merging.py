"""The rows a merge reads whole and the few columns it may change (see exchange/merge.py),
and the checks a co-author's file passes before any of its rows are taken."""

from __future__ import annotations

import json

from .base import check_name, check_text

# tables whose rows a merge takes from a co-author, and those it rebuilds or leaves alone;
# tests/test_merge_content.py holds every table of the schema to one of the two
CARRIED_TABLES = frozenset({
    "documents", "participants", "speakers", "coders", "codes", "code_texts", "themes", "theme_texts",
    "theme_codes", "segments", "decisions", "settings", "memos", "done_marks",
})
NOT_CARRIED_TABLES = frozenset({
    "turns", "sentences", "lemmas",  # a document's reading of its text: copied with a new document only
    "events",  # each project's own history; the merge adds one event
    "media",  # where this project's file finds a recording: a path of one machine and folder (docs/merge.md)
    "_sqlite_migrations",
    # derived from documents, sentences and segments, kept by triggers (m003_scale): never copied
    "document_stats", "document_tallies", "code_tallies", "sentence_coverage",
})

_DOCUMENT_FIELDS = ("uid", "name", "group_name", "source_name", "format", "encoding", "raw_sha256", "imported_at",
                    "imported_by")


class MergeRows:
    # --- reading whole tables -------------------------------------------------------------------

    def table_names(self) -> list[str]:
        return [r[0] for r in self._q("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE"
                                      " 'sqlite_%' ORDER BY name")]

    def merge_documents(self) -> list[dict]:
        """Every document with its text and where it came from, in the project's order."""
        return [dict(r) for r in self._q(
            "SELECT id, uid, name, group_name, lang, text, text_sha256, " + ", ".join(_DOCUMENT_FIELDS[3:])
            + " FROM documents ORDER BY position, id")]

    def unit_rows(self) -> tuple[list[tuple], list[tuple]]:
        """(turns, sentences) of every document as tuples, the turn's speaker label in place of its id."""
        turns = [tuple(r) for r in self._q(
            "SELECT t.doc_id, t.idx, t.start, t.end, t.label_start, sp.label, t.time_start, t.time_end"
            " FROM turns t LEFT JOIN speakers sp ON sp.id = t.speaker_id ORDER BY t.doc_id, t.idx")]
        sentences = [tuple(r) for r in self._q(
            "SELECT doc_id, idx, start, end, turn_idx FROM sentences ORDER BY doc_id, idx")]
        return turns, sentences

    def speaker_links(self) -> list[dict]:
        """Every speaker (document id, label) with the key of the participant it is linked to."""
        return [dict(r) for r in self._q(
            "SELECT sp.id, sp.doc_id, sp.label, p.key AS participant FROM speakers sp"
            " LEFT JOIN participants p ON p.id = sp.participant_id ORDER BY sp.doc_id, sp.id")]

    def participant_rows(self) -> list[dict]:
        return [{**dict(r), "attributes": json.loads(r["attributes"] or "{}")}
                for r in self._q("SELECT id, uid, key, pseudonym, attributes FROM participants ORDER BY id")]

    def decision_rows(self) -> list[dict]:
        """Every reconciliation decision with its document's text hash, JSON columns decoded."""
        return [{**dict(r), "coders": json.loads(r["coders"]), "codes": json.loads(r["codes"]),
                 "segments": json.loads(r["segments"])}
                for r in self._q("SELECT g.*, d.text_sha256 FROM decisions g JOIN documents d ON d.id = g.doc_id"
                                 " ORDER BY g.id")]

    # --- changing what a merge may change -------------------------------------------------------

    def update_document(self, doc_id: int, **fields) -> None:
        assert set(fields) <= set(_DOCUMENT_FIELDS), fields
        for column in ("name", "group_name", "source_name"):
            check_name(fields.get(column), column.replace("_", " "))
        sets = ", ".join(f"{k} = :{k}" for k in fields)
        self.conn.execute(f"UPDATE documents SET {sets} WHERE id = :id", {**fields, "id": doc_id})

    def replace_reading(self, doc_id: int, rows: dict) -> None:
        """A document read as another project reads it: its language, speakers, turns, sentences and
        word index from `rows` (`document_rows` of theirs); the speakers come unlinked."""
        self.conn.execute("UPDATE documents SET lang = ? WHERE id = ?", (rows["document"]["lang"], doc_id))
        for table in ("lemmas", "sentences", "turns", "speakers"):
            self.conn.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
        self._insert_reading(doc_id, rows)

    def set_coder_uid(self, coder_id: int, uid: str) -> None:
        self.conn.execute("UPDATE coders SET uid = ? WHERE id = ?", (uid, coder_id))

    def set_theme_uid(self, theme_id: int, uid: str) -> None:
        self.conn.execute("UPDATE themes SET uid = ? WHERE id = ?", (uid, theme_id))

    def insert_participant(self, key: str, uid: str, pseudonym: str | None, attributes: dict[str, str]) -> int:
        _check_person(key, pseudonym, attributes)
        return self.conn.execute(
            "INSERT INTO participants (uid, key, pseudonym, attributes) VALUES (?, ?, ?, ?)",
            (uid, key, pseudonym, json.dumps(attributes, ensure_ascii=False))).lastrowid

    def update_participant(self, participant_id: int, uid: str, pseudonym: str | None,
                           attributes: dict[str, str]) -> None:
        _check_person(None, pseudonym, attributes)
        self.conn.execute("UPDATE participants SET uid = ?, pseudonym = ?, attributes = ? WHERE id = ?",
                          (uid, pseudonym, json.dumps(attributes, ensure_ascii=False), participant_id))

    def rewrite_memo(self, memo_id: int, row: dict) -> None:
        """A memo as the merge's target has it (what it is about, by whom, its text and dates)."""
        check_text(row["text"], "memo")
        self.conn.execute("UPDATE memos SET uid = :uid, kind = :kind, target_uid = :target_uid, author = :author,"
                          " text = :text, created_at = :created_at, updated_at = :updated_at WHERE id = :id",
                          {**row, "id": memo_id})

    def set_done_at(self, doc_id: int, coder: str, at: str) -> None:
        self.conn.execute("UPDATE done_marks SET done_at = ? WHERE doc_id = ? AND coder = ?", (at, doc_id, coder))

    def media_links(self) -> dict[int, str]:
        """Document id -> the path of its recording."""
        return {r[0]: r[1] for r in self._q("SELECT doc_id, path FROM media ORDER BY doc_id")}

    def delete_participant(self, participant_id: int) -> None:
        self.conn.execute("DELETE FROM participants WHERE id = ?", (participant_id,))

    def rewrite_segment(self, segment_id: int, **fields) -> None:
        """Change any column of a segment but its id (a merge unifies uids and fields)."""
        assert set(fields) <= {"uid", "doc_id", "code_id", "coder_id", "start", "end", "memo", "exemplar",
                               "translation", "created_at"}, fields
        sets = ", ".join(f"{k} = :{k}" for k in fields)
        self.conn.execute(f"UPDATE segments SET {sets} WHERE id = :id", {**fields, "id": segment_id})

    def write_decision(self, row: dict, decision_id: int | None = None) -> int:
        """Insert a decision as it is (uid, key, who and when included), or overwrite one."""
        values = {**row, "coders": json.dumps(row["coders"], ensure_ascii=False),
                  "codes": json.dumps(row["codes"], ensure_ascii=False), "segments": json.dumps(row["segments"])}
        if decision_id is not None:
            sets = ", ".join(f"{k} = :{k}" for k in values)
            self.conn.execute(f"UPDATE decisions SET {sets} WHERE id = :id", {**values, "id": decision_id})
            return decision_id
        columns = ", ".join(values)
        return self.conn.execute(f"INSERT INTO decisions ({columns}) VALUES ({', '.join(':' + k for k in values)})",
                                 values).lastrowid

    # --- checks of a co-author's file -----------------------------------------------------------

    def soundness_problems(self, limit: int = 20) -> list[str]:
        """What SQLite itself finds wrong: damaged pages or indexes, rows whose references lead nowhere."""
        problems = [r[0] for r in self._q(f"PRAGMA integrity_check({limit})") if r[0] != "ok"]
        for table, rowid, parent, _ in self._q("PRAGMA foreign_key_check")[:limit]:
            problems.append(f"{table} row {rowid} refers to a missing {parent} row")
        return problems

    def row_problems(self, limit: int = 20) -> list[str]:
        """Rows no qualcode writes: offsets that are not integers or fall outside their text, JSON
        that does not parse, texts that are not text."""
        checks = [
            ("segment", "SELECT g.uid, g.start, g.end, length(d.text) FROM segments g JOIN documents d"
                        " ON d.id = g.doc_id WHERE typeof(g.start) != 'integer' OR typeof(g.end) != 'integer'"
                        " OR g.start < 0 OR g.end <= g.start OR g.end > length(d.text)"),
            ("decision", "SELECT g.uid, g.start, g.end, length(d.text) FROM decisions g JOIN documents d"
                         " ON d.id = g.doc_id WHERE typeof(g.start) != 'integer' OR typeof(g.end) != 'integer'"
                         " OR g.start < 0 OR g.end <= g.start OR g.end > length(d.text)"),
            ("turn", "SELECT d.name || ' #' || t.idx, t.start, t.end, length(d.text) FROM turns t JOIN documents d"
                     " ON d.id = t.doc_id WHERE typeof(t.start) != 'integer' OR typeof(t.end) != 'integer'"
                     " OR t.label_start < 0 OR t.label_start > t.start OR t.start < 0 OR t.end < t.start"
                     " OR t.end > length(d.text)"),
            ("sentence", "SELECT d.name || ' #' || s.idx, s.start, s.end, length(d.text) FROM sentences s"
                         " JOIN documents d ON d.id = s.doc_id WHERE typeof(s.start) != 'integer'"
                         " OR typeof(s.end) != 'integer' OR s.start < 0 OR s.end < s.start"
                         " OR s.end > length(d.text)"),
        ]
        problems = []
        for what, sql in checks:
            for name, start, end, length in self._q(sql + f" LIMIT {limit}"):
                problems.append(f"{what} {name}: span {start}:{end} is outside its text (0:{length})")
        cycle = [r[0] for r in self._q(
            "WITH RECURSIVE tree(id) AS (SELECT id FROM codes WHERE parent_id IS NULL"
            " UNION SELECT c.id FROM codes c JOIN tree ON c.parent_id = tree.id)"
            " SELECT name FROM codes WHERE id NOT IN (SELECT id FROM tree) ORDER BY name")]
        if cycle:
            problems.append("codes under themselves (a cycle in the code tree): " + ", ".join(map(str, cycle)))
        for table, column in (("documents", "text"), ("documents", "name"), ("codes", "name"), ("themes", "name"),
                              ("coders", "name"), ("participants", "key"), ("speakers", "label"),
                              ("memos", "uid"), ("memos", "author"), ("memos", "text"), ("memos", "created_at"),
                              ("memos", "updated_at"), ("done_marks", "coder"), ("done_marks", "done_at")):
            bad = self._one(f"SELECT COUNT(*) FROM {table} WHERE typeof({column}) != 'text'")[0]
            if bad:
                problems.append(f"{table}: {bad} rows whose {column} is not text")
        bad = self._one("SELECT COUNT(*) FROM memos WHERE target_uid IS NOT NULL AND typeof(target_uid) != 'text'")[0]
        if bad:  # (a memo's kind, and a target unless on the project: the integrity check's CHECK constraints)
            problems.append(f"memos: {bad} rows whose target_uid is not text")
        for table, column, kind in (("participants", "attributes", "object"), ("decisions", "coders", "array"),
                                    ("decisions", "codes", "array"), ("decisions", "segments", "array"),
                                    ("lemmas", "spans", "array")):
            bad = self._one(f"SELECT COUNT(*) FROM {table} WHERE NOT json_valid({column})"
                            f" OR json_type({column}) != '{kind}'")[0]
            if bad:
                problems.append(f"{table}: {bad} rows whose {column} is not a JSON {kind}")
        not_text = " OR ".join(f"EXISTS (SELECT 1 FROM json_each(decisions.{c}) WHERE type != 'text')"
                               for c in ("coders", "codes", "segments"))
        bad = self._one("SELECT COUNT(*) FROM decisions WHERE json_valid(coders) AND json_valid(codes)"
                        " AND json_valid(segments) AND (json_array_length(coders) != 2"
                        f" OR unit NOT IN ('sentence', 'turn') OR {not_text})")[0]
        if bad:
            problems.append(f"decisions: {bad} rows no reconciliation writes (two coders, a unit, names and uids)")
        return problems[:limit]


def _check_person(key: str | None, pseudonym: str | None, attributes: dict[str, str]) -> None:
    check_name(key, "participant")
    check_name(pseudonym, "pseudonym")
    for name, value in attributes.items():
        check_name(name, "participant attribute")
        check_text(value, "participant attribute value")
