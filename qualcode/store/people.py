"""Participants (cases) and the speakers linked to them."""

from __future__ import annotations

import json
import sqlite3

from ..model import Participant
from .base import check_name, check_text, new_uid


class ParticipantRows:
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
        check_name(key, "participant")
        check_name(pseudonym, "pseudonym")
        for name, value in attributes.items():
            check_name(name, "participant attribute")
            check_text(value if isinstance(value, str) else None, "participant attribute value")
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

    def set_participant_uid(self, participant_id: int, uid: str) -> None:
        """Keep the uid a participant had elsewhere (a REFI-QDA Case GUID)."""
        self.conn.execute("UPDATE participants SET uid = ? WHERE id = ?", (uid, participant_id))

    def participants(self) -> list[Participant]:
        # everyone's speaker labels in one read (documents in import order), not a read per person
        spoken: dict[int, list[tuple[str, str]]] = {}
        for participant_id, name, label in self._tuples(
                "SELECT sp.participant_id, d.name, sp.label FROM documents d INDEXED BY documents_listing"
                " JOIN speakers sp ON sp.doc_id = d.id WHERE sp.participant_id IS NOT NULL"
                " ORDER BY d.position, sp.id"):
            spoken.setdefault(participant_id, []).append((name, label))
        return [self._participant(r, spoken.get(r["id"], []))
                for r in self._q("SELECT * FROM participants ORDER BY key")]

    def _participant(self, row: sqlite3.Row, speakers: list[tuple[str, str]] | None = None) -> Participant:
        if speakers is None:
            speakers = [
                (r["name"], r["label"])
                for r in self._q(
                    "SELECT d.name, sp.label FROM speakers sp JOIN documents d ON d.id = sp.doc_id"
                    " WHERE sp.participant_id = ? ORDER BY d.position, sp.id",
                    (row["id"],),
                )
            ]
        return Participant(row["id"], row["uid"], row["key"], row["pseudonym"],
                           json.loads(row["attributes"]), speakers)
