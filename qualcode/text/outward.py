"""What leaves the project: the data an export is rendered from, with every name redacted.

An export (theme summary, codebook appendix or .qdc, agreement table, memo report, a .qdpx
with `--redact`) is rendered from data that `Outward` returned, never from the project's own
strings. `Outward(names, lang)(data)` copies `data` — dataclasses, lists, tuples, dicts, to
any depth — with every string passed once through one `Redactor` (text/redact.py), dict keys
included. So a field added to a summary later is redacted without anyone remembering to, and
a renderer cannot print a name it was never given.

What stays as it is:
- identifiers: UUIDs and colours (#RRGGBB) are no text;
- a dataclass field with `metadata=VERBATIM` (a language code);
- the keys (not the values) of a field with `metadata=VALUES_ONLY`: dicts whose keys are
  structure (an agreement report's "overall", "kappa"), not names.

Names stay apart: dict keys and the `name` fields of dataclasses name things (groups, codes,
themes). Two that redact alike ("intervju_Kungsbacka" and "intervju_Lund" both become
"intervju_[namn]") are told apart as `model.unique_name` does ("intervju_[namn] (2)"), and a
string equal to one of them reads the same wherever it occurs (a quote's group, the group
columns): one export, one mapping.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any, TypeVar

from ..model import unique_name
from .redact import OffsetMap, Redactor

VERBATIM = {"outward": "verbatim"}
VALUES_ONLY = {"outward": "values"}
_IDENTIFIER = re.compile(r"#[0-9A-Fa-f]{3,8}|\{?[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}\}?")

T = TypeVar("T")


class Outward:
    """One export's redaction: `outward(data)` (a redacted copy), `outward.text(s)`,
    `outward.with_map(text)` (for a document whose coded offsets must follow)."""

    def __init__(self, names: Iterable[str], lang: str | None) -> None:
        self.names = [n for n in dict.fromkeys(names) if n and n.strip()]
        self.lang = lang
        self.redactor = Redactor(self.names, lang)
        self.placeholder = self.redactor.placeholder

    def __bool__(self) -> bool:
        return bool(self.redactor)

    def text(self, text: str) -> str:
        return text if _IDENTIFIER.fullmatch(text) else self.redactor(text)

    def with_map(self, text: str) -> tuple[str, OffsetMap]:
        return self.redactor.redact_with_map(text)

    def __call__(self, data: T) -> T:
        walk = _Walk(self)
        walk.keep_names_apart(data)
        return walk.copy(data)


class _Walk:
    def __init__(self, outward: Outward) -> None:
        self.outward = outward
        self.done: dict[str, str] = {}  # the one mapping of this export: original -> redacted

    def string(self, text: str) -> str:
        found = self.done.get(text)
        if found is None:
            found = self.done[text] = self.outward.text(text)
        return found

    def copy(self, value: Any, keys: bool = True) -> Any:
        if isinstance(value, str):
            return self.string(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {}
            for f in dataclasses.fields(value):
                if f.init and f.metadata.get("outward") != "verbatim":
                    changes[f.name] = self.copy(getattr(value, f.name), f.metadata.get("outward") != "values")
            return dataclasses.replace(value, **changes)
        if isinstance(value, dict):
            return {(self.copy(k) if keys else k): self.copy(v, keys) for k, v in value.items()}
        if isinstance(value, (list, tuple, set, frozenset)):
            return type(value)(self.copy(v, keys) for v in value)
        return value

    def keep_names_apart(self, data: Any) -> None:
        """Map the names in `data` first: those that do not change keep their spelling, and
        those that redact into a name already taken get the next free "(n)"."""
        names: dict[str, None] = {}
        self._collect(data, names, True)
        changed = []
        for name in names:
            if self.string(name) == name:
                continue
            changed.append(name)
        taken = {n for n in names if n not in changed}
        for name in changed:
            self.done[name] = unique_name(self.done[name], taken)
            taken.add(self.done[name])

    def _collect(self, value: Any, names: dict[str, None], keys: bool) -> None:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                if f.metadata.get("outward") == "verbatim":
                    continue
                item = getattr(value, f.name)
                if f.name == "name" and isinstance(item, str):
                    names[item] = None
                self._collect(item, names, keys and f.metadata.get("outward") != "values")
        elif isinstance(value, dict):
            for k, v in value.items():
                if keys and isinstance(k, str):
                    names[k] = None
                self._collect(v, names, keys)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for v in value:
                self._collect(v, names, keys)
