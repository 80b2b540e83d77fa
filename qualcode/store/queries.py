"""Reads for the project-wide queries: one statement per kind of row, whatever the number of documents.

A set of document ids travels as one JSON array parameter (`json_each`), so no statement
grows with the selection and none is issued per document.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from itertools import chain

import numpy as np

from ..model import DocRef, Participant, SpeechTurn


def _ids(doc_ids: Collection[int] | None) -> str | None:
    return None if doc_ids is None else json.dumps(sorted(doc_ids))


def _in(column: str, values: Collection | None, name: str = "docs", every: str | None = None) -> str:
    """A condition on `column` for the JSON parameter :name; none when values is None (an `x IS
    NULL OR …` would keep SQLite from using the index), or every id of the table `every` (so
    that a key led by `column`, the word index's, is searched once per id instead of scanned)."""
    if values is None:
        return "1" if every is None else f"{column} IN (SELECT id FROM {every})"
    return f"{column} IN (SELECT value FROM json_each(:{name}))"


class QueryRows:
    # rows as plain tuples: Store._tuples

    def document_refs(self, doc_ids: Collection[int] | None = None) -> list[DocRef]:
        """Documents in project order (no text)."""
        return list(map(DocRef._make, self._tuples(
            "SELECT id, name, lang, group_name, position FROM documents WHERE "
            + _in("id", doc_ids) + " ORDER BY position", {"docs": _ids(doc_ids)})))

    def document_texts(self, doc_ids: Collection[int] | None = None) -> dict[int, str]:
        """Texts by document id (of every document when doc_ids is None)."""
        return dict(self._tuples("SELECT id, text FROM documents WHERE " + _in("id", doc_ids), {"docs": _ids(doc_ids)}))

    def texts_containing(self, needles: Iterable[str], doc_ids: Collection[int] | None = None) -> dict[int, str]:
        """The texts (by document id) that hold at least one of `needles` exactly (instr():
        no letter case folding; short Chinese strings too, which FTS5 trigrams cannot find)."""
        needles = list(dict.fromkeys(needles))
        if not needles:
            return {}
        found = " OR ".join(f"instr(text, :n{i}) > 0" for i in range(len(needles)))
        params = {"docs": _ids(doc_ids), **{f"n{i}": n for i, n in enumerate(needles)}}
        return dict(self._tuples(
            "SELECT id, text FROM documents WHERE " + _in("id", doc_ids) + f" AND ({found})", params))

    def lemma_postings(self, keys: Iterable[str], doc_ids: Collection[int] | None = None
                       ) -> dict[str, dict[int, str]]:
        """key -> document id -> its spans as stored: a JSON array [start, end, start, end, …]
        (left undecoded: a query that shows one page of hits need not decode them all)."""
        postings: dict[str, dict[int, str]] = {}
        rows = self._tuples(
            "SELECT lemma, doc_id, spans FROM lemmas WHERE lemma IN (SELECT value FROM json_each(:keys)) AND "
            + _in("doc_id", doc_ids, every="documents"),
            {"keys": json.dumps(sorted(set(keys)), ensure_ascii=False), "docs": _ids(doc_ids)})
        for lemma, doc_id, spans in rows:
            postings.setdefault(lemma, {})[doc_id] = spans
        return postings

    def lemma_rows(self, doc_ids: Collection[int] | None = None) -> Iterator[tuple[str, int, str]]:
        """(lemma, document id, spans as the stored JSON text) of the whole word index, or of
        some documents: a stream, for counting without holding it all."""
        return self._tuples(
            "SELECT lemma, doc_id, spans FROM lemmas WHERE " + _in("doc_id", doc_ids),
            {"docs": _ids(doc_ids)})

    def speech_turns(self, doc_ids: Collection[int] | None = None) -> dict[int, list[SpeechTurn]]:
        """Turns by document, in order, with the speaker's label and participant key."""
        turns: dict[int, list[SpeechTurn]] = {}
        rows = self._tuples(
            "SELECT t.doc_id, t.idx, t.start, t.end, sp.label, p.key, t.time_start, p.pseudonym FROM turns t"
            " LEFT JOIN speakers sp ON sp.id = t.speaker_id LEFT JOIN participants p ON p.id = sp.participant_id"
            " WHERE " + _in("t.doc_id", doc_ids) + " ORDER BY t.doc_id, t.idx",
            {"docs": _ids(doc_ids)})
        for row in rows:
            turns.setdefault(row[0], []).append(SpeechTurn._make(row))
        return turns

    def turn_rows(self, doc_ids: Collection[int] | None = None) -> np.ndarray:
        """(document id, start, end, speaker id or -1) of every turn as an (n, 4) integer array,
        sorted by document and start: the lean form counts over a whole project read."""
        cursor = self._tuples("SELECT doc_id, start, end, COALESCE(speaker_id, -1) FROM turns WHERE "
                              + _in("doc_id", doc_ids) + " ORDER BY doc_id, idx", {"docs": _ids(doc_ids)})
        return np.fromiter(chain.from_iterable(cursor), dtype=np.int64).reshape(-1, 4)

    def speaker_labels(self) -> list[tuple[int, str]]:
        """(document id, label) of every speaker."""
        return self._tuples("SELECT doc_id, label FROM speakers", {}).fetchall()

    def label_spans(self, doc_ids: Collection[int]) -> np.ndarray:
        """Where the speaker labels are: (document id, label start, speech start) of each turn with
        a label, as an (n, 3) integer array sorted by document and offset."""
        cursor = self._tuples("SELECT doc_id, label_start, start FROM turns WHERE label_start < start AND "
                              + _in("doc_id", doc_ids) + " ORDER BY doc_id, idx", {"docs": _ids(doc_ids)})
        return np.fromiter(chain.from_iterable(cursor), dtype=np.int64).reshape(-1, 3)

    def speaker_rows(self) -> list[tuple[int, str, str | None]]:
        """(speaker id, label, participant key) of every speaker."""
        return self._tuples("SELECT sp.id, sp.label, p.key FROM speakers sp"
                            " LEFT JOIN participants p ON p.id = sp.participant_id", {}).fetchall()

    def sentence_rows(self, doc_ids: Collection[int] | None = None) -> np.ndarray:
        """(document id, start, end) of every sentence as an (n, 3) integer array, in order."""
        where = _in("doc_id", doc_ids) + " ORDER BY doc_id, idx"
        longest = self._one("SELECT MAX(chars) FROM document_stats")[0]
        if longest is not None and longest < 1 << 21 and self._largest_id("documents") < 1 << 21:
            # one integer a row: a third of the Python objects a row costs (half a million rows)
            packed = np.fromiter(chain.from_iterable(self._tuples(
                "SELECT (doc_id << 42) | (start << 21) | end FROM sentences WHERE " + where, {"docs": _ids(doc_ids)})),
                dtype=np.int64)
            return np.column_stack([packed >> 42, (packed >> 21) & (1 << 21) - 1, packed & (1 << 21) - 1])
        cursor = self._tuples("SELECT doc_id, start, end FROM sentences WHERE " + where, {"docs": _ids(doc_ids)})
        return np.fromiter(chain.from_iterable(cursor), dtype=np.int64).reshape(-1, 3)

    def segment_columns(self, coder_ids: Collection[int] | None = None,
                        doc_ids: Collection[int] | None = None) -> np.ndarray:
        """Coded segments as an (n, 7) integer array: id, doc_id, code_id, coder_id, start, end,
        exemplar (0 or 1), in id order. Read three integers a row (ids and flags packed into one,
        start and end into another): half the Python objects of seven (half a million rows)."""
        where = _in("doc_id", doc_ids) + " AND " + _in("coder_id", coder_ids, "coders") + " ORDER BY id"
        params = {"docs": _ids(doc_ids), "coders": _ids(coder_ids)}
        if (self._largest_id("documents") >= 1 << 27 or self._largest_id("codes") >= 1 << 20
                or self._largest_id("coders") >= 1 << 15):
            return np.fromiter(chain.from_iterable(self._tuples(
                "SELECT id, doc_id, code_id, coder_id, start, end, exemplar FROM segments WHERE " + where, params)),
                dtype=np.int64).reshape(-1, 7)
        packed = np.fromiter(chain.from_iterable(self._tuples(
            "SELECT id, (doc_id << 36) | (code_id << 16) | (coder_id << 1) | (exemplar <> 0), (start << 32) | end"
            " FROM segments WHERE " + where, params)), dtype=np.int64).reshape(-1, 3)
        ids, spans = packed[:, 1], packed[:, 2]
        return np.column_stack([packed[:, 0], ids >> 36, (ids >> 16) & (1 << 20) - 1, (ids >> 1) & (1 << 15) - 1,
                                spans >> 32, spans & (1 << 32) - 1, ids & 1])

    def _largest_id(self, table: str) -> int:
        return self._one(f"SELECT COALESCE(MAX(id), 0) FROM {table}")[0]

    def sentence_spans(self, doc_ids: Collection[int] | None = None) -> dict[int, list[tuple[int, int]]]:
        """Sentences by document, in order, as (start, end)."""
        sentences: dict[int, list[tuple[int, int]]] = {}
        rows = self._tuples(
            "SELECT doc_id, start, end FROM sentences WHERE " + _in("doc_id", doc_ids)
            + " ORDER BY doc_id, idx", {"docs": _ids(doc_ids)})
        for doc_id, start, end in rows:
            sentences.setdefault(doc_id, []).append((start, end))
        return sentences

    def all_participants(self) -> list[Participant]:
        """Every participant with the speakers linked to it, in two statements."""
        people = {r["id"]: Participant(r["id"], r["uid"], r["key"], r["pseudonym"], json.loads(r["attributes"]))
                  for r in self._q("SELECT * FROM participants ORDER BY key")}
        for pid, name, label in self._tuples(
                "SELECT sp.participant_id, d.name, sp.label FROM speakers sp JOIN documents d ON d.id = sp.doc_id"
                " WHERE sp.participant_id IS NOT NULL ORDER BY d.position, sp.id", {}):
            people[pid].speakers.append((name, label))
        return list(people.values())

    def span_array(self, coder_ids: Collection[int] | None = None, code_ids: Collection[int] | None = None,
                   doc_ids: Collection[int] | None = None) -> np.ndarray:
        """Coded segments as an (n, 6) integer array, columns as SpanRow's (id, doc_id, code_id,
        coder_id, start, end), in no particular order: one pass over the table, no row objects."""
        cursor = self._tuples(
            "SELECT id, doc_id, code_id, coder_id, start, end FROM segments WHERE " + _in("doc_id", doc_ids)
            + " AND " + _in("coder_id", coder_ids, "coders") + " AND " + _in("code_id", code_ids, "codes"),
            {"docs": _ids(doc_ids), "coders": _ids(coder_ids), "codes": _ids(code_ids)})
        return np.fromiter(chain.from_iterable(cursor), dtype=np.int64).reshape(-1, 6)

    def segment_translations(self) -> dict[int, str]:
        """Segment id -> its translation, of the segments that have one."""
        return dict(self._tuples("SELECT id, translation FROM segments WHERE translation <> ''", {}))

    def coder_ids(self) -> dict[str, int]:
        return dict(self._tuples("SELECT name, id FROM coders", {}))
