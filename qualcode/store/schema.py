"""The project schema, as migrations. Documented for people who query it: see docs/schema.md."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Migrations

migrations = Migrations("qualcode")


def run_script(db, script: str) -> None:
    """Run statements one by one: sqlite3's executescript would COMMIT the migration's transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""


@migrations()
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


@migrations()
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


@migrations()
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
