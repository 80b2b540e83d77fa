"""Codes (with their texts per language) and themes."""

from __future__ import annotations

import sqlite3

from ..model import Code, Theme
from .base import check_name, check_text, new_uid


class CodebookRows:
    # --- codes --------------------------------------------------------------------------------

    def insert_code(self, name: str, parent_id: int | None, *, uid: str | None = None,
                    color: str | None = None, codable: bool = True, position: int | None = None) -> int:
        check_name(name, "code name")
        if position is None:
            position = self._one(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM codes WHERE parent_id IS ?", (parent_id,)
            )[0]
        return self.conn.execute(
            "INSERT INTO codes (uid, name, parent_id, position, color, codable) VALUES (?, ?, ?, ?, ?, ?)",
            (uid or new_uid(), name, parent_id, position, color, int(codable)),
        ).lastrowid

    def set_code_texts(self, code_id: int, field: str, texts: dict[str, str]) -> None:
        _check_texts(field, texts)
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
        check_name(fields.get("name"), "code name")
        sets = ", ".join(f"{k} = :{k}" for k in fields)
        self.conn.execute(f"UPDATE codes SET {sets} WHERE id = :id", {**fields, "id": code_id})

    def delete_code(self, code_id: int) -> None:
        self.conn.execute("DELETE FROM codes WHERE id = ?", (code_id,))

    def code_segment_counts(self, coder_id: int | None = None) -> dict[int, int]:
        """Segments per code (those with any), for one coder or (None) all: from the tallies."""
        return {r[0]: r[1] for r in self._q(
            "SELECT code_id, segments FROM code_tallies WHERE coder_id = ? AND segments > 0", (coder_id or 0,))}

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
        check_name(name, "theme name")
        if position is None:
            position = self._one("SELECT COALESCE(MAX(position), 0) + 1 FROM themes")[0]
        return self.conn.execute(
            "INSERT INTO themes (uid, name, position) VALUES (?, ?, ?)", (uid or new_uid(), name, position)
        ).lastrowid

    def update_theme(self, theme_id: int, **fields) -> None:
        assert set(fields) <= {"name", "position"}, fields
        check_name(fields.get("name"), "theme name")
        sets = ", ".join(f"{k} = :{k}" for k in fields)
        self.conn.execute(f"UPDATE themes SET {sets} WHERE id = :id", {**fields, "id": theme_id})

    def set_theme_texts(self, theme_id: int, field: str, texts: dict[str, str]) -> None:
        _check_texts(field, texts)
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


def _check_texts(field: str, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        check_name(lang, "language")
        (check_name if field == "label" else check_text)(text, field.replace("_", " "))
