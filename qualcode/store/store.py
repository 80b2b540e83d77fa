"""The Store: every SQL statement of qualcode, and the rows <-> model mapping.

Each public write runs inside `transaction()`, and writes its event in the same
transaction, so the audit trail and the data never disagree.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from ..model import Code, Document, DocumentSummary, Participant, Segment, Theme, Turn, Unit
from .schema import migrations

CODE_FIELDS = ("label", "brief", "definition", "when_to_use", "when_not_to_use", "example")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_uid() -> str:
    return str(uuid.uuid4())


class Store:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # autocommit mode: transactions are explicit (BEGIN IMMEDIATE), never implicit
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA busy_timeout = 5000")
        self.conn.execute("PRAGMA foreign_keys = ON")
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: large imports stay in memory
        self.db = sqlite_utils.Database(self.conn)
        self._migrate()

    def _migrate(self) -> None:
        pending = migrations.pending(self.db)
        if not pending:
            return
        if migrations.applied(self.db):
            # an existing project: keep a copy from before the migration
            backup = self.path.with_name(f"{self.path.name}.before-{pending[0].name}.bak")
            with sqlite3.connect(backup) as target:
                self.conn.backup(target)
        migrations.apply(self.db)

    def close(self) -> None:
        self.conn.close()

    @property
    def schema_version(self) -> str:
        applied = migrations.applied(self.db)
        return applied[-1].name if applied else ""

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One unit of work; nested calls join the outer transaction through a savepoint."""
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT nested")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK TO nested")
                self.conn.execute("RELEASE nested")
                raise
            self.conn.execute("RELEASE nested")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _q(self, sql: str, params: Iterable | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params if isinstance(params, dict) else tuple(params)).fetchall()

    def _one(self, sql: str, params: Iterable = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, tuple(params)).fetchone()

    # --- events -------------------------------------------------------------------------------

    def log(self, actor: str, action: str, payload: dict) -> int:
        cur = self.conn.execute(
            "INSERT INTO events (at, actor, action, payload) VALUES (?, ?, ?, ?)",
            (now(), actor, action, json.dumps(payload, ensure_ascii=False)),
        )
        return cur.lastrowid

    def events(self, action_prefix: str | None = None, actor: str | None = None) -> list[dict]:
        sql, params = "SELECT * FROM events WHERE 1=1", []
        if action_prefix:
            sql += " AND action LIKE ?"
            params.append(action_prefix.replace("%", r"\%") + "%")
        if actor:
            sql += " AND actor = ?"
            params.append(actor)
        return [
            {**dict(r), "payload": json.loads(r["payload"])} for r in self._q(sql + " ORDER BY id", params)
        ]

    def events_of(self, actor: str, actions: tuple[str, ...]) -> list[dict]:
        marks = ", ".join("?" for _ in actions)
        return [
            {**dict(r), "payload": json.loads(r["payload"])}
            for r in self._q(f"SELECT * FROM events WHERE actor = ? AND action IN ({marks}) ORDER BY id",
                             (actor, *actions))
        ]

    # --- settings -----------------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return row["value"] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # --- documents ----------------------------------------------------------------------------

    def document_by_hash(self, text_sha256: str) -> Document | None:
        row = self._one("SELECT * FROM documents WHERE text_sha256 = ?", (text_sha256,))
        return _document(row) if row else None

    def document_names(self) -> set[str]:
        return {r["name"] for r in self._q("SELECT name FROM documents")}

    def insert_document(self, doc, group: str | None, actor: str) -> tuple[int, dict[str, int]]:
        """Insert a prepared document with its speakers, turns, sentences and tokens.
        Returns the document id and its speakers' ids by label."""
        position = self._one("SELECT COALESCE(MAX(position), 0) + 1 FROM documents")[0]
        uid = new_uid()
        cur = self.conn.execute(
            "INSERT INTO documents (uid, name, source_name, format, encoding, lang, text, raw_sha256,"
            " text_sha256, group_name, position, imported_at, imported_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (uid, doc.name, doc.source_name, doc.format, doc.encoding, doc.lang, doc.text,
             doc.raw_sha256, doc.text_sha256, group, position, now(), actor),
        )
        doc_id = cur.lastrowid
        speaker_ids: dict[str, int] = {}
        for turn in doc.turns:
            if turn.speaker not in speaker_ids:
                speaker_ids[turn.speaker] = self.conn.execute(
                    "INSERT INTO speakers (doc_id, label) VALUES (?, ?)", (doc_id, turn.speaker)
                ).lastrowid
        self.conn.executemany(
            "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(doc_id, t.index, t.start, t.end, t.label_start, speaker_ids[t.speaker], t.time_start,
              t.time_end) for t in doc.turns],
        )
        self.conn.executemany(
            "INSERT INTO sentences VALUES (?, ?, ?, ?, ?)",
            [(doc_id, s.index, s.start, s.end, s.turn) for s in doc.sentences],
        )
        self.conn.executemany(
            "INSERT INTO lemmas VALUES (?, ?, ?)",
            [(lemma, doc_id, f"[{','.join(map(str, spans))}]") for lemma, spans in doc.lemmas.items()],
        )
        self.log(actor, "document.import", {
            "uid": uid, "name": doc.name, "source": doc.source_name, "format": doc.format,
            "encoding": doc.encoding, "lang": doc.lang, "text_sha256": doc.text_sha256,
            "turns": len(doc.turns), "sentences": len(doc.sentences), "group": group,
        })
        return doc_id, speaker_ids

    def find_document(self, ref: str) -> Document | None:
        row = None
        if str(ref).isdigit():
            row = self._one("SELECT * FROM documents WHERE id = ?", (int(ref),))
        if row is None:
            row = self._one("SELECT * FROM documents WHERE name = ? OR uid = ?", (ref, ref))
        return _document(row) if row else None

    def document(self, doc_id: int) -> Document:
        return _document(self._one("SELECT * FROM documents WHERE id = ?", (doc_id,)))

    def text_slice(self, doc_id: int, start: int, end: int) -> str:
        # substr() counts characters (code points) for TEXT, like Python's str indices
        return self._one(
            "SELECT substr(text, ?, ?) FROM documents WHERE id = ?", (start + 1, end - start, doc_id)
        )[0]

    def text_length(self, doc_id: int) -> int:
        return self._one("SELECT length(text) FROM documents WHERE id = ?", (doc_id,))[0]

    def document_summaries(self) -> list[DocumentSummary]:
        rows = self._q(
            """
            SELECT d.id, d.uid, d.name, d.lang, length(d.text) AS chars, d.group_name, d.format,
                   d.encoding,
                   (SELECT COUNT(*) FROM sentences s WHERE s.doc_id = d.id) AS sentences,
                   (SELECT COUNT(*) FROM turns t WHERE t.doc_id = d.id) AS turns,
                   (SELECT COUNT(*) FROM segments g WHERE g.doc_id = d.id) AS coded,
                   (SELECT json_group_array(label) FROM
                       (SELECT label FROM speakers sp WHERE sp.doc_id = d.id ORDER BY sp.id)) AS speakers
            FROM documents d ORDER BY d.position
            """
        )
        return [
            DocumentSummary(r["id"], r["uid"], r["name"], r["lang"], r["chars"], r["sentences"],
                            r["turns"], json.loads(r["speakers"]), r["group_name"], r["format"],
                            r["encoding"], r["coded"])
            for r in rows
        ]

    def sentence_coverage(self, coder_id: int | None) -> dict[int, tuple[int, int]]:
        rows = self._q(
            """
            SELECT s.doc_id, COUNT(*) AS total,
                   SUM(EXISTS(SELECT 1 FROM segments g WHERE g.doc_id = s.doc_id AND g.start < s.end
                              AND g.end > s.start AND (:coder IS NULL OR g.coder_id = :coder))) AS coded
            FROM sentences s GROUP BY s.doc_id
            """,
            {"coder": coder_id},
        )
        return {r["doc_id"]: (r["coded"], r["total"]) for r in rows}

    def turns(self, doc_id: int) -> list[Turn]:
        return [
            Turn(r["idx"], r["start"], r["end"], r["label"], r["label_start"], r["time_start"], r["time_end"])
            for r in self._q(
                "SELECT t.*, sp.label FROM turns t LEFT JOIN speakers sp ON sp.id = t.speaker_id"
                " WHERE t.doc_id = ? ORDER BY t.idx",
                (doc_id,),
            )
        ]

    def sentences(self, doc_id: int) -> list[Unit]:
        return [
            Unit(r["idx"], r["start"], r["end"], r["label"], r["turn_idx"])
            for r in self._q(
                "SELECT s.*, sp.label FROM sentences s"
                " LEFT JOIN turns t ON t.doc_id = s.doc_id AND t.idx = s.turn_idx"
                " LEFT JOIN speakers sp ON sp.id = t.speaker_id"
                " WHERE s.doc_id = ? ORDER BY s.idx",
                (doc_id,),
            )
        ]

    def lemma_spans(self, lemma: str, doc_id: int | None = None) -> list[tuple[int, int, int]]:
        """(doc_id, start, end) of every occurrence of a lemma, in document order."""
        sql, params = "SELECT doc_id, spans FROM lemmas WHERE lemma = ?", [lemma]
        if doc_id is not None:
            sql += " AND doc_id = ?"
            params.append(doc_id)
        hits = []
        for r in self._q(sql, params):
            flat = json.loads(r["spans"])
            hits.extend((r["doc_id"], flat[i], flat[i + 1]) for i in range(0, len(flat), 2))
        return sorted(hits)

    # --- participants ---------------------------------------------------------------------------

    def speakers(self) -> list[dict]:
        return [
            {**dict(r), "attributes": json.loads(r["attributes"])}
            for r in self._q(
                "SELECT sp.id, sp.label, sp.participant_id, d.name AS document, d.group_name,"
                " COALESCE(p.attributes, '{}') AS attributes"
                " FROM speakers sp JOIN documents d ON d.id = sp.doc_id"
                " LEFT JOIN participants p ON p.id = sp.participant_id ORDER BY d.position, sp.id"
            )
        ]

    def participant_by_key(self, key: str) -> Participant | None:
        row = self._one("SELECT * FROM participants WHERE key = ?", (key,))
        return self._participant(row) if row else None

    def upsert_participant(self, key: str, pseudonym: str | None, attributes: dict[str, str]) -> int:
        row = self._one("SELECT id, attributes FROM participants WHERE key = ?", (key,))
        if row:
            merged = {**json.loads(row["attributes"]), **attributes}
            self.conn.execute(
                "UPDATE participants SET pseudonym = COALESCE(?, pseudonym), attributes = ? WHERE id = ?",
                (pseudonym, json.dumps(merged, ensure_ascii=False), row["id"]),
            )
            return row["id"]
        return self.conn.execute(
            "INSERT INTO participants (uid, key, pseudonym, attributes) VALUES (?, ?, ?, ?)",
            (new_uid(), key, pseudonym, json.dumps(attributes, ensure_ascii=False)),
        ).lastrowid

    def drop_orphan_participants(self) -> None:
        """Participants made for a speaker at import, once the speaker is linked elsewhere."""
        self.conn.execute(
            "DELETE FROM participants WHERE id NOT IN"
            " (SELECT participant_id FROM speakers WHERE participant_id IS NOT NULL)"
        )

    def link_speaker(self, speaker_id: int, participant_id: int) -> None:
        self.conn.execute("UPDATE speakers SET participant_id = ? WHERE id = ?", (participant_id, speaker_id))

    def participants(self) -> list[Participant]:
        return [self._participant(r) for r in self._q("SELECT * FROM participants ORDER BY key")]

    def _participant(self, row: sqlite3.Row) -> Participant:
        speakers = [
            (r["name"], r["label"])
            for r in self._q(
                "SELECT d.name, sp.label FROM speakers sp JOIN documents d ON d.id = sp.doc_id"
                " WHERE sp.participant_id = ? ORDER BY d.position",
                (row["id"],),
            )
        ]
        return Participant(row["id"], row["uid"], row["key"], row["pseudonym"],
                           json.loads(row["attributes"]), speakers)

    # --- coders -------------------------------------------------------------------------------

    def coder_id(self, name: str, create: bool = True) -> int | None:
        row = self._one("SELECT id FROM coders WHERE name = ?", (name,))
        if row:
            return row["id"]
        if not create:
            return None
        return self.conn.execute(
            "INSERT INTO coders (uid, name) VALUES (?, ?)", (new_uid(), name)
        ).lastrowid

    def coders(self) -> list[str]:
        return [r["name"] for r in self._q("SELECT name FROM coders ORDER BY id")]

    # --- codes --------------------------------------------------------------------------------

    def insert_code(self, name: str, parent_id: int | None, *, uid: str | None = None,
                    color: str | None = None, codable: bool = True, position: int | None = None) -> int:
        if position is None:
            position = self._one(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM codes WHERE parent_id IS ?", (parent_id,)
            )[0]
        return self.conn.execute(
            "INSERT INTO codes (uid, name, parent_id, position, color, codable) VALUES (?, ?, ?, ?, ?, ?)",
            (uid or new_uid(), name, parent_id, position, color, int(codable)),
        ).lastrowid

    def set_code_texts(self, code_id: int, field: str, texts: dict[str, str]) -> None:
        self.conn.execute("DELETE FROM code_texts WHERE code_id = ? AND field = ?", (code_id, field))
        self.conn.executemany(
            "INSERT INTO code_texts VALUES (?, ?, ?, ?)",
            [(code_id, field, lang, text) for lang, text in texts.items() if text],
        )

    def codes(self, include_retired: bool = True) -> list[Code]:
        """All codes in tree order (parents before children, siblings by position)."""
        rows = self._q("SELECT * FROM codes" + ("" if include_retired else " WHERE retired = 0"))
        texts: dict[int, dict[str, dict[str, str]]] = {}
        for r in self._q("SELECT * FROM code_texts"):
            texts.setdefault(r["code_id"], {}).setdefault(r["field"], {})[r["lang"]] = r["text"]
        children: dict[int | None, list[sqlite3.Row]] = {}
        for r in rows:
            children.setdefault(r["parent_id"], []).append(r)
        ordered: list[Code] = []

        def walk(parent: int | None) -> None:
            for r in sorted(children.get(parent, []), key=lambda r: (r["position"], r["id"])):
                t = texts.get(r["id"], {})
                ordered.append(Code(
                    r["id"], r["uid"], r["name"], r["parent_id"], r["position"], r["color"],
                    bool(r["codable"]), bool(r["retired"]), t.get("label", {}), t.get("brief", {}),
                    t.get("definition", {}), t.get("when_to_use", {}), t.get("when_not_to_use", {}),
                    t.get("example", {}),
                ))
                walk(r["id"])

        walk(None)
        return ordered

    def update_code(self, code_id: int, **fields) -> None:
        allowed = {"name", "parent_id", "position", "color", "codable", "retired", "uid"}
        assert set(fields) <= allowed, fields
        sets = ", ".join(f"{k} = :{k}" for k in fields)
        self.conn.execute(f"UPDATE codes SET {sets} WHERE id = :id", {**fields, "id": code_id})

    def delete_code(self, code_id: int) -> None:
        self.conn.execute("DELETE FROM codes WHERE id = ?", (code_id,))

    def code_segment_counts(self, coder_id: int | None = None) -> dict[int, int]:
        return {r[0]: r[1] for r in self._q(
            "SELECT code_id, COUNT(*) FROM segments WHERE (:coder IS NULL OR coder_id = :coder)"
            " GROUP BY code_id", {"coder": coder_id})}

    # --- themes -------------------------------------------------------------------------------

    def themes(self) -> list[Theme]:
        texts: dict[int, dict[str, dict[str, str]]] = {}
        for r in self._q("SELECT * FROM theme_texts"):
            texts.setdefault(r["theme_id"], {}).setdefault(r["field"], {})[r["lang"]] = r["text"]
        members: dict[int, list[int]] = {}
        for r in self._q("SELECT theme_id, code_id FROM theme_codes ORDER BY theme_id, position"):
            members.setdefault(r["theme_id"], []).append(r["code_id"])
        return [
            Theme(r["id"], r["uid"], r["name"], r["position"], texts.get(r["id"], {}).get("label", {}),
                  texts.get(r["id"], {}).get("definition", {}), members.get(r["id"], []))
            for r in self._q("SELECT * FROM themes ORDER BY position, id")
        ]

    def insert_theme(self, name: str, uid: str | None = None, position: int | None = None) -> int:
        if position is None:
            position = self._one("SELECT COALESCE(MAX(position), 0) + 1 FROM themes")[0]
        return self.conn.execute(
            "INSERT INTO themes (uid, name, position) VALUES (?, ?, ?)", (uid or new_uid(), name, position)
        ).lastrowid

    def update_theme(self, theme_id: int, **fields) -> None:
        assert set(fields) <= {"name", "position"}, fields
        sets = ", ".join(f"{k} = :{k}" for k in fields)
        self.conn.execute(f"UPDATE themes SET {sets} WHERE id = :id", {**fields, "id": theme_id})

    def set_theme_texts(self, theme_id: int, field: str, texts: dict[str, str]) -> None:
        self.conn.execute("DELETE FROM theme_texts WHERE theme_id = ? AND field = ?", (theme_id, field))
        self.conn.executemany(
            "INSERT INTO theme_texts VALUES (?, ?, ?, ?)",
            [(theme_id, field, lang, text) for lang, text in texts.items() if text],
        )

    def set_theme_codes(self, theme_id: int, code_ids: list[int]) -> None:
        self.conn.execute("DELETE FROM theme_codes WHERE theme_id = ?", (theme_id,))
        self.conn.executemany(
            "INSERT INTO theme_codes VALUES (?, ?, ?)",
            [(theme_id, code_id, i) for i, code_id in enumerate(code_ids, start=1)],
        )

    def delete_theme(self, theme_id: int) -> None:
        self.conn.execute("DELETE FROM themes WHERE id = ?", (theme_id,))

    def find_code(self, ref: str) -> Code | None:
        """A code by id, uid, name, or a label in any language."""
        codes = self.codes()
        for test in (
            lambda c: str(c.id) == str(ref),
            lambda c: c.uid == ref or c.name == ref,
            lambda c: ref in c.labels.values(),
            lambda c: c.name.casefold() == str(ref).casefold()
            or str(ref).casefold() in {v.casefold() for v in c.labels.values()},
        ):
            found = [c for c in codes if test(c)]
            if len(found) == 1:
                return found[0]
        return None

    # --- segments -----------------------------------------------------------------------------

    _SEGMENT_SELECT = """
        SELECT g.*, d.name AS doc_name, c.name AS code_name, k.name AS coder_name, {text} AS text
        FROM segments g
        JOIN documents d ON d.id = g.doc_id
        JOIN codes c ON c.id = g.code_id
        JOIN coders k ON k.id = g.coder_id
    """

    def insert_segment(self, row: dict) -> int:
        return self.conn.execute(
            "INSERT INTO segments (uid, doc_id, code_id, coder_id, start, end, memo, exemplar,"
            " translation, created_at) VALUES (:uid, :doc_id, :code_id, :coder_id, :start, :end,"
            " :memo, :exemplar, :translation, :created_at)",
            row,
        ).lastrowid

    def segment_row(self, segment_id: int | str) -> dict | None:
        """The raw row (with coder name and code uid) an event needs to undo or redo a change."""
        row = self._one(
            "SELECT g.*, k.name AS coder_name, c.uid AS code_uid, d.uid AS doc_uid FROM segments g"
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


def _document(row: sqlite3.Row) -> Document:
    return Document(row["id"], row["uid"], row["name"], row["lang"], row["format"], row["encoding"],
                    row["text"], row["raw_sha256"], row["text_sha256"], row["group_name"],
                    row["position"], row["imported_at"], row["source_name"])


def _segment(r: sqlite3.Row) -> Segment:
    return Segment(r["id"], r["uid"], r["doc_id"], r["doc_name"], r["code_id"], r["code_name"],
                   r["coder_name"], r["start"], r["end"], r["text"], r["memo"], bool(r["exemplar"]),
                   r["translation"], r["created_at"])
