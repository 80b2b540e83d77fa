"""What a co-author's project must be before a merge takes anything from it, beyond what the
store checks (see store/snapshot.py): texts that match their hashes, names without control
characters."""

from __future__ import annotations

import re

from .merge_content import Content

# C0 and C1 controls, DEL, bidi marks, embeddings, overrides and isolates, line and paragraph
# separators, the BOM: they would rewrite a terminal, reverse how a name reads or break XML.
# (A minimal check: the name cleaner of issue 17 replaces it once it is on main.)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")


def content_problems(content: Content, limit: int = 20) -> list[str]:
    problems = [f"document '{_safe(d.name)}': its text does not match its hash" for d in content.documents.values()
                if not d.text_ok]
    for what, name in _names(content):
        if _CONTROL.search(name):
            problems.append(f"{what} '{_safe(name)}' holds control characters")
    return problems[:limit]


def _names(content: Content):
    for d in content.documents.values():
        yield "document name", d.name
        if d.group:
            yield "document group", d.group
        for label in d.speakers:
            yield "speaker", label
    for p in content.participants.values():
        yield "participant", p.key
        if p.pseudonym:
            yield "pseudonym", p.pseudonym
        for k, v in p.attributes.items():
            yield "attribute", k
            yield "attribute value", v
    for name in content.coders:
        yield "coder", name
    for c in content.codes.values():
        yield "code", c.name
        for label in c.texts.get("label", {}).values():
            yield "code label", label
    for t in content.themes.values():
        yield "theme", t.name
        for label in t.labels.values():
            yield "theme label", label


def _safe(name: str) -> str:
    """A name as it may be printed: its control characters as escapes."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", name)
