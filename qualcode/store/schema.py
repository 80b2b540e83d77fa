"""The project schema, as migrations. Documented for people who query it: see docs/schema.md."""

from __future__ import annotations

import sqlite3
from functools import cache

MIGRATION_SET = "qualcode"  # the migration_set of our rows in _sqlite_migrations
_STEPS: list = []


def migration(step):
    """A step of the schema, in the order written (sqlite-utils applies them: `migrations()`)."""
    _STEPS.append(step)
    return step


def migration_names() -> list[str]:
    return [step.__name__ for step in _STEPS]


@cache
def migrations():
    """The steps as sqlite-utils' Migrations. Imported only to create or update a project."""
    steps = sqlite_utils().Migrations(MIGRATION_SET)
    for step in _STEPS:
        steps()(step)
    return steps


def sqlite_utils():
    """The sqlite_utils module, imported without pandas. Where pandas is installed, sqlite-utils
    imports it (0.3 s, as long as creating a project) only to accept pandas' values, which we
    never give it."""
    import sys

    if "sqlite_utils" not in sys.modules and "pandas" not in sys.modules:
        sys.modules["pandas"] = None  # `import pandas` raises ImportError while this is here
        try:
            import sqlite_utils
        finally:
            del sys.modules["pandas"]
    import sqlite_utils

    return sqlite_utils


def run_script(db, script: str) -> None:
    """Run statements one by one: sqlite3's executescript would COMMIT the migration's transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""


@migration
def m001_initial(db) -> None:
    run_script(
        db,
        """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE,
            source_name TEXT,
            format TEXT NOT NULL,
            encoding TEXT,
            lang TEXT NOT NULL,
            text TEXT NOT NULL,
            raw_sha256 TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            group_name TEXT,
            position INTEGER NOT NULL,
            imported_at TEXT NOT NULL,
            imported_by TEXT NOT NULL
        );
        CREATE INDEX documents_text_sha256 ON documents(text_sha256);
        -- offsets into a document's text are only meaningful while the text never changes
        CREATE TRIGGER documents_text_immutable BEFORE UPDATE OF text ON documents
        BEGIN SELECT RAISE(ABORT, 'document text is immutable'); END;

        CREATE TABLE participants (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            key TEXT NOT NULL UNIQUE,
            pseudonym TEXT,
            attributes TEXT NOT NULL DEFAULT '{}'
        );

        CREATE TABLE speakers (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
            UNIQUE (doc_id, label)
        );
        CREATE INDEX speakers_participant ON speakers(participant_id);

        CREATE TABLE turns (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            label_start INTEGER NOT NULL,
            speaker_id INTEGER REFERENCES speakers(id),
            time_start REAL,
            time_end REAL,
            PRIMARY KEY (doc_id, idx)
        ) WITHOUT ROWID;

        CREATE TABLE sentences (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            turn_idx INTEGER,
            PRIMARY KEY (doc_id, idx)
        ) WITHOUT ROWID;

        -- word index for search: for each lemma (jieba word for Chinese, lower-cased lookup
        -- lemma for Swedish/English) the spans where it occurs in a document, as a flat JSON
        -- array [start, end, start, end, ...]; one row per (lemma, document) keeps imports fast
        CREATE TABLE lemmas (
            lemma TEXT NOT NULL,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            spans TEXT NOT NULL,
            PRIMARY KEY (lemma, doc_id)
        ) WITHOUT ROWID;

        CREATE TABLE coders (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE
        );

        CREATE TABLE codes (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE,
            parent_id INTEGER REFERENCES codes(id),
            position INTEGER NOT NULL,
            color TEXT,
            codable INTEGER NOT NULL DEFAULT 1,
            retired INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX codes_parent ON codes(parent_id, position);

        -- names and the MacQueen fields, per language:
        -- field in (label, brief, definition, when_to_use, when_not_to_use, example)
        CREATE TABLE code_texts (
            code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            lang TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (code_id, field, lang)
        ) WITHOUT ROWID;

        CREATE TABLE themes (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE,
            position INTEGER NOT NULL
        );
        CREATE TABLE theme_texts (
            theme_id INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            lang TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (theme_id, field, lang)
        ) WITHOUT ROWID;
        CREATE TABLE theme_codes (
            theme_id INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
            code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            PRIMARY KEY (theme_id, code_id)
        ) WITHOUT ROWID;

        CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            doc_id INTEGER NOT NULL REFERENCES documents(id),
            code_id INTEGER NOT NULL REFERENCES codes(id),
            coder_id INTEGER NOT NULL REFERENCES coders(id),
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            memo TEXT,
            exemplar INTEGER NOT NULL DEFAULT 0,
            translation TEXT,
            created_at TEXT NOT NULL,
            CHECK (start >= 0 AND end > start)
        );
        CREATE INDEX segments_doc ON segments(doc_id, start);
        CREATE INDEX segments_code ON segments(code_id);
        CREATE INDEX segments_coder ON segments(coder_id);

        -- the audit trail, append-only; also feeds undo/redo
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            payload TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_actor ON events(actor, id);
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        """
    )


@migration
def m002_decisions(db) -> None:
    run_script(
        db,
        """
        -- reconciliation: one decision per disputed unit and pair of coders, with the
        -- consensus segments it wrote (their uids), so a changed mind replaces them
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            key TEXT NOT NULL,
            coders TEXT NOT NULL,
            unit TEXT NOT NULL,
            doc_id INTEGER NOT NULL REFERENCES documents(id),
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            choice TEXT NOT NULL CHECK (choice IN ('accept-a', 'accept-b', 'both', 'neither', 'edit')),
            codes TEXT NOT NULL DEFAULT '[]',
            note TEXT,
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            consensus TEXT NOT NULL,
            segments TEXT NOT NULL DEFAULT '[]',
            UNIQUE (key, consensus)
        );
        CREATE INDEX decisions_doc ON decisions(doc_id);
        """,
    )


def _touched_sentences(row: str) -> str:
    """SQL condition: sentence `s` is one that segment `row` (NEW or OLD in a trigger) touches.

    A document's sentences are disjoint and in order, so both their starts and their ends grow
    with idx: two index seeks bound the run of sentences, instead of a scan of the document's."""
    return f"""s.doc_id = {row}.doc_id
          AND s.idx BETWEEN
              (SELECT idx FROM sentences WHERE doc_id = {row}.doc_id AND end > {row}.start ORDER BY end LIMIT 1)
              AND (SELECT idx FROM sentences WHERE doc_id = {row}.doc_id AND start < {row}.end
                   ORDER BY start DESC LIMIT 1)
          AND s.start < {row}.end AND s.end > {row}.start"""


