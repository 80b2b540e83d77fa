"""Redaction: the names no export may hold, and the one way an export is written.

Every file meant for other eyes — theme summaries, the codebook appendix and .qdc, agreement
tables, memo reports, a .qdpx with `--redact` — is written by `write()` (or, for a .qdpx,
built from `outward()`): the data handed to the renderer is redacted first, whole, in one
pass (text/outward.py). A renderer never sees the project's own strings.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..errors import QualcodeError
from ..files import write_atomically
from ..store import Store
from ..text.outward import Outward
from .common import default_coder
from .participants import ParticipantService

NAME_ATTRIBUTES = ("name", "namn", "姓名", "real_name")  # attributes holding a participant's real name

T = TypeVar("T")


class RedactionService:
    def __init__(self, store: Store, participants: ParticipantService) -> None:
        self.store = store
        self.participants = participants

    def names(self) -> list[str]:
        """The names `qualcode redact` listed (they become [name] in every export)."""
        return json.loads(self.store.setting("redactions") or "[]")

    def add(self, name: str, actor: str | None = None) -> list[str]:
        name = unicodedata.normalize("NFC", name.strip())  # as the stored texts are
        if not name:
            raise QualcodeError("nothing to redact", "''")
        names = self.names()
        if name not in names:
            names.append(name)
            with self.store.transaction():
                self.store.set_setting("redactions", json.dumps(names, ensure_ascii=False))
                self.store.log(actor or default_coder(), "redaction.add", {"count": len(names)})
        return names

    def real_names(self) -> list[str]:
        """Participants' real names, from their attributes (name, namn, 姓名, real_name)."""
        return [str(v) for p in self.participants.list() for k, v in p.attributes.items()
                if k.lower() in NAME_ATTRIBUTES and str(v).strip()]

    def outward(self, lang: str | None) -> Outward:
        """The redaction of an export in `lang` ([namn], [姓名], [name]): the listed names and
        the participants' real names. `outward(data)` is a redacted copy of `data`."""
        return Outward([*self.names(), *self.real_names()], lang)

    def write(self, path: Path, render: Callable[[T], bytes], data: T, lang: str | None) -> Path:
        """Write an export: `render` gets `data` redacted, never `data` itself; atomically."""
        write_atomically(Path(path), render(self.outward(lang)(data)))
        return Path(path)
