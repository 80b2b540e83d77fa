"""Reconciliation decisions."""

from __future__ import annotations

import json

from .base import new_uid, now


class DecisionRows:
    def decisions(self, consensus: str, coders: list[str] | None = None) -> dict[str, dict]:
        rows = self._q("SELECT * FROM decisions WHERE consensus = ? ORDER BY id", (consensus,))
        out = {}
        for r in rows:
            row = {**dict(r), "coders": json.loads(r["coders"]), "codes": json.loads(r["codes"]),
                   "segments": json.loads(r["segments"])}
            if coders is None or row["coders"] == coders:
                out[r["key"]] = row
        return out

    def decided_documents(self, consensus: str) -> set[int]:
        """The documents with a reconciliation decision written into `consensus`."""
        return {r[0] for r in self._q("SELECT DISTINCT doc_id FROM decisions WHERE consensus = ?", (consensus,))}

    def decision_count(self) -> int:
        return self._one("SELECT COUNT(*) FROM decisions")[0]

    def save_decision(self, row: dict) -> None:
        """Insert or replace the decision on one unit (a changed mind keeps the uid)."""
        existing = self._one("SELECT uid FROM decisions WHERE key = ? AND consensus = ?",
                             (row["key"], row["consensus"]))
        values = {**row, "coders": json.dumps(row["coders"], ensure_ascii=False),
                  "codes": json.dumps(row["codes"], ensure_ascii=False), "segments": json.dumps(row["segments"]),
                  "uid": existing["uid"] if existing else new_uid(), "decided_at": now()}
        self.conn.execute("DELETE FROM decisions WHERE key = ? AND consensus = ?", (row["key"], row["consensus"]))
        columns = ", ".join(values)
        self.conn.execute(f"INSERT INTO decisions ({columns}) VALUES ({', '.join(':' + k for k in values)})", values)

    def decision_raw(self, key: str, consensus: str) -> dict | None:
        """The decision's row as stored (its JSON columns as text), for undo to put back."""
        row = self._one("SELECT * FROM decisions WHERE key = ? AND consensus = ?", (key, consensus))
        return {k: row[k] for k in row.keys() if k != "id"} if row else None

    def restore_decision(self, key: str, consensus: str, raw: dict | None) -> None:
        """Put a decision back as `decision_raw` read it; None: no decision on that unit."""
        self.conn.execute("DELETE FROM decisions WHERE key = ? AND consensus = ?", (key, consensus))
        if raw is not None:
            columns = ", ".join(raw)
            self.conn.execute(f"INSERT INTO decisions ({columns}) VALUES ({', '.join(':' + k for k in raw)})", raw)
