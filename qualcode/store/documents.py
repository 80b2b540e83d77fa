"""Documents and their units (turns, sentences, the lemma index)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection

from ..model import Document, DocumentSummary, Turn, Unit
from .base import check_name, new_uid, now
from .schema import RETALLY_SENTENCES


class DocumentRows:
    # --- documents ----------------------------------------------------------------------------

    def document_by_hash(self, text_sha256: str) -> Document | None:
        row = self._one("SELECT * FROM documents WHERE text_sha256 = ?", (text_sha256,))
        return _document(row) if row else None

    def document_names(self) -> set[str]:
        return {r["name"] for r in self._q("SELECT name FROM documents")}

    def insert_document(self, doc, group: str | None, actor: str, uid: str | None = None) -> tuple[int, dict[str, int]]:
        """Insert a prepared document with its speakers, turns, sentences and tokens.
        Returns the document id and its speakers' ids by label."""
        check_name(doc.name, "document name")
        check_name(doc.source_name, "file name")
        check_name(group, "group name")
        for turn in doc.turns:
            check_name(turn.speaker, "speaker label")
        position = self._one("SELECT COALESCE(MAX(position), 0) + 1 FROM documents")[0]
        uid = uid or new_uid()
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
            [(doc_id, i, start, end, turn) for i, (start, end, turn) in enumerate(doc.sentences)],
        )
        # the word index's entries in its order (the analysis sorts them): appended at its end;
        # SQLite reads them from the JSON object at half the cost of binding them row by row
        if "\\u0000" not in doc.lemmas:
            self.conn.execute("INSERT INTO lemmas (lemma, doc_id, spans) SELECT key, ?, value FROM json_each(?)",
                              (doc_id, doc.lemmas))
        else:  # json_each cuts a key at a NUL (no transcript holds one: text/normalize.py removes them)
            self.conn.executemany("INSERT INTO lemmas VALUES (?, ?, ?)", [
                (lemma, doc_id, json.dumps(spans, separators=(",", ":")))
                for lemma, spans in json.loads(doc.lemmas, object_pairs_hook=list)])
        self._record_sizes(doc_id, len(doc.text), len(doc.sentences), len(doc.turns))
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
        """Every document's listing: from the documents_listing index, the sizes and the tallies
        (see m003_scale), never from the texts, sentences or segments themselves."""
        rows = self._q(
            """
            SELECT d.id, d.uid, d.name, d.lang, d.group_name, d.format, d.encoding,
                   st.chars, st.sentences, st.turns, COALESCE(t.segments, 0) AS coded,
                   (SELECT json_group_array(label) FROM
                       (SELECT label FROM speakers sp WHERE sp.doc_id = d.id ORDER BY sp.id)) AS speakers
            FROM documents d INDEXED BY documents_listing
            JOIN document_stats st ON st.doc_id = d.id
            LEFT JOIN document_tallies t ON t.coder_id = 0 AND t.doc_id = d.id
            ORDER BY d.position
            """
        )
        return [
            DocumentSummary(r["id"], r["uid"], r["name"], r["lang"], r["chars"], r["sentences"],
                            r["turns"], json.loads(r["speakers"]), r["group_name"], r["format"],
                            r["encoding"], r["coded"])
            for r in rows
        ]

    def sentence_coverage(self, coder_id: int | None, doc_id: int | None = None) -> dict[int, tuple[int, int]]:
        """(sentences some segment touches, sentences) per document that has sentences, for one
        coder or (None) for all: read from the tallies the triggers keep (see m003_scale)."""
        rows = self._q(
            """
            SELECT st.doc_id, st.sentences AS total, COALESCE(t.sentences_coded, 0) AS coded
            FROM document_stats st
            LEFT JOIN document_tallies t ON t.coder_id = :coder AND t.doc_id = st.doc_id
            WHERE st.sentences > 0
            """ + ("" if doc_id is None else " AND st.doc_id = :doc"),  # one document: a seek, not a scan
            {"coder": coder_id or 0, "doc": doc_id},
        )
        return {r["doc_id"]: (r["coded"], r["total"]) for r in rows}

    def turns(self, doc_id: int) -> list[Turn]:
        return [
            Turn(idx, start, end, label, label_start, time_start, time_end)
            for idx, start, end, label_start, time_start, time_end, label in self._tuples(
                "SELECT t.idx, t.start, t.end, t.label_start, t.time_start, t.time_end, sp.label"
                " FROM turns t LEFT JOIN speakers sp ON sp.id = t.speaker_id WHERE t.doc_id = ? ORDER BY t.idx",
                (doc_id,),
            )
        ]

    def sentences(self, doc_id: int) -> list[Unit]:
        # the speaker of each turn once, not a join for each of a long transcript's sentences
        speakers = dict(self._tuples(
            "SELECT t.idx, sp.label FROM turns t JOIN speakers sp ON sp.id = t.speaker_id WHERE t.doc_id = ?",
            (doc_id,)))
        return [
            Unit(idx, start, end, speakers.get(turn), turn)
            for idx, start, end, turn in self._tuples(
                "SELECT idx, start, end, turn_idx FROM sentences WHERE doc_id = ? ORDER BY idx", (doc_id,))
        ]

    def unit_spans(self, kind: str, doc_ids: Collection[int] | None = None) -> dict[int, list[tuple[int, int]]]:
        """(start, end) of every sentence or turn ('sentence', 'turn') of the documents (all, or
        these), per document in order: one read for all, not one per document."""
        table = {"sentence": "sentences", "turn": "turns"}[kind]
        sql = f"SELECT doc_id, start, end FROM {table}"
        if doc_ids is not None:
            sql += " WHERE doc_id IN (SELECT value FROM json_each(:docs))"
        spans: dict[int, list[tuple[int, int]]] = {}
        rows = self._tuples(sql + " ORDER BY doc_id, idx", {"docs": json.dumps(list(doc_ids or []))})
        for doc_id, start, end in rows:
            spans.setdefault(doc_id, []).append((start, end))
        return spans

    def lemma_spans(self, lemma: str, doc_id: int | None = None) -> list[tuple[int, int, int]]:
        """(doc_id, start, end) of every occurrence of a lemma, in document order."""
        # the index is kept by document (m005): one seek per document, not a scan
        docs = "(SELECT id FROM documents)" if doc_id is None else "(?)"
        params = [lemma] if doc_id is None else [doc_id, lemma]
        sql = f"SELECT doc_id, spans FROM lemmas WHERE doc_id IN {docs} AND lemma = ?"
        hits = []
        for r in self._q(sql, params):
            flat = json.loads(r["spans"])
            hits.extend((r["doc_id"], flat[i], flat[i + 1]) for i in range(0, len(flat), 2))
        return sorted(hits)

    def document_rows(self, doc_id: int) -> dict:
        """Everything stored about one document, as plain rows (for merging projects)."""
        one = lambda sql: [dict(r) for r in self._q(sql, (doc_id,))]  # noqa: E731
        return {
            "document": one("SELECT * FROM documents WHERE id = ?")[0],
            "speakers": one("SELECT sp.id, sp.label, p.key AS participant FROM speakers sp"
                            " LEFT JOIN participants p ON p.id = sp.participant_id WHERE sp.doc_id = ?"),
            "turns": one("SELECT * FROM turns WHERE doc_id = ? ORDER BY idx"),
            "sentences": one("SELECT * FROM sentences WHERE doc_id = ? ORDER BY idx"),
            "lemmas": one("SELECT * FROM lemmas WHERE doc_id = ?"),
        }

    def insert_document_rows(self, rows: dict, name: str) -> tuple[int, dict[int, int]]:
        """Insert a document copied from another project; returns its id and the speaker map."""
        doc = {**rows["document"], "name": name}
        doc.pop("id")
        doc["position"] = self._one("SELECT COALESCE(MAX(position), 0) + 1 FROM documents")[0]
        columns = ", ".join(doc)
        doc_id = self.conn.execute(
            f"INSERT INTO documents ({columns}) VALUES ({', '.join('?' for _ in doc)})", tuple(doc.values())
        ).lastrowid
        return doc_id, self._insert_reading(doc_id, rows)

    def _insert_reading(self, doc_id: int, rows: dict) -> dict[int, int]:
        """A document's speakers, turns, sentences and word index as `document_rows` gives them;
        returns the speaker map (their id -> ours). Speakers come unlinked."""
        speakers = {}
        for sp in rows["speakers"]:
            speakers[sp["id"]] = self.conn.execute(
                "INSERT INTO speakers (doc_id, label) VALUES (?, ?)", (doc_id, sp["label"])).lastrowid
        self.conn.executemany(
            "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(doc_id, t["idx"], t["start"], t["end"], t["label_start"], speakers.get(t["speaker_id"]),
              t["time_start"], t["time_end"]) for t in rows["turns"]])
        self.conn.executemany("INSERT INTO sentences VALUES (?, ?, ?, ?, ?)",
                              [(doc_id, s["idx"], s["start"], s["end"], s["turn_idx"]) for s in rows["sentences"]])
        self.conn.executemany("INSERT INTO lemmas VALUES (?, ?, ?)",
                              [(row["lemma"], doc_id, row["spans"]) for row in rows["lemmas"]])
        # a new reading (a merge may replace one): its sizes, and the progress its sentences give
        self._record_sizes(doc_id, len(rows["document"]["text"]), len(rows["sentences"]), len(rows["turns"]))
        for statement in RETALLY_SENTENCES:
            self.conn.execute(statement, {"doc": doc_id})
        return speakers

    def _record_sizes(self, doc_id: int, chars: int, sentences: int, turns: int) -> None:
        """What the listing shows of a document's size, kept apart from its text (see m003_scale)."""
        self.conn.execute("INSERT INTO document_stats (doc_id, chars, sentences, turns) VALUES (?, ?, ?, ?)"
                          " ON CONFLICT (doc_id) DO UPDATE SET chars = excluded.chars,"
                          " sentences = excluded.sentences, turns = excluded.turns",
                          (doc_id, chars, sentences, turns))

    def document_uids(self) -> dict[str, int]:
        return {r["uid"]: r["id"] for r in self._q("SELECT id, uid FROM documents")}

    def importers(self) -> dict[int, str]:
        """Who imported each document (by document id)."""
        return {r["id"]: r["imported_by"] for r in self._q("SELECT id, imported_by FROM documents")}




def _document(row: sqlite3.Row) -> Document:
    return Document(row["id"], row["uid"], row["name"], row["lang"], row["format"], row["encoding"],
                    row["text"], row["raw_sha256"], row["text_sha256"], row["group_name"],
                    row["position"], row["imported_at"], row["source_name"])