def _coverage_insert(where: str) -> str:
    """The sentence coverage of the segments that `where` selects (alias g), counted from scratch."""
    return f"""INSERT INTO sentence_coverage (doc_id, coder_id, idx, segments)
        SELECT s.doc_id, CASE WHEN everyone.yes THEN 0 ELSE g.coder_id END, s.idx, COUNT(*)
        FROM segments g, (SELECT 0 AS yes UNION ALL SELECT 1) everyone, sentences s
        WHERE {where} AND {_touched_sentences("g")}
        GROUP BY 1, 2, 3"""


# A document read anew (a merge may replace its sentences): its coverage counted again; the
# triggers on sentence_coverage keep document_tallies in step.
RETALLY_SENTENCES = ("DELETE FROM sentence_coverage WHERE doc_id = :doc", _coverage_insert("g.doc_id = :doc"))


def _count_in(row: str) -> str:
    """Trigger statements adding segment `row` to the tallies (coder 0 is every coder together)."""
    return f"""
        INSERT INTO document_tallies (coder_id, doc_id, segments)
        VALUES ({row}.coder_id, {row}.doc_id, 1), (0, {row}.doc_id, 1)
        ON CONFLICT DO UPDATE SET segments = segments + 1;
        INSERT INTO code_tallies (coder_id, code_id, segments)
        VALUES ({row}.coder_id, {row}.code_id, 1), (0, {row}.code_id, 1)
        ON CONFLICT DO UPDATE SET segments = segments + 1;
        INSERT INTO sentence_coverage (doc_id, coder_id, idx, segments)
        SELECT {row}.doc_id, who.coder_id, s.idx, 1
        FROM sentences s, (SELECT {row}.coder_id AS coder_id UNION ALL SELECT 0) who
        WHERE {_touched_sentences(row)}
        ON CONFLICT DO UPDATE SET segments = segments + 1;"""


