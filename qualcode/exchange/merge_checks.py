"""What a co-author's project must be before a merge takes anything from it, beyond what the
store checks (see store/snapshot.py): texts that match their hashes, names without control
characters (`names.unsafe_characters`). A name is refused, not cleaned: a cleaned name could
then match one of ours that it is not."""

from __future__ import annotations

from ..names import escape_controls, unsafe_characters
from .merge_content import Content


def content_problems(content: Content, limit: int = 20) -> list[str]:
    problems = [f"document '{escape_controls(d.name)}': its text does not match its hash"
                for d in content.documents.values() if not d.text_ok]
    for what, name in _names(content):
        unsafe = unsafe_characters(name)
        if unsafe:
            problems.append(f"{what} '{escape_controls(name)}' holds control characters ({', '.join(unsafe)})")
    for what, text in _texts(content):  # longer texts may hold line breaks and tabs, no other controls
        unsafe = unsafe_characters(text.replace("\n", "").replace("\t", ""))
        if unsafe:
            problems.append(f"{what} '{escape_controls(text[:40])}' holds control characters ({', '.join(unsafe)})")
    return problems[:limit]


def _names(content: Content):
    for d in content.documents.values():
        yield "document name", d.name
        if d.provenance.get("source_name"):
            yield "file name", d.provenance["source_name"]
        if d.group:
            yield "document group", d.group
        for label in d.speakers:
            yield "speaker", label
    for p in content.participants.values():
        yield "participant", p.key
        if p.pseudonym:
            yield "pseudonym", p.pseudonym
        for k in p.attributes:
            yield "attribute", k
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
    for m in content.memos.values():
        yield "memo author", m.author
    for _, coder in content.done:
        yield "coder who marked a document done", coder


def _texts(content: Content):
    for p in content.participants.values():
        for v in p.attributes.values():
            yield "attribute value", v
    for c in content.codes.values():
        for field, texts in c.texts.items():
            if field != "label":
                for text in texts.values():
                    yield field.replace("_", " "), text
    for t in content.themes.values():
        for text in t.definition.values():
            yield "theme definition", text
    for c in content.codings.values():
        for text in (c.memo, c.translation):
            if text:
                yield "memo or translation", text
    for d in content.decisions.values():
        if d.note:
            yield "decision note", d.note
    for m in content.memos.values():
        yield "memo", m.text