def _count_out(row: str) -> str:
    """Trigger statements taking segment `row` out of the tallies."""
    return f"""
        UPDATE document_tallies SET segments = segments - 1
        WHERE coder_id IN ({row}.coder_id, 0) AND doc_id = {row}.doc_id;
        UPDATE code_tallies SET segments = segments - 1
        WHERE coder_id IN ({row}.coder_id, 0) AND code_id = {row}.code_id;
        UPDATE sentence_coverage SET segments = segments - 1
        WHERE coder_id IN ({row}.coder_id, 0) AND (doc_id, idx) IN (
            SELECT s.doc_id, s.idx FROM sentences s WHERE {_touched_sentences(row)});
        DELETE FROM sentence_coverage
        WHERE coder_id IN ({row}.coder_id, 0) AND segments = 0 AND (doc_id, idx) IN (
            SELECT s.doc_id, s.idx FROM sentences s WHERE {_touched_sentences(row)});"""


@migration
def m003_scale(db) -> None:
    """What opening, listing and coding read stays small however large the project grows.

    Progress (sentences coded per document) and segment counts per document and per code are
    kept up to date by triggers in tally tables, instead of being computed when asked: asking
    happens at every start-up and after every coding, for every document in the pane, while a
    segment changes a handful of tally rows. Computing on demand, even by an interval sweep
    over sorted segments, reads every segment of the project at start-up (500,000 rows for a
    thousand double-coded transcripts: about a second), where the tallies are a thousand rows.
    """
    run_script(
        db,
        f"""
        -- overlap queries on a document's segments: start < :end AND end > :start
        DROP INDEX segments_doc;
        CREATE INDEX segments_doc ON segments(doc_id, start, end);
        CREATE INDEX sentences_doc_start ON sentences(doc_id, start);
        CREATE INDEX sentences_doc_end ON sentences(doc_id, end);

        -- the listing of documents, read from the index alone: in the table its columns sit
        -- behind the text, and reaching them would read every transcript
        CREATE INDEX documents_listing ON documents(position, id, uid, name, lang, format, encoding, group_name);
        -- a document's speakers in order of appearance, for the listing (no sort per document)
        CREATE INDEX speakers_doc ON speakers(doc_id, id, label);

        -- a document's sizes, which never change after import
        CREATE TABLE document_stats (
            doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            chars INTEGER NOT NULL,
            sentences INTEGER NOT NULL,
            turns INTEGER NOT NULL
        );
        INSERT INTO document_stats
        SELECT d.id, length(d.text),
               (SELECT COUNT(*) FROM sentences s WHERE s.doc_id = d.id),
               (SELECT COUNT(*) FROM turns t WHERE t.doc_id = d.id)
        FROM documents d;

        -- tallies of the coding, per coder (coder_id 0: every coder together)
        CREATE TABLE sentence_coverage (
            doc_id INTEGER NOT NULL,
            coder_id INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            segments INTEGER NOT NULL,  -- how many of the coder's segments touch the sentence
            PRIMARY KEY (doc_id, coder_id, idx)
        ) WITHOUT ROWID;
        CREATE TABLE document_tallies (
            coder_id INTEGER NOT NULL,
            doc_id INTEGER NOT NULL,
            sentences_coded INTEGER NOT NULL DEFAULT 0,
            segments INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (coder_id, doc_id)
        ) WITHOUT ROWID;
        CREATE TABLE code_tallies (
            coder_id INTEGER NOT NULL,
            code_id INTEGER NOT NULL,
            segments INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (coder_id, code_id)
        ) WITHOUT ROWID;

        -- the tallies of the coding there is already, then the triggers that keep them
        {_coverage_insert("1")};
        INSERT INTO document_tallies (coder_id, doc_id, sentences_coded, segments)
        SELECT coder_id, doc_id, SUM(coded), SUM(segments) FROM (
            SELECT coder_id, doc_id, COUNT(*) AS coded, 0 AS segments FROM sentence_coverage
            GROUP BY coder_id, doc_id
            UNION ALL SELECT coder_id, doc_id, 0, COUNT(*) FROM segments GROUP BY coder_id, doc_id
            UNION ALL SELECT 0, doc_id, 0, COUNT(*) FROM segments GROUP BY doc_id)
        GROUP BY coder_id, doc_id;
        INSERT INTO code_tallies (coder_id, code_id, segments)
        SELECT coder_id, code_id, COUNT(*) FROM segments GROUP BY coder_id, code_id
        UNION ALL SELECT 0, code_id, COUNT(*) FROM segments GROUP BY code_id;

        CREATE TRIGGER segments_tally_insert AFTER INSERT ON segments
        BEGIN {_count_in("NEW")}
        END;
        CREATE TRIGGER segments_tally_delete AFTER DELETE ON segments
        BEGIN {_count_out("OLD")}
        END;
        CREATE TRIGGER segments_tally_update AFTER UPDATE OF doc_id, coder_id, code_id, start, end ON segments
        BEGIN {_count_out("OLD")}{_count_in("NEW")}
        END;
        CREATE TRIGGER sentence_coverage_insert AFTER INSERT ON sentence_coverage
        BEGIN
            UPDATE document_tallies SET sentences_coded = sentences_coded + 1
            WHERE coder_id = NEW.coder_id AND doc_id = NEW.doc_id;
        END;
        CREATE TRIGGER sentence_coverage_delete AFTER DELETE ON sentence_coverage
        BEGIN
            UPDATE document_tallies SET sentences_coded = sentences_coded - 1
            WHERE coder_id = OLD.coder_id AND doc_id = OLD.doc_id;
        END;
        """,
    )


@migration
def m004_memos(db) -> None:
    run_script(
        db,
        """
        -- memos on documents, codes, themes, participants and the project, each authored and
        -- dated; a coding's memo stays on its segment (segments.memo): it is undone, merged and
        -- exported with the coding it belongs to
        CREATE TABLE memos (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('project', 'document', 'code', 'theme', 'participant')),
            target_uid TEXT,  -- the uid of the document, code, theme or participant; none for the project
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK ((kind = 'project') = (target_uid IS NULL))
        );
        CREATE INDEX memos_target ON memos(kind, target_uid);

        -- blind coding: a coder's mark that their coding of a document is done; until then the
        -- workbench hides co-authors' coding of it from them
        CREATE TABLE done_marks (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            coder TEXT NOT NULL,
            done_at TEXT NOT NULL,
            PRIMARY KEY (doc_id, coder)
        ) WITHOUT ROWID;

        -- the recording a transcript was made from, to play a turn from its time
        CREATE TABLE media (
            doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            path TEXT NOT NULL,  -- relative to the project file's folder when the file lies below it
            linked_by TEXT NOT NULL,
            linked_at TEXT NOT NULL
        );
        """,
    )


@migration
def m005_word_index_by_document(db) -> None:
    run_script(
        db,
        """
        -- the word index kept in document order, each document's words in order: an import
        -- appends its rows at the end (it used to insert each of them among every other
        -- document's rows, costing more the larger the project), and a document's words are read
        -- together; a word is found in every document by one seek per document
        CREATE TABLE lemmas_by_document (
            lemma TEXT NOT NULL,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            spans TEXT NOT NULL,
            PRIMARY KEY (doc_id, lemma)
        ) WITHOUT ROWID;
        INSERT INTO lemmas_by_document SELECT lemma, doc_id, spans FROM lemmas ORDER BY doc_id, lemma;
        DROP TABLE lemmas;
        ALTER TABLE lemmas_by_document RENAME TO lemmas;
        """,
    )
